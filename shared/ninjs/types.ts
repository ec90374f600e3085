/**
 * TypeScript shape of an IPTC ninjs 3.2 document (shared/ninjs/ninjs-schema_3.2.json).
 * Every property the schema defines is here; the ones we fill are typed precisely, the rarely used
 * nested structures (events, plannedCoverage, rightsInfo...) as open records, because the schema
 * itself is what validates them (see ./validate.ts).
 */

export type NewsObjectType =
  | 'text'
  | 'audio'
  | 'video'
  | 'picture'
  | 'graphic'
  | 'composite'
  | 'component'
  | 'event'
  | 'planning';

export type PubStatus = 'usable' | 'withheld' | 'canceled';

export interface RoleValue {
  role?: string;
  contentType?: string;
  value: string;
}

export interface Body extends RoleValue {
  charCount?: number;
  wordCount?: number;
}

export interface ConceptRef {
  name?: string;
  rel?: string;
  uri?: string;
  literal?: string;
}

export interface Subject extends ConceptRef {
  creator?: string;
  relevance?: number;
  confidence?: number;
}

export interface ContactInfo {
  type?: string;
  role?: string;
  lang?: string;
  name?: string;
  value?: string;
  address?: Record<string, unknown>;
}

export interface Party extends ConceptRef {
  contactInfo?: ContactInfo[];
}

export interface Place extends Party {
  geoJSON?: Record<string, unknown>;
}

export interface InfoSource {
  name?: string;
  role?: string;
  uri?: string;
  literal?: string;
  contactInfo?: ContactInfo[];
}

export interface AltId {
  role?: string;
  value?: string;
}

export interface Rendition {
  name: string;
  href?: string;
  contentType?: string;
  title?: string;
  width?: number;
  height?: number;
  sizeInBytes?: number;
  [property: string]: unknown;
}

export interface Standard {
  name?: string;
  version?: string;
  schema?: string;
}

export interface Ninjs {
  uri: string;
  type?: NewsObjectType;
  representationType?: 'full' | 'partial';
  profile?: string;
  version?: string;
  firstCreated?: string;
  versionCreated?: string;
  contentCreated?: string;
  embargoedUntil?: string;
  pubStatus?: PubStatus;
  urgency?: number;
  copyrightHolder?: string;
  copyrightNotice?: string;
  usageTerms?: string;
  edNote?: string;
  language?: string;
  descriptions?: RoleValue[];
  bodies?: Body[];
  headlines?: RoleValue[];
  people?: Party[];
  organisations?: Party[];
  places?: Place[];
  subjects?: Subject[];
  events?: Record<string, unknown>[];
  eventDetails?: Record<string, unknown>;
  plannedCoverage?: Record<string, unknown>[];
  objects?: Record<string, unknown>[];
  infoSources?: InfoSource[];
  title?: string;
  by?: string;
  slugline?: string;
  located?: string;
  renditions?: Rendition[];
  associations?: Record<string, unknown>[];
  altIds?: AltId[];
  trustIndicators?: Record<string, unknown>[];
  standard?: Standard;
  genres?: ConceptRef[];
  expires?: string;
  rightsInfo?: Record<string, unknown>;
  digitalSourceType?: ConceptRef;
}

export const NINJS_STANDARD: Readonly<Standard> = {
  name: 'ninjs',
  version: '3.2',
  schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#',
};
