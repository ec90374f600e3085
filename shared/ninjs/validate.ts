/**
 * Validates documents against the official IPTC ninjs 3.2 JSON Schema with Ajv (draft 2020-12).
 * The schema is compiled once per process, on first use.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import schema from './ninjs-schema_3.2.json' with { type: 'json' };
import type { Ninjs } from './types.js';

// ajv-formats is CommonJS and sets `exports.default` to the plugin itself, so `.default` is the
// plugin under Node's ESM interop and under esbuild's alike.
const addFormats = ajvFormats.default;

/**
 * `places[].geoJSON` refers to the remote GeoJSON schema. We never fetch at run time, so a local
 * stand-in with the same $id accepts any GeoJSON object; its shape is checked where we create it.
 */
const GEOJSON_STAND_IN = { $id: 'https://geojson.org/schema/GeoJSON.json', type: 'object' };

let compiled: ValidateFunction<Ninjs> | undefined;

function validator(): ValidateFunction<Ninjs> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(GEOJSON_STAND_IN);
  compiled = ajv.compile<Ninjs>(schema);
  return compiled;
}

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
  const validate = validator();
  if (validate(document)) return [];
  return (validate.errors ?? []).map(describe);
}
