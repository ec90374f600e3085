/**
 * The message partners receive: a versioned envelope around the ninjs document, plus SNS message
 * attributes that subscription filter policies match on.
 */
import type { Ninjs } from '../ninjs/types.js';
import type { ArticleHead } from './article.js';

export const MESSAGE_SPEC_VERSION = '1.0';

export const EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.withdrawn',
  'article.replayed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ArticleEnvelope {
  readonly specVersion: string;
  readonly eventType: EventType;
  readonly uri: string;
  readonly version: number;
  /** `uri` + `#` + `version`: the same key means the same delivery; consumers deduplicate on it. */
  readonly idempotencyKey: string;
  readonly source: string;
  readonly publishedAt: string;
  /** Set on `article.replayed`: why it was sent again (operator replay). */
  readonly replay?: { readonly requestedAt: string; readonly partner?: string };
  readonly ninjs: Ninjs;
}

/** Message attributes, as SNS types them. `String.Array` values are JSON arrays of strings. */
export interface MessageAttribute {
  readonly dataType: 'String' | 'String.Array' | 'Number';
  readonly value: string;
}

export interface OutboundMessage {
  /** Unique within one publish batch; the stream record it came from. */
  readonly id: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

export function idempotencyKeyOf(uri: string, version: number): string {
  return `${uri}#${version}`;
}

export function envelopeFor(
  article: ArticleHead,
  ninjs: Ninjs,
  eventType: EventType,
  publishedAt: string,
  replay?: ArticleEnvelope['replay'],
): ArticleEnvelope {
  return {
    specVersion: MESSAGE_SPEC_VERSION,
    eventType,
    uri: article.uri,
    version: article.version,
    idempotencyKey: idempotencyKeyOf(article.uri, article.version),
    source: article.source,
    publishedAt,
    ...(replay ? { replay } : {}),
    ninjs,
  };
}

/**
 * Attribute names partner filter policies refer to (see ../partners/registry.ts). A withdrawal
 * carries every subject and language any version had, so it passes every filter that let one through
 * (SNS matches a String.Array element by element).
 */
export function attributesFor(article: ArticleHead, eventType: EventType): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {
    eventType: { dataType: 'String', value: eventType },
    source: { dataType: 'String', value: article.source },
    ninjsVersion: { dataType: 'String', value: '3.2' },
  };
  const withdrawal = eventType === 'article.withdrawn';
  const languages = withdrawal ? article.everLanguages : article.language ? [article.language] : [];
  if (languages.length === 1) attributes.language = { dataType: 'String', value: languages[0] as string };
  if (languages.length > 1)
    attributes.language = { dataType: 'String.Array', value: JSON.stringify(languages) };
  const subjects = withdrawal ? article.everSubjectCodes : article.subjectCodes;
  if (subjects.length > 0)
    attributes.subjects = { dataType: 'String.Array', value: JSON.stringify(subjects) };
  if (article.urgency !== undefined)
    attributes.urgency = { dataType: 'Number', value: String(article.urgency) };
  return attributes;
}
