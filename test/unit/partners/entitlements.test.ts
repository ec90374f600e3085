/**
 * Entitlements: a summary partner gets a link to the full text only when its registry entry says so;
 * a replay to one partner picks that partner's queue by its exact name and sends only what its filter
 * policy takes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { partnerConstructId } from '../../../infra/constructs/partner-delivery.js';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
} from '../../../shared/adapters/memory/in-memory.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { evaluateFilterPolicy } from '../../../shared/partners/filter-policy.js';
import {
  type Partner,
  parsePartnerRegistry,
  partnerQueueNames,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
  subscriptionFilterPolicyFor,
} from '../../../shared/partners/registry.js';
import { partnerTopology, type TopicSlot, topicId } from '../../../shared/partners/topology.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { replayArticles } from '../../../shared/usecases/replay.js';

const registry = parsePartnerRegistry({
  partners: [
    { name: 'ticker', delivery: { type: 'sqs' }, filters: {}, payload: 'summary' },
    {
      name: 'licensed-ticker',
      delivery: { type: 'sqs' },
      filters: {},
      payload: 'summary',
      fullTextLink: true,
    },
    { name: 'wire', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
    { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
  ],
});
const byName = (name: string) => registry.find((partner) => partner.name === name) as Partner;

function problemsOf(partners: unknown[]): string {
  try {
    parsePartnerRegistry({ partners });
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.message;
  }
  assert.fail('expected the registry to be rejected');
}

describe('summary entitlements in the registry', () => {
  test('a summary partner takes the unlinked summary unless it has fullTextLink: true', () => {
    // Each variant has topics of its own: the subscription's topic decides the variant, not a filter key.
    const topology = partnerTopology(registry);
    const topicOf = (name: string) => topicId(topology.topicOf.get(name) as TopicSlot);
    assert.equal(topicOf('ticker'), 'SummaryTopic');
    assert.equal(topicOf('licensed-ticker'), 'LinkedSummaryTopic');
    assert.equal(topicOf('wire'), 'ArticlesTopic');
    for (const name of ['ticker', 'licensed-ticker', 'wire'])
      assert.equal(subscriptionFilterPolicyFor(byName(name)).payload, undefined, name);
    assert.equal(registryWantsSummaries(registry), true);
    assert.equal(registryWantsLinkedSummaries(registry), true);
    assert.equal(registryWantsLinkedSummaries([byName('ticker'), byName('wire')]), false);
  });

  test('fullTextLink must be a boolean, and only on a summary partner', () => {
    const message = problemsOf([
      { name: 'full-one', delivery: { type: 'sqs' }, filters: {}, fullTextLink: true },
      {
        name: 'summary-one',
        delivery: { type: 'sqs' },
        filters: {},
        payload: 'summary',
        fullTextLink: 'yes',
      },
    ]);
    assert.match(message, /partner 'full-one': fullTextLink applies to summary partners/);
    assert.match(message, /partner 'summary-one': fullTextLink must be true or false/);
  });
});

describe('replay to one partner', () => {
  test("a partner's queue is found by its exact name: 'wire' is not 'all-news-wire'", () => {
    assert.deepEqual(partnerQueueNames(byName('wire')), ['partner-wire', 'PartnerWireQueue']);
    assert.ok(!partnerQueueNames(byName('wire')).includes('partner-all-news-wire'));
    // The stack's output for the queue is `<construct id>QueueUrl`.
    for (const partner of registry)
      assert.equal(partnerQueueNames(partner)[1], `${partnerConstructId(partner)}Queue`);
    const renamed = parsePartnerRegistry({
      partners: [{ id: 'old-name', name: 'new-name', delivery: { type: 'sqs' }, filters: {} }],
    })[0] as Partner;
    assert.deepEqual(partnerQueueNames(renamed), ['partner-new-name', 'PartnerOldNameQueue']);
  });

  test("only what the partner's filter takes is sent; the rest is skipped with the reason", async () => {
    const objects = new InMemoryObjectStore();
    const index = new InMemoryArticleIndex();
    const now = () => new Date('2026-11-25T10:00:00Z');
    const drop = async (key: string, mediaTopic: string) => {
      objects.put('b', {
        key,
        bytes: Buffer.from(
          JSON.stringify({
            headlines: [{ value: `Story ${key}` }],
            bodies: [{ value: 'Body text of the story, long enough to be an article.' }],
            subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${mediaTopic}` }],
          }),
        ),
      });
      await ingestObject({ objects, index, now }, { bucket: 'b', key });
    };
    await drop('agency/match.json', '15000000'); // sport
    await drop('agency/budget.json', '11000000'); // politics
    const notifier = new InMemoryNotifier();
    const policy = subscriptionFilterPolicyFor(byName('wire'));
    const result = await replayArticles(
      {
        index,
        notifier,
        now,
        variants: ['full'],
        admits: (message) => evaluateFilterPolicy(policy, message.attributes).matches,
      },
      { uris: ['urn:syndicate:agency/match.json', 'urn:syndicate:agency/budget.json'] },
      'wire',
    );
    assert.deepEqual(result.replayed, ['urn:syndicate:agency/match.json']);
    assert.deepEqual(result.skipped, [
      { uri: 'urn:syndicate:agency/budget.json', reason: "wire's filter does not take it" },
    ]);
    assert.equal(notifier.published.length, 1);
  });
});
