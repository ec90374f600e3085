import type { ArticleRecord, RejectionRecord } from '../domain/article.js';

/** The index of articles: the single source of truth whose change stream drives publishing. */
export interface ArticleIndex {
  current(uri: string): Promise<ArticleRecord | undefined>;
  /**
   * Stores `record` as the current version only if the current version is still
   * `expectedVersion` (undefined: the article must not exist yet). Throws ConcurrentUpdateError otherwise.
   */
  saveVersion(record: ArticleRecord, expectedVersion: number | undefined): Promise<void>;
  saveRejection(rejection: RejectionRecord): Promise<void>;
}
