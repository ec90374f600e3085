/**
 * The partner registry: who receives what, how, and in which form. One JSON document
 * (config/partners.json) is read by both the CDK stack and the local runtime, so a filter means the
 * same thing locally and in AWS.
 *
 * Filters become SNS subscription filter policies on message attributes (see ../domain/message.ts):
 * values within one filter are alternatives (OR), different filters must all match (AND). Each
 * partner subscribes to a topic of its payload variant (full document or summary, ./topology.ts), so
 * it gets exactly one of the variants published for an article version.
 */
import { ConfigurationError } from '../domain/errors.js';
import {
  EVENT_TYPES,
  type EventType,
  PAYLOADS,
  type Payload,
  type PayloadVariant,
} from '../domain/message.js';
import { isMediaTopic } from '../enrich/mediatopics.js';
import { type FilterPolicy, filterPolicyProblems, subscribedEventTypes } from './filter-policy.js';

export type { FilterPolicy } from './filter-policy.js';

/**
 * `sqs` without `queueArn`: a queue we create (with a DLQ); `accountId`, when set, may read it
 * cross-account. `sqs` with `queueArn`: the partner's own queue (standard, not FIFO).
 */
export interface SqsDelivery {
  readonly type: 'sqs';
  readonly accountId?: string;
  readonly queueArn?: string;
}

/** SNS posts JSON notifications (signed, not raw) to this URL after the partner confirms. */
export interface HttpsDelivery {
  readonly type: 'https';
  readonly endpoint: string;
}

export interface EmailDelivery {
  readonly type: 'email';
  readonly address: string;
}

/** A function in the partner's account; its account id is the one in the ARN. */
export interface LambdaDelivery {
  readonly type: 'lambda';
  readonly functionArn: string;
  readonly accountId: string;
}

export type Delivery = SqsDelivery | HttpsDelivery | EmailDelivery | LambdaDelivery;
export type DeliveryType = Delivery['type'];
export const DELIVERY_TYPES: readonly DeliveryType[] = ['sqs', 'https', 'email', 'lambda'];

export interface PartnerFilters {
  /** Media Topic qcodes; a code matches articles tagged with it or any of its descendants. */
  readonly subjects?: readonly string[];
  /** BCP 47 language tags as they appear in ninjs `language`, e.g. `en`. */
  readonly languages?: readonly string[];
  /** Publisher ids (the first segment of the object key). */
  readonly sources?: readonly string[];
  /**
   * ninjs urgency runs from 1 (most urgent) to 9: `minUrgency: 3` takes urgency 1, 2 and 3.
   * Articles without an urgency never match this filter.
   */
  readonly minUrgency?: number;
  readonly eventTypes?: readonly EventType[];
}

export interface Partner {
  /**
   * The partner's permanent identity: its AWS resources (queues, DLQs, subscription) are named
   * after it, so it must never change once deployed. Absent, it is the `name` — set it to the old
   * name before renaming a partner, or the rename replaces its queues.
   */
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly delivery: Delivery;
  readonly filters: PartnerFilters;
  /** `full`: the whole ninjs document; `summary`: headline, summary, subjects, no bodies. */
  readonly payload: Payload;
  /**
   * A summary partner entitled to the full text: its summaries carry a link to the whole document.
   * Absent or false, a summary partner gets no link and no field that carries the text.
   */
  readonly fullTextLink?: boolean;
}

export interface RegistryOptions {
  /**
   * Accept `http://127.0.0.1[:port]` endpoints (the local runtime's relay and tests). Never for a
   * deployment: SNS cannot reach a loopback address and delivers to HTTPS only in this design.
   */
  readonly allowLoopbackHttp?: boolean;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{2,39}$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const SOURCE_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const SQS_ARN_PATTERN = new RegExp(`^arn:aws(?:-[a-z]+)*:sqs:${REGION}:(\\d{12}):([A-Za-z0-9_-]{1,80})$`);
const LAMBDA_ARN_PATTERN = new RegExp(
  `^arn:aws(?:-[a-z]+)*:lambda:${REGION}:(\\d{12}):function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
);
/** Deliberately simple: SNS itself rejects what it cannot send to; this catches typos early. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const PARTNER_KEYS = new Set(['id', 'name', 'description', 'delivery', 'filters', 'payload', 'fullTextLink']);
const FILTER_KEYS = new Set(['subjects', 'languages', 'sources', 'minUrgency', 'eventTypes']);
const DELIVERY_KEYS: Readonly<Record<DeliveryType, readonly string[]>> = {
  sqs: ['type', 'accountId', 'queueArn'],
  https: ['type', 'endpoint'],
  email: ['type', 'address'],
  lambda: ['type', 'functionArn', 'accountId'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string')) {
    problems.push(`${where} must be a non-empty array of strings`);
    return undefined;
  }
  return value as string[];
}

function optionalString(entry: Record<string, unknown>, key: string, where: string, problems: string[]) {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    problems.push(`${where}.${key} must be a non-empty string`);
    return undefined;
  }
  return value;
}

/** An endpoint SNS can post to: https with a host, no credentials in the URL. */
function endpointProblem(endpoint: string, options: RegistryOptions): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `'${endpoint}' is not a URL`;
  }
  if (url.username || url.password) return `'${endpoint}' must not carry credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && url.hostname === '127.0.0.1' && options.allowLoopbackHttp) return undefined;
  return options.allowLoopbackHttp
    ? `'${endpoint}' must be an https:// URL (or http://127.0.0.1 for the local runtime)`
    : `'${endpoint}' must be an https:// URL`;
}

function parseDelivery(
  raw: unknown,
  where: string,
  problems: string[],
  options: RegistryOptions,
): Delivery | undefined {
  const types = DELIVERY_TYPES.map((type) => `'${type}'`);
  const expected = `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
  if (!isRecord(raw) || !DELIVERY_TYPES.includes(raw.type as DeliveryType)) {
    problems.push(`${where}: delivery.type must be ${expected}`);
    return undefined;
  }
  const type = raw.type as DeliveryType;
  for (const key of Object.keys(raw)) {
    if (!DELIVERY_KEYS[type].includes(key))
      problems.push(`${where}: delivery.${key} is not a setting of ${type} deliveries`);
  }
  const at = `${where}: delivery`;
  const accountId = optionalString(raw, 'accountId', at, problems);
  if (accountId !== undefined && !ACCOUNT_PATTERN.test(accountId))
    problems.push(`${at}.accountId '${accountId}' is not an AWS account id (12 digits)`);
  const before = problems.length;
  switch (type) {
    case 'sqs': {
      const queueArn = optionalString(raw, 'queueArn', at, problems);
      if (queueArn === undefined) return { type, ...(accountId ? { accountId } : {}) };
      if (queueArn.endsWith('.fifo')) {
        problems.push(
          `${at}.queueArn '${queueArn}' is a FIFO queue; a standard topic delivers to standard queues`,
        );
        return undefined;
      }
      const owner = SQS_ARN_PATTERN.exec(queueArn)?.[1];
      if (!owner) {
        problems.push(
          `${at}.queueArn '${queueArn}' is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)`,
        );
        return undefined;
      }
      if (accountId && accountId !== owner)
        problems.push(`${at}.accountId ${accountId} is not the account of queueArn (${owner})`);
      return problems.length === before ? { type, queueArn, accountId: owner } : undefined;
    }
    case 'lambda': {
      const functionArn = optionalString(raw, 'functionArn', at, problems);
      if (functionArn === undefined) {
        problems.push(`${at}.functionArn is required for a 'lambda' delivery`);
        return undefined;
      }
      const owner = LAMBDA_ARN_PATTERN.exec(functionArn)?.[1];
      if (!owner) {
        problems.push(
          `${at}.functionArn '${functionArn}' is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)`,
        );
        return undefined;
      }
      if (accountId && accountId !== owner)
        problems.push(`${at}.accountId ${accountId} is not the account of functionArn (${owner})`);
      return problems.length === before ? { type, functionArn, accountId: owner } : undefined;
    }
    case 'https': {
      const endpoint = optionalString(raw, 'endpoint', at, problems);
      if (endpoint === undefined) {
        problems.push(`${at}.endpoint is required for an 'https' delivery`);
        return undefined;
      }
      const problem = endpointProblem(endpoint, options);
      if (problem) problems.push(`${at}.endpoint ${problem}`);
      return problem ? undefined : { type, endpoint };
    }
    case 'email': {
      const address = optionalString(raw, 'address', at, problems);
      if (address === undefined) {
        problems.push(`${at}.address is required for an 'email' delivery`);
        return undefined;
      }
      if (!EMAIL_PATTERN.test(address)) problems.push(`${at}.address '${address}' is not an email address`);
      return EMAIL_PATTERN.test(address) ? { type, address } : undefined;
    }
  }
}

function parseFilters(raw: unknown, where: string, problems: string[]): PartnerFilters {
  if (raw !== undefined && !isRecord(raw)) {
    problems.push(`${where}: filters must be an object`);
    return {};
  }
  const rawFilters = raw ?? {};
  for (const key of Object.keys(rawFilters)) {
    if (!FILTER_KEYS.has(key)) problems.push(`${where}: filters.${key} is not a known filter`);
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
  const minUrgency = rawFilters.minUrgency;
  const urgencyValid =
    minUrgency === undefined ||
    (Number.isInteger(minUrgency) && Number(minUrgency) >= 1 && Number(minUrgency) <= 9);
  if (!urgencyValid)
    problems.push(`${where}: filters.minUrgency must be a whole number from 1 (most urgent) to 9`);
  return {
    ...(subjects ? { subjects } : {}),
    ...(languages ? { languages } : {}),
    ...(sources ? { sources } : {}),
    ...(minUrgency !== undefined && urgencyValid ? { minUrgency: Number(minUrgency) } : {}),
    ...(eventTypes ? { eventTypes: eventTypes as EventType[] } : {}),
  };
}

function parsePartner(
  raw: unknown,
  index: number,
  problems: string[],
  options: RegistryOptions,
): Partner | undefined {
  const at = `partners[${index}]`;
  if (!isRecord(raw)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!PARTNER_KEYS.has(key)) problems.push(`${at}.${key} is not a known setting`);

  const name = raw.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    problems.push(`${at}.name must be 3-40 characters of a-z, 0-9 and '-', starting with a letter`);
    return undefined;
  }
  const where = `partner '${name}'`;
  const id = raw.id;
  const idValid = id === undefined || (typeof id === 'string' && NAME_PATTERN.test(id));
  if (!idValid)
    problems.push(`${where}: id must be 3-40 characters of a-z, 0-9 and '-', starting with a letter`);
  const delivery = parseDelivery(raw.delivery, where, problems, options);
  const filters = parseFilters(raw.filters, where, problems);
  const payload = raw.payload ?? 'full';
  if (!PAYLOADS.includes(payload as Payload))
    problems.push(`${where}: payload must be ${PAYLOADS.map((value) => `'${value}'`).join(' or ')}`);
  const fullTextLink = raw.fullTextLink;
  if (fullTextLink !== undefined && typeof fullTextLink !== 'boolean')
    problems.push(`${where}: fullTextLink must be true or false`);
  if (fullTextLink === true && payload !== 'summary')
    problems.push(`${where}: fullTextLink applies to summary partners (a full payload is the full text)`);
  if (!delivery || !idValid || !PAYLOADS.includes(payload as Payload)) return undefined;
  const partner: Partner = {
    ...(typeof id === 'string' ? { id } : {}),
    name,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    delivery,
    filters,
    payload: payload as Payload,
    ...(fullTextLink === true && payload === 'summary' ? { fullTextLink: true } : {}),
  };
  for (const problem of filterPolicyProblems(subscriptionFilterPolicyFor(partner)))
    problems.push(`${where}: ${problem}`);
  return partner;
}

/**
 * What the partner's AWS resources are named after: its `id`, or its `name` when it has none.
 * Hyphen runs count as one, as they do in the construct ids derived from it.
 */
export function partnerResourceId(partner: Pick<Partner, 'id' | 'name'>): string {
  return partner.id ?? partner.name;
}

/**
 * The names a partner's own queue goes by: `partner-<name>` in the local runtime, and the stack output
 * `Partner<ResourceId in PascalCase>Queue` (as infra's partnerConstructId builds it). Matched exactly:
 * a partner never picks up another whose name contains its own.
 */
export function partnerQueueNames(partner: Pick<Partner, 'id' | 'name'>): string[] {
  const pascal = partnerResourceId(partner)
    .split('-')
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return [`partner-${partner.name}`, `Partner${pascal}Queue`];
}

function resourceIdKey(partner: Partner): string {
  return partnerResourceId(partner)
    .split('-')
    .filter((part) => part.length > 0)
    .join('-');
}

/** The endpoint a delivery sends to, for duplicate checks and listings. */
export function endpointOf(delivery: Delivery): string | undefined {
  switch (delivery.type) {
    case 'sqs':
      return delivery.queueArn;
    case 'https':
      return delivery.endpoint;
    case 'email':
      return delivery.address;
    case 'lambda':
      return delivery.functionArn;
  }
}

/**
 * Parses and validates a registry document; throws one ConfigurationError listing every problem.
 * Partners whose own entry is invalid are left out of the cross-partner checks.
 */
export function parsePartnerRegistry(document: unknown, options: RegistryOptions = {}): Partner[] {
  const problems: string[] = [];
  const list = (document as { partners?: unknown } | null)?.partners;
  if (!Array.isArray(list)) throw new ConfigurationError('partner registry: "partners" must be an array');
  const names = new Set<string>();
  for (const raw of list) {
    const name = isRecord(raw) ? raw.name : undefined;
    if (typeof name !== 'string') continue;
    if (names.has(name)) problems.push(`partner '${name}' is defined twice`);
    names.add(name);
  }
  const partners = list
    .map((raw, index) => parsePartner(raw, index, problems, options))
    .filter((partner): partner is Partner => partner !== undefined);
  // Two partners with one identity would share (and fight over) one set of queues.
  const identities = new Map<string, string>();
  for (const partner of partners) {
    const key = resourceIdKey(partner);
    const other = identities.get(key);
    if (other)
      problems.push(
        `partners '${other}' and '${partner.name}' have the same id '${partnerResourceId(partner)}' (their AWS resources are named after it)`,
      );
    identities.set(key, partner.name);
  }
  // SNS keeps one subscription per topic, protocol and endpoint: a second one would be refused.
  const endpoints = new Map<string, string>();
  for (const partner of partners) {
    const endpoint = endpointOf(partner.delivery);
    if (!endpoint) continue;
    const other = endpoints.get(endpoint);
    if (other) problems.push(`partners '${other}' and '${partner.name}' both deliver to ${endpoint}`);
    endpoints.set(endpoint, partner.name);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`partner registry is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return partners;
}

/**
 * The filter the partner asked for, as an SNS filter policy on message attributes; `{}` means
 * "everything". Attribute names are those set by the publisher (MESSAGE_ATTRIBUTES in
 * ../domain/message.ts). An `eventTypes` filter always admits `article.withdrawn`
 * (MANDATORY_EVENT_TYPES in ./filter-policy.ts).
 */
export function filterPolicyFor(partner: Pick<Partner, 'filters'>): FilterPolicy {
  const policy: FilterPolicy = {};
  const { subjects, languages, sources, minUrgency, eventTypes } = partner.filters;
  if (subjects) policy.subjects = [...subjects];
  if (languages) policy.language = [...languages];
  if (sources) policy.source = [...sources];
  if (minUrgency !== undefined) policy.urgency = [{ numeric: ['<=', minUrgency] }];
  // A partner's event-type filter narrows what it gets, never the kills of what it got.
  if (eventTypes) policy.eventType = subscribedEventTypes(eventTypes);
  return policy;
}

/**
 * The policy the SNS subscription carries: the partner's filter. The payload variant takes no key (each
 * variant has topics of its own, see ./topology.ts), so a partner may use all five of SNS's keys; this
 * is what counts against the SNS limits (5 keys, 150 combinations).
 */
export function subscriptionFilterPolicyFor(partner: Pick<Partner, 'filters'>): FilterPolicy {
  return filterPolicyFor(partner);
}

/** The message variant (`payload` attribute value) a partner's subscription takes. */
export function payloadVariantOf(partner: Pick<Partner, 'payload' | 'fullTextLink'>): PayloadVariant {
  if (partner.payload === 'summary') return partner.fullTextLink ? 'summary-linked' : 'summary';
  return 'full';
}

/** Whether the publisher must send the summary variant (no link) at all. */
export function registryWantsSummaries(partners: readonly Partner[]): boolean {
  return partners.some((partner) => payloadVariantOf(partner) === 'summary');
}

/** Whether the publisher must send the linked summary variant (for entitled summary partners). */
export function registryWantsLinkedSummaries(partners: readonly Partner[]): boolean {
  return partners.some((partner) => payloadVariantOf(partner) === 'summary-linked');
}

/**
 * Accounts that subscribe their endpoint themselves: owners of a Lambda function, as AWS documents
 * cross-account Lambda subscriptions. A partner's own queue is subscribed by the stack and confirmed
 * by the partner, which needs no grant (see restrictSubscribers in the stack).
 */
export function subscribingAccounts(partners: readonly Partner[]): string[] {
  const accounts = new Set<string>();
  for (const { delivery } of partners) if (delivery.type === 'lambda') accounts.add(delivery.accountId);
  return [...accounts].sort();
}
