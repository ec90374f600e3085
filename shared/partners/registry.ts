/**
 * The partner registry: who receives what. One JSON document (config/partners.json) is read by both
 * the CDK stack and the local runtime, so a filter means the same thing locally and in AWS.
 *
 * Filters become SNS subscription filter policies on message attributes (see ../domain/message.ts):
 * values within one filter are alternatives (OR), different filters must all match (AND).
 */
import { ConfigurationError } from '../domain/errors.js';
import { EVENT_TYPES, type EventType } from '../domain/message.js';
import { isMediaTopic } from '../enrich/mediatopics.js';

export type Delivery = { readonly type: 'sqs' };

export interface PartnerFilters {
  /** Media Topic qcodes; a code matches articles tagged with it or any of its descendants. */
  readonly subjects?: readonly string[];
  /** BCP 47 language tags as they appear in ninjs `language`, e.g. `en`. */
  readonly languages?: readonly string[];
  /** Publisher ids (the first segment of the object key). */
  readonly sources?: readonly string[];
  readonly eventTypes?: readonly EventType[];
}

export interface Partner {
  readonly name: string;
  readonly description?: string;
  readonly delivery: Delivery;
  readonly filters: PartnerFilters;
}

/** SNS limits on one filter policy (AWS documentation, "Filter policy constraints"). */
export const SNS_FILTER_MAX_KEYS = 5;
export const SNS_FILTER_MAX_COMBINATIONS = 150;

const NAME_PATTERN = /^[a-z][a-z0-9-]{2,39}$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const SOURCE_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export type FilterPolicy = Record<string, unknown[]>;

function stringList(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string')) {
    problems.push(`${where} must be a non-empty array of strings`);
    return undefined;
  }
  return value as string[];
}

function parsePartner(raw: unknown, index: number, problems: string[]): Partner | undefined {
  const at = `partners[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const entry = raw as Record<string, unknown>;
  const known = new Set(['name', 'description', 'delivery', 'filters']);
  for (const key of Object.keys(entry))
    if (!known.has(key)) problems.push(`${at}.${key} is not a known setting`);

  const name = entry.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    problems.push(`${at}.name must be 3-40 characters of a-z, 0-9 and '-', starting with a letter`);
    return undefined;
  }
  const where = `partner '${name}'`;
  const delivery = entry.delivery as Record<string, unknown> | undefined;
  if (delivery?.type !== 'sqs')
    problems.push(`${where}: delivery.type must be 'sqs' (other deliveries are not built yet)`);

  const rawFilters = (entry.filters ?? {}) as Record<string, unknown>;
  const knownFilters = new Set(['subjects', 'languages', 'sources', 'eventTypes']);
  for (const key of Object.keys(rawFilters)) {
    if (!knownFilters.has(key)) problems.push(`${where}: filters.${key} is not a known filter`);
  }
  const subjects = stringList(rawFilters.subjects, `${where}: filters.subjects`, problems);
  for (const code of subjects ?? []) {
    if (!isMediaTopic(code))
      problems.push(`${where}: '${code}' is not a live IPTC Media Topic code (medtop:NNNNNNNN)`);
  }
  const languages = stringList(rawFilters.languages, `${where}: filters.languages`, problems);
  for (const language of languages ?? []) {
    if (!LANGUAGE_PATTERN.test(language))
      problems.push(`${where}: '${language}' is not a BCP 47 language tag`);
  }
  const sources = stringList(rawFilters.sources, `${where}: filters.sources`, problems);
  for (const source of sources ?? []) {
    if (!SOURCE_PATTERN.test(source)) problems.push(`${where}: '${source}' is not a valid source id`);
  }
  const eventTypes = stringList(rawFilters.eventTypes, `${where}: filters.eventTypes`, problems);
  for (const eventType of eventTypes ?? []) {
    if (!(EVENT_TYPES as readonly string[]).includes(eventType)) {
      problems.push(`${where}: '${eventType}' is not one of ${EVENT_TYPES.join(', ')}`);
    }
  }
  const filters: PartnerFilters = {
    ...(subjects ? { subjects } : {}),
    ...(languages ? { languages } : {}),
    ...(sources ? { sources } : {}),
    ...(eventTypes ? { eventTypes: eventTypes as EventType[] } : {}),
  };
  const partner: Partner = {
    name,
    ...(typeof entry.description === 'string' ? { description: entry.description } : {}),
    delivery: { type: 'sqs' },
    filters,
  };
  const policy = filterPolicyFor(partner);
  const keys = Object.keys(policy).length;
  if (keys > SNS_FILTER_MAX_KEYS)
    problems.push(`${where}: ${keys} filter keys, SNS allows ${SNS_FILTER_MAX_KEYS}`);
  const combinations = Object.values(policy).reduce((product, values) => product * values.length, 1);
  if (combinations > SNS_FILTER_MAX_COMBINATIONS) {
    problems.push(`${where}: ${combinations} value combinations, SNS allows ${SNS_FILTER_MAX_COMBINATIONS}`);
  }
  return partner;
}

/** Parses and validates a registry document; throws one ConfigurationError listing every problem. */
export function parsePartnerRegistry(document: unknown): Partner[] {
  const problems: string[] = [];
  const list = (document as { partners?: unknown } | null)?.partners;
  if (!Array.isArray(list)) throw new ConfigurationError('partner registry: "partners" must be an array');
  const partners = list
    .map((raw, index) => parsePartner(raw, index, problems))
    .filter((partner): partner is Partner => partner !== undefined);
  const seen = new Set<string>();
  for (const partner of partners) {
    if (seen.has(partner.name)) problems.push(`partner '${partner.name}' is defined twice`);
    seen.add(partner.name);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`partner registry is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return partners;
}

/**
 * The SNS filter policy (MessageAttributes scope) for a partner; `{}` means "everything".
 * Attribute names are those set by the publisher, see MESSAGE_ATTRIBUTES in ../domain/message.ts.
 */
export function filterPolicyFor(partner: Partner): FilterPolicy {
  const policy: FilterPolicy = {};
  const { subjects, languages, sources, eventTypes } = partner.filters;
  if (subjects) policy.subjects = [...subjects];
  if (languages) policy.language = [...languages];
  if (sources) policy.source = [...sources];
  if (eventTypes) policy.eventType = [...eventTypes];
  return policy;
}
