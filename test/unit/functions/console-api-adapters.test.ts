/**
 * The console function's adapters that the emulators cannot exercise: the alarms (no CloudWatch
 * emulator: a stub client answering DescribeAlarms in the documented shape, pages and all) and the
 * bounds of the article list over the in-memory feed index.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchAlarms,
  RecentArticleHeads,
  RecentDeliveryFigures,
  stackDeliveryMetrics,
  summariseAlarms,
} from '../../../functions/aws/console-api.js';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../../shared/adapters/memory/in-memory.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';
import { consoleApi } from '../../../shared/pipeline/description.js';
import { loadSettings } from '../../../shared/pipeline/settings.js';
import type { DeliveryWindow, PartnerDeliveryFigures } from '../../../shared/ports/delivery-metrics.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';

const DAY = 86_400_000;

describe('stack alarms from DescribeAlarms', () => {
  test('every page is read; the alarms in ALARM are named first', async () => {
    const inputs: Record<string, unknown>[] = [];
    const pages = [
      {
        MetricAlarms: [
          {
            AlarmName: 'Prod-PublishErrors',
            StateValue: 'OK',
            StateReason: 'Threshold Crossed: no datapoints',
          },
        ],
        CompositeAlarms: [],
        NextToken: 'page-2',
      },
      {
        MetricAlarms: [
          {
            AlarmName: 'Prod-IngestDlqNotEmpty',
            StateValue: 'ALARM',
            StateReason:
              'Threshold Crossed: 1 datapoint [4.0] was greater than or equal to the threshold (1.0).',
            StateUpdatedTimestamp: new Date('2026-12-07T23:41:00Z'),
          },
        ],
        CompositeAlarms: [
          { AlarmName: 'Prod-PipelineDegraded', StateValue: 'INSUFFICIENT_DATA', StateReason: 'Unchecked' },
        ],
      },
    ];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        inputs.push(command.input);
        return pages[inputs.length - 1];
      },
    } as unknown as CloudWatchClient;
    const summary = await new CloudWatchAlarms(client, 'Prod-').summary();
    assert.deepEqual(
      inputs.map((input) => [input.AlarmNamePrefix, input.NextToken]),
      [
        ['Prod-', undefined],
        ['Prod-', 'page-2'],
      ],
    );
    assert.equal(summary.state, '1 in ALARM');
    assert.equal(summary.detail, 'Prod-IngestDlqNotEmpty');
    assert.deepEqual(
      summary.alarms?.map((alarm) => [alarm.name, alarm.state, alarm.updatedAt]),
      [
        ['Prod-IngestDlqNotEmpty', 'ALARM', '2026-12-07T23:41:00.000Z'],
        ['Prod-PipelineDegraded', 'INSUFFICIENT_DATA', null],
        ['Prod-PublishErrors', 'OK', null],
      ],
    );
  });

  test('all quiet, some without data, none at all: each said in words', () => {
    const alarm = (name: string, state: string) => ({ name, state, reason: '', updatedAt: null });
    assert.deepEqual(
      [
        summariseAlarms([alarm('S-A', 'OK'), alarm('S-B', 'OK')], 'S-'),
        summariseAlarms([alarm('S-A', 'OK'), alarm('S-B', 'INSUFFICIENT_DATA')], 'S-'),
        summariseAlarms([], 'S-'),
      ].map(({ state, detail }) => [state, detail]),
      [
        ['OK', '2 alarms'],
        ['OK', '2 alarms, 1 with insufficient data'],
        ['none found', 'no CloudWatch alarm is named S-…'],
      ],
    );
  });
});

describe('the article list in AWS: the newest feed entries and the withheld articles', () => {
  test('each article once at its newest version; nothing older than the reach; at most `entries` read', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const index = new InMemoryArticleIndex(() => clock);
    const objects = new InMemoryObjectStore();
    const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
    const drop = async (key: string, text: string, sequencer: string) => {
      objects.put('ingest', { key, bytes: Buffer.from(text) });
      await ingestObject(deps, { bucket: 'ingest', key, sequencer });
    };
    await drop('wire/old.txt', 'Old story\n\nWritten ten days before the list is read.', '01');
    clock += 8 * DAY;
    await drop('wire/story.txt', 'A story\n\nFirst text.', '01');
    clock += 60_000;
    await drop('wire/story.txt', 'A story\n\nCorrected text.', '02');
    clock += 60_000;
    await drop('wire/other.txt', 'Another story\n\nText.', '01');
    clock += 2 * DAY;
    const now = () => new Date(clock);
    const week = new RecentArticleHeads(index, now, { entries: 300, reachMs: 7 * DAY, withheld: 100 });
    const { items, basis } = await week.heads();
    assert.deepEqual(
      items.map((head) => [head.uri, head.version]),
      [
        ['urn:syndicate:wire/other.txt', 1],
        ['urn:syndicate:wire/story.txt', 2],
      ],
    );
    assert.equal(
      basis,
      'the articles of the newest 300 changes sent to partners in the last 7 days, and up to 100 withheld articles: older articles are found by uri (syndicate show)',
    );
    // A reach of 30 days takes the old article in; a bound of 1 entry leaves only the newest change.
    const month = new RecentArticleHeads(index, now, { entries: 300, reachMs: 30 * DAY, withheld: 100 });
    assert.equal((await month.heads()).items.length, 3);
    const one = new RecentArticleHeads(index, now, { entries: 1, reachMs: 30 * DAY, withheld: 100 });
    assert.deepEqual(
      (await one.heads()).items.map((head) => [head.uri, head.version]),
      [['urn:syndicate:wire/other.txt', 1]],
    );
  });
});

describe('delivery figures in AWS: one read a minute, however often the page polls', () => {
  const figures = (deliveries: number): PartnerDeliveryFigures[] => [
    {
      partner: 'all-news-wire',
      deliveries,
      failures: 0,
      latency: { p50Ms: null, p95Ms: null, samples: 0 },
      overTime: [],
      lastDelivery: null,
      basis: 'AWS: test',
    },
  ];
  const windowAt = (now: Date, bucketSeconds = 900): DeliveryWindow => ({
    from: new Date(now.getTime() - DAY),
    to: now,
    bucketSeconds,
  });

  test('polls within 60 seconds share a read; the 60th second reads again; another bucket width reads', async () => {
    let clock = new Date('2026-12-08T00:00:00Z');
    const windows: DeliveryWindow[] = [];
    const reader = new RecentDeliveryFigures(
      {
        perPartner: async (window) => {
          windows.push(window);
          return figures(windows.length);
        },
      },
      () => clock,
    );
    const first = await reader.perPartner(windowAt(clock));
    clock = new Date('2026-12-08T00:00:02Z');
    const second = await reader.perPartner(windowAt(clock));
    clock = new Date('2026-12-08T00:00:59.999Z');
    const third = await reader.perPartner(windowAt(clock));
    assert.equal(windows.length, 1);
    assert.deepEqual(
      [first, second, third].map((answer) => answer[0]?.deliveries),
      [1, 1, 1],
    );
    clock = new Date('2026-12-08T00:01:00Z');
    assert.equal((await reader.perPartner(windowAt(clock)))[0]?.deliveries, 2);
    assert.equal(windows[1]?.to.toISOString(), '2026-12-08T00:01:00.000Z');
    assert.equal((await reader.perPartner(windowAt(clock, 60)))[0]?.deliveries, 3);
  });

  test('requests during a read wait for it; a failed read is not kept', async () => {
    const clock = new Date('2026-12-08T00:00:00Z');
    let calls = 0;
    let fail = true;
    const reader = new RecentDeliveryFigures(
      {
        perPartner: async () => {
          calls++;
          await new Promise((resolve) => setImmediate(resolve));
          if (fail) throw new Error('the Logs Insights query was still Running after 20 s: stopped');
          return figures(calls);
        },
      },
      () => clock,
    );
    const together = await Promise.allSettled([
      reader.perPartner(windowAt(clock)),
      reader.perPartner(windowAt(clock)),
    ]);
    assert.equal(calls, 1);
    assert.deepEqual(
      together.map((outcome) => outcome.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal((await reader.perPartner(windowAt(clock)))[0]?.deliveries, 2);
  });
});

describe('delivery figures of the deployed stack, from what the function is deployed with', () => {
  test('queries the success log groups of its topics and scales logged successes by 100 / the sample rate', async () => {
    const settings = loadSettings(consoleApi.settings, {
      TABLE_NAME: 'Syndication-prod-ArticlesTable',
      CONTENT_BUCKET: 'syndication-prod-content',
      QUARANTINE_BUCKET: 'syndication-prod-quarantine',
      TOPIC_ROUTES: JSON.stringify({
        full: ['arn:aws:sns:eu-west-1:123456789012:Syndication-prod-ArticlesTopic'],
        summary: ['arn:aws:sns:eu-west-1:123456789012:Syndication-prod-SummaryTopic'],
      }),
      PIPELINE_QUEUES: '[]',
      QUEUE_URL_PREFIX: 'https://sqs.eu-west-1.amazonaws.com/123456789012/',
      ALARM_NAME_PREFIX: 'Syndication-prod-',
      STACK_NAME: 'Syndication-prod',
      CONFIRMATION_KEY: '8f0c1e2a-1234-11ef-9a3b-0a1b2c3d4e5f',
      CONTENT_LINK_EXPIRY_SECONDS: '21600',
      DELIVERY_LOG_SAMPLE_RATE: '25',
    });
    const partners = parsePartnerRegistry({
      partners: [{ name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} }],
    });
    // SNS logs the endpoint as the queue's ARN; the stack names the queue syn-<stage>-<partner>.
    const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:syn-prod-all-news-wire';
    const started: { logGroupNames?: string[] }[] = [];
    const logs = {
      send: async (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
        if (command.constructor.name === 'StartQueryCommand') {
          started.push(command.input as { logGroupNames?: string[] });
          return { queryId: `query-${started.length}` };
        }
        return {
          status: 'Complete',
          results: [
            [
              { field: 'destination', value: queueArn },
              { field: 'logged', value: '3' },
              { field: 'p50', value: '40' },
              { field: 'p95', value: '90' },
              { field: 'last', value: '1796688000000' },
            ],
          ],
        };
      },
    };
    const cloudWatch = { send: async () => ({ MetricDataResults: [] }) };
    const reader = stackDeliveryMetrics(
      settings,
      { stage: 'prod', partners },
      {
        cloudWatch: cloudWatch as unknown as CloudWatchClient,
        logs: logs as unknown as Parameters<typeof stackDeliveryMetrics>[2]['logs'],
      },
    );
    const now = new Date('2026-12-08T00:00:00Z');
    const [figures] = await reader.perPartner({
      from: new Date(now.getTime() - DAY),
      to: now,
      bucketSeconds: 86_400,
    });
    assert.deepEqual(started[0]?.logGroupNames, [
      'sns/eu-west-1/123456789012/Syndication-prod-ArticlesTopic',
      'sns/eu-west-1/123456789012/Syndication-prod-SummaryTopic',
    ]);
    assert.equal(figures?.partner, 'all-news-wire');
    // 3 logged successes at a 25% sample: 12 deliveries, an estimate.
    assert.equal(figures?.deliveries, 12);
    assert.match(figures?.basis ?? '', /a 25% sample\) x 4, an estimate/);
  });
});
