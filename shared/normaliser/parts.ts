/**
 * What every format parser extracts from its input before the common assembly into ninjs
 * (./assemble.ts). Parsers fill what their format states explicitly; the assembly derives the rest
 * (language, summary, subjects, entities) and records how in `provenance`.
 */
import type { Provenance } from '../domain/provenance.js';
import type { AltId, Party, Place, PubStatus } from '../ninjs/types.js';

/** A subject the input itself states (NITF tobject, NewsML subject qcode, ninjs subject, tag). */
export interface SourceSubject {
  /** A qualified code such as `medtop:15000000` or `subj:15000000`, when the input has one. */
  readonly code?: string;
  readonly name?: string;
  readonly uri?: string;
}

/** The article body, either as paragraphs of plain text or as HTML (sanitised later, never trusted). */
export type SourceBody =
  | { readonly kind: 'text'; readonly paragraphs: readonly string[] }
  | { readonly kind: 'html'; readonly html: string };

export interface ArticleParts {
  /** The input's own identifier (ninjs uri, NITF doc-id, NewsML guid, canonical URL...). */
  readonly id?: string;
  readonly headline: string;
  readonly subheadline?: string;
  /** The story's slug as the input states it (wire transmission headers, NITF keywords). */
  readonly slugline?: string;
  readonly byline?: string;
  readonly located?: string;
  /** BCP 47, only when the input states it (html lang, xml:lang, front matter, ninjs language). */
  readonly language?: string;
  readonly summary?: string;
  readonly body: SourceBody;
  /** ISO 8601 date-times, as the input states them. */
  readonly contentCreated?: string;
  readonly firstCreated?: string;
  readonly versionCreated?: string;
  readonly embargoedUntil?: string;
  readonly urgency?: number;
  readonly pubStatus?: PubStatus;
  readonly subjects?: readonly SourceSubject[];
  /** Free tags and keywords; matched against Media Topic labels by the assembly. */
  readonly keywords?: readonly string[];
  readonly people?: readonly Party[];
  readonly organisations?: readonly Party[];
  readonly places?: readonly Place[];
  readonly copyrightHolder?: string;
  readonly copyrightNotice?: string;
  readonly usageTerms?: string;
  /** Other identifiers the input carries (e.g. `{ role: 'nitf:doc-id', value }`). */
  readonly altIds?: readonly AltId[];
  /** How heuristic values were decided, by ninjs field name (`by`, `located`, `headlines`...). */
  readonly provenance?: Readonly<Record<string, Provenance>>;
}

/** Limits parsers must respect; the defaults are safe for wire content. */
export interface ParseLimits {
  /** Maximum nesting depth of JSON, XML and HTML elements. */
  readonly maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 64 };

export interface ParseContext {
  /** The object key, for messages and fallbacks (never trusted as content). */
  readonly key: string;
  readonly limits: ParseLimits;
}

/** A format parser: decoded text in, parts out, or a RejectedInputError. */
export type FormatParser = (text: string, context: ParseContext) => ArticleParts;
