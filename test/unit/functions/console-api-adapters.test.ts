/**
 * The console function's adapters that the emulators cannot exercise: the alarms (no CloudWatch
 * emulator: a stub client answering DescribeAlarms in the documented shape, pages and all) and the
 * bounds of the article list over the in-memory feed index.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarms, RecentArticleHeads, summariseAlarms } from '../../../functions/aws/console-api.js';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../../shared/adapters/memory/in-memory.js';
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
