/**
 * The message partners receive: a versioned envelope around the ninjs document (or a summary of it
 * with a link), plus SNS message attributes that subscription filter policies match on.
 * The envelope's shape is the published contract (contract/article-envelope.ts and its JSON Schema).
 */
import {
  type ArticleEnvelope,
  type DocumentLink,
  EVENT_TYPES,
  type EventType,
  PAYLOADS,
  type Payload,
  SPEC_VERSION,
} from '../../contract/article-envelope.js';
import type { Ninjs } from '../ninjs/types.js';
import { type ArticleHead, mostUrgent } from './article.js';

export type { ArticleEnvelope, DocumentLink, EventType, Payload };
export { EVENT_TYPES, PAYLOADS };

export const MESSAGE_SPEC_VERSION = SPEC_VERSION;

/**
 * The message variants, as the `payload` attribute names them: each subscription takes exactly one.
 * `summary` carries no link to the full document; `summary-linked` (envelope payload `summary`)
 * carries one, for summary partners entitled to the full text.
 */
export type PayloadVariant = Payload | 'summary-linked';

/** SNS's limit for one message, body and attributes together (256 KiB). */
export const SNS_MAX_MESSAGE_BYTES = 256 * 1024;

/** Message attributes, as SNS types them. `String.Array` values are JSON arrays of strings. */
export interface MessageAttribute {
  readonly dataType: 'String' | 'String.Array' | 'Number';
  readonly value: string;
}

export interface OutboundMessage {
  /** Unique within one publish batch (the stream record it came from, plus the variant). */
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
    payload: 'full',
    ...(replay ? { replay } : {}),
    ninjs,
  };
}

/**
 * What a summary keeps of a document: identity, dates, status, headlines, the summary description,
 * subjects, byline and rights, so a partner can list, route and credit it without the bodies.
 */
export function summaryOf(ninjs: Ninjs): Ninjs {
  const summaries = ninjs.descriptions?.filter((description) => description.role === 'summary') ?? [];
  const descriptions = summaries.length > 0 ? summaries : (ninjs.descriptions ?? []).slice(0, 1);
  const kept: Ninjs = {
    uri: ninjs.uri,
    type: ninjs.type,
    representationType: 'partial' as const,
    profile: ninjs.profile,
    version: ninjs.version,
    firstCreated: ninjs.firstCreated,
    versionCreated: ninjs.versionCreated,
    contentCreated: ninjs.contentCreated,
    pubStatus: ninjs.pubStatus,
    urgency: ninjs.urgency,
    language: ninjs.language,
    headlines: ninjs.headlines,
    descriptions: descriptions.length > 0 ? descriptions : undefined,
    subjects: ninjs.subjects,
    genres: ninjs.genres,
    by: ninjs.by,
    slugline: ninjs.slugline,
    located: ninjs.located,
    infoSources: ninjs.infoSources,
    copyrightHolder: ninjs.copyrightHolder,
    copyrightNotice: ninjs.copyrightNotice,
    usageTerms: ninjs.usageTerms,
    rightsInfo: ninjs.rightsInfo,
    altIds: ninjs.altIds,
    standard: ninjs.standard,
  };
  // Absent, not undefined: the summary is serialised and compared as JSON.
  for (const key of Object.keys(kept) as (keyof Ninjs)[]) if (kept[key] === undefined) delete kept[key];
  return kept;
}

/** The same envelope carrying only a summary of its document: no bodies, no link to them. */
export function summaryEnvelope(envelope: ArticleEnvelope): ArticleEnvelope {
  const { ninjs, link: _link, ...rest } = envelope;
  return { ...rest, payload: 'summary', ninjs: summaryOf(ninjs) };
}

/** The same envelope carrying a summary of its document and where the whole document is. */
export function linkedEnvelope(
  envelope: ArticleEnvelope,
  link: DocumentLink,
  payload: Payload,
): ArticleEnvelope {
  const { ninjs, ...rest } = envelope;
  return { ...rest, payload, ninjs: summaryOf(ninjs), link };
}

/**
 * Attribute names partner filter policies refer to (see ../partners/registry.ts). A withdrawal
 * carries every subject, language and source any version had and the most urgent urgency (filters
 * take `urgency <= minUrgency`), so it passes every filter that let one version through (SNS matches
 * a String.Array element by element; the event type is in every subscription's filter). `payload` names the variant, so that each
 * subscription takes exactly one.
 */
export function attributesFor(
  article: ArticleHead,
  eventType: EventType,
  payload: PayloadVariant = 'full',
): Record<string, MessageAttribute> {
  const withdrawal = eventType === 'article.withdrawn';
  const sources = withdrawal && article.everSources?.length ? article.everSources : [article.source];
  const attributes: Record<string, MessageAttribute> = {
    eventType: { dataType: 'String', value: eventType },
    source:
      sources.length > 1
        ? { dataType: 'String.Array', value: JSON.stringify(sources) }
        : { dataType: 'String', value: sources[0] as string },
    ninjsVersion: { dataType: 'String', value: '3.2' },
    payload: { dataType: 'String', value: payload },
  };
  const languages = withdrawal ? article.everLanguages : article.language ? [article.language] : [];
  if (languages.length === 1) attributes.language = { dataType: 'String', value: languages[0] as string };
  if (languages.length > 1)
    attributes.language = { dataType: 'String.Array', value: JSON.stringify(languages) };
  const subjects = withdrawal ? article.everSubjectCodes : article.subjectCodes;
  if (subjects.length > 0)
    attributes.subjects = { dataType: 'String.Array', value: JSON.stringify(subjects) };
  const urgency = withdrawal ? mostUrgent(article.everUrgency, article.urgency) : article.urgency;
  if (urgency !== undefined) attributes.urgency = { dataType: 'Number', value: String(urgency) };
  return attributes;
}

/** Bytes SNS counts for a message: the body plus each attribute's name, type and value. */
export function messageSize(message: Pick<OutboundMessage, 'body' | 'attributes'>): number {
  let bytes = Buffer.byteLength(message.body);
  for (const [name, attribute] of Object.entries(message.attributes)) {
    bytes +=
      Buffer.byteLength(name) + Buffer.byteLength(attribute.dataType) + Buffer.byteLength(attribute.value);
  }
  return bytes;
}
