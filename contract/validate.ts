/**
 * Validates a message against the published envelope schema (and the ninjs 3.2 schema it refers
 * to) with Ajv, compiled once, offline: what a consumer can run on every message it receives, and
 * what our tests run on every message partners receive.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import ninjsSchema from '../shared/ninjs/ninjs-schema_3.2.json' with { type: 'json' };
import type { ArticleEnvelope } from './article-envelope.js';
import envelopeSchema from './article-envelope.schema.json' with { type: 'json' };

// ajv-formats is CommonJS with the plugin on `exports.default` (see shared/ninjs/validate.ts).
const addFormats = ajvFormats.default;

/** ninjs `places[].geoJSON` refers to the remote GeoJSON schema; a stand-in keeps validation offline. */
const GEOJSON_STAND_IN = { $id: 'https://geojson.org/schema/GeoJSON.json', type: 'object' };

let compiled: ValidateFunction<ArticleEnvelope> | undefined;

function validator(): ValidateFunction<ArticleEnvelope> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(GEOJSON_STAND_IN);
  ajv.addSchema(ninjsSchema);
  compiled = ajv.compile<ArticleEnvelope>(envelopeSchema);
  return compiled;
}

export interface EnvelopeProblem {
  readonly path: string;
  readonly message: string;
}

function describe(error: ErrorObject): EnvelopeProblem {
  const extra = error.keyword === 'unevaluatedProperties' ? `: ${JSON.stringify(error.params)}` : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}

/**
 * The schema problems of a message body (parsed JSON), plus the rule JSON Schema cannot express:
 * the idempotency key is the uri and the version. An empty list means a valid envelope.
 */
export function envelopeProblems(message: unknown): EnvelopeProblem[] {
  const validate = validator();
  if (!validate(message)) return (validate.errors ?? []).map(describe);
  if (message.idempotencyKey !== `${message.uri}#${message.version}`)
    return [{ path: '/idempotencyKey', message: 'must be uri + "#" + version' }];
  return [];
}

/** Top-level fields the schema declares; producers must not send others (consumers ignore them). */
export const ENVELOPE_FIELDS: readonly string[] = Object.keys(envelopeSchema.properties);
