/**
 * A publisher's own `limits.maxObjectBytes` on the local runtime, with a test registry and the
 * production handlers: an object over it is rejected OVER_PUBLISHER_LIMIT from its notification's
 * size (normalise never GETs it) and quarantined whole; an object of the same size from a publisher
 * with no limit of its own, and one exactly at the limit, are published.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { parsePublisherRegistry } from '../../shared/publishers/registry.js';
import { wireStoryOfSize } from '../helpers/prose.js';

const publishers = parsePublisherRegistry({
  publishers: [
    { name: 'narrow', writers: ['111122223333'], limits: { maxObjectBytes: 65_536 } },
    { name: 'wide', writers: ['444455556666'] },
  ],
});
const OVER = 'narrow/over-the-limit.txt';
const AT = 'narrow/at-the-limit.txt';
const SAME_SIZE_ELSEWHERE = 'wide/same-size.txt';

describe("a publisher's object limit on the local runtime", () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  const errors: unknown[] = [];
  const gets: string[] = [];

  before(async () => {
    pipeline = await LocalPipeline.start(
      parsePartnerRegistry({ partners: [{ name: 'everything', delivery: { type: 'sqs' }, filters: {} }] }),
      { publishers },
    );
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
    // Every GetObject normalise sends, on the client the handlers were built with.
    pipeline.functionClients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') gets.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize', name: 'recordGetObject' },
    );
    await pipeline.upload(OVER, wireStoryOfSize(65_537, 21));
    await pipeline.upload(AT, wireStoryOfSize(65_536, 22));
    await pipeline.upload(SAME_SIZE_ELSEWHERE, wireStoryOfSize(65_537, 23));
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline?.stop();
  });

  test('65,537 bytes over a 65,536-byte limit: OVER_PUBLISHER_LIMIT, naming the publisher, limit and size; never read', async () => {
    const journey = await tracker.journeyOf(OVER);
    assert.equal(journey.status, 'rejected');
    assert.equal(journey.code, 'OVER_PUBLISHER_LIMIT');
    assert.match(
      journey.reason ?? '',
      /publisher 'narrow' may drop objects of at most 65536 bytes, and this one is 65537 bytes/,
    );
    assert.ok(!gets.includes(OVER), `GetObject was sent for ${OVER}`);
    assert.deepEqual(errors, []);
  });

  test('the original is quarantined whole, with its rejection code', async () => {
    const rejection = await tracker.index.latestRejection(OVER);
    assert.equal(rejection?.quarantineKey, OVER);
    assert.equal(rejection?.sizeBytes, 65_537);
    const kept = await pipeline.clients.s3.send(
      new HeadObjectCommand({ Bucket: pipeline.resources.quarantineBucket, Key: OVER }),
    );
    assert.equal(kept.ContentLength, 65_537);
    assert.equal(kept.Metadata?.['rejection-code'], 'OVER_PUBLISHER_LIMIT');
  });

  test('the same size from a publisher with no limit, and exactly the limit, are published and delivered', async () => {
    for (const key of [SAME_SIZE_ELSEWHERE, AT]) {
      const journey = await tracker.journeyOf(key);
      assert.equal(journey.status, 'published', `${key}: ${journey.reason}`);
      assert.deepEqual(journey.deliveries, { everything: 1 }, key);
      assert.ok(gets.includes(key), `no GetObject recorded for ${key}`);
    }
  });
});
