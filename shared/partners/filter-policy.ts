/**
 * SNS subscription filter policies (MessageAttributes scope), evaluated in our own code: to say
 * before anything is published whether a partner would receive a message and under which rule
 * (`syndicate partners preview`), and to check policies against the SNS limits, which the local
 * emulator does not enforce.
 *
 * Semantics follow the SNS documentation ("Amazon SNS message filtering"): keys AND, values OR; a
 * `String.Array` attribute matches when any element matches (anything-but: when any element is not
 * excluded); strings match string conditions and numbers numeric ones, never across types; a
 * condition on an absent attribute fails except `{"exists": false}`.
 */
import type { EventType, MessageAttribute } from '../domain/message.js';

export type NumericCondition = readonly (string | number)[];

export type FilterCondition =
  | string
  | number
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] | { readonly prefix: string } }
  | { readonly numeric: NumericCondition }
  | { readonly exists: boolean };

export type FilterPolicy = Record<string, FilterCondition[]>;

/** SNS limits on one filter policy (AWS documentation, "Filter policy constraints"). */
export const SNS_FILTER_MAX_KEYS = 5;
export const SNS_FILTER_MAX_COMBINATIONS = 150;

/**
 * Event types every subscription receives whatever the partner's `eventTypes` lists: a withdrawal
 * (kill) must reach everyone who may hold any version of the article, as wire services require, so
 * a partner that asked only for `article.published` still learns that what it published is withdrawn.
 */
export const MANDATORY_EVENT_TYPES: readonly EventType[] = ['article.withdrawn'];

/**
 * The `eventType` values of a subscription: the partner's list plus every mandatory type it omits
 * (appended, so its own order and entries stay as written). No list means every type already.
 */
export function subscribedEventTypes(eventTypes: readonly EventType[]): EventType[] {
  return [...eventTypes, ...MANDATORY_EVENT_TYPES.filter((type) => !eventTypes.includes(type))];
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

export interface KeyVerdict {
  readonly key: string;
  readonly matched: boolean;
  /** The condition that matched (when one did). */
  readonly condition?: FilterCondition;
  /** The attribute value (or array element) it matched. */
  readonly value?: string | number;
  /** The attribute as the message carries it, or undefined when absent. */
  readonly attribute?: string;
}

export interface PolicyVerdict {
  readonly matches: boolean;
  readonly keys: readonly KeyVerdict[];
}

type Scalar = string | number;

/** The values a condition is compared with: array elements, a number, or a string. */
function valuesOf(attribute: MessageAttribute): Scalar[] {
  if (attribute.dataType === 'Number') {
    const number = Number(attribute.value);
    return Number.isFinite(number) ? [number] : [];
  }
  if (attribute.dataType === 'String.Array') {
    try {
      const parsed: unknown = JSON.parse(attribute.value);
      if (Array.isArray(parsed))
        return parsed.filter((item): item is Scalar => typeof item === 'string' || typeof item === 'number');
    } catch {
      // not a JSON array: SNS compares it as a plain string
    }
  }
  return [attribute.value];
}

function numericMatches(value: number, condition: NumericCondition): boolean {
  for (let index = 0; index + 1 < condition.length; index += 2) {
    const operator = condition[index];
    const bound = Number(condition[index + 1]);
    const holds =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : false;
    if (!holds) return false;
  }
  return true;
}

function scalarMatches(condition: Exclude<FilterCondition, { exists: boolean }>, value: Scalar): boolean {
  if (typeof condition === 'string') return value === condition;
  if (typeof condition === 'number') return value === condition;
  if ('prefix' in condition) return typeof value === 'string' && value.startsWith(condition.prefix);
  if ('suffix' in condition) return typeof value === 'string' && value.endsWith(condition.suffix);
  if ('numeric' in condition) return typeof value === 'number' && numericMatches(value, condition.numeric);
  const excluded = condition['anything-but'];
  if (Array.isArray(excluded)) return !excluded.includes(value);
  if (typeof excluded === 'object' && excluded !== null && 'prefix' in excluded)
    return !(typeof value === 'string' && value.startsWith(excluded.prefix));
  return value !== excluded;
}

function evaluateKey(key: string, conditions: readonly FilterCondition[], attribute?: MessageAttribute) {
  const shown = attribute?.value;
  for (const condition of conditions) {
    if (typeof condition === 'object' && 'exists' in condition) {
      const present = attribute !== undefined && valuesOf(attribute).length > 0;
      if (present === condition.exists)
        return { key, matched: true, condition, ...(shown !== undefined ? { attribute: shown } : {}) };
      continue;
    }
    if (!attribute) continue;
    const value = valuesOf(attribute).find((candidate) => scalarMatches(condition, candidate));
    if (value !== undefined) return { key, matched: true, condition, value, attribute: attribute.value };
  }
  return { key, matched: false, ...(shown !== undefined ? { attribute: shown } : {}) };
}

/** Evaluates a policy against message attributes, key by key (every key is reported, for explanations). */
export function evaluateFilterPolicy(
  policy: FilterPolicy,
  attributes: Readonly<Record<string, MessageAttribute>>,
): PolicyVerdict {
  const keys = Object.entries(policy).map(([key, conditions]) =>
    evaluateKey(key, conditions, attributes[key]),
  );
  return { matches: keys.every((verdict) => verdict.matched), keys };
}

function conditionProblem(condition: unknown): string | undefined {
  if (typeof condition === 'string' || typeof condition === 'number') return undefined;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition))
    return `${JSON.stringify(condition)} is not a filter condition`;
  const operators = Object.keys(condition);
  const [operator] = operators;
  if (operators.length !== 1 || operator === undefined)
    return `${JSON.stringify(condition)} must hold exactly one operator`;
  const operand = (condition as Record<string, unknown>)[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return typeof operand === 'string' && operand.length > 0
        ? undefined
        : `${operator} needs a non-empty string`;
    case 'exists':
      return typeof operand === 'boolean' ? undefined : 'exists needs true or false';
    case 'anything-but':
      return operand !== undefined ? undefined : 'anything-but needs a value';
    case 'numeric': {
      if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4)
        return `numeric needs one or two operator/number pairs, not ${JSON.stringify(operand)}`;
      for (let index = 0; index < operand.length; index += 2) {
        if (!NUMERIC_OPERATORS.has(String(operand[index])) || typeof operand[index + 1] !== 'number')
          return `numeric ${JSON.stringify(operand)} is not an operator/number list`;
      }
      return undefined;
    }
    default:
      return `'${operator}' is not a filter operator this project uses`;
  }
}

/** Problems that would make SNS refuse the policy, or that the local emulator would silently accept. */
export function filterPolicyProblems(policy: FilterPolicy): string[] {
  const problems: string[] = [];
  const keys = Object.keys(policy);
  if (keys.length > SNS_FILTER_MAX_KEYS) {
    problems.push(`${keys.length} filter keys (${keys.join(', ')}), SNS allows ${SNS_FILTER_MAX_KEYS}`);
  }
  const combinations = Object.values(policy).reduce((product, values) => product * values.length, 1);
  if (combinations > SNS_FILTER_MAX_COMBINATIONS) {
    problems.push(`${combinations} value combinations, SNS allows ${SNS_FILTER_MAX_COMBINATIONS}`);
  }
  for (const [key, conditions] of Object.entries(policy)) {
    if (!Array.isArray(conditions) || conditions.length === 0) {
      problems.push(`filter key '${key}' needs a non-empty list of conditions`);
      continue;
    }
    for (const condition of conditions) {
      const problem = conditionProblem(condition);
      if (problem) problems.push(`filter key '${key}': ${problem}`);
    }
  }
  return problems;
}

/** One line per key, e.g. `subjects = "medtop:11000000" (element medtop:11000000)`. */
export function describeVerdict(verdict: KeyVerdict): string {
  if (!verdict.matched) {
    return `${verdict.key}: no condition matched (message has ${verdict.attribute ?? 'no such attribute'})`;
  }
  const value = verdict.value !== undefined ? ` by ${JSON.stringify(verdict.value)}` : '';
  return `${verdict.key}: ${JSON.stringify(verdict.condition)} matched${value}`;
}
