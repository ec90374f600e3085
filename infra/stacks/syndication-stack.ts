/**
 * The syndication pipeline as one stack:
 *
 *   publishers --(their own access point, their own prefix)--> S3 ingest bucket
 *   S3 ingest bucket --(ObjectCreated/ObjectRemoved)--> ingest queue --> normalise --> articles table
 *   articles table stream --> publish --> articles topic --(filter policy per partner)--> partner endpoints
 *                                    \--> content bucket (documents too large for a message; summary links)
 *
 * Every asynchronous edge has somewhere for failures to go: the ingest queue and each partner queue
 * redrive to a DLQ, the stream mapping sends failed batches to an on-failure queue, and each SNS
 * subscription has its own delivery DLQ. The topic, the partner queues and the content bucket are
 * encrypted with customer-managed keys; the queues' key policy lets SNS deliver for this topic only.
 *
 * Data protection: every bucket, table, topic and queue is encrypted at rest and refuses requests
 * without TLS; the buckets log requests to a dedicated access-log bucket. Every DLQ, function error,
 * the stream lag, the ingest backlog, failed SNS deliveries and the rejection rate alarm to an
 * operator topic (`PipelineMonitoring`). cdk-nag (AwsSolutions) findings are fixed or acknowledged
 * here, next to their cause (`acknowledge`).
 */
import { Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  AnyPrincipal,
  ArnPrincipal,
  Effect,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  EventType,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CLAIM_CHECK_PREFIX, MAX_LINK_EXPIRY_SECONDS } from '../../shared/adapters/s3-claim-check.js';
import { INDEX_DOCUMENT_PREFIX } from '../../shared/adapters/s3-document-store.js';
import { INDEX_NAMES, INDEX_PROJECTIONS } from '../../shared/adapters/table-layout.js';
import { RECEIPTS_PREFIX } from '../../shared/domain/receipt.js';
import {
  type Partner,
  partnerResourceId,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
} from '../../shared/partners/registry.js';
import {
  manifestPath,
  type PartnerTopology,
  partnerTopology,
  type TopicRoutes,
  topicId,
  topicRoutesOf,
} from '../../shared/partners/topology.js';
import { type Publisher, publisherPrefix } from '../../shared/publishers/registry.js';
import { CONFIG_DEFAULTS, type Reservation, type StageConfig } from '../config.js';
import { OperatorAlerts } from '../constructs/operator-alerts.js';
import type { PartnerDelivery } from '../constructs/partner-delivery.js';
import { partnerId } from '../constructs/partner-delivery.js';
import {
  DEFAULT_SERVICE_NAME,
  PipelineFunction,
  type PipelineFunctionProps,
} from '../constructs/pipeline-function.js';
import {
  type AlarmThresholds,
  type MonitoredDeadLetterQueue,
  PipelineMonitoring,
} from '../constructs/pipeline-monitoring.js';
import { delegateToPublisherAccessPoints, PublisherAccess } from '../constructs/publisher-access.js';
import { SubscriptionChanges } from '../constructs/subscription-changes.js';
import { acknowledge, wildcardFinding } from '../nag.js';
import { PartnerShardStack, shardLabel } from './partner-shard-stack.js';

export {
  PartnerDelivery,
  partnerConstructId,
  partnerId,
  subscriptionFilterPolicy,
} from '../constructs/partner-delivery.js';

export interface SyndicationStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`: names the stack's metrics, never what happens to its data. */
  readonly stage: string;
  /**
   * A disposable stage: buckets (emptied first), table, keys and queues are deleted with the stack or
   * when CloudFormation replaces them. Otherwise every one of them is retained.
   * @default false
   */
  readonly ephemeral?: boolean;
  /**
   * Most normalise instances the ingest queue's event source runs at once (Lambda accepts 2-1000),
   * so a burst of files cannot take the account's whole concurrency.
   * @default 20
   */
  readonly ingestMaxConcurrency?: number;
  /** Concurrent executions reserved for publish (its floor and ceiling), or `none`. @default 10 */
  readonly publishReservedConcurrency?: Reservation;
  /** Concurrent executions reserved for release (its floor and ceiling), or `none`. @default 5 */
  readonly releaseReservedConcurrency?: Reservation;
  /** The validated partner registry (see `parsePartnerRegistry`). */
  readonly partners: readonly Partner[];
  /**
   * The validated publisher registry (see `parsePublisherRegistry`): each gets an access point that
   * writes and deletes under `<name>/` of the ingest bucket only. @default none
   */
  readonly publishers?: readonly Publisher[];
  /**
   * How long a claim-check link (pre-signed URL) is valid. Signed with the publish function's role
   * credentials, a URL can stop working earlier, when those temporary credentials expire.
   * @default 6 hours
   */
  readonly contentLinkExpiry?: Duration;
  /** Who receives alarms (email subscriptions of the operator topic). @default none */
  readonly operatorEmails?: readonly string[];
  /** How long an overwritten or deleted ingest object version is kept. @default 30 days */
  readonly noncurrentVersionRetention?: Duration;
  /** How long a rejected original is kept in the quarantine bucket. @default 30 days */
  readonly quarantineRetention?: Duration;
  /** How long S3 server access logs are kept. @default 90 days */
  readonly accessLogRetention?: Duration;
  /** Overrides of the alarm thresholds (see ALARM_DEFAULTS). */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
  /**
   * SNS filter policies per topic in this account (the quota, 200 unless raised): partner
   * subscriptions are spread over as many topics per payload variant as this requires.
   * @default 200
   */
  readonly filterPoliciesPerTopic?: number;
}

/** The stack's settings from validated deployment settings (`infra/config.ts`): what `cdk synth` builds. */
export function stackPropsFrom(
  config: StageConfig,
  partners: readonly Partner[],
  publishers: readonly Publisher[] = [],
): SyndicationStackProps {
  return {
    stage: config.stage,
    ephemeral: config.ephemeral,
    partners,
    publishers,
    operatorEmails: config.operatorEmails,
    noncurrentVersionRetention: Duration.days(config.noncurrentVersionDays),
    quarantineRetention: Duration.days(config.quarantineDays),
    accessLogRetention: Duration.days(config.accessLogDays),
    ingestMaxConcurrency: config.ingestMaxConcurrency,
    publishReservedConcurrency: config.publishReservedConcurrency,
    releaseReservedConcurrency: config.releaseReservedConcurrency,
    filterPoliciesPerTopic: config.filterPoliciesPerTopic,
    description: `Content syndication pipeline (${config.stage}${config.ephemeral ? ', ephemeral' : ''})`,
  };
}

const NORMALISE_TIMEOUT = Duration.seconds(30);
const PUBLISH_TIMEOUT = Duration.seconds(30);
/**
 * How long each event source gathers records before invoking: none. A window (whole seconds only)
 * holds every record of a quiet feed for its full length, so two 1 s windows were 2 s between upload
 * and delivery. Under load batches fill without a window; at low traffic the invocations it saved
 * are worth cents per million articles (Lambda requests $0.20 per million, see `npm run bench`).
 */
const NORMALISE_BATCHING_WINDOW = Duration.seconds(0);
const PUBLISH_BATCHING_WINDOW = Duration.seconds(0);
const MAX_RECEIVE_COUNT = 5;
const DLQ_RETENTION = Duration.days(14);
/** SNS signs HTTPS and email-json deliveries with RSA-SHA256 ('2'), not SHA1 ('1', its default). */
export const SNS_SIGNATURE_VERSION = '2';

/** What normalise does with the table (see shared/adapters/dynamodb-article-index.ts). */
const NORMALISE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/** publish reads each version's document; release rewrites the head. */
const PUBLISH_TABLE_ACTIONS = ['dynamodb:GetItem'];
const RELEASE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/** What a publisher needs on the key of an encrypted topic (SNS documents no more). */
const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];
const DEFAULT_CONTENT_LINK_EXPIRY = Duration.hours(6);
/** Claim-check documents outlive their links a little, then go (partners fetch on receipt). */
const CONTENT_RETENTION = Duration.days(8);
const INDEX_DOCUMENTS_REASON =
  'article versions too large for a table item keep their document under index-documents/ (named by uri ' +
  'and version at run time); nothing else in the bucket.';

/** Whole days, at least one, for lifecycle rules (S3 counts in days). */
function days(name: string, value: Duration): Duration {
  const count = value.toDays({ integral: false });
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`${name} must be a whole number of days, at least 1, not ${value.toHumanString()}`);
  }
  return value;
}

/** Every queue in the stack: SQS-managed encryption at rest, TLS-only access. */
function secureQueue(scope: Construct, id: string, props: QueueProps): Queue {
  return new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });
}

function deadLetterQueue(scope: Construct, id: string, removalPolicy: RemovalPolicy): Queue {
  return secureQueue(scope, id, { retentionPeriod: DLQ_RETENTION, removalPolicy });
}

/** A reservation as Lambda's ReservedConcurrentExecutions, or nothing for `none`. */
function reservedConcurrency(reservation: Reservation): { reservedConcurrentExecutions?: number } {
  return reservation === 'none' ? {} : { reservedConcurrentExecutions: reservation };
}

export class SyndicationStack extends Stack {
  /** Powertools service name of this stage's functions: the `service` dimension of their metrics. */
  readonly serviceName: string;
  /** Receives the S3 server access logs of the other buckets. */
  readonly accessLogsBucket: Bucket;
  readonly ingestBucket: Bucket;
  readonly ingestQueue: Queue;
  readonly ingestDlq: Queue;
  readonly quarantineBucket: Bucket;
  readonly articlesTable: Table;
  readonly releaseFunction: PipelineFunction;
  readonly releaseDlq: Queue;
  readonly streamDlq: Queue;
  /** The first topic of full documents (every topic: `topics`). */
  readonly articlesTopic: Topic;
  /** Every partner topic, by construct id (`ArticlesTopic`, `SummaryTopic`, `ArticlesTopic2`...). */
  readonly topics: ReadonlyMap<string, Topic>;
  /** Which shard each partner is in and which topic it subscribes to. */
  readonly topology: PartnerTopology;
  /** The nested stacks of partner deliveries, by shard. */
  readonly partnerShards: ReadonlyMap<number, PartnerShardStack>;
  /** Encrypts the partner topics. */
  readonly topicKey: Key;
  /** Encrypts the partner queues, their DLQs and the content bucket; SNS may use it for the topic. */
  readonly messagingKey: Key;
  readonly contentBucket: Bucket;
  readonly normaliseFunction: PipelineFunction;
  readonly publishFunction: PipelineFunction;
  readonly partnerDeliveries: ReadonlyMap<string, PartnerDelivery>;
  /** Each registered publisher's access point, by publisher name. */
  readonly publisherAccess: ReadonlyMap<string, PublisherAccess>;
  /** Tells the operators of every subscription change of the topics. */
  readonly subscriptionChanges: SubscriptionChanges;
  /** Every dead-letter queue of the stack, each with its alarm. */
  readonly deadLetterQueues: readonly MonitoredDeadLetterQueue[];
  readonly alerts: OperatorAlerts;
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: SyndicationStackProps) {
    super(scope, id, props);
    // Server access logs are granted by a bucket policy on the log bucket (ACLs stay disabled), whatever
    // the app's feature flags say: the stack depends on it (BUCKET_OWNER_ENFORCED below).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    // Everything that holds data (objects, articles, undelivered messages, the keys that decrypt them)
    // outlives the stack and any replacement unless the stage was declared disposable.
    const retainData = !(props.ephemeral ?? CONFIG_DEFAULTS.ephemeral);
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.serviceName = `${DEFAULT_SERVICE_NAME}-${props.stage}`;
    const pipelineFunction = (functionId: string, functionProps: PipelineFunctionProps) =>
      new PipelineFunction(this, functionId, {
        logRemovalPolicy: removalPolicy,
        serviceName: this.serviceName,
        ...functionProps,
      });
    const noncurrentVersionRetention = days(
      'noncurrentVersionRetention',
      props.noncurrentVersionRetention ?? Duration.days(CONFIG_DEFAULTS.noncurrentVersionDays),
    );
    const quarantineRetention = days(
      'quarantineRetention',
      props.quarantineRetention ?? Duration.days(CONFIG_DEFAULTS.quarantineDays),
    );
    const accessLogRetention = days(
      'accessLogRetention',
      props.accessLogRetention ?? Duration.days(CONFIG_DEFAULTS.accessLogDays),
    );

    // --- S3 server access logs of every other bucket ------------------------------------------------
    // Log delivery supports SSE-S3 only on the target bucket (not SSE-KMS).
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: accessLogRetention },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: !retainData,
    });
    // cdk-nag's S1 accepts a bucket that receives other buckets' access logs: it does not log itself.
    /** Private, TLS-only, access-logged under its own prefix, retained unless ephemeral (then emptied on delete). */
    const dataBucket = (bucketId: string, logPrefix: string, bucketProps: BucketProps) =>
      new Bucket(this, bucketId, {
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${logPrefix}/`,
        removalPolicy,
        autoDeleteObjects: !retainData,
        ...bucketProps,
      });

    // --- Ingest: dropped files and their event notifications -----------------------------------
    this.ingestBucket = dataBucket('IngestBucket', 'ingest', {
      encryption: BucketEncryption.S3_MANAGED,
      // Objects publishers write from their accounts belong to us (ACLs disabled), so normalise reads them.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        // Overwritten and deleted files stay recoverable for a while, then go; so do the delete markers left.
        { noncurrentVersionExpiration: noncurrentVersionRetention, expiredObjectDeleteMarker: true },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.ingestDlq = deadLetterQueue(this, 'IngestDlq', removalPolicy);
    this.ingestQueue = secureQueue(this, 'IngestQueue', {
      removalPolicy,
      // AWS guidance for SQS -> Lambda: at least six times the function timeout plus the batching window.
      visibilityTimeout: Duration.seconds(
        6 * NORMALISE_TIMEOUT.toSeconds() + NORMALISE_BATCHING_WINDOW.toSeconds(),
      ),
      deadLetterQueue: { queue: this.ingestDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    // --- Publishers: one access point each, writing and deleting under its own prefix only -------
    const publisherAccess = new Map<string, PublisherAccess>();
    for (const publisher of props.publishers ?? []) {
      publisherAccess.set(
        publisher.name,
        // The name itself (not a PascalCase form, where `a-b` and `a--b` would meet) keeps ids apart.
        new PublisherAccess(this, `Publisher-${publisher.name}`, {
          bucket: this.ingestBucket,
          publisher,
          stage: props.stage,
        }),
      );
    }
    if (publisherAccess.size > 0) delegateToPublisherAccessPoints(this.ingestBucket, props.stage);
    this.publisherAccess = publisherAccess;

    const toIngestQueue = new SqsDestination(this.ingestQueue);
    if (publisherAccess.size > 0) {
      // Registered publishers' prefixes only (they do not overlap: names hold no '/'), so the
      // receipts the pipeline writes under receipts/ never reach normalise. Nothing else can be
      // written here but by operators; normalise rejects what is outside a prefix UNKNOWN_SOURCE.
      for (const publisher of props.publishers ?? []) {
        const filter = { prefix: publisherPrefix(publisher) };
        this.ingestBucket.addEventNotification(EventType.OBJECT_CREATED, toIngestQueue, filter);
        this.ingestBucket.addEventNotification(EventType.OBJECT_REMOVED, toIngestQueue, filter);
      }
    } else {
      // No registry: every first-level folder is a source; normalise ignores receipt notifications.
      this.ingestBucket.addEventNotification(EventType.OBJECT_CREATED, toIngestQueue);
      this.ingestBucket.addEventNotification(EventType.OBJECT_REMOVED, toIngestQueue);
    }

    // Rejected originals are copied here: no notification is configured on this bucket, so nothing
    // in it can trigger ingest again.
    this.quarantineBucket = dataBucket('QuarantineBucket', 'quarantine', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [
        { expiration: quarantineRetention, noncurrentVersionExpiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1), expiredObjectDeleteMarker: true },
      ],
    });

    // --- Article index (access patterns: shared/adapters/dynamodb-article-index.ts) -----------------
    this.articlesTable = new Table(this, 'ArticlesTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retainData,
      removalPolicy,
    });
    for (const indexName of Object.values(INDEX_NAMES)) {
      const projected = INDEX_PROJECTIONS[indexName];
      this.articlesTable.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${indexName}Pk`, type: AttributeType.STRING },
        sortKey: { name: `${indexName}Sk`, type: AttributeType.STRING },
        ...(projected ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projected] } : {}),
      });
    }

    // --- normalise: ingest queue -> table --------------------------------------------------------
    this.normaliseFunction = pipelineFunction('Normalise', {
      entry: 'functions/normalise.ts',
      description: 'Normalises dropped news files to ninjs and indexes them',
      timeout: NORMALISE_TIMEOUT,
      environment: {
        TABLE_NAME: this.articlesTable.tableName,
        QUARANTINE_BUCKET: this.quarantineBucket.bucketName,
        // The registered sources: objects outside their prefixes are rejected UNKNOWN_SOURCE. Names
        // are at most 24 characters, so Lambda's 4 KB of environment holds about 150 of them.
        ...(props.publishers && props.publishers.length > 0
          ? { PUBLISHERS: props.publishers.map((publisher) => publisher.name).join(',') }
          : {}),
      },
    });
    this.normaliseFunction.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        batchSize: 10,
        maxBatchingWindow: NORMALISE_BATCHING_WINDOW,
        reportBatchItemFailures: true,
        maxConcurrency: props.ingestMaxConcurrency ?? CONFIG_DEFAULTS.ingestMaxConcurrency,
      }),
    );
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.ingestBucket.arnForObjects('*')] }),
    );
    const normalisePolicy = this.defaultPolicyOf(this.normaliseFunction);
    acknowledge(
      normalisePolicy,
      wildcardFinding(this.ingestBucket, '/*'),
      'normalise reads whatever object a notification names: publishers choose the keys (<source>/...), ' +
        'so no narrower key pattern exists. Read-only (s3:GetObject), this bucket only.',
    );
    // Without ListBucket, S3 answers 403 instead of 404 for an object deleted before it was read,
    // and the object store could not tell "gone" from "forbidden".
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.ingestBucket.bucketArn] }),
    );
    this.grantTable(this.normaliseFunction, NORMALISE_TABLE_ACTIONS);
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.quarantineBucket.arnForObjects('*')],
      }),
    );
    // Receipts for publishers, under receipts/<source>/ of the ingest bucket (no notification there).
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.ingestBucket.arnForObjects(`${RECEIPTS_PREFIX}*`)],
      }),
    );
    acknowledge(
      normalisePolicy,
      wildcardFinding(this.ingestBucket, `/${RECEIPTS_PREFIX}*`),
      'normalise writes one receipt per dropped object under receipts/<source key>, named after the key ' +
        'the publisher chose; write-only, under the receipts prefix only.',
    );
    acknowledge(
      normalisePolicy,
      wildcardFinding(this.quarantineBucket, '/*'),
      'normalise copies a rejected original to the quarantine bucket under its original key, which the ' +
        'publisher chose; write-only (s3:PutObject) to this bucket, which triggers nothing.',
    );

    // --- release: embargoed versions become usable at their time (one-time schedules) ------------
    this.releaseDlq = deadLetterQueue(this, 'ReleaseDlq', removalPolicy);
    this.releaseFunction = pipelineFunction('Release', {
      entry: 'functions/release.ts',
      description: 'Releases an embargoed article version at its embargo time',
      environment: { TABLE_NAME: this.articlesTable.tableName },
      // Many embargoes lifting at one time cannot take the account's concurrency, and always find some.
      ...reservedConcurrency(props.releaseReservedConcurrency ?? CONFIG_DEFAULTS.releaseReservedConcurrency),
    });
    this.grantTable(this.releaseFunction, RELEASE_TABLE_ACTIONS);
    const schedulerRole = new Role(this, 'EmbargoSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the release function and dead-letter failures',
    });
    // The unqualified function only (schedules target RELEASE_FUNCTION_ARN), and only SendMessage on the DLQ.
    schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.releaseFunction.functionArn],
      }),
    );
    schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.releaseDlq.queueArn] }),
    );
    const scheduleGroup = new CfnScheduleGroup(this, 'EmbargoSchedules', {});

    // --- publish: table stream -> topic (and content bucket) ---------------------------------------
    // Two keys, because the queue key's policy names the topic and the topic names its key: one key
    // for both would be a dependency cycle CloudFormation cannot create.
    this.topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the articles topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.messagingKey = new Key(this, 'MessagingKey', {
      description: 'Encrypts partner queues, their dead-letter queues and claim-check documents',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.topology = partnerTopology(
      props.partners,
      props.filterPoliciesPerTopic ?? CONFIG_DEFAULTS.filterPoliciesPerTopic,
    );
    const topics = new Map<string, Topic>();
    for (const slot of this.topology.topics) {
      topics.set(
        topicId(slot),
        new Topic(this, topicId(slot), {
          enforceSSL: true,
          masterKey: this.topicKey,
          // RSA-SHA256 signatures on HTTPS and email-json deliveries (version 1 is SHA1).
          signatureVersion: SNS_SIGNATURE_VERSION,
        }),
      );
    }
    this.topics = topics;
    this.articlesTopic = topics.get('ArticlesTopic') as Topic;
    // SNS encrypts what it puts in the (KMS-encrypted) partner queues and delivery DLQs, for these topics only.
    this.messagingKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'aws:SourceArn':
              topics.size === 1 ? this.articlesTopic.topicArn : [...topics.values()].map((t) => t.topicArn),
          },
        },
      }),
    );
    this.restrictSubscribers(props.partners);

    const linkExpiry = props.contentLinkExpiry ?? DEFAULT_CONTENT_LINK_EXPIRY;
    if (linkExpiry.toSeconds() < 60 || linkExpiry.toSeconds() > MAX_LINK_EXPIRY_SECONDS) {
      throw new Error(`contentLinkExpiry must be 1 minute to 7 days, not ${linkExpiry.toHumanString()}`);
    }
    // Documents too large for a message, and the documents summary messages link to (claim check).
    this.contentBucket = dataBucket('ContentBucket', 'content', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.messagingKey,
      bucketKeyEnabled: true,
      lifecycleRules: [
        // Claim-check documents only: documents the index keeps out of its items (index-documents/)
        // live as long as the article versions that point to them.
        { prefix: CLAIM_CHECK_PREFIX, expiration: CONTENT_RETENTION },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    this.grantIndexDocuments(this.normaliseFunction);
    this.grantIndexDocuments(this.releaseFunction);

    this.streamDlq = deadLetterQueue(this, 'StreamDlq', removalPolicy);
    this.publishFunction = pipelineFunction('Publish', {
      entry: 'functions/publish.ts',
      description: 'Publishes article changes from the table stream to the articles topic',
      timeout: PUBLISH_TIMEOUT,
      environment: {
        TOPIC_ARN: this.articlesTopic.topicArn,
        TOPIC_ROUTES: this.toJsonString(this.topicRoutes()),
        TABLE_NAME: this.articlesTable.tableName,
        RELEASE_FUNCTION_ARN: this.releaseFunction.functionArn,
        SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
        SCHEDULE_GROUP: scheduleGroup.ref,
        RELEASE_DLQ_ARN: this.releaseDlq.queueArn,
        CONTENT_BUCKET: this.contentBucket.bucketName,
        CONTENT_LINK_EXPIRY_SECONDS: String(linkExpiry.toSeconds()),
        PUBLISH_SUMMARIES: String(registryWantsSummaries(props.partners)),
        PUBLISH_LINKED_SUMMARIES: String(registryWantsLinkedSummaries(props.partners)),
      },
      // Normalise and everything else in the account cannot starve publish, nor publish them.
      ...reservedConcurrency(props.publishReservedConcurrency ?? CONFIG_DEFAULTS.publishReservedConcurrency),
    });
    this.publishFunction.addEventSource(
      new DynamoEventSource(this.articlesTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: PUBLISH_BATCHING_WINDOW,
        bisectBatchOnError: true,
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.streamDlq),
      }),
    );
    // grantPublish would allow kms:GenerateDataKey*; SNS needs exactly GenerateDataKey and Decrypt.
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        resources: [...topics.values()].map((topic) => topic.topicArn),
      }),
    );
    this.topicKey.grant(this.publishFunction, ...TOPIC_KEY_ACTIONS);
    // Writes claim-check documents and signs GET links to them: a pre-signed URL acts with the
    // signer's permissions, so publish needs GetObject too (and the key, for SSE-KMS).
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.contentBucket.arnForObjects(`${CLAIM_CHECK_PREFIX}*`)],
      }),
    );
    // Reads the documents the index keeps out of its items (written by normalise and release).
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.contentBucket.arnForObjects(`${INDEX_DOCUMENT_PREFIX}*`)],
      }),
    );
    acknowledge(
      this.defaultPolicyOf(this.publishFunction),
      wildcardFinding(this.contentBucket, `/${INDEX_DOCUMENT_PREFIX}*`),
      INDEX_DOCUMENTS_REASON,
    );
    this.messagingKey.grant(this.publishFunction, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.grantTable(this.publishFunction, PUBLISH_TABLE_ACTIONS);
    // Pseudo parameters (not the stack's env), so the ARN and its cdk-nag finding id are the same
    // whether or not synth knows the account and region.
    const schedulesArn = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${scheduleGroup.ref}/*`;
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedulesArn] }),
    );
    schedulerRole.grantPassRole(this.publishFunction.grantPrincipal);
    const publishPolicy = this.defaultPolicyOf(this.publishFunction);
    acknowledge(
      publishPolicy,
      wildcardFinding(this.contentBucket, `/${CLAIM_CHECK_PREFIX}*`),
      'publish writes and signs links to claim-check documents, one object per article version under ' +
        'documents/ (named by uri and version at run time); nothing else in the bucket.',
    );
    acknowledge(
      publishPolicy,
      `IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${this.getLogicalId(scheduleGroup)}>/*]`,
      'publish creates one one-time schedule per embargoed version, named at run time: CreateSchedule only, ' +
        "and only inside this stack's schedule group.",
    );

    // --- cdk-nag: what CDK creates for us, and DLQs fed by other services -------------------------
    this.acknowledgeNotificationsHandler();
    acknowledge(
      this.streamDlq.node.defaultChild as Construct,
      'SQS3',
      "This queue is the publish stream mapping's on-failure destination (a DLQ fed by Lambda, not by an " +
        'SQS redrive policy, which cdk-nag cannot see); a DLQ of a DLQ would only move the problem.',
    );
    acknowledge(
      this.releaseDlq.node.defaultChild as Construct,
      'SQS3',
      "This queue is the embargo schedules' dead-letter queue (set by publish on each EventBridge Scheduler " +
        'schedule, which cdk-nag cannot see); a DLQ of a DLQ would only move the problem.',
    );

    // --- Operators: alarms and the dashboard ---------------------------------------------------------
    this.alerts = new OperatorAlerts(this, 'OperatorAlerts', {
      emails: props.operatorEmails ?? [],
      keyRemovalPolicy: removalPolicy,
    });
    if ((props.operatorEmails ?? []).length === 0) {
      Annotations.of(this).addWarningV2(
        'syndication:no-operator-emails',
        'No operator email addresses (context operatorEmails): alarms go to a topic nobody subscribes to. ' +
          'Deploy with -c operatorEmails=oncall@example.com,... or subscribe to OperatorTopicArn.',
      );
    }
    // --- Partners: in shards of nested stacks, one filtered subscription each -----------------------
    const shards = new Map<number, PartnerShardStack>();
    const deliveries = new Map<string, PartnerDelivery>();
    for (const [shard, members] of this.topology.shards) {
      const shardStack = new PartnerShardStack(this, `PartnerShard${shardLabel(shard)}`, {
        shard,
        stage: props.stage,
        partners: members,
        topicOf: (partner) => this.topicOf(partner),
        key: this.messagingKey,
        alarmTopic: this.alerts.topic,
        removalPolicy,
      });
      shards.set(shard, shardStack);
      for (const [name, delivery] of shardStack.deliveries) deliveries.set(name, delivery);
    }
    this.partnerShards = shards;
    this.partnerDeliveries = deliveries;

    this.subscriptionChanges = new SubscriptionChanges(this, 'SubscriptionChanges', {
      alerts: this.alerts,
      topics: [...topics.values(), this.alerts.topic],
    });
    this.deadLetterQueues = this.describeDeadLetterQueues();
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alerts: this.alerts,
      serviceName: this.serviceName,
      ingestQueue: this.ingestQueue,
      normalise: {
        id: 'Normalise',
        fn: this.normaliseFunction,
        impact:
          'The messages of a failed batch are retried (then dead-lettered); files may be delayed or stuck.',
      },
      publish: {
        id: 'Publish',
        fn: this.publishFunction,
        impact: 'The stream batch is retried from the failed record; partners receive new versions late.',
      },
      release: {
        id: 'Release',
        fn: this.releaseFunction,
        impact:
          'The scheduler retries the release, then dead-letters it; the embargoed version stays withheld.',
      },
      articlesTopic: this.articlesTopic,
      otherTopics: new Map([...topics].filter(([id]) => id !== 'ArticlesTopic')),
      // Partner queues live in the shards, each with its aggregated DLQ alarms; one dashboard could not
      // draw a thousand of them (and would reference every shard).
      partnerQueues: [],
      deadLetterQueues: this.deadLetterQueues,
      ...(props.alarmThresholds ? { thresholds: props.alarmThresholds } : {}),
    });

    // --- Outputs ----------------------------------------------------------------------------------
    new CfnOutput(this, 'IngestBucketName', {
      value: this.ingestBucket.bucketName,
      description: 'Drop news files here',
    });
    // One output for every publisher (CloudFormation allows 200 outputs per stack): a JSON object,
    // by publisher name, of the prefix it writes under and the access point it writes through.
    new CfnOutput(this, 'PublisherAccess', {
      value: this.toJsonString(
        Object.fromEntries(
          [...publisherAccess].map(([name, access]) => [
            name,
            {
              prefix: publisherPrefix(access.publisher),
              accessPointArn: access.accessPointArn,
              accessPointAlias: access.accessPointAlias,
            },
          ]),
        ),
      ),
      description: 'Per publisher: the key prefix and the S3 access point to write through (JSON)',
    });
    new CfnOutput(this, 'ArticlesTableName', { value: this.articlesTable.tableName });
    new CfnOutput(this, 'OperatorTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Alarm notifications: subscribe operators here (email, chat, paging)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the pipeline',
    });
    new CfnOutput(this, 'AccessLogsBucketName', {
      value: this.accessLogsBucket.bucketName,
      description: 'S3 server access logs of the ingest, quarantine and content buckets (by prefix)',
    });
    for (const [name, fn] of [
      ['Normalise', this.normaliseFunction],
      ['Publish', this.publishFunction],
      ['Release', this.releaseFunction],
    ] as const) {
      new CfnOutput(this, `${name}FunctionName`, { value: fn.functionName });
      new CfnOutput(this, `${name}LogGroupName`, {
        value: fn.logGroup.logGroupName,
        description: `Logs of the ${name.toLowerCase()} function (Logs Insights)`,
      });
    }
    new CfnOutput(this, 'QuarantineBucketName', {
      value: this.quarantineBucket.bucketName,
      description: 'Copies of rejected files (reason in the object metadata and the index)',
    });
    new CfnOutput(this, 'ReleaseDlqUrl', {
      value: this.releaseDlq.queueUrl,
      description: 'Embargo releases the scheduler could not deliver',
    });
    new CfnOutput(this, 'ArticlesTopicArn', { value: this.articlesTopic.topicArn });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingestQueue.queueUrl });
    new CfnOutput(this, 'IngestDlqUrl', {
      value: this.ingestDlq.queueUrl,
      description: 'S3 notifications normalise failed 5 times',
    });
    new CfnOutput(this, 'StreamDlqUrl', {
      value: this.streamDlq.queueUrl,
      description: 'Descriptions of table stream batches publish could not process',
    });
    new CfnOutput(this, 'ContentBucketName', {
      value: this.contentBucket.bucketName,
      description: 'Claim-check documents (too large for a message, or linked from summaries)',
    });
    // One manifest for every partner queue, whatever the number of partners (200 outputs per stack):
    // an SSM parameter per shard under this path.
    new CfnOutput(this, 'PartnerManifestPath', {
      value: manifestPath(props.stage),
      description:
        'SSM path of the partner manifest: one parameter per shard, listing its partners and queues',
    });
    new CfnOutput(this, 'TopicRoutes', {
      value: this.toJsonString(this.topicRoutes()),
      description:
        'Topics of each payload variant (JSON): publishers send each message to all of its variant',
    });
  }

  /** The topic a partner subscribes to: its payload variant's, the one its shard was packed into. */
  topicOf(partner: Partner): Topic {
    const slot = this.topology.topicOf.get(partner.name);
    const topic = slot ? this.topics.get(topicId(slot)) : undefined;
    if (!topic) throw new Error(`no topic for partner ${partner.name}`);
    return topic;
  }

  /** The topic ARNs of each payload variant, as the publish function reads them (TOPIC_ROUTES). */
  topicRoutes(): TopicRoutes {
    return topicRoutesOf(this.topology, (id) => this.topics.get(id)?.topicArn as string);
  }

  /** Table actions on the table itself: no function queries an index, so no `index/*` grant. */
  /**
   * Lets a function that saves or reads article versions keep documents too large for a table item
   * in the content bucket: the setting and its grant together.
   */
  private grantIndexDocuments(fn: PipelineFunction): void {
    fn.addEnvironment('CONTENT_BUCKET', this.contentBucket.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.contentBucket.arnForObjects(`${INDEX_DOCUMENT_PREFIX}*`)],
      }),
    );
    this.messagingKey.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledge(
      this.defaultPolicyOf(fn),
      wildcardFinding(this.contentBucket, `/${INDEX_DOCUMENT_PREFIX}*`),
      INDEX_DOCUMENTS_REASON,
    );
  }

  private grantTable(fn: PipelineFunction, actions: readonly string[]): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: [...actions], resources: [this.articlesTable.tableArn] }),
    );
  }

  private defaultPolicyOf(fn: PipelineFunction): Construct {
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`${fn.node.id} has no default policy`);
    return policy as Construct;
  }

  /**
   * S3 bucket notifications are configured by a Lambda function CDK creates and owns (one per stack);
   * its role takes the managed basic execution policy and cannot be given another.
   */
  private acknowledgeNotificationsHandler(): void {
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      const role = child.node.tryFindChild('Role');
      if (!role) continue;
      acknowledge(
        role,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'Role of the BucketNotificationsHandler function aws-cdk-lib creates to configure S3 event ' +
          'notifications at deploy time; CDK does not let it take another role. Its only other permission ' +
          'is s3:PutBucketNotification on the ingest bucket.',
      );
    }
  }

  /** Every DLQ of the stack with what its messages mean and what an operator does about them. */
  private describeDeadLetterQueues(): MonitoredDeadLetterQueue[] {
    const stack = `--stack ${this.stackName}`;
    const queues: MonitoredDeadLetterQueue[] = [
      {
        id: 'IngestDlq',
        queue: this.ingestDlq,
        meaning:
          `S3 notifications normalise failed to process ${MAX_RECEIVE_COUNT} times: those files are neither ` +
          'indexed nor rejected (a bad file is rejected, not dead-lettered, so this is a transient or code failure).',
        action:
          'find the cause with the Logs Insights "errors" query on the normalise log group, fix it, then move ' +
          `the messages back: \`npx syndicate redrive IngestDlq ${stack}\` (or "Start DLQ redrive" in the SQS console).`,
      },
      {
        id: 'StreamDlq',
        queue: this.streamDlq,
        meaning:
          'Table stream batches publish could not publish after 5 retries. The messages describe the batch ' +
          '(shard, sequence numbers), not the articles: the versions are indexed but partners did not get them.',
        action:
          'fix the cause (publish errors: topic key, SNS throttling, content bucket), then ' +
          `\`npx syndicate redrive StreamDlq ${stack}\` republishes the articles of the failed window from the ` +
          `index (or \`npx syndicate replay --since <time> ${stack}\`); partners deduplicate on idempotencyKey.`,
      },
      {
        id: 'ReleaseDlq',
        queue: this.releaseDlq,
        meaning:
          'Embargo releases EventBridge Scheduler could not deliver to the release function: the embargoed ' +
          'versions stay withheld after their time.',
        action:
          "check the release function's errors; then invoke it with each message body (uri, version, at), " +
          'e.g. `aws lambda invoke --function-name <ReleaseFunctionName> --payload file://body.json out.json`, ' +
          'and delete the message.',
      },
    ];
    // Partner DLQs alarm in their shards, ten queues to an alarm (PartnerShardStack).
    return queues;
  }

  /**
   * Partner accounts get `sns:Subscribe` only where their delivery needs it, and then only for their
   * registered endpoint and protocol. Every subscription is created by this stack, with the
   * partner's filter policy; SNS cannot make a filter policy an IAM condition, so a grant to
   * subscribe is a way around the filter, and only the deliveries AWS documents as subscribed from
   * the endpoint's account get one:
   * - `lambda` in another account: AWS's cross-account procedure has the function's owner subscribe.
   * - `sqs` with their own queue: not needed. The subscription we create sends its confirmation to
   *   their queue and they confirm with the token (ConfirmSubscription needs no IAM grant).
   * - our queues, HTTPS and email: confirmation by the endpoint or none at all.
   * Everyone outside this account and the accounts granted here is denied outright; subscription
   * changes alarm (SubscriptionChanges).
   */
  private restrictSubscribers(partners: readonly Partner[]): void {
    const accounts = new Map<string, Set<string>>();
    for (const partner of partners) {
      const { delivery } = partner;
      if (delivery.type !== 'lambda') continue;
      const { functionArn: endpoint, accountId: account } = delivery;
      const topic = this.topicOf(partner);
      const topicAccounts = accounts.get(topic.node.id) ?? new Set<string>();
      topicAccounts.add(account);
      accounts.set(topic.node.id, topicAccounts);
      topic.addToResourcePolicy(
        new PolicyStatement({
          sid: `PartnerSubscribe${partnerId(partnerResourceId(partner))}`,
          principals: [new ArnPrincipal(`arn:${this.partition}:iam::${account}:root`)],
          actions: ['sns:Subscribe'],
          resources: [topic.topicArn],
          conditions: { StringEquals: { 'sns:Protocol': delivery.type, 'sns:Endpoint': endpoint } },
        }),
      );
    }
    for (const [id, topic] of this.topics) {
      topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'OnlyRegisteredPartnersSubscribe',
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: ['sns:Subscribe'],
          resources: [topic.topicArn],
          conditions: {
            StringNotEquals: {
              'aws:PrincipalAccount': [this.account, ...[...(accounts.get(id) ?? [])].sort()],
            },
          },
        }),
      );
    }
  }
}
