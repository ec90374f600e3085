import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type ContentApiServer, startContentApiServer } from '../../local/content-api-server.js';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../shared/adapters/memory/in-memory.js';
import { SignedLinkContentStore } from '../../shared/adapters/signed-link-content-store.js';
import { LinkSigner } from '../../shared/content-api/signed-links.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const URI = 'urn:syndicate:wire/story.txt';
const KEY_BYTES = Buffer.from('local-test-key-local-test-key-32', 'utf8');

describe('local content API server', () => {
  const index = new InMemoryArticleIndex();
  let clock = Date.parse('2026-11-25T10:00:00Z');
  let server: ContentApiServer;

  before(async () => {
    const objects = new InMemoryObjectStore();
    objects.put('ingest', { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
    const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
    await ingestObject(deps, { bucket: 'ingest', key: 'wire/story.txt', sequencer: '01' });
    server = await startContentApiServer({
      index,
      signingKey: async () => KEY_BYTES,
      now: () => new Date(clock),
    });
  });
  after(() => server.close());

  test('listens on 127.0.0.1 on a free port', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d{2,5}$/);
  });

  test('a signed link fetches the document over HTTP; expired, it is 403', async () => {
    const stored = await index.version(URI, 1);
    assert.ok(stored);
    const store = new SignedLinkContentStore(
      new LinkSigner(KEY_BYTES),
      server.url,
      600,
      () => new Date(clock),
    );
    const link = await store.put(URI, 1, stored.ninjs);
    const response = await fetch(link.href);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.length, link.sizeInBytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), link.sha256);
    assert.deepEqual(ninjsProblems(JSON.parse(bytes.toString('utf8'))), []);
    clock += 600_000;
    const expired = await fetch(link.href);
    assert.equal(expired.status, 403);
    assert.equal(expired.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await expired.json()) as { title: string }).title, 'expired');
  });

  test('unknown paths are 404, writes 405, feeds 404 until the feeds are plugged in', async () => {
    assert.equal((await fetch(`${server.url}/nothing`)).status, 404);
    assert.equal((await fetch(`${server.url}/feeds/all-news-wire.atom`)).status, 404);
    const post = await fetch(`${server.url}/documents/x/v1`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });
});
