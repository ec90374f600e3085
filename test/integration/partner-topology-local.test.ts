/**
 * The local runtime builds the stack's partner topics and shards from the same registry: each
 * partner in the stack's shard, subscribed to a topic of its payload variant, and a message of one
 * variant reaches a partner once (whatever the number of topics of that variant), never the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { generatedRegistry } from '../../scripts/partner-registry-generator.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import type { OutboundMessage } from '../../shared/domain/message.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { topicId } from '../../shared/partners/topology.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';

/** Small enough that 50 partners need several topics per variant, as 1,000 do at SNS's 200. */
const FILTER_POLICIES_PER_TOPIC = 10;
const partners = parsePartnerRegistry(generatedRegistry(50));
/** partner-0001 has no filters and takes full documents (see the generator). */
const CATCH_ALL = 'partner-0001';

let pipeline: LocalPipeline;
let stack: SyndicationStack;

before(async () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new SyndicationStack(app, 'Topology', {
    consoleAssets: CONSOLE_PAGE,
    stage: 'dev',
    partners,
    filterPoliciesPerTopic: FILTER_POLICIES_PER_TOPIC,
  });
  // The runtime only watches partner queues, so the test reads the catch-all partner's queue itself.
  pipeline = await LocalPipeline.start(partners, { filterPoliciesPerTopic: FILTER_POLICIES_PER_TOPIC });
});

after(async () => {
  await pipeline?.stop();
});

describe('local partner topology', () => {
  test("each partner is in the stack's shard, on a topic of its payload like the stack's", () => {
    const stackShard = new Map(
      [...stack.partnerShards].flatMap(([shard, nested]) =>
        [...nested.deliveries.keys()].map((name) => [name, shard]),
      ),
    );
    const { partnerQueues, topicRoutes } = pipeline.resources;
    assert.equal(partnerQueues.length, 50);
    for (const { partner, shard, topicArn } of partnerQueues) {
      assert.equal(shard, stackShard.get(partner.name), partner.name);
      assert.ok(
        topicRoutes[partner.payload].includes(topicArn),
        `${partner.name} on a ${partner.payload} topic`,
      );
      const slot = stack.topology.topicOf.get(partner.name);
      assert.ok(slot);
      // The same topic as in the stack: the runtime's topic names follow the stack's construct ids.
      const expected =
        topicId(slot) === 'ArticlesTopic'
          ? 'syndicate-articles'
          : `syndicate-${topicId(slot)
              .replace(/([a-z])([A-Z0-9])/g, '$1-$2')
              .toLowerCase()}`;
      assert.ok(topicArn.endsWith(`:${expected}`), `${partner.name}: ${topicArn}, expected ${expected}`);
    }
    assert.equal(topicRoutes.full.length + topicRoutes.summary.length, stack.topics.size);
    assert.ok(topicRoutes.full.length > 1, 'several full topics at 10 filter policies a topic');
  });

  test('a full message reaches the catch-all full partner once, a summary never', async () => {
    const { sns, sqs } = pipeline.clients;
    const message = (id: string, payload: 'full' | 'summary'): OutboundMessage => ({
      id,
      body: JSON.stringify({ id, payload }),
      attributes: {
        eventType: { dataType: 'String', value: 'article.published' },
        payload: { dataType: 'String', value: payload },
      },
    });
    const { failedIds } = await new SnsNotifier(sns, pipeline.resources.topicRoutes).publish([
      message('full-1', 'full'),
      message('summary-1', 'summary'),
    ]);
    assert.deepEqual(failedIds, []);
    const queue = pipeline.resources.partnerQueues.find(({ partner }) => partner.name === CATCH_ALL)?.queue;
    assert.ok(queue);
    const received: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const { Body } of Messages ?? []) received.push((JSON.parse(Body ?? '{}') as { id: string }).id);
    }
    assert.deepEqual(received, ['full-1']);
  });
});
