/**
 * Named entities (people, organisations, places) found in an article's plain text.
 *
 * Why rules and gazetteers rather than a model: no offline NER model exists on npm, and compromise
 * (the closest thing) scored 63% precision / 57% recall on the reference wire story at 23-40
 * articles/s, where the normaliser needs thousands. This finder takes the capitalised sequences of
 * the text in one regular-expression pass and classifies them with:
 * - gazetteers (./gazetteer.ts): countries, capitals, large cities and first-level divisions with
 *   GeoNames ids, given names, surnames, nationality adjectives, known organisation names;
 * - cues around the candidate (./lexicon.ts): titles ("President", "Foreign Minister"), role nouns
 *   ("leader", "spokesman"), speech verbs ("Merkel also said"), place prepositions ("in Chechnya"),
 *   organisation endings ("Party", "Bank") and acronyms defined in parentheses ("(SNP)");
 * - the rest of the article: a surname alone ("Putin") is the person named in full elsewhere
 *   ("Vladimir Putin"), and a two-word name whose last word recurs alone is a person ("Luol Deng").
 * Anything with no evidence is dropped: precision matters more than recall for partner filters.
 *
 * Cue words are English; for other stated languages only gazetteer matches and the byline count.
 */

import type { Provenance } from '../domain/provenance.js';
import type { Party, Place } from '../ninjs/types.js';
import {
  foldName,
  type GazetteerPlace,
  isDemonym,
  isFirstName,
  isLastName,
  isWrittenInCapitals,
  listedOrganisations,
  placeNamed,
} from './gazetteer.js';
import {
  CALENDAR_WORDS,
  EXTRA_DEMONYMS,
  KNOWN_ORGANISATIONS,
  NEWS_AGENCIES,
  NOT_ORGANISATION_HEADS,
  ORGANISATION_ENDINGS,
  ORGANISATION_OPENINGS,
  PERSON_TITLES,
  PLACE_ENDINGS,
  PLACE_NOUNS,
  PLACE_PREPOSITIONS,
  PLACE_QUALIFIERS,
  ROLE_NOUNS,
  SENTENCE_WORDS,
  SPEECH_FILLERS,
  SPEECH_VERBS,
  TITLE_MODIFIERS,
} from './lexicon.js';

export interface EntityContext {
  readonly byline?: string;
  readonly language?: string;
  readonly located?: string;
}

export interface FoundEntities {
  readonly people: Party[];
  readonly organisations: Party[];
  readonly places: Place[];
  readonly provenance: Readonly<Record<string, Provenance>>;
}

/** More than this per kind is noise for partners (long lists of players in a match report...). */
const MAX_PER_KIND = 30;

const lowerSet = (words: readonly string[]) => new Set(words.map((word) => word.toLowerCase()));
const foldedSet = (words: readonly string[]) => new Set(words.map((word) => foldName(word)));

const TITLES = lowerSet(PERSON_TITLES);
const MODIFIERS = lowerSet(TITLE_MODIFIERS);
const ROLES = lowerSet(ROLE_NOUNS);
const SPEECH = lowerSet(SPEECH_VERBS);
const FILLERS = lowerSet(SPEECH_FILLERS);
const ORG_ENDINGS = lowerSet(ORGANISATION_ENDINGS);
const ORG_OPENINGS = lowerSet(ORGANISATION_OPENINGS);
const PLACE_END = lowerSet(PLACE_ENDINGS);
const PLACE_PREPS = lowerSet(PLACE_PREPOSITIONS);
const PLACE_QUALS = lowerSet(PLACE_QUALIFIERS);
const PLACE_OF_NOUNS = lowerSet(PLACE_NOUNS);
/** Words that do open a name with "of" ("Bank of England", "Secretary of State", "Gulf of Aden"). */
const NAME_OPENERS = lowerSet([
  ...ORGANISATION_OPENINGS,
  ...ORGANISATION_ENDINGS,
  ...PERSON_TITLES,
  ...PLACE_ENDINGS,
  ...PLACE_NOUNS,
  'Isle',
  'Republic',
  'Kingdom',
  'Duke',
  'Duchess',
  'Prince',
  'Princess',
]);
const NOT_ORG_HEADS = lowerSet(NOT_ORGANISATION_HEADS);
const SENTENCE = lowerSet(SENTENCE_WORDS);
const CALENDAR = lowerSet(CALENDAR_WORDS);
const DEMONYMS = foldedSet(EXTRA_DEMONYMS);
const AGENCIES = foldedSet(NEWS_AGENCIES);

/**
 * Alias (folded, or `=` + capitals as written without dots) -> canonical organisation name, or ""
 * for names of the generated list, which are reported as written. One table, one lookup per candidate.
 */
let organisationNames: Map<string, string> | undefined;

function organisationTable(): Map<string, string> {
  if (organisationNames) return organisationNames;
  const names = new Map<string, string>();
  for (const entry of [...KNOWN_ORGANISATIONS, ...NEWS_AGENCIES]) {
    const [canonical = '', ...aliases] = entry.split('|');
    for (const alias of [canonical, ...aliases]) {
      const bare = alias.replaceAll('.', '');
      const key = isWrittenInCapitals(bare) && bare.length <= 5 ? `=${bare}` : foldName(alias);
      if (!names.has(key)) names.set(key, canonical);
    }
  }
  for (const folded of listedOrganisations()) if (!names.has(folded)) names.set(folded, '');
  organisationNames = names;
  return names;
}

/**
 * The name to report for a known organisation, if `surface` is one of its names: the canonical
 * name for the hand-kept list, `surface` itself for the generated one.
 */
function knownOrganisation(surface: string, folded: string): string | undefined {
  const names = organisationTable();
  const name = names.get(folded);
  if (isWrittenInCapitals(surface)) {
    const bare = surface.replaceAll('.', '');
    const byAcronym = names.get(`=${bare}`);
    if (byAcronym) return byAcronym;
    // A short name in capitals is an acronym: only the generated list (no case) may know it.
    if (bare.length <= 5) return name === '' ? surface : undefined;
  }
  return name === undefined ? undefined : name || surface;
}

/** Lower-case words allowed inside a name ("Bank of England", "Ana de la Cruz", "Bashar al-Assad"). */
const CONNECTORS = new Set([
  'of',
  'de',
  'del',
  'della',
  'da',
  'di',
  'du',
  'des',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'ter',
  'bin',
  'ibn',
  'al',
  'el',
  'y',
]);
/** Abbreviations whose full stop does not end the sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'mt',
  'ft',
  'gen',
  'sen',
  'rep',
  'gov',
  'lt',
  'col',
  'capt',
  'sgt',
  'maj',
  'adm',
  'jr',
  'sr',
  'inc',
  'corp',
  'ltd',
  'co',
  'no',
  'vs',
  'messrs',
  'rev',
  'hon',
]);

// --- Words ------------------------------------------------------------------------------------

/** One word of a capitalised sequence, with where it stands in the text. */
interface Word {
  /** As written, with an abbreviation's or initial's full stop, without a possessive 's. */
  readonly text: string;
  /** Lower case, without full stops: what word lists are compared with. */
  readonly lower: string;
  /** `foldName(lower)`: what gazetteers are compared with. */
  readonly folded: string;
  /** Offsets in the text: `end` is after the possessive 's, if any. */
  readonly start: number;
  readonly end: number;
  /** Starts with a capital letter; false for connectors such as "of" inside a sequence. */
  readonly capital: boolean;
  /** All capitals ("TASS", "U.S."): an acronym or a shouted heading, never part of a person's name. */
  readonly allCapitals: boolean;
  /** A single capital with a full stop ("W."). */
  readonly initial: boolean;
  readonly possessive: boolean;
  readonly sentenceStart: boolean;
  /**
   * For a sequence's first word, what the text before it says, found on first use (the
   * classification asks up to five times): the word before, and the place cues (`PLACE_CUE_*`).
   */
  before: string | undefined;
  placeCues: number;
}

/** A run of words to decide on: a whole capitalised sequence or the part of it around a title. */
interface Part {
  readonly words: readonly Word[];
  /** Whether text, not another word of the same sequence, stands before and after the part. */
  readonly atSpanStart: boolean;
  readonly atSpanEnd: boolean;
  readonly titled: boolean;
  /** Already looked up whole in the gazetteers (and not found). */
  readonly checked?: boolean;
}

/**
 * Letters of the scripts with capitals that wire copy uses (Latin, Greek, Cyrillic), spelled out as
 * ranges: V8 runs a `\p{L}` pattern with the `u` flag about ten times slower over a whole article.
 */
const LETTERS = String.raw`\w\u00C0-\u024F\u0300-\u036F\u0370-\u03FF\u0400-\u04FF`;
const CAPITALS = String.raw`A-Z\u00C0-\u00DE\u0100-\u024F\u0391-\u03A9\u0410-\u042F`;
const NAME_WORD = String.raw`[${CAPITALS}][${LETTERS}]*(?:['’.\-][${LETTERS}]+)*\.?`;
const CONNECTOR = String.raw`(?:of|de|del|della|da|di|du|des|la|le|van|von|der|den|ter|bin|ibn|al|el|y)(?:[ \t]+the)?`;
/**
 * Capitalised sequences, found by the regular expression engine in one pass over the text: the
 * text around them is only looked at for the few candidates that need a cue. The capital comes
 * before the look-behind so that the engine only tries the rest at capitals. Latin Extended
 * letters are all candidates here; `makeWord` keeps only real capitals.
 */
const SPAN_PATTERN_SOURCE = String.raw`[${CAPITALS}](?<![${LETTERS}'’.].)[${LETTERS}]*(?:['’.\-][${LETTERS}]+)*\.?(?:[ \t]+(?:${CONNECTOR}[ \t]+)?${NAME_WORD})*`;
/** No name is longer: a longer run of capitalised words is a heading or a list. */
const MAX_SPAN_WORDS = 10;
const LETTER = /[\p{L}\p{M}\p{N}]/u;
const ACRONYM_AFTER_SOURCE = String.raw`[ \t]*\([ \t]*(\p{Lu}[\p{Lu}\p{N}.&-]{0,9})[ \t]*\)`;

function isWordCode(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  // Accented Latin letters (but × and ÷) and General Punctuation (curly quotes, dashes, no letter,
  // mark or digit) are common in copy: no regex for them.
  if (code >= 0xc0 && code <= 0x24f) return code !== 0xd7 && code !== 0xf7;
  if (code >= 0x2000 && code <= 0x206f) return false;
  return LETTER.test(text.charAt(at));
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 0xa0;
}

/** A hyphen or an apostrophe, which `wordBefore` and `wordAfter` keep inside a word. */
function isJoiner(code: number): boolean {
  return code === 45 || code === 39 || code === 0x2019;
}

/** Opening quotation marks and brackets: " “ ‘ ' ( [ « „ */
function isOpeningMark(code: number): boolean {
  return (
    code === 34 ||
    code === 0x201c ||
    code === 0x2018 ||
    code === 39 ||
    code === 40 ||
    code === 91 ||
    code === 0xab ||
    code === 0x201e
  );
}

/**
 * One article's text as the entity finder reads it: the words around a candidate, in lower case, and
 * its capitalised sequences. Made per article by `findEntities` and dropped with it, so that what one
 * scan remembers (the lower-case copy, where the last word looked at starts and ends, the position of
 * the sequence pattern) never reaches another article's.
 */
class TextScanner {
  /**
   * The text in lower case, when a slice of it is the text's slice lower-cased: most words are
   * lower-cased, and slicing a string made once makes half the strings. That holds for the slices
   * taken here (runs of letters of the Basic Multilingual Plane, no surrogates) but for "İ" (two code
   * units in lower case, seen in the length) and "Σ" (whose lower case depends on the letters
   * around it).
   */
  private readonly lower: string | undefined;
  /**
   * Where the word or mark `wordBefore` last returned starts (-1 at a paragraph start), and where the
   * one `wordAfter` last returned ends: results beside the word rather than a pair made per call.
   */
  beforeStart = -1;
  afterEnd = 0;
  /** This scanner's own stateful (global and sticky) patterns: their positions are per article. */
  private readonly spanPattern = new RegExp(SPAN_PATTERN_SOURCE, 'g');
  private readonly acronymPattern = new RegExp(ACRONYM_AFTER_SOURCE, 'uy');

  constructor(readonly text: string) {
    const lower = text.includes('\u03a3') ? undefined : text.toLowerCase();
    this.lower = lower !== undefined && lower.length === text.length ? lower : undefined;
  }

  /** `text.slice(start, end).toLowerCase()`. */
  lowerSlice(start: number, end: number): string {
    if (this.lower !== undefined) return this.lower.slice(start, end);
    return this.text.slice(start, end).toLowerCase();
  }

  /** The word (lower case) or punctuation mark just before `offset`; "" at a paragraph start. */
  wordBefore(offset: number): string {
    const { text } = this;
    let at = offset - 1;
    while (at >= 0 && isSpace(text.charCodeAt(at))) at--;
    if (at < 0 || text.charCodeAt(at) === 10) {
      this.beforeStart = -1;
      return '';
    }
    this.beforeStart = at;
    if (!isWordCode(text, at)) return text.charAt(at);
    const end = at + 1;
    while (at > 0 && (isWordCode(text, at - 1) || isJoiner(text.charCodeAt(at - 1)))) at--;
    this.beforeStart = at;
    return this.lowerSlice(at, end);
  }

  /** The word (lower case) or punctuation mark just after `offset`; "" at a paragraph end. */
  wordAfter(offset: number): string {
    const { text } = this;
    let at = offset;
    while (at < text.length && isSpace(text.charCodeAt(at))) at++;
    this.afterEnd = at;
    if (at >= text.length || text.charCodeAt(at) === 10) return '';
    this.afterEnd = at + 1;
    if (!isWordCode(text, at)) return text.charAt(at);
    const start = at;
    while (at < text.length && (isWordCode(text, at) || isJoiner(text.charCodeAt(at)))) at++;
    this.afterEnd = at;
    return this.lowerSlice(start, at);
  }

  /** Whether the word at `offset` starts a sentence, a paragraph or a quotation's first sentence. */
  startsSentence(offset: number): boolean {
    const { text } = this;
    let at = offset - 1;
    while (at >= 0 && (isSpace(text.charCodeAt(at)) || isOpeningMark(text.charCodeAt(at)))) at--;
    if (at < 0) return true;
    const mark = text.charCodeAt(at);
    if (mark === 10) return true;
    // . ! ? : …
    if (mark !== 46) return mark === 33 || mark === 63 || mark === 58 || mark === 0x2026;
    // "Mr. Putin", "Rex W. Tillerson": the full stop of an abbreviation or initial ends nothing.
    const before = this.wordBefore(at);
    return !(ABBREVIATIONS.has(before) || (before.length === 1 && /\p{L}/u.test(before)));
  }

  /** `Long Name (LN)` at `end`: the acronym, if one follows. */
  acronymAt(end: number): string | undefined {
    this.acronymPattern.lastIndex = end;
    return this.acronymPattern.exec(this.text)?.[1];
  }

  /** Capitalised sequences, split where a sentence ends or a possessive closes a name. */
  candidateSpans(): Word[][] {
    const { text, spanPattern } = this;
    const spans: Word[][] = [];
    spanPattern.lastIndex = 0;
    for (let match = spanPattern.exec(text); match; match = spanPattern.exec(text)) {
      const matched = match[0];
      const first = matched.charAt(0);
      if (first === first.toLowerCase()) continue; // a lower-case Latin Extended letter
      const opensSentence = this.startsSentence(match.index);
      // A lone sentence-initial "The", "It", "But"...: a third of all candidates, and never a name.
      if (
        opensSentence &&
        matched.length <= 10 &&
        SENTENCE.has(this.lowerSlice(match.index, match.index + matched.length))
      )
        continue;
      let span: Word[] = [];
      let sentenceStart = opensSentence;
      // The words of the match: the pattern joins them with spaces and tabs only. Read from the
      // text itself, a flat string, rather than from the match (a slice of it, slower to index).
      const matchEnd = match.index + matched.length;
      for (let wordEnd = match.index; wordEnd < matchEnd; ) {
        let start = wordEnd;
        while (start < matchEnd && isSpaceOrTab(text.charCodeAt(start))) start++;
        if (start >= matchEnd) break;
        wordEnd = start + 1;
        while (wordEnd < matchEnd && !isSpaceOrTab(text.charCodeAt(wordEnd))) wordEnd++;
        let written = text.slice(start, wordEnd);
        const end = wordEnd;
        // Connectors are lower case: a capital word (nearly all of them) needs no set lookup.
        const initial = written.charCodeAt(0);
        if (initial >= 97 && initial <= 122 && (CONNECTORS.has(written) || written === 'the')) {
          if (span.length > 0) span.push(makeWord(this, written, start, end, false, false, false));
          continue;
        }
        let possessive = false;
        const length = written.length;
        if (length > 2 && (written.charCodeAt(length - 1) | 32) === 115) {
          const apostrophe = written.charCodeAt(length - 2);
          if (apostrophe === 39 || apostrophe === 0x2019) {
            written = written.slice(0, -2);
            possessive = true;
          }
        }
        let endsSentence = false;
        if (written.charCodeAt(written.length - 1) === 46) {
          const core = written.slice(0, -1);
          const keepsStop = core.length === 1 || core.includes('.') || ABBREVIATIONS.has(core.toLowerCase());
          if (!keepsStop) {
            written = core;
            endsSentence = true;
          }
        }
        let word = makeWord(this, written, start, end, true, sentenceStart && span.length === 0, possessive);
        const previous = span[span.length - 1];
        // "May" after a given name is a surname ("Theresa May"), otherwise a month.
        if (CALENDAR.has(word.lower) && !(previous && isFirstName(previous.folded))) {
          span = closeSpan(span, spans);
          sentenceStart = endsSentence;
          continue;
        }
        // "the U.S. The talks...": a dotted acronym can end a sentence too.
        if (previous?.allCapitals && previous.text.endsWith('.') && SENTENCE.has(word.lower)) {
          span = closeSpan(span, spans);
          word = makeWord(this, written, start, end, true, true, possessive);
        }
        span.push(word);
        sentenceStart = false;
        if (possessive || endsSentence || span.length >= MAX_SPAN_WORDS) {
          span = closeSpan(span, spans);
          sentenceStart = endsSentence;
        }
      }
      closeSpan(span, spans);
    }
    return spans;
  }
}

/** Keeps a finished sequence (without trailing connectors) and starts a new one. */
function closeSpan(span: Word[], spans: Word[][]): Word[] {
  while (span.length > 0 && !(span[span.length - 1] as Word).capital) span.pop();
  if (span.length > 0) spans.push(span);
  return [];
}

function makeWord(
  scanner: TextScanner,
  written: string,
  start: number,
  end: number,
  capital: boolean,
  sentenceStart: boolean,
  possessive: boolean,
): Word {
  // `written` is the text from `start`, but for a possessive 's or a full stop left out.
  const dotted = written.includes('.');
  const letters = dotted ? written.replaceAll('.', '') : written;
  const lower = dotted ? letters.toLowerCase() : scanner.lowerSlice(start, start + written.length);
  return {
    text: written,
    lower,
    folded: foldName(lower),
    start,
    end,
    capital,
    allCapitals: letters.length > 1 && isWrittenInCapitals(letters),
    initial: letters.length === 1 && written.length === 2,
    possessive,
    sentenceStart,
    before: undefined,
    placeCues: -1,
  };
}

// --- Entities being collected -------------------------------------------------------------------

type EntityKind = 'person' | 'organisation' | 'place';

interface Entity {
  readonly kind: EntityKind;
  name: string;
  readonly key: string;
  readonly uri?: string;
  /** Folded words of the name, initials left out. */
  readonly words: readonly string[];
  mentions: number;
  readonly first: number;
  rel?: string;
}

function surfaceOf(words: readonly Word[]): string {
  let surface = (words[0] as Word).text;
  for (let index = 1; index < words.length; index++) surface += ` ${(words[index] as Word).text}`;
  return surface;
}

function foldedOf(words: readonly Word[]): string {
  let folded = (words[0] as Word).folded;
  for (let index = 1; index < words.length; index++) folded += ` ${(words[index] as Word).folded}`;
  return folded;
}

class Collector {
  readonly entities = new Map<string, Entity>();
  /** Acronyms defined in the text ("Scottish National Party (SNP)") -> the entity they stand for. */
  readonly aliases = new Map<string, Entity>();
  private readonly byLastWord = new Map<string, Entity[]>();
  /** Surfaces already looked up in the organisation list and the gazetteer (see knownName). */
  readonly knownNames = new Map<string, KnownName | null>();
  constructor(readonly scanner: TextScanner) {}

  add(kind: EntityKind, words: readonly Word[], found?: { name: string; uri?: string }): Entity {
    // Places and organisations from a gazetteer share one entry whatever the alias used; others go
    // by their folded words, initials left out. Built without arrays: most calls are repeat mentions.
    let key: string;
    if (found) key = `${kind}:${found.uri ?? foldName(found.name)}`;
    else {
      key = `${kind}:`;
      let separator = '';
      for (const word of words) {
        if (word.initial) continue;
        key += separator + word.folded;
        separator = ' ';
      }
    }
    const known = this.entities.get(key);
    if (known) {
      known.mentions++;
      if (kind === 'person') known.name = betterName(known.name, surfaceOf(words));
      return known;
    }
    const surface = surfaceOf(words);
    const folded = words.filter((word) => !word.initial).map((word) => word.folded);
    const last = words[words.length - 1] as Word;
    const first = (words[0] as Word).start;
    const entity: Entity = {
      kind,
      name: found?.name ?? surface,
      key,
      words: folded,
      mentions: 1,
      first,
      ...(found?.uri ? { uri: found.uri } : {}),
    };
    this.entities.set(key, entity);
    this.index(entity);
    this.noteAcronym(entity, last.end);
    return entity;
  }

  /** `Long Name (LN)`: the acronym names the same entity from then on. */
  noteAcronym(entity: Entity, end: number): void {
    const acronym = this.scanner.acronymAt(end);
    if (acronym && acronym.replaceAll('.', '').length > 1 && acronym === acronym.toUpperCase()) {
      this.aliases.set(acronym.replaceAll('.', ''), entity);
    }
  }

  /** The person whose last name is `word`, the most mentioned if several. */
  personWithLastName(word: string, skip?: Entity): Entity | undefined {
    let best: Entity | undefined;
    for (const entity of this.byLastWord.get(word) ?? []) {
      if (entity.kind !== 'person' || entity === skip) continue;
      if (!best || entity.mentions > best.mentions) best = entity;
    }
    return best;
  }

  organisationEndingWith(word: string): Entity | undefined {
    return this.byLastWord.get(word)?.find((entity) => entity.kind === 'organisation');
  }

  /** Several-word people and organisations by their last word, for "Putin" and "the Hawks". */
  index(entity: Entity): void {
    if (entity.words.length < 2 || entity.kind === 'place') return;
    const last = entity.words[entity.words.length - 1] as string;
    const list = this.byLastWord.get(last);
    if (list) list.push(entity);
    else this.byLastWord.set(last, [entity]);
  }

  /** The word before the part: the previous word of its sequence, else the text's. */
  before(part: Part, span: readonly Word[]): string {
    const first = part.words[0] as Word;
    if (!part.atSpanStart) return span[span.indexOf(first) - 1]?.lower ?? '';
    if (first.before === undefined) first.before = this.scanner.wordBefore(first.start);
    return first.before;
  }
}

/** Of two spellings of one person, the longer, and of equal ones the one with diacritics ("Erdoğan"). */
function betterName(current: string, candidate: string): string {
  if (candidate.length !== current.length) return candidate.length > current.length ? candidate : current;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the whole ASCII set
  return /[^\x00-\x7f]/.test(candidate) && !/[^\x00-\x7f]/.test(current) ? candidate : current;
}

// --- Classification ------------------------------------------------------------------------------

interface Pending extends Part {
  readonly span: readonly Word[];
}

/** Entities come from the first 100,000 characters: far beyond any story, and a bound on the work. */
const MAX_TEXT_CHARS = 100_000;

export function findEntities(fullText: string, context: EntityContext): FoundEntities {
  const text = fullText.length > MAX_TEXT_CHARS ? fullText.slice(0, MAX_TEXT_CHARS) : fullText;
  const english = !context.language || context.language.toLowerCase().startsWith('en') || looksEnglish(text);
  const scanner = new TextScanner(text);
  const collector = new Collector(scanner);
  const pending: Pending[] = [];
  for (const span of scanner.candidateSpans()) classifySpan(collector, span, english, pending);
  if (english) resolvePending(collector, pending);
  mergeSurnames(collector);
  const authors = addByline(collector, context.byline);
  addLocated(collector, context.located);
  return output(collector, authors);
}

/**
 * Detected languages are wrong now and then on short or name-heavy texts (an English ANSA story
 * detected as Italian). English function words (" the ", " of ", " and ", " to ") at least once
 * every 100 characters are English enough for English cues; no other language has them that often.
 */
const ENGLISH_WORDS = / (?:the|of|and|to) /g;
function looksEnglish(text: string): boolean {
  const sample = text.length > 3000 ? text.slice(0, 3000) : text;
  const count = sample.match(ENGLISH_WORDS)?.length ?? 0;
  return count >= 3 && count * 100 >= sample.length;
}

function classifySpan(
  collector: Collector,
  span: readonly Word[],
  english: boolean,
  pending: Pending[],
): void {
  let start = 0;
  // Sentence-initial ordinary words ("But", "The", "Instead") are not part of a name.
  while (start < span.length) {
    const word = span[start] as Word;
    if (!(SENTENCE.has(word.lower) && (word.sentenceStart || word.lower === 'the' || start > 0))) break;
    if (lookupWhole(collector, span.slice(start))) return;
    start++;
  }
  // "Shares of Microsoft Corp": a sentence-initial common noun joined by "of" is not part of the name.
  const opener = span[start];
  if (
    opener?.sentenceStart &&
    span[start + 1]?.lower === 'of' &&
    span.length > start + 2 &&
    !NAME_OPENERS.has(opener.lower)
  ) {
    if (!lookupWhole(collector, span.slice(start))) start += 2;
    else return;
  }
  if (start >= span.length) return;
  const words = start === 0 ? span : span.slice(start);
  if (lookupWhole(collector, words)) return;
  if (!english) return;

  // "Alyn Smith of the Scottish National Party": a person, then what they belong to.
  const of = words.findIndex((word) => word.lower === 'of');
  const rest = words[of + 1]?.lower === 'the' ? of + 2 : of + 1;
  if (
    of >= 2 &&
    of <= 3 &&
    rest < words.length &&
    looksLikeName(words.slice(0, of)) &&
    namesOrganisationOrPlace(words.slice(rest))
  ) {
    // "<Name> of <organisation>" is itself the cue that the name is a person's.
    classifyPart(
      collector,
      span,
      { words: words.slice(0, of), atSpanStart: start === 0, atSpanEnd: false, titled: true },
      pending,
    );
    if (rest < words.length)
      classifyPart(
        collector,
        span,
        { words: words.slice(rest), atSpanStart: false, atSpanEnd: true, titled: false },
        pending,
      );
    return;
  }

  // "Russia President Vladimir Putin": the part after the last title is a person, the part before
  // is classified on its own. A title followed by an organisation ending is no title ("Justice Department").
  const title = lastTitle(words);
  if (title) {
    const [titleStart, nameStart] = title;
    const lastWord = (words[words.length - 1] as Word).lower;
    const atSpanStart = start === 0;
    if (nameStart < words.length && !ORG_ENDINGS.has(lastWord)) {
      if (titleStart > 0)
        classifyPart(
          collector,
          span,
          { words: words.slice(0, titleStart), atSpanStart, atSpanEnd: false, titled: false },
          pending,
        );
      classifyPart(
        collector,
        span,
        { words: words.slice(nameStart), atSpanStart: false, atSpanEnd: true, titled: true },
        pending,
      );
      return;
    }
    if (nameStart >= words.length) {
      // A bare title ("the Prime Minister"): only what precedes it may be a name.
      if (titleStart > 0)
        classifyPart(
          collector,
          span,
          { words: words.slice(0, titleStart), atSpanStart, atSpanEnd: false, titled: false },
          pending,
        );
      return;
    }
  }
  classifyPart(
    collector,
    span,
    { words, atSpanStart: start === 0, atSpanEnd: true, titled: false, checked: true },
    pending,
  );
}

/** Whether the words name a known organisation or place, or have an organisation's shape. */
function namesOrganisationOrPlace(words: readonly Word[]): boolean {
  const surface = surfaceOf(words);
  const folded = foldedOf(words);
  if (knownOrganisation(surface, folded) || placeNamed(surface, folded)) return true;
  return words.length > 1 && ORG_ENDINGS.has((words[words.length - 1] as Word).lower);
}

/** What the organisation list or the gazetteer knows a run of words as (null: nothing). */
type KnownName =
  | { readonly kind: 'organisation'; readonly name: string }
  | { readonly kind: 'place'; readonly place: GazetteerPlace };

/**
 * The organisation or place a surface names, remembered for the rest of the text: a story repeats
 * its names, and each lookup folds the words and probes two large tables. The folded words are a
 * function of the surface (each word's text, spaces between), so the surface is the key.
 */
function knownName(collector: Collector, surface: string, words: readonly Word[]): KnownName | null {
  const remembered = collector.knownNames.get(surface);
  if (remembered !== undefined) return remembered;
  const folded = foldedOf(words);
  const organisation = knownOrganisation(surface, folded);
  let known: KnownName | null = null;
  if (organisation) known = { kind: 'organisation', name: organisation };
  else {
    const place = placeNamed(surface, folded);
    if (place) known = { kind: 'place', place };
  }
  collector.knownNames.set(surface, known);
  return known;
}

/** Known organisation or gazetteer place for the whole run of words; adds it and says so. */
function lookupWhole(collector: Collector, words: readonly Word[]): boolean {
  const surface = surfaceOf(words);
  const alias =
    words.length === 1 && collector.aliases.size > 0 && (words[0] as Word).allCapitals
      ? collector.aliases.get(surface.replaceAll('.', ''))
      : undefined;
  if (alias) {
    collector.add(alias.kind, words, { name: alias.name, ...(alias.uri ? { uri: alias.uri } : {}) });
    return true;
  }
  const known = knownName(collector, surface, words);
  if (!known) return false;
  if (known.kind === 'organisation') collector.add('organisation', words, { name: known.name });
  else collector.add('place', words, known.place);
  return true;
}

const isNationality = (folded: string) => DEMONYMS.has(folded) || isDemonym(folded);

/** [first word of the title phrase, first word after it] for the last title among the words. */
function lastTitle(words: readonly Word[]): [number, number] | undefined {
  for (let index = words.length - 1; index >= 0; index--) {
    if (!TITLES.has((words[index] as Word).lower)) continue;
    let nameStart = index + 1;
    // "Secretary of State Rex W. Tillerson": "of" and up to two words belong to the title.
    if (words[nameStart]?.lower === 'of') {
      let cursor = nameStart + 1;
      while (cursor < words.length - 1 && cursor < nameStart + 3) {
        const word = words[cursor] as Word;
        if (isFirstName(word.folded) || word.initial || words[cursor + 1]?.initial) break;
        cursor++;
      }
      nameStart = cursor;
    }
    let titleStart = index;
    while (titleStart > 0) {
      const before = (words[titleStart - 1] as Word).folded;
      if (!MODIFIERS.has(before) && !TITLES.has(before) && !isNationality(before)) break;
      titleStart--;
    }
    return [titleStart, nameStart];
  }
  return undefined;
}

function classifyPart(collector: Collector, span: readonly Word[], part: Part, pending: Pending[]): void {
  let { words } = part;
  if (!part.checked && lookupWhole(collector, words)) return;
  // Endings first: "Scottish National Party" keeps its nationality word.
  if (organisationByShape(collector, words)) return;
  // Leading nationality adjectives ("Syrian", "British"), sentence words, player positions ("G Kirk
  // Hinrich") and hyphenated common words ("All-Stars Dwyane Wade") never start a name.
  while (words.length > 1 && !part.titled) {
    const first = words[0] as Word;
    // The part before a hyphen, without splitting into an array: this runs for most candidates.
    const dash = first.folded.indexOf('-');
    const junk =
      isNationality(first.folded) ||
      SENTENCE.has(first.folded) ||
      (dash >= 0 && SENTENCE.has(first.folded.slice(0, dash))) ||
      (first.text.length === 1 && !first.initial);
    if (!junk) break;
    words = words.slice(1);
    part = { words, atSpanStart: false, atSpanEnd: part.atSpanEnd, titled: part.titled };
    if (lookupWhole(collector, words)) return;
  }
  const length = words.length;
  const firstWord = words[0] as Word;
  const lastWord = words[length - 1] as Word;
  if (length === 1 && (CALENDAR.has(firstWord.lower) || TITLES.has(firstWord.lower))) return;

  if (part.titled) {
    collector.add('person', words);
    return;
  }
  if (length > 1 && PLACE_END.has(lastWord.lower)) {
    collector.add('place', words);
    return;
  }
  if (length > 1 && length <= 3 && cityTeam(collector, words)) return;
  const before = collector.before(part, span);
  const givenName = isFirstName(firstWord.folded);
  // "in Khan Sheikhoun": a place preposition beats a given-name guess ("Khan" is one).
  if (
    !lastWord.possessive &&
    placeCueBefore(collector.scanner, part, span, true) &&
    placeShaped(words) &&
    !isLastName(lastWord.folded)
  ) {
    pending.push({
      words,
      atSpanStart: part.atSpanStart,
      atSpanEnd: part.atSpanEnd,
      titled: part.titled,
      span,
    });
    return;
  }
  if (ROLES.has(before) && (length > 1 || givenName || !firstWord.sentenceStart) && looksLikeName(words)) {
    collector.add('person', words);
    return;
  }
  if (length > 1 && length <= 4 && looksLikePersonName(words, givenName)) {
    collector.add('person', words);
    return;
  }
  pending.push({
    words,
    atSpanStart: part.atSpanStart,
    atSpanEnd: part.atSpanEnd,
    titled: part.titled,
    span,
  });
}

/** "Scottish National Party", "Bank of England", "European Court of Justice". */
function organisationByShape(collector: Collector, words: readonly Word[]): boolean {
  const length = words.length;
  if (length < 2) return false;
  if (ORG_ENDINGS.has((words[length - 1] as Word).lower)) {
    collector.add('organisation', words);
    return true;
  }
  for (let index = 0; index < length - 1; index++) {
    const word = (words[index] as Word).lower;
    if ((ORG_OPENINGS.has(word) || ORG_ENDINGS.has(word)) && words[index + 1]?.lower === 'of') {
      collector.add('organisation', words);
      return true;
    }
  }
  return false;
}

/** "Miami Heat", "Atlanta Hawks": a known place followed by a name word is a club or a company. */
function cityTeam(collector: Collector, words: readonly Word[]): boolean {
  for (let split = words.length - 1; split > 0; split--) {
    const head = (words[split] as Word).lower;
    if (NOT_ORG_HEADS.has(head) || TITLES.has(head) || head === 'city') return false;
    const place = placeNamed(surfaceOf(words.slice(0, split)), foldedOf(words.slice(0, split)));
    if (!place) continue;
    if (isFirstName((words[split] as Word).folded) || (words[split] as Word).allCapitals) return false;
    collector.add('organisation', words);
    return true;
  }
  return false;
}

function looksLikePersonName(words: readonly Word[], givenName: boolean): boolean {
  const last = words[words.length - 1] as Word;
  if (last.initial || !looksLikeName(words)) return false;
  if (givenName) return true;
  if (isLastName(last.folded)) return true;
  // "Rex W. Tillerson": a middle initial.
  for (let index = 1; index < words.length - 1; index++) if ((words[index] as Word).initial) return true;
  return false;
}

/** Name-shaped: no acronyms or all-capital words, no nationality adjectives, calendar or title words. */
function looksLikeName(words: readonly Word[]): boolean {
  for (const word of words) {
    if (
      word.allCapitals ||
      isNationality(word.folded) ||
      CALENDAR.has(word.folded) ||
      SENTENCE.has(word.folded)
    )
      return false;
    if (ORG_ENDINGS.has(word.folded) || TITLES.has(word.folded)) return false;
  }
  return true;
}

/** A speech verb right after the part, adverbs such as "also" or "meanwhile" allowed between. */
function speechAfter(scanner: TextScanner, part: Part): boolean {
  if (!part.atSpanEnd) return false;
  let offset = (part.words[part.words.length - 1] as Word).end;
  for (let step = 0; step < 3; step++) {
    const word = scanner.wordAfter(offset);
    if (SPEECH.has(word)) return true;
    if (!FILLERS.has(word)) return false;
    offset = scanner.afterEnd;
  }
  return false;
}

/** `... said Merkel.` */
function speechBefore(scanner: TextScanner, part: Part, before: string): boolean {
  if (!part.atSpanEnd || !SPEECH.has(before)) return false;
  const after = scanner.wordAfter((part.words[part.words.length - 1] as Word).end);
  return after === '' || !LETTER.test(after.charAt(0));
}

const STRONG_PLACE_PREPS = new Set(['in', 'near', 'outside', 'inside', 'throughout']);

/** Place cues before a sequence: a strong place preposition, any place preposition, "the town of". */
const PLACE_CUE_STRONG = 1;
const PLACE_CUE_ANY = 2;
const PLACE_CUE_OF_NOUN = 4;

/**
 * "in Khan Sheikhoun", "near Idlib", "in southern Chechnya", "the town of Tal Abyad". `strong`
 * keeps only the cues that beat a given-name guess ("from" and "towards" also come before people).
 */
function placeCueBefore(scanner: TextScanner, part: Part, span: readonly Word[], strong = false): boolean {
  if (!part.atSpanStart) return false;
  const first = span[0] as Word;
  if (first.placeCues < 0) {
    let word = scanner.wordBefore(first.start);
    for (let step = 0; step < 2 && PLACE_QUALS.has(word); step++)
      word = scanner.wordBefore(scanner.beforeStart);
    const at = scanner.beforeStart;
    first.placeCues =
      (STRONG_PLACE_PREPS.has(word) ? PLACE_CUE_STRONG : 0) |
      (PLACE_PREPS.has(word) ? PLACE_CUE_ANY : 0) |
      (word === 'of' && PLACE_OF_NOUNS.has(scanner.wordBefore(at)) ? PLACE_CUE_OF_NOUN : 0);
  }
  return (first.placeCues & ((strong ? PLACE_CUE_STRONG : PLACE_CUE_ANY) | PLACE_CUE_OF_NOUN)) !== 0;
}

/** Could this be a place name at all (not "English", "Parliament", "Islamism")? */
function placeShaped(words: readonly Word[]): boolean {
  for (const word of words) {
    if (isNationality(word.folded) || ORG_ENDINGS.has(word.folded) || TITLES.has(word.folded)) return false;
    if (word.allCapitals || CALENDAR.has(word.folded) || SENTENCE.has(word.folded)) return false;
  }
  return !/(?:ism|ist|ists|ian|ians|ese|ish)$/.test((words[words.length - 1] as Word).folded);
}

function resolvePending(collector: Collector, pending: readonly Pending[]): void {
  const { scanner } = collector;
  // Words seen alone somewhere: "Deng" makes "Luol Deng" a person.
  const alone = new Set<string>();
  for (const part of pending) if (part.words.length === 1) alone.add((part.words[0] as Word).folded);
  for (const entity of collector.entities.values())
    if (entity.words.length === 1) alone.add(entity.words[0] as string);

  const singles: Pending[] = [];
  for (const part of pending) {
    if (part.words.length === 1) {
      singles.push(part);
      continue;
    }
    const last = (part.words[part.words.length - 1] as Word).folded;
    if (placeCueBefore(scanner, part, part.span) && placeShaped(part.words)) {
      collector.add('place', part.words);
    } else if (looksLikeName(part.words) && (alone.has(last) || speechAfter(scanner, part))) {
      collector.add('person', part.words);
    }
  }

  // People named by a speech verb first, so that their other mentions can link to them.
  const unresolved: Pending[] = [];
  for (const part of singles) {
    const word = part.words[0] as Word;
    if (collector.personWithLastName(word.folded) || collector.organisationEndingWith(word.folded)) {
      unresolved.push(part);
      continue;
    }
    const before = collector.before(part, part.span);
    const speaking = speechAfter(scanner, part) || speechBefore(scanner, part, before);
    if (speaking && looksLikeName(part.words)) {
      collector.add('person', part.words);
      continue;
    }
    unresolved.push(part);
  }
  for (const part of unresolved) {
    const word = part.words[0] as Word;
    const person =
      collector.personWithLastName(word.folded) ?? collector.entities.get(`person:${word.folded}`);
    if (person) {
      person.mentions++;
      continue;
    }
    const organisation = collector.organisationEndingWith(word.folded);
    if (organisation) {
      organisation.mentions++;
      continue;
    }
    if (placeCueBefore(scanner, part, part.span) && placeShaped(part.words))
      collector.add('place', part.words);
  }
}

/** "Putin" alone and "Vladimir Putin" are one person: fold one-word people into the full name. */
function mergeSurnames(collector: Collector): void {
  for (const entity of [...collector.entities.values()]) {
    if (entity.kind !== 'person' || entity.words.length !== 1) continue;
    const full = collector.personWithLastName(entity.words[0] as string, entity);
    if (!full) continue;
    full.mentions += entity.mentions;
    collector.entities.delete(entity.key);
  }
  // "Rex Tillerson" and "Rex W. Tillerson" already share a key (initials are not part of it).
}

// --- Byline, dateline, output -------------------------------------------------------------------

/**
 * What separates the names in a byline. The pieces are trimmed after the split: `\s*` on both
 * sides of the separator would rescan a run of blanks from each of its characters (quadratic).
 */
const BYLINE_SEPARATOR = /,|;|\(|\/|\bfor\b|\band\b|&/u;
/** The same, and a closing parenthesis (`Jane Doe (Reuters)`). */
const BYLINE_PIECE_SEPARATOR = /,|;|\(|\)|\/|\bfor\b|\band\b|&/u;

/** The person named in a byline, without the agency (`Jane Doe, Reuters` -> `Jane Doe`). */
export function authorOf(byline: string): string {
  const first = byline
    .replace(/^\s*by\s+/i, '')
    .split(BYLINE_SEPARATOR)[0]
    ?.trim();
  return first || byline.trim();
}

/** Everyone a byline names: people, and the agency as an organisation. */
/** Words that make a byline piece a newsroom or a publication ("Network News Online"). */
const BYLINE_ORGANISATION_WORDS = new Set([
  'online',
  'media',
  'newsroom',
  'desk',
  'wire',
  'wires',
  'magazine',
  'radio',
  'tv',
  'television',
  'daily',
  'weekly',
]);

function bylineParts(byline: string): { people: string[]; agencies: string[] } {
  const people: string[] = [];
  const agencies: string[] = [];
  const pieces = byline
    .replace(/^\s*by\s+/i, '')
    .split(BYLINE_PIECE_SEPARATOR)
    .map((piece) => piece.trim())
    .filter(Boolean);
  for (const piece of pieces) {
    const folded = foldName(piece);
    const organisation = knownOrganisation(piece, folded);
    if (organisation) {
      agencies.push(organisation);
      continue;
    }
    // "AP Sports Writer", "Reuters staff": the agency is the first word, the rest a job.
    const firstWord = piece.split(/\s+/)[0] as string;
    const agency = AGENCIES.has(foldName(firstWord))
      ? knownOrganisation(firstWord, foldName(firstWord))
      : undefined;
    if (agency && /\b(?:writer|correspondent|reporter|editor|staff|photographer)s?$/i.test(piece)) {
      agencies.push(agency);
      continue;
    }
    if (/\b(?:writer|correspondent|reporter|editor|staff|photographer)s?$/i.test(piece)) continue;
    const words = piece.split(/\s+/);
    // "NITF Network News Online": a newsroom, not a person.
    if (
      words.some(
        (word) => ORG_ENDINGS.has(word.toLowerCase()) || BYLINE_ORGANISATION_WORDS.has(word.toLowerCase()),
      )
    ) {
      agencies.push(piece);
      continue;
    }
    const shouted = words.every((word) => word === word.toUpperCase());
    const nameShaped = words.every((word) =>
      /^(?:\p{Lu}|\p{Ll}{1,3}['’]\p{Lu}|(?:de|da|del|della|la|le|du|di|van|von|der|den|ter|al|el|bin|ibn)$)/u.test(
        word,
      ),
    );
    if (
      words.length <= 5 &&
      nameShaped &&
      (shouted || !words.some((word) => word.length > 1 && word === word.toUpperCase()))
    ) {
      people.push(piece);
    }
  }
  return { people, agencies };
}

/** A person a byline names: the name as written, its folded words (initials left out) and entity key. */
interface BylinePerson {
  readonly name: string;
  readonly words: readonly string[];
  readonly key: string;
  readonly joined: string;
}

interface BylineNames {
  readonly people: readonly BylinePerson[];
  readonly agencies: readonly string[];
}

/**
 * What bylines already seen name: a feed repeats its writers' bylines article after article, and
 * splitting one takes a dozen regular expressions and organisation lookups (~5 µs). A function of
 * the byline alone, only read (the words are shared by the entities made from them, never
 * changed). Bounded: emptied when full.
 */
const bylineMemo = new Map<string, BylineNames>();
const BYLINE_MEMO_SIZE = 1000;

function bylineNames(byline: string): BylineNames {
  let names = bylineMemo.get(byline);
  if (names) return names;
  const { people, agencies } = bylineParts(byline);
  names = {
    people: people.map((name) => {
      const words = name
        .split(/\s+/)
        .filter((word) => !/^\p{Lu}\.$/u.test(word))
        .map((word) => foldName(word));
      const joined = words.join(' ');
      return { name, words, key: `person:${joined}`, joined };
    }),
    agencies,
  };
  if (bylineMemo.size >= BYLINE_MEMO_SIZE) bylineMemo.clear();
  bylineMemo.set(byline, names);
  return names;
}

function addByline(collector: Collector, byline: string | undefined): Set<Entity> {
  const authors = new Set<Entity>();
  if (!byline) return authors;
  const { people, agencies } = bylineNames(byline);
  for (const { name, words, key, joined } of people) {
    const author = collector.entities.get(key) ?? collector.personWithLastName(words[words.length - 1] ?? '');
    if (author && author.words.join(' ') === joined) {
      author.rel = 'author';
      authors.add(author);
      continue;
    }
    const entity: Entity = { kind: 'person', name, key, words, mentions: 1, first: -1, rel: 'author' };
    collector.entities.set(key, entity);
    authors.add(entity);
  }
  for (const name of agencies) {
    const key = `organisation:${foldName(name)}`;
    if (!collector.entities.has(key)) {
      collector.entities.set(key, {
        kind: 'organisation',
        name,
        key,
        words: [foldName(name)],
        mentions: 1,
        first: -1,
      });
    }
  }
  return authors;
}

/** The dateline's place ("Sochi, Russia") is where the story comes from: add what the gazetteer knows. */
function addLocated(collector: Collector, located: string | undefined): void {
  if (!located) return;
  for (const piece of located.split(',')) {
    const name = piece.trim();
    const place = name ? placeNamed(name) : undefined;
    if (!place) continue;
    const key = `place:${place.uri ?? foldName(place.name)}`;
    const known = collector.entities.get(key);
    if (known) known.mentions++;
    else
      collector.entities.set(key, {
        kind: 'place',
        name: place.name,
        key,
        ...(place.uri ? { uri: place.uri } : {}),
        words: [foldName(place.name)],
        mentions: 1,
        first: -1,
      });
  }
}

function output(collector: Collector, authors: ReadonlySet<Entity>): FoundEntities {
  const ranked = [...collector.entities.values()].sort(
    (a, b) => b.mentions - a.mentions || a.first - b.first,
  );
  const people: Party[] = [];
  const organisations: Party[] = [];
  const places: Place[] = [];
  for (const entity of ranked) {
    const item: Party = { name: entity.name };
    if (entity.rel) item.rel = entity.rel;
    if (entity.uri) item.uri = entity.uri;
    const list = entity.kind === 'person' ? people : entity.kind === 'place' ? places : organisations;
    if (list.length < MAX_PER_KIND) list.push(item);
  }
  const provenance: Record<string, Provenance> = {};
  const foundInText = people.length > authors.size;
  if (people.length > 0) {
    provenance.people = foundInText
      ? { rule: 'entity-rules', confidence: 75 }
      : { rule: 'byline-author', confidence: 80 };
  }
  if (organisations.length > 0) provenance.organisations = { rule: 'entity-rules', confidence: 70 };
  if (places.length > 0) provenance.places = { rule: 'gazetteer-and-cues', confidence: 85 };
  return { people, organisations, places, provenance };
}
