import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { phraseEntries, phraseScores, tagSubjects, words } from '../../../shared/enrich/subjects.js';

/** The matching as first written: tokens as strings, phrases joined with spaces, one map lookup each. */
function referenceScores(text: string): Map<string, number> {
  const entries = phraseEntries();
  const tokens = words(text);
  const scores = new Map<string, number>();
  for (let start = 0; start < tokens.length; start++) {
    let phrase = '';
    for (let length = 1; length <= 4 && start + length <= tokens.length; length++) {
      phrase = length === 1 ? (tokens[start] as string) : `${phrase} ${tokens[start + length - 1]}`;
      const entry = entries.get(phrase);
      if (!entry) break;
      for (const code of entry.codes ?? []) scores.set(code, (scores.get(code) ?? 0) + (length > 1 ? 2 : 1));
      if (!entry.prefix) break;
    }
  }
  return scores;
}

/** Words of the vocabulary's phrases, so that generated texts match often, with some noise. */
const vocabulary = [...new Set([...phraseEntries().keys()].flatMap((phrase) => phrase.split(' ')))];
const separator = fc.constantFrom(' ', '  ', '-', ', ', '.\n\n', '’', '\t', ' “', '\u00a0', '/', '—');
const word = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...vocabulary) },
  { weight: 2, arbitrary: fc.constantFrom(...vocabulary).map((w) => w.toUpperCase()) },
  { weight: 1, arbitrary: fc.constantFrom(...vocabulary).map((w) => `${w}s`) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', 'é', 'İ', 'Σ', '𝐀', '٣', '\ud835', 'ß', '7'),
      maxLength: 5,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(70), 'y'.repeat(64), 'the', 'said') },
);
const text = fc
  .array(fc.tuple(word, separator), { maxLength: 40 })
  .map((pairs) => pairs.map(([w, s]) => w + s).join(''));

describe('subject tagging', () => {
  test('phrase scores equal the string-and-map matching they replace', () => {
    fc.assert(
      fc.property(text, (input) => {
        assert.deepEqual([...phraseScores(input)].sort(), [...referenceScores(input)].sort());
      }),
      { numRuns: 5000 },
    );
  });

  test('finds a two-word label and its single words', () => {
    const tagged = tagSubjects('Civil war. The civil war went on; civil wars end.', 'en');
    assert.ok(tagged.length > 0);
    assert.deepEqual(tagSubjects('Civil war', 'de'), []);
  });
});
