import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { PACKED_TABLES } from '../../scripts/pack-enrich-data.js';
import * as packed from '../../shared/enrich/packed-data.generated.js';
import { unpackJson } from '../../shared/enrich/packed-data.js';

describe('packed enrichment tables', () => {
  test('each packed table holds exactly its JSON file (else run npx tsx scripts/pack-enrich-data.ts)', () => {
    const exports = packed as Readonly<Record<string, string>>;
    assert.deepEqual(Object.keys(exports).sort(), Object.keys(PACKED_TABLES).sort());
    for (const [name, file] of Object.entries(PACKED_TABLES)) {
      const source = JSON.parse(
        readFileSync(new URL(`../../shared/enrich/${file}`, import.meta.url), 'utf8'),
      );
      assert.deepEqual(unpackJson(exports[name] as string), source, `${file} is packed out of date`);
    }
  });
});
