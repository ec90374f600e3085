import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { words } from '../../../shared/enrich/subjects.js';
import { countWords } from '../../../shared/normaliser/assemble.js';

/** Letters, digits, joiners, marks, astral letters and lone surrogates: the cases a scanner can get wrong. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'a',
    'B',
    '7',
    ' ',
    "'",
    '’',
    '-',
    '.',
    '\n',
    'é',
    'ß',
    'İ',
    'Σ',
    '٣',
    '\u0301',
    '𝐀',
    '😀',
    '—',
    'à',
    '×',
    '÷',
    'ǃ',
    'ɏ',
    'ª',
    '¹',
    '“',
    '…',
    '\u2028',
    '\u200d',
    '\ud835',
    '\udc00',
  ),
  maxLength: 40,
});
const anyText = fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 40 }));

describe('word scanners agree with the Unicode regular expressions they replace', () => {
  test("countWords counts what /[\\p{L}\\p{N}]+(?:['’-][\\p{L}\\p{N}]+)*/gu matches", () => {
    const reference = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
    fc.assert(
      fc.property(anyText, (text) => countWords(text) === (text.match(reference)?.length ?? 0)),
      {
        numRuns: 20_000,
      },
    );
    assert.equal(countWords("Don't stop the war-torn city's 2 buses -- now"), 8);
  });

  test('subject tokens are the lower-case matches of /[\\p{L}\\p{N}]+/gu', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        assert.deepEqual(words(text), text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
      }),
      { numRuns: 20_000 },
    );
    assert.deepEqual(words('Civil War, 𝐀BC in São-Paulo'), ['civil', 'war', '𝐀bc', 'in', 'são', 'paulo']);
  });
});
