import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { findEntities } from '../../shared/enrich/entities.js';

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
  test('without "İ", "Σ" or surrogates, a slice of the lower-cased text is the slice lower-cased', () => {
    fc.assert(
      fc.property(tricky, (text) => {
        if (/[\u0130\u03a3\ud800-\udfff]/.test(text)) return true;
        const lower = text.toLowerCase();
        if (lower.length !== text.length) return true; // the finder checks this too
        for (let start = 0; start <= text.length; start++)
          for (let end = start; end <= text.length; end++)
            if (lower.slice(start, end) !== text.slice(start, end).toLowerCase()) return false;
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
