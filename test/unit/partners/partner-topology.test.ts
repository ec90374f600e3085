import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generatedRegistry } from '../../../scripts/partner-registry-generator.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';
import { partnerQueueName, partnerTopology, shardOf, topicId } from '../../../shared/partners/topology.js';

const registry = (count: number) => parsePartnerRegistry(generatedRegistry(count));

describe('partner shards', () => {
  test('a shard is chosen by the permanent id, not the name, and never exceeds 64', () => {
    assert.equal(shardOf({ name: 'renamed-desk', id: 'old-desk' }), shardOf({ name: 'old-desk' }));
    // Hyphen runs count as one, as in the partner's resource ids.
    assert.equal(shardOf({ name: 'a--b-c' }), shardOf({ name: 'a-b-c' }));
    for (const partner of registry(1000)) assert.ok(shardOf(partner) >= 0 && shardOf(partner) < 64);
  });

  test("adding partner 1,001 changes one shard's members; removing one changes one shard", () => {
    const members = (count: number, drop?: string) =>
      partnerTopology(registry(count).filter((partner) => partner.name !== drop)).shards;
    const changed = (a: ReadonlyMap<number, readonly { name: string }[]>, b: typeof a) =>
      [...new Set([...a.keys(), ...b.keys()])].filter(
        (shard) =>
          JSON.stringify((a.get(shard) ?? []).map((p) => p.name)) !==
          JSON.stringify((b.get(shard) ?? []).map((p) => p.name)),
      );
    assert.equal(changed(members(1000), members(1001)).length, 1);
    assert.equal(changed(members(1000), members(1000, 'partner-0500')).length, 1);
  });

  test('1,000 generated partners: no shard over 60, and shards with partners only', () => {
    const { shards } = partnerTopology(registry(1000));
    assert.equal(
      [...shards.values()].reduce((sum, members) => sum + members.length, 0),
      1000,
    );
    for (const members of shards.values()) assert.ok(members.length >= 1 && members.length <= 60);
  });
});

describe('topics per payload variant', () => {
  test('a small registry has one topic per variant it uses', () => {
    const one = partnerTopology(registry(1));
    assert.deepEqual(one.topics.map(topicId), ['ArticlesTopic']);
    const three = partnerTopology(registry(3));
    assert.deepEqual(three.topics.map(topicId), ['ArticlesTopic', 'SummaryTopic']);
  });

  test('subscriptions with a filter policy spread so that no topic has more than the quota', () => {
    const partners = registry(200);
    const topology = partnerTopology(partners, 20);
    const perTopic = new Map<string, number>();
    for (const partner of partners) {
      const slot = topology.topicOf.get(partner.name);
      assert.ok(slot, partner.name);
      assert.equal(slot.payload, partner.payload, `${partner.name} is on a topic of its payload`);
      if (Object.keys(partner.filters).length > 0)
        perTopic.set(topicId(slot), (perTopic.get(topicId(slot)) ?? 0) + 1);
    }
    for (const [topic, policies] of perTopic) assert.ok(policies <= 20, `${topic}: ${policies}`);
    assert.ok(topology.topics.length > 2, 'more than one topic for a variant');
  });

  test('a quota smaller than one shard of one variant is refused, naming the shard', () => {
    assert.throws(
      () => partnerTopology(registry(1000), 2),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /shard \d+ has \d+ (full|summary) partners, more than 2/.test(error.message),
    );
  });
});

describe('partner queue names', () => {
  test('from stage and permanent id, within SQS’s 80 characters', () => {
    assert.equal(partnerQueueName('prod', { name: 'sports-desk' }, 'queue'), 'syn-prod-sports-desk');
    assert.equal(partnerQueueName('prod', { name: 'x-desk', id: 'old-x' }, 'queueDlq'), 'syn-prod-old-x-dlq');
    const longest = partnerQueueName('a'.repeat(20), { name: `p${'q'.repeat(39)}` }, 'deliveryDlq');
    assert.equal(longest.length, 78);
  });
});
