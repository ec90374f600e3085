/**
 * Format detection from the content. The key's extension and the Content-Type are hints used only
 * when the content itself is ambiguous (plain text vs Markdown).
 */
import { isAgencyTransmission } from './text.js';

export const FORMATS = ['text', 'markdown', 'html', 'json', 'nitf', 'newsml', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatHints {
  readonly key?: string;
  readonly contentType?: string;
}

const MARKDOWN_EXTENSIONS = /\.(md|markdown|mdown|mkd)$/i;

/** Markdown constructs that plain wire text does not use. */
const MARKDOWN_SIGNS = [
  /^#{1,6}\s+\S/m,
  /^\s*[-*+]\s+\S/m,
  /\[[^\]]+\]\([^)]+\)/,
  /^>\s/m,
  /(\*\*|__)\S[^*\n]*\1/,
  /^```/m,
];

/**
 * The local name of the document's root element, lower-cased: skips the XML declaration, comments,
 * processing instructions and a DOCTYPE, however long (licence comments can run to kilobytes).
 */
export function rootElementName(text: string): string | undefined {
  let at = 0;
  const prolog = /\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)/iy;
  for (let steps = 0; steps < 1000; steps++) {
    prolog.lastIndex = at;
    if (!prolog.test(text)) break;
    at = prolog.lastIndex;
  }
  const name = /\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/y;
  name.lastIndex = at;
  return name.exec(text)?.[2]?.toLowerCase();
}

export function detectFormat(text: string, hints: FormatHints = {}): Format {
  const start = text.trimStart().slice(0, 4096);
  const lower = start.toLowerCase();
  if (lower.startsWith('{') || lower.startsWith('[')) return 'json';
  if (lower.startsWith('<')) {
    // The root element decides (a NewsML-G2 item may carry NITF inline), after any prolog.
    const root = rootElementName(text);
    if (root === 'newsitem' || root === 'newsmessage') return 'newsml';
    if (root === 'nitf') return 'nitf';
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
  const signs = MARKDOWN_SIGNS.filter((sign) => sign.test(start)).length;
  return signs >= 2 ? 'markdown' : 'text';
}
