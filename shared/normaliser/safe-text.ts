/**
 * Every string partners receive is safe to show, whatever they do with it. Partners often render
 * headlines, bylines and entity names as HTML, so a text field must hold text: markup in it is
 * stripped (`<img src=x onerror=…>` in a headline would run in their page). Control characters and
 * the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed
 * everywhere: they reorder what a reader sees (Trojan Source, CVE-2021-42574). The directional marks
 * (U+200E, U+200F, U+061C) are needed in right-to-left text and are kept there, but removed from
 * identifiers and URIs, where they only disguise. URIs are limited to http(s), urn and tag: any other
 * scheme (`javascript:`, `data:`, `vbscript:`, `file:`) is dropped and recorded in the provenance.
 *
 * Applied once to the assembled document (./assemble.ts), so that every format gets the same
 * treatment. The HTML body is not touched: it was rebuilt from an allow-list already (./body.ts).
 */
import { Parser } from 'htmlparser2';
import type { Provenance } from '../domain/provenance.js';
import type { AltId, Ninjs } from '../ninjs/types.js';
import { RejectedInputError } from './errors.js';
import { recordDropped } from './lenient.js';

/**
 * A `<` that an HTML parser would take as the start of a tag, end tag, comment or declaration goes
 * with the `<`s before it: removing only the last of `<<b` would leave `<b`.
 */
const LESS_THAN_RUN = /<+/g;
const TAG_OPENER = /[A-Za-z!/?]/;
const HAS_TAG_START = /<[A-Za-z!/?]/;
/**
 * C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the bidirectional
 * embeddings, overrides and isolates. Line and paragraph separators are replaced by a space (they
 * end a line in JavaScript source, where partners sometimes embed JSON).
 */
const UNSAFE_RANGES =
  '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069';
const UNSAFE_CHARACTERS = new RegExp(`[${UNSAFE_RANGES}]`, 'g');
const HAS_UNSAFE = new RegExp(`[${UNSAFE_RANGES}\\u2028\\u2029<]`);
const LINE_SEPARATORS = /[\u2028\u2029]/g;
/** Invisible characters that have no place in an identifier: directional marks, zero-width characters. */
const INVISIBLE_IN_IDENTIFIERS = /[\u061C\u200B-\u200F\u2060\uFEFF]/g;
const HAS_INVISIBLE_IN_IDENTIFIERS = /[\u061C\u200B-\u200F\u2060\uFEFF]/;

export const ALLOWED_URI_SCHEMES = /^(?:https?|urn|tag):/i;
const URI_SCHEME = /^\s*[a-z][a-z0-9+.-]*:/i;
const CONTACT_SCHEMES = /^(?:https?|mailto|tel|urn|tag):/i;

/** Elements whose content is not text a reader sees. */
const HIDDEN_CONTENT = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'noembed',
  'noframes',
  'xmp',
]);

/**
 * The text of `value` with its tags, comments and hidden content (scripts, styles) left out, as an
 * HTML parser splits it. Entities are left as written: the value is text, and `AT&amp;T` or
 * `&lt;b&gt;` in it are what the publisher wrote, harmless where partners render HTML.
 */
function textOfMarkup(value: string): string {
  let text = '';
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN_CONTENT.has(name)) hidden++;
      },
      onclosetag(name) {
        if (HIDDEN_CONTENT.has(name) && hidden > 0) hidden--;
      },
      ontext(chunk) {
        if (hidden === 0) text += chunk;
      },
    },
    { decodeEntities: false },
  );
  parser.write(value);
  parser.end();
  return text;
}

const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Zs}]/u;

/**
 * `value` without markup. Short fields are parsed as HTML, so `<b>Breaking</b> news` keeps its words
 * and `<script>…</script>` goes whole. Whatever still looks like a tag start to a browser loses its
 * `<`, and so does every tag start in a long text (the plain-text body), where quoting `<div>` is
 * legitimate and an unclosed `<script>` would swallow the rest of the story.
 */
function withoutMarkup(value: string, parse: boolean): string {
  const text = parse ? textOfMarkup(value) : value;
  if (!HAS_TAG_START.test(text)) return text;
  return text.replace(LESS_THAN_RUN, (run: string, offset: number) =>
    TAG_OPENER.test(text.charAt(offset + run.length)) ? '' : run,
  );
}

/** Text as partners may show it; the same string (not a copy) when there is nothing to change. */
export function safeText(
  value: string,
  options: { parseMarkup?: boolean; identifier?: boolean } = {},
): string {
  let text = value;
  // Every removal comes before the markup check: removing a character after it could join a `<`
  // to a letter (`<` U+200B `script`) and make a tag start that was not there when checked.
  if (options.identifier && HAS_INVISIBLE_IN_IDENTIFIERS.test(text))
    text = text.replace(INVISIBLE_IN_IDENTIFIERS, '');
  if (HAS_UNSAFE.test(text)) {
    text = text.replace(UNSAFE_CHARACTERS, '').replace(LINE_SEPARATORS, ' ');
    if (HAS_TAG_START.test(text)) text = withoutMarkup(text, options.parseMarkup !== false);
  }
  return text === value
    ? value
    : text.replace(/\s+/g, (space) => (space.includes('\n') ? space : ' ')).trim();
}

/** Keys whose string is an identifier or code, not prose. */
const IDENTIFIER_KEYS = new Set(['uri', 'href', 'literal', 'rel', 'role', 'contentType', 'type', 'language']);
/** Lists of concepts: an entry left with neither name, uri nor literal is removed. */
const CONCEPT_LISTS = new Set(['subjects', 'people', 'organisations', 'places', 'genres', 'infoSources']);

/**
 * Field paths (`people` and `uri` make `people.uri`), each made once and then reused: the same few
 * dozen recur in every document, and a reused string is not built, flattened and hashed again for
 * each lookup in the sets above. Bounded, since names in the input could be anything.
 */
const FIELD_PATHS = new Map<string, Map<string, string>>();
const MAX_FIELD_PATHS = 1000;
let fieldPathCount = 0;

function fieldPath(field: string, name: string): string {
  if (!field) return name;
  const known = FIELD_PATHS.get(field)?.get(name);
  if (known !== undefined) return known;
  const path = `${field}.${name}`;
  if (fieldPathCount < MAX_FIELD_PATHS) {
    let children = FIELD_PATHS.get(field);
    if (!children) {
      children = new Map();
      FIELD_PATHS.set(field, children);
    }
    children.set(name, path);
    fieldPathCount++;
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Makes every string of the document safe, in place, and records what was dropped. Throws NO_HEADLINE
 * when the main headline holds nothing visible once cleaned (markup only, or zero-width characters).
 */
export function makeTextSafe(
  ninjs: Ninjs,
  provenance: Record<string, Provenance>,
  inputIds: AltId[] = [],
): void {
  const changed = new Set<string>();
  /** The field path without indexes (`people.uri`): what a count by field groups. */
  const visit = (value: unknown, field: string, key: string): unknown => {
    if (typeof value === 'string') {
      const identifier = IDENTIFIER_KEYS.has(key) || field === 'altIds.value';
      let text = safeText(value, { identifier, parseMarkup: !(field === 'bodies.value') });
      if ((key === 'uri' || key === 'href') && !ALLOWED_URI_SCHEMES.test(text)) {
        recordDropped(provenance, field, `safe-text:${field}-scheme-not-http(s)-urn-or-tag`, value);
        return undefined;
      }
      // A contact's value may be an address, a number or a link; a link is also http(s), or mailto and tel.
      if (
        key === 'value' &&
        field.endsWith('contactInfo.value') &&
        URI_SCHEME.test(text) &&
        !CONTACT_SCHEMES.test(text)
      ) {
        recordDropped(provenance, field, `safe-text:${field}-scheme-not-http(s)-mailto-or-tel`, value);
        return undefined;
      }
      if (text !== value) changed.add(field);
      // Nothing visible (markup only, zero-width characters) is no value. A printable ASCII first
      // character is visible: the Unicode expression is left for the rest.
      const first = text.charCodeAt(0);
      if (!(first > 0x20 && first < 0x7f) && !VISIBLE.test(text)) text = '';
      return text === '' ? undefined : text;
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => visit(item, field, key)).filter((item) => item !== undefined);
      return CONCEPT_LISTS.has(field)
        ? items.filter((item) => !isRecord(item) || item.name || item.uri || item.literal)
        : items;
    }
    if (isRecord(value)) {
      for (const name of Object.keys(value)) {
        const safe = visit(value[name], fieldPath(field, name), name);
        if (safe === undefined) delete value[name];
        else value[name] = safe;
      }
      // A role/value pair (headline, description) without its value is no longer one.
      if ('role' in value && !('value' in value) && /^(headlines|descriptions|bodies)$/.test(field))
        return undefined;
      // A contact needs a value or an address (the schema's oneOf).
      if (field.endsWith('contactInfo') && !('value' in value) && !('address' in value)) return undefined;
      return value;
    }
    return value;
  };
  const document = ninjs as unknown as Record<string, unknown>;
  for (const name of Object.keys(document)) {
    // The HTML body is rebuilt from an allow-list (./body.ts) and keeps its markup.
    if (name === 'bodies' && Array.isArray(document.bodies)) {
      const bodies = document.bodies as Record<string, unknown>[];
      const plain = bodies.find((body) => body.contentType === 'text/plain');
      const before = plain?.value;
      if (plain) visit(plain, 'bodies', 'bodies');
      if (typeof plain?.value !== 'string')
        throw new RejectedInputError('NO_BODY', 'the body holds no visible text');
      // Both bodies count the characters of the plain text.
      if (plain.value !== before) for (const body of bodies) body.charCount = plain.value.length;
      continue;
    }
    const safe = visit(document[name], name, name);
    if (safe === undefined || (Array.isArray(safe) && safe.length === 0)) delete document[name];
    else document[name] = safe;
  }
  // The input's own identifiers join altIds after the content hash: cleaned here, in place.
  const ids = visit(inputIds, 'altIds', 'altIds') as AltId[];
  inputIds.splice(0, inputIds.length, ...ids.filter((id) => id.value));
  if (!ninjs.headlines?.some((headline) => headline.role === 'main')) {
    throw new RejectedInputError('NO_HEADLINE', 'the headline holds only markup or invisible characters');
  }
  for (const field of changed)
    provenance[`safe-text:${field}`] = { rule: 'markup-or-unsafe-characters-removed', confidence: 100 };
}
