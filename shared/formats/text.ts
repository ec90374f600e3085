/**
 * Plain-text wire stories: headline on the first line, paragraphs separated by blank lines, and a
 * byline either leading (`By Jane Doe`) or trailing (`• Jane Doe`, `— Jane Doe`, `By Jane Doe`).
 */
import { RejectedInputError } from '../domain/errors.js';
import type { ArticleParts, ParseContext } from './parts.js';

/** A longer "first line" is a paragraph, not a headline. */
const MAX_HEADLINE_CHARS = 300;
/**
 * "By" followed by a name: capitalised words (with particles such as "de" or "van"), optionally
 * ", Agency". Lower-case prose such as "By the river, …" is not a byline.
 */
const NAME_WORD = "\\p{Lu}[\\p{L}.'’-]*";
const NAME = `${NAME_WORD}(?:\\s+(?:${NAME_WORD}|de|da|del|la|le|du|di|dos|das|van|von|der|ten|ter|al|bin|ibn|and|&))*`;
// No `i` flag: it would make \p{Lu} match lower-case letters too.
const BY_LINE = new RegExp(`^(?:By|BY|by)\\s+(${NAME}(?:\\s*,\\s*${NAME})?)\\s*$`, 'u');
const TRAILING_BYLINE = /^(?:[•·*]|—|–|-{1,2})\s*(\S.{0,118})$/u;

function paragraphsOf(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => block.replace(/\s*\n\s*/g, ' ').trim())
    .filter((block) => block.length > 0);
}

export function parseText(text: string, _context?: ParseContext): ArticleParts {
  const normalised = text.replace(/\r\n?/g, '\n');
  if (normalised.trim() === '') throw new RejectedInputError('EMPTY');
  const lines = normalised.split('\n');
  const headlineIndex = lines.findIndex((line) => line.trim() !== '');
  const headline = (lines[headlineIndex] ?? '').trim();
  if (headline.length > MAX_HEADLINE_CHARS) {
    throw new RejectedInputError('NO_HEADLINE', `the first line is ${headline.length} characters long`);
  }
  const paragraphs = paragraphsOf(lines.slice(headlineIndex + 1).join('\n'));

  let byline: string | undefined;
  const first = paragraphs[0];
  const leading = first?.match(BY_LINE);
  if (leading?.[1]) {
    byline = leading[1].trim();
    paragraphs.shift();
  }
  const last = paragraphs.at(-1);
  const trailing = paragraphs.length > 1 ? (last?.match(TRAILING_BYLINE) ?? last?.match(BY_LINE)) : undefined;
  if (!byline && trailing?.[1]) {
    byline = trailing[1].trim();
    paragraphs.pop();
  }
  if (paragraphs.length === 0) throw new RejectedInputError('NO_BODY', 'only a headline was found');
  const body = { kind: 'text', paragraphs } as const;
  return byline ? { headline, body, byline } : { headline, body };
}
