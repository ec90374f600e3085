import type { ArticleHead, ArticleVersion } from '../domain/article.js';
import type { EventType } from '../domain/message.js';

/**
 * One change partners hear of (published, updated, withdrawn), as the feed index keeps it: its
 * position, the event it is, and the article's head at that version (what publish builds its
 * message attributes from).
 */
export interface FeedEntry {
  /** The entry's place in every feed: `<ISO time written>~<16 hex>`, unique, ordered as written. */
  readonly key: string;
  readonly eventType: EventType;
  readonly head: ArticleHead;
}

/** Entries strictly between two keys, oldest first (`ascending`) or newest first. */
export interface FeedRange {
  readonly after?: string;
  readonly before: string;
  readonly order: 'ascending' | 'descending';
  readonly limit: number;
}

/**
 * The feed index: every version that meant an event for partners, ordered by when it was written.
 * Written by `saveVersion` of the article index (no separate write), read by the feed route.
 */
export interface FeedIndex {
  /** Up to `limit` entries of the range in its order; fewer only when the range holds no more. */
  feedEntries(range: FeedRange): Promise<FeedEntry[]>;
  /**
   * The stored version of an entry, or undefined when that version never became current (its
   * writer stopped between storing the version and making it current) and must not be shown.
   */
  feedVersion(entry: FeedEntry): Promise<ArticleVersion | undefined>;
}
