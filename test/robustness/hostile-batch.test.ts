/**
 * One batch through the local runtime: every hostile file of ./hostile-cases.ts and good articles
 * under hostile object keys (spaces, '+', '%', unicode, dots, NFD, control characters, ~1 KB long,
 * names like the pipeline's own), dropped together. The good articles must all reach exactly the
 * partners whose filters match; every bad file must be rejected with its code, findable by its key,
 * and kept byte for byte in the quarantine bucket; nothing may stall or be dead-lettered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import { threePartnerRegistry } from '../helpers/partners.js';
import { deliveryProblems } from './delivery-oracle.js';
import { type GoodArticle, goodArticle, type HostileCase, hostileCases } from './hostile-cases.js';
import { markupOf, unsafeHtml } from './html-safety.js';

const partners = threePartnerRegistry();

/** Object keys a publisher's tooling might produce, each holding one good article. */
const HOSTILE_KEYS = [
  'wire/plain.txt',
  'sports wire/with space.txt',
  'wire/a+b=c.json',
  'wire/100%25 sure%/percent.md',
  'wire/ünïcödé/日本語/記事.html',
  // Dots that are not '.' or '..' segments ('..' segments are rejected INVALID_KEY: publisher-scoped-ids.test.ts).
  'wire/..dot-dot.xml',
  'wire/.dot/x..txt',
  'wire/Cafe\u0301-nfd.txt',
  'wire/new\nline\ttab.txt',
  'wire/😀 emoji.md',
  'syndicate-quarantine/looks-like-ours.txt',
  '.syndicate/hidden.txt',
  // 1,006 bytes: S3 allows 1,024 (s3rver needs each segment under ~240 bytes: it makes them file names).
  `wire/${Array.from({ length: 5 }, (_, i) => `${i}${'-long-segment'.repeat(15)}`).join('/')}/one-kilobyte.txt`,
] as const;

/** A valid S3 key (989 bytes) whose percent-encoded uri is over DynamoDB's 2,048-byte key limit. */
const LONG_UNICODE_KEY = `wire/${Array.from({ length: 5 }, () => 'é'.repeat(97)).join('/')}/story.txt`;

interface Dropped {
  readonly key: string;
  readonly good?: GoodArticle;
  readonly hostile?: HostileCase;
}

describe('a batch of hostile files and good articles through the local runtime', () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  const errors: unknown[] = [];
  const dropped: Dropped[] = [];

  const cases = hostileCases().filter((entry) => !entry.normaliserOnly);

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
    HOSTILE_KEYS.forEach((prefix, index) => {
      const good = goodArticle(index, String(index));
      // The good article's own extension, so that the key is still a plausible name for it.
      const key = prefix.replace(/\.[a-z]+$/, good.file.slice(good.file.lastIndexOf('.')));
      dropped.push({ key, good });
    });
    for (const entry of cases) dropped.push({ key: `hostile/${entry.file}`, hostile: entry });
    dropped.push({ key: LONG_UNICODE_KEY, good: goodArticle(0, 'long-unicode-key') });

    // Publishers upload in parallel; a few at a time, as a wire desk does.
    for (let index = 0; index < dropped.length; index += 8) {
      await Promise.all(
        dropped.slice(index, index + 8).map(({ key, good, hostile }) =>
          pipeline.upload(key, good?.bytes ?? (hostile as HostileCase).bytes, {
            ...(hostile?.contentType ? { contentType: hostile.contentType } : {}),
          }),
        ),
      );
    }
    await pipeline.waitForIdle(120_000);
  });

  after(async () => {
    await pipeline?.stop();
  });

  const headOf = async (key: string): Promise<ArticleHead | undefined> => {
    const journey = await tracker.journeyOf(key);
    return journey.uri ? tracker.index.current(journey.uri) : undefined;
  };

  test('the keys are what they claim: all valid S3 keys, the long ones close to the 1,024-byte limit', () => {
    for (const { key } of dropped) assert.ok(Buffer.byteLength(key) <= 1024, key.slice(0, 40));
    assert.ok(dropped.some(({ key }) => Buffer.byteLength(key) > 1000));
  });

  test('every good article is published under its hostile key and reaches exactly the partners whose filters match', async () => {
    const heads: ArticleHead[] = [];
    for (const { key, good } of dropped.filter((entry) => entry.good)) {
      const journey = await tracker.journeyOf(key);
      assert.equal(journey.status, 'published', `${key}: ${journey.status} ${journey.reason ?? ''}`);
      const head = await headOf(key);
      assert.ok(head, key);
      // The filters are not vacuous: each article carries the topic it was written for.
      const topic = good?.topic === 'politics' ? 'medtop:11000000' : 'medtop:15000000';
      assert.ok(head.subjectCodes.includes(topic), `${key}: ${head.subjectCodes.join(' ')}`);
      heads.push(head);
    }
    const uris = new Set(heads.map((head) => head.uri));
    assert.equal(uris.size, heads.length, 'every key is its own article');
    const relevant = pipeline.deliveries.filter((delivery) => uris.has(delivery.envelope.uri));
    assert.deepEqual(deliveryProblems(partners, heads, relevant, { exactMessages: true }), []);
  });

  test('keys keep their identity: one article per exact key, the source its first segment, a uri within DynamoDB key limits', async () => {
    for (const { key } of dropped.filter((entry) => entry.good)) {
      const head = await headOf(key);
      assert.equal(head?.origin.key, key);
      assert.equal(head?.source, key.slice(0, key.indexOf('/')));
      const uri = head?.uri ?? '';
      assert.doesNotThrow(() => new URL(uri), uri);
      // The partition key article#<uri> (2,048 bytes) and the GSI sort keys <time>#<uri> (1,024) must fit.
      assert.ok(Buffer.byteLength(uri) <= 990, `${Buffer.byteLength(uri)}-byte uri for ${key.slice(0, 40)}`);
      // Documents that carry their own uri (ninjs, NewsML-G2) keep it; short keys are named by the key itself.
      const encoded = key.split('/').map(encodeURIComponent).join('/');
      if (!uri.startsWith('urn:example:') && encoded.length < 400)
        assert.equal(uri, `urn:syndicate:${encoded}`);
    }
  });

  for (const entry of hostileCases().filter((candidate) => !candidate.normaliserOnly)) {
    const key = `hostile/${entry.file}`;
    if ('rejected' in entry.expect) {
      const code = entry.expect.rejected;
      test(`${entry.id} is rejected ${code}, findable by its key, kept in quarantine`, {
        todo: entry.knownBug,
      }, async () => {
        const journey = await tracker.journeyOf(key);
        assert.equal(journey.status, 'rejected', `${journey.status} ${journey.reason ?? ''}`);
        assert.equal(journey.code, code, journey.reason);
        assert.ok(journey.reason && journey.reason.length > 10);
        const rejection = await tracker.index.latestRejection(key);
        assert.equal(rejection?.quarantineKey, key);
        const kept = await pipeline.clients.s3.send(
          new GetObjectCommand({ Bucket: pipeline.resources.quarantineBucket, Key: key }),
        );
        assert.equal(kept.Metadata?.['rejection-code'], code);
        const original = (await kept.Body?.transformToByteArray()) ?? new Uint8Array();
        assert.ok(Buffer.from(original).equals(Buffer.from(entry.bytes)), 'the original, byte for byte');
      });
    } else {
      const expected = entry.expect.accepted;
      test(`${entry.id} is published with nothing unsafe in what partners receive`, {
        todo: entry.knownBug,
      }, async () => {
        const journey = await tracker.journeyOf(key);
        assert.equal(
          journey.status,
          'published',
          `${journey.status} ${journey.code ?? ''} ${journey.reason ?? ''}`,
        );
        const received = pipeline.deliveries.filter((delivery) => delivery.envelope.uri === journey.uri);
        assert.equal(received.filter((delivery) => delivery.partner === 'everything').length, 1);
        for (const delivery of received) {
          const html =
            delivery.envelope.ninjs.bodies?.find((body) => body.contentType === 'text/html')?.value ?? '';
          assert.deepEqual(unsafeHtml(html), [], `${delivery.partner} received unsafe HTML`);
          const markup = markupOf(html).toLowerCase();
          for (const text of expected.markupExcludes ?? [])
            assert.ok(!markup.includes(text.toLowerCase()), text);
          const document = JSON.stringify(delivery.envelope).toLowerCase();
          for (const text of expected.documentExcludes ?? [])
            assert.ok(!document.includes(text.toLowerCase()), text);
        }
      });
    }
  }

  test('accepted hostile files reach exactly the partners whose filters match, once', async () => {
    const heads: ArticleHead[] = [];
    for (const { key, hostile } of dropped.filter((entry) => entry.hostile && !entry.hostile.knownBug)) {
      if (hostile && 'accepted' in hostile.expect) {
        const head = await headOf(key);
        assert.ok(head, key);
        heads.push(head);
      }
    }
    const uris = new Set(heads.map((head) => head.uri));
    const relevant = pipeline.deliveries.filter((delivery) => uris.has(delivery.envelope.uri));
    assert.deepEqual(deliveryProblems(partners, heads, relevant, { exactMessages: true }), []);
  });

  test('only rejected files are in quarantine', async () => {
    const { Contents } = await pipeline.clients.s3.send(
      new ListObjectsV2Command({ Bucket: pipeline.resources.quarantineBucket, MaxKeys: 1000 }),
    );
    const kept = new Set((Contents ?? []).map((object) => object.Key));
    const rejected = cases.filter((entry) => 'rejected' in entry.expect && !entry.knownBug);
    for (const entry of rejected) assert.ok(kept.has(`hostile/${entry.file}`), entry.id);
    for (const { key, good } of dropped) if (good) assert.ok(!kept.has(key), key);
  });

  test('a valid key whose percent-encoded form exceeds the 2,048-byte DynamoDB key limit is still published', async () => {
    const journey = await tracker.journeyOf(LONG_UNICODE_KEY);
    assert.equal(journey.status, 'published', `${journey.status}: ${journey.reason ?? ''}`);
  });

  test('nothing was dead-lettered but known bugs, nothing went wrong inside the runtime, the batch did not stall', () => {
    const ingestDlq = pipeline.emulators.messaging.inspectQueue(
      pipeline.resources.ingestDeadLetterQueue.name,
    );
    const deadKeys = (ingestDlq?.messages.ready ?? []).flatMap((message) => {
      const body = JSON.parse((message as { body: string }).body) as {
        Records?: { s3: { object: { key: string } } }[];
      };
      return (body.Records ?? []).map((record) =>
        decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
      );
    });
    // A known bug that throws something other than a RejectedInputError is retried, then dead-lettered.
    const knownBugKeys = new Set(
      cases.filter((entry) => entry.knownBug).map((entry) => `hostile/${entry.file}`),
    );
    assert.deepEqual(
      deadKeys.filter((key) => !knownBugKeys.has(key)),
      [],
    );
    const streamDlq = pipeline.emulators.messaging.inspectQueue(
      pipeline.resources.streamDeadLetterQueue.name,
    );
    assert.equal(streamDlq?.messages.ready.length, 0);
    assert.deepEqual(errors, []);
  });
});
