/**
 * What a receipt says for each outcome of ingesting or withdrawing an object, and where it is kept.
 * Receipts live under `receipts/<source>/`, a prefix no publisher can write (their access points
 * allow writes under `<name>/` only, and `receipts` is not a publisher name), which the ingest
 * notifications do not cover, and which normalise ignores if a notification for it arrives anyway.
 */
import { createHash } from 'node:crypto';
import { objectKeyProblem, sourceForKey } from './article.js';
import type { RejectionCode } from './errors.js';

/** What a publisher reads about one object it dropped or deleted. */
export interface Receipt {
  /** The publisher (the first folder of the key), or undefined for a key with no folder. */
  readonly source?: string;
  readonly objectKey: string;
  /** What happened to the object: written (or overwritten), or deleted. */
  readonly event: 'created' | 'removed';
  /** published, withheld (embargoed), unchanged, rejected, withdrawn, or a deletion that withdrew nothing. */
  readonly status: string;
  /** When the pipeline handled it (ISO 8601, UTC). */
  readonly at: string;
  readonly uri?: string;
  readonly version?: number;
  /** Who receives it: partner names when known, else a sentence saying it went to the topic. */
  readonly delivery?: string;
  /** Rejections: the code, the message, and what to change for the file to go through. */
  readonly code?: string;
  readonly message?: string;
  readonly fix?: string;
}

export const RECEIPTS_PREFIX = 'receipts/';

/** What a publisher can change so that a file with this rejection goes through. */
export const REJECTION_FIXES: Readonly<Record<RejectionCode, string>> = {
  EMPTY: 'upload the file with its content',
  BINARY: 'upload the article as text (plain text, Markdown, HTML, JSON, NITF or NewsML-G2)',
  ENCODING: 'save the file as UTF-8 (or declare its charset)',
  UNSUPPORTED_FORMAT: 'send the article as plain text, Markdown, HTML, JSON (ninjs), NITF or NewsML-G2',
  MALFORMED: 'fix the syntax error the message points to and upload the file again',
  NO_HEADLINE: 'give the article a headline (first line, title, headline field)',
  NO_BODY: 'give the article body text',
  NO_ARTICLE: 'upload one article per file, with a headline and body text',
  TOO_LARGE: 'make the file smaller (5 MiB at most, 20 MiB decompressed)',
  OVER_PUBLISHER_LIMIT:
    'make the file no larger than your registered limit (the message gives it), or ask the operators to raise it',
  TOO_DEEP: 'flatten the document (at most 64 levels of nesting)',
  UNSAFE: 'remove the DTD, external entities or executable tags',
  INVALID_FIELD:
    'give the headline and body fields the shape of their format (e.g. ninjs headlines as an array)',
  INVALID_NINJS: 'nothing on your side: the pipeline produced an invalid document; the operators are told',
  INVALID_KEY: "name the file <source>/<path> with no '.', '..' or empty path segments",
  UNKNOWN_SOURCE:
    'drop files under your own prefix, <your publisher name>/...; ask the operators to register you',
  FOREIGN_ID: 'remove the id or use one of your own: an id can only update articles you published',
  RESERVED_ID: 'remove the urn:syndicate: id (the file key names the article) or use an id of your own',
};

const TOPIC_DELIVERY = 'published to the topic: every partner whose filter matches receives it';

/** The outcomes of ingesting (created) or withdrawing (removed) an object, as the use cases report them. */
export interface HandledOutcome {
  readonly status: string;
  readonly uri?: string;
  readonly version?: number;
  readonly code?: string;
  readonly reason?: string;
}

/**
 * The receipt for one handled object, or undefined when there is nothing to tell: a stale or
 * duplicate notification, or an object already gone again (its deletion gets its own receipt).
 */
export function receiptFor(
  event: 'created' | 'removed',
  objectKey: string,
  outcome: HandledOutcome,
  at: string,
): Receipt | undefined {
  if (outcome.status === 'stale' || outcome.status === 'missing') return undefined;
  const base = {
    ...(objectKey.includes('/') ? { source: sourceForKey(objectKey) } : {}),
    objectKey,
    event,
    status: outcome.status,
    at,
    ...(outcome.uri ? { uri: outcome.uri } : {}),
    ...(outcome.version !== undefined ? { version: outcome.version } : {}),
  };
  switch (outcome.status) {
    case 'published':
      return { ...base, delivery: TOPIC_DELIVERY };
    case 'withdrawn':
      return { ...base, delivery: 'withdrawal published to every partner that received any version' };
    case 'withheld':
      return { ...base, delivery: 'embargoed: published to the topic at its embargo time' };
    case 'unchanged':
      return { ...base, delivery: 'same content as the current version: nothing sent' };
    case 'rejected': {
      const code = outcome.code ?? 'UNKNOWN';
      const fix = REJECTION_FIXES[code as RejectionCode];
      return { ...base, code, message: outcome.reason ?? '', ...(fix ? { fix } : {}) };
    }
    default:
      // unknown, already-withdrawn, superseded: a deletion that withdrew nothing.
      return { ...base, delivery: 'nothing sent' };
  }
}

/**
 * Where a receipt is kept: `receipts/<object key>@<time>.json`, so a publisher lists its own under
 * `receipts/<source>/` and each file's in time order. A key with path tricks ('.', '..', empty
 * segments) is not repeated in the receipt's key (a local emulator stores keys as file paths): its
 * receipt is `receipts/<source>/invalid-key-<hash>@<time>.json`, the key itself inside. Undefined
 * when the key names no source folder: such a receipt would belong to nobody.
 */
export function receiptKey(receipt: Pick<Receipt, 'objectKey' | 'at'>): string | undefined {
  const key = receipt.objectKey;
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const source = key.slice(0, slash);
  if (objectKeyProblem(`${source}/x`)) return undefined;
  const stamp = receipt.at.replace(/[-:.]/g, '');
  const name = objectKeyProblem(key)
    ? `${source}/invalid-key-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
    : key;
  return `${RECEIPTS_PREFIX}${name}@${stamp}.json`;
}

/** Whether a key is a receipt (never an article to ingest). */
export function isReceiptKey(key: string): boolean {
  return key.startsWith(RECEIPTS_PREFIX);
}
