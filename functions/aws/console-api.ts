/**
 * The console API's dependencies on AWS (see ./normalise.ts): the shared console service
 * (shared/console/api.ts) over the index in DynamoDB, the queues' depths and the redrive in SQS, the
 * quarantined originals in S3, the stack's alarms in CloudWatch and replays through SNS.
 *
 * The article list reads the feed index (a Query on `byFeed`, newest first, bounded by count and
 * age) plus the withheld articles (a Query on `byStatus`), never a scan of the table: the page polls
 * it every few seconds, and a scan would read every item of a table that only grows.
 */
import { type AlarmType, CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CloudWatchDeliveryMetrics,
  partnerEndpoints,
  partnerTopicArns,
  serviceNameOf,
  successLogGroupOf,
} from '../../shared/adapters/cloudwatch-delivery-metrics.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3ClaimCheck } from '../../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsDirectNotifier } from '../../shared/adapters/sqs-direct-notifier.js';
import { SqsRedriveQueues } from '../../shared/adapters/sqs-redrive.js';
import type {
  AlarmReader,
  AlarmSummary,
  AlarmView,
  ArticleHeadSource,
  QuarantineReader,
  QueueDepthReader,
} from '../../shared/console/api.js';
import { ConsoleService } from '../../shared/console/api.js';
import { type ConsolePartnersFile, partnerManifestQueues } from '../../shared/console/partners-file.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import { timeKey } from '../../shared/feeds/entries.js';
import type { Partner } from '../../shared/partners/registry.js';
import type { TopicRoutes } from '../../shared/partners/topology.js';
import { type consoleApi, METRICS_NAMESPACE } from '../../shared/pipeline/description.js';
import { queuesWithRole } from '../../shared/pipeline/manifest.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import type { ArticleIndex } from '../../shared/ports/article-index.js';
import type {
  DeliveryMetricsReader,
  DeliveryWindow,
  PartnerDeliveryFigures,
} from '../../shared/ports/delivery-metrics.js';
import type { FeedIndex } from '../../shared/ports/feed-index.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';
import { type ConsoleHandlerOptions, createConsoleApiHandler } from '../handlers/console-api.js';
import type { AwsDependencyOptions } from './normalise.js';

export type ConsoleApiSettings = SettingValues<typeof consoleApi.settings>;

// --- adapters -----------------------------------------------------------------------------------------

/** Depths from SQS's approximate counts (what the console shows; SQS documents them as approximate). */
export class SqsQueueDepths implements QueueDepthReader {
  constructor(private readonly sqs: SQSClient) {}

  async depth(queueUrl: string): Promise<{ waiting: number; inFlight: number }> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }
}

/** Rejected originals from the quarantine bucket; undefined when the object is gone. */
export class S3QuarantineReader implements QuarantineReader {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async original(key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return object.Body ? await object.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** DescribeAlarms returns at most 100 alarms per page: more pages than this is not one stack's. */
const MAX_ALARM_PAGES = 10;

/** The stack's alarms (metric and composite) by name prefix, the ones in ALARM first. */
export class CloudWatchAlarms implements AlarmReader {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly namePrefix: string,
  ) {}

  async summary(): Promise<AlarmSummary> {
    const alarms: AlarmView[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await this.cloudWatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: this.namePrefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] as AlarmType[],
          MaxRecords: 100,
          ...(next ? { NextToken: next } : {}),
        }),
      );
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])])
        alarms.push({
          name: alarm.AlarmName ?? '',
          state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
          reason: alarm.StateReason ?? '',
          updatedAt: alarm.StateUpdatedTimestamp?.toISOString() ?? null,
        });
      next = page.NextToken;
      pages++;
    } while (next && pages < MAX_ALARM_PAGES);
    return summariseAlarms(alarms, this.namePrefix);
  }
}

/** `OK`, `2 in ALARM`…, with the alarms in ALARM named first. */
export function summariseAlarms(alarms: readonly AlarmView[], namePrefix: string): AlarmSummary {
  const order = (state: string) => (state === 'ALARM' ? 0 : state === 'INSUFFICIENT_DATA' ? 1 : 2);
  const sorted = [...alarms].sort((a, b) => order(a.state) - order(b.state) || a.name.localeCompare(b.name));
  const firing = sorted.filter((alarm) => alarm.state === 'ALARM');
  const unknown = sorted.filter((alarm) => alarm.state === 'INSUFFICIENT_DATA').length;
  if (alarms.length === 0)
    return { state: 'none found', detail: `no CloudWatch alarm is named ${namePrefix}…`, alarms: [] };
  return {
    state: firing.length > 0 ? `${firing.length} in ALARM` : 'OK',
    detail:
      firing.length > 0
        ? firing.map((alarm) => alarm.name).join(', ')
        : `${alarms.length} alarms${unknown ? `, ${unknown} with insufficient data` : ''}`,
    alarms: sorted,
  };
}

/**
 * Messages one redrive request moves: at 10 a batch, 100 rounds of receive, send and delete, well
 * inside API Gateway's 30-second integration limit; the summary tells the operator to run it again.
 */
export const REDRIVE_LIMIT = 1000;

/** How many feed entries the article list reads per request, and how far back. */
export const RECENT_ARTICLES = { entries: 300, reachMs: 7 * 86_400_000, withheld: 100 } as const;

/**
 * The newest articles, from the feed index (every version partners heard of, newest first: a Query
 * per shard and day, bounded by `entries` and `reachMs`) and the withheld ones (a Query on
 * `byStatus`), each article once, as of its newest entry.
 */
export class RecentArticleHeads implements ArticleHeadSource {
  constructor(
    private readonly index: ArticleIndex & FeedIndex,
    private readonly now: () => Date,
    private readonly bounds: { entries: number; reachMs: number; withheld: number } = RECENT_ARTICLES,
  ) {}

  async heads(): Promise<{ items: ArticleHead[]; basis: string }> {
    const now = this.now().getTime();
    const [entries, withheld] = await Promise.all([
      this.index.feedEntries({
        after: timeKey(now - this.bounds.reachMs),
        // Keys start with their ISO write time: one second ahead is after every key written so far.
        before: timeKey(now + 1000),
        order: 'descending',
        limit: this.bounds.entries,
      }),
      this.index.withheld(this.bounds.withheld),
    ]);
    const byUri = new Map<string, ArticleHead>();
    for (const head of [...withheld, ...entries.map((entry) => entry.head)]) {
      const known = byUri.get(head.uri);
      if (!known || known.version < head.version) byUri.set(head.uri, head);
    }
    const items = [...byUri.values()].sort((a, b) => b.versionCreated.localeCompare(a.versionCreated));
    const days = Math.round(this.bounds.reachMs / 86_400_000);
    return {
      items,
      basis: `the articles of the newest ${this.bounds.entries} changes sent to partners in the last ${days} days, and up to ${this.bounds.withheld} withheld articles: older articles are found by uri (syndicate show)`,
    };
  }
}

/** What the deployment has no delivery figures from: every partner, figures unknown, and why. */
export function noDeliveryFigures(partners: readonly Partner[], why: string): DeliveryMetricsReader {
  return {
    perPartner: async () =>
      partners.map((partner) => ({
        partner: partner.name,
        deliveries: null,
        failures: 0,
        latency: { p50Ms: null, p95Ms: null, samples: 0 },
        overTime: [],
        lastDelivery: null,
        basis: why,
      })),
  };
}

/**
 * How long one Logs Insights query of the partners page may run: the function has 29 s and API Gateway
 * answers 503 after 30 s, so a slow query is stopped and reported while the page can still be told why.
 */
export const DELIVERY_QUERY_TIMEOUT_MS = 20_000;

/**
 * The stack's per-partner delivery figures (shared/adapters/cloudwatch-delivery-metrics.ts), from what
 * the function is deployed with: the partner topics' success log groups from its topic routes, the
 * sample rate the stack configured on them (a setting, so no GetTopicAttributes call), the partners'
 * endpoints from the registry and the queues the stack named for them.
 */
export function stackDeliveryMetrics(
  settings: ConsoleApiSettings,
  registry: ConsolePartnersFile,
  clients: { readonly cloudWatch: CloudWatchClient; readonly logs: CloudWatchLogsClient },
): CloudWatchDeliveryMetrics {
  return new CloudWatchDeliveryMetrics({
    cloudWatch: clients.cloudWatch,
    logs: clients.logs,
    partners: partnerEndpoints(
      registry.partners,
      partnerManifestQueues(settings.queueUrlPrefix, registry.stage, registry.partners),
    ),
    successLogGroups: partnerTopicArns({ topicRoutes: settings.topicRoutes }).map(successLogGroupOf),
    successSampleRate: settings.deliveryLogSampleRate,
    namespace: METRICS_NAMESPACE,
    serviceName: serviceNameOf(registry.stage),
    queryTimeoutMs: DELIVERY_QUERY_TIMEOUT_MS,
  });
}

/** How old the partners page's figures may be in AWS: one read a minute, however often pages poll. */
export const DELIVERY_FIGURES_MAX_AGE_MS = 60_000;

/**
 * One read of the delivery figures per bucket width and `maxAgeMs`, shared by the requests of that
 * time (those arriving while it runs wait for it): the page polls every 2 s, and every read runs Logs
 * Insights queries, billed by the data they scan and limited to 30 at once in the account and region.
 * The window always ends at the request's now, so an answer of the same width differs only in age. A
 * failed read is not kept: the next request tries again.
 */
export class RecentDeliveryFigures implements DeliveryMetricsReader {
  private readonly reads = new Map<number, { at: number; figures: Promise<PartnerDeliveryFigures[]> }>();

  constructor(
    private readonly reader: DeliveryMetricsReader,
    private readonly now: () => Date,
    private readonly maxAgeMs = DELIVERY_FIGURES_MAX_AGE_MS,
  ) {}

  perPartner(window: DeliveryWindow): Promise<PartnerDeliveryFigures[]> {
    const at = this.now().getTime();
    const known = this.reads.get(window.bucketSeconds);
    if (known && at - known.at < this.maxAgeMs) return known.figures;
    const figures = this.reader.perPartner(window);
    this.reads.set(window.bucketSeconds, { at, figures });
    figures.catch(() => {
      if (this.reads.get(window.bucketSeconds)?.figures === figures) this.reads.delete(window.bucketSeconds);
    });
    return figures;
  }
}

// --- wiring -------------------------------------------------------------------------------------------

export interface ConsoleApiClients {
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly cloudWatch: CloudWatchClient;
}

export interface ConsoleApiDependencyOptions extends AwsDependencyOptions<ConsoleApiClients> {
  /** Per-partner delivery figures (SNS delivery status logs and the metrics derived from them). */
  readonly deliveryMetrics?: DeliveryMetricsReader;
  /** How far back the partners page reaches. @default 24 hours */
  readonly deliveryWindowMs?: number;
  readonly handler?: Omit<ConsoleHandlerOptions, 'confirmationKey'>;
}

export function awsDependencies(
  settings: ConsoleApiSettings,
  /** The partner registry and the stage, shipped in the bundle (../console-api.ts reads it). */
  registry: ConsolePartnersFile,
  options: ConsoleApiDependencyOptions = {},
) {
  const clients = options.clients ?? {
    dynamoDb: new DynamoDBClient({}),
    s3: new S3Client({}),
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    cloudWatch: new CloudWatchClient({}),
  };
  if (!options.clients)
    traceClients(clients.dynamoDb, clients.s3, clients.sqs, clients.sns, clients.cloudWatch);
  const { logger } = options.observability ?? lambdaObservability();
  const now = options.now ?? (() => new Date());
  const index = new DynamoDbArticleIndex(clients.dynamoDb, settings.tableName, {
    documents: new S3DocumentStore(clients.s3, settings.contentBucket),
  });
  const { partners } = registry;
  const queues = [
    ...settings.queues,
    ...partnerManifestQueues(settings.queueUrlPrefix, registry.stage, partners),
  ];
  const service = new ConsoleService({
    index,
    articleHeads: new RecentArticleHeads(index, now),
    queues,
    depths: new SqsQueueDepths(clients.sqs),
    partners: partners.map((partner) => ({ partner })),
    deliveryMetrics:
      options.deliveryMetrics ??
      noDeliveryFigures(
        partners,
        'no delivery figures: this deployment gives the console no delivery metrics reader',
      ),
    quarantine: new S3QuarantineReader(clients.s3, settings.quarantineBucket),
    alarms: new CloudWatchAlarms(clients.cloudWatch, settings.alarmNamePrefix),
    target: `stack ${settings.stackName}`,
    deliveryWindowMs: options.deliveryWindowMs ?? 86_400_000,
    now,
    actions: {
      messageQueues: new SqsRedriveQueues(clients.sqs),
      notifier: new SnsNotifier(clients.sns, settings.topicRoutes as TopicRoutes),
      partnerNotifier: (partner) => {
        const queue = queuesWithRole({ queues }, 'partner', partner)[0];
        return queue ? new SqsDirectNotifier(clients.sqs, queue.url) : undefined;
      },
      redriveLimit: REDRIVE_LIMIT,
      contentStore: new S3ClaimCheck(
        clients.s3,
        settings.contentBucket,
        settings.contentLinkExpirySeconds,
        now,
      ),
      scheduler: {
        async schedule() {
          // Scheduling is the publish function's grant; the console holds none.
          throw new Error(
            'a withheld version needs its release scheduled by the publish function: leave it in the DLQ',
          );
        },
      },
    },
  });
  return createConsoleApiHandler(service, {
    ...options.handler,
    confirmationKey: settings.confirmationKey,
    onError: (error, request) =>
      logger.error('console API request failed', {
        method: request.method,
        path: request.path,
        error: error as Error,
      }),
  });
}

/** The function as deployed: `awsDependencies` with the stack's delivery figures from CloudWatch. */
export function deployedConsoleApi(settings: ConsoleApiSettings, registry: ConsolePartnersFile) {
  const clients = {
    dynamoDb: new DynamoDBClient({}),
    s3: new S3Client({}),
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    cloudWatch: new CloudWatchClient({}),
  };
  const logs = new CloudWatchLogsClient({});
  traceClients(clients.dynamoDb, clients.s3, clients.sqs, clients.sns, clients.cloudWatch, logs);
  const figures = stackDeliveryMetrics(settings, registry, { cloudWatch: clients.cloudWatch, logs });
  return awsDependencies(settings, registry, {
    clients,
    deliveryMetrics: new RecentDeliveryFigures(figures, () => new Date()),
  });
}
