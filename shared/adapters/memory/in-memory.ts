/**
 * In-memory implementations of the ports: for the `syndicate normalise` dry run and for unit tests
 * of the use cases. They honour the same contracts as the AWS adapters (conditional saves included).
 */
import type { ArticleHead, ArticleVersion, ObjectState, RejectionRecord } from '../../domain/article.js';
import { ConcurrentUpdateError } from '../../domain/errors.js';
import type { OutboundMessage } from '../../domain/message.js';
import { feedEventFor, feedKey } from '../../feeds/entries.js';
import type { ArticleIndex, ArticleListing } from '../../ports/article-index.js';
import type { DocumentStore } from '../../ports/document-store.js';
import type { EmbargoRelease, EmbargoScheduler } from '../../ports/embargo-scheduler.js';
import type { FeedEntry, FeedIndex, FeedRange } from '../../ports/feed-index.js';
import type { Notifier, PublishResult } from '../../ports/notifier.js';
import type { ObjectStore, ObjectTooLarge, ReadLimit, StoredObject } from '../../ports/object-store.js';
import type { Quarantine } from '../../ports/quarantine.js';
import type { Receipt, Receipts } from '../../ports/receipts.js';

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();

  put(bucket: string, object: StoredObject): void {
    this.objects.set(`${bucket}/${object.key}`, object);
  }

  delete(bucket: string, key: string): void {
    this.objects.delete(`${bucket}/${key}`);
  }

  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  get(bucket: string, key: string, limit: ReadLimit): Promise<StoredObject | ObjectTooLarge | undefined>;
  async get(
    bucket: string,
    key: string,
    limit?: ReadLimit,
  ): Promise<StoredObject | ObjectTooLarge | undefined> {
    const object = this.objects.get(`${bucket}/${key}`);
    // As S3ObjectStore: an object over the limit yields its size only, never its bytes.
    if (object && limit && object.bytes.length > limit.maxBytes)
      return { key, sizeBytes: object.bytes.length, tooLarge: true };
    return object;
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return this.objects.has(`${bucket}/${key}`);
  }
}

export class InMemoryArticleIndex implements ArticleIndex, FeedIndex {
  readonly heads = new Map<string, ArticleHead>();
  readonly versions = new Map<string, ArticleVersion>();
  readonly states = new Map<string, ObjectState>();
  readonly rejectionLog: RejectionRecord[] = [];
  /** Feed entries by `uri#version`, as the DynamoDB index keeps them on version items. */
  readonly feed = new Map<string, FeedEntry>();

  /** `clock` stamps feed entries (milliseconds), as the DynamoDB index's clock does. */
  constructor(private readonly clock: () => number = Date.now) {}

  async current(uri: string): Promise<ArticleHead | undefined> {
    return this.heads.get(uri);
  }

  async version(uri: string, version: number): Promise<ArticleVersion | undefined> {
    return this.versions.get(`${uri}#${version}`);
  }

  async saveVersion(
    head: ArticleHead,
    stored: ArticleVersion,
    expectedVersion: number | undefined,
  ): Promise<void> {
    if (this.heads.get(head.uri)?.version !== expectedVersion) {
      throw new ConcurrentUpdateError(
        `${head.uri}: version ${expectedVersion ?? 'none'} is no longer current`,
      );
    }
    const eventType = feedEventFor(this.heads.get(head.uri), head);
    if (eventType)
      this.feed.set(`${stored.uri}#${stored.version}`, {
        key: feedKey(this.clock(), stored.uri, stored.version),
        eventType,
        head,
      });
    this.versions.set(`${stored.uri}#${stored.version}`, stored);
    this.heads.set(head.uri, head);
  }

  async feedEntries(range: FeedRange): Promise<FeedEntry[]> {
    const after = range.after ?? '';
    const entries = [...this.feed.values()]
      .filter((entry) => entry.key > after && entry.key < range.before)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (range.order === 'descending') entries.reverse();
    return entries.slice(0, range.limit);
  }

  async feedVersion(entry: FeedEntry): Promise<ArticleVersion | undefined> {
    const current = this.heads.get(entry.head.uri);
    if (!current || current.version < entry.head.version) return undefined;
    return this.versions.get(`${entry.head.uri}#${entry.head.version}`);
  }

  async objectState(key: string): Promise<ObjectState | undefined> {
    return this.states.get(key);
  }

  async saveObjectState(state: ObjectState): Promise<void> {
    this.states.set(state.key, state);
  }

  async saveRejection(rejection: RejectionRecord): Promise<void> {
    this.rejectionLog.push(rejection);
  }

  async latestRejection(key: string): Promise<RejectionRecord | undefined> {
    return this.rejectionLog.filter((rejection) => rejection.objectKey === key).at(-1);
  }

  async rejections(limit: number): Promise<RejectionRecord[]> {
    return [...this.rejectionLog].reverse().slice(0, limit);
  }

  async changedSince(since: string, limit: number): Promise<ArticleListing> {
    const items = [...this.heads.values()]
      .filter((head) => head.versionCreated >= since)
      .sort((a, b) => b.versionCreated.localeCompare(a.versionCreated))
      .slice(0, limit);
    return { items };
  }

  async withheld(limit: number): Promise<ArticleHead[]> {
    return [...this.heads.values()].filter((head) => head.pubStatus === 'withheld').slice(0, limit);
  }
}

export class InMemoryNotifier implements Notifier {
  readonly published: OutboundMessage[] = [];

  async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
    this.published.push(...messages);
    return { failedIds: [] };
  }
}

export class InMemoryScheduler implements EmbargoScheduler {
  readonly scheduled: EmbargoRelease[] = [];

  async schedule(release: EmbargoRelease): Promise<void> {
    this.scheduled.push(release);
  }
}

export class InMemoryQuarantine implements Quarantine {
  readonly kept: { key: string; code: string }[] = [];

  async keep(_bucket: string, key: string, reason: { code: string }): Promise<string> {
    this.kept.push({ key, code: reason.code });
    return `quarantine/${key}`;
  }
}

export class InMemoryDocumentStore implements DocumentStore {
  readonly documents = new Map<string, Uint8Array>();

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.documents.set(key, bytes);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.documents.get(key);
  }
}

export class InMemoryReceipts implements Receipts {
  readonly written: { bucket: string; receipt: Receipt }[] = [];

  async write(bucket: string, receipt: Receipt): Promise<void> {
    this.written.push({ bucket, receipt });
  }

  async list(bucket: string, source: string, limit: number): Promise<Receipt[]> {
    return this.written
      .filter((entry) => entry.bucket === bucket && entry.receipt.source === source)
      .map((entry) => entry.receipt)
      .reverse()
      .slice(0, limit);
  }
}
