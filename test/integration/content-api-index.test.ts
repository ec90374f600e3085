/**
 * The content API over the DynamoDB index (dynalite): a document too large for its item (DynamoDB's
 * 409,600 bytes) is kept in the document store and served through the index, byte for byte what
 * publish's link announced.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import {
  InMemoryDocumentStore,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../shared/adapters/memory/in-memory.js';
import { SignedLinkContentStore } from '../../shared/adapters/signed-link-content-store.js';
import type { ApiResponse } from '../../shared/content-api/http.js';
import { contentApi } from '../../shared/content-api/service.js';
import { LinkSigner } from '../../shared/content-api/signed-links.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { wireStoryOfSize } from '../helpers/prose.js';

const KEY = 'longreads/prose-2mib.txt';
const URI = 'urn:syndicate:longreads/prose-2mib.txt';
const KEY_BYTES = Buffer.from('dynalite-test-key-dynalite-test-', 'utf8');
const API = 'https://r4nd0m1d.execute-api.us-east-1.amazonaws.com';

describe('content API over the DynamoDB index', () => {
  let server: Server;
  let client: DynamoDBClient;
  let index: DynamoDbArticleIndex;
  const documents = new InMemoryDocumentStore();
  const now = () => new Date('2026-11-25T10:00:00Z');

  before(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'articles',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    index = new DynamoDbArticleIndex(client, 'articles', { documents });
    const objects = new InMemoryObjectStore();
    objects.put('ingest', { key: KEY, bytes: Buffer.from(wireStoryOfSize(2 * 1024 * 1024, 3)) });
    const outcome = await ingestObject(
      { objects, index, quarantine: new InMemoryQuarantine(), now },
      { bucket: 'ingest', key: KEY, sequencer: '01' },
    );
    assert.equal(outcome.status, 'published');
  });

  after(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  test('a 2 MiB article (too large for an item even compressed) is kept out of its item and served whole by its link', async () => {
    const item = await client.send(
      new GetItemCommand({
        TableName: 'articles',
        Key: { pk: { S: `article#${URI}` }, sk: { S: 'version#0000000001' } },
      }),
    );
    assert.equal(item.Item?.document, undefined, 'the document is not in the item');
    assert.ok(item.Item?.documentKey?.S, 'the item points at the document store');

    const stored = await index.version(URI, 1);
    assert.ok(stored);
    const store = new SignedLinkContentStore(new LinkSigner(KEY_BYTES), API, 3600, now);
    const link = await store.put(URI, 1, stored.ninjs);
    assert.ok(link.sizeInBytes > 2 * 1024 * 1024);

    const api = contentApi({
      index,
      signingKey: async () => KEY_BYTES,
      now: () => new Date('2026-11-25T10:20:00Z'),
    });
    const url = new URL(link.href);
    const get = (headers: Record<string, string>): Promise<ApiResponse> =>
      api({
        method: 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        baseUrl: API,
      });
    const plain = await get({});
    assert.equal(plain.status, 200);
    const bytes = Buffer.from(plain.body as Uint8Array);
    assert.equal(bytes.length, link.sizeInBytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), link.sha256);
    assert.deepEqual(ninjsProblems(JSON.parse(bytes.toString('utf8'))), []);
    const compressed = await get({ 'accept-encoding': 'gzip' });
    assert.equal(compressed.headers['content-encoding'], 'gzip');
    assert.ok((compressed.body as Uint8Array).length < bytes.length / 2);
    assert.equal(
      createHash('sha256')
        .update(gunzipSync(compressed.body as Uint8Array))
        .digest('hex'),
      link.sha256,
    );
  });
});
