import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatPartnerTable,
  partnerRowsFromConsole,
  partnerRowsFromQueues,
} from '../../../cli/partner-table.js';

/** Two partners as the console's GET /api/partners answers them (fields status does not read trimmed). */
const CONSOLE_ANSWER = [
  {
    name: 'all-news-wire',
    payload: 'full',
    deliveries: 2,
    failures: 0,
    latency: { samples: 2, p50Ms: 412, p95Ms: 1530, bucketSeconds: 60, overTime: [] },
    recent: [
      { partner: 'all-news-wire', receivedAt: '2026-12-07T22:31:05.250Z', latencyMs: 1530 },
      { partner: 'all-news-wire', receivedAt: '2026-12-07T22:31:02.004Z', latencyMs: 412 },
    ],
  },
  {
    name: 'breaking-alerts',
    payload: 'summary',
    deliveries: 0,
    failures: 3,
    latency: { samples: 0, p50Ms: null, p95Ms: null, bucketSeconds: 60, overTime: [] },
    recent: [],
  },
];

describe('syndicate status: the per-partner table', () => {
  test("reads the console's answer: counts, percentiles, the newest delivery's time", () => {
    assert.deepEqual(partnerRowsFromConsole(CONSOLE_ANSWER), [
      {
        partner: 'all-news-wire',
        payload: 'full',
        deliveries: 2,
        failures: 0,
        latency: { p50Ms: 412, p95Ms: 1530 },
        lastDeliveryAt: '2026-12-07T22:31:05.250Z',
      },
      {
        partner: 'breaking-alerts',
        payload: 'summary',
        deliveries: 0,
        failures: 3,
        latency: { p50Ms: null, p95Ms: null },
        lastDeliveryAt: null,
      },
    ]);
  });

  test('local figures: aligned columns, – where nothing was delivered', () => {
    assert.deepEqual(formatPartnerTable(partnerRowsFromConsole(CONSOLE_ANSWER)), [
      'partner          payload  deliveries  failures  p50 ms  p95 ms  last delivery',
      'all-news-wire    full              2         0     412    1530  2026-12-07T22:31:05.250Z',
      'breaking-alerts  summary           0         3       –       –  –',
    ]);
  });

  test('a stack: failures from both dead-letter queues of each partner, the rest n/a and why', () => {
    const rows = partnerRowsFromQueues(
      [
        { role: 'ingest', visible: 40, inFlight: 2 },
        { role: 'partner', partner: 'sports-desk', visible: 7, inFlight: 1 },
        { role: 'partner-dead-letter', partner: 'sports-desk', visible: 2, inFlight: 1 },
        { role: 'delivery-dead-letter', partner: 'sports-desk', visible: 4, inFlight: 0 },
        { role: 'delivery-dead-letter', partner: 'gone-partner', visible: 0, inFlight: 0 },
      ],
      (name) => (name === 'sports-desk' ? 'full' : undefined),
    );
    assert.deepEqual(formatPartnerTable(rows), [
      'partner       payload  deliveries  failures  p50 ms  p95 ms  last delivery',
      'sports-desk   full            n/a         7     n/a     n/a  n/a',
      'gone-partner  unknown         n/a         0     n/a     n/a  n/a',
      'deliveries, latency, last delivery: n/a (per-partner delivery metrics are not deployed yet)',
    ]);
  });

  test('an answer from a console of another version is refused, naming what is wrong', () => {
    assert.throws(() => partnerRowsFromConsole({ partners: [] }), /the partners answer is not a list/);
    assert.throws(
      () => partnerRowsFromConsole([{ ...CONSOLE_ANSWER[0], deliveries: '2' }]),
      /partner 'all-news-wire': deliveries and failures must be counts/,
    );
    assert.throws(
      () => partnerRowsFromConsole([{ ...CONSOLE_ANSWER[1], latency: { p50Ms: -1, p95Ms: null } }]),
      /partner 'breaking-alerts': latency p50Ms and p95Ms must be milliseconds or null/,
    );
  });

  test('no partners', () => {
    assert.deepEqual(formatPartnerTable([]), ['no partners']);
  });
});
