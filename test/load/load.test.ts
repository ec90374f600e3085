/**
 * Sustained load through the local runtime: generated articles (./articles.ts) uploaded 16 at a time,
 * as a wire desk's tooling would, then checked end to end:
 * - each object indexed exactly once: one object state, one head at version 1, one stored version;
 * - each partner's queue delivered exactly its filtered set, each article once (no faults here, so no
 *   duplicates either);
 * - nothing dead-lettered, no error inside the runtime.
 * Only outcomes are asserted: how fast the runtime goes is measured by `npm run bench`.
 *
 * SYNDICATE_LOAD=full (`npm run test:load`) runs 10,000 articles; a number runs that many; the
 * default is 300, which keeps `npm test` quick.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LocalPipeline } from '../../local/pipeline.js';
import { DynamoDbArticleIndex, headFromItem } from '../../shared/adapters/dynamodb-article-index.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { countDeliveries, deliveryProblems, partnerWants } from '../robustness/delivery-oracle.js';
import { generatedArticle } from './articles.js';

const setting = process.env.SYNDICATE_LOAD;
const ARTICLES = setting === 'full' ? 10_000 : Number(setting) > 0 ? Number(setting) : 300;
const CONCURRENCY = 16;
/** Only a runtime that stopped making progress reaches this: a second per article is far beyond any machine. */
const IDLE_TIMEOUT_MS = 60_000 + ARTICLES * 1000;

// Ten thousand articles log tens of thousands of lines; the outcome is checked here, not read there.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    {
      name: 'politics-en',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:11000000'], languages: ['en'] },
    },
    { name: 'sports-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
    { name: 'german-only', delivery: { type: 'sqs' }, filters: { languages: ['de'] } },
    {
      name: 'agency-b-economy',
      delivery: { type: 'sqs' },
      filters: { sources: ['agency-b'], subjects: ['medtop:04000000'] },
    },
    { name: 'urgent-only', delivery: { type: 'sqs' }, filters: { minUrgency: 3 } },
  ],
});

interface TableContents {
  readonly heads: ArticleHead[];
  /** Stored versions by uri. */
  readonly versions: Map<string, number[]>;
  /** Object states by key: the uri each key feeds. */
  readonly states: Map<string, string | undefined>;
}

async function readTable(pipeline: LocalPipeline, keys: readonly string[]): Promise<TableContents> {
  const heads: ArticleHead[] = [];
  const versions = new Map<string, number[]>();
  const states = new Map<string, string | undefined>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await pipeline.clients.dynamoDb.send(
      new ScanCommand({ TableName: pipeline.resources.table, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const sk = item.sk?.S ?? '';
      if (sk === 'head') {
        const head = headFromItem(item);
        if (head) heads.push(head);
      } else if (sk.startsWith('version#')) {
        const { uri, version } = unmarshall(item) as { uri: string; version: number };
        versions.set(uri, [...(versions.get(uri) ?? []), version]);
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  // A key's state as the index answers it: its own item, or (a new key of a minted article) its head.
  const index = new DynamoDbArticleIndex(pipeline.clients.dynamoDb, pipeline.resources.table);
  for (const key of keys) {
    const state = await index.objectState(key);
    if (state) states.set(key, state.uri);
  }
  return { heads, versions, states };
}

describe(`load: ${ARTICLES} generated articles through the local runtime`, () => {
  let pipeline: LocalPipeline;
  const errors: unknown[] = [];
  const keys: string[] = [];
  let peakRss = 0;
  let table: TableContents;

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 250);
    let next = 0;
    const uploader = async () => {
      while (next < ARTICLES) {
        const article = generatedArticle(next++);
        keys.push(article.key);
        await pipeline.upload(article.key, article.body, {
          ...(article.contentType ? { contentType: article.contentType } : {}),
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, uploader));
    await pipeline.waitForIdle(IDLE_TIMEOUT_MS);
    clearInterval(sampler);
    table = await readTable(pipeline, keys);
  });

  after(async () => {
    await pipeline?.stop();
  });

  test('each article is indexed exactly once: one object state, one head at version 1, one stored version', () => {
    assert.equal(new Set(keys).size, ARTICLES);
    assert.equal(table.states.size, ARTICLES, 'object states');
    assert.equal(table.heads.length, ARTICLES, 'heads');
    const uris = new Set<string>();
    for (const key of keys) {
      const uri = table.states.get(key);
      assert.ok(uri, `${key} has no article`);
      assert.ok(!uris.has(uri), `${uri} is fed by two keys`);
      uris.add(uri);
    }
    for (const head of table.heads) {
      assert.ok(uris.has(head.uri), `${head.uri} belongs to no key`);
      assert.equal(head.version, 1, head.uri);
      assert.equal(head.pubStatus, 'usable', head.uri);
      assert.deepEqual(table.versions.get(head.uri), [1], head.uri);
    }
  });

  test("each partner's queue delivered exactly its filtered set, each article once", (t) => {
    assert.deepEqual(
      deliveryProblems(partners, table.heads, pipeline.deliveries, { exactMessages: true }),
      [],
    );
    const counts = countDeliveries(pipeline.deliveries);
    const summary = partners.map((partner) => {
      const expected = table.heads.filter((head) => partnerWants(partner, head)).length;
      const received = counts.get(partner.name)?.size ?? 0;
      return `${partner.name} ${received}/${expected}`;
    });
    // Every partner's filter selects something and leaves something out: the check is not vacuous.
    for (const partner of partners.slice(1)) {
      const selected = table.heads.filter((head) => partnerWants(partner, head)).length;
      assert.ok(selected > 0 && selected < ARTICLES, `${partner.name} selects ${selected} of ${ARTICLES}`);
    }
    t.diagnostic(`deliveries per partner (received/expected): ${summary.join(', ')}`);
  });

  test('nothing dead-lettered, nothing went wrong inside the runtime', (t) => {
    for (const queue of [
      pipeline.resources.ingestDeadLetterQueue,
      pipeline.resources.streamDeadLetterQueue,
      ...pipeline.resources.partnerQueues.map(({ deadLetterQueue }) => deadLetterQueue),
    ]) {
      assert.equal(
        pipeline.emulators.messaging.inspectQueue(queue.name)?.messages.ready.length ?? 0,
        0,
        queue.name,
      );
    }
    assert.deepEqual(errors, []);
    t.diagnostic(
      `${ARTICLES} articles, ${pipeline.deliveries.length} partner messages, peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
    );
  });
});
