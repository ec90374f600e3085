/**
 * The AWS reader of per-partner delivery figures, against CloudWatch and CloudWatch Logs faked at
 * `send`: the answers are written in the shapes AWS documents (GetMetricData `MetricDataResults` with
 * `Timestamps`/`Values`; GetQueryResults `status` and `results` as lists of `{field, value}`), and
 * every expected figure is worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  CloudWatchDeliveryMetrics,
  type CloudWatchDeliveryMetricsOptions,
  DeliveryMetricsError,
  deliveryMetricsOfStack,
  partnerEndpoints,
  queueArnOfUrl,
  successLogGroupOf,
} from '../../../shared/adapters/cloudwatch-delivery-metrics.js';
import type { Partner } from '../../../shared/partners/registry.js';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:syn-prod-all-news-wire';
const HTTPS = 'https://alerts.partner.example/syndication/sns';
const WINDOW = {
  from: new Date('2026-12-06T00:00:00Z'),
  to: new Date('2026-12-07T00:00:00Z'),
  bucketSeconds: 3600,
};
const TEN = new Date('2026-12-06T10:00:00Z');
const ELEVEN = new Date('2026-12-06T11:00:00Z');

const PARTNERS: Partner[] = [
  { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {}, payload: 'full' },
  { name: 'breaking-alerts', delivery: { type: 'https', endpoint: HTTPS }, filters: {}, payload: 'summary' },
  {
    name: 'desk-mailer',
    delivery: { type: 'email', address: 'desk@partner.example' },
    filters: {},
    payload: 'summary',
  },
];
const QUEUES = [
  {
    role: 'partner' as const,
    url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/syn-prod-all-news-wire',
    partner: 'all-news-wire',
  },
  {
    role: 'partner-dead-letter' as const,
    url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/syn-prod-all-news-wire-dlq',
    partner: 'all-news-wire',
  },
];

type Row = Record<string, string>;
const rows = (list: Row[]) =>
  list.map((row) => Object.entries(row).map(([field, value]) => ({ field, value })));

/** One series of GetMetricData's answer for a query, found by what it asks for (not by its id). */
function seriesFor(query: MetricDataQuery, bucketSeconds: number): { Timestamps: Date[]; Values: number[] } {
  const stat = query.MetricStat;
  const metric = stat?.Metric;
  const dimension = metric?.Dimensions?.[0];
  // The pipeline's part of the upload-to-delivery time: publish's upload-to-publish latency.
  if (metric?.MetricName === 'UploadToPublishLatency') {
    assert.deepEqual(metric.Dimensions, [{ Name: 'service', Value: 'content-syndication-prod' }]);
    if (stat?.Period === 86_400)
      return { Timestamps: [WINDOW.from], Values: [stat.Stat === 'p50' ? 850 : 2400] };
    assert.equal(stat?.Period, 3600);
    return { Timestamps: [TEN], Values: [stat?.Stat === 'p50' ? 800 : 2000] };
  }
  assert.equal(metric?.MetricName, 'DeliveryFailures');
  assert.equal(metric?.Namespace, 'ContentSyndication');
  assert.equal(dimension?.Name, 'destination');
  assert.equal(stat?.Stat, 'Sum');
  assert.equal(stat?.Period, bucketSeconds);
  if (dimension?.Value === HTTPS) return { Timestamps: [TEN, ELEVEN], Values: [3, 2] };
  return { Timestamps: [], Values: [] };
}

interface Fakes {
  readonly sent: { name: string; input: Record<string, unknown> }[];
  readonly options: CloudWatchDeliveryMetricsOptions;
  readonly clock: { now: number };
}

function fakes(
  overrides: Partial<CloudWatchDeliveryMetricsOptions> & {
    statuses?: string[];
    bucketSeconds?: number;
    totals?: Row[];
    buckets?: Row[];
  } = {},
): Fakes {
  const sent: Fakes['sent'] = [];
  const clock = { now: Date.parse('2026-12-07T00:00:05Z') };
  const statuses = new Map<string, string[]>();
  const cloudWatch = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      const queries = command.input.MetricDataQueries as MetricDataQuery[];
      return {
        MetricDataResults: queries.map((query) => ({
          Id: query.Id,
          Label: query.Id,
          StatusCode: 'Complete',
          ...seriesFor(query, overrides.bucketSeconds ?? 3600),
        })),
        Messages: [],
      };
    },
  } as unknown as CloudWatchClient;
  const logs = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      const { name } = command.constructor;
      if (name === 'StartQueryCommand') {
        const queryId = String(command.input.queryString).includes('bin(') ? 'q-buckets' : 'q-totals';
        statuses.set(queryId, [...(overrides.statuses ?? ['Running', 'Complete'])]);
        return { queryId };
      }
      if (name === 'StopQueryCommand') return { success: true };
      const queryId = String(command.input.queryId);
      const queue = statuses.get(queryId) ?? [];
      const status = queue.length > 1 ? (queue.shift() as string) : (queue[0] as string);
      const results =
        status !== 'Complete'
          ? []
          : queryId === 'q-totals'
            ? rows(overrides.totals ?? TOTALS)
            : rows(overrides.buckets ?? BUCKETS);
      return {
        results,
        statistics: { recordsMatched: 47, recordsScanned: 47, bytesScanned: 61_234 },
        status,
      };
    },
  } as unknown as CloudWatchLogsClient;
  const options: CloudWatchDeliveryMetricsOptions = {
    cloudWatch,
    logs,
    partners: partnerEndpoints(PARTNERS, QUEUES),
    successLogGroups: ['sns/eu-west-1/123456789012/syn-prod-articles'],
    successSampleRate: 10,
    namespace: 'ContentSyndication',
    serviceName: 'content-syndication-prod',
    now: () => new Date(clock.now),
    sleep: async (ms) => {
      clock.now += ms;
    },
    ...overrides,
  };
  return { sent, options, clock };
}

/** Logged successes in the window, as the totals query answers (times from `toMillis`). */
const TOTALS: Row[] = [
  { destination: QUEUE_ARN, logged: '40', p50: '120', p95: '480.5', last: '1796551234567' },
  { destination: HTTPS, logged: '7', p50: '310', p95: '900', last: '1796547600000' },
  // A partner no longer in the registry: ignored.
  {
    destination: 'arn:aws:sqs:eu-west-1:123456789012:syn-prod-gone',
    logged: '3',
    p50: '1',
    p95: '1',
    last: '1',
  },
];
/** The same per hour (Logs Insights prints `bin()` as `YYYY-MM-DD HH:MM:SS.mmm`, UTC). */
const BUCKETS: Row[] = [
  { destination: QUEUE_ARN, 'bin(3600s)': '2026-12-06 10:00:00.000', logged: '4', p50: '100', p95: '200' },
  { destination: HTTPS, 'bin(3600s)': '2026-12-06 10:00:00.000', logged: '1', p50: '300', p95: '300' },
];

describe('CloudWatch delivery figures', () => {
  test('per partner: deliveries scaled from the 10% sample, failures by destination, latency as a sum', async () => {
    const { options, sent } = fakes();
    const figures = await new CloudWatchDeliveryMetrics(options).perPartner(WINDOW);
    assert.deepEqual(
      figures.map((figure) => figure.partner),
      ['all-news-wire', 'breaking-alerts', 'desk-mailer'],
    );
    const [wire, alerts, mailer] = figures;
    // 40 logged at 10% = 400; p50 120 + 850 = 970; p95 480.5 + 2400 = 2880.5, rounded 2881.
    assert.equal(wire?.deliveries, 400);
    assert.equal(wire?.failures, 0);
    assert.deepEqual(wire?.latency, { p50Ms: 970, p95Ms: 2881, samples: 40 });
    assert.equal(wire?.lastDelivery, '2026-12-06T10:00:34.567Z');
    // 10:00: 4 logged = 40 deliveries, p50 100 + 800, p95 200 + 2000.
    assert.deepEqual(wire?.overTime, [
      { start: TEN.getTime(), deliveries: 40, failures: 0, p50Ms: 900, p95Ms: 2200 },
    ]);
    // 7 logged = 70; failures 3 + 2; p50 310 + 850; p95 900 + 2400.
    assert.equal(alerts?.deliveries, 70);
    assert.equal(alerts?.failures, 5);
    assert.deepEqual(alerts?.latency, { p50Ms: 1160, p95Ms: 3300, samples: 7 });
    assert.equal(alerts?.lastDelivery, '2026-12-06T09:00:00.000Z');
    assert.deepEqual(alerts?.overTime, [
      { start: TEN.getTime(), deliveries: 10, failures: 3, p50Ms: 1100, p95Ms: 2300 },
      { start: ELEVEN.getTime(), deliveries: 0, failures: 2, p50Ms: null, p95Ms: null },
    ]);
    assert.equal(
      alerts?.basis,
      'AWS: deliveries: the successes SNS logged (a 10% sample) x 10, an estimate; failures: every failed ' +
        'SNS delivery (metric DeliveryFailures by destination); latency from upload to delivery: the ' +
        "pipeline's upload-to-publish percentile (UploadToPublishLatency, all partners) plus this partner's " +
        'SNS dwell percentile over 7 logged success(es) (a sum of percentiles, not the percentile of the sums)',
    );
    // SNS does not log email deliveries: nothing measured but failures (none).
    assert.deepEqual(
      { deliveries: mailer?.deliveries, failures: mailer?.failures, latency: mailer?.latency },
      { deliveries: null, failures: 0, latency: { p50Ms: null, p95Ms: null, samples: 0 } },
    );
    assert.match(mailer?.basis ?? '', /email/);

    const starts = sent.filter(({ name }) => name === 'StartQueryCommand').map(({ input }) => input);
    assert.equal(starts.length, 2);
    for (const start of starts) {
      assert.deepEqual(start.logGroupNames, ['sns/eu-west-1/123456789012/syn-prod-articles']);
      // StartQuery times are epoch seconds.
      assert.equal(start.startTime, 1796515200);
      assert.equal(start.endTime, 1796601600);
      assert.match(String(start.queryString), /filter status = "SUCCESS"/);
    }
    // Polled until complete: Running, then Complete, for each query.
    assert.equal(sent.filter(({ name }) => name === 'GetQueryResultsCommand').length, 4);
    const metricRequests = sent.filter(({ name }) => name === 'GetMetricDataCommand');
    assert.equal(metricRequests.length, 1);
    assert.deepEqual(metricRequests[0]?.input.StartTime, WINDOW.from);
  });

  test('one bucket for the whole window: the logs are scanned once, the totals are the bucket', async () => {
    const { options, sent } = fakes({ bucketSeconds: 86_400 });
    const [wire, alerts] = await new CloudWatchDeliveryMetrics(options).perPartner({
      ...WINDOW,
      bucketSeconds: 86_400,
    });
    assert.equal(sent.filter(({ name }) => name === 'StartQueryCommand').length, 1);
    assert.deepEqual(wire?.overTime, [
      { start: WINDOW.from.getTime(), deliveries: 400, failures: 0, p50Ms: 970, p95Ms: 2881 },
    ]);
    assert.deepEqual(alerts?.overTime, [
      { start: WINDOW.from.getTime(), deliveries: 70, failures: 5, p50Ms: 1160, p95Ms: 3300 },
    ]);
  });

  test('GetMetricData is asked at most 500 queries a request', async () => {
    const many: Partner[] = Array.from({ length: 600 }, (_, n) => ({
      name: `partner-${n}`,
      delivery: { type: 'https', endpoint: `https://p${n}.partner.example/sns` },
      filters: {},
      payload: 'full',
    }));
    const { options, sent } = fakes({ partners: partnerEndpoints(many, []) });
    const figures = await new CloudWatchDeliveryMetrics(options).perPartner(WINDOW);
    assert.equal(figures.length, 600);
    const sizes = sent
      .filter(({ name }) => name === 'GetMetricDataCommand')
      .map(({ input }) => (input.MetricDataQueries as unknown[]).length);
    // 600 failure series + 4 latency series = 604 queries: 500 + 104.
    assert.deepEqual(sizes, [500, 104]);
  });

  test('a failed query is a clear error', async () => {
    const { options } = fakes({ statuses: ['Running', 'Failed'] });
    await assert.rejects(
      new CloudWatchDeliveryMetrics(options).perPartner(WINDOW),
      (error: Error) => error instanceof DeliveryMetricsError && /ended Failed/.test(error.message),
    );
  });

  test('a query still running after the bound is stopped and reported', async () => {
    const { options, sent } = fakes({ statuses: ['Running'], queryTimeoutMs: 30_000, pollIntervalMs: 5_000 });
    await assert.rejects(
      new CloudWatchDeliveryMetrics(options).perPartner(WINDOW),
      (error: Error) =>
        error instanceof DeliveryMetricsError && /still Running after 30 s: stopped/.test(error.message),
    );
    assert.ok(sent.some(({ name }) => name === 'StopQueryCommand'));
  });

  test('with no successes logged (sample rate 0) only failures are read', async () => {
    const { options, sent } = fakes({ successSampleRate: 0 });
    const [wire, alerts] = await new CloudWatchDeliveryMetrics(options).perPartner(WINDOW);
    assert.equal(sent.filter(({ name }) => name === 'StartQueryCommand').length, 0);
    assert.equal(wire?.deliveries, null);
    assert.deepEqual(alerts?.latency, { p50Ms: null, p95Ms: null, samples: 0 });
    assert.equal(alerts?.failures, 5);
    assert.match(alerts?.basis ?? '', /sample rate 0%/);
  });

  test('buckets that are not whole minutes are refused (CloudWatch periods are)', async () => {
    const { options } = fakes();
    await assert.rejects(
      new CloudWatchDeliveryMetrics(options).perPartner({ ...WINDOW, bucketSeconds: 90 }),
      DeliveryMetricsError,
    );
  });
});

describe("a stack's reader", () => {
  test("reads the partner topics' success log groups at the topics' sample rate, the stage's service", async () => {
    const { options, sent } = fakes();
    // GetTopicAttributes answers every attribute as a string.
    const sns = {
      send: async () => ({
        Attributes: { SQSSuccessFeedbackSampleRate: '10', HTTPSuccessFeedbackSampleRate: '10' },
      }),
    } as unknown as SNSClient;
    const reader = await deliveryMetricsOfStack({
      manifest: {
        stage: 'prod',
        queues: QUEUES,
        topicRoutes: {
          full: ['arn:aws:sns:eu-west-1:123456789012:syn-prod-articles'],
          summary: ['arn:aws:sns:eu-west-1:123456789012:syn-prod-summaries'],
        },
      },
      partners: PARTNERS,
      sns,
      cloudWatch: options.cloudWatch,
      logs: options.logs,
    });
    const [wire] = await reader.perPartner(WINDOW);
    assert.equal(wire?.deliveries, 400);
    const start = sent.find(({ name }) => name === 'StartQueryCommand');
    assert.deepEqual(start?.input.logGroupNames, [
      'sns/eu-west-1/123456789012/syn-prod-articles',
      'sns/eu-west-1/123456789012/syn-prod-summaries',
    ]);
  });
});

describe('destinations as SNS delivery logs name them', () => {
  test('a queue URL becomes its ARN', () => {
    assert.equal(
      queueArnOfUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/syn-prod-all-news-wire'),
      'arn:aws:sqs:eu-west-1:123456789012:syn-prod-all-news-wire',
    );
    assert.equal(
      queueArnOfUrl('https://queue.amazonaws.com/123456789012/legacy'),
      'arn:aws:sqs:us-east-1:123456789012:legacy',
    );
    assert.equal(
      queueArnOfUrl('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q'),
      'arn:aws-cn:sqs:cn-north-1:123456789012:q',
    );
    assert.equal(queueArnOfUrl('http://127.0.0.1:4566/000000000000/q'), undefined);
  });

  test('each partner: its own queue, URL or function, or the queue the stack made', () => {
    const partners: Partner[] = [
      ...PARTNERS,
      {
        name: 'own-queue',
        delivery: { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:210987654321:theirs' },
        filters: {},
        payload: 'full',
      },
      {
        name: 'their-lambda',
        delivery: {
          type: 'lambda',
          functionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:ingest',
          accountId: '210987654321',
        },
        filters: {},
        payload: 'full',
      },
    ];
    assert.deepEqual(partnerEndpoints(partners, QUEUES), [
      { partner: 'all-news-wire', destinations: [QUEUE_ARN] },
      { partner: 'breaking-alerts', destinations: [HTTPS] },
      { partner: 'desk-mailer', destinations: [] },
      { partner: 'own-queue', destinations: ['arn:aws:sqs:eu-west-1:210987654321:theirs'] },
      { partner: 'their-lambda', destinations: ['arn:aws:lambda:eu-west-1:210987654321:function:ingest'] },
    ]);
  });

  test('the success log group of a topic is sns/REGION/ACCOUNT/TOPIC', () => {
    assert.equal(
      successLogGroupOf('arn:aws:sns:eu-west-1:123456789012:syn-prod-articles'),
      'sns/eu-west-1/123456789012/syn-prod-articles',
    );
    assert.throws(() => successLogGroupOf('arn:aws:sqs:eu-west-1:123456789012:q'), DeliveryMetricsError);
  });
});
