/**
 * What happened to each dropped file: its outcome in the index and the partners it reached.
 * Read back from the local table and partner inboxes, the same way an operator would check AWS.
 */

import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { articleUriForKey } from '../shared/domain/article.js';
import type { LocalPipeline } from './pipeline.js';

export interface Journey {
  readonly key: string;
  readonly status: 'published' | 'unchanged' | 'withdrawn' | 'rejected' | 'failed' | 'unknown';
  readonly uri: string;
  readonly version?: number;
  readonly code?: string;
  readonly reason?: string;
  readonly deliveries: Record<string, number>;
}

export class JourneyTracker {
  private readonly index: DynamoDbArticleIndex;
  private readonly failures = new Set<string>();

  constructor(private readonly pipeline: LocalPipeline) {
    this.index = new DynamoDbArticleIndex(pipeline.clients.dynamoDb, pipeline.resources.table);
    pipeline.on('processed', ({ key, failed }) => {
      if (failed) this.failures.add(key);
      else this.failures.delete(key);
    });
  }

  /** The journey of one key, as of now. `since` excludes deliveries received before it (epoch ms). */
  async journeyOf(key: string, since = 0): Promise<Journey> {
    const uri = articleUriForKey(key);
    const deliveries: Record<string, number> = {};
    for (const { partner } of this.pipeline.resources.partnerQueues) deliveries[partner.name] = 0;
    for (const delivery of this.pipeline.deliveries) {
      if (delivery.envelope.uri === uri && delivery.receivedAt >= since) {
        deliveries[delivery.partner] = (deliveries[delivery.partner] ?? 0) + 1;
      }
    }
    const [current, rejection] = await Promise.all([
      this.index.current(uri),
      this.index.latestRejection(uri),
    ]);
    if (rejection && (!current || rejection.rejectedAt >= current.versionCreated)) {
      return { key, status: 'rejected', uri, code: rejection.code, reason: rejection.message, deliveries };
    }
    if (current) {
      const status = current.pubStatus === 'canceled' ? 'withdrawn' : 'published';
      return { key, status, uri, version: current.version, deliveries };
    }
    if (this.failures.has(key)) {
      return {
        key,
        status: 'failed',
        uri,
        reason: 'processing failed; the message is retried, then dead-lettered',
        deliveries,
      };
    }
    return { key, status: 'unknown', uri, reason: 'no outcome recorded for this object', deliveries };
  }
}
