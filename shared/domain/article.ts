/**
 * The article as the index keeps it: a small head record per article (the current version's
 * metadata, whose changes drive publishing) and one stored document per version.
 */
import { createHash } from 'node:crypto';
import type { Ninjs, PubStatus } from '../ninjs/types.js';
import type { Provenance } from './provenance.js';

export const ARTICLE_URI_PREFIX = 'urn:syndicate:';
/** Longest uri (and input id used as one), so that every key and GSI sort key built from it fits DynamoDB. */
export const MAX_URI_CHARS = 512;
const MAX_ENCODED_KEY_CHARS = MAX_URI_CHARS - ARTICLE_URI_PREFIX.length;
const KEPT_PREFIX_CHARS = 256;

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

/** Where an article's current version came from: the object, its S3 event sequencer and upload time. */
export interface ObjectOrigin {
  readonly key: string;
  /** S3's per-key event order (hex); undefined when the change did not come from a notification. */
  readonly sequencer?: string;
  /**
   * When S3 stored the object (its notification's `eventTime`, ISO 8601): where the upload-to-publish
   * latency starts. Undefined for versions made before it was kept, or not from a notification.
   */
  readonly uploadedAt?: string;
}

/** The current state of one article: metadata only, small enough to write cheaply on every change. */
export interface ArticleHead {
  readonly uri: string;
  readonly version: number;
  readonly contentHash: string;
  readonly pubStatus: PubStatus;
  readonly headline: string;
  readonly origin: ObjectOrigin;
  readonly source: string;
  readonly language?: string;
  readonly urgency?: number;
  readonly embargoedUntil?: string;
  /** Filter attributes of the current version. */
  readonly subjectCodes: readonly string[];
  /**
   * Union of the filter attributes of every version, so that a withdrawal reaches every partner
   * that received any version, even one whose filters the last version no longer matched.
   */
  readonly everSubjectCodes: readonly string[];
  readonly everLanguages: readonly string[];
  /**
   * The most urgent (lowest) urgency any version had: partners filter with `urgency <= minUrgency`,
   * so the lowest value is the one every partner that took some version also takes.
   */
  readonly everUrgency?: number;
  /** Every source any version came from (one, now that ids are scoped to their publisher). */
  readonly everSources?: readonly string[];
  /** Whether any version so far was usable, i.e. sent to partners. */
  readonly everPublished: boolean;
  readonly firstCreated: string;
  readonly versionCreated: string;
}

/**
 * Bounds on the union of filter values a head keeps across versions, as the JSON of a `String.Array`
 * message attribute. Together (72 KiB) they leave most of SNS's 262,144 bytes per message to the body,
 * and the head item far below DynamoDB's 409,600 bytes. Media Topics (1,133 concepts, 15-character
 * codes) fit the subject budget whole (~20 KiB), so only codes of other schemes can reach it.
 */
export const EVER_SUBJECTS_MAX_BYTES = 64 * 1024;
export const EVER_LANGUAGES_MAX_BYTES = 4 * 1024;
export const EVER_SOURCES_MAX_BYTES = 4 * 1024;

/**
 * The union of the current version's values and those of earlier versions, within `maxJsonBytes` as
 * a JSON array: the current version's values first (they are what partners matched last), then the
 * earlier ones in the order they appeared, until the next would not fit.
 */
export function boundedUnion(
  current: readonly string[],
  earlier: readonly string[],
  maxJsonBytes: number,
): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  let bytes = 2; // []
  for (const value of [...current, ...earlier]) {
    if (seen.has(value)) continue;
    const added = Buffer.byteLength(JSON.stringify(value)) + (kept.length > 0 ? 1 : 0);
    if (bytes + added > maxJsonBytes) continue;
    seen.add(value);
    kept.push(value);
    bytes += added;
  }
  return kept;
}

/** The lower of two urgencies, either possibly absent (ninjs: 1 is the most urgent). */
export function mostUrgent(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** One stored version: the full document partners receive, and how it was derived. */
export interface ArticleVersion {
  readonly uri: string;
  readonly version: number;
  readonly contentHash: string;
  readonly ninjs: Ninjs;
  readonly provenance: Readonly<Record<string, Provenance>>;
}

/** A rejected input, kept so that publishers can be told exactly why. */
export interface RejectionRecord {
  readonly objectKey: string;
  readonly code: string;
  readonly message: string;
  readonly sizeBytes: number;
  readonly rejectedAt: string;
  /** Where the original was copied for inspection, if it was. */
  readonly quarantineKey?: string;
}

/** The last event seen for an object key and the article it feeds. */
export interface ObjectState {
  readonly key: string;
  readonly uri?: string;
  readonly sequencer?: string;
  readonly lastEvent: 'created' | 'removed' | 'rejected';
  readonly at: string;
}

/**
 * A stable uri for an object key: the same key always names the same article, so a re-upload is a
 * new version of it. Each path segment is percent-encoded so any S3 key gives a valid RFC 3986 URI.
 */
export function articleUriForKey(objectKey: string): string {
  const encoded = objectKey.split('/').map(encodeURIComponent).join('/');
  if (encoded.length <= MAX_ENCODED_KEY_CHARS) return `${ARTICLE_URI_PREFIX}${encoded}`;
  // Percent-encoding can triple a key (S3 allows 1,024 bytes): keep a readable start and make it
  // unique with a hash, so uris stay within DynamoDB's key limits (2,048 bytes; 1,024 for sort keys).
  const start = encoded.slice(0, KEPT_PREFIX_CHARS).replace(/%[0-9A-F]?$/i, '');
  return `${ARTICLE_URI_PREFIX}${start}~${createHash('sha256').update(objectKey).digest('hex').slice(0, 32)}`;
}

/**
 * Publishers drop into `<source>/...`; the first path segment names the source partners filter on.
 * Objects at the top of the bucket have no publisher prefix and are attributed to `direct`.
 */
export function sourceForKey(objectKey: string): string {
  const slash = objectKey.indexOf('/');
  return slash > 0 ? objectKey.slice(0, slash) : 'direct';
}

/**
 * Why a key cannot name an article, or undefined when it can. A `.` or `..` segment, an empty one
 * (a leading, trailing or doubled `/`) or a backslash in the source folder would make the uri or the
 * source read as a different path by anything that resolves paths (a file system, a URL resolver),
 * so one publisher's key could name another's article or escape its folder.
 */
export function objectKeyProblem(objectKey: string): string | undefined {
  const segments = objectKey.split('/');
  for (const [position, segment] of segments.entries()) {
    if (segment === '')
      return `segment ${position + 1} of the key is empty (a leading, trailing or doubled '/')`;
    if (segment === '.' || segment === '..') return `segment ${position + 1} of the key is '${segment}'`;
  }
  if (segments.length > 1 && /[\\\p{Cc}]/u.test(segments[0] as string))
    return 'the source folder holds a backslash or a control character';
  return undefined;
}

/** The source a pipeline-minted uri names (`urn:syndicate:<source>/...`), case-insensitively; else undefined. */
export function mintedUriSource(uri: string): string | undefined {
  if (uri.slice(0, ARTICLE_URI_PREFIX.length).toLowerCase() !== ARTICLE_URI_PREFIX) return undefined;
  const rest = uri.slice(ARTICLE_URI_PREFIX.length);
  const slash = rest.indexOf('/');
  let source = slash > 0 ? rest.slice(0, slash) : 'direct';
  try {
    source = decodeURIComponent(source);
  } catch {
    // not percent-encoded as we encode: compared as written
  }
  return source;
}

/**
 * S3 sequencers order events for one key: compare them as hex strings of equal length
 * (AWS: pad the shorter with leading zeros). Returns <0, 0 or >0.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when `incoming` is older than or the same as what the head already reflects for that key. */
export function isStale(head: ArticleHead | undefined, origin: ObjectOrigin): boolean {
  if (!head?.origin.sequencer || !origin.sequencer || head.origin.key !== origin.key) return false;
  return compareSequencers(origin.sequencer, head.origin.sequencer) <= 0;
}
