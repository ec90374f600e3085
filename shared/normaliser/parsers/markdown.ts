/**
 * Markdown articles as static-site generators and blog repositories keep them: optional front matter
 * (YAML between `---` lines, TOML between `+++` lines, or a Pelican `Key: value` header), then the
 * Markdown text.
 *
 * Headline: the front-matter title, else the first top-level `# ` heading, else a one-line first
 * paragraph; the heading or line used is removed from the body. The body is rendered to HTML with
 * markdown-it (raw HTML passes through here because the assembly sanitises every body).
 *
 * Front matter is data, never code: YAML is read with the core schema, explicit tags other than the
 * core ones (`!!js/function`, `!foo`, `!!binary`...) are refused as UNSAFE, and alias expansion is
 * capped so an alias bomb fails fast. TOML is read with smol-toml, `__proto__`-style keys dropped.
 */
import MarkdownIt, { type Token } from 'markdown-it';
import { parse as parseToml, TomlError } from 'smol-toml';
import {
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import type { Provenance } from '../../domain/provenance.js';
import { RejectedInputError } from '../errors.js';
import type { FormatParser, ParseContext } from '../parts.js';
import { type GenericFields, partsOfGenericFields, readGenericFields } from './json/cms.js';
import { readDateTime } from './json/dates.js';
import { isRecord, type JsonRecord } from './json/values.js';
import { lineFeeds } from './text.js';

/** Front matter starts on the line after its opening fence; errors are reported by file line. */
const FENCE_LINES = 1;
/** A longer first line is a paragraph, not a headline. */
const MAX_HEADLINE_CHARS = 200;
/** Front matter uses an alias or two at most; thousands mean an expansion attack. */
const MAX_YAML_ALIASES = 100;
/**
 * Front matter holds an article's fields (title, date, author, tags), a few hundred bytes to a few
 * kilobytes; 64 KiB is far above any real one. The YAML library's cost grows with the number of
 * nodes (a 64 KiB block of one-line keys is about 11,000 keys, parsed in a tenth of a second), so
 * this cap bounds the time as well as the size. Over it the article is refused rather than read
 * without its front matter: the fields there include `draft`, `published: false` and `pubStatus`,
 * and an article read without them would reach partners as usable.
 */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** Explicit YAML tags that only restate a plain value; every other tag is refused. */
const CORE_YAML_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

/**
 * A link markdown-it's normalizeLink returns unchanged: an http(s) or protocol-relative URL with a
 * plain host name, or a path, query or fragment, made only of characters that need no
 * percent-encoding (no `%`, no `@`, no brackets or spaces). Checked against normalizeLink by a
 * property test. Links in a news digest are mostly of this kind, and normalizeLink (a URL parse,
 * punycode, a re-encode) was a fifth of the time markdown-it takes on such a text.
 */
const PLAIN_URL =
  /^(?:(?:https?:)?\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?=[/?#]|$)|[/#?](?!\/))[A-Za-z0-9;/?:&=+$,\-_.!~*'()#]*$/;
const normalizeLink = markdown.normalizeLink;
markdown.normalizeLink = (url) => (PLAIN_URL.test(url) ? url : normalizeLink(url));

interface FrontMatter {
  readonly fields?: JsonRecord;
  readonly content: string;
}

/** A line that closes front matter opened by `fence` (YAML may also close with `...`). */
function closingFence(fence: '---' | '+++'): RegExp {
  return fence === '---' ? /^(?:---|\.\.\.)[ \t]*$/m : /^\+\+\+[ \t]*$/m;
}

function splitFrontMatter(source: string, context: ParseContext): FrontMatter {
  const opening = /^(---|\+\+\+)[ \t]*\n/.exec(source);
  if (!opening) return pelicanHeader(source) ?? { content: source };
  const fence = opening[1] === '+++' ? '+++' : '---';
  const rest = source.slice(opening[0].length);
  const close = closingFence(fence).exec(rest);
  if (!close) {
    throw new RejectedInputError('MALFORMED', `front matter opened with ${fence} on line 1 is never closed`);
  }
  const block = rest.slice(0, close.index);
  const content = rest.slice(close.index + close[0].length).replace(/^\n/, '');
  checkBracketDepth(block, context.limits.maxDepth);
  const bytes = Buffer.byteLength(block);
  if (bytes > MAX_FRONT_MATTER_BYTES) {
    throw new RejectedInputError(
      'TOO_LARGE',
      `the front matter is ${bytes} bytes, over the limit of ${MAX_FRONT_MATTER_BYTES}; it holds the article's fields (title, date, tags), not its content: move long text into the body`,
    );
  }
  const fields = fence === '---' ? yamlFields(block) : tomlFields(block, context);
  return { fields, content };
}

/**
 * Flow collections (`[[[...]]]`) are what nests deeply in a few bytes; brackets are counted without
 * parsing, so quoted brackets count too — harmless at a limit no real front matter comes near.
 */
function checkBracketDepth(text: string, maxDepth: number): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '[' || char === '{') {
      if (++depth > maxDepth) {
        throw new RejectedInputError('TOO_DEEP', `front matter nests deeper than ${maxDepth} levels`);
      }
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
}

/** A YAML problem by its line in the Markdown file. */
function yamlProblem(problem: YAMLError): string {
  const line = problem.linePos?.[0].line;
  const reason = problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? problem.code;
  return line === undefined ? reason : `line ${line + FENCE_LINES}: ${reason}`;
}

function yamlFields(block: string): JsonRecord {
  const lineCounter = new LineCounter();
  const document = parseDocument(block, {
    schema: 'core',
    customTags: [],
    strict: true,
    // Checked below instead: the library compares each key with every earlier key of its map.
    uniqueKeys: false,
    prettyErrors: true,
    lineCounter,
  });
  const [error] = document.errors;
  if (error) throw new RejectedInputError('MALFORMED', `front matter YAML, ${yamlProblem(error)}`);
  const unresolved = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unresolved) throw new RejectedInputError('UNSAFE', `front matter YAML, ${yamlProblem(unresolved)}`);
  visit(document, (_key, node) => {
    if (isNode(node) && node.tag && !CORE_YAML_TAGS.has(node.tag)) {
      throw new RejectedInputError(
        'UNSAFE',
        `front matter YAML uses the tag ${node.tag}; only plain values are read`,
      );
    }
    if (isMap(node)) checkUniqueKeys(node, lineCounter);
  });
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw new RejectedInputError('UNSAFE', 'front matter YAML expands too many aliases');
    }
    throw error;
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value))
    throw new RejectedInputError('MALFORMED', 'front matter YAML is not a mapping of fields');
  return value;
}

/**
 * A key given twice in one mapping is an error in YAML: which value was meant is unknowable. Scalar
 * keys are compared by value, as the library's own check does, through a set: one pass per map.
 */
function checkUniqueKeys(map: YAMLMap, lineCounter: LineCounter): void {
  const seen = new Set<unknown>();
  for (const { key } of map.items) {
    if (!isScalar(key)) continue;
    if (seen.has(key.value)) {
      const line = key.range ? lineCounter.linePos(key.range[0]).line + FENCE_LINES : undefined;
      const name = String(key.value).slice(0, 60);
      throw new RejectedInputError(
        'MALFORMED',
        `front matter YAML, ${line === undefined ? '' : `line ${line}: `}the key "${name}" is given twice`,
      );
    }
    seen.add(key.value);
  }
}

function tomlFields(block: string, context: ParseContext): JsonRecord {
  try {
    return parseToml(block, { maxDepth: context.limits.maxDepth, unsafeKeyBehaviour: 'drop' });
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '');
      throw new RejectedInputError(
        'MALFORMED',
        `front matter TOML, line ${error.line + FENCE_LINES}: ${reason}`,
      );
    }
    throw error;
  }
}

/**
 * `Key: value`; the value is trimmed after the match. A `[ \t]*` before `(.*)` would give both the
 * same blanks to share, which backtracks quadratically on a long run of them before a line break.
 */
const PELICAN_FIELD = /^([A-Za-z][\w -]{0,40}):(.*)$/;

/** Pelican's header: `Title: ...` on the first line, `Key: value` lines up to the first blank line. */
function pelicanHeader(source: string): FrontMatter | undefined {
  if (!/^title[ \t]*:[ \t]*\S/i.test(source)) return undefined;
  const end = source.search(/\n[ \t]*\n/);
  const header = end === -1 ? source : source.slice(0, end);
  const fields: Record<string, unknown> = Object.create(null);
  for (const line of header.split('\n')) {
    const match = PELICAN_FIELD.exec(line);
    if (!match) return undefined;
    const key = (match[1] ?? '').trim().toLowerCase();
    if (key) fields[key] = (match[2] ?? '').trim();
  }
  return { fields, content: end === -1 ? '' : source.slice(end).replace(/^\n+/, '') };
}

// ---------------------------------------------------------------------------------------------------

function inlineText(token: Token | undefined): string {
  let text = '';
  for (const child of token?.children ?? []) {
    if (child.type === 'text' || child.type === 'text_special' || child.type === 'code_inline')
      text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** Index of the first top-level `# ` (or `===`) heading, or -1. */
function firstTopLevelH1(tokens: readonly Token[]): number {
  return tokens.findIndex(
    (token) => token.type === 'heading_open' && token.tag === 'h1' && token.level === 0,
  );
}

const sameText = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();

interface Headline {
  readonly text: string;
  readonly provenance?: Provenance;
}

/**
 * The headline, removing from `tokens` the block it came from. A front-matter title wins; a leading
 * `# ` heading repeating it is dropped so the body does not start with the headline again.
 */
function takeHeadline(tokens: Token[], title: string | undefined): Headline | undefined {
  const h1 = firstTopLevelH1(tokens);
  if (title) {
    if (h1 === 0 && sameText(inlineText(tokens[1]), title)) tokens.splice(0, 3);
    return { text: title };
  }
  if (h1 !== -1) {
    const text = inlineText(tokens[h1 + 1]);
    tokens.splice(h1, 3);
    if (text) return { text, provenance: { rule: 'markdown:first-h1', confidence: 90 } };
  }
  const first = tokens[0];
  const inline = tokens[1];
  if (!first || !inline || (first.type !== 'heading_open' && first.type !== 'paragraph_open'))
    return undefined;
  if (inline.content.includes('\n')) return undefined;
  const text = inlineText(inline);
  if (!text || text.length > MAX_HEADLINE_CHARS) return undefined;
  tokens.splice(0, 3);
  return { text, provenance: { rule: 'markdown:first-line', confidence: 60 } };
}

const DATE_IN_PATH = /(?:^|[^\d])(\d{4})[/-](\d{2})[/-](\d{2})(?![\d])/;

/** A date written in a path (`2024/11/06/slug`, `2020-08-05-title.md`), as midnight UTC. */
function dateInPath(path: string): string | undefined {
  const match = DATE_IN_PATH.exec(path);
  if (!match) return undefined;
  try {
    return readDateTime(`${match[1]}-${match[2]}-${match[3]}`, 'path', false)?.value;
  } catch {
    return undefined;
  }
}

/** Front matter often has no date: Jekyll and Zola keep it in the file name or the path. */
function fallbackDate(
  fields: GenericFields,
  key: string,
): { value: string; provenance: Provenance } | undefined {
  for (const text of fields.idTexts) {
    const value = dateInPath(text);
    if (value) return { value, provenance: { rule: 'date-in-path', confidence: 60 } };
  }
  const value = dateInPath(key.slice(key.lastIndexOf('/') + 1));
  return value ? { value, provenance: { rule: 'date-in-key', confidence: 60 } } : undefined;
}

const NO_FIELDS: GenericFields = { idTexts: [], provenance: {} };

export const parseMarkdown: FormatParser = (text, context) => {
  const source = lineFeeds(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const frontMatter = splitFrontMatter(source, context);
  const fields = frontMatter.fields
    ? readGenericFields(frontMatter.fields, { body: false, maxDepth: context.limits.maxDepth })
    : NO_FIELDS;

  const env = {};
  const tokens = markdown.parse(frontMatter.content, env);
  const headline = takeHeadline(tokens, fields.headline);
  if (!headline) {
    throw new RejectedInputError(
      'NO_HEADLINE',
      'no title in front matter, no "# " heading, and the first paragraph is not a one-line headline',
    );
  }
  const html = markdown.renderer.render(tokens, markdown.options, env);
  if (!html.trim()) throw new RejectedInputError('NO_BODY', 'the Markdown has no text besides the headline');

  const provenance: Record<string, Provenance> = {};
  if (headline.provenance) provenance.headlines = headline.provenance;
  let dated = fields;
  if (!fields.contentCreated) {
    const fallback = fallbackDate(fields, context.key);
    if (fallback) {
      dated = { ...fields, contentCreated: fallback.value };
      provenance.contentCreated = fallback.provenance;
    }
  }
  return partsOfGenericFields(dated, headline.text, { kind: 'html', html }, provenance);
};
