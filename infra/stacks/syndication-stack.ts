/**
 * The syndication pipeline as one stack:
 *
 *   S3 ingest bucket --(ObjectCreated/ObjectRemoved)--> ingest queue --> normalise --> articles table
 *   articles table stream --> publish --> articles topic --(filter policy per partner)--> partner queues
 *
 * Every asynchronous edge has somewhere for failures to go: the ingest queue and each partner queue
 * redrive to a DLQ, the stream mapping sends failed batches to an on-failure queue, and each SNS
 * subscription has its own delivery DLQ.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INDEX_NAMES } from '../../shared/adapters/table-layout.js';
import { filterPolicyFor, type Partner } from '../../shared/partners/registry.js';
import { PipelineFunction } from '../constructs/pipeline-function.js';

export interface SyndicationStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; only `prod` retains data when the stack is deleted. */
  readonly stage: string;
  /** The validated partner registry (see `parsePartnerRegistry`). */
  readonly partners: readonly Partner[];
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

/** `all-news-wire` -> `AllNewsWire`, for construct and output ids. */
export function partnerId(name: string): string {
  return name
    .split('-')
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The partner's filter policy as CDK subscription filters; undefined when the partner takes everything. */
export function subscriptionFilterPolicy(partner: Partner): Record<string, SubscriptionFilter> | undefined {
  const entries = Object.entries(filterPolicyFor(partner));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, conditions]) => [key, new SubscriptionFilter(conditions)]));
}

/** Every queue in the stack: SQS-managed encryption at rest, TLS-only access. */
function secureQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });
}

function deadLetterQueue(scope: Construct, id: string): Queue {
  return secureQueue(scope, id, { retentionPeriod: DLQ_RETENTION });
}

/** One partner's delivery: its queue (with a DLQ for its own consumer) and the SNS delivery DLQ. */
class PartnerDelivery extends Construct {
  readonly queue: Queue;
  readonly queueDlq: Queue;
  readonly deliveryDlq: Queue;

  constructor(scope: Construct, id: string, topic: Topic, partner: Partner) {
    super(scope, id);
    this.queueDlq = deadLetterQueue(this, 'QueueDlq');
    this.queue = secureQueue(this, 'Queue', {
      deadLetterQueue: { queue: this.queueDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    // Messages SNS could not deliver to the partner queue; redrive them into `queue`.
    this.deliveryDlq = deadLetterQueue(this, 'DeliveryDlq');
    topic.addSubscription(
      new SqsSubscription(this.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDlq,
        filterPolicy: subscriptionFilterPolicy(partner),
      }),
    );
    Tags.of(this).add('partner', partner.name);
  }
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

    // --- publish: table stream -> topic ----------------------------------------------------------
    // No KMS key yet (a later issue): an unencrypted topic can deliver to SQS-managed-SSE queues.
    this.articlesTopic = new Topic(this, 'ArticlesTopic', { enforceSSL: true });

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

    // --- Partners: one filtered subscription and queue each ----------------------------------------
    const deliveries = new Map<string, PartnerDelivery>();
    for (const partner of props.partners) {
      if (partner.delivery.type !== 'sqs') continue;
      deliveries.set(
        partner.name,
        new PartnerDelivery(this, `Partner${partnerId(partner.name)}`, this.articlesTopic, partner),
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
    for (const [name, delivery] of deliveries) {
      const prefix = `Partner${partnerId(name)}`;
      new CfnOutput(this, `${prefix}QueueUrl`, {
        value: delivery.queue.queueUrl,
        description: `Queue of partner ${name}`,
      });
      new CfnOutput(this, `${prefix}QueueDlqUrl`, {
        value: delivery.queueDlq.queueUrl,
        description: `Messages partner ${name} received 5 times without deleting`,
      });
      new CfnOutput(this, `${prefix}DeliveryDlqUrl`, {
        value: delivery.deliveryDlq.queueUrl,
        description: `Messages SNS could not deliver to partner ${name}`,
      });
    }
  }
}
