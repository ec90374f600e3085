import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { jsonHasNoneToClean } from '../../../shared/normaliser/assemble.js';

/** What assembleArticle's cleaning changes: C0 controls but tab, newline and return, DEL, lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const needsCleaning = (text: string) => CONTROL.test(text) || !text.isWellFormed();

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** Backslashes, escapes' letters, controls, DEL, quotes and surrogate halves: what the scan can get wrong. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    'f',
    'u',
    'n',
    '0',
    ' ',
    '\\',
    '"',
    '/',
    '\t',
    '\n',
    '\r',
    '\b',
    '\f',
    '\u0000',
    '\u000b',
    '\u001f',
    '\u007f',
    '\u0080',
    'é',
    '’',
    '😀',
    '\ud83d',
    '\ude00',
  ),
  maxLength: 12,
});

const document = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tricky,
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('uri', 'name', 'value', 'role'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('assembleArticle cleaning', () => {
  test('the JSON scan finds a string to clean exactly when some string of the document has one', () => {
    fc.assert(
      fc.property(document, (value) => {
        const expected = !strings(value).some(needsCleaning);
        assert.equal(jsonHasNoneToClean(JSON.stringify(value)), expected);
      }),
      { numRuns: 20_000 },
    );
    assert.equal(jsonHasNoneToClean(JSON.stringify({ value: 'C:\\bin\\file "quoted"\n\ttab' })), true);
    assert.equal(jsonHasNoneToClean(JSON.stringify({ value: 'bell\u0007' })), false);
    assert.equal(jsonHasNoneToClean(JSON.stringify({ value: 'delete\u007f' })), false);
    assert.equal(jsonHasNoneToClean(JSON.stringify({ value: 'half \ud83d' })), false);
  });
});
