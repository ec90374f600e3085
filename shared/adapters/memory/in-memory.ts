/**
 * In-memory implementations of the ports: for the `syndicate normalise` dry run and for unit tests
 * of the use cases. They honour the same contracts as the AWS adapters (conditional saves included).
 */
import type { ArticleRecord, RejectionRecord } from '../../domain/article.js';
import { ConcurrentUpdateError } from '../../domain/errors.js';
import type { OutboundMessage } from '../../domain/message.js';
import type { ArticleIndex } from '../../ports/article-index.js';
import type { Notifier, PublishResult } from '../../ports/notifier.js';
import type { ObjectStore, StoredObject } from '../../ports/object-store.js';

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();

  put(bucket: string, object: StoredObject): void {
    this.objects.set(`${bucket}/${object.key}`, object);
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    return this.objects.get(`${bucket}/${key}`);
  }
}

export class InMemoryArticleIndex implements ArticleIndex {
  readonly articles = new Map<string, ArticleRecord>();
  readonly rejections = new Map<string, RejectionRecord>();

  async current(uri: string): Promise<ArticleRecord | undefined> {
    return this.articles.get(uri);
  }

  async saveVersion(record: ArticleRecord, expectedVersion: number | undefined): Promise<void> {
    if (this.articles.get(record.uri)?.version !== expectedVersion) {
      throw new ConcurrentUpdateError(
        `${record.uri}: version ${expectedVersion ?? 'none'} is no longer current`,
      );
    }
    this.articles.set(record.uri, record);
  }

  async saveRejection(rejection: RejectionRecord): Promise<void> {
    this.rejections.set(rejection.uri, rejection);
  }
}

export class InMemoryNotifier implements Notifier {
  readonly published: OutboundMessage[] = [];

  async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
    this.published.push(...messages);
    return { failedIds: [] };
  }
}
