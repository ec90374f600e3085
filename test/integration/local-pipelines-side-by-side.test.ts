/**
 * Two local pipelines in one process, started at the same time: each on emulators of its own, with
 * handlers on clients of its own. Each delivers its own article to its own partner and nothing of the
 * other's, and neither touches the process's environment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const catchAll = (name: string) =>
  parsePartnerRegistry({ partners: [{ name, delivery: { type: 'sqs' }, filters: {} }] });

const WIRE_KEY = 'wire/trump-putin-syria.txt';
const SPORT_KEY = 'sportswire/harbour-city-cup-final.txt';

describe('two local pipelines in one process', () => {
  let first: LocalPipeline;
  let second: LocalPipeline;
  const environmentBefore = { ...process.env };
  const errors: unknown[] = [];

  before(async () => {
    [first, second] = await Promise.all([
      LocalPipeline.start(catchAll('first-partner')),
      LocalPipeline.start(catchAll('second-partner')),
    ]);
    for (const pipeline of [first, second]) pipeline.on('error', (error) => errors.push(error));
    await Promise.all([
      first.upload(WIRE_KEY, readFileSync(WIRE_ARTICLE)),
      second.upload(SPORT_KEY, readFileSync(`${SAMPLE_ARTICLES}${SPORT_KEY}`)),
    ]);
    await Promise.all([first.waitForIdle(), second.waitForIdle()]);
  });

  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  test('they run on different emulators', () => {
    for (const service of ['s3', 'dynamodb', 'sns', 'scheduler'] as const)
      assert.notEqual(first.endpoints[service], second.endpoints[service], service);
  });

  test('each delivers its own article to its own partner, once, and nothing of the other', () => {
    assert.deepEqual(
      first.deliveries.map(({ partner, envelope }) => [partner, envelope.uri, envelope.version]),
      [['first-partner', 'urn:syndicate:wire/trump-putin-syria.txt', 1]],
    );
    assert.deepEqual(
      second.deliveries.map(({ partner, envelope }) => [partner, envelope.uri, envelope.version]),
      [['second-partner', 'urn:syndicate:sportswire/harbour-city-cup-final.txt', 1]],
    );
  });

  test('each index holds its own article only, and each counted only its own', async () => {
    const [firstTracker, secondTracker] = [new JourneyTracker(first), new JourneyTracker(second)];
    assert.equal((await firstTracker.journeyOf(WIRE_KEY)).status, 'published');
    assert.equal((await firstTracker.journeyOf(SPORT_KEY)).status, 'unknown');
    assert.equal((await secondTracker.journeyOf(SPORT_KEY)).status, 'published');
    assert.equal((await secondTracker.journeyOf(WIRE_KEY)).status, 'unknown');
    assert.equal(first.metrics.get('ArticlesNormalised'), 1);
    assert.equal(second.metrics.get('ArticlesNormalised'), 1);
    assert.equal(first.metrics.get('VersionsPublished'), 1);
    assert.equal(second.metrics.get('VersionsPublished'), 1);
  });

  test('the process environment is left as it was', () => {
    assert.deepEqual({ ...process.env }, environmentBefore);
    assert.deepEqual(errors, []);
  });
});
