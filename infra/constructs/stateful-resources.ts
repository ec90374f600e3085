/**
 * Everything of the pipeline that holds data: the buckets, the articles table, the keys, the topics,
 * the pipeline's own queues and the schedule group. Built in the stack's own scope, so their logical
 * ids are those the stack has always given them (a changed id would make CloudFormation replace the
 * resource and, with RETAIN, orphan its data); the stages (../constructs/*-stage.ts) receive them.
 *
 * Data protection: every bucket, table, topic and queue is encrypted at rest and refuses requests
 * without TLS; the buckets log requests to a dedicated access-log bucket. Everything here outlives
 * the stack unless the stage is declared disposable (`removalPolicy`).
 */
import { Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { INDEX_NAMES, INDEX_PROJECTIONS } from '../../shared/adapters/table-layout.js';
import { type PartnerTopology, topicId } from '../../shared/partners/topology.js';
import { CLAIM_CHECK_PREFIX, normalise, QUEUES, type QueueName } from '../../shared/pipeline/description.js';
import { secureQueue } from './queues.js';

/** SNS signs HTTPS and email-json deliveries with RSA-SHA256 ('2'), not SHA1 ('1', its default). */
export const SNS_SIGNATURE_VERSION = '2';
/** Claim-check documents outlive their links a little, then go (partners fetch on receipt). */
const CONTENT_RETENTION = Duration.days(8);

export interface StatefulResourceProps {
  readonly removalPolicy: RemovalPolicy;
  /** Buckets are emptied before they are deleted (only when not retained). */
  readonly autoDeleteObjects: boolean;
  /** The table refuses deletion while retained. */
  readonly deletionProtection: boolean;
  readonly noncurrentVersionRetention: Duration;
  readonly quarantineRetention: Duration;
  readonly accessLogRetention: Duration;
  readonly topology: PartnerTopology;
}

export interface StatefulResources {
  /** Receives the S3 server access logs of the other buckets. */
  readonly accessLogsBucket: Bucket;
  readonly ingestBucket: Bucket;
  readonly quarantineBucket: Bucket;
  readonly contentBucket: Bucket;
  readonly articlesTable: Table;
  /** Encrypts the partner topics. */
  readonly topicKey: Key;
  /** Encrypts the partner queues, their DLQs and the content bucket; SNS may use it for the topics. */
  readonly messagingKey: Key;
  /** Every partner topic, by construct id (`ArticlesTopic`, `SummaryTopic`, `ArticlesTopic2`...). */
  readonly topics: ReadonlyMap<string, Topic>;
  /** The pipeline's own queues, by their name in the description. */
  readonly queues: Readonly<Record<QueueName, Queue>>;
  /** The schedule group of embargo schedules. */
  readonly scheduleGroup: CfnScheduleGroup;
}

/** The construct id of each of the pipeline's own queues (kept: they are their logical ids' source). */
const QUEUE_IDS: Readonly<Record<QueueName, string>> = {
  ingestQueue: 'IngestQueue',
  ingestDlq: 'IngestDlq',
  streamDlq: 'StreamDlq',
  releaseDlq: 'ReleaseDlq',
};

export function createStatefulResources(stack: Stack, props: StatefulResourceProps): StatefulResources {
  const { removalPolicy, autoDeleteObjects } = props;

  // --- S3 server access logs of every other bucket ------------------------------------------------
  // Log delivery supports SSE-S3 only on the target bucket (not SSE-KMS).
  const accessLogsBucket = new Bucket(stack, 'AccessLogsBucket', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    lifecycleRules: [
      { expiration: props.accessLogRetention },
      { abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy,
    autoDeleteObjects,
  });
  // cdk-nag's S1 accepts a bucket that receives other buckets' access logs: it does not log itself.
  /** Private, TLS-only, access-logged under its own prefix, retained unless ephemeral (then emptied on delete). */
  const dataBucket = (bucketId: string, logPrefix: string, bucketProps: BucketProps) =>
    new Bucket(stack, bucketId, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: `${logPrefix}/`,
      removalPolicy,
      autoDeleteObjects,
      ...bucketProps,
    });

  // --- Ingest: dropped files (their notifications are the ingest stage's) --------------------------
  const ingestBucket = dataBucket('IngestBucket', 'ingest', {
    encryption: BucketEncryption.S3_MANAGED,
    // Objects publishers write from their accounts belong to us (ACLs disabled), so normalise reads them.
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [
      // Overwritten and deleted files stay recoverable for a while, then go; so do the delete markers left.
      { noncurrentVersionExpiration: props.noncurrentVersionRetention, expiredObjectDeleteMarker: true },
      { abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ],
  });

  const queue = (name: QueueName, options: { deadLetterQueue?: Queue; visibilityTimeout?: Duration } = {}) =>
    secureQueue(stack, QUEUE_IDS[name], QUEUES[name], {
      removalPolicy,
      ...(options.deadLetterQueue ? { deadLetterQueue: options.deadLetterQueue } : {}),
      ...(options.visibilityTimeout ? { props: { visibilityTimeout: options.visibilityTimeout } } : {}),
    });
  const ingestDlq = queue('ingestDlq');
  const ingestSource = normalise.source.kind === 'sqs' ? normalise.source : undefined;
  const ingestQueue = queue('ingestQueue', {
    deadLetterQueue: ingestDlq,
    // AWS guidance for SQS -> Lambda: at least six times the function timeout plus the batching window.
    visibilityTimeout: Duration.seconds(
      6 * normalise.timeoutSeconds + (ingestSource?.maxBatchingWindowSeconds ?? 0),
    ),
  });

  // Rejected originals are copied here: no notification is configured on this bucket, so nothing
  // in it can trigger ingest again.
  const quarantineBucket = dataBucket('QuarantineBucket', 'quarantine', {
    encryption: BucketEncryption.S3_MANAGED,
    versioned: true,
    lifecycleRules: [
      { expiration: props.quarantineRetention, noncurrentVersionExpiration: Duration.days(1) },
      { abortIncompleteMultipartUploadAfter: Duration.days(1), expiredObjectDeleteMarker: true },
    ],
  });

  // --- Article index (access patterns: shared/adapters/dynamodb-article-index.ts) -----------------
  const articlesTable = new Table(stack, 'ArticlesTable', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.deletionProtection,
    removalPolicy,
  });
  for (const indexName of Object.values(INDEX_NAMES)) {
    const projected = INDEX_PROJECTIONS[indexName];
    articlesTable.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: `${indexName}Pk`, type: AttributeType.STRING },
      sortKey: { name: `${indexName}Sk`, type: AttributeType.STRING },
      ...(projected ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projected] } : {}),
    });
  }

  // --- Embargo release: its dead-letter queue and the group of its schedules -----------------------
  const releaseDlq = queue('releaseDlq');
  const scheduleGroup = new CfnScheduleGroup(stack, 'EmbargoSchedules', {});

  // --- Topics and keys --------------------------------------------------------------------------------
  // Two keys, because the queue key's policy names the topic and the topic names its key: one key
  // for both would be a dependency cycle CloudFormation cannot create.
  const topicKey = new Key(stack, 'TopicKey', {
    description: 'Encrypts the articles topic',
    enableKeyRotation: true,
    removalPolicy,
  });
  const messagingKey = new Key(stack, 'MessagingKey', {
    description: 'Encrypts partner queues, their dead-letter queues and claim-check documents',
    enableKeyRotation: true,
    removalPolicy,
  });
  const topics = new Map<string, Topic>();
  for (const slot of props.topology.topics) {
    topics.set(
      topicId(slot),
      new Topic(stack, topicId(slot), {
        enforceSSL: true,
        masterKey: topicKey,
        // RSA-SHA256 signatures on HTTPS and email-json deliveries (version 1 is SHA1).
        signatureVersion: SNS_SIGNATURE_VERSION,
      }),
    );
  }
  const topicArns = [...topics.values()].map((topic) => topic.topicArn);
  // SNS encrypts what it puts in the (KMS-encrypted) partner queues and delivery DLQs, for these topics only.
  messagingKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('sns.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:SourceArn': topicArns.length === 1 ? topicArns[0] : topicArns } },
    }),
  );

  // Documents too large for a message, and the documents summary messages link to (claim check).
  const contentBucket = dataBucket('ContentBucket', 'content', {
    encryption: BucketEncryption.KMS,
    encryptionKey: messagingKey,
    bucketKeyEnabled: true,
    lifecycleRules: [
      // Claim-check documents only: documents the index keeps out of its items (index-documents/)
      // live as long as the article versions that point to them.
      { prefix: CLAIM_CHECK_PREFIX, expiration: CONTENT_RETENTION },
      { abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });

  const streamDlq = queue('streamDlq');
  return {
    accessLogsBucket,
    ingestBucket,
    quarantineBucket,
    contentBucket,
    articlesTable,
    topicKey,
    messagingKey,
    topics,
    queues: { ingestQueue, ingestDlq, streamDlq, releaseDlq },
    scheduleGroup,
  };
}
