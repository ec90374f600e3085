import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { foldName } from '../../../shared/enrich/gazetteer.js';

/** The Unicode pipeline `foldName` applies to any text that is not plain ASCII. */
function reference(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’ʼ‘]/g, "'")
    .toLowerCase();
}

/** Latin letters with and without accents, combining marks, apostrophes and the characters that case by context. */
const latin = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x3ff }).map((code) => String.fromCharCode(code)),
    fc.constantFrom(
      'A',
      'z',
      'Ä',
      'ğ',
      'İ',
      'ß',
      'Σ',
      'σ',
      'ς',
      '’',
      '‘',
      'ʼ',
      '\u0301',
      'ǅ',
      'Ǳ',
      'ŉ',
      '\ud835',
      '😀',
    ),
  ),
  maxLength: 12,
});

describe('foldName', () => {
  test('character by character below the Greek block, the same as the Unicode pipeline', () => {
    fc.assert(
      fc.property(fc.oneof(latin, fc.string({ unit: 'binary', maxLength: 12 })), (text) => {
        const ascii = [...text].every((character) => character.charCodeAt(0) < 128);
        const expected = ascii ? text.toLowerCase() : reference(text);
        return foldName(text) === expected;
      }),
      { numRuns: 30_000 },
    );
    assert.equal(foldName('Erdoğan'), 'erdogan');
    assert.equal(foldName('SIPILÄ’S'), "sipila's");
    assert.equal(foldName('ΟΔΟΣ Σ'), reference('ΟΔΟΣ Σ'));
  });
});
