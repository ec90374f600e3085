import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
} from '../../shared/adapters/memory/in-memory.js';
import { batchesOf } from '../../shared/adapters/sns-notifier.js';
import type { ArticleRecord } from '../../shared/domain/article.js';
import type { ArticleEnvelope, OutboundMessage } from '../../shared/domain/message.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { eventTypeOf, publishChanges } from '../../shared/usecases/publish-changes.js';
import { withdrawObject } from '../../shared/usecases/withdraw-object.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const BUCKET = 'ingest';
const KEY = 'wire/story.txt';

function setup() {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  let clock = Date.parse('2026-11-25T10:00:00Z');
  // Each call is one second later, so versions get distinct times.
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  const deps = { objects, index, now };
  const drop = (text: string | Buffer) => objects.put(BUCKET, { key: KEY, bytes: Buffer.from(text) });
  return { objects, index, deps, drop };
}

describe('ingest use case', () => {
  test('first upload is version 1 with creation times, schema-valid', async () => {
    const { deps, drop, index } = setup();
    drop(readFileSync(WIRE_ARTICLE));
    const outcome = await ingestObject(deps, BUCKET, KEY);
    assert.deepEqual(outcome, { status: 'published', uri: 'urn:syndicate:wire/story.txt', version: 1 });
    const record = await index.current(outcome.uri);
    assert.equal(record?.ninjs.version, '1');
    assert.equal(record?.ninjs.firstCreated, record?.ninjs.versionCreated);
    assert.deepEqual(ninjsProblems(record?.ninjs), []);
  });

  test('the same content again is unchanged; new content is version 2 with the first creation time kept', async () => {
    const { deps, drop, index } = setup();
    drop('Headline\n\nFirst text.');
    await ingestObject(deps, BUCKET, KEY);
    const first = await index.current('urn:syndicate:wire/story.txt');
    assert.deepEqual(await ingestObject(deps, BUCKET, KEY), {
      status: 'unchanged',
      uri: first?.uri,
      version: 1,
    });
    drop('Headline\n\nCorrected text.');
    assert.deepEqual(await ingestObject(deps, BUCKET, KEY), {
      status: 'published',
      uri: first?.uri,
      version: 2,
    });
    const second = await index.current('urn:syndicate:wire/story.txt');
    assert.equal(second?.firstCreated, first?.firstCreated);
    assert.notEqual(second?.versionCreated, first?.versionCreated);
  });

  test('a bad input is recorded as a rejection with its code and size, and nothing is indexed', async () => {
    const { deps, drop, index } = setup();
    drop('   \n');
    const outcome = await ingestObject(deps, BUCKET, KEY);
    assert.equal(outcome.status, 'rejected');
    const rejection = index.rejections.get('urn:syndicate:wire/story.txt');
    assert.equal(rejection?.code, 'EMPTY');
    assert.equal(rejection?.sizeBytes, 4);
    assert.equal(index.articles.size, 0);
  });

  test('an object deleted before it was read is skipped', async () => {
    const { deps } = setup();
    assert.equal((await ingestObject(deps, BUCKET, KEY)).status, 'missing');
  });

  test('withdrawal cancels the current version once', async () => {
    const { deps, drop, index } = setup();
    drop('Headline\n\nText.');
    await ingestObject(deps, BUCKET, KEY);
    assert.deepEqual(await withdrawObject(deps, KEY), {
      status: 'withdrawn',
      uri: 'urn:syndicate:wire/story.txt',
      version: 2,
    });
    const record = await index.current('urn:syndicate:wire/story.txt');
    assert.equal(record?.pubStatus, 'canceled');
    assert.equal(record?.ninjs.pubStatus, 'canceled');
    assert.equal((await withdrawObject(deps, KEY)).status, 'already-withdrawn');
    assert.equal((await withdrawObject(deps, 'other.txt')).status, 'unknown');
  });
});

function article(version: number, pubStatus: ArticleRecord['pubStatus'] = 'usable'): ArticleRecord {
  return {
    uri: 'urn:syndicate:x',
    version,
    contentHash: `h${version}`,
    pubStatus,
    objectKey: 'x',
    source: 'wire',
    language: 'en',
    urgency: 3,
    subjectCodes: ['medtop:20000309', 'medtop:04000000'],
    firstCreated: '2026-11-25T10:00:00Z',
    versionCreated: '2026-11-25T10:00:00Z',
    ninjs: { uri: 'urn:syndicate:x', version: String(version), pubStatus },
  };
}

describe('publish use case', () => {
  test('maps index changes to partner events', () => {
    assert.equal(eventTypeOf({ id: '1', after: article(1) }), 'article.published');
    assert.equal(eventTypeOf({ id: '2', before: article(1), after: article(2) }), 'article.updated');
    assert.equal(
      eventTypeOf({ id: '3', before: article(2), after: article(3, 'canceled') }),
      'article.withdrawn',
    );
    assert.equal(eventTypeOf({ id: '4', before: article(2), after: article(2) }), undefined);
    assert.equal(eventTypeOf({ id: '5', before: article(3, 'canceled') }), undefined);
    assert.equal(eventTypeOf({ id: '6', after: article(1, 'canceled') }), undefined);
  });

  test('publishes an envelope with an idempotency key and filterable attributes', async () => {
    const notifier = new InMemoryNotifier();
    const result = await publishChanges({ notifier, now: () => new Date('2026-11-25T10:00:00Z') }, [
      { id: 'seq-1', before: article(1), after: article(2) },
      { id: 'seq-2', before: article(2), after: article(2) },
    ]);
    assert.deepEqual(result, { failedIds: [], published: 1 });
    const [message] = notifier.published;
    const envelope = JSON.parse(message?.body ?? '{}') as ArticleEnvelope;
    assert.equal(envelope.eventType, 'article.updated');
    assert.equal(envelope.idempotencyKey, 'urn:syndicate:x#2');
    assert.deepEqual(message?.attributes.subjects, {
      dataType: 'String.Array',
      value: '["medtop:20000309","medtop:04000000"]',
    });
    assert.deepEqual(message?.attributes.urgency, { dataType: 'Number', value: '3' });
    assert.deepEqual(message?.attributes.eventType, { dataType: 'String', value: 'article.updated' });
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
