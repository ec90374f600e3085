/**
 * The enrichment tables (gazetteers, Media Topics) ship brotli-compressed inside the code, as
 * base64 strings in ./packed-data.generated.js: ~200 KB instead of ~515 KB of JSON in every
 * normalise bundle, for a few milliseconds of inflating at cold start. The JSON files beside them
 * stay the source (readable, diffable); scripts/pack-enrich-data.ts derives the packed module and
 * test/unit/enrich/packed-data.test.ts fails when it is out of date.
 */
import { brotliDecompressSync } from 'node:zlib';

/** Inflates one packed table (the caller names its shape, as a JSON import would have inferred it). */
export function unpackJson<T>(packed: string): T {
  return JSON.parse(brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8')) as T;
}
