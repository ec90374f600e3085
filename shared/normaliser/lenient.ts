/**
 * Optional fields are read leniently: a wire desk would rather have a story with one field dropped
 * than no story. A value that fails its check (a date that is not a date, an urgency of 12, a
 * malformed id) is left out of the article and recorded in its provenance as `dropped:<ninjs field>`
 * (a key of its own, so that a value derived in its place, such as a detected language, does not
 * hide it), with the rule it failed and the value as written, so that `--explain` and the index show
 * what was dropped and why. Only the essentials (headline, body) and safety refuse an article.
 */

import type { Provenance } from '../domain/provenance.js';
import { RejectedInputError } from './errors.js';

/** Enough of a dropped value to recognise it; a hostile one must not bloat the index. */
const ORIGINAL_MAX_CHARS = 120;

function originalText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Cyclic (YAML aliases) or BigInt values have no JSON form.
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > ORIGINAL_MAX_CHARS ? `${text.slice(0, ORIGINAL_MAX_CHARS)}…` : text;
}

const DROPPED_PREFIX = 'dropped:';

/** The provenance key that records a dropped value of `field` (a ninjs field name). */
export function droppedKey(field: string): string {
  return `${DROPPED_PREFIX}${field}`;
}

/** Records that `field` (a ninjs field name) was dropped: the rule it failed and the value as written. */
export function recordDropped(
  provenance: Record<string, Provenance>,
  field: string,
  rule: string,
  original: unknown,
): void {
  provenance[droppedKey(field)] = { rule, confidence: 100, original: originalText(original) };
}

/**
 * The value `read` returns, or undefined when it throws INVALID_FIELD: then the field is recorded as
 * dropped, its rule the check it failed (`dropped: urgency: 12 is not an integer from 1 to 9`). Any
 * other error (unsafe, too deep...) still refuses the article.
 */
export function readOptional<T>(
  provenance: Record<string, Provenance>,
  field: string,
  path: string,
  original: unknown,
  read: () => T,
): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof RejectedInputError) || error.code !== 'INVALID_FIELD') throw error;
    recordDropped(provenance, field, `dropped: ${error.detail ?? path}`, original);
    return undefined;
  }
}

/** The ninjs fields the provenance records as dropped, for a count by field. */
export function droppedFields(provenance: Readonly<Record<string, Provenance>>): string[] {
  return Object.keys(provenance)
    .filter((key) => key.startsWith(DROPPED_PREFIX))
    .map((key) => key.slice(DROPPED_PREFIX.length));
}
