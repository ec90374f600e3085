/**
 * JSON text to a value, safely: nesting depth is checked by a linear scan before `JSON.parse`, so a
 * hostile document fails fast instead of exhausting the stack; a syntax error is reported with its
 * position, line and column, which `JSON.parse` does not always give.
 */
import { RejectedInputError } from '../../errors.js';
import type { ParseContext } from '../../parts.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Throws TOO_DEEP when objects and arrays nest deeper than `maxDepth`. One pass over the text, strings
 * skipped whole, so it runs in linear time and constant stack whatever the input.
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = endOfString(text, index);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new RejectedInputError(
          'TOO_DEEP',
          `JSON nests deeper than ${maxDepth} levels at position ${index}`,
        );
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/** The index of the quote closing the string opened at `start` (or the end of the text). */
function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

export function parseJsonText(text: string, context: ParseContext): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkJsonDepth(source, context.limits.maxDepth);
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new RejectedInputError('MALFORMED', `invalid JSON: ${jsonErrorMessage(error, source)}`);
  }
}

function jsonErrorMessage(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = syntaxErrorOffset(source);
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // V8 quotes a snippet of the document in some messages; the position is what a publisher needs.
  const reason = (message.split(/, (?:\.\.\.)?"/)[0] ?? message).replace(
    / (?:in JSON )?at position \d+.*$/s,
    '',
  );
  return `${reason} at position ${offset} (line ${line} column ${column})`;
}

const JSON_WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Where the first syntax error of a document is (JSON.parse does not always say). Iterative, so any
 * nesting is fine; used only after JSON.parse has failed, so speed does not matter.
 */
function syntaxErrorOffset(text: string): number {
  const containers: number[] = [];
  type Expected = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'next' | 'end';
  let expected: Expected = 'value';
  let index = 0;
  const afterValue = (): Expected => (containers.length === 0 ? 'end' : 'next');
  while (true) {
    while (index < text.length && JSON_WHITESPACE.has(text.charCodeAt(index))) index++;
    if (index >= text.length) return expected === 'end' ? text.length : index;
    const code = text.charCodeAt(index);
    const top = containers.at(-1);
    if (expected === 'end') return index;
    if (expected === 'colon') {
      if (code !== 0x3a) return index;
      index++;
      expected = 'value';
    } else if (expected === 'next') {
      if (code === 0x2c) {
        index++;
        expected = top === OPEN_BRACE ? 'key' : 'value';
      } else if (
        (code === CLOSE_BRACE && top === OPEN_BRACE) ||
        (code === CLOSE_BRACKET && top === OPEN_BRACKET)
      ) {
        containers.pop();
        index++;
        expected = afterValue();
      } else return index;
    } else if (expected === 'key' || expected === 'keyOrClose') {
      if (expected === 'keyOrClose' && code === CLOSE_BRACE) {
        containers.pop();
        index++;
        expected = afterValue();
      } else if (code === QUOTE) {
        const end = stringSyntaxEnd(text, index);
        if (end < 0) return -end;
        index = end;
        expected = 'colon';
      } else return index;
    } else if (expected === 'valueOrClose' && code === CLOSE_BRACKET) {
      containers.pop();
      index++;
      expected = afterValue();
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      containers.push(code);
      index++;
      expected = code === OPEN_BRACE ? 'keyOrClose' : 'valueOrClose';
    } else if (code === QUOTE) {
      const end = stringSyntaxEnd(text, index);
      if (end < 0) return -end;
      index = end;
      expected = afterValue();
    } else {
      JSON_LITERAL.lastIndex = index;
      if (!JSON_LITERAL.test(text)) return index;
      index = JSON_LITERAL.lastIndex;
      expected = afterValue();
    }
  }
}

/** The index after the string opened at `start`, or minus the offset of the error inside it. */
function stringSyntaxEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return index + 1;
    if (code < 0x20) return -index;
    if (code === BACKSLASH) {
      JSON_ESCAPE.lastIndex = index;
      if (!JSON_ESCAPE.test(text)) return -index;
      index = JSON_ESCAPE.lastIndex - 1;
    }
  }
  return -text.length;
}
