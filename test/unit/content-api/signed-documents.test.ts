import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import { SignedLinkContentStore } from '../../../shared/adapters/signed-link-content-store.js';
import type { ApiRequest, ApiResponse } from '../../../shared/content-api/http.js';
import { contentApi } from '../../../shared/content-api/service.js';
import { LinkSigner } from '../../../shared/content-api/signed-links.js';
import type { ArticleEnvelope } from '../../../shared/domain/message.js';
import { ninjsProblems } from '../../../shared/ninjs/validate.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { publishChanges } from '../../../shared/usecases/publish-changes.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const API = 'https://api.example.com';
const BUCKET = 'ingest';
const KEY = 'wire/story.txt';
const URI = 'urn:syndicate:wire/story.txt';
/** base64url of the uri, by hand: the path segment a link names it by. */
const URI_ID = 'dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA';
const KEY_BYTES = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');
/** 2026-11-25T10:00:00Z and one hour later, in seconds since the epoch. */
const SIGNED_AT = '2026-11-25T10:00:00.000Z';
const EXPIRES = 1_795_604_400;

async function setup() {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  let clock = Date.parse('2026-11-25T09:00:00Z');
  const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
  objects.put(BUCKET, { key: KEY, bytes: readFileSync(WIRE_ARTICLE) });
  await ingestObject(deps, { bucket: BUCKET, key: KEY, sequencer: '01' });
  const setClock = (iso: string) => {
    clock = Date.parse(iso);
  };
  const api = contentApi({
    index,
    signingKey: async () => KEY_BYTES,
    now: () => new Date(clock),
    callerPartner: async (request) => request.headers['x-partner'],
  });
  const get = (href: string, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const url = new URL(href);
    const request: ApiRequest = {
      method: 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      baseUrl: url.origin,
    };
    return api(request);
  };
  const withdraw = async () => {
    objects.delete(BUCKET, KEY);
    await withdrawObject(deps, { bucket: BUCKET, key: KEY, sequencer: '02' });
  };
  return { index, objects, get, setClock, withdraw };
}

async function documentOf(index: InMemoryArticleIndex) {
  const stored = await index.version(URI, 1);
  assert.ok(stored, 'version 1 is indexed');
  return stored.ninjs;
}

const store = new SignedLinkContentStore(new LinkSigner(KEY_BYTES), API, 3600, () => new Date(SIGNED_AT));

function problemOf(response: ApiResponse): { status: number; title: string } {
  assert.equal(response.headers['content-type'], 'application/problem+json');
  return JSON.parse(String(response.body));
}

describe('signed document links', () => {
  test('a link names the document by its uri in base64url and expires an hour after signing', async () => {
    const { index } = await setup();
    const stored = await index.version(URI, 1);
    assert.ok(stored);
    const link = await store.put(URI, 1, stored.ninjs);
    assert.match(
      link.href,
      new RegExp(`^${API}/documents/${URI_ID}/v1\\?expires=${EXPIRES}&sig=[A-Za-z0-9_-]{43}$`),
    );
    assert.equal(link.expiresAt, '2026-11-25T11:00:00.000Z');
    assert.equal(link.contentType, 'application/json');
  });

  test('a valid link returns the indexed ninjs 3.2 document, the bytes the link describes', async () => {
    const { index, get, setClock } = await setup();
    const stored = await index.version(URI, 1);
    assert.ok(stored);
    const link = await store.put(URI, 1, stored.ninjs);
    setClock('2026-11-25T10:59:59Z');
    const response = await get(link.href);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.match(response.headers['cache-control'] ?? '', /^private, max-age=1$/);
    const bytes = Buffer.from(response.body as Uint8Array);
    assert.equal(bytes.length, link.sizeInBytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), link.sha256);
    const document = JSON.parse(bytes.toString('utf8'));
    assert.deepEqual(ninjsProblems(document), []);
    assert.equal(document.uri, URI);
    assert.equal(document.version, '1');
    assert.equal(document.headlines[0].value, 'Trump, Putin signal new effort to cooperate on Syria');
    assert.deepEqual(document, stored.ninjs);
  });

  test('the second the link expires it is refused as expired', async () => {
    const { index, get, setClock } = await setup();
    const link = await store.put(URI, 1, await documentOf(index));
    setClock('2026-11-25T11:00:00Z');
    const response = await get(link.href);
    assert.equal(response.status, 403);
    assert.equal(problemOf(response).title, 'expired');
    setClock('2027-01-01T00:00:00Z');
    assert.equal(problemOf(await get(link.href)).title, 'expired');
  });

  test('a link changed in any part is refused as bad-signature, expired or not', async () => {
    const { index, get, setClock } = await setup();
    const link = await store.put(URI, 1, await documentOf(index));
    setClock('2026-11-25T10:30:00Z');
    const sig = new URL(link.href).searchParams.get('sig') ?? '';
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    // 32 bytes are 43 base64url characters, the last carrying 2 bits and 4 spare: flip a spare one.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = `${sig.slice(0, 42)}${alphabet[alphabet.indexOf(sig[42] ?? 'A') ^ 1]}`;
    const otherUri = Buffer.from('urn:syndicate:wire/other.txt').toString('base64url');
    const tampered = [
      link.href.replace('/v1?', '/v2?'),
      link.href.replace(`expires=${EXPIRES}`, `expires=${EXPIRES + 86_400}`),
      link.href.replace(URI_ID, otherUri),
      link.href.replace(`sig=${sig}`, `sig=${flipped}`),
      link.href.replace(`sig=${sig}`, `sig=${sig.slice(0, 20)}`),
      link.href.replace(`sig=${sig}`, `sig=${spare}`),
      `${link.href.replace('&sig=', '&partner=all-news-wire&sig=')}`,
    ];
    for (const href of tampered) {
      const response = await get(href);
      assert.equal(response.status, 403, href);
      assert.equal(problemOf(response).title, 'bad-signature', href);
    }
    const otherKey = new SignedLinkContentStore(
      new LinkSigner(Buffer.from('fedcba9876543210fedcba9876543210')),
      API,
      3600,
      () => new Date(SIGNED_AT),
    );
    const forged = await otherKey.put(URI, 1, { uri: URI });
    assert.equal(problemOf(await get(forged.href)).title, 'bad-signature');
  });

  test('a link without its expiry or signature, or with a malformed id, is not found', async () => {
    const { get } = await setup();
    for (const href of [
      `${API}/documents/${URI_ID}/v1`,
      `${API}/documents/${URI_ID}/v1?expires=${EXPIRES}`,
      `${API}/documents/${URI_ID}/v0?expires=${EXPIRES}&sig=x`,
      `${API}/documents/${URI_ID}=/v1?expires=${EXPIRES}&sig=x`,
      `${API}/documents/${URI_ID}/v1?expires=soon&sig=x`,
      `${API}/documents/${URI_ID}/v1?expires=${EXPIRES}&partner=&sig=x`,
    ]) {
      const response = await get(href);
      assert.equal(response.status, 404, href);
      assert.equal(problemOf(response).title, 'malformed-link', href);
    }
  });

  test('a link bound to a partner serves that partner only', async () => {
    const { index, get, setClock } = await setup();
    const signer = new LinkSigner(KEY_BYTES);
    const href = signer.link(API, { uri: URI, version: 1, expires: EXPIRES, partner: 'all-news-wire' });
    assert.match(href, /\?expires=1795604400&partner=all-news-wire&sig=/);
    setClock('2026-11-25T10:30:00Z');
    assert.equal((await get(href, { 'x-partner': 'all-news-wire' })).status, 200);
    for (const headers of [{ 'x-partner': 'sports-desk' }, {}] as Record<string, string>[]) {
      const response = await get(href, headers);
      assert.equal(response.status, 403);
      assert.equal(problemOf(response).title, 'other-partner');
    }
    // Dropping the partner from the link breaks its signature: it cannot be made anyone's.
    const unbound = href.replace('&partner=all-news-wire', '');
    assert.equal(problemOf(await get(unbound, { 'x-partner': 'sports-desk' })).title, 'bad-signature');
    assert.ok(await index.current(URI));
  });

  test("a withdrawn article's document is gone (410), for every version", async () => {
    const { index, get, setClock, withdraw } = await setup();
    const link = await store.put(URI, 1, await documentOf(index));
    setClock('2026-11-25T10:10:00Z');
    assert.equal((await get(link.href)).status, 200);
    await withdraw();
    const response = await get(link.href);
    assert.equal(response.status, 410);
    assert.equal(problemOf(response).title, 'withdrawn');
  });

  test('a version the index does not have is not found', async () => {
    const { get, setClock } = await setup();
    const href = new LinkSigner(KEY_BYTES).link(API, { uri: URI, version: 7, expires: EXPIRES });
    setClock('2026-11-25T10:10:00Z');
    const response = await get(href);
    assert.equal(response.status, 404);
    assert.equal(problemOf(response).title, 'not-found');
  });

  test('a client holding the document gets 304 for its entity tag', async () => {
    const { index, get, setClock } = await setup();
    const link = await store.put(URI, 1, await documentOf(index));
    setClock('2026-11-25T10:10:00Z');
    const first = await get(link.href);
    assert.equal(first.headers.etag, `"${link.sha256}"`);
    const again = await get(link.href, { 'if-none-match': `W/"${link.sha256}"` });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers['cache-control'], 'private, max-age=300');
  });

  test('a signing key shorter than 32 bytes, or a link to an empty partner name, is refused', () => {
    assert.throws(() => new LinkSigner(Buffer.alloc(31, 1)), /at least 32 bytes, not 31/);
    assert.throws(
      () => new LinkSigner(KEY_BYTES).link(API, { uri: URI, version: 1, expires: EXPIRES, partner: '' }),
      /a named partner or to none/,
    );
  });

  test("a linked summary's link, made by publish without writing anything, fetches the whole document", async () => {
    const { index, objects, get, setClock } = await setup();
    const head = await index.current(URI);
    assert.ok(head);
    const notifier = new InMemoryNotifier();
    const objectsBefore = [...objects.objects.keys()];
    const outcome = await publishChanges(
      {
        notifier,
        index,
        scheduler: new InMemoryScheduler(),
        now: () => new Date(SIGNED_AT),
        contentStore: store,
        linkedSummaries: true,
      },
      [{ id: 'seq-1', after: head }],
    );
    assert.deepEqual(outcome, { failedIds: [], abandoned: [], published: 1 });
    assert.deepEqual([...objects.objects.keys()], objectsBefore);
    const linked = notifier.published.find((message) => message.id === 'seq-1/summary-linked');
    const envelope = JSON.parse(linked?.body ?? '{}') as ArticleEnvelope;
    assert.equal(envelope.ninjs.representationType, 'partial');
    assert.ok(envelope.link);
    assert.match(envelope.link.href, new RegExp(`^${API}/documents/${URI_ID}/v1\\?expires=${EXPIRES}&sig=`));
    setClock('2026-11-25T10:05:00Z');
    const response = await get(envelope.link.href);
    assert.equal(response.status, 200);
    const bytes = Buffer.from(response.body as Uint8Array);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), envelope.link.sha256);
    assert.equal(bytes.length, envelope.link.sizeInBytes);
    assert.equal(JSON.parse(bytes.toString('utf8')).representationType, 'full');
  });

  test('a client that accepts gzip gets the document compressed; decoded, it is the bytes the link names', async () => {
    const { index, get, setClock } = await setup();
    const link = await store.put(URI, 1, await documentOf(index));
    setClock('2026-11-25T10:10:00Z');
    const compressed = await get(link.href, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(compressed.headers['content-encoding'], 'gzip');
    const decoded = gunzipSync(compressed.body as Uint8Array);
    assert.equal(createHash('sha256').update(decoded).digest('hex'), link.sha256);
    for (const refused of ['identity', 'gzip;q=0', 'br']) {
      const plain = await get(link.href, { 'accept-encoding': refused });
      assert.equal(plain.headers['content-encoding'], undefined, refused);
      assert.equal(Buffer.from(plain.body as Uint8Array).length, link.sizeInBytes, refused);
    }
  });

  test('a document too large for a Lambda answer (6 MB) uncompressed is served compressed only', async () => {
    const { index, get, setClock } = await setup();
    const head = await index.current(URI);
    const first = await index.version(URI, 1);
    assert.ok(head && first);
    // 4,800,000 characters of text: over 6 MB base64-encoded, a few KB gzip-compressed.
    const ninjs = {
      ...first.ninjs,
      version: '2',
      bodies: [{ role: 'main', contentType: 'text/plain', value: 'All quiet on the wire. '.repeat(208_696) }],
    };
    await index.saveVersion({ ...head, version: 2 }, { ...first, version: 2, ninjs }, 1);
    const link = await store.put(URI, 2, ninjs);
    assert.ok(link.sizeInBytes > 4_800_000);
    setClock('2026-11-25T10:10:00Z');
    const refused = await get(link.href);
    assert.equal(refused.status, 406);
    assert.equal(problemOf(refused).title, 'too-large-uncompressed');
    const served = await get(link.href, { 'accept-encoding': 'gzip' });
    assert.equal(served.status, 200);
    assert.ok((served.body as Uint8Array).length < 1_000_000);
    assert.equal(
      createHash('sha256')
        .update(gunzipSync(served.body as Uint8Array))
        .digest('hex'),
      link.sha256,
    );
  });
});
