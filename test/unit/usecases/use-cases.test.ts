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
import { batchesOf } from '../../../shared/adapters/sns-notifier.js';
import type { ArticleHead } from '../../../shared/domain/article.js';
import { compareSequencers } from '../../../shared/domain/article.js';
import type { ArticleEnvelope, OutboundMessage } from '../../../shared/domain/message.js';
import { ninjsProblems } from '../../../shared/ninjs/validate.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { eventTypeOf, publishChanges } from '../../../shared/usecases/publish-changes.js';
import { EmbargoNotDueError, releaseEmbargo } from '../../../shared/usecases/release-embargo.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const BUCKET = 'ingest';
const KEY = 'wire/story.txt';
const URI = 'urn:syndicate:wire/story.txt';

function setup(start = '2026-11-25T10:00:00Z') {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const quarantine = new InMemoryQuarantine();
  let clock = Date.parse(start);
  // Each call is one second later, so versions get distinct times.
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  const deps = { objects, index, quarantine, now };
  const drop = (text: string | Buffer) => objects.put(BUCKET, { key: KEY, bytes: Buffer.from(text) });
  const event = (sequencer?: string) => ({ bucket: BUCKET, key: KEY, ...(sequencer ? { sequencer } : {}) });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { objects, index, quarantine, deps, drop, event, advance };
}

describe('ingest use case', () => {
  test('first upload is version 1 with creation times, schema-valid', async () => {
    const { deps, drop, index, event } = setup();
    drop(readFileSync(WIRE_ARTICLE));
    const outcome = await ingestObject(deps, event('01'));
    assert.deepEqual(outcome, { status: 'published', uri: URI, version: 1, droppedFields: [] });
    const stored = await index.version(URI, 1);
    assert.equal(stored?.ninjs.version, '1');
    assert.equal(stored?.ninjs.firstCreated, stored?.ninjs.versionCreated);
    assert.deepEqual(ninjsProblems(stored?.ninjs), []);
    assert.equal((await index.objectState(KEY))?.uri, URI);
  });

  test('the same content again is unchanged; new content is version 2 with the first creation time kept', async () => {
    const { deps, drop, index, event } = setup();
    drop('Headline\n\nFirst text.');
    await ingestObject(deps, event('01'));
    const first = await index.current(URI);
    assert.deepEqual(await ingestObject(deps, event('02')), { status: 'unchanged', uri: URI, version: 1 });
    drop('Headline\n\nCorrected text.');
    assert.deepEqual(await ingestObject(deps, event('03')), {
      status: 'published',
      uri: URI,
      version: 2,
      droppedFields: [],
    });
    const second = await index.current(URI);
    assert.equal(second?.firstCreated, first?.firstCreated);
    assert.notEqual(second?.versionCreated, first?.versionCreated);
  });

  test('a duplicate or older notification for the key is skipped without reading the object', async () => {
    const { deps, drop, event } = setup();
    drop('Headline\n\nText.');
    await ingestObject(deps, event('0A'));
    assert.deepEqual(await ingestObject(deps, event('0A')), { status: 'stale' });
    assert.deepEqual(await ingestObject(deps, event('09')), { status: 'stale' });
  });

  test('S3 sequencers compare as hex numbers of any length', () => {
    assert.ok(compareSequencers('0A', '09') > 0);
    assert.ok(compareSequencers('FF', '100') < 0);
    assert.equal(compareSequencers('00ab', 'AB'), 0);
  });

  test('a bad input is quarantined and recorded as a rejection with its code and size; nothing is indexed', async () => {
    const { deps, drop, index, quarantine, event } = setup();
    drop('   \n');
    const outcome = await ingestObject(deps, event('01'));
    assert.equal(outcome.status, 'rejected');
    const rejection = await index.latestRejection(KEY);
    assert.equal(rejection?.code, 'EMPTY');
    assert.equal(rejection?.sizeBytes, 4);
    assert.equal(rejection?.quarantineKey, `quarantine/${KEY}`);
    assert.deepEqual(quarantine.kept, [{ key: KEY, code: 'EMPTY' }]);
    assert.equal(index.heads.size, 0);
  });

  test('an object deleted before it was read is skipped', async () => {
    const { deps, event } = setup();
    assert.equal((await ingestObject(deps, event('01'))).status, 'missing');
  });
});

describe('withdrawal use case', () => {
  test('deleting the object cancels the current version once', async () => {
    const { deps, drop, index, objects, event } = setup();
    drop('Headline\n\nText.');
    await ingestObject(deps, event('01'));
    objects.delete(BUCKET, KEY);
    assert.deepEqual(await withdrawObject(deps, event('02')), { status: 'withdrawn', uri: URI, version: 2 });
    const head = await index.current(URI);
    assert.equal(head?.pubStatus, 'canceled');
    assert.equal((await index.version(URI, 2))?.ninjs.pubStatus, 'canceled');
    assert.equal((await withdrawObject(deps, event('03'))).status, 'already-withdrawn');
    assert.equal((await withdrawObject(deps, { bucket: BUCKET, key: 'other.txt' })).status, 'unknown');
  });

  test('a delete notification older than a new upload does not withdraw', async () => {
    const { deps, drop, index, event } = setup();
    drop('Headline\n\nText.');
    await ingestObject(deps, event('03'));
    assert.equal((await withdrawObject(deps, event('02'))).status, 'stale');
    // The object exists again (re-uploaded after the delete): the delete is stale whatever its sequencer.
    assert.equal((await withdrawObject(deps, event('04'))).status, 'stale');
    assert.equal((await index.current(URI))?.pubStatus, 'usable');
  });
});

describe('embargo', () => {
  test('an article embargoed into the future is indexed as withheld and released at its time, not before', async () => {
    const { deps, index, objects, advance } = setup('2026-11-25T10:00:00Z');
    objects.put(BUCKET, {
      key: 'e.txt',
      bytes: Buffer.from('Results at noon\n\nThe results are in and the winners are clear.'),
    });
    // Plain text states no embargo, so the withheld version is written as ingest writes one for a
    // future embargoedUntil (formats that carry embargoes are covered by the integration tests).
    const outcome = await ingestObject(deps, { bucket: BUCKET, key: 'e.txt' });
    assert.equal(outcome.status, 'published');
    const head = (await index.current('urn:syndicate:e.txt')) as ArticleHead;
    const stored = await index.version(head.uri, head.version);
    assert.ok(stored);
    // A withheld version, as ingest writes it for a future embargoedUntil.
    const until = '2026-11-25T12:00:00.000Z';
    await index.saveVersion(
      { ...head, version: 2, pubStatus: 'withheld', embargoedUntil: until },
      { ...stored, version: 2 },
      1,
    );
    const release = { uri: head.uri, version: 2, at: until };
    await assert.rejects(releaseEmbargo(deps, release), EmbargoNotDueError);
    advance(2 * 3600 * 1000);
    assert.deepEqual(await releaseEmbargo(deps, release), { status: 'released', uri: head.uri, version: 3 });
    assert.equal((await index.current(head.uri))?.pubStatus, 'usable');
    assert.equal((await index.version(head.uri, 3))?.ninjs.pubStatus, 'usable');
    // A second firing of the same schedule changes nothing.
    assert.equal((await releaseEmbargo(deps, release)).status, 'superseded');
  });
});

function head(
  version: number,
  pubStatus: ArticleHead['pubStatus'] = 'usable',
  everPublished = pubStatus === 'usable',
): ArticleHead {
  return {
    uri: 'urn:syndicate:x',
    version,
    contentHash: `h${version}`,
    pubStatus,
    headline: 'x',
    origin: { key: 'x' },
    source: 'wire',
    language: 'en',
    urgency: 3,
    subjectCodes: ['medtop:20000309', 'medtop:04000000'],
    everSubjectCodes: ['medtop:20000309', 'medtop:04000000', 'medtop:15000000'],
    everLanguages: ['en', 'fr'],
    everPublished,
    firstCreated: '2026-11-25T10:00:00Z',
    versionCreated: '2026-11-25T10:00:00Z',
  };
}

describe('publish use case', () => {
  test('maps index changes to partner events', () => {
    assert.equal(eventTypeOf({ id: '1', after: head(1) }), 'article.published');
    assert.equal(eventTypeOf({ id: '2', before: head(1), after: head(2) }), 'article.updated');
    assert.equal(
      eventTypeOf({ id: '3', before: head(2), after: head(3, 'canceled', true) }),
      'article.withdrawn',
    );
    assert.equal(eventTypeOf({ id: '4', before: head(2), after: head(2) }), undefined);
    assert.equal(eventTypeOf({ id: '5', before: head(3, 'canceled', true) }), undefined);
    assert.equal(eventTypeOf({ id: '6', after: head(1, 'canceled', false) }), undefined);
    assert.equal(eventTypeOf({ id: '7', after: head(1, 'withheld', false) }), undefined);
    assert.equal(
      eventTypeOf({ id: '8', before: head(1, 'withheld', false), after: head(2) }),
      'article.published',
    );
    // Withdrawn after an embargo moved it back to withheld: partners had version 1, so they are told.
    assert.equal(
      eventTypeOf({ id: '9', before: head(2, 'withheld', true), after: head(3, 'canceled', true) }),
      'article.withdrawn',
    );
  });

  test('publishes an envelope with an idempotency key and filterable attributes; schedules releases', async () => {
    const notifier = new InMemoryNotifier();
    const index = new InMemoryArticleIndex();
    const scheduler = new InMemoryScheduler();
    const document = { uri: 'urn:syndicate:x', headlines: [{ value: 'x' }] };
    await index.saveVersion(
      head(1),
      { uri: 'urn:syndicate:x', version: 1, contentHash: 'h1', ninjs: document, provenance: {} },
      undefined,
    );
    await index.saveVersion(
      head(2),
      { uri: 'urn:syndicate:x', version: 2, contentHash: 'h2', ninjs: document, provenance: {} },
      1,
    );
    const withheld = { ...head(3, 'withheld', true), embargoedUntil: '2026-12-01T00:00:00.000Z' };
    const result = await publishChanges(
      { notifier, index, scheduler, now: () => new Date('2026-11-25T10:00:00Z') },
      [
        { id: 'seq-1', before: head(1), after: head(2) },
        { id: 'seq-2', before: head(2), after: head(2) },
        { id: 'seq-3', before: head(2), after: withheld },
        { id: 'seq-4', before: head(2), after: head(4, 'canceled', true) },
      ],
    );
    // seq-4's version 4 was never stored: it fails alone, permanently (a retry reads the same index).
    assert.deepEqual(result.failedIds, []);
    assert.equal(result.published, 1);
    assert.deepEqual(
      result.abandoned.map(({ id, uri, version, error }) => ({ id, uri, version, error: error.name })),
      [{ id: 'seq-4', uri: 'urn:syndicate:x', version: 4, error: 'MissingVersionError' }],
    );
    const [message] = notifier.published;
    const envelope = JSON.parse(message?.body ?? '{}') as ArticleEnvelope;
    assert.equal(envelope.eventType, 'article.updated');
    assert.equal(envelope.idempotencyKey, 'urn:syndicate:x#2');
    assert.deepEqual(message?.attributes.subjects, {
      dataType: 'String.Array',
      value: '["medtop:20000309","medtop:04000000"]',
    });
    assert.deepEqual(message?.attributes.urgency, { dataType: 'Number', value: '3' });
    assert.deepEqual(message?.attributes.language, { dataType: 'String', value: 'en' });
    assert.deepEqual(scheduler.scheduled, [
      { uri: 'urn:syndicate:x', version: 3, at: '2026-12-01T00:00:00.000Z' },
    ]);
  });

  test('versions the stream batch already holds are not read again, unless their content differs from the head', async () => {
    const reads: number[] = [];
    const index = new (class extends InMemoryArticleIndex {
      override async version(uri: string, version: number) {
        reads.push(version);
        return super.version(uri, version);
      }
    })();
    const stored = (version: number, title: string) => ({
      uri: 'urn:syndicate:x',
      version,
      contentHash: `h${version}`,
      ninjs: { uri: 'urn:syndicate:x', headlines: [{ value: title }] },
      provenance: {},
    });
    await index.saveVersion(head(1), stored(1, 'indexed v1'), undefined);
    await index.saveVersion(head(2), stored(2, 'indexed v2'), 1);
    const notifier = new InMemoryNotifier();
    const deps = { notifier, index, scheduler: new InMemoryScheduler(), now: () => new Date() };
    const changes = [
      { id: 'a', after: head(1, 'usable', false) },
      { id: 'b', before: head(1), after: head(2) },
    ];
    // Version 1 is held with the head's hash; the held version 2 has another hash (an orphan replaced since).
    const held = [stored(1, 'held v1'), { ...stored(2, 'held v2'), contentHash: 'other' }];
    const result = await publishChanges(deps, changes, held);
    assert.deepEqual(result, { failedIds: [], abandoned: [], published: 2 });
    assert.deepEqual(reads, [2]);
    const headlines = notifier.published.map(
      (message) => (JSON.parse(message.body) as ArticleEnvelope).ninjs.headlines?.[0]?.value,
    );
    // In the batch's order, each from where it was taken.
    assert.deepEqual(headlines, ['held v1', 'indexed v2']);
  });

  test('a withdrawal carries the subjects and languages of every version', async () => {
    const notifier = new InMemoryNotifier();
    const index = new InMemoryArticleIndex();
    const document = { uri: 'urn:syndicate:x', headlines: [{ value: 'x' }] };
    await index.saveVersion(
      head(3, 'canceled', true),
      { uri: 'urn:syndicate:x', version: 3, contentHash: 'h3', ninjs: document, provenance: {} },
      undefined,
    );
    await publishChanges({ notifier, index, scheduler: new InMemoryScheduler(), now: () => new Date() }, [
      { id: 's', before: head(2), after: head(3, 'canceled', true) },
    ]);
    const attributes = notifier.published[0]?.attributes;
    assert.deepEqual(attributes?.subjects?.value, '["medtop:20000309","medtop:04000000","medtop:15000000"]');
    assert.deepEqual(attributes?.language, { dataType: 'String.Array', value: '["en","fr"]' });
  });
});

describe('SNS batching', () => {
  const message = (id: number, bytes: number): OutboundMessage => ({
    id: String(id),
    body: 'x'.repeat(bytes),
    attributes: {},
  });

  test('at most 10 messages per PublishBatch call', () => {
    const sizes = batchesOf(Array.from({ length: 25 }, (_, id) => message(id, 10))).map(
      (batch) => batch.length,
    );
    assert.deepEqual(sizes, [10, 10, 5]);
  });

  test('at most 256 KiB per PublishBatch call', () => {
    const sizes = batchesOf(Array.from({ length: 5 }, (_, id) => message(id, 100 * 1024))).map(
      (batch) => batch.length,
    );
    assert.deepEqual(sizes, [2, 2, 1]);
  });
});
