import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { findEntities } from '../../shared/enrich/entities.js';

/** Capitalised words, initials, acronyms with and without dots, diacritics and possessives. */
const word = fc.constantFrom(
  'Vladimir',
  'Putin',
  "Putin's",
  'PUTIN',
  'Erdoğan',
  'Erdogan',
  'U.S.',
  'US',
  'W.',
  'Rex',
  'Tillerson',
  'May',
  'Theresa',
  'Moscow',
  'MOSCOW',
  'Bank',
  'of',
  'England',
  'Mr.',
  'Dr',
  'Scottish',
  'National',
  'Party',
  '(SNP)',
  'said',
  'in',
  'the',
  '.',
  ',',
);
const text = fc.array(word, { maxLength: 30 }).map((words) => words.join(' '));

describe('entities with remembered spellings', () => {
  test('a text gives the same entities however often its words were seen before', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (texts) => {
        const first = texts.map((input) => findEntities(input, {}));
        const again = texts.map((input) => findEntities(input, {}));
        assert.deepEqual(again, first);
      }),
      { numRuns: 300 },
    );
  });
});
