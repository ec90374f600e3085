import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DERIVED_TABLES, PACKED_TABLES } from '../../../scripts/pack-enrich-data.js';
import * as packed from '../../../shared/enrich/packed-data.generated.js';
import { unpackJson } from '../../../shared/enrich/packed-data.js';

describe('packed enrichment tables', () => {
  test('each packed table holds exactly its JSON file (else run npx tsx scripts/pack-enrich-data.ts)', () => {
    const exports = packed as Readonly<Record<string, string>>;
    assert.deepEqual(
      Object.keys(exports).sort(),
      [...Object.keys(PACKED_TABLES), ...Object.keys(DERIVED_TABLES)].sort(),
    );
    for (const [name, file] of Object.entries(PACKED_TABLES)) {
      const source = JSON.parse(
        readFileSync(new URL(`../../../shared/enrich/${file}`, import.meta.url), 'utf8'),
      );
      assert.deepEqual(unpackJson(exports[name] as string), source, `${file} is packed out of date`);
    }
  });

  test('each derived table is what its builder makes from its JSON file now (else run the script)', () => {
    const exports = packed as Readonly<Record<string, string>>;
    for (const [name, { from, derive }] of Object.entries(DERIVED_TABLES))
      assert.deepEqual(
        unpackJson(exports[name] as string),
        derive(),
        `${name} (from ${from}) is out of date`,
      );
  });
});
