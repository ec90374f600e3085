/**
 * Pull feeds (shared/feeds/): what each partner's feed holds, order and cursors, the visibility rule
 * on an injected clock, authentication and key rotation, conditional requests. Feeds are parsed with
 * feedsmith (not our code), JSON Feed is checked against its published schema, every item's ninjs
 * against ninjs 3.2.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { SaxesParser } from 'saxes';
import { InMemoryContentStore } from '../../../shared/adapters/in-memory-content-store.js';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import type { ApiRequest, ApiResponse } from '../../../shared/content-api/http.js';
import type { ArticleEnvelope } from '../../../shared/domain/message.js';
import { InMemoryApiKeyStore, rotateApiKey } from '../../../shared/feeds/api-keys.js';
import { feedRoute } from '../../../shared/feeds/route.js';
import { ninjsProblems } from '../../../shared/ninjs/validate.js';
import { evaluateFilterPolicy } from '../../../shared/partners/filter-policy.js';
import {
  parsePartnerRegistry,
  payloadVariantOf,
  subscriptionFilterPolicyFor,
} from '../../../shared/partners/registry.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { type ArticleChange, publishChanges } from '../../../shared/usecases/publish-changes.js';
import { releaseEmbargo } from '../../../shared/usecases/release-embargo.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';
import { FIXTURES } from '../../helpers/paths.js';

const SETTLE_MS = 60_000;
const START = Date.parse('2026-12-01T09:00:00.000Z');

/** The registry's partners as config/partners.json has them, and one AWS partner for IAM callers. */
const REGISTRY = {
  partners: [
    { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
    {
      name: 'politics-conflict-en',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:11000000', 'medtop:16000000'], languages: ['en'] },
    },
    { name: 'sports-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
    {
      name: 'headline-ticker',
      delivery: { type: 'sqs' },
      filters: {
        languages: ['en'],
        eventTypes: ['article.published', 'article.updated', 'article.withdrawn'],
      },
      payload: 'summary',
    },
    {
      name: 'breaking-alerts',
      delivery: { type: 'https', endpoint: 'https://alerts.partner.example/syndication/sns' },
      filters: { minUrgency: 3 },
      payload: 'summary',
    },
    {
      name: 'premium-digest',
      delivery: { type: 'sqs', accountId: '111122223333' },
      filters: { eventTypes: ['article.published'] },
      payload: 'summary',
      fullTextLink: true,
    },
  ],
};

interface Story {
  readonly headline: string;
  readonly language: string;
  readonly subject: string;
  readonly urgency?: number;
  readonly embargoedUntil?: string;
  readonly body?: string;
}

function ninjsOf(story: Story): string {
  return JSON.stringify({
    headlines: [{ role: 'main', value: story.headline }],
    descriptions: [{ role: 'summary', value: `Summary: ${story.headline}.` }],
    language: story.language,
    ...(story.urgency !== undefined ? { urgency: story.urgency } : {}),
    ...(story.embargoedUntil ? { embargoedUntil: story.embargoedUntil } : {}),
    subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${story.subject}`, name: story.subject }],
    bodies: [
      {
        role: 'main',
        contentType: 'text/plain',
        value:
          story.body ??
          `${story.headline}, the correspondent reported on Monday. Officials confirmed the details later in the day.`,
      },
    ],
  });
}

function world(options: { pageSize?: number; settleMs?: number; scanBudget?: number } = {}) {
  let clock = START;
  const index = new InMemoryArticleIndex(() => clock);
  const objects = new InMemoryObjectStore();
  const quarantine = new InMemoryQuarantine();
  const keys = new InMemoryApiKeyStore();
  const partners = parsePartnerRegistry(REGISTRY);
  const ingestDeps = { objects, index, quarantine, now: () => new Date(clock) };
  const route = feedRoute({
    index,
    keys,
    partners,
    now: () => clock,
    settleMs: options.settleMs ?? SETTLE_MS,
    contentStore: new InMemoryContentStore(),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.scanBudget ? { scanBudget: options.scanBudget } : {}),
  });
  const issued = new Map<string, string>();
  return {
    index,
    keys,
    advance: (ms: number) => {
      clock += ms;
    },
    setClock: (ms: number) => {
      clock = ms;
    },
    now: () => clock,
    async publish(key: string, story: Story) {
      objects.put('ingest', { key, bytes: Buffer.from(ninjsOf(story)) });
      const outcome = await ingestObject(ingestDeps, { bucket: 'ingest', key });
      clock += 1000;
      return outcome;
    },
    async withdraw(key: string) {
      objects.delete('ingest', key);
      const outcome = await withdrawObject(ingestDeps, { bucket: 'ingest', key });
      clock += 1000;
      return outcome;
    },
    async release(uri: string, version: number, at: string) {
      return releaseEmbargo({ index, now: () => new Date(clock) }, { uri, version, at });
    },
    async keyOf(partner: string) {
      let key = issued.get(partner);
      if (!key) {
        key = (await rotateApiKey(keys, partner, { now: () => clock })).key;
        issued.set(partner, key);
      }
      return key;
    },
    async get(path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
      const request: ApiRequest = {
        method: 'GET',
        path,
        query,
        headers,
        baseUrl: 'https://api.example.com',
      };
      return route(request);
    },
    async feed(partner: string, format: 'atom' | 'json', query: Record<string, string> = {}, headers = {}) {
      const key = await this.keyOf(partner);
      return this.get(`/feeds/${partner}.${format}`, query, { authorization: `Bearer ${key}`, ...headers });
    },
  };
}

type World = ReturnType<typeof world>;

interface JsonFeedItem {
  id: string;
  content_text?: string;
  _syndicate: {
    cursor: string;
    eventType: string;
    version: number;
    withdrawn: boolean;
    envelope: ArticleEnvelope;
  };
}

interface JsonFeedDocument {
  next_url?: string;
  items: JsonFeedItem[];
  _syndicate: { cursor?: string; order: string };
}

function bodyText(response: ApiResponse): string {
  return typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
}

function jsonFeed(response: ApiResponse): JsonFeedDocument {
  assert.equal(response.status, 200, bodyText(response));
  return JSON.parse(bodyText(response)) as JsonFeedDocument;
}

/** The query of a next link, as the client would follow it. */
function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

/** Follows `next_url` from `query` to the end; every item of every page in order. */
async function readAll(w: World, partner: string, query: Record<string, string>) {
  const items: JsonFeedItem[] = [];
  let pages = 0;
  let document = jsonFeed(await w.feed(partner, 'json', query));
  for (;;) {
    pages++;
    items.push(...document.items);
    if (!document.next_url) return { items, pages, cursor: document._syndicate.cursor };
    document = jsonFeed(await w.feed(partner, 'json', queryOf(document.next_url)));
  }
}

const jsonFeedValidator = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS with the plugin on `exports.default`.
  ajvFormats.default(ajv);
  // draft-04 `id` read as draft-07 `$id` (test/fixtures/jsonfeed/SOURCES.md).
  const load = (file: string) => {
    const {
      id,
      $schema: _draft,
      ...schema
    } = JSON.parse(readFileSync(`${FIXTURES}/jsonfeed/${file}`, 'utf8')) as Record<string, unknown>;
    return { ...schema, $id: id as string };
  };
  ajv.addSchema(load('feed-1.json'));
  return ajv.compile(load('feed.json'));
})();

/** Four stories whose filter attributes are chosen so that each partner takes a different set. */
const STORIES: Readonly<Record<string, Story>> = {
  'wire/cup-final.json': {
    headline: 'Harbour City win the cup',
    language: 'en',
    subject: '15000000',
    urgency: 4,
  },
  'wire/ceasefire.json': {
    headline: 'Ceasefire agreed in the north',
    language: 'en',
    subject: '16000000',
    urgency: 2,
  },
  'wire/tour-etape.json': {
    headline: 'Étape de montagne au Tour',
    language: 'fr',
    subject: '15000000',
    urgency: 5,
  },
  'wire/markets.json': { headline: 'Märkte schließen höher', language: 'de', subject: '04000000' },
};

async function publishStories(w: World) {
  for (const [key, story] of Object.entries(STORIES)) await w.publish(key, story);
  w.advance(SETTLE_MS + 1000);
}

const uriOf = (key: string) => `urn:syndicate:${key}`;

describe('what a feed holds', () => {
  test("each partner's feed holds exactly what its registry filter admits", async () => {
    const w = world();
    await publishStories(w);
    // Worked out by hand from each registry entry's filters:
    // all-news-wire: no filter. politics-conflict-en: politics or conflict (16000000), and English.
    // sports-desk: sport (15000000), any language. headline-ticker: English.
    // breaking-alerts: urgency 1 to 3. premium-digest: every language, new articles only.
    const expected: Record<string, string[]> = {
      'all-news-wire': [
        'wire/cup-final.json',
        'wire/ceasefire.json',
        'wire/tour-etape.json',
        'wire/markets.json',
      ],
      'politics-conflict-en': ['wire/ceasefire.json'],
      'sports-desk': ['wire/cup-final.json', 'wire/tour-etape.json'],
      'headline-ticker': ['wire/cup-final.json', 'wire/ceasefire.json'],
      'breaking-alerts': ['wire/ceasefire.json'],
      'premium-digest': [
        'wire/cup-final.json',
        'wire/ceasefire.json',
        'wire/tour-etape.json',
        'wire/markets.json',
      ],
    };
    for (const [partner, keys] of Object.entries(expected)) {
      const { items } = await readAll(w, partner, { since: '2026-12-01T00:00:00Z' });
      assert.deepEqual(
        items.map((item) => item.id),
        keys.map(uriOf),
        partner,
      );
    }
  });

  test('each item carries the envelope of the partner payload variant, valid ninjs 3.2', async () => {
    const w = world();
    await publishStories(w);
    const full = jsonFeed(await w.feed('all-news-wire', 'json')).items[0];
    assert.equal(full?._syndicate.envelope.payload, 'full');
    assert.equal(full?._syndicate.envelope.link, undefined);
    assert.match(
      full?._syndicate.envelope.ninjs.bodies?.[0]?.value ?? '',
      /correspondent reported on Monday/,
    );
    const summary = jsonFeed(await w.feed('headline-ticker', 'json')).items[0];
    assert.equal(summary?._syndicate.envelope.payload, 'summary');
    assert.equal(summary?._syndicate.envelope.ninjs.representationType, 'partial');
    assert.equal(summary?._syndicate.envelope.ninjs.bodies, undefined);
    assert.equal(summary?._syndicate.envelope.link, undefined);
    const linked = jsonFeed(await w.feed('premium-digest', 'json')).items[0];
    assert.equal(linked?._syndicate.envelope.payload, 'summary');
    assert.equal(linked?._syndicate.envelope.ninjs.bodies, undefined);
    assert.match(linked?._syndicate.envelope.link?.href ?? '', /^memory:/);
    for (const partner of REGISTRY.partners.map((entry) => entry.name)) {
      const document = jsonFeed(await w.feed(partner, 'json'));
      assert.ok(jsonFeedValidator(document), `${partner}: ${JSON.stringify(jsonFeedValidator.errors)}`);
      for (const item of document.items)
        assert.deepEqual(ninjsProblems(item._syndicate.envelope.ninjs), [], `${partner} ${item.id}`);
    }
  });

  test('a feedsmith parse of the Atom feed gives the entries, newest first, with their titles', async () => {
    const w = world();
    await publishStories(w);
    const response = await w.feed('sports-desk', 'atom');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/atom+xml; charset=utf-8');
    const parsed = parseAtomFeed(bodyText(response));
    assert.equal(parsed.id, 'urn:syndicate:feed:sports-desk');
    assert.deepEqual(
      parsed.entries?.map((entry) => [entry.id, entry.title?.value]),
      [
        ['urn:syndicate:wire/tour-etape.json', 'Étape de montagne au Tour'],
        ['urn:syndicate:wire/cup-final.json', 'Harbour City win the cup'],
      ],
    );
    assert.deepEqual(
      parsed.entries?.[1]?.categories?.map((category) => category.term),
      ['medtop:15000000'],
    );
  });

  test('a withdrawal is an RFC 6721 deleted entry in Atom and a withdrawn item in JSON Feed', async () => {
    const w = world();
    await w.publish('wire/cup-final.json', STORIES['wire/cup-final.json'] as Story);
    await w.withdraw('wire/cup-final.json');
    w.advance(SETTLE_MS + 1000);
    const json = jsonFeed(await w.feed('sports-desk', 'json'));
    assert.deepEqual(
      json.items.map((item) => [
        item.id,
        item._syndicate.eventType,
        item._syndicate.version,
        item._syndicate.withdrawn,
      ]),
      [
        ['urn:syndicate:wire/cup-final.json', 'article.withdrawn', 2, true],
        ['urn:syndicate:wire/cup-final.json', 'article.published', 1, false],
      ],
    );
    assert.equal(json.items[0]?.content_text, 'Withdrawn by its publisher: remove this article.');
    assert.ok(jsonFeedValidator(json), JSON.stringify(jsonFeedValidator.errors));

    const atom = bodyText(await w.feed('sports-desk', 'atom'));
    // feedsmith reads the remaining entry; the tombstone is an extension it leaves to the namespace.
    assert.deepEqual(
      parseAtomFeed(atom).entries?.map((entry) => entry.id),
      ['urn:syndicate:wire/cup-final.json'],
    );
    const tombstones: Record<string, string>[] = [];
    const parser = new SaxesParser({ xmlns: true });
    parser.on('opentag', (tag) => {
      if (tag.uri === 'http://purl.org/atompub/tombstones/1.0' && tag.local === 'deleted-entry')
        tombstones.push(Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value])));
    });
    parser.write(atom).close();
    assert.equal(tombstones.length, 1);
    assert.equal(tombstones[0]?.ref, 'urn:syndicate:wire/cup-final.json');
    assert.match(tombstones[0]?.when ?? '', /^2026-12-01T09:00:01\.000Z$/);
  });

  test('an embargoed version is absent until its release, then published', async () => {
    const w = world();
    const outcome = await w.publish('wire/results.json', {
      headline: 'Quarterly results',
      language: 'en',
      subject: '04000000',
      embargoedUntil: '2026-12-01T12:00:00Z',
    });
    assert.equal(outcome.status, 'withheld');
    w.advance(SETTLE_MS + 1000);
    assert.deepEqual(jsonFeed(await w.feed('all-news-wire', 'json')).items, []);
    w.setClock(Date.parse('2026-12-01T12:00:00Z'));
    assert.equal(
      (await w.release('urn:syndicate:wire/results.json', 1, '2026-12-01T12:00:00Z')).status,
      'released',
    );
    w.advance(SETTLE_MS + 1000);
    const items = jsonFeed(await w.feed('all-news-wire', 'json')).items;
    assert.deepEqual(
      items.map((item) => [item.id, item._syndicate.eventType, item._syndicate.version]),
      [['urn:syndicate:wire/results.json', 'article.published', 2]],
    );
  });
});

describe('order and cursor', () => {
  const story = (n: number): Story => ({
    headline: `Story number ${n} of the outage`,
    language: 'en',
    // Every other story is sport, so sports-desk's reads pass over entries it does not take.
    subject: n % 2 === 0 ? '15000000' : '11000000',
  });
  const key = (n: number) => `wire/story-${String(n).padStart(2, '0')}.json`;

  test('articles published while a partner was down come back once each, oldest first, across pages', async () => {
    const w = world({ pageSize: 4 });
    await w.publish('wire/before.json', story(0));
    w.advance(SETTLE_MS + 1000);
    const { cursor } = await readAll(w, 'all-news-wire', { since: '2026-12-01T00:00:00Z' });
    assert.ok(cursor);
    // The partner goes down; 25 stories are published, five minutes apart.
    for (let n = 1; n <= 25; n++) {
      await w.publish(key(n), story(n));
      w.advance(300_000);
    }
    w.advance(SETTLE_MS);
    const back = await readAll(w, 'all-news-wire', { since: cursor });
    assert.deepEqual(
      back.items.map((item) => item.id),
      Array.from({ length: 25 }, (_, n) => uriOf(key(n + 1))),
    );
    assert.equal(back.pages, 7); // 25 items, 4 a page
    const sport = await readAll(w, 'sports-desk', { since: cursor });
    assert.deepEqual(
      sport.items.map((item) => item.id),
      [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24].map((n) => uriOf(key(n))),
    );
    // Caught up: the resume cursor returns nothing more, and then only what is new.
    assert.deepEqual((await readAll(w, 'all-news-wire', { since: back.cursor as string })).items, []);
    await w.publish(key(26), story(26));
    w.advance(SETTLE_MS + 1000);
    assert.deepEqual(
      (await readAll(w, 'all-news-wire', { since: back.cursor as string })).items.map((item) => item.id),
      [uriOf(key(26))],
    );
  });

  test('newest first, pages continue below the last entry read without gaps or duplicates', async () => {
    const w = world({ pageSize: 3 });
    for (let n = 1; n <= 10; n++) await w.publish(key(n), story(n));
    w.advance(SETTLE_MS + 1000);
    const { items, pages } = await readAll(w, 'all-news-wire', {});
    assert.deepEqual(
      items.map((item) => item.id),
      Array.from({ length: 10 }, (_, n) => uriOf(key(10 - n))),
    );
    assert.equal(pages, 4);
  });

  test('a narrow filter over many entries gets short pages within the read budget, and still everything', async () => {
    const w = world({ pageSize: 50, scanBudget: 5 });
    for (let n = 1; n <= 12; n++) await w.publish(key(n), story(n));
    w.advance(SETTLE_MS + 1000);
    const { items, pages } = await readAll(w, 'sports-desk', { since: '2026-12-01T00:00:00Z' });
    assert.deepEqual(
      items.map((item) => item.id),
      [2, 4, 6, 8, 10, 12].map((n) => uriOf(key(n))),
    );
    assert.equal(pages, 3); // 12 entries read 5 at most per request
  });

  test('an entry becomes visible once its write time is a settle interval in the past', async () => {
    const w = world();
    await w.publish(key(1), story(1)); // written at 09:00:00.000
    w.setClock(Date.parse('2026-12-01T09:01:00.000Z'));
    assert.deepEqual(jsonFeed(await w.feed('all-news-wire', 'json')).items, []);
    w.setClock(Date.parse('2026-12-01T09:01:01.000Z'));
    assert.deepEqual(
      jsonFeed(await w.feed('all-news-wire', 'json')).items.map((item) => item.id),
      [uriOf(key(1))],
    );
  });

  test('a write stamped earlier but stored after a later one is not skipped by a cursor reader', async () => {
    // Writer Z stamps 09:00:55 and is stored at once; writer Y stamped 09:00:50 but is slow and is stored
    // after the partner's read at 09:01:01. With the settle interval, that read shows neither, so
    // the cursor stays before both.
    const run = async (settleMs: number) => {
      const w = world({ settleMs });
      await w.publish(key(0), story(0)); // 09:00:00
      w.setClock(Date.parse('2026-12-01T09:00:55.000Z'));
      await w.publish(key(2), story(2));
      w.setClock(Date.parse('2026-12-01T09:01:01.000Z'));
      const first = await readAll(w, 'all-news-wire', { since: '2026-12-01T09:00:00Z' });
      w.setClock(Date.parse('2026-12-01T09:00:50.000Z'));
      await w.publish(key(1), story(1));
      w.setClock(Date.parse('2026-12-01T09:03:00.000Z'));
      const second = await readAll(w, 'all-news-wire', { since: first.cursor as string });
      return [...first.items, ...second.items].map((item) => item.id);
    };
    assert.deepEqual(await run(SETTLE_MS), [uriOf(key(0)), uriOf(key(1)), uriOf(key(2))]);
    // Without it, the first read hands out a cursor past Z, and Y is never seen: the rule is needed.
    assert.deepEqual(await run(0), [uriOf(key(0)), uriOf(key(2))]);
  });

  test('a cursor that is neither ours nor a date-time is 400; one older than 30 days is 410', async () => {
    const w = world();
    const bad = await w.feed('all-news-wire', 'json', { since: 'yesterday' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json');
    const old = await w.feed('all-news-wire', 'json', { since: '2026-10-01T00:00:00Z' });
    assert.equal(old.status, 410);
    const both = await w.feed('all-news-wire', 'json', {
      since: '2026-12-01T00:00:00Z',
      page: '2026-12-01T00:00:00Z',
    });
    assert.equal(both.status, 400);
  });
});

describe('authentication', () => {
  test('no key is 401 with a Bearer challenge; a malformed or unknown key is 401', async () => {
    const w = world();
    const none = await w.get('/feeds/all-news-wire.json');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="feeds"');
    assert.equal(
      (await w.get('/feeds/all-news-wire.json', {}, { authorization: 'Bearer letmein' })).status,
      401,
    );
    const unknown = `syn_${'A'.repeat(43)}`;
    assert.equal(
      (await w.get('/feeds/all-news-wire.json', {}, { authorization: `Bearer ${unknown}` })).status,
      401,
    );
  });

  test("one partner's key reads its own feed (Bearer or x-api-key) and never another's (403)", async () => {
    const w = world();
    const key = await w.keyOf('sports-desk');
    assert.match(key, /^syn_[A-Za-z0-9_-]{43}$/);
    assert.equal((await w.get('/feeds/sports-desk.json', {}, { 'x-api-key': key })).status, 200);
    assert.equal(
      (await w.get('/feeds/sports-desk.atom', {}, { authorization: `Bearer ${key}` })).status,
      200,
    );
    assert.equal((await w.get('/feeds/all-news-wire.json', {}, { 'x-api-key': key })).status, 403);
    assert.equal((await w.get('/feeds/no-such-partner.json', {}, { 'x-api-key': key })).status, 403);
  });

  test('only the digest of a key is stored', async () => {
    const w = world();
    const key = await w.keyOf('sports-desk');
    const stored = JSON.stringify([...w.keys.keys.values(), ...w.keys.partners.values()]);
    assert.ok(!stored.includes(key.slice(4)));
    assert.match(stored, /"hash":"[0-9a-f]{64}"/);
  });

  test('an IAM caller reads the feed of the partner whose registry entry names its account, no other', async () => {
    const w = world();
    const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:role/feed-reader' };
    const request = (path: string, iamCaller = caller): ApiRequest => ({
      method: 'GET',
      path,
      query: {},
      headers: {},
      baseUrl: 'https://api.example.com',
      iamCaller,
    });
    const route = feedRoute({
      index: w.index,
      keys: w.keys,
      partners: parsePartnerRegistry(REGISTRY),
      now: w.now,
    });
    assert.equal((await route(request('/feeds/premium-digest.json'))).status, 200);
    assert.equal((await route(request('/feeds/all-news-wire.json'))).status, 403);
    const stranger = { accountId: '444455556666', arn: 'arn:aws:iam::444455556666:root' };
    assert.equal((await route(request('/feeds/premium-digest.json', stranger))).status, 403);
  });

  test('after a rotation the old key works for the grace period, then is refused', async () => {
    const w = world();
    const old = await w.keyOf('sports-desk');
    const rotation = await rotateApiKey(w.keys, 'sports-desk', { now: w.now, graceMs: 3_600_000 });
    assert.equal(rotation.previousValidUntil, '2026-12-01T10:00:00.000Z');
    const read = (key: string) => w.get('/feeds/sports-desk.json', {}, { 'x-api-key': key });
    assert.equal((await read(rotation.key)).status, 200);
    assert.equal((await read(old)).status, 200);
    w.setClock(Date.parse('2026-12-01T09:59:59.999Z'));
    assert.equal((await read(old)).status, 200);
    w.setClock(Date.parse('2026-12-01T10:00:00.000Z'));
    const expired = await read(old);
    assert.equal(expired.status, 401);
    assert.match(bodyText(expired), /expired-key/);
    assert.equal((await read(rotation.key)).status, 200);
  });

  test('a rotation with no grace refuses the old key at once; a second rotation revokes the oldest', async () => {
    const w = world();
    const first = await w.keyOf('sports-desk');
    const read = (key: string) => w.get('/feeds/sports-desk.json', {}, { 'x-api-key': key });
    const second = await rotateApiKey(w.keys, 'sports-desk', { now: w.now, graceMs: 0 });
    assert.equal((await read(first)).status, 401);
    const third = await rotateApiKey(w.keys, 'sports-desk', { now: w.now });
    const fourth = await rotateApiKey(w.keys, 'sports-desk', { now: w.now });
    assert.equal((await read(second.key)).status, 401);
    assert.equal((await read(third.key)).status, 200);
    assert.equal((await read(fourth.key)).status, 200);
  });
});

describe('methods and paths', () => {
  test('HEAD answers the headers without a body; POST is 405 with Allow; another path is 404', async () => {
    const w = world();
    await publishStories(w);
    const key = await w.keyOf('all-news-wire');
    const route = feedRoute({
      index: w.index,
      keys: w.keys,
      partners: parsePartnerRegistry(REGISTRY),
      now: w.now,
      settleMs: SETTLE_MS,
    });
    const request = (method: string, path = '/feeds/all-news-wire.json'): ApiRequest => ({
      method,
      path,
      query: {},
      headers: { 'x-api-key': key },
      baseUrl: 'https://api.example.com',
    });
    const head = await route(request('HEAD'));
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-type'], 'application/feed+json; charset=utf-8');
    const post = await route(request('POST'));
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await route(request('GET', '/feeds/all-news-wire.rss'))).status, 404);
  });
});

describe('conditional requests', () => {
  test('If-None-Match with the ETag is 304 until a new entry settles', async () => {
    const w = world();
    await publishStories(w);
    const first = await w.feed('sports-desk', 'json');
    assert.equal(first.headers['content-type'], 'application/feed+json; charset=utf-8');
    const etag = first.headers.etag as string;
    assert.match(etag, /^W\/"/);
    const again = await w.feed('sports-desk', 'json', {}, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, etag);
    await w.publish('wire/derby.json', { headline: 'Derby ends level', language: 'en', subject: '15000000' });
    w.advance(SETTLE_MS + 1000);
    const changed = await w.feed('sports-desk', 'json', {}, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
  });

  test('If-Modified-Since with the Last-Modified is 304 until a new entry settles', async () => {
    const w = world();
    await publishStories(w);
    const first = await w.feed('all-news-wire', 'atom');
    // The last story was written at 09:00:03 (one a second from 09:00:00).
    assert.equal(first.headers['last-modified'], 'Tue, 01 Dec 2026 09:00:03 GMT');
    const since = { 'if-modified-since': first.headers['last-modified'] as string };
    assert.equal((await w.feed('all-news-wire', 'atom', {}, since)).status, 304);
    await w.publish('wire/late.json', { headline: 'Late story', language: 'en', subject: '04000000' });
    w.advance(SETTLE_MS + 1000);
    assert.equal((await w.feed('all-news-wire', 'atom', {}, since)).status, 200);
  });

  test('an ETag of one format does not match the other', async () => {
    const w = world();
    await publishStories(w);
    const atom = await w.feed('all-news-wire', 'atom');
    const json = await w.feed('all-news-wire', 'json', {}, { 'if-none-match': atom.headers.etag as string });
    assert.equal(json.status, 200);
  });
});

describe('JSON Feed schema fixture', () => {
  test('the published schema refuses a feed without items and an item without content', () => {
    assert.equal(jsonFeedValidator({ version: 'https://jsonfeed.org/version/1.1', title: 'x' }), false);
    assert.equal(
      jsonFeedValidator({ version: 'https://jsonfeed.org/version/1.1', title: 'x', items: [{ id: '1' }] }),
      false,
    );
  });
});

describe('feedsmith reads the JSON Feed', () => {
  test('items, their ids and the next link', async () => {
    const w = world({ pageSize: 2 });
    await publishStories(w);
    const parsed = parseJsonFeed(bodyText(await w.feed('all-news-wire', 'json')));
    assert.deepEqual(
      parsed.items?.map((item) => item.id),
      ['urn:syndicate:wire/markets.json', 'urn:syndicate:wire/tour-etape.json'],
    );
    assert.match(
      parsed.next_url ?? '',
      /^https:\/\/api\.example\.com\/feeds\/all-news-wire\.json\?page=2026-12-01T09%3A00%3A02\.000Z%7E[0-9a-f]{16}$/,
    );
  });
});

describe('a feed equals what the partner queue receives', () => {
  test('for published, updated, embargoed, released and withdrawn versions, every partner', async () => {
    // Every head change the index saves, as the table's stream reports it to publish.
    const changes: ArticleChange[] = [];
    const w = world();
    const save = w.index.saveVersion.bind(w.index);
    w.index.saveVersion = async (head, stored, expected) => {
      const before = await w.index.current(head.uri);
      await save(head, stored, expected);
      changes.push({ id: `change-${changes.length}`, ...(before ? { before } : {}), after: head });
    };
    await w.publish('wire/cup-final.json', STORIES['wire/cup-final.json'] as Story);
    await w.publish('wire/ceasefire.json', STORIES['wire/ceasefire.json'] as Story);
    await w.publish('wire/cup-final.json', {
      ...(STORIES['wire/cup-final.json'] as Story),
      body: 'A corrected report of the final, with the scorers named.',
    });
    await w.publish('wire/tour-etape.json', STORIES['wire/tour-etape.json'] as Story);
    await w.publish('wire/results.json', {
      headline: 'Results',
      language: 'en',
      subject: '04000000',
      urgency: 3,
      embargoedUntil: '2026-12-01T09:30:00Z',
    });
    await w.withdraw('wire/ceasefire.json');
    w.setClock(Date.parse('2026-12-01T09:30:00Z'));
    await w.release('urn:syndicate:wire/results.json', 1, '2026-12-01T09:30:00Z');
    w.advance(SETTLE_MS + 1000);

    const notifier = new InMemoryNotifier();
    await publishChanges(
      {
        notifier,
        index: w.index,
        scheduler: new InMemoryScheduler(),
        now: () => new Date(w.now()),
        contentStore: new InMemoryContentStore(),
        summaries: true,
        linkedSummaries: true,
      },
      changes,
    );
    // Compared without the times each side stamps and without link expiry (each link is fresh).
    const comparable = (envelope: ArticleEnvelope) => {
      const { publishedAt: _at, link, ...rest } = envelope;
      return { ...rest, ...(link ? { link: { ...link, expiresAt: '' } } : {}) };
    };
    // How many of the six events each partner takes, by hand from its registry entry: every one;
    // conflict in English (ceasefire, its withdrawal); sport (cup final twice, tour); English (all
    // but the French tour); urgency 1-3 (ceasefire 2, its withdrawal, results 3); new articles and
    // withdrawals (not the cup final's update).
    const expectedCounts: Record<string, number> = {
      'all-news-wire': 6,
      'politics-conflict-en': 2,
      'sports-desk': 3,
      'headline-ticker': 5,
      'breaking-alerts': 3,
      'premium-digest': 5,
    };
    for (const partner of parsePartnerRegistry(REGISTRY)) {
      const variant = payloadVariantOf(partner);
      const pushed = notifier.published
        .filter(
          (message) =>
            message.attributes.payload?.value === variant &&
            evaluateFilterPolicy(subscriptionFilterPolicyFor(partner), message.attributes).matches,
        )
        .map((message) => comparable(JSON.parse(message.body) as ArticleEnvelope));
      const { items } = await readAll(w, partner.name, { since: '2026-12-01T00:00:00Z' });
      const pulled = items.map((item) => comparable(item._syndicate.envelope));
      assert.equal(pulled.length, expectedCounts[partner.name], partner.name);
      assert.deepEqual(pulled, pushed, partner.name);
    }
    // The push side, checked by hand: six events (the embargoed version 1 of results is none).
    assert.deepEqual(
      notifier.published
        .filter((message) => message.attributes.payload?.value === 'full')
        .map((message) => {
          const envelope = JSON.parse(message.body) as ArticleEnvelope;
          return `${envelope.eventType} ${envelope.idempotencyKey}`;
        }),
      [
        'article.published urn:syndicate:wire/cup-final.json#1',
        'article.published urn:syndicate:wire/ceasefire.json#1',
        'article.updated urn:syndicate:wire/cup-final.json#2',
        'article.published urn:syndicate:wire/tour-etape.json#1',
        'article.withdrawn urn:syndicate:wire/ceasefire.json#2',
        'article.published urn:syndicate:wire/results.json#2',
      ],
    );
  });
});
