/**
 * Validates documents against the official IPTC ninjs 3.2 JSON Schema with Ajv (draft 2020-12).
 * The schema is compiled ahead of time into standalone code (see scripts/build-ninjs-validator.ts).
 */
import type { ErrorObject } from 'ajv';
// Precompiled from the official schema by scripts/build-ninjs-validator.ts: no schema compilation
// at cold start (a unit test checks it matches the schema and compiler settings).
import { validate } from './ninjs-validator.generated.js';

export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

function describe(error: ErrorObject): SchemaProblem {
  const extra =
    error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties'
      ? `: ${JSON.stringify(error.params)}`
      : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}

/** Returns the schema problems of a document; an empty list means it is valid ninjs 3.2. */
export function ninjsProblems(document: unknown): SchemaProblem[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map(describe);
}
