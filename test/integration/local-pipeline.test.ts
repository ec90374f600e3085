/**
 * The whole path on the local emulators, with the production handlers: S3 put -> SQS -> normalise ->
 * DynamoDB -> stream -> publish -> SNS -> partner queues, asserted message by message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import type { ArticleEnvelope } from '../../shared/domain/message.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { threePartnerRegistry } from '../helpers/partners.js';
import { SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const partners = threePartnerRegistry({
  name: 'german-only',
  delivery: { type: 'sqs' },
  filters: { languages: ['de'] },
});

const WIRE_KEY = 'wire/trump-putin-syria.txt';
const SPORT_KEY = 'sportswire/cup-final.txt';
const BAD_KEY = 'wire/broken.txt';

describe('local pipeline end to end', () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  const errors: unknown[] = [];

  const received = (partner: string, uri?: string) =>
    pipeline.deliveries.filter(
      (delivery) => delivery.partner === partner && (!uri || delivery.envelope.uri === uri),
    );

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
    await Promise.all([
      pipeline.upload(WIRE_KEY, readFileSync(WIRE_ARTICLE)),
      pipeline.upload(SPORT_KEY, readFileSync(`${SAMPLE_ARTICLES}sportswire/harbour-city-cup-final.txt`)),
      pipeline.upload(BAD_KEY, Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])),
    ]);
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline.stop();
  });

  test('the wire article reaches exactly the partners whose filters match', async () => {
    const journey = await tracker.journeyOf(WIRE_KEY);
    assert.equal(journey.status, 'published');
    assert.equal(journey.version, 1);
    assert.deepEqual(journey.deliveries, {
      everything: 1,
      'politics-en': 1,
      'sport-only': 0,
      'german-only': 0,
    });
  });

  test("the head keeps the upload time from the emulated notification's eventTime", async () => {
    const { uri } = await tracker.journeyOf(WIRE_KEY);
    assert.ok(uri);
    const index = new DynamoDbArticleIndex(pipeline.clients.dynamoDb, pipeline.resources.table);
    const head = await index.current(uri);
    const uploadedAt = head?.origin.uploadedAt ?? '';
    // S3's eventTime format (ISO 8601, milliseconds, UTC), and S3 stored the object before it was indexed.
    assert.match(uploadedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(
      Date.parse(uploadedAt) <= Date.parse(head?.versionCreated ?? ''),
      `${uploadedAt} ${head?.versionCreated}`,
    );
  });

  test('the sport article reaches the sport partner and the catch-all only', async () => {
    const journey = await tracker.journeyOf(SPORT_KEY);
    assert.deepEqual(journey.deliveries, {
      everything: 1,
      'politics-en': 0,
      'sport-only': 1,
      'german-only': 0,
    });
  });

  test('a file that cannot be normalised is rejected with a reason and delivered to nobody', async () => {
    const journey = await tracker.journeyOf(BAD_KEY);
    assert.equal(journey.status, 'rejected');
    assert.equal(journey.code, 'BINARY');
    assert.match(journey.reason ?? '', /binary/);
    assert.equal(journey.uri, undefined);
    assert.ok(
      pipeline.deliveries.every(
        (delivery) => !delivery.envelope.ninjs.altIds?.some((id) => id.value === BAD_KEY),
      ),
    );
  });

  test('partners receive a valid envelope with ninjs 3.2 and the filter attributes', () => {
    const [delivery] = received('politics-en');
    assert.ok(delivery);
    const envelope: ArticleEnvelope = delivery.envelope;
    assert.equal(envelope.eventType, 'article.published');
    assert.equal(envelope.uri, 'urn:syndicate:wire/trump-putin-syria.txt');
    assert.equal(envelope.idempotencyKey, `${envelope.uri}#1`);
    assert.equal(envelope.source, 'wire');
    assert.deepEqual(ninjsProblems(envelope.ninjs), []);
    assert.equal(
      envelope.ninjs.headlines?.[0]?.value,
      'Trump, Putin signal new effort to cooperate on Syria',
    );
    assert.equal(delivery.attributes.language, 'en');
    assert.equal(delivery.attributes.eventType, 'article.published');
    assert.ok((JSON.parse(delivery.attributes.subjects ?? '[]') as string[]).includes('medtop:16000000'));
  });

  test('the same file uploaded again creates no version and no message', async () => {
    const before = pipeline.deliveries.length;
    await pipeline.upload(WIRE_KEY, readFileSync(WIRE_ARTICLE));
    await pipeline.waitForIdle();
    assert.equal(pipeline.deliveries.length, before);
    assert.equal((await tracker.journeyOf(WIRE_KEY)).version, 1);
  });

  test('corrected content becomes version 2, sent as an update to the same partners', async () => {
    const since = Date.now();
    const corrected = readFileSync(WIRE_ARTICLE, 'utf8').replace('May 16-17', 'May 18-19');
    await pipeline.upload(WIRE_KEY, corrected);
    await pipeline.waitForIdle();
    const journey = await tracker.journeyOf(WIRE_KEY, since);
    assert.equal(journey.version, 2);
    assert.deepEqual(journey.deliveries, {
      everything: 1,
      'politics-en': 1,
      'sport-only': 0,
      'german-only': 0,
    });
    const update = received('politics-en', journey.uri).at(-1)?.envelope;
    assert.equal(update?.eventType, 'article.updated');
    assert.equal(update?.version, 2);
  });

  test('deleting the object withdraws the article from the partners that received it, and only them', async () => {
    const since = Date.now();
    await pipeline.remove(SPORT_KEY);
    await pipeline.waitForIdle();
    const journey = await tracker.journeyOf(SPORT_KEY, since);
    assert.equal(journey.status, 'withdrawn');
    assert.deepEqual(journey.deliveries, {
      everything: 1,
      'politics-en': 0,
      'sport-only': 1,
      'german-only': 0,
    });
    const withdrawal = received('sport-only', journey.uri).at(-1)?.envelope;
    assert.equal(withdrawal?.eventType, 'article.withdrawn');
    assert.equal(withdrawal?.ninjs.pubStatus, 'canceled');
  });

  test('nothing went wrong inside the runtime and every queue is drained', () => {
    assert.deepEqual(errors, []);
    for (const name of ['syndicate-ingest-dlq', 'syndicate-stream-dlq']) {
      assert.equal(pipeline.emulators.messaging.inspectQueue(name)?.messages.ready.length, 0, name);
    }
  });
});
