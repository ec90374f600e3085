/**
 * How the index stores documents and feed heads on DynamoDB (dynalite): brotli for new items, named
 * by the item's `encoding` attribute; items written before it (gzip, no attribute) stay readable
 * through every reader (the index, the feed index, publish's stream-record decoding); and what the
 * sample wire article's version item costs to write.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbArticleIndex,
  versionFromStreamImage,
} from '../../shared/adapters/dynamodb-article-index.js';
import { InMemoryObjectStore, InMemoryQuarantine } from '../../shared/adapters/memory/in-memory.js';
import { feedPartition } from '../../shared/adapters/table-layout.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { type LocalDynamoDb, startDynalite } from '../helpers/dynalite.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

let dynamoDb: LocalDynamoDb;
let tableCount = 0;

before(async () => {
  dynamoDb = await startDynalite();
});

after(async () => {
  await dynamoDb?.close();
});

const NOW = Date.parse('2026-12-01T10:00:00.000Z');

async function freshIndex() {
  const table = await dynamoDb.articlesTable(`encoding-${++tableCount}`);
  return { table, index: new DynamoDbArticleIndex(dynamoDb.client, table, { clock: () => NOW }) };
}

/** A version's document as the index kept it before brotli: written by hand, not by the adapter. */
const LEGACY_DOCUMENT = {
  ninjs: {
    uri: 'urn:syndicate:wire/legacy.txt',
    standard: {
      name: 'ninjs',
      version: '3.2',
      schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#',
    },
    type: 'text',
    version: '1',
    pubStatus: 'usable',
    language: 'en',
    headlines: [{ role: 'main', contentType: 'text/plain', value: 'Harbour bridge reopens after repairs' }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: 'The bridge reopened on Monday.' }],
  },
  provenance: { language: { rule: 'english-function-words', confidence: 90 } },
};

const LEGACY_HEAD = {
  uri: 'urn:syndicate:wire/legacy.txt',
  version: 1,
  contentHash: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
  pubStatus: 'usable',
  headline: 'Harbour bridge reopens after repairs',
  origin: { key: 'wire/legacy.txt', sequencer: '0055AED6DCD90281E5' },
  source: 'wire',
  language: 'en',
  subjectCodes: ['medtop:20000001'],
  everSubjectCodes: ['medtop:20000001'],
  everLanguages: ['en'],
  everPublished: true,
  firstCreated: '2026-12-01T09:00:00.000Z',
  versionCreated: '2026-12-01T09:00:00.000Z',
};

/** The version item of LEGACY_DOCUMENT as written before brotli: gzip, no `encoding` attribute. */
function legacyVersionItem(): Record<string, AttributeValue> {
  return {
    pk: { S: 'article#urn:syndicate:wire/legacy.txt' },
    sk: { S: 'version#0000000001' },
    uri: { S: 'urn:syndicate:wire/legacy.txt' },
    version: { N: '1' },
    contentHash: { S: LEGACY_HEAD.contentHash },
    writtenAt: { N: String(Date.parse('2026-12-01T09:00:00.000Z')) },
    document: { B: gzipSync(JSON.stringify(LEGACY_DOCUMENT)) },
    byFeedPk: { S: feedPartition('2026-12-01', 'urn:syndicate:wire/legacy.txt') },
    byFeedSk: { S: '2026-12-01T09:00:00.000Z~0123456789abcdef' },
    feedEvent: { S: 'article.published' },
    feedHead: { B: gzipSync(JSON.stringify(LEGACY_HEAD)) },
  };
}

describe('documents on DynamoDB: brotli, and gzip items written before it', () => {
  test('a gzip version item with no encoding attribute is still read, document and feed head', async () => {
    const { table, index } = await freshIndex();
    await dynamoDb.client.send(new PutItemCommand({ TableName: table, Item: legacyVersionItem() }));

    const version = await index.version('urn:syndicate:wire/legacy.txt', 1);
    assert.deepEqual(version?.ninjs, LEGACY_DOCUMENT.ninjs);
    assert.deepEqual(version?.provenance, LEGACY_DOCUMENT.provenance);

    const entries = await index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.key, '2026-12-01T09:00:00.000Z~0123456789abcdef');
    assert.equal(entries[0]?.eventType, 'article.published');
    assert.deepEqual(entries[0]?.head, LEGACY_HEAD);
  });

  test("publish's stream-record decoding reads a gzip image (base64, as Lambda delivers it) and a brotli one", async () => {
    const legacy = legacyVersionItem();
    const bytes = legacy.document?.B as Uint8Array;
    const image = { ...legacy, document: { B: Buffer.from(bytes).toString('base64') } };
    const version = versionFromStreamImage(image as unknown as Record<string, AttributeValue>);
    assert.deepEqual(version?.ninjs, LEGACY_DOCUMENT.ninjs);

    const { table, index } = await freshIndex();
    const stored = {
      uri: LEGACY_HEAD.uri,
      version: 1,
      contentHash: LEGACY_HEAD.contentHash,
      ...LEGACY_DOCUMENT,
    };
    await index.saveVersion(LEGACY_HEAD as never, stored as never, undefined);
    const written = await dynamoDb.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: 'article#urn:syndicate:wire/legacy.txt' }, sk: { S: 'version#0000000001' } },
      }),
    );
    const item = written.Item as Record<string, AttributeValue>;
    const streamed = {
      ...item,
      document: { B: Buffer.from(item.document?.B as Uint8Array).toString('base64') },
    };
    assert.deepEqual(
      versionFromStreamImage(streamed as unknown as Record<string, AttributeValue>)?.ninjs,
      LEGACY_DOCUMENT.ninjs,
    );
  });

  test('a new version item is brotli, says so, and round-trips through every reader', async () => {
    const { table, index } = await freshIndex();
    const stored = {
      uri: LEGACY_HEAD.uri,
      version: 1,
      contentHash: LEGACY_HEAD.contentHash,
      ...LEGACY_DOCUMENT,
    };
    await index.saveVersion(LEGACY_HEAD as never, stored as never, undefined);
    const written = await dynamoDb.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: 'article#urn:syndicate:wire/legacy.txt' }, sk: { S: 'version#0000000001' } },
      }),
    );
    const item = written.Item as Record<string, AttributeValue>;
    assert.equal(item.encoding?.S, 'br');
    // Decoded here with node:zlib directly, not with the adapter's decoder.
    assert.deepEqual(
      JSON.parse(brotliDecompressSync(item.document?.B as Uint8Array).toString('utf8')),
      LEGACY_DOCUMENT,
    );
    // The feed index does not project `encoding`, so feedHead names its own: [encoding, bytes].
    const [encoding, bytes] = item.feedHead?.L ?? [];
    assert.equal(item.feedHead?.L?.length, 2);
    assert.equal(encoding?.S, 'br');
    const feedHead = JSON.parse(brotliDecompressSync(bytes?.B as Uint8Array).toString('utf8'));
    // uri and version, which the index projects from the item, are not repeated; contentHash, which
    // it does not project, is kept inside.
    assert.equal(feedHead.uri, undefined);
    assert.equal(feedHead.version, undefined);
    assert.equal(
      feedHead.contentHash,
      'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    );
    assert.equal(feedHead.headline, 'Harbour bridge reopens after repairs');

    const version = await index.version('urn:syndicate:wire/legacy.txt', 1);
    assert.deepEqual(version?.ninjs, LEGACY_DOCUMENT.ninjs);
    const [entry] = await index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.deepEqual(entry?.head, LEGACY_HEAD);
  });

  test('one feed read returns an old gzip entry and a new [encoding, bytes] entry, in write order', async () => {
    const { table, index } = await freshIndex();
    await dynamoDb.client.send(new PutItemCommand({ TableName: table, Item: legacyVersionItem() }));
    const newHead = {
      ...LEGACY_HEAD,
      uri: 'urn:syndicate:wire/new.txt',
      contentHash: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
      origin: { key: 'wire/new.txt', sequencer: '0055AED6DCD90281E6' },
      firstCreated: '2026-12-01T10:00:00.000Z',
      versionCreated: '2026-12-01T10:00:00.000Z',
    };
    const stored = { uri: newHead.uri, version: 1, contentHash: newHead.contentHash, ...LEGACY_DOCUMENT };
    await index.saveVersion(newHead as never, stored as never, undefined);

    const entries = await index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.deepEqual(
      entries.map((entry) => entry.head),
      [LEGACY_HEAD, newHead],
    );
  });

  test('a feed head in an unknown encoding or an unknown shape is a clear error naming the entry', async () => {
    const { table, index } = await freshIndex();
    const range = {
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending' as const,
      limit: 10,
    };
    const put = (feedHead: AttributeValue) =>
      dynamoDb.client.send(
        new PutItemCommand({ TableName: table, Item: { ...legacyVersionItem(), feedHead } }),
      );

    await put({ L: [{ S: 'zstd' }, { B: gzipSync(JSON.stringify(LEGACY_HEAD)) }] });
    await assert.rejects(index.feedEntries(range), /unknown document encoding "zstd"/);

    await put({ S: JSON.stringify(LEGACY_HEAD) });
    await assert.rejects(
      index.feedEntries(range),
      /feedHead of feed entry "2026-12-01T09:00:00.000Z~0123456789abcdef" is neither gzip bytes nor a list/,
    );

    // Brotli bytes in the plain-binary form, which only ever held gzip: refused, not guessed at.
    await put({ B: brotliCompressSync(JSON.stringify(LEGACY_HEAD)) });
    await assert.rejects(
      index.feedEntries(range),
      /feedHead of feed entry "2026-12-01T09:00:00.000Z~0123456789abcdef" is not gzip-compressed JSON/,
    );
  });

  test('an encoding the reader does not know is a clear error, not a guess', async () => {
    const { table, index } = await freshIndex();
    await dynamoDb.client.send(
      new PutItemCommand({ TableName: table, Item: { ...legacyVersionItem(), encoding: { S: 'zstd' } } }),
    );
    await assert.rejects(
      index.version('urn:syndicate:wire/legacy.txt', 1),
      /unknown document encoding "zstd"/,
    );
  });

  test("the sample wire article's version item is under 3,072 bytes: 3 write units", async () => {
    const { table, index } = await freshIndex();
    const objects = new InMemoryObjectStore();
    const key = 'wire/trump-putin-syria.txt';
    objects.put('ingest', { key, bytes: readFileSync(WIRE_ARTICLE) });
    const outcome = await ingestObject(
      { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(NOW) },
      { bucket: 'ingest', key, sequencer: '0055AED6DCD90281E5' },
    );
    assert.equal(outcome.status, 'published');
    const written = await dynamoDb.client.send(
      new GetItemCommand({
        TableName: table,
        Key: {
          pk: { S: 'article#urn:syndicate:wire/trump-putin-syria.txt' },
          sk: { S: 'version#0000000001' },
        },
      }),
    );
    const item = written.Item as Record<string, AttributeValue>;
    // DynamoDB Developer Guide, "Item sizes and formats": an item's size is the UTF-8 length of each
    // attribute name plus its value (strings: UTF-8 bytes; binary: bytes; numbers: at most 1 byte per
    // 2 significant digits + 1; lists: 3 bytes plus 1 byte per element plus the elements).
    // "Read/write capacity mode": a write unit is one write of an item up to 1 KB, larger items take
    // one more unit per started 1 KB (1,024 bytes).
    const valueSize = (name: string, value: AttributeValue): number => {
      if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
      if (value.B !== undefined) return value.B.length;
      if (value.N !== undefined) return Math.ceil(value.N.length / 2) + 1;
      if (value.L !== undefined)
        return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(name, element), 0);
      return assert.fail(`unexpected attribute type on the version item: ${name}`);
    };
    let size = 0;
    for (const [name, value] of Object.entries(item))
      size += Buffer.byteLength(name, 'utf8') + valueSize(name, value);
    assert.ok(item.document?.B, 'the document is inside the item');
    assert.ok(size < 3072, `the version item is ${size} bytes`);
    assert.equal(Math.ceil(size / 1024), 3);
  });
});
