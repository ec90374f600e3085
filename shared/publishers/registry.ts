/**
 * The publisher registry: who may drop articles, under which key prefix. One JSON document
 * (config/publishers.json) read by the CDK stack, which gives each publisher write and delete access
 * to `<name>/*` of the ingest bucket and nothing else.
 *
 * A publisher's name is three things at once: the `source` of its articles, the first segment of
 * every key it writes, and part of its S3 access point's name. Its rules are therefore the
 * narrowest of the three: lower-case letters, digits and '-' (access point names refuse upper case,
 * '_' and '.'), so a name can never be `.`, `..`, empty or hold a '/', and no key prefix can be read
 * as a path elsewhere.
 */
import { ConfigurationError } from '../domain/errors.js';

export interface PublisherLimits {
  /** Largest object the publisher may drop, in bytes; the pipeline's own limit still applies. */
  readonly maxObjectBytes?: number;
}

export interface Publisher {
  /** The source id, the key prefix (`<name>/`) and part of its access point's name. */
  readonly name: string;
  readonly description?: string;
  /**
   * Who may write: 12-digit AWS account ids (any principal that account's administrators allow) or
   * IAM role ARNs (that role only). Each becomes a principal of the publisher's access point policy.
   */
  readonly writers: readonly string[];
  /** Where to reach the publisher's desk about rejected files. */
  readonly contact?: string;
  readonly limits?: PublisherLimits;
}

/** 2-24 characters: with the stage (up to 20) it fits S3's 50-character access point names. */
export const PUBLISHER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])$/;
export const PUBLISHER_NAME_MAX_LENGTH = 24;
const NAME_RULE =
  "2-24 characters of a-z, 0-9 and '-', starting and ending with a letter or digit (it is the key prefix and the source id)";
const ACCOUNT_PATTERN = /^\d{12}$/;
const ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** Deliberately simple: it catches typos; nobody sends mail from here. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
/** S3's largest single PUT (5 GiB): a larger limit could never be reached by one object upload. */
export const S3_MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;

const PUBLISHER_KEYS = new Set(['name', 'description', 'writers', 'contact', 'limits']);
const LIMIT_KEYS = new Set(['maxObjectBytes']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a name cannot be a publisher name, most specific reason first; undefined when it can. */
export function publisherNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `name must be a string: ${NAME_RULE}`;
  if (name === '') return `name is empty; it must be ${NAME_RULE}`;
  if (name === '.' || name === '..')
    return `name '${name}' is a path segment of its own ('.' and '..' are never a publisher); it must be ${NAME_RULE}`;
  if (name.includes('/'))
    return `name '${name}' holds a '/', which would make it more than one key segment; it must be ${NAME_RULE}`;
  if (name === 'receipts')
    return "name 'receipts' is reserved: the pipeline keeps publishers' receipts under receipts/";
  if (PUBLISHER_NAME_PATTERN.test(name)) return undefined;
  return `name '${name}' must be ${NAME_RULE}`;
}

/** The principal a writer entry stands for, or a problem. */
function writerProblem(writer: unknown): string | undefined {
  if (typeof writer !== 'string') return `${JSON.stringify(writer)} is not a string`;
  if (ACCOUNT_PATTERN.test(writer) || ROLE_ARN_PATTERN.test(writer)) return undefined;
  if (/^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:user|group|root)/.test(writer))
    return `'${writer}' is not a role: give an account id or an IAM role ARN (long-lived user keys are not accepted)`;
  return `'${writer}' is neither an AWS account id (12 digits) nor an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`;
}

function parseLimits(raw: unknown, where: string, problems: string[]): PublisherLimits | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) {
    problems.push(`${where}: limits must be an object`);
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!LIMIT_KEYS.has(key)) problems.push(`${where}: limits.${key} is not a known limit`);
  const { maxObjectBytes } = raw;
  if (maxObjectBytes === undefined) return {};
  if (
    typeof maxObjectBytes !== 'number' ||
    !Number.isInteger(maxObjectBytes) ||
    maxObjectBytes < 1 ||
    maxObjectBytes > S3_MAX_PUT_BYTES
  ) {
    problems.push(
      `${where}: limits.maxObjectBytes must be a whole number of bytes from 1 to ${S3_MAX_PUT_BYTES} (S3's largest single PUT), not ${JSON.stringify(maxObjectBytes)}`,
    );
    return undefined;
  }
  return { maxObjectBytes };
}

function parsePublisher(raw: unknown, index: number, problems: string[]): Publisher | undefined {
  const at = `publishers[${index}]`;
  if (!isRecord(raw)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!PUBLISHER_KEYS.has(key)) problems.push(`${at}.${key} is not a known setting`);
  const nameProblem = publisherNameProblem(raw.name);
  if (nameProblem) problems.push(`${at}.${nameProblem}`);
  const where = nameProblem ? at : `publisher '${raw.name as string}'`;
  const before = problems.length;

  const writers = raw.writers;
  if (!Array.isArray(writers) || writers.length === 0) {
    problems.push(
      `${where}: writers must be a non-empty array of AWS account ids or IAM role ARNs (who may write under its prefix)`,
    );
  } else {
    const seen = new Set<unknown>();
    for (const writer of writers) {
      const problem = writerProblem(writer);
      if (problem) problems.push(`${where}: writers: ${problem}`);
      else if (seen.has(writer)) problems.push(`${where}: writers: '${writer}' is listed twice`);
      seen.add(writer);
    }
  }
  const { contact, description } = raw;
  if (contact !== undefined && (typeof contact !== 'string' || !EMAIL_PATTERN.test(contact)))
    problems.push(`${where}: contact ${JSON.stringify(contact)} is not an email address`);
  if (description !== undefined && (typeof description !== 'string' || description === ''))
    problems.push(`${where}: description must be a non-empty string`);
  const limits = parseLimits(raw.limits, where, problems);

  if (nameProblem || problems.length > before) return undefined;
  return {
    name: raw.name as string,
    ...(typeof description === 'string' ? { description } : {}),
    writers: [...(writers as string[])],
    ...(typeof contact === 'string' ? { contact } : {}),
    ...(limits ? { limits } : {}),
  };
}

/**
 * Parses and validates a registry document; throws one ConfigurationError listing every problem
 * (every entry is checked, also after the first bad one).
 */
export function parsePublisherRegistry(document: unknown): Publisher[] {
  const list = isRecord(document) ? document.publishers : undefined;
  if (!Array.isArray(list)) throw new ConfigurationError('publisher registry: "publishers" must be an array');
  const problems: string[] = [];
  if (isRecord(document)) {
    for (const key of Object.keys(document))
      if (key !== 'publishers') problems.push(`${key} is not a known setting of the publisher registry`);
  }
  // Two entries with one name would both claim one prefix (and one access point).
  const counts = new Map<string, number>();
  for (const raw of list) {
    const name = isRecord(raw) ? raw.name : undefined;
    if (typeof name === 'string') counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const [name, count] of counts)
    if (count > 1) problems.push(`publisher '${name}' is defined ${count} times (one prefix, one owner)`);
  const publishers = list
    .map((raw, index) => parsePublisher(raw, index, problems))
    .filter((publisher): publisher is Publisher => publisher !== undefined);
  if (problems.length > 0)
    throw new ConfigurationError(`publisher registry is invalid:\n  - ${problems.join('\n  - ')}`);
  return publishers;
}

/** The key prefix a publisher writes under: its name and a '/'. */
export function publisherPrefix(publisher: Pick<Publisher, 'name'>): string {
  return `${publisher.name}/`;
}

/** The registered publisher a key belongs to (its first segment), if any. */
export function publisherOfKey(publishers: readonly Publisher[], key: string): Publisher | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const first = key.slice(0, slash);
  return publishers.find((publisher) => publisher.name === first);
}
