import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { placeNamed } from '../../../shared/enrich/gazetteer.js';

const NAMES = [
  'Moscow',
  'MOSCOW',
  'Russia',
  'US',
  'U.S.',
  'UK',
  'UAE',
  'Us',
  'Washington',
  'Khan Sheikhoun',
  'Erdoğan',
  'São Paulo',
  'Sao Paulo',
  'Bavaria',
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  'Nowhere Town',
  '',
];

describe('gazetteer place lookups', () => {
  test('the same answers before and after the place keys move to a map', () => {
    const before = NAMES.map((name) => placeNamed(name));
    assert.equal(before[0]?.name, 'Moscow');
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      assert.equal(placeNamed(name), undefined);
    // Enough lookups for the switch (see `keyed`).
    for (let count = 0; count < 6000; count++) placeNamed(NAMES[count % NAMES.length] as string);
    assert.deepEqual(
      NAMES.map((name) => placeNamed(name)),
      before,
    );
  });
});
