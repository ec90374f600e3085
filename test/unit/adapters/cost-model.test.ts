/**
 * The benchmark's cost model (bench/sections/cost.ts): DynamoDB billed as AWS bills it, from items
 * whose sizes are given here, and the items the adapter really writes for the sample article.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ArticleSizes, costRows, measureArticleSizes } from '../../../bench/sections/cost.js';

const INPUTS = {
  memoryMb: 512,
  normaliseMsPerArticle: 20,
  publishMsPerArticle: 4,
  normaliseInitMs: 100,
  publishInitMs: 80,
  normaliseLogBytesPerArticle: 200,
  publishLogBytesPerArticle: 200,
  deliveriesPerArticle: 2,
  messagesPerArticle: 1,
  deliveriesSource: 'given',
};

function sizes(writes: ArticleSizes['writes'], readUnits: number): ArticleSizes {
  return {
    documentBytes: 2000,
    writes,
    readUnits,
    streamRecordsPerArticle: writes.length,
    envelopeBytes: 10_000,
    summaryBytes: 2_000,
    billedPublishesPerArticle: () => 0.2,
    words: 500,
  };
}

describe('the cost model', () => {
  test('each item costs a write unit per started 1 KB (1,024 bytes), at $0.625 per million; reads $0.125', () => {
    // DynamoDB on-demand: one write request unit per write of up to 1 KB, one more per further KB
    // started; a strongly consistent read of up to 4 KB is one read request unit.
    const { rows } = costRows(
      INPUTS,
      sizes(
        [
          { what: 'version', bytes: 3071 },
          { what: 'head', bytes: 1024 },
          { what: 'byFeed index', bytes: 1025 },
        ],
        3,
      ),
    );
    const dynamo = rows.find((row) => row.item === 'DynamoDB');
    // 3 + 1 + 2 = 6 WU × $0.625 + 3 RU × $0.125 = $4.125 per million.
    assert.match(dynamo?.measured ?? '', /^\$4\.1[23] — 6 WU per article/);
  });

  test("the sample article's writes are those of the adapter: version 3 WU, head, feed entry, no state item", async () => {
    const measured = await measureArticleSizes();
    assert.deepEqual(
      measured.writes.map((write) => write.what),
      ['version', 'byFeed index', 'head'],
    );
    const version = measured.writes.find((write) => write.what === 'version');
    assert.ok(version && version.bytes > 2048 && version.bytes < 3072, `${version?.bytes} bytes`);
    assert.equal(measured.streamRecordsPerArticle, 2);
    // The key's state item (absent), the head of its minted uri (absent), the head before saving.
    assert.equal(measured.readUnits, 3);
  });
});
