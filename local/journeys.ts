/**
 * What happened to each dropped file: its outcome in the index and the partners it reached.
 * Read back from the local table and what reached each partner, the way an operator would check AWS.
 */
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import type { LocalPipeline } from './pipeline.js';

export interface Journey {
  readonly key: string;
  readonly status: 'published' | 'withheld' | 'withdrawn' | 'rejected' | 'failed' | 'unknown';
  readonly uri?: string;
  readonly version?: number;
  readonly code?: string;
  readonly reason?: string;
  readonly deliveries: Record<string, number>;
}

/** What one processing of an object did, as the `npm start` console reports it. */
export interface Outcome {
  readonly key: string;
  readonly status:
    | 'published'
    | 'updated'
    | 'withdrawn'
    | 'unchanged'
    | 'withheld'
    | 'rejected'
    | 'failed'
    | 'unknown';
  readonly uri?: string;
  readonly version?: number;
  readonly code?: string;
  readonly reason?: string;
  /** Partner -> messages of this version it received (0: its filter left it out). */
  readonly deliveries: Record<string, number>;
}

export class JourneyTracker {
  readonly index: DynamoDbArticleIndex;
  private readonly failures = new Set<string>();
  /** The version of each article last reported by `outcomeOf`: the index starts empty with the runtime. */
  private readonly reported = new Map<string, number>();

  constructor(private readonly pipeline: LocalPipeline) {
    this.index = new DynamoDbArticleIndex(pipeline.clients.dynamoDb, pipeline.resources.table);
    pipeline.on('processed', ({ key, failed }) => {
      if (failed) this.failures.add(key);
      else this.failures.delete(key);
    });
  }

  /** The journey of one key, as of now. `since` excludes deliveries received before it (epoch ms). */
  async journeyOf(key: string, since = 0): Promise<Journey> {
    const deliveries: Record<string, number> = {};
    for (const { partner } of this.pipeline.resources.partnerQueues) deliveries[partner.name] = 0;
    const state = await this.index.objectState(key);
    if (state?.lastEvent === 'rejected') {
      const rejection = await this.index.latestRejection(key);
      return {
        key,
        status: 'rejected',
        code: rejection?.code ?? 'UNKNOWN',
        reason: rejection?.message ?? 'rejected',
        deliveries,
      };
    }
    const head = state?.uri ? await this.index.current(state.uri) : undefined;
    if (!head) {
      if (this.failures.has(key)) {
        return {
          key,
          status: 'failed',
          reason: 'processing failed; the message is retried, then dead-lettered',
          deliveries,
        };
      }
      return { key, status: 'unknown', reason: 'no outcome recorded for this object', deliveries };
    }
    for (const delivery of this.pipeline.deliveries) {
      if (delivery.envelope.uri === head.uri && delivery.receivedAt >= since) {
        deliveries[delivery.partner] = (deliveries[delivery.partner] ?? 0) + 1;
      }
    }
    const status =
      head.pubStatus === 'canceled' ? 'withdrawn' : head.pubStatus === 'withheld' ? 'withheld' : 'published';
    return { key, status, uri: head.uri, version: head.version, deliveries };
  }

  /**
   * What the latest processing of `key` did, compared with what was reported for its article before:
   * a first version is published, a new one updated (or withdrawn), the same one unchanged. The
   * deliveries are those of that version only, so each partner counts what this change sent it.
   */
  async outcomeOf(key: string): Promise<Outcome> {
    const journey = await this.journeyOf(key);
    if (!journey.uri || journey.version === undefined) {
      const { status, deliveries, ...rest } = journey;
      return { ...rest, status: status as Outcome['status'], deliveries };
    }
    const { uri, version } = journey;
    const before = this.reported.get(uri);
    this.reported.set(uri, version);
    const deliveries: Record<string, number> = {};
    for (const { partner } of this.pipeline.resources.partnerQueues) deliveries[partner.name] = 0;
    for (const { partner, envelope } of this.pipeline.deliveries) {
      if (envelope.uri === uri && envelope.version === version && envelope.eventType !== 'article.replayed')
        deliveries[partner] = (deliveries[partner] ?? 0) + 1;
    }
    const status: Outcome['status'] =
      before === version
        ? 'unchanged'
        : journey.status === 'withdrawn'
          ? 'withdrawn'
          : journey.status === 'withheld'
            ? 'withheld'
            : version > 1
              ? 'updated'
              : 'published';
    return { key, status, uri, version, deliveries };
  }
}
