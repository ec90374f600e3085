/**
 * Article lifecycle on the local emulators, asserted on what partners' queues receive, message by
 * message: duplicates, reordered notifications, corrections, withdrawals, embargoes, quarantine, replay.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JourneyTracker } from '../../local/journeys.js';
import { type Delivery, LocalPipeline } from '../../local/pipeline.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { replayArticles } from '../../shared/usecases/replay.js';
import { threePartnerRegistry } from '../helpers/partners.js';
import { SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const partners = threePartnerRegistry();

const wire = readFileSync(WIRE_ARTICLE, 'utf8');
const sport = readFileSync(`${SAMPLE_ARTICLES}sportswire/harbour-city-cup-final.txt`, 'utf8');

describe('article lifecycle on the local emulators', () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  const errors: unknown[] = [];

  /** Messages partners received for a uri since a moment, as `partner:eventType:version`. */
  const received = (uri: string | undefined, since: number) =>
    pipeline.deliveries
      .filter((delivery: Delivery) => delivery.envelope.uri === uri && delivery.receivedAt >= since)
      .map((delivery) => `${delivery.partner}:${delivery.envelope.eventType}:${delivery.envelope.version}`)
      .sort();

  const drop = async (key: string, body: string) => {
    await pipeline.upload(key, body);
    await pipeline.waitForIdle();
  };

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
  });

  after(async () => {
    await pipeline.stop();
  });

  test('a notification delivered twice creates no version and no message', async () => {
    const since = Date.now();
    pipeline.forwarder?.hold();
    await pipeline.upload('wire/dup.txt', wire);
    const [notification] = pipeline.forwarder?.takeHeld() ?? [];
    assert.ok(notification);
    await pipeline.forwarder?.send(notification);
    await pipeline.forwarder?.send(notification);
    await pipeline.waitForIdle();
    const journey = await tracker.journeyOf('wire/dup.txt');
    assert.equal(journey.version, 1);
    assert.deepEqual(received(journey.uri, since), [
      'everything:article.published:1',
      'politics-en:article.published:1',
    ]);
  });

  test('notifications delivered in reverse order never bring back older content or a deleted article', async () => {
    await drop('wire/order.txt', wire);
    const { uri } = await tracker.journeyOf('wire/order.txt');
    const since = Date.now();
    pipeline.forwarder?.hold();
    await pipeline.upload('wire/order.txt', wire.replace('May 16-17', 'May 18-19')); // newer content
    await pipeline.remove('wire/order.txt'); // newest: the object is gone
    const [update, removal] = pipeline.forwarder?.takeHeld() ?? [];
    assert.ok(update && removal);
    await pipeline.forwarder?.send(removal);
    await pipeline.waitForIdle();
    await pipeline.forwarder?.send(update);
    await pipeline.waitForIdle();
    const journey = await tracker.journeyOf('wire/order.txt');
    assert.equal(journey.status, 'withdrawn');
    assert.equal(journey.version, 2);
    assert.deepEqual(received(uri, since), [
      'everything:article.withdrawn:2',
      'politics-en:article.withdrawn:2',
    ]);
  });

  test('corrected content is version 2, an update to the partners that have it; the same content again is nothing', async () => {
    await drop('sportswire/final.txt', sport);
    const { uri } = await tracker.journeyOf('sportswire/final.txt');
    const since = Date.now();
    await drop('sportswire/final.txt', sport.replace('61,000 fans', '62,000 fans'));
    await drop('sportswire/final.txt', sport.replace('61,000 fans', '62,000 fans'));
    assert.deepEqual(received(uri, since), ['everything:article.updated:2', 'sport-only:article.updated:2']);
  });

  test('deleting after publication withdraws from the partners that had the article, and nobody else', async () => {
    await drop('sportswire/gone.txt', sport);
    const { uri } = await tracker.journeyOf('sportswire/gone.txt');
    const since = Date.now();
    await pipeline.remove('sportswire/gone.txt');
    await pipeline.waitForIdle();
    assert.deepEqual(received(uri, since), [
      'everything:article.withdrawn:2',
      'sport-only:article.withdrawn:2',
    ]);
    const [withdrawal] = pipeline.deliveries.filter(
      (d) => d.envelope.uri === uri && d.envelope.eventType === 'article.withdrawn',
    );
    assert.equal(withdrawal?.envelope.ninjs.pubStatus, 'canceled');
  });

  test('an embargoed article is withheld, then released at its time and not before', async () => {
    const until = new Date(Date.now() + 2500).toISOString();
    const article = {
      uri: 'urn:newsagency:embargo-test-1',
      headlines: [{ value: 'Central bank raises rates for the third time this year' }],
      bodies: [
        {
          contentType: 'text/plain',
          value:
            'The central bank raised its main interest rate by a quarter point on Thursday, its third increase this year, citing persistent inflation in services and wages.',
        },
      ],
      language: 'en',
      embargoedUntil: until,
    };
    const since = Date.now();
    await drop('wire/embargoed.json', JSON.stringify(article));
    // Nothing here depends on how fast the machine is: version 1 is stored withheld and never sent,
    // and every delivery is compared with the embargo time, whenever the release ran.
    const firstVersion = await tracker.index.version(article.uri, 1);
    assert.equal(firstVersion?.ninjs.pubStatus, 'withheld');
    if (Date.now() < Date.parse(until)) {
      assert.deepEqual(received(article.uri, since), [], 'nothing before the embargo ends');
      assert.deepEqual(
        (await tracker.index.withheld(10)).map((head) => head.uri),
        [article.uri],
      );
    }
    // Generous: the release is due within seconds; only a release that never comes reaches this.
    const deadline = Date.parse(until) + 120_000;
    while ((await tracker.journeyOf('wire/embargoed.json')).status !== 'published') {
      assert.ok(Date.now() < deadline, 'the embargoed article was never released');
      await sleep(250);
      await pipeline.waitForIdle();
    }
    assert.deepEqual(received(article.uri, since), ['everything:article.published:2']);
    for (const delivery of pipeline.deliveries.filter((d) => d.envelope.uri === article.uri)) {
      assert.ok(delivery.receivedAt >= Date.parse(until), 'delivered at or after the embargo time');
    }
  });

  test('a rejected input is copied to quarantine, listed with its reason, and nothing is published', async () => {
    const since = Date.now();
    await drop(
      'wire/broken.xml',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><nitf><body>&a;</body></nitf>',
    );
    const journey = await tracker.journeyOf('wire/broken.xml');
    assert.equal(journey.status, 'rejected');
    assert.equal(journey.code, 'UNSAFE');
    const [listed] = await tracker.index.rejections(5);
    assert.equal(listed?.objectKey, 'wire/broken.xml');
    assert.equal(listed?.code, 'UNSAFE');
    const copy = await pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.resources.quarantineBucket, Key: listed?.quarantineKey }),
    );
    assert.equal(copy.Metadata?.['rejection-code'], 'UNSAFE');
    assert.match((await copy.Body?.transformToString()) ?? '', /<!DOCTYPE/);
    assert.equal(pipeline.deliveries.filter((delivery) => delivery.receivedAt >= since).length, 0);
  });

  test('replay sends the current version again, marked as a replay, to the partners whose filters match', async () => {
    await drop('wire/replay.txt', wire);
    const { uri } = await tracker.journeyOf('wire/replay.txt');
    assert.ok(uri);
    const since = Date.now();
    const sns = pipeline.clients.sns;
    const result = await replayArticles(
      {
        index: tracker.index,
        notifier: new SnsNotifier(sns, pipeline.resources.topicArn),
        now: () => new Date(),
        variants: ['full'],
      },
      { uris: [uri, 'urn:syndicate:nothing-here'] },
    );
    await pipeline.waitForIdle();
    assert.deepEqual(result.replayed, [uri]);
    assert.deepEqual(result.skipped, [{ uri: 'urn:syndicate:nothing-here', reason: 'no such article' }]);
    assert.deepEqual(received(uri, since), [
      'everything:article.replayed:1',
      'politics-en:article.replayed:1',
    ]);
    const replayed = pipeline.deliveries.find(
      (d) => d.envelope.uri === uri && d.envelope.eventType === 'article.replayed',
    );
    assert.ok(replayed?.envelope.replay?.requestedAt);
    assert.equal(replayed?.envelope.idempotencyKey, `${uri}#1`);
  });

  test('nothing went wrong inside the runtime and nothing was dead-lettered', () => {
    assert.deepEqual(errors, []);
    for (const name of ['syndicate-ingest-dlq', 'syndicate-stream-dlq']) {
      assert.equal(pipeline.emulators.messaging.inspectQueue(name)?.messages.ready.length, 0, name);
    }
  });
});
