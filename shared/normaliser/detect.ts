/**
 * Format detection from the content. The key's extension and the Content-Type are hints used only
 * when the content itself is ambiguous (plain text vs Markdown).
 */
import { isAgencyTransmission } from './parsers/text.js';

export const FORMATS = ['text', 'markdown', 'html', 'json', 'nitf', 'newsml', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatHints {
  readonly key?: string;
  readonly contentType?: string;
}

const MARKDOWN_EXTENSIONS = /\.(md|markdown|mdown|mkd)$/i;

/**
 * Markdown constructs that plain wire text does not use, each with strings one of which any match
 * contains: a search for those (no regex) rules most patterns out of most wire copy at once.
 */
const MARKDOWN_SIGNS: readonly { readonly needles: readonly string[]; readonly pattern: RegExp }[] = [
  { needles: ['#'], pattern: /^#{1,6}\s+\S/m },
  { needles: ['-', '*', '+'], pattern: /^\s*[-*+]\s+\S/m },
  { needles: [']('], pattern: /\[[^\]]+\]\([^)]+\)/ },
  { needles: ['>'], pattern: /^>\s/m },
  { needles: ['**', '__'], pattern: /(\*\*|__)\S[^*\n]*\1/ },
  { needles: ['```'], pattern: /^```/m },
];

/**
 * One item of an XML prolog: a declaration or processing instruction, a comment, or a DOCTYPE.
 * Inside a DOCTYPE every alternative starts with a character no other one can start with (quoted
 * literals, the `[...]` internal subset, anything else but `>`), so an unclosed DOCTYPE fails in
 * one pass. Alternatives that can match the same character under a `*` backtrack exponentially
 * when the closing `>` never comes.
 */
const PROLOG_ITEM =
  /\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>"']|"[^"]*"|'[^']*'|\[(?:[^\]"']|"[^"]*"|'[^']*')*\])*>)/iy;

/**
 * The local name of the document's root element, lower-cased: skips the XML declaration, comments,
 * processing instructions and a DOCTYPE, however long (licence comments can run to kilobytes).
 */
export function rootElementName(text: string): string | undefined {
  let at = 0;
  for (let steps = 0; steps < 1000; steps++) {
    PROLOG_ITEM.lastIndex = at;
    if (!PROLOG_ITEM.test(text)) break;
    at = PROLOG_ITEM.lastIndex;
  }
  const name = /\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/y;
  name.lastIndex = at;
  return name.exec(text)?.[2]?.toLowerCase();
}

export function detectFormat(text: string, hints: FormatHints = {}): Format {
  const start = text.trimStart().slice(0, 4096);
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  if (start.startsWith('<')) {
    // The root element decides (a NewsML-G2 item may carry NITF inline), after any prolog.
    const root = rootElementName(text);
    if (root === 'newsitem' || root === 'newsmessage') return 'newsml';
    if (root === 'nitf') return 'nitf';
    // Lower-cased only here: the other formats never need a lower-case copy of the head.
    const lower = start.toLowerCase();
    if (/<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<div[\s>]|<p[\s>]/.test(lower))
      return 'html';
    if (lower.startsWith('<?xml')) return 'xml';
    return 'html';
  }
  if (start.startsWith('---\n') || start.startsWith('---\r\n') || start.startsWith('+++')) return 'markdown';
  if (hints.key && MARKDOWN_EXTENSIONS.test(hints.key)) return 'markdown';
  // Agency transmissions (ANPA 1312, IPTC 7901) use slugs and rules that look like Markdown.
  if (isAgencyTransmission(text)) return 'text';
  if (hints.contentType?.startsWith('text/markdown')) return 'markdown';
  // Two signs decide: the remaining patterns need not run over the head.
  let signs = 0;
  for (const { needles, pattern } of MARKDOWN_SIGNS) {
    if (!needles.some((needle) => start.includes(needle))) continue;
    if (pattern.test(start) && ++signs >= 2) return 'markdown';
  }
  return 'text';
}
