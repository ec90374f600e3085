/**
 * The pipeline, described once: for each function its entry, its settings, its event source, the
 * resources it uses (with the IAM actions and the setting that names each), and the metrics it
 * emits; and every queue with its role and where it redrives to.
 *
 * Four consumers derive from it and from nothing else: the CDK stack (infra/: one `bind` per use sets
 * the environment variable and the grant together; event sources and alarms from `source` and
 * `metrics`), the Lambda entry points (functions/: `loadSettings(fn.settings, process.env)` at cold
 * start), the local runtime (local/: the same resources on the emulators, the same settings passed
 * to handler factories) and the CLI (cli/: queues found by role in the manifest, ./manifest.ts).
 *
 * Plain data, no SDK: the domain can read it, and tests hold the stack and the handlers to it.
 */
import { RECEIPTS_PREFIX } from '../domain/receipt.js';
import { type PublisherObjectLimits, parsePublisherObjectLimits } from '../publishers/limits.js';
import { flag, integer, json, list, optionalText, type Setting, text } from './settings.js';

/** Resources of the stack that functions use, by a name every consumer shares. */
export type ResourceName =
  | 'ingestBucket'
  | 'quarantineBucket'
  | 'contentBucket'
  | 'articlesTable'
  | 'articleTopics'
  | 'releaseFunction'
  | 'releaseDlq'
  | 'schedulerRole'
  | 'scheduleGroup'
  | 'linkSigningSecret'
  | 'pipelineQueues'
  | 'stackAlarms'
  | 'deliveryLogs'
  | 'deliveryMetrics';

/** Queues of the pipeline itself; partner queues are added per partner from the registry (`QueueRole`). */
export type QueueName = 'ingestQueue' | 'ingestDlq' | 'streamDlq' | 'releaseDlq';

/**
 * What a queue is for, which is how the CLI and the console find it (never by its name):
 * - `ingest`: S3 notifications for normalise; `ingest-dead-letter`: those that failed 5 times;
 * - `stream-failures`: descriptions of table-stream batches publish gave up on (replayed, not redriven);
 * - `release-failures`: embargo releases the scheduler could not deliver;
 * - `partner`: a partner's own delivery queue; `partner-dead-letter`: what its consumer failed;
 * - `delivery-dead-letter`: what SNS could not deliver to a partner's endpoint.
 */
export const QUEUE_ROLES = [
  'ingest',
  'ingest-dead-letter',
  'stream-failures',
  'release-failures',
  'partner',
  'partner-dead-letter',
  'delivery-dead-letter',
] as const;
export type QueueRole = (typeof QUEUE_ROLES)[number];

/** A queue as the pipeline manifest (./manifest.ts) lists it. */
export interface ManifestQueue {
  readonly role: QueueRole;
  readonly url: string;
  readonly arn?: string;
  /** The partner a partner queue belongs to (registry name). */
  readonly partner?: string;
  /** That partner's permanent id, when it has one besides its name (its queues are named after it). */
  readonly partnerId?: string;
  /** URL of the queue this one redrives to (its dead-letter queue). */
  readonly deadLetterQueueUrl?: string;
}

export interface QueueDescription {
  readonly role: QueueRole;
  /** Where messages go after `maxReceiveCount` failed receives (an SQS redrive policy). */
  readonly redrivesTo?: QueueName;
  readonly maxReceiveCount?: number;
  /** How long a message is kept, in days. */
  readonly retentionDays?: number;
}

/** One use of a resource by a function: the actions it is granted and the setting that names the resource. */
export interface ResourceUse {
  readonly resource: ResourceName;
  /** IAM actions, exactly; nothing broader is granted. */
  readonly actions: readonly string[];
  /** For buckets: the key prefix the actions are limited to (`*` for any key the publisher chose). */
  readonly objects?: string;
  /** For tables: the global secondary index the actions are limited to (and not the table itself). */
  readonly index?: string;
  /** The key of the function's `settings` entry that carries this resource's name or ARN. */
  readonly setting?: string;
  /** Why this use exists, in words (it becomes the grant's comment and cdk-nag acknowledgement). */
  readonly why: string;
}

export type EventSource =
  | {
      readonly kind: 'sqs';
      readonly queue: QueueName;
      readonly batchSize: number;
      /** Seconds records are gathered before an invocation. */
      readonly maxBatchingWindowSeconds: number;
      readonly reportBatchItemFailures: true;
    }
  | {
      readonly kind: 'dynamodb-stream';
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds: number;
      readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
      readonly bisectBatchOnError: boolean;
      readonly retryAttempts: number;
      readonly reportBatchItemFailures: true;
      /** Where the descriptions of batches given up on go. */
      readonly onFailure: QueueName;
    }
  | {
      /** One-time EventBridge Scheduler schedules created by publish; failures dead-lettered there. */
      readonly kind: 'schedule';
      readonly deadLetterQueue: QueueName;
    }
  | {
      /** HTTP requests through API Gateway (an HTTP API); nothing to retry or dead-letter. */
      readonly kind: 'http-api';
    };

export interface MetricDescription<Name extends string = string> {
  readonly name: Name;
  readonly unit: 'Count' | 'Milliseconds';
  /** Dimensions besides `service` (each bounded: see functions/handlers/publisher-dimension.ts). */
  readonly dimensions?: readonly string[];
  readonly meaning: string;
}

export interface FunctionDescription<
  S extends Record<string, Setting<unknown>>,
  MetricName extends string = string,
> {
  /** The handler module under functions/. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly settings: S;
  readonly source: EventSource;
  readonly uses: readonly ResourceUse[];
  readonly metrics: readonly MetricDescription<MetricName>[];
}

/** The names of the metrics function `F` emits, as a type: a handler can emit no other. */
export type MetricNameOf<F> =
  F extends FunctionDescription<Record<string, Setting<unknown>>, infer Name> ? Name : never;

function describeFunction<S extends Record<string, Setting<unknown>>, MetricName extends string>(
  description: FunctionDescription<S, MetricName>,
): FunctionDescription<S, MetricName> {
  for (const use of description.uses) {
    if (use.setting !== undefined && !(use.setting in description.settings)) {
      throw new Error(`${description.entry}: use of ${use.resource} names unknown setting ${use.setting}`);
    }
  }
  return description;
}

const PERMANENT_FAILURES: MetricDescription<'PermanentFailures'> = {
  name: 'PermanentFailures',
  unit: 'Count',
  meaning: 'records that can never succeed, acknowledged without retry (alarmed)',
};

/** Topic routes as the publish function reads them: the topic ARNs of each payload variant. */
function topicRoutes(value: unknown): Record<string, readonly string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('expected an object of payload variant -> topic ARNs');
  }
  for (const [variant, arns] of Object.entries(value)) {
    if (!Array.isArray(arns) || arns.some((arn) => typeof arn !== 'string')) {
      throw new Error(`variant ${variant}: expected a list of topic ARNs`);
    }
  }
  return value as Record<string, readonly string[]>;
}

const TABLE_NAME = text('TABLE_NAME', 'the articles table');
const CONTENT_BUCKET = optionalText(
  'CONTENT_BUCKET',
  'the content bucket, where the index keeps documents too large for a table item',
);
/** Where the index keeps documents too large for a table item, in the content bucket. */
export const INDEX_DOCUMENT_PREFIX = 'index-documents/';
/** Where publish writes documents too large for a message (claim checks); they expire. */
export const CLAIM_CHECK_PREFIX = 'documents/';
/** A SigV4 pre-signed URL is valid for at most 7 days. */
export const MAX_LINK_EXPIRY_SECONDS = 604_800;
/** How long document links are valid unless a deployment says otherwise: 6 hours. */
export const DEFAULT_CONTENT_LINK_EXPIRY_SECONDS = 21_600;
const INDEX_DOCUMENTS = INDEX_DOCUMENT_PREFIX;

/** Saving or releasing a version: documents too large for a table item go to the content bucket. */
const KEEPS_INDEX_DOCUMENTS: ResourceUse = {
  resource: 'contentBucket',
  actions: ['s3:PutObject', 's3:GetObject'],
  objects: `${INDEX_DOCUMENTS}*`,
  setting: 'contentBucket',
  why: 'keeps documents too large for a table item',
};

export const normalise = describeFunction({
  entry: 'functions/normalise.ts',
  description: 'Normalises dropped news files to ninjs and indexes them',
  timeoutSeconds: 30,
  settings: {
    tableName: TABLE_NAME,
    quarantineBucket: text('QUARANTINE_BUCKET', 'where rejected originals are copied'),
    contentBucket: CONTENT_BUCKET,
    publishers: list('PUBLISHERS', 'registered publisher names; empty: every first-level folder is a source'),
    publisherObjectLimits: {
      env: 'PUBLISHER_OBJECT_LIMITS',
      describe:
        "publishers' own object size limits as <name>=<bytes>,...; the pipeline's limit applies to all",
      parse: parsePublisherObjectLimits,
    } satisfies Setting<PublisherObjectLimits>,
  },
  source: {
    kind: 'sqs',
    queue: 'ingestQueue',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
  },
  uses: [
    {
      resource: 'ingestBucket',
      actions: ['s3:GetObject'],
      objects: '*',
      why: 'reads whatever object a notification names (publishers choose the keys)',
    },
    {
      resource: 'ingestBucket',
      actions: ['s3:ListBucket'],
      why: 'without it S3 answers 403, not 404, for an object deleted before it was read',
    },
    {
      resource: 'ingestBucket',
      actions: ['s3:PutObject'],
      objects: `${RECEIPTS_PREFIX}*`,
      why: 'writes one receipt per dropped object for its publisher',
    },
    {
      resource: 'quarantineBucket',
      actions: ['s3:PutObject'],
      objects: '*',
      setting: 'quarantineBucket',
      why: 'copies a rejected original under its original key',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      setting: 'tableName',
      why: 'reads the head of an article and writes its next version',
    },
    KEEPS_INDEX_DOCUMENTS,
  ],
  metrics: [
    { name: 'ArticlesNormalised', unit: 'Count', meaning: 'versions indexed (published or withheld)' },
    { name: 'ArticlesUnchanged', unit: 'Count', meaning: 'objects whose content equals the current version' },
    { name: 'ArticlesRejected', unit: 'Count', meaning: 'objects refused, original quarantined' },
    { name: 'ArticlesRejectedByCode', unit: 'Count', dimensions: ['code'], meaning: 'rejections by code' },
    { name: 'Withdrawals', unit: 'Count', meaning: 'articles withdrawn by deleting their object' },
    { name: 'StaleNotifications', unit: 'Count', meaning: 'notifications older than the version indexed' },
    { name: 'S3TestEvents', unit: 'Count', meaning: 's3:TestEvent messages acknowledged' },
    {
      name: 'PublisherAccepted',
      unit: 'Count',
      dimensions: ['source'],
      meaning: 'objects indexed, per publisher',
    },
    {
      name: 'PublisherRejected',
      unit: 'Count',
      dimensions: ['source', 'code'],
      meaning: 'objects refused, per publisher and code',
    },
    {
      name: 'DroppedFields',
      unit: 'Count',
      dimensions: ['source', 'field'],
      meaning: 'optional fields dropped because their value failed its check',
    },
    { name: 'ReceiptFailures', unit: 'Count', meaning: 'receipts that could not be written' },
    PERMANENT_FAILURES,
  ],
});

export const release = describeFunction({
  entry: 'functions/release.ts',
  description: 'Releases an embargoed article version at its embargo time',
  timeoutSeconds: 30,
  settings: { tableName: TABLE_NAME, contentBucket: CONTENT_BUCKET },
  source: { kind: 'schedule', deadLetterQueue: 'releaseDlq' },
  uses: [
    {
      resource: 'articlesTable',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      setting: 'tableName',
      why: 'reads the withheld version and rewrites the head',
    },
    KEEPS_INDEX_DOCUMENTS,
  ],
  metrics: [
    { name: 'EmbargoesReleased', unit: 'Count', meaning: 'withheld versions released' },
    PERMANENT_FAILURES,
  ],
});

export const publish = describeFunction({
  entry: 'functions/publish.ts',
  description: 'Publishes article changes from the table stream to the articles topics',
  timeoutSeconds: 30,
  settings: {
    tableName: TABLE_NAME,
    topicRoutes: json('TOPIC_ROUTES', 'the topic ARNs of each payload variant', topicRoutes),
    releaseFunctionArn: text('RELEASE_FUNCTION_ARN', 'what embargo schedules invoke'),
    schedulerRoleArn: text('SCHEDULER_ROLE_ARN', 'the role embargo schedules run as'),
    scheduleGroup: optionalText('SCHEDULE_GROUP', 'the schedule group of embargo schedules'),
    releaseDlqArn: optionalText('RELEASE_DLQ_ARN', 'where schedules dead-letter a release'),
    contentBucket: text('CONTENT_BUCKET', 'claim-check documents and documents the index keeps'),
    contentLinkExpirySeconds: integer('CONTENT_LINK_EXPIRY_SECONDS', 'how long a document link is valid', {
      min: 60,
      max: MAX_LINK_EXPIRY_SECONDS,
    }),
    contentApiUrl: optionalText(
      'CONTENT_API_URL',
      'the content API: links are signed URLs to it, nothing is written (unset: claim checks in the content bucket)',
    ),
    linkSecretName: optionalText('LINK_SECRET_NAME', 'the Secrets Manager secret that signs document links'),
    summaries: flag('PUBLISH_SUMMARIES', 'some partner takes summaries without a link'),
    linkedSummaries: flag('PUBLISH_LINKED_SUMMARIES', 'some summary partner is entitled to the full text'),
  },
  source: {
    kind: 'dynamodb-stream',
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnError: true,
    retryAttempts: 5,
    reportBatchItemFailures: true,
    onFailure: 'streamDlq',
  },
  uses: [
    {
      resource: 'articleTopics',
      actions: ['sns:Publish'],
      setting: 'topicRoutes',
      why: 'sends each message to every topic of its payload variant',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:GetItem'],
      setting: 'tableName',
      why: 'reads versions the stream batch does not carry, and their documents',
    },
    {
      resource: 'linkSigningSecret',
      actions: ['secretsmanager:GetSecretValue', 'ssm:GetParameter'],
      setting: 'linkSecretName',
      why: 'signs document links with the stack key (read through Parameter Store’s secret reference)',
    },
    {
      resource: 'contentBucket',
      actions: ['s3:GetObject'],
      objects: `${INDEX_DOCUMENTS}*`,
      setting: 'contentBucket',
      why: 'reads documents the index keeps out of its items',
    },
    {
      resource: 'scheduleGroup',
      actions: ['scheduler:CreateSchedule'],
      setting: 'scheduleGroup',
      why: 'creates one one-time schedule per embargoed version, in this group only',
    },
    {
      resource: 'schedulerRole',
      actions: ['iam:PassRole'],
      setting: 'schedulerRoleArn',
      why: 'schedules run as the scheduler role',
    },
    {
      resource: 'releaseFunction',
      actions: [],
      setting: 'releaseFunctionArn',
      why: 'the target of embargo schedules (invoked by the scheduler role, not by publish)',
    },
    {
      resource: 'releaseDlq',
      actions: [],
      setting: 'releaseDlqArn',
      why: 'the dead-letter queue of embargo schedules (written by the scheduler role)',
    },
  ],
  metrics: [
    {
      name: 'VersionsPublished',
      unit: 'Count',
      dimensions: ['eventType'],
      meaning: 'versions sent to the topics, by event type',
    },
    {
      name: 'IngestToPublishLatency',
      unit: 'Milliseconds',
      meaning: 'from a version being indexed to its message being sent',
    },
    {
      name: 'UploadToPublishLatency',
      unit: 'Milliseconds',
      meaning: "from S3 storing a version's object (its notification's eventTime) to its message being sent",
    },
    PERMANENT_FAILURES,
  ],
});

/**
 * The content API's function: signed documents and pull feeds over HTTP (API Gateway HTTP API). Not in
 * `FUNCTIONS`: its source is an API, not a queue, stream or schedule.
 */
export const contentApi = describeFunction({
  entry: 'functions/content-api.ts',
  description: 'Serves signed article documents and partner feeds from the index',
  timeoutSeconds: 10,
  settings: {
    tableName: TABLE_NAME,
    contentBucket: CONTENT_BUCKET,
    linkSecretName: text('LINK_SECRET_NAME', 'the Secrets Manager secret that signs document links'),
    contentApiUrl: text(
      'CONTENT_API_URL',
      'the API’s own base URL: the full-text links of linked summaries in feeds',
    ),
    contentLinkExpirySeconds: integer(
      'CONTENT_LINK_EXPIRY_SECONDS',
      'how long a feed’s document link is valid',
      {
        min: 60,
        max: MAX_LINK_EXPIRY_SECONDS,
      },
    ),
  },
  source: { kind: 'http-api' },
  uses: [
    {
      resource: 'articlesTable',
      actions: ['dynamodb:GetItem'],
      setting: 'tableName',
      why: 'reads the head of an article, the version a link names and the feed API key presented (read-only)',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:Query'],
      index: 'byFeed',
      why: 'reads the entries of the partner feeds in write order (read-only)',
    },
    {
      resource: 'contentBucket',
      actions: ['s3:GetObject'],
      objects: `${INDEX_DOCUMENTS}*`,
      setting: 'contentBucket',
      why: 'reads documents the index keeps out of its items (read-only)',
    },
    {
      resource: 'linkSigningSecret',
      actions: ['secretsmanager:GetSecretValue', 'ssm:GetParameter'],
      setting: 'linkSecretName',
      why: 'verifies document links with the stack key (read through Parameter Store’s secret reference)',
    },
  ],
  metrics: [],
});

/** The queues the console reads and redrives, as manifest entries. */
function manifestQueues(value: unknown): readonly ManifestQueue[] {
  if (!Array.isArray(value)) throw new Error('expected a list of queues');
  return value.map((entry, position) => {
    const queue = entry as Partial<ManifestQueue> | null;
    if (typeof queue !== 'object' || queue === null) throw new Error(`queue ${position}: expected an object`);
    if (typeof queue.role !== 'string' || !(QUEUE_ROLES as readonly string[]).includes(queue.role))
      throw new Error(`queue ${position}: role must be one of ${QUEUE_ROLES.join(', ')}`);
    if (typeof queue.url !== 'string' || queue.url === '')
      throw new Error(`queue ${position}: url is missing`);
    for (const optional of ['partner', 'partnerId', 'deadLetterQueueUrl', 'arn'] as const)
      if (queue[optional] !== undefined && typeof queue[optional] !== 'string')
        throw new Error(`queue ${position}: ${optional} must be a string`);
    return queue as ManifestQueue;
  });
}

/**
 * The operator console's API (API Gateway HTTP API behind a Cognito JWT authoriser): reads the index,
 * the queues' depths, the quarantine and the stack's alarms, and runs the two operator actions
 * (redrive a dead-letter queue, replay an article). Not in `FUNCTIONS`: its source is an API.
 */
export const consoleApi = describeFunction({
  entry: 'functions/console-api.ts',
  description: 'Serves the operator console: articles, partners, rejections, health, redrive and replay',
  timeoutSeconds: 29,
  settings: {
    tableName: TABLE_NAME,
    contentBucket: text('CONTENT_BUCKET', 'claim-check documents of replays and documents the index keeps'),
    quarantineBucket: text('QUARANTINE_BUCKET', 'where rejected originals are kept'),
    topicRoutes: json('TOPIC_ROUTES', 'the topic ARNs of each payload variant (replays)', topicRoutes),
    queues: json(
      'PIPELINE_QUEUES',
      'the pipeline’s own queues by role, as manifest entries (partner queues are derived from the registry)',
      manifestQueues,
    ),
    queueUrlPrefix: text(
      'QUEUE_URL_PREFIX',
      'https://sqs.REGION.amazonaws.com/ACCOUNT/: a partner queue’s URL is this and its name',
    ),
    alarmNamePrefix: text('ALARM_NAME_PREFIX', 'the stack’s alarms: every alarm whose name starts with it'),
    stackName: text('STACK_NAME', 'what the console shows as its target'),
    confirmationKey: text(
      'CONFIRMATION_KEY',
      'keys the confirmations of actions: fixed per stack, so any instance checks what another prepared',
    ),
    contentLinkExpirySeconds: integer(
      'CONTENT_LINK_EXPIRY_SECONDS',
      'how long a replay’s document link is valid',
      {
        min: 60,
        max: MAX_LINK_EXPIRY_SECONDS,
      },
    ),
    deliveryLogSampleRate: integer(
      'DELIVERY_LOG_SAMPLE_RATE',
      'percent of successful partner deliveries SNS logs: logged successes are scaled by 100 / this',
      { min: 0, max: 100 },
    ),
  },
  source: { kind: 'http-api' },
  uses: [
    {
      resource: 'articlesTable',
      actions: ['dynamodb:GetItem'],
      setting: 'tableName',
      why: 'reads an article’s head and its versions',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:Query'],
      index: 'byFeed',
      why: 'lists the newest articles from the feed index instead of scanning the table on every poll',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:Query'],
      index: 'byStatus',
      why: 'lists rejections and withheld articles',
    },
    {
      resource: 'articlesTable',
      actions: ['dynamodb:Scan'],
      why: 'a stream-failure redrive lists the articles changed since the failed batch (an operator action, rare)',
    },
    {
      resource: 'quarantineBucket',
      actions: ['s3:GetObject'],
      objects: '*',
      setting: 'quarantineBucket',
      why: 'hands a rejected original to the operator (only keys a rejection names)',
    },
    {
      resource: 'contentBucket',
      actions: ['s3:GetObject'],
      objects: `${INDEX_DOCUMENTS}*`,
      setting: 'contentBucket',
      why: 'reads documents the index keeps out of its items',
    },
    {
      resource: 'contentBucket',
      actions: ['s3:PutObject', 's3:GetObject'],
      objects: `${CLAIM_CHECK_PREFIX}*`,
      why: 'writes the claim-check documents of replayed messages too large to carry, and signs links to them',
    },
    {
      resource: 'articleTopics',
      actions: ['sns:Publish'],
      setting: 'topicRoutes',
      why: 'replays an article, and republishes what failed stream batches covered',
    },
    {
      resource: 'pipelineQueues',
      actions: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage'],
      setting: 'queues',
      why: 'shows queue depths, moves dead letters back to their source queue and replays to one partner’s queue',
    },
    {
      resource: 'stackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      setting: 'alarmNamePrefix',
      why: 'shows the state of the stack’s alarms',
    },
    {
      resource: 'deliveryLogs',
      actions: ['logs:StartQuery', 'logs:GetQueryResults'],
      why: 'counts each partner’s logged SNS deliveries and their dwell times (Logs Insights) for the partners page',
    },
    {
      resource: 'deliveryLogs',
      actions: ['logs:StopQuery'],
      why: 'stops a delivery-log query that overran, so it scans no further (StopQuery takes no resource)',
    },
    {
      resource: 'deliveryMetrics',
      actions: ['cloudwatch:GetMetricData'],
      why: 'reads the DeliveryFailures and IngestToPublishLatency metrics (GetMetricData takes no resource)',
    },
  ],
  metrics: [],
});

/** Every function of the pipeline, by the name the stack, the runtime and the CLI use. */
export const FUNCTIONS = { normalise, publish, release } as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** How many times a message is received before it is dead-lettered. */
export const MAX_RECEIVE_COUNT = 5;
/** How long a dead-lettered message is kept (SQS's maximum is 14 days). */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** The pipeline's own queues (partner queues come from the registry: shared/partners/topology.ts). */
export const QUEUES: Readonly<Record<QueueName, QueueDescription>> = {
  ingestQueue: { role: 'ingest', redrivesTo: 'ingestDlq', maxReceiveCount: MAX_RECEIVE_COUNT },
  ingestDlq: { role: 'ingest-dead-letter', retentionDays: DEAD_LETTER_RETENTION_DAYS },
  streamDlq: { role: 'stream-failures', retentionDays: DEAD_LETTER_RETENTION_DAYS },
  releaseDlq: { role: 'release-failures', retentionDays: DEAD_LETTER_RETENTION_DAYS },
};

/** The CloudWatch namespace of every custom metric (Powertools' `namespace`; the alarms read it). */
export const METRICS_NAMESPACE = 'ContentSyndication';

/** Every custom metric any function emits (the monitoring construct and its test read this). */
export function emittedMetrics(): readonly MetricDescription[] {
  const byName = new Map<string, MetricDescription>();
  for (const fn of Object.values(FUNCTIONS)) for (const metric of fn.metrics) byName.set(metric.name, metric);
  return [...byName.values()];
}
