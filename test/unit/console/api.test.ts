/**
 * The console service (shared/console/api.ts) over fakes of its ports: the sample wire article
 * ingested into the in-memory index, a registry of five partners, queues by role as a manifest lists
 * them. Checks what AWS answers where nothing records deliveries (routed partners, said so), what a
 * delivery log changes, and the actions through the redrive and replay use cases.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import {
  type ApiError,
  type ConsoleDependencies,
  ConsoleService,
  type DeliveryLog,
  ROUTED_BASIS,
} from '../../../shared/console/api.js';
import type { OutboundMessage } from '../../../shared/domain/message.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';
import type { ManifestQueue } from '../../../shared/pipeline/manifest.js';
import type { DeliveryWindow, PartnerDeliveryFigures } from '../../../shared/ports/delivery-metrics.js';
import type { Letter, MessageQueues } from '../../../shared/ports/message-queues.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const URI = 'urn:syndicate:wire/story.txt';
const Q = 'https://sqs.eu-west-1.amazonaws.com/123456789012/';

const PARTNERS = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    // The sample article is tagged medtop:16000000 (conflict, war and peace) and medtop:04000000.
    { name: 'conflict-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:16000000'] } },
    { name: 'sports-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
    { name: 'french-wire', delivery: { type: 'sqs' }, filters: { languages: ['fr'] } },
    {
      name: 'alerts',
      delivery: { type: 'https', endpoint: 'https://alerts.partner.example/sns' },
      filters: {},
      payload: 'summary',
    },
  ],
});

const QUEUES: ManifestQueue[] = [
  { role: 'ingest', url: `${Q}ingest`, deadLetterQueueUrl: `${Q}ingest-dlq` },
  { role: 'ingest-dead-letter', url: `${Q}ingest-dlq` },
  { role: 'stream-failures', url: `${Q}stream-dlq` },
  {
    role: 'partner',
    url: `${Q}syn-dev-everything`,
    partner: 'everything',
    deadLetterQueueUrl: `${Q}syn-dev-everything-dlq`,
  },
  { role: 'partner-dead-letter', url: `${Q}syn-dev-everything-dlq`, partner: 'everything' },
  { role: 'delivery-dead-letter', url: `${Q}syn-dev-alerts-delivery-dlq`, partner: 'alerts' },
];

/** Queues in memory: receive hides nothing (tests run one action at a time). */
class FakeQueues implements MessageQueues {
  readonly messages = new Map<string, Letter[]>();
  put(queue: string, body: string) {
    const letters = this.messages.get(queue) ?? [];
    letters.push({ id: `m${letters.length + 1}`, body, attributes: {}, receipt: `r${letters.length + 1}` });
    this.messages.set(queue, letters);
  }
  async receive(queue: string, max: number) {
    return (this.messages.get(queue) ?? []).slice(0, max);
  }
  async send(queue: string, letters: readonly Letter[]) {
    for (const letter of letters) this.put(queue, letter.body);
    return { failedIds: [] };
  }
  async delete(queue: string, letters: readonly Letter[]) {
    const ids = new Set(letters.map((letter) => letter.id));
    this.messages.set(
      queue,
      (this.messages.get(queue) ?? []).filter((letter) => !ids.has(letter.id)),
    );
  }
}

async function world(
  options: { log?: DeliveryLog; figures?: PartnerDeliveryFigures[]; redriveLimit?: number } = {},
) {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const quarantine = new InMemoryQuarantine();
  let clock = Date.parse('2026-12-01T10:00:00Z');
  // Each call is one second later, so versions get distinct times.
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  const ingest = { objects, index, quarantine, now };
  objects.put('ingest', { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
  await ingestObject(ingest, { bucket: 'ingest', key: 'wire/story.txt', sequencer: '01' });
  objects.put('ingest', { key: 'wire/blank.txt', bytes: Buffer.from('   ') });
  await ingestObject(ingest, { bucket: 'ingest', key: 'wire/blank.txt', sequencer: '01' });
  const queues = new FakeQueues();
  const notifier = new InMemoryNotifier();
  const partnerNotifiers = new Map<string, InMemoryNotifier>();
  const windows: DeliveryWindow[] = [];
  const depths: Record<string, { waiting: number; inFlight: number }> = {
    [`${Q}ingest`]: { waiting: 4, inFlight: 1 },
    [`${Q}ingest-dlq`]: { waiting: 2, inFlight: 0 },
    [`${Q}syn-dev-everything`]: { waiting: 7, inFlight: 3 },
    [`${Q}syn-dev-everything-dlq`]: { waiting: 1, inFlight: 0 },
  };
  const deps: ConsoleDependencies = {
    index,
    articleHeads: {
      heads: async () => ({ items: [...index.heads.values()], basis: 'the newest changes (test)' }),
    },
    queues: QUEUES,
    depths: { depth: async (url) => depths[url] ?? { waiting: 0, inFlight: 0 } },
    partners: PARTNERS.map((partner) => ({ partner })),
    deliveryMetrics: {
      perPartner: async (window) => {
        windows.push(window);
        return options.figures ?? [];
      },
    },
    ...(options.log ? { deliveryLog: options.log } : {}),
    quarantine: {
      original: async (key) => (key === 'quarantine/wire/blank.txt' ? Buffer.from('   ') : undefined),
    },
    alarms: {
      summary: async () => ({ state: '1 in ALARM', detail: 'ConsoleTest-IngestDlqNotEmpty' }),
    },
    target: 'stack ConsoleTest',
    deliveryWindowMs: 3_600_000,
    now: () => new Date('2026-12-01T12:00:00Z'),
    actions: {
      messageQueues: queues,
      notifier,
      partnerNotifier: (partner) => {
        if (partner !== 'everything') return undefined;
        const own = partnerNotifiers.get(partner) ?? new InMemoryNotifier();
        partnerNotifiers.set(partner, own);
        return own;
      },
      scheduler: new InMemoryScheduler(),
      ...(options.redriveLimit !== undefined ? { redriveLimit: options.redriveLimit } : {}),
    },
  };
  return {
    service: new ConsoleService(deps),
    index,
    objects,
    ingest,
    queues,
    notifier,
    partnerNotifiers,
    windows,
  };
}

const eventTypeOf = (message: OutboundMessage) => message.attributes.eventType?.value;

describe('console service: articles where nothing records deliveries (AWS)', () => {
  test('a published article is routed to the partners whose filter takes it, marked not confirmed', async () => {
    const { service } = await world();
    const detail = await service.article(URI);
    assert.equal(detail.head.headline, 'Trump, Putin signal new effort to cooperate on Syria');
    assert.deepEqual(
      detail.versions.map((version) => [version.version, version.pubStatus]),
      [[1, 'usable']],
    );
    assert.deepEqual(detail.deliveries, [
      {
        partner: 'everything',
        uri: URI,
        version: 1,
        eventType: 'article.published',
        payload: 'full',
        receivedAt: null,
        uploadedAt: null,
        latencyMs: null,
        confirmed: false,
      },
      {
        partner: 'conflict-desk',
        uri: URI,
        version: 1,
        eventType: 'article.published',
        payload: 'full',
        receivedAt: null,
        uploadedAt: null,
        latencyMs: null,
        confirmed: false,
      },
      {
        partner: 'alerts',
        uri: URI,
        version: 1,
        eventType: 'article.published',
        payload: 'summary',
        receivedAt: null,
        uploadedAt: null,
        latencyMs: null,
        confirmed: false,
      },
    ]);
    assert.equal('deliveriesBasis' in detail && detail.deliveriesBasis, ROUTED_BASIS);
    assert.match(ROUTED_BASIS, /routed, not confirmed/);
  });

  test('an update is routed as article.updated; a withdrawal as article.withdrawn', async () => {
    const { service, objects, ingest } = await world();
    objects.put('ingest', {
      key: 'wire/story.txt',
      bytes: Buffer.from(readFileSync(WIRE_ARTICLE, 'utf8').replace('on Syria', 'on Syria and Iraq')),
    });
    await ingestObject(ingest, { bucket: 'ingest', key: 'wire/story.txt', sequencer: '02' });
    const updated = await service.article(URI);
    assert.deepEqual(
      updated.deliveries.map((row) => [row.partner, row.version, row.eventType]),
      [
        ['everything', 2, 'article.updated'],
        ['conflict-desk', 2, 'article.updated'],
        ['alerts', 2, 'article.updated'],
      ],
    );
    objects.delete('ingest', 'wire/story.txt');
    await withdrawObject(ingest, { bucket: 'ingest', key: 'wire/story.txt', sequencer: '03' });
    const withdrawn = await service.article(URI);
    assert.equal(withdrawn.head.pubStatus, 'canceled');
    assert.deepEqual(
      withdrawn.deliveries.map((row) => [row.partner, row.version, row.eventType]),
      [
        ['everything', 3, 'article.withdrawn'],
        ['conflict-desk', 3, 'article.withdrawn'],
        ['alerts', 3, 'article.withdrawn'],
      ],
    );
  });

  test('the list counts routed partners per row and says which part of the index it searched', async () => {
    const { service } = await world();
    const list = await service.articles({});
    assert.equal(list.total, 1);
    assert.equal(list.items[0]?.uri, URI);
    assert.equal(list.items[0]?.deliveries, 3);
    assert.equal(list.items[0]?.language, 'en');
    assert.equal('basis' in list && list.basis, 'the newest changes (test)');
  });

  test('an unknown article is 404; a diff outside the versions is 400', async () => {
    const { service } = await world();
    await assert.rejects(service.article('urn:syndicate:wire/none.txt'), (error: ApiError) => {
      assert.equal(error.status, 404);
      assert.equal(error.message, 'no article urn:syndicate:wire/none.txt in the index');
      return true;
    });
    await assert.rejects(service.diff(URI, 1, 2), (error: ApiError) => {
      assert.equal(error.status, 400);
      assert.equal(error.message, `version must be 1 to 1 for ${URI}, not '2'`);
      return true;
    });
  });
});

describe('console service: a runtime that records every delivery (local)', () => {
  test('deliveries come from the log, with no basis sentence', async () => {
    const row = {
      partner: 'everything',
      uri: URI,
      version: 1,
      eventType: 'article.published',
      payload: 'full',
      receivedAt: '2026-12-01T10:00:02.500Z',
      uploadedAt: '2026-12-01T10:00:00.000Z',
      latencyMs: 2500,
    };
    const log: DeliveryLog = {
      forArticle: async (uri) => (uri === URI ? [row] : []),
      forPartner: async (partner) => (partner === 'everything' ? [row] : []),
      countFor: (uri) => (uri === URI ? 1 : 0),
      total: () => 1,
    };
    const { service } = await world({ log });
    const detail = await service.article(URI);
    assert.deepEqual(detail.deliveries, [row]);
    assert.equal('deliveriesBasis' in detail, false);
    assert.equal((await service.articles({})).items[0]?.deliveries, 1);
    const everything = (await service.partners()).find((partner) => partner.name === 'everything');
    assert.deepEqual(everything?.recent, [row]);
    assert.equal((await service.health()).deliveries, 1);
  });
});

describe('console service: partners, health, rejections', () => {
  test('each partner: its queues by role, the figures of the reader over the window, their basis', async () => {
    const figures: PartnerDeliveryFigures[] = [
      {
        partner: 'everything',
        deliveries: 120,
        failures: 2,
        latency: { p50Ms: 850, p95Ms: 2300, samples: 120 },
        overTime: [
          { start: Date.parse('2026-12-01T11:00:00Z'), deliveries: 70, failures: 0, p50Ms: 800, p95Ms: 2000 },
          // A minute with only failures has no latency to draw.
          { start: Date.parse('2026-12-01T11:01:00Z'), deliveries: 0, failures: 2, p50Ms: null, p95Ms: null },
        ],
        lastDelivery: '2026-12-01T11:59:00.000Z',
        basis: 'SNS delivery status logs (100% of successes sampled)',
      },
    ];
    const { service, windows } = await world({ figures });
    const partners = await service.partners(60);
    assert.deepEqual(windows, [
      { from: new Date('2026-12-01T11:00:00Z'), to: new Date('2026-12-01T12:00:00Z'), bucketSeconds: 60 },
    ]);
    assert.deepEqual(
      partners.map((partner) => partner.name),
      ['everything', 'conflict-desk', 'sports-desk', 'french-wire', 'alerts'],
    );
    const everything = partners[0];
    assert.deepEqual(everything?.queue, { name: 'syn-dev-everything', waiting: 7, inFlight: 3 });
    assert.deepEqual(everything?.deadLetterQueue, {
      name: 'syn-dev-everything-dlq',
      waiting: 1,
      inFlight: 0,
    });
    assert.equal(everything?.deliveries, 120);
    assert.equal(everything?.failures, 2);
    assert.deepEqual(everything?.latency, {
      samples: 120,
      p50Ms: 850,
      p95Ms: 2300,
      bucketSeconds: 60,
      overTime: [{ start: Date.parse('2026-12-01T11:00:00Z'), deliveries: 70, p50Ms: 800, p95Ms: 2000 }],
    });
    assert.equal(
      'basis' in (everything ?? {}) && everything?.basis,
      'SNS delivery status logs (100% of successes sampled)',
    );
    const alerts = partners[4];
    assert.equal(alerts?.delivery, 'https');
    assert.equal(alerts?.endpoint, 'https://alerts.partner.example/sns');
    assert.equal(alerts?.queue.waiting, 0);
    assert.match(alerts?.queue.name ?? '', /^none/);
    assert.equal(alerts?.deadLetterQueue.name, 'syn-dev-alerts-delivery-dlq');
    // The reader had nothing on this partner: no figure is made up.
    assert.equal(alerts?.deliveries, 0);
    assert.equal(alerts?.latency.p50Ms, null);
    await assert.rejects(service.partners(0), /bucket must be 1 to 86400 seconds, not '0'/);
  });

  test('health: ingest depth, every dead-letter queue with whether it can be redriven, the alarms', async () => {
    const { service } = await world();
    const health = await service.health();
    assert.equal(health.target, 'stack ConsoleTest');
    assert.deepEqual(health.queues, [
      { name: 'ingest', role: 'ingest', waiting: 4, inFlight: 1 },
      { name: 'ingest-dlq', role: 'dead-letter', redrivable: true, waiting: 2, inFlight: 0 },
      { name: 'stream-dlq', role: 'dead-letter', redrivable: true, waiting: 0, inFlight: 0 },
      { name: 'syn-dev-everything-dlq', role: 'dead-letter', redrivable: true, waiting: 1, inFlight: 0 },
      {
        name: 'syn-dev-alerts-delivery-dlq',
        role: 'dead-letter',
        redrivable: false,
        waiting: 0,
        inFlight: 0,
      },
    ]);
    assert.equal(health.deadLetterMessages, 3);
    assert.deepEqual(health.alarms, { state: '1 in ALARM', detail: 'ConsoleTest-IngestDlqNotEmpty' });
    // Nothing counts every delivery in AWS: null, not 0.
    assert.equal(health.deliveries, null);
  });

  test('rejections link their quarantined original; only a key a rejection names can be fetched', async () => {
    const { service } = await world();
    const rejections = await service.rejections(10);
    assert.equal(rejections.length, 1);
    assert.equal(rejections[0]?.code, 'EMPTY');
    assert.equal(rejections[0]?.original, '/api/rejections/original?key=quarantine%2Fwire%2Fblank.txt');
    assert.deepEqual(Buffer.from(await service.quarantined('quarantine/wire/blank.txt')), Buffer.from('   '));
    await assert.rejects(service.quarantined('wire/story.txt'), (error: ApiError) => error.status === 404);
    await assert.rejects(service.rejections(501), /limit must be 1 to 500, not '501'/);
  });
});

describe('console service: actions', () => {
  test('redrive of a partner DLQ: described, then its messages moved back to the partner queue', async () => {
    const { service, queues } = await world();
    queues.put(`${Q}syn-dev-everything-dlq`, 'one');
    queues.put(`${Q}syn-dev-everything-dlq`, 'two');
    const described = await service.describe({ action: 'redrive', queue: 'syn-dev-everything-dlq' });
    assert.equal(
      described.summary,
      "Redrive syn-dev-everything-dlq (1 waiting, 0 in flight): move its messages back to everything's queue.",
    );
    const result = await service.run(described.action);
    assert.equal(result.summary, 'syn-dev-everything-dlq: 2 moved back');
    assert.deepEqual(
      queues.messages.get(`${Q}syn-dev-everything`)?.map((letter) => letter.body),
      ['one', 'two'],
    );
    assert.deepEqual(queues.messages.get(`${Q}syn-dev-everything-dlq`), []);
  });

  test('with a limit per run, a redrive moves that many and says to run it again', async () => {
    const { service, queues } = await world({ redriveLimit: 2 });
    for (const body of ['one', 'two', 'three']) queues.put(`${Q}ingest-dlq`, body);
    const result = await service.run({ action: 'redrive', queue: 'ingest-dlq' });
    assert.equal(result.summary, 'ingest-dlq: 2 moved back (at most 2 a run: redrive again for the rest)');
    assert.deepEqual(
      queues.messages.get(`${Q}ingest-dlq`)?.map((letter) => letter.body),
      ['three'],
    );
    const rest = await service.run({ action: 'redrive', queue: 'ingest-dlq' });
    assert.equal(rest.summary, 'ingest-dlq: 1 moved back');
  });

  test('a delivery DLQ has no queue to go back to (409); an unknown one is 404 naming the known ones', async () => {
    const { service } = await world();
    await assert.rejects(
      service.describe({ action: 'redrive', queue: 'syn-dev-alerts-delivery-dlq' }),
      (error: ApiError) => error.status === 409,
    );
    await assert.rejects(service.describe({ action: 'redrive', queue: 'nope' }), (error: ApiError) => {
      assert.equal(error.status, 404);
      assert.equal(
        error.message,
        "no dead-letter queue 'nope'; known: ingest-dlq, stream-dlq, syn-dev-everything-dlq, syn-dev-alerts-delivery-dlq",
      );
      return true;
    });
    await assert.rejects(
      service.describe({ action: 'delete-everything' }),
      (error: ApiError) => error.status === 400,
    );
  });

  test('replay to every partner goes to the topics as article.replayed, one message per variant', async () => {
    const { service, notifier } = await world();
    const result = await service.run({ action: 'replay', uri: URI });
    assert.equal(result.summary, `replayed ${URI} (2 messages)`);
    // The registry has a summary partner: the full and the summary variants.
    assert.deepEqual(
      notifier.published.map((message) => [eventTypeOf(message), message.attributes.payload?.value]),
      [
        ['article.replayed', 'full'],
        ['article.replayed', 'summary'],
      ],
    );
  });

  test('replay to one partner: its own queue, if its filter takes it; refused for a partner with none', async () => {
    const { service, notifier, partnerNotifiers } = await world();
    await service.run({ action: 'replay', uri: URI, partner: 'everything' });
    assert.equal(notifier.published.length, 0);
    assert.deepEqual(
      partnerNotifiers.get('everything')?.published.map((message) => message.attributes.payload?.value),
      ['full'],
    );
    await assert.rejects(
      service.run({ action: 'replay', uri: URI, partner: 'alerts' }),
      (error: ApiError) => {
        assert.equal(error.status, 409);
        assert.match(error.message, /alerts has no queue of its own to replay into \(https delivery\)/);
        return true;
      },
    );
    await assert.rejects(
      service.describe({ action: 'replay', uri: URI, partner: 'nobody' }),
      (error: ApiError) => error.status === 404,
    );
  });
});
