/**
 * Kills reach every partner that received any version, through the local emulators: the withdrawal
 * carries the union of every version's filter values and the most urgent urgency, and every
 * subscription takes withdrawals whatever event types it lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocalPipeline } from '../../local/pipeline.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';

const partners = parsePartnerRegistry({
  partners: [
    // Took version 1 (urgency 2), not version 2 (urgency 6).
    { name: 'urgent-desk', delivery: { type: 'sqs' }, filters: { minUrgency: 3 } },
    // Asked only for first publications, of politics.
    {
      name: 'politics-first-only',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:11000000'], eventTypes: ['article.published'] },
    },
    // Took version 2 only (economy).
    { name: 'economy-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:04000000'] } },
    // Never took any version: must not get the kill either.
    { name: 'sport-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
  ],
});

const KEY = 'wire/budget.json';
const BODY = 'The cabinet presented its budget on Monday after a week of talks. Parliament votes next month.';
const version = (urgency: number, mediaTopic: string, headline: string) =>
  JSON.stringify({
    uri: 'urn:newsroom:budget-1',
    language: 'en',
    urgency,
    headlines: [{ role: 'main', value: headline }],
    subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${mediaTopic}` }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: BODY }],
  });

describe('a withdrawal reaches every partner that received any version', () => {
  let pipeline: LocalPipeline;
  const errors: unknown[] = [];
  const received = (partner: string) =>
    pipeline.deliveries
      .filter((delivery) => delivery.partner === partner)
      .map((delivery) => `v${delivery.envelope.version}:${delivery.envelope.eventType}`)
      .sort();

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    // v1: politics (11000000), urgency 2; v2: economy (04000000), urgency 6; v3: the object deleted.
    await pipeline.upload(KEY, version(2, '11000000', 'Cabinet presents its budget'));
    await pipeline.waitForIdle();
    await pipeline.upload(KEY, version(6, '04000000', 'Budget: what the figures say'));
    await pipeline.waitForIdle();
    await pipeline.remove(KEY);
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline?.stop();
  });

  test('minUrgency 3 took v1 (urgency 2), not v2 (urgency 6), and gets the withdrawal of v2', () => {
    assert.deepEqual(received('urgent-desk'), ['v1:article.published', 'v3:article.withdrawn']);
  });

  test('a partner listing only article.published gets the withdrawal of what it published', () => {
    assert.deepEqual(received('politics-first-only'), ['v1:article.published', 'v3:article.withdrawn']);
  });

  test('a partner that took only the later version gets the update and the withdrawal', () => {
    assert.deepEqual(received('economy-desk'), ['v2:article.updated', 'v3:article.withdrawn']);
  });

  test('a partner that took no version gets nothing, the withdrawal included', () => {
    assert.deepEqual(received('sport-desk'), []);
  });

  test('the withdrawal carries urgency 2 and both versions subjects as SNS attributes', () => {
    const kill = pipeline.deliveries.find(
      (delivery) => delivery.partner === 'urgent-desk' && delivery.envelope.eventType === 'article.withdrawn',
    );
    assert.equal(kill?.attributes.urgency, '2');
    const subjects = JSON.parse(kill?.attributes.subjects ?? '[]') as string[];
    assert.ok(subjects.includes('medtop:11000000') && subjects.includes('medtop:04000000'), subjects.join());
    assert.deepEqual(errors, []);
  });
});
