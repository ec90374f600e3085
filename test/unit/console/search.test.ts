import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseArticleQuery, searchArticles } from '../../../shared/console/search.js';
import type { ArticleHead } from '../../../shared/domain/article.js';

function head(uri: string, fields: Partial<ArticleHead>): ArticleHead {
  return {
    uri,
    version: 1,
    contentHash: 'h',
    pubStatus: 'usable',
    headline: uri,
    origin: { key: uri },
    source: 'wire',
    subjectCodes: [],
    everSubjectCodes: [],
    everLanguages: [],
    everPublished: true,
    firstCreated: '2026-12-01T00:00:00.000Z',
    versionCreated: '2026-12-01T00:00:00.000Z',
    ...fields,
  };
}

const heads = [
  head('urn:a', {
    headline: 'Cup final goes to extra time',
    source: 'sportswire',
    language: 'en',
    subjectCodes: ['medtop:15000000', 'medtop:15054000'],
    versionCreated: '2026-12-07T10:00:00.000Z',
  }),
  head('urn:b', {
    headline: 'Gipfel in Genf',
    source: 'wire',
    language: 'de',
    subjectCodes: ['medtop:11000000'],
    versionCreated: '2026-12-06T10:00:00.000Z',
  }),
  head('urn:c', {
    headline: 'Summit in Geneva',
    source: 'wire',
    language: 'en',
    subjectCodes: ['medtop:11000000'],
    pubStatus: 'canceled',
    versionCreated: '2026-12-05T10:00:00.000Z',
  }),
  head('urn:d', {
    headline: 'Embargoed results',
    source: 'wire',
    language: 'en',
    pubStatus: 'withheld',
    versionCreated: '2026-12-04T10:00:00.000Z',
  }),
];

const uris = (query: Record<string, string>) =>
  searchArticles(heads, parseArticleQuery(query)).items.map((item) => item.uri);

describe('article search', () => {
  test('newest first with no filter', () => {
    assert.deepEqual(uris({}), ['urn:a', 'urn:b', 'urn:c', 'urn:d']);
  });

  test('by source, subject (ancestors included), language, status and words', () => {
    assert.deepEqual(uris({ source: 'wire' }), ['urn:b', 'urn:c', 'urn:d']);
    assert.deepEqual(uris({ subject: 'medtop:15000000' }), ['urn:a']);
    assert.deepEqual(uris({ language: 'EN' }), ['urn:a', 'urn:c', 'urn:d']);
    assert.deepEqual(uris({ status: 'canceled' }), ['urn:c']);
    assert.deepEqual(uris({ q: 'geneva SUMMIT' }), ['urn:c']);
    assert.deepEqual(uris({ source: 'wire', language: 'en', status: 'usable' }), []);
  });

  test('by time: a date alone is a whole day (UTC); bounds are inclusive', () => {
    assert.deepEqual(uris({ from: '2026-12-06' }), ['urn:a', 'urn:b']);
    // A date alone as the upper bound takes in the whole of that day.
    assert.deepEqual(uris({ from: '2026-12-06', to: '2026-12-06' }), ['urn:b']);
    assert.deepEqual(parseArticleQuery({ to: '2026-12-06' }).to, '2026-12-06T23:59:59.999Z');
    assert.deepEqual(uris({ from: '2026-12-05T10:00:00Z', to: '2026-12-06T10:00:00Z' }), ['urn:b', 'urn:c']);
  });

  test('in pages, with the total and where the next page starts', () => {
    const first = searchArticles(heads, parseArticleQuery({ limit: '3' }));
    assert.equal(first.total, 4);
    assert.equal(first.next, 3);
    const second = searchArticles(heads, parseArticleQuery({ limit: '3', next: '3' }));
    assert.deepEqual(
      second.items.map((item) => item.uri),
      ['urn:d'],
    );
    assert.equal(second.next, undefined);
  });

  test('bad parameters are refused by name', () => {
    assert.throws(() => parseArticleQuery({ stauts: 'usable' }), /unknown search parameter stauts/);
    assert.throws(
      () => parseArticleQuery({ status: 'published' }),
      /status must be one of usable, withheld, canceled/,
    );
    assert.throws(() => parseArticleQuery({ from: 'yesterday' }), /from must be an ISO 8601 date/);
    assert.throws(() => parseArticleQuery({ from: '2026-12-07', to: '2026-12-01' }), /is after to/);
    assert.throws(() => parseArticleQuery({ limit: '0' }), /limit must be 1 to 100/);
    assert.throws(() => parseArticleQuery({ limit: '101' }), /limit must be 1 to 100/);
    assert.throws(() => parseArticleQuery({ next: '-1' }), /next must be a whole number/);
  });
});
