/**
 * The syndication pipeline as one stack:
 *
 *   S3 ingest bucket --(ObjectCreated/ObjectRemoved)--> ingest queue --> normalise --> articles table
 *   articles table stream --> publish --> articles topic --(filter policy per partner)--> partner endpoints
 *                                    \--> content bucket (documents too large for a message; summary links)
 *
 * Every asynchronous edge has somewhere for failures to go: the ingest queue and each partner queue
 * redrive to a DLQ, the stream mapping sends failed batches to an on-failure queue, and each SNS
 * subscription has its own delivery DLQ. The topic, the partner queues and the content bucket are
 * encrypted with customer-managed keys; the queues' key policy lets SNS deliver for this topic only.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
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
import { BlockPublicAccess, Bucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MAX_LINK_EXPIRY_SECONDS } from '../../shared/adapters/s3-claim-check.js';
import { INDEX_NAMES } from '../../shared/adapters/table-layout.js';
import { endpointOf, type Partner, registryWantsSummaries } from '../../shared/partners/registry.js';
import { PartnerDelivery, partnerId } from '../constructs/partner-delivery.js';
import { PipelineFunction } from '../constructs/pipeline-function.js';

export { PartnerDelivery, partnerId, subscriptionFilterPolicy } from '../constructs/partner-delivery.js';

export interface SyndicationStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; only `prod` retains data when the stack is deleted. */
  readonly stage: string;
  /** The validated partner registry (see `parsePartnerRegistry`). */
  readonly partners: readonly Partner[];
  /**
   * How long a claim-check link (pre-signed URL) is valid. Signed with the publish function's role
   * credentials, a URL can stop working earlier, when those temporary credentials expire.
   * @default 6 hours
   */
  readonly contentLinkExpiry?: Duration;
}

/** Stages whose data (objects, articles, logs) survives deleting the stack. */
const RETAINED_STAGES: ReadonlySet<string> = new Set(['prod']);

const NORMALISE_TIMEOUT = Duration.seconds(30);
const NORMALISE_BATCHING_WINDOW = Duration.seconds(1);
const PUBLISH_TIMEOUT = Duration.seconds(30);
const PUBLISH_BATCHING_WINDOW = Duration.seconds(1);
const MAX_RECEIVE_COUNT = 5;
const DLQ_RETENTION = Duration.days(14);

/** What normalise does with the table (see shared/adapters/dynamodb-article-index.ts). */
const NORMALISE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/** publish reads each version's document; release rewrites the head. */
const PUBLISH_TABLE_ACTIONS = ['dynamodb:GetItem'];
const RELEASE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/** How long rejected originals are kept in the quarantine bucket. */
const QUARANTINE_RETENTION = Duration.days(30);
const DEFAULT_CONTENT_LINK_EXPIRY = Duration.hours(6);
/** Claim-check documents outlive their links a little, then go (partners fetch on receipt). */
const CONTENT_RETENTION = Duration.days(8);

/** Every queue in the stack: SQS-managed encryption at rest, TLS-only access. */
function secureQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });
}

function deadLetterQueue(scope: Construct, id: string): Queue {
  return secureQueue(scope, id, { retentionPeriod: DLQ_RETENTION });
}

export class SyndicationStack extends Stack {
  readonly ingestBucket: Bucket;
  readonly ingestQueue: Queue;
  readonly ingestDlq: Queue;
  readonly quarantineBucket: Bucket;
  readonly articlesTable: Table;
  readonly releaseFunction: PipelineFunction;
  readonly releaseDlq: Queue;
  readonly streamDlq: Queue;
  readonly articlesTopic: Topic;
  /** Encrypts the articles topic. */
  readonly topicKey: Key;
  /** Encrypts the partner queues, their DLQs and the content bucket; SNS may use it for the topic. */
  readonly messagingKey: Key;
  readonly contentBucket: Bucket;
  readonly normaliseFunction: PipelineFunction;
  readonly publishFunction: PipelineFunction;
  readonly partnerDeliveries: ReadonlyMap<string, PartnerDelivery>;

  constructor(scope: Construct, id: string, props: SyndicationStackProps) {
    super(scope, id, props);
    const retainData = RETAINED_STAGES.has(props.stage);
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // --- Ingest: dropped files and their event notifications -----------------------------------
    this.ingestBucket = new Bucket(this, 'IngestBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
      autoDeleteObjects: !retainData,
    });

    this.ingestDlq = deadLetterQueue(this, 'IngestDlq');
    this.ingestQueue = secureQueue(this, 'IngestQueue', {
      // AWS guidance for SQS -> Lambda: at least six times the function timeout plus the batching window.
      visibilityTimeout: Duration.seconds(
        6 * NORMALISE_TIMEOUT.toSeconds() + NORMALISE_BATCHING_WINDOW.toSeconds(),
      ),
      deadLetterQueue: { queue: this.ingestDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const toIngestQueue = new SqsDestination(this.ingestQueue);
    this.ingestBucket.addEventNotification(EventType.OBJECT_CREATED, toIngestQueue);
    this.ingestBucket.addEventNotification(EventType.OBJECT_REMOVED, toIngestQueue);

    // Rejected originals are copied here: no notification is configured on this bucket, so nothing
    // in it can trigger ingest again.
    this.quarantineBucket = new Bucket(this, 'QuarantineBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: QUARANTINE_RETENTION, noncurrentVersionExpiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: !retainData,
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
      this.articlesTable.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${indexName}Pk`, type: AttributeType.STRING },
        sortKey: { name: `${indexName}Sk`, type: AttributeType.STRING },
      });
    }

    // --- normalise: ingest queue -> table --------------------------------------------------------
    this.normaliseFunction = new PipelineFunction(this, 'Normalise', {
      entry: 'functions/normalise.ts',
      description: 'Normalises dropped news files to ninjs and indexes them',
      timeout: NORMALISE_TIMEOUT,
      logRemovalPolicy: removalPolicy,
      environment: {
        TABLE_NAME: this.articlesTable.tableName,
        QUARANTINE_BUCKET: this.quarantineBucket.bucketName,
      },
    });
    this.normaliseFunction.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        batchSize: 10,
        maxBatchingWindow: NORMALISE_BATCHING_WINDOW,
        reportBatchItemFailures: true,
      }),
    );
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.ingestBucket.arnForObjects('*')] }),
    );
    // Without ListBucket, S3 answers 403 instead of 404 for an object deleted before it was read,
    // and the object store could not tell "gone" from "forbidden".
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.ingestBucket.bucketArn] }),
    );
    this.articlesTable.grant(this.normaliseFunction, ...NORMALISE_TABLE_ACTIONS);
    this.normaliseFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.quarantineBucket.arnForObjects('*')],
      }),
    );

    // --- release: embargoed versions become usable at their time (one-time schedules) ------------
    this.releaseDlq = deadLetterQueue(this, 'ReleaseDlq');
    this.releaseFunction = new PipelineFunction(this, 'Release', {
      entry: 'functions/release.ts',
      description: 'Releases an embargoed article version at its embargo time',
      logRemovalPolicy: removalPolicy,
      environment: { TABLE_NAME: this.articlesTable.tableName },
    });
    this.articlesTable.grant(this.releaseFunction, ...RELEASE_TABLE_ACTIONS);
    const schedulerRole = new Role(this, 'EmbargoSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the release function and dead-letter failures',
    });
    this.releaseFunction.grantInvoke(schedulerRole);
    this.releaseDlq.grantSendMessages(schedulerRole);
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
    this.articlesTopic = new Topic(this, 'ArticlesTopic', { enforceSSL: true, masterKey: this.topicKey });
    // SNS encrypts what it puts in the (KMS-encrypted) partner queues and delivery DLQs, for this topic only.
    this.messagingKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': this.articlesTopic.topicArn } },
      }),
    );
    this.restrictSubscribers(props.partners);

    const linkExpiry = props.contentLinkExpiry ?? DEFAULT_CONTENT_LINK_EXPIRY;
    if (linkExpiry.toSeconds() < 60 || linkExpiry.toSeconds() > MAX_LINK_EXPIRY_SECONDS) {
      throw new Error(`contentLinkExpiry must be 1 minute to 7 days, not ${linkExpiry.toHumanString()}`);
    }
    // Documents too large for a message, and the documents summary messages link to (claim check).
    this.contentBucket = new Bucket(this, 'ContentBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.messagingKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: CONTENT_RETENTION },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: !retainData,
    });

    this.streamDlq = deadLetterQueue(this, 'StreamDlq');
    this.publishFunction = new PipelineFunction(this, 'Publish', {
      entry: 'functions/publish.ts',
      description: 'Publishes article changes from the table stream to the articles topic',
      timeout: PUBLISH_TIMEOUT,
      logRemovalPolicy: removalPolicy,
      environment: {
        TOPIC_ARN: this.articlesTopic.topicArn,
        TABLE_NAME: this.articlesTable.tableName,
        RELEASE_FUNCTION_ARN: this.releaseFunction.functionArn,
        SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
        SCHEDULE_GROUP: scheduleGroup.ref,
        RELEASE_DLQ_ARN: this.releaseDlq.queueArn,
        CONTENT_BUCKET: this.contentBucket.bucketName,
        CONTENT_LINK_EXPIRY_SECONDS: String(linkExpiry.toSeconds()),
        PUBLISH_SUMMARIES: String(registryWantsSummaries(props.partners)),
      },
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
    this.articlesTopic.grantPublish(this.publishFunction);
    // Writes claim-check documents and signs GET links to them: a pre-signed URL acts with the
    // signer's permissions, so publish needs GetObject too (and the key, for SSE-KMS).
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.contentBucket.arnForObjects('documents/*')],
      }),
    );
    this.messagingKey.grant(this.publishFunction, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.articlesTable.grant(this.publishFunction, ...PUBLISH_TABLE_ACTIONS);
    this.publishFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [
          Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${scheduleGroup.ref}/*`,
          }),
        ],
      }),
    );
    schedulerRole.grantPassRole(this.publishFunction.grantPrincipal);

    // --- Partners: one filtered subscription each (and a queue for sqs partners without one) -------
    const deliveries = new Map<string, PartnerDelivery>();
    for (const partner of props.partners) {
      deliveries.set(
        partner.name,
        new PartnerDelivery(this, `Partner${partnerId(partner.name)}`, {
          topic: this.articlesTopic,
          partner,
          key: this.messagingKey,
        }),
      );
    }
    this.partnerDeliveries = deliveries;

    // --- Outputs ----------------------------------------------------------------------------------
    new CfnOutput(this, 'IngestBucketName', {
      value: this.ingestBucket.bucketName,
      description: 'Drop news files here',
    });
    new CfnOutput(this, 'ArticlesTableName', { value: this.articlesTable.tableName });
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
    for (const [name, delivery] of deliveries) {
      const prefix = `Partner${partnerId(name)}`;
      if (delivery.queue && delivery.queueDlq) {
        new CfnOutput(this, `${prefix}QueueUrl`, {
          value: delivery.queue.queueUrl,
          description: `Queue of partner ${name}`,
        });
        new CfnOutput(this, `${prefix}QueueDlqUrl`, {
          value: delivery.queueDlq.queueUrl,
          description: `Messages partner ${name} received 5 times without deleting`,
        });
      }
      if (delivery.subscription) {
        new CfnOutput(this, `${prefix}SubscriptionArn`, {
          value: (delivery.subscription.node.defaultChild as CfnSubscription).ref,
          description: `Subscription of partner ${name} to ${endpointOf(delivery.partner.delivery)} (the endpoint owner confirms it)`,
        });
      }
      new CfnOutput(this, `${prefix}DeliveryDlqUrl`, {
        value: delivery.deliveryDlq.queueUrl,
        description: `Messages SNS could not deliver to partner ${name}`,
      });
    }
  }

  /**
   * Only registered partner accounts may subscribe, and only their registered endpoint: SNS cannot
   * constrain a filter policy in IAM, but it refuses a second subscription of the same endpoint with
   * different attributes, so a partner cannot widen the subscription we create for it. Everyone
   * outside this account and the registered ones is denied outright.
   */
  private restrictSubscribers(partners: readonly Partner[]): void {
    const accounts = new Set<string>();
    for (const partner of partners) {
      const { delivery } = partner;
      const [endpoint, account] =
        delivery.type === 'sqs'
          ? [delivery.queueArn, delivery.accountId]
          : delivery.type === 'lambda'
            ? [delivery.functionArn, delivery.accountId]
            : [];
      if (!endpoint || !account) continue;
      accounts.add(account);
      this.articlesTopic.addToResourcePolicy(
        new PolicyStatement({
          sid: `PartnerSubscribe${partnerId(partner.name)}`,
          principals: [new ArnPrincipal(`arn:${this.partition}:iam::${account}:root`)],
          actions: ['sns:Subscribe'],
          resources: [this.articlesTopic.topicArn],
          conditions: { StringEquals: { 'sns:Protocol': delivery.type, 'sns:Endpoint': endpoint } },
        }),
      );
    }
    this.articlesTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyRegisteredPartnersSubscribe',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sns:Subscribe'],
        resources: [this.articlesTopic.topicArn],
        conditions: { StringNotEquals: { 'aws:PrincipalAccount': [this.account, ...[...accounts].sort()] } },
      }),
    );
  }
}
