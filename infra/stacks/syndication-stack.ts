/**
 * The syndication pipeline as one stack, built from its description (shared/pipeline/description.ts):
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
 * What holds data is built in the stack's own scope (../constructs/stateful-resources.ts); each step of the
 * pipeline is a stage construct holding its function with its grants, settings and event source
 * (IngestStage, PublishStage, EmbargoRelease), and partners are delivered from nested stacks of
 * shards (PartnerShardStack). Every DLQ, function error,
 * the stream lag, the ingest backlog, failed SNS deliveries and the rejection rate alarm to an
 * operator topic (`PipelineMonitoring`). cdk-nag (AwsSolutions) findings are fixed or acknowledged
 * here, next to their cause (`acknowledge`).
 */
import {
  Annotations,
  Aws,
  type CfnElement,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Partner } from '../../shared/partners/registry.js';
import {
  type PartnerTopology,
  partnerTopology,
  type TopicRoutes,
  topicId,
  topicRoutesOf,
} from '../../shared/partners/topology.js';
import {
  MAX_LINK_EXPIRY_SECONDS,
  MAX_RECEIVE_COUNT,
  publish,
  QUEUES,
} from '../../shared/pipeline/description.js';
import type { Publisher } from '../../shared/publishers/registry.js';
import { CONFIG_DEFAULTS, type Reservation, type StageConfig } from '../config.js';
import { ConsoleApi } from '../constructs/console-api.js';
import { ContentApi } from '../constructs/content-api.js';
import { DeliveryStatusLogging } from '../constructs/delivery-status-logging.js';
import { EmbargoRelease } from '../constructs/embargo-release.js';
import { IngestStage } from '../constructs/ingest-stage.js';
import { OperatorAlerts } from '../constructs/operator-alerts.js';
import { checkDomainPrefix, OperatorAuth } from '../constructs/operator-auth.js';
import { OperatorConsoleSite } from '../constructs/operator-console-site.js';
import type { PartnerDelivery } from '../constructs/partner-delivery.js';
import { DEFAULT_SERVICE_NAME, type PipelineFunction } from '../constructs/pipeline-function.js';
import {
  ALARM_DEFAULTS,
  type AlarmThresholds,
  type MonitoredDeadLetterQueue,
  PipelineMonitoring,
} from '../constructs/pipeline-monitoring.js';
import { logicalIdScopes } from '../constructs/pipeline-stage.js';
import { PublishStage } from '../constructs/publish-stage.js';
import { delegateToPublisherAccessPoints, PublisherAccess } from '../constructs/publisher-access.js';
import { createStatefulResources } from '../constructs/stateful-resources.js';
import { SubscriptionChanges } from '../constructs/subscription-changes.js';
import { restrictSubscribers } from '../constructs/topic-subscribers.js';
import { acknowledge } from '../nag.js';
import { PartnerShardStack, shardLabel } from './partner-shard-stack.js';
import { addStackOutputs } from './stack-outputs.js';

export {
  PartnerDelivery,
  partnerConstructId,
  partnerId,
  subscriptionFilterPolicy,
} from '../constructs/partner-delivery.js';
export { SNS_SIGNATURE_VERSION } from '../constructs/stateful-resources.js';

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
  /**
   * Percent of successful partner deliveries SNS logs (0-100); failed ones are always logged.
   * @default 10
   */
  readonly deliveryLogSampleRate?: number;
  /**
   * The operator console in AWS: Cognito sign-in (OperatorAuth), its API (ConsoleApi) and the page on
   * CloudFront (OperatorConsoleSite). @default true
   */
  readonly console?: boolean;
  /** The built console page (index.html, app.js, app.css). @default dist/console/ (`npm run build`) */
  readonly consoleAssets?: string;
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
    deliveryLogSampleRate: config.deliveryLogSampleRate,
    console: config.console,
    alarmThresholds: { partnerMessageAge: Duration.hours(config.partnerMessageAgeHours) },
    description: `Content syndication pipeline (${config.stage}${config.ephemeral ? ', ephemeral' : ''})`,
  };
}

const DEFAULT_CONTENT_LINK_EXPIRY = Duration.hours(6);
/** How many times the stream source retries a failed batch before describing it in the stream DLQ. */
const STREAM_RETRIES = publish.source.kind === 'dynamodb-stream' ? publish.source.retryAttempts : 0;

/** Whole days, at least one, for lifecycle rules (S3 counts in days). */
function days(name: string, value: Duration): Duration {
  const count = value.toDays({ integral: false });
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`${name} must be a whole number of days, at least 1, not ${value.toHumanString()}`);
  }
  return value;
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
  /** SNS delivery status logs of the partner topics and the delivery metrics drawn from them. */
  readonly deliveryStatusLogging: DeliveryStatusLogging;
  /** Tells the operators of every subscription change of the topics. */
  readonly subscriptionChanges: SubscriptionChanges;
  /** Every dead-letter queue of the stack, each with its alarm. */
  readonly deadLetterQueues: readonly MonitoredDeadLetterQueue[];
  readonly alerts: OperatorAlerts;
  readonly monitoring: PipelineMonitoring;
  /** Signed document links and partner feeds over HTTP. */
  readonly contentApi: ContentApi;
  /** How long document links in messages are valid, in seconds. */
  readonly contentLinkExpirySeconds: number;
  /** The operator console in AWS: its sign-in, its API and its site; absent with `console: false`. */
  readonly operatorConsole?: {
    readonly auth: OperatorAuth;
    readonly api: ConsoleApi;
    readonly site: OperatorConsoleSite;
  };
  /** The logical ids allocated so far, with the path of the element holding each. */
  private readonly allocatedLogicalIds = new Map<string, string>();

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
    const functionDefaults = { serviceName: this.serviceName, logRemovalPolicy: removalPolicy };
    this.topology = partnerTopology(
      props.partners,
      props.filterPoliciesPerTopic ?? CONFIG_DEFAULTS.filterPoliciesPerTopic,
    );

    // --- What holds data: built in this stack's scope, so its logical ids never move ----------------
    const resources = createStatefulResources(this, {
      removalPolicy,
      autoDeleteObjects: !retainData,
      deletionProtection: retainData,
      noncurrentVersionRetention: days(
        'noncurrentVersionRetention',
        props.noncurrentVersionRetention ?? Duration.days(CONFIG_DEFAULTS.noncurrentVersionDays),
      ),
      quarantineRetention: days(
        'quarantineRetention',
        props.quarantineRetention ?? Duration.days(CONFIG_DEFAULTS.quarantineDays),
      ),
      accessLogRetention: days(
        'accessLogRetention',
        props.accessLogRetention ?? Duration.days(CONFIG_DEFAULTS.accessLogDays),
      ),
      topology: this.topology,
    });
    this.accessLogsBucket = resources.accessLogsBucket;
    this.ingestBucket = resources.ingestBucket;
    this.quarantineBucket = resources.quarantineBucket;
    this.contentBucket = resources.contentBucket;
    this.articlesTable = resources.articlesTable;
    this.topicKey = resources.topicKey;
    this.messagingKey = resources.messagingKey;
    this.topics = resources.topics;
    this.articlesTopic = resources.topics.get('ArticlesTopic') as Topic;
    this.ingestQueue = resources.queues.ingestQueue;
    this.ingestDlq = resources.queues.ingestDlq;
    this.streamDlq = resources.queues.streamDlq;
    this.releaseDlq = resources.queues.releaseDlq;
    restrictSubscribers(this, this.topics, (partner) => this.topicOf(partner), props.partners);
    this.deliveryStatusLogging = new DeliveryStatusLogging(this, 'DeliveryStatusLogging', {
      topics: this.topics,
      successSampleRate: props.deliveryLogSampleRate ?? CONFIG_DEFAULTS.deliveryLogSampleRate,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });

    // --- Publishers: one access point each, writing and deleting under its own prefix only -------
    const publishers = props.publishers ?? [];
    const publisherAccess = new Map<string, PublisherAccess>();
    for (const publisher of publishers) {
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

    // --- The stages: each function with its grants, settings and event source ----------------------
    const ingest = new IngestStage(this, 'IngestStage', {
      resources,
      functionDefaults,
      publishers,
      maxConcurrency: props.ingestMaxConcurrency ?? CONFIG_DEFAULTS.ingestMaxConcurrency,
    });
    this.normaliseFunction = ingest.normaliseFunction;
    const embargoRelease = new EmbargoRelease(this, 'EmbargoRelease', {
      resources,
      functionDefaults,
      reservedConcurrency: props.releaseReservedConcurrency ?? CONFIG_DEFAULTS.releaseReservedConcurrency,
    });
    this.releaseFunction = embargoRelease.releaseFunction;
    const linkExpiry = props.contentLinkExpiry ?? DEFAULT_CONTENT_LINK_EXPIRY;
    if (linkExpiry.toSeconds() < 60 || linkExpiry.toSeconds() > MAX_LINK_EXPIRY_SECONDS) {
      throw new Error(`contentLinkExpiry must be 1 minute to 7 days, not ${linkExpiry.toHumanString()}`);
    }
    this.contentLinkExpirySeconds = linkExpiry.toSeconds();
    // Signed document links and partner feeds: what message links point to, so that no version is
    // copied into the content bucket for a link.
    this.contentApi = new ContentApi(this, 'ContentApi', {
      table: resources.articlesTable,
      contentBucket: resources.contentBucket,
      serviceName: this.serviceName,
      removalPolicy,
      partners: props.partners,
      contentLinkExpirySeconds: this.contentLinkExpirySeconds,
    });
    this.publishFunction = new PublishStage(this, 'PublishStage', {
      contentApi: this.contentApi,
      resources,
      functionDefaults,
      topicRoutes: this.toJsonString(this.topicRoutes()),
      embargoRelease,
      partners: props.partners,
      contentLinkExpirySeconds: this.contentLinkExpirySeconds,
      reservedConcurrency: props.publishReservedConcurrency ?? CONFIG_DEFAULTS.publishReservedConcurrency,
    }).publishFunction;

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
        partnerMessageAge: props.alarmThresholds?.partnerMessageAge ?? ALARM_DEFAULTS.partnerMessageAge,
      });
      // Subscriptions come after the log groups: a delivery logged before its group exists makes SNS
      // create the group itself, without retention, and CloudFormation then fails to create it.
      shardStack.node.addDependency(this.deliveryStatusLogging);
      shards.set(shard, shardStack);
      for (const [name, delivery] of shardStack.deliveries) deliveries.set(name, delivery);
    }
    this.partnerShards = shards;
    this.partnerDeliveries = deliveries;

    this.subscriptionChanges = new SubscriptionChanges(this, 'SubscriptionChanges', {
      alerts: this.alerts,
      topics: [...this.topics.values(), this.alerts.topic],
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
      otherTopics: new Map([...this.topics].filter(([id]) => id !== 'ArticlesTopic')),
      // Partner queues live in the shards, each with its aggregated DLQ alarms; one dashboard could not
      // draw a thousand of them (and would reference every shard).
      partnerQueues: [],
      stage: props.stage,
      deliveryLogging: this.deliveryStatusLogging,
      deadLetterQueues: this.deadLetterQueues,
      ...(props.alarmThresholds ? { thresholds: props.alarmThresholds } : {}),
    });

    // --- The operator console: Cognito sign-in, its API, the page on CloudFront ---------------------
    if (props.console ?? CONFIG_DEFAULTS.console) {
      // Unique in the region across accounts: the stage and this account. The account is known only at
      // deploy time; a stage Cognito would refuse in the prefix (`aws…`) fails the synth instead.
      checkDomainPrefix(`syndication-${props.stage}-123456789012`);
      const auth = new OperatorAuth(this, 'OperatorAuth', {
        domainPrefix: `syndication-${props.stage}-${Aws.ACCOUNT_ID}`,
        removalPolicy,
        deletionProtection: retainData,
      });
      const api = new ConsoleApi(this, 'ConsoleApi', {
        userPool: auth.userPool,
        userPoolClient: auth.userPoolClient,
        stage: props.stage,
        table: this.articlesTable,
        quarantineBucket: this.quarantineBucket,
        contentBucket: this.contentBucket,
        topics: [...this.topics.values()],
        topicRoutes: this.toJsonString(this.topicRoutes()),
        topicKey: this.topicKey,
        queues: [
          { role: QUEUES.ingestQueue.role, queue: this.ingestQueue, deadLetterQueue: this.ingestDlq },
          { role: QUEUES.ingestDlq.role, queue: this.ingestDlq },
          { role: QUEUES.streamDlq.role, queue: this.streamDlq },
          { role: QUEUES.releaseDlq.role, queue: this.releaseDlq },
        ],
        partnerQueueKey: this.messagingKey,
        partners: props.partners,
        contentLinkExpirySeconds: this.contentLinkExpirySeconds,
        deliveryLogging: this.deliveryStatusLogging,
        serviceName: this.serviceName,
        removalPolicy,
      });
      // The site is served by CloudFront, which forwards /api/* to the API's $default stage (same origin).
      const site = new OperatorConsoleSite(this, 'OperatorConsoleSite', {
        auth,
        api: api.api,
        removalPolicy,
        accessLogsBucket: this.accessLogsBucket,
        ...(props.consoleAssets ? { assets: props.consoleAssets } : {}),
      });
      this.operatorConsole = { auth, api, site };
    }

    // --- Outputs: what operators, publishers and the CLI read --------------------------------------
    addStackOutputs(this, props.stage);
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

  /**
   * Logical ids as CDK allocates them, from the element's path without its pipeline stage: a stage
   * groups resources in the tree and moves none of them in the template (see PipelineStage).
   */
  protected override allocateLogicalId(element: CfnElement): string {
    // The default allocation reads only the element's scopes and its stack.
    const unstaged = { node: { scopes: logicalIdScopes(element) }, stack: element.stack };
    const logicalId = super.allocateLogicalId(unstaged as unknown as CfnElement);
    const path = element.node.path;
    const holder = this.allocatedLogicalIds.get(logicalId);
    if (holder !== undefined && holder !== path) {
      throw new Error(`${path} and ${holder} would share the logical id ${logicalId}: rename one`);
    }
    this.allocatedLogicalIds.set(logicalId, path);
    return logicalId;
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
          `Table stream batches publish could not publish after ${STREAM_RETRIES} retries. The messages describe the batch ` +
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
}
