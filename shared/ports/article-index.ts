import type { ArticleHead, ArticleVersion, ObjectState, RejectionRecord } from '../domain/article.js';

export interface ArticleListing {
  readonly items: readonly ArticleHead[];
  /** Pass back to get the next page; undefined when there is none. */
  readonly next?: string;
}

/** The index of articles: the single source of truth whose change stream drives publishing. */
export interface ArticleIndex {
  current(uri: string): Promise<ArticleHead | undefined>;
  version(uri: string, version: number): Promise<ArticleVersion | undefined>;
  /**
   * Stores `version` and makes `head` current, only if the current version is still
   * `expectedVersion` (undefined: the article must not exist yet). Throws ConcurrentUpdateError otherwise.
   */
  saveVersion(head: ArticleHead, version: ArticleVersion, expectedVersion: number | undefined): Promise<void>;
  objectState(key: string): Promise<ObjectState | undefined>;
  saveObjectState(state: ObjectState): Promise<void>;
  saveRejection(rejection: RejectionRecord): Promise<void>;
  latestRejection(key: string): Promise<RejectionRecord | undefined>;
  /** Rejected inputs, newest first. */
  rejections(limit: number): Promise<RejectionRecord[]>;
  /** Articles whose current version was created at or after `since`, newest first. */
  changedSince(since: string, limit: number, next?: string): Promise<ArticleListing>;
  /** Articles currently withheld (embargoed), oldest embargo first. */
  withheld(limit: number): Promise<ArticleHead[]>;
}
