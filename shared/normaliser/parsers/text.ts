/**
 * Plain-text wire stories, as typed or as agencies transmit them.
 *
 * - Plain text: headline on the first line; paragraphs separated by blank lines, or, when there are
 *   none, by indented first lines; a byline before or after the body (`By Jane Doe`, `• Jane Doe`,
 *   `— Jane Doe`, `Jane Doe, Reuters`); a dateline opening the first paragraph
 *   (`SOCHI, Russia (Reuters) — `, `MOSCOW — `, `Luxembourg (dpa) - `, `WASHINGTON (AP) _ `).
 * - ANPA 1312 (AP): control characters frame the story (SOH header, STX text, ETX trailer, EOT);
 *   `^`-lines ending in `<` or `=` are the header (slug, headline, notes, byline), tab-indented lines
 *   the paragraphs, and the trailer after ETX a transmission stamp.
 * - IPTC 7901 (dpa and others): a header line (`eca00075 3 i 510 dpa 1003`), a keyword slug
 *   (`/politics/Britain/EU/`), take keys in capitals (`2ND LEAD`), the headline, a `By ... =` line,
 *   the text, then notes "not intended for publication" and a transmission stamp.
 *
 * Bylines and datelines are never left in the body; how each was found goes into `provenance`.
 */

import type { Provenance } from '../../domain/provenance.js';
import { NEWS_AGENCIES } from '../../enrich/lexicon.js';
import type { AltId } from '../../ninjs/types.js';
import { RejectedInputError } from '../errors.js';
import type { ArticleParts, ParseContext } from '../parts.js';

/** A longer "first line" is a paragraph, not a headline. */
const MAX_HEADLINE_CHARS = 300;

interface Found {
  readonly value: string;
  readonly provenance: Provenance;
}

/** What a transmission format yields before the common steps (paragraphs, byline, dateline). */
interface Story {
  readonly headline: string;
  /** Body lines with their indentation, control characters removed. */
  readonly lines: readonly string[];
  readonly byline?: Found;
  readonly summary?: string;
  readonly keywords?: readonly string[];
  /** What the transmission header states: slug, priority as ninjs urgency, category and take key. */
  readonly header?: WireHeader;
}

interface WireHeader {
  readonly slugline?: string;
  readonly urgency?: number;
  readonly altIds?: readonly AltId[];
  readonly provenance?: Readonly<Record<string, Provenance>>;
}

export function parseText(text: string, _context?: ParseContext): ArticleParts {
  const source = lineFeeds(text.replace(/^\uFEFF/, ''));
  if (contentStart(source) === source.length) throw new RejectedInputError('EMPTY');
  // IPTC 7901 first: its messages may open with SOH too.
  const story = isIptc7901(source)
    ? iptc7901Story(source)
    : isAnpa(source)
      ? anpaStory(source)
      : plainStory(source);
  return finish(story);
}

/**
 * Whether the text is an agency transmission (IPTC 7901 header line, ANPA control characters): for
 * format detection, which would otherwise take dpa's Markdown-like editors' notes for Markdown.
 */
/** IPTC 7901 header lines end in '='. Linear: a regex like /\s*=\s*$/ backtracks quadratically on long runs of spaces. */
function stripClosingEquals(line: string): string {
  const trimmed = line.trimEnd();
  return trimmed.endsWith('=') ? trimmed.slice(0, -1).trimEnd() : trimmed;
}

export function isAgencyTransmission(text: string): boolean {
  // isAnpa reads no further than 2,000 characters of the normalised text, which come from at most
  // twice as many of the raw text (CR LF pairs); isIptc7901 reads only the first line, ended by CR or LF.
  const head = text.replace(/^\uFEFF/, '');
  return isIptc7901(head) || isAnpa(lineFeeds(head.slice(0, 4002)));
}

// --- Characters and lines -----------------------------------------------------------------------

/**
 * CR LF and lone CR as LF. Most files have no CR: a search for one (no regex) is much cheaper than
 * a replace that scans the whole text only to return it unchanged.
 */
export function lineFeeds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: transmission control characters are the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: transmission control characters are the point
const HAS_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Drops C0 control characters (SOH, STX, ETX, EOT, SYN, form feeds...), keeping tabs and newlines. */
function stripControls(text: string): string {
  // Most text has none: a test is cheaper than a replace that copies the string.
  return HAS_CONTROLS.test(text) ? text.replace(CONTROLS, '') : text;
}

const isBlank = (line: string) => line.trim() === '';

const WHITESPACE = /\s/;

/** Whether the code unit is a control character `stripControls` drops. */
function isDroppedControl(code: number): boolean {
  return code <= 0x08 || (code >= 0x0b && code <= 0x1f) || code === 0x7f;
}

/**
 * Where the first character that is neither whitespace nor a dropped control stands: the start of
 * `stripControls(text).trimStart()` in `text` (its length when there is none), found without
 * copying the text or reading past the first content.
 */
function contentStart(text: string): number {
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (!isDroppedControl(code) && !(code === 32 || WHITESPACE.test(text.charAt(at)))) break;
    at++;
  }
  return at;
}

/** The first line of `stripControls(text).trimStart()`, a CR ending it as an LF does. */
function firstContentLine(text: string): string {
  const start = contentStart(text);
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === 10 || code === 13) break;
    end++;
  }
  return stripControls(text.slice(start, end));
}
const isIndented = (line: string) =>
  line.length > 0 && (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9);
/** Whitespace runs to one space; single spaces, the vast majority, are not matched at all. */
const squash = (text: string) => text.replace(/\s{2,}|[^\S ]/g, ' ').trim();

// --- Plain text ---------------------------------------------------------------------------------

function plainStory(source: string): Story {
  const lines = stripControls(source).split('\n');
  const headlineIndex = lines.findIndex((line) => !isBlank(line));
  const headline = (lines[headlineIndex] ?? '').trim();
  if (headline.length > MAX_HEADLINE_CHARS) {
    throw new RejectedInputError('NO_HEADLINE', `the first line is ${headline.length} characters long`);
  }
  return { headline, lines: lines.slice(headlineIndex + 1) };
}

// --- ANPA 1312 ----------------------------------------------------------------------------------

/** SYN/SOH at the start, or an STX followed by `^` format lines. */
function isAnpa(source: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANPA framing characters
  if (/^[\x16\x01]/.test(source)) return true;
  const stx = source.indexOf('\x02');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: STX before a format line
  return stx >= 0 && stx < 400 && /\n\x02?\^/.test(source.slice(0, 2000));
}

/** `BC-BKN--Heat-Hawks, 1st Ld-Writethru,416`: category, slug, version and word count. */
const ANPA_SLUG_LINE = /^[a-z]{2}-[a-z]{2,6}-/i;
const ANPA_NOTE =
  /^(?:AP Photos?\b|Eds?\b\s*:|Editor'?s note|EDITOR'S NOTE|Advisory\b|With Photos?\b|Moving on\b)/i;
const JOB_TITLE = /\b(?:Writer|Correspondent|Reporter|Editor|Columnist|Staff|Photographer|Contributor)s?$/i;

/**
 * ANPA 1312 priority codes, as ninjs urgency (1 most urgent, 9 least): flash, bulletin, urgent,
 * regular, deferred. Other letters (agencies' own) state no urgency.
 */
const ANPA_PRIORITY: Readonly<Record<string, number>> = { f: 1, b: 2, u: 3, r: 5, d: 7 };

/**
 * The ANPA 1312 header before STX: `SYN SYN SOH <selector><sequence> US …`, then the line
 * `<priority> <category>[DC3|DC4][DC1|DC2] <cycle->slug <take key>  <mm-dd> <word count>`
 * (`r z DC3 DC1 BC-BKN--Heat-Hawks 1stLd-Writethru   02-20 0500`). The cycle prefix (am-, pm-, bc-,
 * ap-) is not part of the slug.
 */
const ANPA_HEADER_START =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANPA format identifiers (DC1-DC4)
  /^([a-z]) ([a-z])[\x13\x14]?[\x11\x12]? */i;
const ANPA_CYCLE = /^(?:am|pm|bc|ap)-/i;
const ANPA_DATE = /^\d{1,2}-\d{1,2}$/;
const ANPA_WORD_COUNT = /^\d{1,5}$/;

/**
 * The parts of an ANPA header line: priority, category, slug, take key (the words between the slug
 * and the date). Read token by token rather than with one expression, whose optional take key and
 * space runs could be split in many ways and backtrack polynomially on a long line.
 */
function anpaHeaderParts(
  line: string,
): { priority: string; category: string; slug: string; takeKey?: string } | undefined {
  const start = ANPA_HEADER_START.exec(line);
  if (!start) return undefined;
  const tokens = line.slice(start[0].length).trimEnd().split(' ').filter(Boolean);
  let end = tokens.length;
  if (
    end >= 2 &&
    ANPA_WORD_COUNT.test(tokens[end - 1] as string) &&
    ANPA_DATE.test(tokens[end - 2] as string)
  )
    end -= 2;
  else if (end >= 1 && ANPA_DATE.test(tokens[end - 1] as string)) end -= 1;
  else return undefined;
  const [first, ...takeKey] = tokens.slice(0, end);
  const slug = first?.replace(ANPA_CYCLE, '');
  if (!slug || /[\s,]/.test(slug)) return undefined;
  return {
    priority: start[1] as string,
    category: start[2] as string,
    slug,
    ...(takeKey.length > 0 ? { takeKey: takeKey.join(' ') } : {}),
  };
}

function anpaHeader(source: string, stx: number): WireHeader | undefined {
  const before = source.slice(0, stx >= 0 ? Math.min(stx, 2000) : 0).split('\n');
  for (const line of before) {
    const parts = anpaHeaderParts(line);
    if (!parts) continue;
    const { priority, category, slug, takeKey } = parts;
    const urgency = ANPA_PRIORITY[priority.toLowerCase()];
    const altIds: AltId[] = [{ role: 'anpa:category', value: category.toLowerCase() }];
    if (takeKey?.trim()) altIds.push({ role: 'anpa:take-key', value: squash(takeKey) });
    return {
      ...(slug ? { slugline: slug } : {}),
      ...(urgency !== undefined ? { urgency } : {}),
      altIds,
      ...(urgency !== undefined
        ? { provenance: { urgency: { rule: `anpa-priority:${priority}`, confidence: 90 } } }
        : {}),
    };
  }
  return undefined;
}

function anpaStory(source: string): Story {
  const stx = source.indexOf('\x02');
  const etx = source.indexOf('\x03', stx + 1);
  const header = anpaHeader(source, stx);
  const text = source.slice(stx >= 0 ? stx + 1 : 0, etx >= 0 ? etx : undefined);
  const formatLines: string[] = [];
  const body: string[] = [];
  for (const raw of text.split('\n')) {
    const line = stripControls(raw);
    // Format lines: `^text<` (a centred or flush line) or `^text=` (a line that runs on).
    if (body.length === 0 && line.startsWith('^')) {
      formatLines.push(
        line
          .slice(1)
          .replace(/[<=]\s*$/, '')
          .trim(),
      );
      continue;
    }
    if (formatLines.length > 0 || body.length > 0 || !isBlank(line)) body.push(line);
  }
  if (formatLines.length > 0 && ANPA_SLUG_LINE.test(formatLines[0] as string)) formatLines.shift();
  // Without `^` format lines, the text opens with the slug line (often), then the headline.
  if (formatLines.length === 0) {
    while (body.length > 0 && isBlank(body[0] as string)) body.shift();
    if (body.length > 0 && ANPA_SLUG_LINE.test((body[0] as string).trim())) body.shift();
    while (body.length > 0 && isBlank(body[0] as string)) body.shift();
    if (body.length > 0) formatLines.push(squash((body.shift() as string).replace(/[<=]\s*$/, '')));
    // Notes to editors right after the headline are not part of the story.
    while (body.length > 0 && (isBlank(body[0] as string) || ANPA_NOTE.test((body[0] as string).trim())))
      body.shift();
  }
  const headline = formatLines.shift() ?? '';
  let author: string | undefined;
  let affiliation: string | undefined;
  let summary: string | undefined;
  for (const line of formatLines) {
    if (!line || ANPA_NOTE.test(line)) continue;
    if (!author && /^by\s+/i.test(line)) {
      author = naturalName(line.replace(/^by\s+/i, ''));
      continue;
    }
    if (author && !affiliation && (JOB_TITLE.test(line) || isAgency(line))) {
      affiliation = line;
      continue;
    }
    if (!author && !summary) summary = line;
  }
  // Separator rules ("___") are layout, not text.
  const lines = body.filter((line) => !/^\s*[_=-]{3,}\s*$/.test(line));
  const byline = author
    ? {
        value: affiliation ? `${author}, ${affiliation}` : author,
        provenance: { rule: 'anpa-byline', confidence: 95 },
      }
    : undefined;
  return {
    headline,
    lines,
    ...(byline ? { byline } : {}),
    ...(summary ? { summary } : {}),
    ...(header ? { header } : {}),
  };
}

// --- IPTC 7901 ----------------------------------------------------------------------------------

/** `eca00075 3 i 510    dpa 1003`: service and number, priority, category, word count. */
const IPTC7901_HEADER = /^[a-z]{1,4}\d{2,6}\s+\d\s+[a-z]{1,3}\s+\d{1,5}\b/i;
const IPTC7901_HEADER_FIELDS = /^([a-z]{1,4})(\d{2,6})\s+(\d)\s+([a-z]{1,3})\s+\d{1,5}\b/i;

/** The priority (1 flash … 6 and up, routine) as ninjs urgency, and the category, from the header line. */
function iptc7901Header(line: string, keywords: readonly string[], takeKeys: readonly string[]): WireHeader {
  const [, , , priority, category] = IPTC7901_HEADER_FIELDS.exec(line.trim()) ?? [];
  const urgency = priority && Number(priority) >= 1 ? Number(priority) : undefined;
  const altIds: AltId[] = [];
  if (category) altIds.push({ role: 'iptc7901:category', value: category.toLowerCase() });
  if (takeKeys.length > 0) altIds.push({ role: 'iptc7901:take-key', value: takeKeys.join('; ') });
  return {
    ...(keywords.length > 0 ? { slugline: keywords.join('/') } : {}),
    ...(urgency !== undefined ? { urgency } : {}),
    ...(altIds.length > 0 ? { altIds } : {}),
    ...(urgency !== undefined
      ? { provenance: { urgency: { rule: `iptc7901-priority:${priority}`, confidence: 90 } } }
      : {}),
  };
}
/** Where the publishable text stops: notes to editors, "not for publication", staff initials, stamps. */
const IPTC7901_TRAILER = [
  /^#+\s*Notebook\b/i,
  /^\*(?:\s*\*){2,}\s*$/,
  /^The following information is not (?:intended )?for publication/i,
  /^dpa(?:\s+[a-z]{1,4})+\s*$/,
  /^\d{6}\s+GMT\b/,
];

function isIptc7901(source: string): boolean {
  return IPTC7901_HEADER.test(firstContentLine(source));
}

function iptc7901Story(source: string): Story {
  const etx = source.indexOf('\x03');
  const lines = stripControls(etx >= 0 ? source.slice(0, etx) : source).split('\n');
  const headerIndex = lines.findIndex((line) => IPTC7901_HEADER.test(line.trim()));
  let index = headerIndex + 1;
  let keywords: string[] = [];
  const takeKeys: string[] = [];
  let headline = '';
  for (; index < lines.length && !headline; index++) {
    const line = (lines[index] as string).trim();
    if (!line) continue;
    if (/^\/.+\/$/.test(line)) {
      keywords = line.split('/').filter(Boolean);
      continue;
    }
    // Take keys ("2ND LEAD", "3RD NET", "EIL") are all capitals; notes are in parentheses.
    if (/^[^a-z]{2,40}$/.test(line) && /[A-Z]/.test(line)) {
      takeKeys.push(line);
      continue;
    }
    if (/^\(.*\)$/.test(line)) continue;
    headline = stripClosingEquals(line);
  }
  let byline: Found | undefined;
  // The header runs to the first blank line; "By ... =" closes it. Text that opens with a dateline,
  // or would make the headline longer than a headline, starts the story (no blank line between).
  for (; index < lines.length && !isBlank(lines[index] as string); index++) {
    const line = stripClosingEquals((lines[index] as string).trim());
    const found = /^by\s+/i.test(line) ? bylineOf(line) : undefined;
    if (found) byline = { value: found.value, provenance: { rule: 'iptc7901-byline', confidence: 95 } };
    else if (byline) continue;
    else if (datelineOf(line) || headline.length + line.length >= MAX_HEADLINE_CHARS / 2) break;
    else headline = `${headline} ${line}`;
  }
  const header = iptc7901Header(lines[headerIndex] ?? '', keywords, takeKeys);
  const end = lines.findIndex(
    (line, at) => at >= index && IPTC7901_TRAILER.some((marker) => marker.test(line.trim())),
  );
  return {
    headline,
    lines: lines.slice(index, end >= 0 ? end : undefined),
    ...(byline ? { byline } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    header,
  };
}

// --- Common steps -------------------------------------------------------------------------------

/** Lines that close a story in many feeds: `###`, `-30-`, `ENDS`, `(END)`. */
const END_MARK = /^(?:#{3,}|-30-|ends?\.?|\(end\)|\[end\]|xxx)$/i;

function finish(story: Story): ArticleParts {
  const headline = squash(story.headline);
  const provenance: Record<string, Provenance> = {};
  const lines = [...story.lines];
  while (
    lines.length > 0 &&
    (isBlank(lines.at(-1) as string) || END_MARK.test((lines.at(-1) as string).trim()))
  )
    lines.pop();

  let byline = story.byline;
  if (!byline) byline = takeByline(lines, 'leading') ?? takeByline(lines, 'trailing');
  const paragraphs = paragraphsOf(lines);
  if (byline) provenance.by = byline.provenance;

  const dateline = paragraphs.length > 0 ? datelineOf(paragraphs[0] as string) : undefined;
  if (dateline) {
    paragraphs[0] = dateline.rest;
    provenance.located = dateline.provenance;
  }
  if (paragraphs.length === 0 || paragraphs.every((paragraph) => paragraph === '')) {
    throw new RejectedInputError('NO_BODY', 'only a headline was found');
  }
  const header = story.header;
  Object.assign(provenance, header?.provenance);
  return {
    headline,
    body: { kind: 'text', paragraphs: paragraphs.filter(Boolean) },
    ...(header?.slugline ? { slugline: header.slugline } : {}),
    ...(header?.urgency !== undefined && header.urgency <= 9 ? { urgency: header.urgency } : {}),
    ...(header?.altIds?.length ? { altIds: header.altIds } : {}),
    ...(byline ? { byline: byline.value } : {}),
    ...(dateline ? { located: dateline.located } : {}),
    ...(story.summary ? { summary: squash(story.summary) } : {}),
    ...(story.keywords ? { keywords: story.keywords } : {}),
    ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
  };
}

/**
 * Paragraphs: blocks between blank lines; with no blank lines, an indented line starts a paragraph
 * (tab-indented agency copy, first-line indentation); with neither, a short line ending a sentence
 * closes a hard-wrapped paragraph.
 */
function paragraphsOf(lines: readonly string[]): string[] {
  const content = lines.map((line) => line.trimEnd());
  const first = content.findIndex((line) => !isBlank(line));
  if (first < 0) return [];
  let last = content.length - 1;
  while (isBlank(content[last] as string)) last--;
  const body = content.slice(first, last + 1);
  const blocks: string[][] = [];
  if (body.some(isBlank)) {
    let block: string[] = [];
    for (const line of body) {
      if (isBlank(line)) {
        if (block.length > 0) blocks.push(block);
        block = [];
      } else block.push(line);
    }
    if (block.length > 0) blocks.push(block);
    // A block written with first-line indentation still holds several paragraphs.
    return blocks.flatMap((lines) =>
      lines.length > 1 && isIndented(lines[0] as string) && !lines.every(isIndented)
        ? splitIndented(lines)
        : [join(lines)],
    );
  }
  if (body.some((line, at) => at > 0 && isIndented(line))) return splitIndented(body);
  return splitWrapped(body);
}

function join(lines: readonly string[]): string {
  return squash(lines.join(' '));
}

function splitIndented(lines: readonly string[]): string[] {
  const paragraphs: string[][] = [];
  for (const line of lines) {
    if (paragraphs.length === 0 || isIndented(line)) paragraphs.push([line]);
    else paragraphs.at(-1)?.push(line);
  }
  return paragraphs.map(join);
}

/** Hard-wrapped text without blank lines: a sentence that ends well short of the wrap width ends a paragraph. */
function splitWrapped(lines: readonly string[]): string[] {
  // A loop, not Math.max(...lines): a spread of 100,000s of lines overflows the stack.
  let width = 0;
  for (const line of lines) width = Math.max(width, line.length);
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    paragraphs.at(-1)?.push(line);
    if (/[.!?"”’)]$/.test(line) && line.length < width * 0.75) paragraphs.push([]);
  }
  return paragraphs.filter((paragraph) => paragraph.length > 0).map(join);
}

// --- Bylines ------------------------------------------------------------------------------------

const AGENCY_NAMES = new Set(NEWS_AGENCIES.map((name) => name.toLowerCase()));
const PARTICLES = new Set([
  'de',
  'da',
  'del',
  'della',
  'la',
  'le',
  'du',
  'di',
  'dos',
  'das',
  'van',
  'von',
  'der',
  'den',
  'ten',
  'ter',
  'al',
  'el',
  'bin',
  'ibn',
]);
/** Capitalised words that make a short line a heading or a label, not a name. */
const NOT_NAME_WORDS = new Set(
  (
    'the a an and or of in on at to for with from by this that these those read more see also update updated ' +
    'photo photos video click follow share sign subscribe copyright all rights reserved editing reporting writing ' +
    'additional note eds advisory end ends story related contact source sources breaking news live latest ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december today yesterday tomorrow'
  ).split(' '),
);
const NAME_WORD = /^\p{Lu}[\p{L}\p{M}'’.-]*$/u;

function isAgency(text: string): boolean {
  return AGENCY_NAMES.has(squash(text).toLowerCase());
}

/** 1-5 capitalised words (particles such as "de la" allowed), none of them a heading word. */
function isPersonName(text: string, minWords: number): boolean {
  const words = squash(text).split(' ');
  const named = words.filter((word) => !PARTICLES.has(word));
  if (named.length < minWords || words.length > 6) return false;
  if (!NAME_WORD.test(words[0] as string) || !NAME_WORD.test(words.at(-1) as string)) return false;
  return words.every(
    (word) => PARTICLES.has(word) || (NAME_WORD.test(word) && !NOT_NAME_WORDS.has(word.toLowerCase())),
  );
}

/** "Jane Doe", "Jane Doe and John Roe", "Jane Doe, John Roe". */
function isPeople(text: string, minWords: number): boolean {
  const people = text.split(/\s*(?:,|\band\b|&)\s*/u).filter(Boolean);
  return people.length > 0 && people.length <= 4 && people.every((person) => isPersonName(person, minWords));
}

/** "CHARLES ODUM" -> "Charles Odum"; names already in mixed case are left alone. */
function naturalName(name: string): string {
  const clean = squash(name);
  if (/\p{Ll}/u.test(clean)) return clean;
  return clean
    .toLowerCase()
    .replace(
      /(^|[\s'’-])(\p{Ll})/gu,
      (_match, before: string, letter: string) => `${before}${letter.toUpperCase()}`,
    )
    .replace(
      /\b(De|Da|Del|Della|La|Le|Du|Di|Van|Von|Der|Den|Al|El|Bin|Ibn)\s(?=\S)/g,
      (particle, _p, offset: number) => (offset === 0 ? particle : particle.toLowerCase()),
    );
}

type BylineForm = 'by' | 'bullet' | 'dash' | 'name-agency' | 'credit';

/** The byline a whole line states, in any of the accepted forms, or nothing. */
function bylineOf(line: string): { value: string; form: BylineForm } | undefined {
  let rest = squash(line).replace(/\s*=$/, '');
  let form: BylineForm = 'name-agency';
  const credit = rest.match(
    /^\(?\s*(?:reporting|reported|writing|written)\s+by\s+([^;()]+?)\s*(?:;.*)?\)?\.?$/i,
  );
  if (credit?.[1] && isPeople(credit[1], 2)) return { value: naturalName(credit[1]), form: 'credit' };
  if (/^by\s/i.test(rest)) {
    form = 'by';
    rest = rest.replace(/^by\s+/i, '');
  } else if (/^[•·*▪●]\s*/u.test(rest)) {
    form = 'bullet';
    rest = rest.replace(/^[•·*▪●]\s*/u, '');
  } else if (/^(?:—|–|--?)\s*/u.test(rest)) {
    form = 'dash';
    rest = rest.replace(/^(?:—|–|--?)\s*/u, '');
  }
  if (!rest || rest.length > 120) return undefined;
  // "By The Associated Press", "— Reuters": an agency alone.
  if (form !== 'name-agency' && isAgency(rest)) return { value: rest, form };
  const split = rest.match(/^(.+?)(?:\s*,\s*|\s*\/\s*|\s+\()([^,()/]+?)\)?$/u);
  const people = split?.[1];
  const affiliation = split?.[2];
  const minWords = form === 'by' ? 1 : 2;
  if (
    people &&
    affiliation &&
    isPeople(people, minWords) &&
    (isAgency(affiliation) || JOB_TITLE.test(affiliation))
  ) {
    return { value: `${naturalName(people)}, ${affiliation}`, form };
  }
  if (form === 'name-agency') return undefined;
  if (isPeople(rest, minWords)) return { value: naturalName(rest), form };
  return undefined;
}

const BYLINE_CONFIDENCE: Readonly<Record<BylineForm, number>> = {
  by: 90,
  credit: 85,
  bullet: 80,
  dash: 75,
  'name-agency': 70,
};

/**
 * Takes a byline line from the start or the end of the body. A trailing line must stand apart
 * (blank line or indentation before it, or the previous line ending a sentence) and must not be the
 * only paragraph, so that a one-line story is never eaten.
 */
function takeByline(lines: string[], where: 'leading' | 'trailing'): Found | undefined {
  const contentIndexes = lines.flatMap((line, at) => (isBlank(line) ? [] : [at]));
  if (contentIndexes.length < 2) return undefined;
  const at = (where === 'leading' ? contentIndexes[0] : contentIndexes.at(-1)) as number;
  const found = bylineOf(lines[at] as string);
  if (!found) return undefined;
  if (where === 'trailing') {
    const previous = lines[at - 1];
    const apart =
      previous === undefined ||
      isBlank(previous) ||
      isIndented(lines[at] as string) ||
      /[.!?"”’)]\s*$/.test(previous);
    if (!apart) return undefined;
  }
  lines.splice(at, 1);
  return {
    value: found.value,
    provenance: { rule: `${where}-${found.form}-line`, confidence: BYLINE_CONFIDENCE[found.form] },
  };
}

// --- Datelines ----------------------------------------------------------------------------------

/** Words in capitals that open a paragraph without being a place. */
const NOT_PLACES = new Set([
  'BREAKING',
  'UPDATE',
  'UPDATED',
  'URGENT',
  'FLASH',
  'CORRECTED',
  'CORRECTION',
  'EXCLUSIVE',
  'ANALYSIS',
  'FACTBOX',
  'EDITORIAL',
  'OPINION',
  'WRAPUP',
  'REFILE',
  'RPT',
  'ADVISORY',
  'NOTE',
  'EDS',
  'TIP-INS',
  'UP NEXT',
]);
/** `SOCHI, Russia, Feb 19 (Reuters) — ` up to the dash; the dash may be an em/en dash, ` - `, ` -- ` or AP's ` _ `. */
const DATELINE = /^(.{2,90}?)(?:\s+[—–]\s*|[—–]\s+|\s+(?:--?|_)\s+)(?=\S)/u;
const DATE_PART =
  /^(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?(?:\s+\d{1,2})?(?:,?\s+\d{4})?$/i;
const CAPS_PLACE = /^[\p{Lu}][\p{Lu}\s.'’-]*$/u;
const NATURAL_PLACE =
  /^\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|de|del|da|do|la|le|am|an|on|upon|sur|en))*$/u;
const REGION = /^\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}\.?$/u;

/** Title case for a place written in capitals: "NEW YORK" -> "New York", "RIO DE JANEIRO" -> "Rio de Janeiro". */
function naturalPlace(place: string): string {
  if (/\p{Ll}/u.test(place)) return place;
  return place
    .toLowerCase()
    .split(' ')
    .map((word, at) =>
      at > 0 && /^(?:de|del|da|do|dos|la|le|am|an|on|upon|sur|en|of)$/.test(word)
        ? word
        : word.replace(
            /(^|[-'’.])(\p{Ll})/gu,
            (_match, before: string, letter: string) => `${before}${letter.toUpperCase()}`,
          ),
    )
    .join(' ');
}

function datelineOf(
  paragraph: string,
): { located: string; rest: string; provenance: Provenance } | undefined {
  const match = paragraph.match(DATELINE);
  const head = match?.[1];
  if (!match || !head) return undefined;
  const rest = paragraph.slice(match[0].length).trim();
  if (!rest) return undefined;
  let place = head.trim();
  let agency: string | undefined;
  const credited = place.match(/^(.*?)\s*\(([^()]{1,40})\)$/u);
  if (credited) {
    place = (credited[1] as string).trim();
    agency = credited[2];
  }
  const segments = place.split(/\s*,\s*/).filter(Boolean);
  while (segments.length > 1 && DATE_PART.test(segments.at(-1) as string)) segments.pop();
  const [city, ...regions] = segments;
  if (!city || regions.length > 2 || /\d/.test(segments.join(' ')) || NOT_PLACES.has(city) || isAgency(city))
    return undefined;
  if (!regions.every((region) => REGION.test(region))) return undefined;
  const capitals = CAPS_PLACE.test(city) && /\p{Lu}{2}/u.test(city);
  // In natural case only an agency credit makes "Luxembourg (dpa) -" a dateline: "Putin (the president) -" is prose.
  if (!capitals && !(agency && isAgency(agency) && NATURAL_PLACE.test(city))) return undefined;
  if (city.split(/\s+/).length > 4) return undefined;
  const located = [
    naturalPlace(city),
    ...regions.map((region) => (region.length > 3 ? naturalPlace(region) : region)),
  ].join(', ');
  const rule = capitals ? (agency ? 'dateline-capitals-agency' : 'dateline-capitals') : 'dateline-agency';
  const confidence = capitals ? (agency ? 95 : 85) : 90;
  return { located, rest, provenance: { rule, confidence } };
}
