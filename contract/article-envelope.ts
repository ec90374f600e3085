/**
 * The message contract partners build against: TypeScript types of the envelope every partner
 * message carries (the SQS message body, the `Message` of an SNS HTTPS/Lambda/email notification).
 * `article-envelope.schema.json` beside this file is the same contract as a JSON Schema (draft
 * 2020-12); both are kept in step by tests that validate every message partners receive.
 *
 * Compatibility: `specVersion` is MAJOR.MINOR. A minor version only adds optional fields or enum
 * values; consumers must ignore fields they do not know. A major version may remove or change fields.
 */
import type { Ninjs } from '../shared/ninjs/types.js';

export type { Ninjs } from '../shared/ninjs/types.js';

export const SPEC_VERSION = '1.1';

export const EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.withdrawn',
  'article.replayed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * What the partner subscribed to: the whole document, or a summary (with a link to the whole
 * document only when the partner is entitled to the full text).
 */
export const PAYLOADS = ['full', 'summary'] as const;
export type Payload = (typeof PAYLOADS)[number];

/**
 * Where the complete ninjs document can be fetched: a pre-signed HTTPS GET URL that needs no
 * credentials and stops working at `expiresAt`. Fetch it when the message arrives.
 */
export interface DocumentLink {
  readonly href: string;
  readonly expiresAt: string;
  readonly contentType: 'application/json';
  /** Size of the document behind `href`, in bytes. */
  readonly sizeInBytes: number;
  /** Hex SHA-256 of those bytes, to check what was fetched. */
  readonly sha256: string;
}

export interface ArticleEnvelope {
  readonly specVersion: string;
  readonly eventType: EventType;
  /** Stable id of the article across versions, e.g. `urn:syndicate:wire/story.txt`. */
  readonly uri: string;
  /** 1, 2, 3…: each new content of the article (and its withdrawal) is a new version. */
  readonly version: number;
  /** `uri` + `#` + `version`: the same key means the same delivery; consumers deduplicate on it. */
  readonly idempotencyKey: string;
  /** Publisher id (the first folder of the dropped file). */
  readonly source: string;
  /** When this message was published (ISO 8601, UTC). */
  readonly publishedAt: string;
  /** Which variant this is; each partner receives one variant only. */
  readonly payload: Payload;
  /** Set on `article.replayed`: why it was sent again (operator replay). */
  readonly replay?: { readonly requestedAt: string; readonly partner?: string };
  /**
   * A valid ninjs 3.2 document: the whole document when `payload` is `full` and there is no `link`;
   * otherwise a summary of it (`representationType: "partial"`: headlines, summary, subjects, dates,
   * rights; no bodies), because the partner takes summaries or because the whole document was too
   * large for one message (claim check).
   */
  readonly ninjs: Ninjs;
  /**
   * Where the complete document is: present on a claim-checked full message, and on summaries for
   * partners entitled to the full text; absent on other summaries.
   */
  readonly link?: DocumentLink;
}

/** Whether `ninjs` is the complete document (not a summary, whether or not a link comes with it). */
export function isComplete(envelope: ArticleEnvelope): boolean {
  return envelope.payload === 'full' && envelope.link === undefined;
}
