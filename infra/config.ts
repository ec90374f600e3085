/**
 * Deployment settings read from CDK context (`-c key=value` on the command line, or `context` in
 * cdk.json), validated once at synth: every problem is listed at once, so a bad value never reaches
 * a deployment.
 *
 *   stage                  dev | prod | any name (a-z, 0-9, '-'); only prod retains data   default dev
 *   operatorEmails         who receives alarms: "a@example.com,b@example.com" or a JSON array   default none
 *   noncurrentVersionDays  days an overwritten or deleted ingest object version is kept       default 30
 *   quarantineDays         days a rejected original is kept in the quarantine bucket          default 30
 *   accessLogDays          days S3 server access logs are kept                                default 90
 */
import { ConfigurationError } from '../shared/domain/errors.js';

export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export const CONFIG_DEFAULTS = {
  stage: 'dev',
  noncurrentVersionDays: 30,
  quarantineDays: 30,
  accessLogDays: 90,
} as const;

/** S3 lifecycle rules count in whole days; ten years is far beyond any retention this pipeline needs. */
const MAX_DAYS = 3650;

/** A pragmatic address check (SNS confirms each address anyway): one '@', a dot in the domain, no spaces. */
const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export interface StageConfig {
  readonly stage: string;
  readonly operatorEmails: readonly string[];
  readonly noncurrentVersionDays: number;
  readonly quarantineDays: number;
  readonly accessLogDays: number;
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

/** The validated settings for one synth; throws a ConfigurationError listing every problem. */
export function stageConfigFrom(context: ContextReader): StageConfig {
  const problems: string[] = [];
  const stage = String(context('stage') ?? CONFIG_DEFAULTS.stage);
  if (!STAGE_PATTERN.test(stage)) {
    problems.push(`stage '${stage}' must be 1-20 characters of a-z, 0-9 and '-', starting with a letter`);
  }
  const config: StageConfig = {
    stage,
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
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`invalid deployment settings:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}
