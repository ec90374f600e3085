/**
 * The normaliser: one stored object in, one ninjs 3.2 document (without index-assigned version
 * fields) out — or a RejectedInputError that says exactly why not.
 *
 * Steps: check size, decode bytes (gzip, charset), detect the format from the content (extension and
 * Content-Type are only hints), parse it into ArticleParts, hold an HTML body to the HTML limits
 * (./body.ts), assemble and validate ninjs (./assemble.ts).
 *
 * Asynchronous only because each format's parser is imported on first use: in a Lambda bundle a
 * format's libraries (linkedom and Readability, markdown-it and YAML, saxes) are chunks that a cold
 * start does not compile until an article of that format arrives (infra/bundling.ts).
 */
import type { NormalisedArticle } from '../domain/article.js';
import { assembleArticle } from './assemble.js';
import { checkHtmlLimits } from './body.js';
import { decodeObject } from './decode.js';
import { detectFormat, type Format } from './detect.js';
import { RejectedInputError, UnsafeLimitsError } from './errors.js';
import { DEFAULT_PARSE_LIMITS, type FormatParser, type ParseLimits } from './parts.js';

export interface SourceObject {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
}

export interface NormaliseLimits extends ParseLimits {
  /** Largest object accepted, in bytes as stored. */
  readonly maxObjectBytes: number;
  /** Largest size a gzip-compressed object may expand to. */
  readonly maxDecompressedBytes: number;
}

export const DEFAULT_LIMITS: NormaliseLimits = {
  ...DEFAULT_PARSE_LIMITS,
  maxObjectBytes: 5 * 1024 * 1024,
  maxDecompressedBytes: 20 * 1024 * 1024,
};
const MAX_DEPTH_CEILING = 1000;

/** The rejection of an object over the size limit (decided from its size alone, before reading it, in ingest). */
export function tooLarge(sizeBytes: number, maxObjectBytes: number): RejectedInputError {
  return new RejectedInputError('TOO_LARGE', `${sizeBytes} bytes, limit ${maxObjectBytes}`);
}

const PARSER_MODULES: Partial<Record<Format, () => Promise<FormatParser>>> = {
  text: async () => (await import('./parsers/text.js')).parseText,
  markdown: async () => (await import('./parsers/markdown.js')).parseMarkdown,
  html: async () => (await import('./parsers/html.js')).parseHtml,
  json: async () => (await import('./parsers/json.js')).parseJson,
  nitf: async () => (await import('./parsers/nitf.js')).parseNitf,
  newsml: async () => (await import('./parsers/newsml.js')).parseNewsml,
};
const loadedParsers = new Map<Format, FormatParser>();

/** The format's parser, imported the first time it is needed; undefined for a format not read. */
async function parserFor(format: Format): Promise<FormatParser | undefined> {
  const loaded = loadedParsers.get(format);
  if (loaded) return loaded;
  const parser = await PARSER_MODULES[format]?.();
  if (parser) loadedParsers.set(format, parser);
  return parser;
}

/**
 * Anything but white space (Unicode spaces included), controls and invisible format characters
 * (zero-width space and joiners, word joiner, soft hyphen, byte order mark, bidi marks): a file of
 * only those is empty, whatever its length.
 */
const VISIBLE_CHARACTER = /[^\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u;

export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE_CHARACTER.test(text);
}

export interface NormaliseOptions {
  /** Force a format instead of detecting it. */
  readonly format?: Format;
  readonly limits?: Partial<NormaliseLimits>;
}

export async function normaliseObject(
  object: SourceObject,
  options: NormaliseOptions = {},
): Promise<NormalisedArticle> {
  const limits: NormaliseLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Tree walkers recurse per level: a configured depth beyond this would risk the stack instead of a clean rejection.
  if (limits.maxDepth > MAX_DEPTH_CEILING)
    throw new UnsafeLimitsError(`maxDepth ${limits.maxDepth} exceeds ${MAX_DEPTH_CEILING}`);
  if (object.bytes.length > limits.maxObjectBytes) throw tooLarge(object.bytes.length, limits.maxObjectBytes);
  const decoded = decodeObject(object.bytes, {
    maxDecompressedBytes: limits.maxDecompressedBytes,
    ...(object.contentType ? { contentType: object.contentType } : {}),
  });
  const text = decoded.text;
  if (!hasVisibleCharacter(text)) throw new RejectedInputError('EMPTY');
  const format = options.format ?? detectFormat(text, { key: object.key, contentType: object.contentType });
  const parse = await parserFor(format);
  if (!parse) {
    throw new RejectedInputError(
      'UNSUPPORTED_FORMAT',
      format === 'xml'
        ? 'XML that is neither NITF nor NewsML-G2 (newsItem) is not read'
        : `${format} is not read`,
    );
  }
  const parts = parse(text, { key: object.key, limits });
  // Every HTML body meets the HTML limits before the assembly sanitises it, whatever format carried
  // it: JSON and Markdown pass their HTML through unparsed, XML bounds only its own nesting.
  if (parts.body.kind === 'html') {
    checkHtmlLimits(parts.body.html, { maxDepth: limits.maxDepth, what: "the article's body" });
  }
  const article = assembleArticle(parts, { key: object.key, format });
  return {
    ...article,
    provenance: {
      encoding: decoded.provenance,
      ...(decoded.repairs ? { decoding: decoded.repairs } : {}),
      ...article.provenance,
    },
  };
}
