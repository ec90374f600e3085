/**
 * Deployment settings read from CDK context (`-c key=value` on the command line, or `context` in
 * cdk.json), validated once at synth: every problem is listed at once, so a bad value never reaches
 * a deployment.
 *
 *   stage                  dev | prod | any name (a-z, 0-9, '-')                              default dev
 *   ephemeral              true: a disposable stage whose data is deleted with the stack      default false
 *   operatorEmails         who receives alarms: "a@example.com,b@example.com" or a JSON array   default none
 *   noncurrentVersionDays  days an overwritten or deleted ingest object version is kept       default 30
 *   quarantineDays         days a rejected original is kept in the quarantine bucket          default 30
 *   accessLogDays          days S3 server access logs are kept                                default 90
 *   ingestMaxConcurrency   most normalise instances the ingest queue may run at once (2-1000) default 20
 *   publishReservedConcurrency  instances reserved for (and the most of) publish, or none     default 10
 *   releaseReservedConcurrency  instances reserved for (and the most of) release, or none     default 5
 *   accountConcurrency     the account's Lambda concurrent executions quota in this region    default 1000
 *   publishersFile         the publisher registry to deploy (a JSON file, path from the working directory)
 *                                                                            default config/publishers.json
 *   filterPoliciesPerTopic SNS filter policies per topic: the account's quota (default 200, adjustable)
 *                          subscriptions are spread over as many topics as this requires   default 200
 *   partnersFile           the partner registry to deploy (a JSON file, path from the working directory)
 *                                                                            default config/partners.json
 *   deliveryLogSampleRate  percent of successful SNS deliveries to partners logged (0-100);
 *                          failed deliveries are always logged                              default 10
 *   partnerMessageAgeHours hours a message may wait in a partner's queue before its alarm fires (1-95;
 *                          SQS deletes messages after 4 days)                              default 6
 *   console                false: no operator console in AWS (no Cognito pool, console API,
 *                          CloudFront distribution or page bucket)                        default true
 *
 * Data is retained unless the stage says it is disposable: a stage's name never decides it, so a
 * production stage called `live` or `eu-prod` cannot lose its articles to a `cdk destroy`.
 */
import { ConfigurationError } from '../shared/domain/errors.js';

export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export const CONFIG_DEFAULTS = {
  stage: 'dev',
  ephemeral: false,
  noncurrentVersionDays: 30,
  quarantineDays: 30,
  accessLogDays: 90,
  ingestMaxConcurrency: 20,
  publishReservedConcurrency: 10,
  releaseReservedConcurrency: 5,
  accountConcurrency: 1000,
  filterPoliciesPerTopic: 200,
  deliveryLogSampleRate: 10,
  partnerMessageAgeHours: 6,
  console: true,
} as const;

/** The range Lambda accepts for an SQS event source's maximum concurrency (ScalingConfig). */
export const SQS_MAX_CONCURRENCY_RANGE = { min: 2, max: 1000 } as const;
/**
 * Lambda refuses a reservation that leaves fewer than this many concurrent executions unreserved
 * in the account, for every function without a reservation of its own.
 */
export const LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100;

/** S3 lifecycle rules count in whole days; ten years is far beyond any retention this pipeline needs. */
const MAX_DAYS = 3650;

/** A pragmatic address check (SNS confirms each address anyway): one '@', a dot in the domain, no spaces. */
const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** Concurrent executions reserved for one function, or none. */
export type Reservation = number | 'none';

export interface StageConfig {
  readonly stage: string;
  /** Delete buckets, table, keys and queues with the stack; otherwise they are retained. */
  readonly ephemeral: boolean;
  readonly operatorEmails: readonly string[];
  readonly noncurrentVersionDays: number;
  readonly quarantineDays: number;
  readonly accessLogDays: number;
  readonly ingestMaxConcurrency: number;
  /** `none`: no reservation (the function shares the account's unreserved pool, unbounded). */
  readonly publishReservedConcurrency: Reservation;
  readonly releaseReservedConcurrency: Reservation;
  /** The publisher registry file; absent, the default (`config/publishers.json`). */
  readonly publishersFile?: string;
  /** SNS filter policies per topic this account may have (its quota; 200 unless raised). */
  readonly filterPoliciesPerTopic: number;
  /** The partner registry file; absent, the default (`config/partners.json`). */
  readonly partnersFile?: string;
  /** Percent of successful partner deliveries SNS logs (failures are always logged). */
  readonly deliveryLogSampleRate: number;
  /** Hours a message may wait in a partner's queue before the shard's alarm fires. */
  readonly partnerMessageAgeHours: number;
  /** Deploy the operator console (Cognito sign-in, its API, the page on CloudFront). */
  readonly console: boolean;
}

/** Reads one context value: `(key) => app.node.tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

function emailsFrom(value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null || value === '') return [];
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      entries = Array.isArray(parsed) ? parsed : [value];
    } catch {
      problems.push(`operatorEmails: '${value}' is not a JSON array`);
      return [];
    }
  } else if (typeof value === 'string') entries = value.split(/[,;\s]+/);
  else {
    problems.push('operatorEmails must be a comma-separated string or an array of addresses');
    return [];
  }
  const emails: string[] = [];
  for (const entry of entries) {
    const email = typeof entry === 'string' ? entry.trim() : '';
    if (email === '' && typeof entry === 'string') continue;
    if (!EMAIL_PATTERN.test(email))
      problems.push(`operatorEmails: '${String(entry)}' is not an email address`);
    else if (!emails.includes(email.toLowerCase())) emails.push(email.toLowerCase());
  }
  return emails;
}

function daysFrom(key: string, value: unknown, fallback: number, problems: string[]): number {
  if (value === undefined || value === null || value === '') return fallback;
  const days =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    problems.push(`${key} must be a whole number of days from 1 to ${MAX_DAYS}, not '${String(value)}'`);
    return fallback;
  }
  return days;
}

function booleanFrom(key: string, value: unknown, fallback: boolean, problems: string[]): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  problems.push(`${key} must be true or false, not '${String(value)}'`);
  return fallback;
}

function wholeNumberFrom(value: unknown): number {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== ''
      ? Number(value.trim())
      : Number.NaN;
}

function concurrencyFrom(
  key: string,
  value: unknown,
  range: { readonly min: number; readonly max: number },
  fallback: number,
  problems: string[],
): number {
  if (value === undefined || value === null || value === '') return fallback;
  const count = wholeNumberFrom(value);
  if (!Number.isInteger(count) || count < range.min || count > range.max) {
    problems.push(`${key} must be a whole number from ${range.min} to ${range.max}, not '${String(value)}'`);
    return fallback;
  }
  return count;
}

/**
 * A reservation, or `none` for an account too small to reserve anything. Zero is refused: Lambda
 * reads a reservation of 0 as "never run this function".
 */
function reservationFrom(key: string, value: unknown, fallback: number, problems: string[]): Reservation {
  if (value === 'none') return 'none';
  if (value === undefined || value === null || value === '') return fallback;
  const count = wholeNumberFrom(value);
  if (!Number.isInteger(count) || count < 1) {
    problems.push(
      `${key} must be a whole number of at least 1, or 'none' for no reservation, not '${String(value)}'` +
        (count === 0 ? ' (a reservation of 0 stops the function)' : ''),
    );
    return fallback;
  }
  return count;
}

/** The validated settings for one synth; throws a ConfigurationError listing every problem. */
export function stageConfigFrom(context: ContextReader): StageConfig {
  const problems: string[] = [];
  const stage = String(context('stage') ?? CONFIG_DEFAULTS.stage);
  if (!STAGE_PATTERN.test(stage)) {
    problems.push(`stage '${stage}' must be 1-20 characters of a-z, 0-9 and '-', starting with a letter`);
  }
  const accountConcurrency = concurrencyFrom(
    'accountConcurrency',
    context('accountConcurrency'),
    { min: LAMBDA_MIN_UNRESERVED_CONCURRENCY, max: Number.MAX_SAFE_INTEGER },
    CONFIG_DEFAULTS.accountConcurrency,
    problems,
  );
  const publishReservedConcurrency = reservationFrom(
    'publishReservedConcurrency',
    context('publishReservedConcurrency'),
    CONFIG_DEFAULTS.publishReservedConcurrency,
    problems,
  );
  const releaseReservedConcurrency = reservationFrom(
    'releaseReservedConcurrency',
    context('releaseReservedConcurrency'),
    CONFIG_DEFAULTS.releaseReservedConcurrency,
    problems,
  );
  const reserved = [publishReservedConcurrency, releaseReservedConcurrency].reduce<number>(
    (sum, reservation) => sum + (reservation === 'none' ? 0 : reservation),
    0,
  );
  if (accountConcurrency - reserved < LAMBDA_MIN_UNRESERVED_CONCURRENCY) {
    problems.push(
      `publishReservedConcurrency + releaseReservedConcurrency (${reserved}) must leave at least ` +
        `${LAMBDA_MIN_UNRESERVED_CONCURRENCY} of accountConcurrency (${accountConcurrency}) unreserved, as Lambda ` +
        "requires; raise the account's quota and accountConcurrency, or reserve less ('none' reserves nothing)",
    );
  }
  const publishersFile = context('publishersFile');
  if (publishersFile !== undefined && (typeof publishersFile !== 'string' || publishersFile.trim() === ''))
    problems.push(`publishersFile must be the path of a JSON file, not '${String(publishersFile)}'`);
  const partnersFile = context('partnersFile');
  if (partnersFile !== undefined && (typeof partnersFile !== 'string' || partnersFile.trim() === ''))
    problems.push(`partnersFile must be the path of a JSON file, not '${String(partnersFile)}'`);
  const config: StageConfig = {
    stage,
    ephemeral: booleanFrom('ephemeral', context('ephemeral'), CONFIG_DEFAULTS.ephemeral, problems),
    operatorEmails: emailsFrom(context('operatorEmails'), problems),
    noncurrentVersionDays: daysFrom(
      'noncurrentVersionDays',
      context('noncurrentVersionDays'),
      CONFIG_DEFAULTS.noncurrentVersionDays,
      problems,
    ),
    quarantineDays: daysFrom(
      'quarantineDays',
      context('quarantineDays'),
      CONFIG_DEFAULTS.quarantineDays,
      problems,
    ),
    accessLogDays: daysFrom(
      'accessLogDays',
      context('accessLogDays'),
      CONFIG_DEFAULTS.accessLogDays,
      problems,
    ),
    ingestMaxConcurrency: concurrencyFrom(
      'ingestMaxConcurrency',
      context('ingestMaxConcurrency'),
      SQS_MAX_CONCURRENCY_RANGE,
      CONFIG_DEFAULTS.ingestMaxConcurrency,
      problems,
    ),
    publishReservedConcurrency,
    releaseReservedConcurrency,
    filterPoliciesPerTopic: concurrencyFrom(
      'filterPoliciesPerTopic',
      context('filterPoliciesPerTopic'),
      { min: 1, max: 10_000 },
      CONFIG_DEFAULTS.filterPoliciesPerTopic,
      problems,
    ),
    deliveryLogSampleRate: concurrencyFrom(
      'deliveryLogSampleRate',
      context('deliveryLogSampleRate'),
      { min: 0, max: 100 },
      CONFIG_DEFAULTS.deliveryLogSampleRate,
      problems,
    ),
    partnerMessageAgeHours: concurrencyFrom(
      'partnerMessageAgeHours',
      context('partnerMessageAgeHours'),
      { min: 1, max: 95 },
      CONFIG_DEFAULTS.partnerMessageAgeHours,
      problems,
    ),
    console: booleanFrom('console', context('console'), CONFIG_DEFAULTS.console, problems),
    ...(typeof publishersFile === 'string' && publishersFile.trim() !== ''
      ? { publishersFile: publishersFile.trim() }
      : {}),
    ...(typeof partnersFile === 'string' && partnersFile.trim() !== ''
      ? { partnersFile: partnersFile.trim() }
      : {}),
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`invalid deployment settings:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}
