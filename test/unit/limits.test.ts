/**
 * AWS's documented limits, written here as the literal numbers AWS publishes (never the code's
 * constants): 262,144 bytes per SNS message, body and attributes together, counted in UTF-8;
 * PublishBatch 10 entries and 262,144 bytes; DynamoDB's item size rules. Plus the free-text caps that
 * keep every summary message small, the size check before reading, and which errors are permanent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dynamoDbItemSize } from '../../shared/adapters/dynamodb-item-size.js';
import { InMemoryContentStore } from '../../shared/adapters/in-memory-content-store.js';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../shared/adapters/memory/in-memory.js';
import { batchesOf } from '../../shared/adapters/sns-notifier.js';
import { statusPartition, statusPartitions } from '../../shared/adapters/table-layout.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import {
  ConcurrentUpdateError,
  InvalidEventError,
  isPermanent,
  MessageTooLargeError,
  MissingVersionError,
  RejectedInputError,
  UnreadableNotificationError,
} from '../../shared/domain/errors.js';
import { attributesFor, envelopeFor, type OutboundMessage } from '../../shared/domain/message.js';
import type { Ninjs } from '../../shared/ninjs/types.js';
import { assembleArticle } from '../../shared/normaliser/assemble.js';
import type { ArticleParts } from '../../shared/normaliser/parts.js';
import type { ObjectStore } from '../../shared/ports/object-store.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { partnerMessagesFor } from '../../shared/usecases/publish-changes.js';
import { EmbargoNotDueError } from '../../shared/usecases/release-embargo.js';
import { proseOfSize, wireStoryOfSize } from '../helpers/prose.js';

/** What SNS counts for a message: the body and each attribute's name, data type and value, in UTF-8 bytes. */
function snsBytes(message: Pick<OutboundMessage, 'body' | 'attributes'>): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, { dataType, value }] of Object.entries(message.attributes))
    bytes +=
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(dataType, 'utf8') +
      Buffer.byteLength(value, 'utf8');
  return bytes;
}

const head: ArticleHead = {
  uri: 'urn:syndicate:wire/limit.txt',
  version: 1,
  contentHash: 'c0ffee',
  pubStatus: 'usable',
  headline: 'Limit test',
  origin: { key: 'wire/limit.txt' },
  source: 'wire',
  language: 'de',
  urgency: 3,
  subjectCodes: ['medtop:04000000', 'medtop:20000309'],
  everSubjectCodes: ['medtop:04000000', 'medtop:20000309'],
  everLanguages: ['de'],
  everPublished: false,
  firstCreated: '2026-12-07T12:00:00.000Z',
  versionCreated: '2026-12-07T12:00:00.000Z',
};

const PUBLISHED_AT = '2026-12-07T12:00:01.000Z';

/** A document whose full message (envelope + attributes) is exactly `total` bytes, its body text multi-byte. */
function documentOfMessageSize(total: number): Ninjs {
  const document = (filler: string): Ninjs => ({
    uri: head.uri,
    headlines: [{ role: 'main', contentType: 'text/plain', value: 'Grüße aus Zürich — 5 € mehr' }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: filler }],
  });
  const sizeWith = (filler: string) =>
    snsBytes({
      body: JSON.stringify(envelopeFor(head, document(filler), 'article.published', PUBLISHED_AT)),
      attributes: attributesFor(head, 'article.published', 'full'),
    });
  // '€' is 3 bytes in UTF-8 and 1 character: fill with it, then make up the rest with ASCII.
  const base = sizeWith('');
  const euros = '€'.repeat(Math.floor((total - base) / 3));
  const filler = euros + 'x'.repeat(total - sizeWith(euros));
  assert.equal(sizeWith(filler), total);
  return document(filler);
}

describe('SNS: 262,144 bytes per message, attributes and multi-byte UTF-8 counted', () => {
  test('a full message of exactly 262,144 bytes goes inline', async () => {
    const document = documentOfMessageSize(262_144);
    const envelope = envelopeFor(head, document, 'article.published', PUBLISHED_AT);
    const [message] = await partnerMessagesFor('s1', head, document, envelope, {
      contentStore: new InMemoryContentStore(),
    });
    assert.ok(message);
    assert.equal(snsBytes(message), 262_144);
    assert.equal(JSON.parse(message.body).link, undefined);
  });

  test('one byte over goes by claim check: a summary and a link, far below the limit', async () => {
    const document = documentOfMessageSize(262_145);
    const envelope = envelopeFor(head, document, 'article.published', PUBLISHED_AT);
    const [message] = await partnerMessagesFor('s1', head, document, envelope, {
      contentStore: new InMemoryContentStore(),
    });
    assert.ok(message);
    const sent = JSON.parse(message.body);
    assert.ok(sent.link, 'a link to the whole document');
    assert.equal(sent.ninjs.bodies, undefined);
    assert.ok(snsBytes(message) < 262_144);
  });
});

describe('PublishBatch: 10 entries and 262,144 bytes per call', () => {
  const message = (id: string, body: string): OutboundMessage => ({ id, body, attributes: {} });

  test('11 messages make a batch of 10 and a batch of 1', () => {
    const batches = batchesOf(Array.from({ length: 11 }, (_, n) => message(`m${n}`, 'x')));
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [10, 1],
    );
  });

  test('two messages of 131,072 bytes (UTF-8) share a call; 131,072 + 131,073 do not', () => {
    // 'é' is 2 bytes in UTF-8: 65,536 of them are 131,072 bytes.
    const half = 'é'.repeat(65_536);
    assert.deepEqual(
      batchesOf([message('a', half), message('b', half)]).map((batch) => batch.length),
      [2],
    );
    assert.deepEqual(
      batchesOf([message('a', half), message('b', `${half}x`)]).map((batch) => batch.length),
      [1, 1],
    );
  });

  test('attributes count towards the call total', () => {
    const attributes = { eventType: { dataType: 'String' as const, value: 'article.published' } };
    // eventType (9) + String (6) + article.published (17) = 32 bytes of attributes.
    const first = { id: 'a', body: 'é'.repeat(65_536), attributes };
    // 131,072 + 32 bytes, then 131,008 + 32: 262,144 together.
    const second = { id: 'b', body: 'é'.repeat(65_504), attributes };
    assert.deepEqual(
      batchesOf([first, second]).map((batch) => batch.length),
      [2],
    );
    const third = { id: 'c', body: `${'é'.repeat(65_504)}x`, attributes };
    assert.deepEqual(
      batchesOf([first, third]).map((batch) => batch.length),
      [1, 1],
    );
  });
});

describe('free-text caps: a summary message always fits', () => {
  // '€' (3 bytes) everywhere: the most bytes per character any capped field can hold.
  const huge = (characters: number) => '€'.repeat(characters);
  const parts: ArticleParts = {
    headline: huge(300_000),
    subheadline: huge(300_000),
    summary: huge(300_000),
    byline: `By ${huge(100_000)}`,
    located: huge(100_000),
    body: { kind: 'text', paragraphs: [proseOfSize(20_000, 5)] },
    copyrightHolder: huge(100_000),
    copyrightNotice: huge(100_000),
    usageTerms: huge(100_000),
    subjects: Array.from({ length: 5_000 }, (_, n) => ({
      code: n % 2 ? `acme:${n}` : `acme:${n}${'c'.repeat(1_000)}`,
      name: huge(1_000),
      uri: `https://example.com/subjects/${n}/${'u'.repeat(n % 3 ? 10 : 1_000)}`,
    })),
    keywords: Array.from({ length: 5_000 }, (_, n) => `keyword ${n} ${huge(500)}`),
    altIds: Array.from({ length: 5_000 }, (_, n) => ({ role: `id${n}`, value: huge(n % 2 ? 400 : 1_000) })),
  };

  test('every message of an article whose every stated field is enormous stays under 262,144 bytes', async () => {
    const article = assembleArticle(parts, { key: `wire/${'k'.repeat(1000)}.txt`, format: 'text' });
    const articleHead: ArticleHead = {
      ...head,
      uri: article.ninjs.uri,
      subjectCodes: article.subjectCodes,
      everSubjectCodes: article.subjectCodes,
    };
    const envelope = envelopeFor(articleHead, article.ninjs, 'article.published', PUBLISHED_AT);
    const messages = await partnerMessagesFor('s1', articleHead, article.ninjs, envelope, {
      contentStore: new InMemoryContentStore(),
      summaries: true,
    });
    assert.equal(messages.length, 2);
    for (const message of messages) assert.ok(snsBytes(message) < 262_144, `${snsBytes(message)} bytes`);
    const summary = JSON.parse(messages[1]?.body ?? '{}');
    assert.equal(summary.payload, 'summary');
    const description: string = summary.ninjs.descriptions[0].value;
    assert.ok(description.length < 300_000 && description.endsWith('…'));
  });

  test('each cap is recorded in provenance under its ninjs field', () => {
    const { provenance } = assembleArticle(parts, { key: 'wire/capped.txt', format: 'text' });
    for (const field of ['headlines', 'descriptions', 'by', 'located', 'subjects', 'altIds', 'usageTerms'])
      assert.match(provenance[field]?.rule ?? '', /capped/, field);
  });

  test('a field within its cap is untouched and records nothing', () => {
    const { ninjs, provenance } = assembleArticle(
      {
        headline: 'Short headline',
        summary: 'A short summary.',
        body: { kind: 'text', paragraphs: ['Body text here.'] },
      },
      { key: 'wire/short.txt', format: 'text' },
    );
    assert.equal(ninjs.headlines?.[0]?.value, 'Short headline');
    assert.equal(ninjs.descriptions?.[0]?.value, 'A short summary.');
    assert.equal(provenance.descriptions, undefined);
  });
});

describe('input size is decided before the object is read', () => {
  test('5 MiB + 1 byte is TOO_LARGE, quarantined, and the store never hands out its bytes', async () => {
    const objects = new InMemoryObjectStore();
    objects.put('ingest', { key: 'wire/huge.txt', bytes: new Uint8Array(5 * 1024 * 1024 + 1) });
    const reads: string[] = [];
    const counting = {
      get: async (bucket: string, key: string, limit?: { maxBytes: number }) => {
        const object = limit ? await objects.get(bucket, key, limit) : await objects.get(bucket, key);
        if (object && 'bytes' in object) reads.push(key);
        return object;
      },
      exists: (bucket: string, key: string) => objects.exists(bucket, key),
    } as ObjectStore;
    const index = new InMemoryArticleIndex();
    const quarantine = new InMemoryQuarantine();
    const outcome = await ingestObject(
      { objects: counting, index, quarantine, now: () => new Date('2026-12-07T12:00:00Z') },
      { bucket: 'ingest', key: 'wire/huge.txt' },
    );
    assert.equal(outcome.status, 'rejected');
    assert.equal('code' in outcome && outcome.code, 'TOO_LARGE');
    assert.deepEqual(reads, []);
    assert.deepEqual(quarantine.kept, [{ key: 'wire/huge.txt', code: 'TOO_LARGE' }]);
    assert.equal((await index.latestRejection('wire/huge.txt'))?.sizeBytes, 5_242_881);
  });

  test('exactly 5 MiB is read and normalised, not rejected for its size', async () => {
    const objects = new InMemoryObjectStore();
    const text = wireStoryOfSize(5 * 1024 * 1024, 9);
    assert.equal(Buffer.byteLength(text), 5_242_880);
    objects.put('ingest', { key: 'wire/five.txt', bytes: Buffer.from(text) });
    const outcome = await ingestObject(
      { objects, index: new InMemoryArticleIndex(), now: () => new Date('2026-12-07T12:00:00Z') },
      { bucket: 'ingest', key: 'wire/five.txt' },
    );
    assert.equal(outcome.status, 'published');
  });
});

describe('DynamoDB item size as DynamoDB documents it', () => {
  test('names and string values count their UTF-8 bytes', () => {
    // "pk" 2 + "abc" 3; "été" is 5 bytes (é is 2), "ü" 2: 2 + 3 + 5 + 2 = 12.
    assert.equal(dynamoDbItemSize({ pk: { S: 'abc' }, été: { S: 'ü' } }), 12);
  });

  test('binary values count their bytes, booleans and nulls one byte', () => {
    // "b" 1 + 10 bytes; "t" 1 + 1; "n" 1 + 1.
    assert.equal(
      dynamoDbItemSize({ b: { B: new Uint8Array(10) }, t: { BOOL: true }, n: { NULL: true } }),
      15,
    );
  });

  test('a list or map costs 3 bytes plus 1 per element', () => {
    // "l" 1 + 3 + (1 + 1 "a") + (1 + 2 "bc") = 9.
    assert.equal(dynamoDbItemSize({ l: { L: [{ S: 'a' }, { S: 'bc' }] } }), 9);
    // "m" 1 + 3 + (1 + "k" 1 + "v" 1) = 7.
    assert.equal(dynamoDbItemSize({ m: { M: { k: { S: 'v' } } } }), 7);
  });

  test('an item at 409,600 bytes is at the limit; the limit test against dynalite is in test/integration/limits.test.ts', () => {
    assert.equal(dynamoDbItemSize({ pk: { S: 'x'.repeat(409_598) } }), 409_600);
  });
});

describe('status index shards', () => {
  test('a burst of rejections in one second spreads over several partitions, none taking most', () => {
    const counts = new Map<string, number>();
    for (let n = 0; n < 1000; n++) {
      const partition = statusPartition('rejected', `2026-12-07T12:00:00.000Z#feed/item-${n}.xml`);
      counts.set(partition, (counts.get(partition) ?? 0) + 1);
    }
    assert.ok(counts.size >= 4, `${counts.size} partitions`);
    for (const [partition, count] of counts) assert.ok(count < 400, `${partition}: ${count} of 1,000`);
  });

  test('queries read every partition an item can be in, and the unsharded one older items use', () => {
    const partitions = new Set(statusPartitions('withheld'));
    for (let n = 0; n < 200; n++) assert.ok(partitions.has(statusPartition('withheld', `urn:x:${n}`)));
    assert.ok(partitions.has('status#withheld'));
  });
});

describe('which failures a retry can help', () => {
  test('permanent: rejected input, unreadable notifications, too-large messages, missing versions, invalid events', () => {
    for (const error of [
      new RejectedInputError('EMPTY'),
      new UnreadableNotificationError('x'),
      new MessageTooLargeError('x'),
      new MissingVersionError('x'),
      new InvalidEventError('x'),
    ])
      assert.equal(isPermanent(error), true, error.name);
  });

  test('transient: lost races, early releases, and anything unnamed (network, throttling)', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    for (const error of [new ConcurrentUpdateError('x'), new EmbargoNotDueError('x'), throttled, 'text'])
      assert.equal(isPermanent(error), false, String(error));
  });
});
