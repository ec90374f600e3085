import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { detectFormat } from '../../../shared/normaliser/detect.js';

/** The Markdown rule as first written: at least two of these patterns match the head of the text. */
const SIGNS = [
  /^#{1,6}\s+\S/m,
  /^\s*[-*+]\s+\S/m,
  /\[[^\]]+\]\([^)]+\)/,
  /^>\s/m,
  /(\*\*|__)\S[^*\n]*\1/,
  /^```/m,
];
const reference = (text: string) =>
  SIGNS.filter((sign) => sign.test(text.trimStart().slice(0, 4096))).length >= 2 ? 'markdown' : 'text';

/** Characters of Markdown constructs and of the text around them. */
const markdownish = fc.string({
  unit: fc.constantFrom(
    '#',
    '-',
    '*',
    '+',
    '_',
    '>',
    '`',
    '[',
    ']',
    '(',
    ')',
    ' ',
    '\t',
    '\n',
    'a',
    'B',
    '\u00a0',
  ),
  maxLength: 60,
});

describe('format detection', () => {
  test('plain text and Markdown are told apart as by running every pattern (property)', () => {
    fc.assert(
      fc.property(markdownish, (text) => {
        // Text that would be routed elsewhere before the Markdown rule (JSON, markup, front matter) is not compared.
        fc.pre(!/^\s*[{[<]/.test(text) && !/^\s*(?:---\r?\n|\+\+\+)/.test(text));
        assert.equal(detectFormat(`Story ${text}`), reference(`Story ${text}`));
      }),
      { numRuns: 5000 },
    );
  });

  test('a few plain cases', () => {
    assert.equal(detectFormat('# Title\n\n- one\n- two\n'), 'markdown');
    assert.equal(detectFormat('Headline\n\nA story with a - dash and #hashtag.'), 'text');
    assert.equal(detectFormat('{"headline":"x"}'), 'json');
    assert.equal(detectFormat('<P>Shouted HTML</P>'), 'html');
  });
});
