/**
 * Per-partner delivery figures of a deployed stack, from what SNS delivery status logging records
 * (infra/constructs/delivery-status-logging.ts) and what the publish function emits:
 * - failures: the `DeliveryFailures` metric by `destination` (every failed delivery is logged), read
 *   with GetMetricData;
 * - deliveries: the successes in the topics' success log groups, counted with Logs Insights and
 *   scaled by 100 / the success sample rate (an estimate unless every success is logged);
 * - latency: SNS logs carry no message attributes, so a delivery cannot be tied to its article's
 *   upload. What is measured is the sum of two percentiles: publish's `UploadToPublishLatency`
 *   (every partner's versions together, from S3 storing the object, the notification's `eventTime`,
 *   to its publish) plus the partner's own dwell-time percentile (publish to delivery, Logs Insights
 *   `pct()` over its logged successes). A sum of percentiles is not the percentile of the sums (it is
 *   close when one of the two parts dominates). Withdrawals, embargo releases and versions indexed
 *   before the upload time was kept emit no upload-to-publish time, so they are not in it. Each
 *   answer's `basis` says so.
 *
 * Delivery logs name the endpoint (`delivery.destination`): a queue ARN, an HTTPS URL or a function
 * ARN. `partnerEndpoints` maps them to partners through the registry and the stack's manifest.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Partner } from '../partners/registry.js';
import { METRICS_NAMESPACE } from '../pipeline/description.js';
import type { ManifestQueue, PipelineManifest } from '../pipeline/manifest.js';
import type {
  DeliveryBucket,
  DeliveryMetricsReader,
  DeliveryWindow,
  PartnerDeliveryFigures,
} from '../ports/delivery-metrics.js';

/** The figures could not be read (a query failed or took too long, or CloudWatch refused a call). */
export class DeliveryMetricsError extends Error {}

/** A partner and the endpoints SNS delivers its messages to, as delivery logs name them. */
export interface PartnerEndpoint {
  readonly partner: string;
  /** Queue ARN, HTTPS URL or function ARN; none for email, which SNS does not log. */
  readonly destinations: readonly string[];
}

/**
 * The ARN of an SQS queue from its URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`, or the
 * legacy `https://queue.amazonaws.com/...` of us-east-1); undefined for anything else.
 */
export function queueArnOfUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const [account, name, ...rest] = parsed.pathname.split('/').filter((part) => part.length > 0);
  if (!account || !name || rest.length > 0 || !/^\d{12}$/.test(account)) return undefined;
  const host = parsed.hostname;
  const partition = host.endsWith('.amazonaws.com.cn') ? 'aws-cn' : 'aws';
  const regional = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  const region = regional?.[1] ?? (host === 'queue.amazonaws.com' ? 'us-east-1' : undefined);
  if (!region) return undefined;
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/**
 * Every partner of the registry, in its order, with the endpoints SNS delivers to: its own queue,
 * HTTPS URL or function from the registry, or the queue the stack made for it (from the manifest).
 */
export function partnerEndpoints(
  partners: readonly Partner[],
  queues: readonly ManifestQueue[],
): PartnerEndpoint[] {
  return partners.map((partner) => {
    const { delivery } = partner;
    let destinations: string[] = [];
    if (delivery.type === 'https') destinations = [delivery.endpoint];
    else if (delivery.type === 'lambda') destinations = [delivery.functionArn];
    else if (delivery.type === 'sqs' && delivery.queueArn) destinations = [delivery.queueArn];
    else if (delivery.type === 'sqs') {
      destinations = queues
        .filter((queue) => queue.role === 'partner' && queue.partner === partner.name)
        .flatMap((queue) => {
          const arn = queue.arn ?? queueArnOfUrl(queue.url);
          return arn ? [arn] : [];
        });
    }
    return { partner: partner.name, destinations };
  });
}

/**
 * The success log group SNS writes for each topic: `sns/REGION/ACCOUNT/TOPIC` (failures go to the same
 * name with `/Failure`).
 */
export function successLogGroupOf(topicArn: string): string {
  const [arn, partition, service, region, account, name] = topicArn.split(':');
  if (arn !== 'arn' || !partition || service !== 'sns' || !region || !account || !name)
    throw new DeliveryMetricsError(`not an SNS topic ARN: ${topicArn}`);
  return `sns/${region}/${account}/${name}`;
}

/**
 * The Powertools service name of a stage's functions, the `service` dimension of their metrics: the
 * stack names it `content-syndication-<stage>` (infra/stacks/syndication-stack.ts).
 */
export function serviceNameOf(stage: string): string {
  return `content-syndication-${stage}`;
}

/** SNS topic attributes that say which share of successful deliveries each protocol logs. */
const SAMPLE_RATE_ATTRIBUTES = [
  'SQSSuccessFeedbackSampleRate',
  'HTTPSuccessFeedbackSampleRate',
  'LambdaSuccessFeedbackSampleRate',
];

/**
 * The success sample rate the stack configured on its partner topics (one rate for every topic and
 * protocol: infra/constructs/delivery-status-logging.ts). A topic without delivery status logging
 * was deployed by a version without it.
 */
export async function successSampleRateOf(sns: Pick<SNSClient, 'send'>, topicArn: string): Promise<number> {
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  const rates = SAMPLE_RATE_ATTRIBUTES.map((name) => Attributes?.[name]).filter(
    (value): value is string => value !== undefined,
  );
  if (rates.length === 0)
    throw new DeliveryMetricsError(
      `topic ${topicArn} has no delivery status logging: the stack was deployed by an older version, redeploy it`,
    );
  return Math.max(...rates.map(Number));
}

/** Every topic partners subscribe to, once. */
export function partnerTopicArns(manifest: Pick<PipelineManifest, 'topicRoutes'>): string[] {
  return [...new Set(Object.values(manifest.topicRoutes).flat())].sort();
}

/**
 * The reader of a deployed stack's figures, from its manifest and the partner registry it was
 * deployed from: the partner topics' success log groups, the sample rate configured on them, the
 * stage's service name.
 */
export async function deliveryMetricsOfStack(input: {
  readonly manifest: Pick<PipelineManifest, 'topicRoutes' | 'queues' | 'stage'>;
  readonly partners: readonly Partner[];
  readonly sns: Pick<SNSClient, 'send'>;
  readonly cloudWatch: Pick<CloudWatchClient, 'send'>;
  readonly logs: Pick<CloudWatchLogsClient, 'send'>;
}): Promise<CloudWatchDeliveryMetrics> {
  const topics = partnerTopicArns(input.manifest);
  const [first] = topics;
  if (!first) throw new DeliveryMetricsError('the stack lists no partner topics');
  return new CloudWatchDeliveryMetrics({
    cloudWatch: input.cloudWatch,
    logs: input.logs,
    partners: partnerEndpoints(input.partners, input.manifest.queues),
    successLogGroups: topics.map(successLogGroupOf),
    successSampleRate: await successSampleRateOf(input.sns, first),
    namespace: METRICS_NAMESPACE,
    serviceName: serviceNameOf(input.manifest.stage),
  });
}

export interface CloudWatchDeliveryMetricsOptions {
  readonly cloudWatch: Pick<CloudWatchClient, 'send'>;
  readonly logs: Pick<CloudWatchLogsClient, 'send'>;
  readonly partners: readonly PartnerEndpoint[];
  /** The partner topics' success log groups (`successLogGroupOf`). */
  readonly successLogGroups: readonly string[];
  /** Percent of successful deliveries SNS logs (the topics' `*SuccessFeedbackSampleRate`). */
  readonly successSampleRate: number;
  /** Namespace of the pipeline's metrics, and the `service` dimension of this stage's functions. */
  readonly namespace: string;
  readonly serviceName: string;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a Logs Insights query may run before it is stopped and reported; 60 s unless said. */
  readonly queryTimeoutMs?: number;
  /** Pause between polls of a running query; 1 s unless said. */
  readonly pollIntervalMs?: number;
}

/** GetMetricData takes at most 500 queries per request. */
const QUERIES_PER_REQUEST = 500;
/** StartQuery takes at most 50 log groups. */
const LOG_GROUPS_PER_QUERY = 50;
/** The most rows a Logs Insights query returns. */
const QUERY_ROW_LIMIT = 10_000;
/** From S3 storing the object to publish: the pipeline's part of the upload-to-delivery time. */
const PUBLISH_LATENCY = 'UploadToPublishLatency';
const DELIVERY_FAILURES = 'DeliveryFailures';

/** A successful delivery as a log record, reduced to what the queries need. */
const SUCCESSES =
  'fields delivery.destination as destination, delivery.dwellTimeMs as dwell, toMillis(@timestamp) as at\n' +
  '| filter status = "SUCCESS"\n';

export const TOTALS_QUERY = `${SUCCESSES}| stats count(*) as logged, pct(dwell, 50) as p50, pct(dwell, 95) as p95, max(at) as last by destination`;

export function bucketsQuery(bucketSeconds: number): string {
  return `${SUCCESSES}| stats count(*) as logged, pct(dwell, 50) as p50, pct(dwell, 95) as p95 by destination, bin(${bucketSeconds}s)`;
}

interface DwellFigures {
  readonly logged: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly last?: number;
}

const numberOf = (value: string | undefined): number | null => {
  if (value === undefined || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

/** Logs Insights prints times as `YYYY-MM-DD HH:MM:SS.mmm`, in UTC. */
function insightsTime(value: string | undefined): number | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(value.trim());
  const parsed = match ? Date.parse(`${match[1]}T${match[2]}Z`) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
}

const fieldsOf = (row: readonly ResultField[]) =>
  new Map(row.map(({ field, value }) => [field ?? '', value ?? '']));

export class CloudWatchDeliveryMetrics implements DeliveryMetricsReader {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: CloudWatchDeliveryMetricsOptions) {
    const rate = options.successSampleRate;
    if (!(rate >= 0 && rate <= 100))
      throw new DeliveryMetricsError(`the success sample rate must be a percentage, not ${rate}`);
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = options.queryTimeoutMs ?? 60_000;
    this.pollMs = options.pollIntervalMs ?? 1_000;
  }

  async perPartner(window: DeliveryWindow): Promise<PartnerDeliveryFigures[]> {
    const { bucketSeconds } = window;
    if (!Number.isInteger(bucketSeconds) || bucketSeconds <= 0 || bucketSeconds % 60 !== 0)
      throw new DeliveryMetricsError(`buckets must be whole minutes in AWS, not ${bucketSeconds} s`);
    if (!(window.to.getTime() > window.from.getTime()))
      throw new DeliveryMetricsError('the window must end after it starts');
    const logging = this.options.successSampleRate > 0;
    // One bucket for the whole window (a total, as `syndicate status` asks): the logs are scanned once.
    const oneBucket = bucketSeconds * 1000 >= window.to.getTime() - window.from.getTime();
    const [metrics, totals, buckets] = await Promise.all([
      this.metricData(window, !oneBucket),
      logging ? this.dwellByDestination(TOTALS_QUERY, window) : new Map<string, DwellFigures>(),
      logging && !oneBucket
        ? this.dwellByDestination(bucketsQuery(bucketSeconds), window, `bin(${bucketSeconds}s)`)
        : new Map<string, DwellFigures>(),
    ]);
    const byDestination = new Map<string, Map<number, DwellFigures>>();
    for (const [key, figures] of buckets) {
      const [destination, start] = splitBucketKey(key);
      const starts = byDestination.get(destination) ?? new Map<number, DwellFigures>();
      starts.set(start, figures);
      byDestination.set(destination, starts);
    }
    return this.options.partners.map((endpoint) => {
      const figures = this.figuresOf(endpoint, metrics, totals, byDestination);
      if (!oneBucket) return figures;
      const { deliveries, failures, latency } = figures;
      const whole: DeliveryBucket = {
        start: window.from.getTime(),
        deliveries: deliveries ?? 0,
        failures,
        p50Ms: latency.p50Ms,
        p95Ms: latency.p95Ms,
      };
      return { ...figures, overTime: (deliveries ?? 0) + failures > 0 ? [whole] : [] };
    });
  }

  private figuresOf(
    { partner, destinations }: PartnerEndpoint,
    metrics: MetricFigures,
    totals: ReadonlyMap<string, DwellFigures>,
    buckets: ReadonlyMap<string, ReadonlyMap<number, DwellFigures>>,
  ): PartnerDeliveryFigures {
    const rate = this.options.successSampleRate;
    const scale = rate > 0 ? 100 / rate : 0;
    let failures = 0;
    const failuresAt = new Map<number, number>();
    for (const destination of destinations) {
      for (const [at, value] of metrics.failures.get(destination) ?? []) {
        failures += value;
        failuresAt.set(at, (failuresAt.get(at) ?? 0) + value);
      }
    }
    // A partner has one subscription, so one destination: its figures are that destination's.
    const dwell = destinations.map((destination) => totals.get(destination)).find(Boolean);
    const logged = destinations.reduce((sum, destination) => sum + (totals.get(destination)?.logged ?? 0), 0);
    const latency = {
      p50Ms: combined(dwell?.p50, metrics.publish.p50),
      p95Ms: combined(dwell?.p95, metrics.publish.p95),
      samples: logged,
    };
    const overTime = new Map<
      number,
      { deliveries: number; failures: number; p50Ms: number | null; p95Ms: number | null }
    >();
    for (const [at, value] of failuresAt)
      overTime.set(at, { deliveries: 0, failures: value, p50Ms: null, p95Ms: null });
    for (const destination of destinations) {
      for (const [start, figures] of buckets.get(destination) ?? []) {
        const bucket = overTime.get(start) ?? { deliveries: 0, failures: 0, p50Ms: null, p95Ms: null };
        const publish = metrics.publishByBucket.get(start);
        overTime.set(start, {
          ...bucket,
          deliveries: bucket.deliveries + Math.round(figures.logged * scale),
          p50Ms: combined(figures.p50, publish?.p50),
          p95Ms: combined(figures.p95, publish?.p95),
        });
      }
    }
    const last = destinations
      .map((destination) => totals.get(destination)?.last)
      .find((at) => at !== undefined);
    return {
      partner,
      deliveries: rate > 0 && destinations.length > 0 ? Math.round(logged * scale) : null,
      failures,
      latency,
      overTime: [...overTime]
        .sort(([a], [b]) => a - b)
        .map(([start, bucket]): DeliveryBucket => ({ start, ...bucket })),
      lastDelivery: last === undefined ? null : new Date(last).toISOString(),
      basis: this.basisOf(destinations.length > 0, logged),
    };
  }

  private basisOf(logged: boolean, samples: number): string {
    const rate = this.options.successSampleRate;
    if (!logged)
      return 'no delivery status logs: SNS logs no email deliveries, and this partner has no other endpoint';
    const failures = 'failures: every failed SNS delivery (metric DeliveryFailures by destination)';
    if (rate === 0)
      return `AWS: ${failures}; successes are not logged (sample rate 0%), so no deliveries or latency`;
    const deliveries =
      rate === 100
        ? 'deliveries: every success SNS logged'
        : `deliveries: the successes SNS logged (a ${rate}% sample) x ${Number((100 / rate).toFixed(2))}, an estimate`;
    return (
      `AWS: ${deliveries}; ${failures}; latency from upload to delivery: the pipeline's ` +
      `upload-to-publish percentile (${PUBLISH_LATENCY}, all partners) plus this partner's SNS dwell ` +
      `percentile over ${samples} logged success(es) (a sum of percentiles, not the percentile of the sums)`
    );
  }

  // --- GetMetricData ---------------------------------------------------------------------------------

  private async metricData(window: DeliveryWindow, perBucket: boolean): Promise<MetricFigures> {
    const { namespace, serviceName } = this.options;
    const destinations = [...new Set(this.options.partners.flatMap(({ destinations: list }) => list))];
    const seconds = (window.to.getTime() - window.from.getTime()) / 1000;
    const wholeWindow = Math.ceil(seconds / 60) * 60;
    const publishLatency = (id: string, stat: string, period: number): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: PUBLISH_LATENCY,
          Dimensions: [{ Name: 'service', Value: serviceName }],
        },
        Period: period,
        Stat: stat,
      },
    });
    const queries: MetricDataQuery[] = [
      publishLatency('publish_p50', 'p50', wholeWindow),
      publishLatency('publish_p95', 'p95', wholeWindow),
      ...(perBucket
        ? [
            publishLatency('bucket_p50', 'p50', window.bucketSeconds),
            publishLatency('bucket_p95', 'p95', window.bucketSeconds),
          ]
        : []),
      ...destinations.map(
        (destination, index): MetricDataQuery => ({
          Id: `failures_${index}`,
          MetricStat: {
            Metric: {
              Namespace: namespace,
              MetricName: DELIVERY_FAILURES,
              Dimensions: [{ Name: 'destination', Value: destination }],
            },
            Period: window.bucketSeconds,
            Stat: 'Sum',
          },
        }),
      ),
    ];
    const series = new Map<string, Map<number, number>>();
    for (let start = 0; start < queries.length; start += QUERIES_PER_REQUEST) {
      let NextToken: string | undefined;
      do {
        let answer: GetMetricDataCommandOutput;
        try {
          answer = await this.options.cloudWatch.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries.slice(start, start + QUERIES_PER_REQUEST),
              StartTime: window.from,
              EndTime: window.to,
              ...(NextToken ? { NextToken } : {}),
            }),
          );
        } catch (error) {
          throw new DeliveryMetricsError(`GetMetricData failed: ${(error as Error).message}`);
        }
        for (const result of answer.MetricDataResults ?? []) {
          const points = series.get(result.Id ?? '') ?? new Map<number, number>();
          (result.Timestamps ?? []).forEach((at, position) => {
            const value = result.Values?.[position];
            if (value !== undefined) points.set(new Date(at).getTime(), value);
          });
          series.set(result.Id ?? '', points);
        }
        NextToken = answer.NextToken;
      } while (NextToken);
    }
    // The window may span two of its own periods when it is not aligned: the larger is the safe one.
    const largest = (id: string) => {
      const values = [...(series.get(id)?.values() ?? [])];
      return values.length > 0 ? Math.max(...values) : null;
    };
    const publishByBucket = new Map<number, { p50: number | null; p95: number | null }>();
    for (const [id, key] of [
      ['bucket_p50', 'p50'],
      ['bucket_p95', 'p95'],
    ] as const) {
      for (const [at, value] of series.get(id) ?? []) {
        const entry = publishByBucket.get(at) ?? { p50: null, p95: null };
        publishByBucket.set(at, { ...entry, [key]: value });
      }
    }
    const failures = new Map<string, Map<number, number>>();
    destinations.forEach((destination, index) => {
      failures.set(destination, series.get(`failures_${index}`) ?? new Map());
    });
    return {
      publish: { p50: largest('publish_p50'), p95: largest('publish_p95') },
      publishByBucket,
      failures,
    };
  }

  // --- Logs Insights ---------------------------------------------------------------------------------

  /**
   * The query's rows by destination (and by bucket start, as `destination\nstart`, when `binField`
   * names the bin column). A destination's rows are all in one topic's log group (a partner
   * subscribes to one topic), so splitting the groups into several queries splits no destination.
   */
  private async dwellByDestination(
    query: string,
    window: DeliveryWindow,
    binField?: string,
  ): Promise<Map<string, DwellFigures>> {
    const groups = this.options.successLogGroups;
    const figures = new Map<string, DwellFigures>();
    for (let start = 0; start < groups.length; start += LOG_GROUPS_PER_QUERY) {
      const rows = await this.runQuery(query, groups.slice(start, start + LOG_GROUPS_PER_QUERY), window);
      for (const row of rows) {
        const fields = fieldsOf(row);
        const destination = fields.get('destination');
        const logged = numberOf(fields.get('logged'));
        if (!destination || logged === null) continue;
        let key = destination;
        if (binField) {
          const at = insightsTime(fields.get(binField));
          if (at === null) continue;
          key = bucketKey(destination, at);
        }
        const last = numberOf(fields.get('last'));
        figures.set(key, {
          logged,
          p50: numberOf(fields.get('p50')),
          p95: numberOf(fields.get('p95')),
          ...(last !== null ? { last } : {}),
        });
      }
    }
    return figures;
  }

  /** Runs one Logs Insights query to completion: polled, bounded in time, stopped when it overruns. */
  private async runQuery(
    queryString: string,
    logGroupNames: readonly string[],
    window: DeliveryWindow,
  ): Promise<ResultField[][]> {
    const { logs } = this.options;
    let queryId: string | undefined;
    try {
      ({ queryId } = await logs.send(
        new StartQueryCommand({
          logGroupNames: [...logGroupNames],
          queryString,
          startTime: Math.floor(window.from.getTime() / 1000),
          endTime: Math.ceil(window.to.getTime() / 1000),
          limit: QUERY_ROW_LIMIT,
        }),
      ));
    } catch (error) {
      throw new DeliveryMetricsError(
        `the Logs Insights query on ${logGroupNames.join(', ')} could not start: ${(error as Error).message}`,
      );
    }
    if (!queryId) throw new DeliveryMetricsError('StartQuery answered no query id');
    const deadline = this.now().getTime() + this.timeoutMs;
    for (;;) {
      let answer: GetQueryResultsCommandOutput;
      try {
        answer = await logs.send(new GetQueryResultsCommand({ queryId }));
      } catch (error) {
        throw new DeliveryMetricsError(`GetQueryResults of ${queryId} failed: ${(error as Error).message}`);
      }
      if (answer.status === 'Complete') return this.remainingPages(queryId, answer);
      if (answer.status !== 'Running' && answer.status !== 'Scheduled')
        throw new DeliveryMetricsError(
          `the Logs Insights query ${queryId} on ${logGroupNames.join(', ')} ended ${answer.status ?? 'with no status'}`,
        );
      if (this.now().getTime() >= deadline) {
        // Stopped so it scans (and bills) no further; a failure to stop changes nothing for the caller.
        await logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        throw new DeliveryMetricsError(
          `the Logs Insights query ${queryId} was still ${answer.status} after ${this.timeoutMs / 1000} s: stopped; try a shorter window`,
        );
      }
      await this.sleep(this.pollMs);
    }
  }

  private async remainingPages(
    queryId: string,
    first: { results?: ResultField[][]; nextToken?: string },
  ): Promise<ResultField[][]> {
    const rows = [...(first.results ?? [])];
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await this.options.logs.send(new GetQueryResultsCommand({ queryId, nextToken }));
      rows.push(...(page.results ?? []));
      nextToken = page.nextToken;
    }
    return rows;
  }
}

interface MetricFigures {
  readonly publish: { readonly p50: number | null; readonly p95: number | null };
  readonly publishByBucket: ReadonlyMap<number, { readonly p50: number | null; readonly p95: number | null }>;
  /** By destination: failures per bucket start (epoch ms). */
  readonly failures: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** The dwell percentile plus the pipeline's: null unless both were measured. */
function combined(dwell: number | null | undefined, publish: number | null | undefined): number | null {
  if (dwell === null || dwell === undefined || publish === null || publish === undefined) return null;
  return Math.round(dwell + publish);
}

const bucketKey = (destination: string, start: number) => `${destination}\n${start}`;

function splitBucketKey(key: string): [string, number] {
  const cut = key.lastIndexOf('\n');
  return [key.slice(0, cut), Number(key.slice(cut + 1))];
}
