import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { findEntities } from '../../../shared/enrich/entities.js';

/** Letters whose lower case is longer or depends on context, accents, astral letters, marks. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'A',
    'b',
    ' ',
    '.',
    "'",
    '’',
    '\n',
    'Ä',
    'ß',
    'İ',
    'I',
    'Σ',
    'σ',
    'Ω',
    'Ж',
    'ǅ',
    'Ǳ',
    '\u0301',
    '𐐀',
    '\ud801',
    'ẞ',
    'K',
  ),
  maxLength: 30,
});

describe('entity finder: lower-casing the text once', () => {
  test('without "Σ" and keeping its length, a lower-cased text slices as its slices lower-case', () => {
    fc.assert(
      fc.property(tricky, (text) => {
        const lower = text.toLowerCase();
        if (text.includes('Σ') || lower.length !== text.length) return true;
        // The finder slices runs of letters, dots, apostrophes and spaces: never a surrogate.
        for (let start = 0; start <= text.length; start++)
          for (let end = start; end <= text.length; end++) {
            const slice = text.slice(start, end);
            if (/[\ud800-\udfff]/.test(slice)) continue;
            if (lower.slice(start, end) !== slice.toLowerCase()) return false;
          }
        return true;
      }),
      { numRuns: 20_000 },
    );
  });

  test('names with "İ", "Σ" or dotted capitals keep their lower-case forms', () => {
    const found = findEntities(
      'İSTANBUL, Turkey. President Recep Tayyip Erdoğan met ΣΥΡΙΖΑ leader Alexis Tsipras in İstanbul. Erdoğan said.',
      { language: 'en' },
    );
    assert.ok(found.people.some((person) => person.name === 'Recep Tayyip Erdoğan'));
    assert.ok(found.people.some((person) => person.name === 'Alexis Tsipras'));
  });
});
