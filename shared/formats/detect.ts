/**
 * Format detection from the content. The key's extension and the Content-Type are hints used only
 * when the content itself is ambiguous (plain text vs Markdown).
 */
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

export function detectFormat(text: string, hints: FormatHints = {}): Format {
  const start = text.trimStart().slice(0, 4096);
  const lower = start.toLowerCase();
  if (lower.startsWith('{') || lower.startsWith('[')) return 'json';
  if (lower.startsWith('<')) {
    // A NewsML-G2 item may carry NITF inline: the G2 envelope decides.
    if (/<(\w+:)?newsitem[\s>]/.test(lower) || /<(\w+:)?newsmessage[\s>]/.test(lower)) return 'newsml';
    if (/<nitf[\s>]/.test(lower)) return 'nitf';
    if (/<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<div[\s>]|<p[\s>]/.test(lower))
      return 'html';
    if (lower.startsWith('<?xml')) return 'xml';
    return 'html';
  }
  if (start.startsWith('---\n') || start.startsWith('---\r\n') || start.startsWith('+++')) return 'markdown';
  if (hints.key && MARKDOWN_EXTENSIONS.test(hints.key)) return 'markdown';
  if (hints.contentType?.startsWith('text/markdown')) return 'markdown';
  const signs = MARKDOWN_SIGNS.filter((sign) => sign.test(start)).length;
  return signs >= 2 ? 'markdown' : 'text';
}
