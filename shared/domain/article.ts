/**
 * The article as the index stores it and the publisher reads it back from the table stream.
 */
import type { Provenance } from '../formats/parts.js';
import type { Ninjs, PubStatus } from '../ninjs/types.js';

export const ARTICLE_URI_PREFIX = 'urn:syndicate:';

/** What the normaliser produces: a ninjs document without the index-assigned version fields. */
export interface NormalisedArticle {
  readonly ninjs: Ninjs;
  readonly format: string;
  /** SHA-256 of the content fields: equal hashes mean the same article content. */
  readonly contentHash: string;
  /** Media Topic codes with all their ancestors, for partner filters. */
  readonly subjectCodes: readonly string[];
  readonly source: string;
  /** How heuristic values were decided, by ninjs field (see `syndicate normalise --explain`). */
  readonly provenance: Readonly<Record<string, Provenance>>;
}

/** The current state of one article in the index. */
export interface ArticleRecord {
  readonly uri: string;
  readonly version: number;
  readonly contentHash: string;
  readonly pubStatus: PubStatus;
  readonly objectKey: string;
  readonly source: string;
  readonly language?: string;
  readonly urgency?: number;
  readonly subjectCodes: readonly string[];
  readonly firstCreated: string;
  readonly versionCreated: string;
  readonly ninjs: Ninjs;
}

/** A rejected input, kept so that publishers can be told exactly why. */
export interface RejectionRecord {
  readonly uri: string;
  readonly objectKey: string;
  readonly code: string;
  readonly message: string;
  readonly sizeBytes: number;
  readonly rejectedAt: string;
}

/**
 * A stable uri for an object key: the same key always names the same article, so a re-upload is a
 * new version of it. Each path segment is percent-encoded so any S3 key gives a valid RFC 3986 URI.
 */
export function articleUriForKey(objectKey: string): string {
  return `${ARTICLE_URI_PREFIX}${objectKey.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Publishers drop into `<source>/...`; the first path segment names the source partners filter on.
 * Objects at the top of the bucket have no publisher prefix and are attributed to `direct`.
 */
export function sourceForKey(objectKey: string): string {
  const slash = objectKey.indexOf('/');
  return slash > 0 ? objectKey.slice(0, slash) : 'direct';
}
