/**
 * Publishers as tenants on the local emulators: one publisher cannot take over, update or withdraw
 * another's article, by a urn:syndicate: id or by an id the other's article already has; the owner
 * still updates and withdraws it; every dropped object leaves a receipt its publisher can read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { S3Receipts } from '../../shared/adapters/s3-receipts.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { syndicate } from '../helpers/cli.js';

const FIXTURES = new URL('../fixtures/tenants/', import.meta.url);
const REUTERS_URI = 'urn:syndicate:reuters/rates.txt';
const ninjs = (fields: Record<string, unknown>) =>
  JSON.stringify({
    headlines: [{ role: 'main', value: 'Rates story' }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: 'The bank held its rates on Thursday.' }],
    ...fields,
  });

describe('publishers cannot touch each other’s articles', () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  let receipts: S3Receipts;
  const errors: unknown[] = [];
  let before1: ArticleHead | undefined;

  before(async () => {
    pipeline = await LocalPipeline.start(
      parsePartnerRegistry({ partners: [{ name: 'everything', delivery: { type: 'sqs' }, filters: {} }] }),
    );
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
    receipts = new S3Receipts(pipeline.clients.s3);
    await pipeline.upload('reuters/rates.txt', readFileSync(new URL('reuters/rates.txt', FIXTURES)));
    await pipeline.upload('reuters/held.json', ninjs({ uri: 'https://reuters.example/held' }));
    await pipeline.waitForIdle();
    before1 = await tracker.index.current(REUTERS_URI);
    await pipeline.upload('evil/x.json', readFileSync(new URL('evil/x.json', FIXTURES)));
    await pipeline.upload(
      'evil/kill.json',
      ninjs({ uri: 'https://reuters.example/held', pubStatus: 'canceled' }),
    );
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline?.stop();
  });

  test('both takeovers are rejected FOREIGN_ID, originals quarantined, the articles untouched', async () => {
    for (const key of ['evil/x.json', 'evil/kill.json']) {
      const journey = await tracker.journeyOf(key);
      assert.equal(journey.status, 'rejected', key);
      assert.equal(journey.code, 'FOREIGN_ID', key);
      assert.equal((await tracker.index.latestRejection(key))?.quarantineKey, key);
    }
    assert.deepEqual(await tracker.index.current(REUTERS_URI), before1);
    const held = await tracker.index.current('https://reuters.example/held');
    assert.equal(held?.pubStatus, 'usable');
    assert.equal(held?.source, 'reuters');
    assert.ok(!pipeline.deliveries.some((delivery) => delivery.envelope.source === 'evil'));
  });

  test('each publisher reads a receipt for each of its objects: published, or rejected with what to fix', async () => {
    const reuters = await receipts.list(pipeline.resources.bucket, 'reuters', 10);
    const rates = reuters.find((receipt) => receipt.objectKey === 'reuters/rates.txt');
    assert.equal(rates?.status, 'published');
    assert.equal(rates?.uri, REUTERS_URI);
    assert.equal(rates?.version, 1);
    const evil = await receipts.list(pipeline.resources.bucket, 'evil', 10);
    assert.deepEqual(evil.map((receipt) => [receipt.objectKey, receipt.status, receipt.code]).sort(), [
      ['evil/kill.json', 'rejected', 'FOREIGN_ID'],
      ['evil/x.json', 'rejected', 'FOREIGN_ID'],
    ]);
    assert.ok(evil.every((receipt) => receipt.fix && receipt.message));
    // Receipts are not articles: none was ingested, rejected or delivered.
    assert.equal(await tracker.index.latestRejection(`receipts/${rates?.objectKey}`), undefined);
  });

  test('the owner still updates and withdraws its article, and gets receipts for both', async () => {
    await pipeline.upload(
      'reuters/rates.txt',
      'Central bank holds rates\n\nUpdated: the vote was unanimous.\n',
    );
    await pipeline.waitForIdle();
    assert.equal((await tracker.index.current(REUTERS_URI))?.version, 2);
    await pipeline.remove('reuters/rates.txt');
    await pipeline.waitForIdle();
    const withdrawn = await tracker.index.current(REUTERS_URI);
    assert.equal(withdrawn?.pubStatus, 'canceled');
    assert.equal(withdrawn?.version, 3);
    const latest = (await receipts.list(pipeline.resources.bucket, 'reuters', 10)).filter(
      (receipt) => receipt.objectKey === 'reuters/rates.txt',
    );
    assert.deepEqual(
      latest.map((receipt) => `${receipt.event}:${receipt.status}:v${receipt.version}`),
      ['removed:withdrawn:v3', 'created:published:v2', 'created:published:v1'],
    );
    assert.deepEqual(errors, []);
  });
});

describe('syndicate run FOLDER: the first folder level names the source', () => {
  test('the Reuters article is published, the other rejected FOREIGN_ID, both with receipts', () => {
    const { status, stdout, stderr } = syndicate(['run', new URL(FIXTURES).pathname]);
    assert.equal(status, 0, stderr);
    const { articles } = JSON.parse(stdout) as {
      articles: { key: string; status: string; code?: string; uri?: string; receipt?: { status: string } }[];
    };
    const byKey = Object.fromEntries(articles.map((article) => [article.key, article]));
    assert.equal(byKey['reuters/rates.txt']?.status, 'published');
    assert.equal(byKey['reuters/rates.txt']?.uri, REUTERS_URI);
    assert.equal(byKey['reuters/rates.txt']?.receipt?.status, 'published');
    assert.equal(byKey['evil/x.json']?.status, 'rejected');
    assert.equal(byKey['evil/x.json']?.code, 'FOREIGN_ID');
    assert.equal(byKey['evil/x.json']?.receipt?.status, 'rejected');
  });
});
