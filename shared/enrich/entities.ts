/**
 * Named entities (people, organisations, places) found in an article's plain text.
 *
 * Why rules and gazetteers rather than a model: no offline NER model exists on npm, and compromise
 * (the closest thing) runs at 30-40 articles/s where the normaliser needs thousands. This finder
 * tokenises once, takes capitalised sequences as candidates and classifies them with:
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
import type { Provenance } from '../formats/parts.js';
import type { Party, Place } from '../ninjs/types.js';
import { foldName, isDemonym, isFirstName, isLastName, isListedOrganisation, placeNamed } from './gazetteer.js';
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
const NOT_ORG_HEADS = lowerSet(NOT_ORGANISATION_HEADS);
const SENTENCE = lowerSet(SENTENCE_WORDS);
const CALENDAR = lowerSet(CALENDAR_WORDS);
const DEMONYMS = foldedSet(EXTRA_DEMONYMS);
const AGENCIES = foldedSet(NEWS_AGENCIES);
const KNOWN_ORGS = foldedSet([...KNOWN_ORGANISATIONS, ...NEWS_AGENCIES]);
/** Lower-case words allowed inside a name ("Bank of England", "Ana de la Cruz", "Bashar al-Assad"). */
const CONNECTORS = new Set(['of', 'de', 'del', 'della', 'da', 'di', 'du', 'des', 'la', 'le', 'van', 'von', 'der', 'den', 'ter', 'bin', 'ibn', 'al', 'el', 'y']);
/** Abbreviations whose full stop does not end the sentence. */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'mt', 'ft', 'gen', 'sen', 'rep', 'gov', 'lt', 'col', 'capt', 'sgt', 'maj', 'adm', 'jr', 'sr', 'inc', 'corp', 'ltd', 'co', 'no', 'vs', 'messrs', 'rev', 'hon']);

// --- Tokens -------------------------------------------------------------------------------------

type Kind = 'word' | 'acronym' | 'number' | 'punct';

interface Token {
  /** As written, with an abbreviation's or initial's full stop, without a possessive 's. */
  readonly text: string;
  /** Lower case, without full stops: what word lists are compared with. */
  readonly lower: string;
  readonly kind: Kind;
  /** Starts with a capital letter (or is `al-Assad`-style), i.e. may be part of a name. */
  readonly capital: boolean;
  readonly sentenceStart: boolean;
  readonly possessive: boolean;
  /** A single capital with a full stop ("W."). */
  readonly initial: boolean;
}

const TOKEN_PATTERN =
  /(\p{Lu}\.(?:\p{Lu}\.)+)|([\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{M}\p{N}]+)*)|(\p{N}[\p{N}.,:]*)|([^\s\p{L}\p{N}])/gu;
const CAPITAL_START = /^(?:\p{Lu}|(?:al|el|ad|as|ash|at|ar|an|bin|ibn|abu|abd|de|da|di|van|von|le|la|mc|o)[-’']\p{Lu})/u;
const SENTENCE_END = new Set(['.', '!', '?', ':', '…']);

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  let atStart = true;
  let previousEnd = 0;
  TOKEN_PATTERN.lastIndex = 0;
  for (let match = TOKEN_PATTERN.exec(text); match; match = TOKEN_PATTERN.exec(text)) {
    const index = match.index;
    // A paragraph break starts a new sentence even without punctuation (headings, lists).
    for (let at = previousEnd; at < index; at++) {
      if (text.charCodeAt(at) === 10) {
        atStart = true;
        break;
      }
    }
    let raw = match[0];
    previousEnd = index + raw.length;
    if (match[4] !== undefined) {
      if (SENTENCE_END.has(raw)) atStart = true;
      tokens.push({ text: raw, lower: raw, kind: 'punct', capital: false, sentenceStart: false, possessive: false, initial: false });
      continue;
    }
    if (match[3] !== undefined) {
      tokens.push({ text: raw, lower: raw, kind: 'number', capital: false, sentenceStart: atStart, possessive: false, initial: false });
      atStart = false;
      continue;
    }
    if (match[1] !== undefined) {
      tokens.push({ text: raw, lower: raw.replaceAll('.', '').toLowerCase(), kind: 'acronym', capital: true, sentenceStart: atStart, possessive: false, initial: false });
      atStart = false;
      continue;
    }
    let possessive = false;
    const last = raw.charCodeAt(raw.length - 1);
    if ((last === 115 || last === 83) && raw.length > 2) {
      const apostrophe = raw.charCodeAt(raw.length - 2);
      if (apostrophe === 39 || apostrophe === 0x2019) {
        raw = raw.slice(0, -2);
        possessive = true;
      }
    }
    const lower = raw.toLowerCase();
    const capital = CAPITAL_START.test(raw);
    let initial = false;
    let textWithStop = raw;
    if (!possessive && text.charCodeAt(previousEnd) === 46) {
      // "W." and "Mr." keep their full stop; it does not end the sentence.
      if ((raw.length === 1 && capital) || ABBREVIATIONS.has(lower)) {
        initial = raw.length === 1;
        textWithStop = `${raw}.`;
        previousEnd++;
        TOKEN_PATTERN.lastIndex = previousEnd;
      }
    }
    tokens.push({ text: textWithStop, lower, kind: 'word', capital, sentenceStart: atStart, possessive, initial });
    atStart = false;
  }
  return tokens;
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

/** A capitalised sequence still to be decided, with what stands around it. */
interface Part {
  readonly start: number;
  readonly end: number;
  readonly titled: boolean;
}

class Collector {
  readonly entities = new Map<string, Entity>();
  /** Acronyms defined in the text ("Scottish National Party (SNP)") -> the entity they stand for. */
  readonly aliases = new Map<string, Entity>();
  constructor(readonly tokens: readonly Token[]) {}

  surface(start: number, end: number): string {
    let text = '';
    for (let index = start; index < end; index++) {
      const token = this.tokens[index] as Token;
      text += index === start ? token.text : ` ${token.text}`;
    }
    return text;
  }

  wordsOf(start: number, end: number): string[] {
    const words: string[] = [];
    for (let index = start; index < end; index++) {
      const token = this.tokens[index] as Token;
      if (!token.initial) words.push(foldName(token.lower));
    }
    return words;
  }

  add(kind: EntityKind, start: number, end: number, found?: { name: string; uri?: string }): Entity {
    const surface = this.surface(start, end);
    const words = this.wordsOf(start, end);
    // Places and organisations from a gazetteer share one entry whatever the alias used.
    const key = `${kind}:${found?.uri ?? (found ? foldName(found.name) : words.join(' '))}`;
    const known = this.entities.get(key);
    if (known) {
      known.mentions++;
      if (kind === 'person') known.name = betterName(known.name, surface);
      return known;
    }
    const entity: Entity = { kind, name: found?.name ?? surface, key, words, mentions: 1, first: start, ...(found?.uri ? { uri: found.uri } : {}) };
    this.entities.set(key, entity);
    this.noteAcronym(entity, end);
    return entity;
  }

  /** `Long Name (LN)`: the acronym names the same entity from then on. */
  noteAcronym(entity: Entity, end: number): void {
    const open = this.tokens[end];
    const acronym = this.tokens[end + 1];
    const close = this.tokens[end + 2];
    if (open?.text !== '(' || close?.text !== ')' || !acronym) return;
    if (acronym.kind === 'acronym' || (acronym.kind === 'word' && acronym.text === acronym.text.toUpperCase() && acronym.text.length > 1)) {
      this.aliases.set(acronym.text.replaceAll('.', ''), entity);
    }
  }

  /** People whose last name is `word`, the most mentioned first. */
  personWithLastName(word: string, skip?: Entity): Entity | undefined {
    let best: Entity | undefined;
    for (const entity of this.entities.values()) {
      if (entity.kind !== 'person' || entity === skip || entity.words.length < 2) continue;
      if (entity.words[entity.words.length - 1] !== word) continue;
      if (!best || entity.mentions > best.mentions) best = entity;
    }
    return best;
  }

  organisationEndingWith(word: string): Entity | undefined {
    for (const entity of this.entities.values()) {
      if (entity.kind === 'organisation' && entity.words.length > 1 && entity.words[entity.words.length - 1] === word) return entity;
    }
    return undefined;
  }
}

/** Of two spellings of one person, the longer, and of equal ones the one with diacritics ("Erdoğan"). */
function betterName(current: string, candidate: string): string {
  if (candidate.length !== current.length) return candidate.length > current.length ? candidate : current;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the whole ASCII set
  return /[^\x00-\x7f]/.test(candidate) && !/[^\x00-\x7f]/.test(current) ? candidate : current;
}

// --- Candidates ---------------------------------------------------------------------------------

function isNameToken(token: Token | undefined): boolean {
  return !!token && (token.kind === 'word' || token.kind === 'acronym') && token.capital;
}

/** Capitalised sequences: [start, end) token ranges, possessives closing them. */
function candidateSpans(tokens: readonly Token[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    if (!isNameToken(token) || CALENDAR.has(token.lower)) {
      index++;
      continue;
    }
    let end = index + 1;
    let previous = token;
    while (end < tokens.length && !previous.possessive) {
      const next = tokens[end] as Token;
      if (isNameToken(next) && !next.sentenceStart) {
        // "May" after a given name is a surname ("Theresa May"), otherwise a month.
        if (CALENDAR.has(next.lower) && !isFirstName(foldName(previous.lower))) break;
        previous = next;
        end++;
        continue;
      }
      if (next.kind === 'word' && CONNECTORS.has(next.text)) {
        const after = tokens[end + 1];
        const afterThe = after?.lower === 'the' ? tokens[end + 2] : after;
        if (isNameToken(afterThe) && !afterThe?.sentenceStart) {
          end += after === afterThe ? 1 : 2;
          continue;
        }
      }
      break;
    }
    spans.push([index, end]);
    index = end;
  }
  return spans;
}

// --- Classification ------------------------------------------------------------------------------

interface Pending extends Part {
  readonly single: boolean;
}

export function findEntities(text: string, context: EntityContext): FoundEntities {
  const english = !context.language || context.language.toLowerCase().startsWith('en');
  const tokens = tokenise(text);
  const collector = new Collector(tokens);
  const pending: Pending[] = [];

  for (const [spanStart, spanEnd] of candidateSpans(tokens)) {
    classifySpan(collector, spanStart, spanEnd, english, pending);
  }
  if (english) resolvePending(collector, pending);
  mergeSurnames(collector);
  const authors = addByline(collector, context.byline);
  addLocated(collector, context.located);
  return output(collector, authors);
}

function classifySpan(collector: Collector, spanStart: number, spanEnd: number, english: boolean, pending: Pending[]): void {
  const { tokens } = collector;
  let start = spanStart;
  // Sentence-initial ordinary words ("But", "The", "Instead") are not part of a name.
  while (start < spanEnd) {
    const token = tokens[start] as Token;
    if (!(SENTENCE.has(token.lower) && (token.sentenceStart || token.lower === 'the'))) break;
    if (lookupWhole(collector, start, spanEnd)) return;
    start++;
  }
  if (start >= spanEnd) return;
  if (lookupWhole(collector, start, spanEnd)) return;
  if (!english) return;

  // "Russia President Vladimir Putin": the part after the last title is a person, the part before
  // is classified on its own. A title followed by an organisation ending is no title ("Justice Department").
  const title = lastTitle(tokens, start, spanEnd);
  if (title) {
    const [titleStart, nameStart] = title;
    const lastWord = (tokens[spanEnd - 1] as Token).lower;
    if (nameStart < spanEnd && !ORG_ENDINGS.has(lastWord)) {
      if (titleStart > start) classifyPart(collector, { start, end: titleStart, titled: false }, pending);
      classifyPart(collector, { start: nameStart, end: spanEnd, titled: true }, pending);
      return;
    }
    if (nameStart >= spanEnd) {
      // A bare title ("the Prime Minister"): only what precedes it may be a name.
      if (titleStart > start) classifyPart(collector, { start, end: titleStart, titled: false }, pending);
      return;
    }
  }
  classifyPart(collector, { start, end: spanEnd, titled: false }, pending);
}

/** Known organisation or gazetteer place for the whole range; adds it and says so. */
function lookupWhole(collector: Collector, start: number, end: number): boolean {
  const surface = collector.surface(start, end);
  const folded = foldName(surface);
  const alias = end - start === 1 ? collector.aliases.get(surface.replaceAll('.', '')) : undefined;
  if (alias) {
    collector.add(alias.kind, start, end, { name: alias.name, ...(alias.uri ? { uri: alias.uri } : {}) });
    return true;
  }
  if (KNOWN_ORGS.has(folded) || isListedOrganisation(folded)) {
    collector.add('organisation', start, end);
    return true;
  }
  const place = placeNamed(surface, folded);
  if (place) {
    collector.add('place', start, end, place);
    return true;
  }
  return false;
}

/** [first token of the title phrase, first token after it] for the last title in the range. */
function lastTitle(tokens: readonly Token[], start: number, end: number): [number, number] | undefined {
  for (let index = end - 1; index >= start; index--) {
    const token = tokens[index] as Token;
    if (!TITLES.has(token.lower.replace(/\.$/, ''))) continue;
    let nameStart = index + 1;
    // "Secretary of State Rex W. Tillerson": "of" and up to two words belong to the title.
    if (tokens[nameStart]?.lower === 'of' && nameStart < end) {
      let cursor = nameStart + 1;
      let taken = 0;
      while (cursor < end - 1 && taken < 2) {
        const word = tokens[cursor] as Token;
        const next = tokens[cursor + 1] as Token;
        if (isFirstName(foldName(word.lower)) || word.initial || next.initial) break;
        cursor++;
        taken++;
      }
      nameStart = cursor;
    }
    let titleStart = index;
    while (titleStart > start) {
      const before = tokens[titleStart - 1] as Token;
      const lower = foldName(before.lower);
      if (!MODIFIERS.has(lower) && !TITLES.has(lower) && !DEMONYMS.has(lower) && !isDemonym(lower)) break;
      titleStart--;
    }
    return [titleStart, nameStart];
  }
  return undefined;
}

function classifyPart(collector: Collector, part: Part, pending: Pending[]): void {
  const { tokens } = collector;
  let { start } = part;
  const { end, titled } = part;
  // Leading nationality adjectives ("Syrian", "British") never start a name.
  while (end - start > 1) {
    const first = foldName((tokens[start] as Token).lower);
    if (!DEMONYMS.has(first) && !isDemonym(first) && !SENTENCE.has(first)) break;
    if (lookupWhole(collector, start, end)) return;
    start++;
  }
  if (lookupWhole(collector, start, end)) return;
  const length = end - start;
  const firstToken = tokens[start] as Token;
  const lastToken = tokens[end - 1] as Token;
  if (length === 1 && (CALENDAR.has(firstToken.lower) || TITLES.has(firstToken.lower))) return;

  if (titled) {
    collector.add('person', start, end);
    return;
  }
  if (length > 1 && ORG_ENDINGS.has(lastToken.lower)) {
    collector.add('organisation', start, end);
    return;
  }
  for (let index = start; index < end - 1; index++) {
    const word = (tokens[index] as Token).lower;
    if ((ORG_OPENINGS.has(word) || ORG_ENDINGS.has(word)) && tokens[index + 1]?.lower === 'of') {
      collector.add('organisation', start, end);
      return;
    }
  }
  if (length > 1 && PLACE_END.has(lastToken.lower)) {
    collector.add('place', start, end);
    return;
  }
  if (length > 1 && length <= 3 && cityTeam(collector, start, end)) return;
  const before = tokens[start - 1];
  const givenName = isFirstName(foldName(firstToken.lower));
  if (before?.kind === 'word' && ROLES.has(before.lower) && (length > 1 || givenName || !firstToken.sentenceStart)) {
    collector.add('person', start, end);
    return;
  }
  if (length > 1 && length <= 4 && looksLikePersonName(tokens, start, end, givenName)) {
    collector.add('person', start, end);
    return;
  }
  pending.push({ start, end, titled, single: length === 1 });
}

/** "Miami Heat", "Atlanta Hawks": a known place followed by a name word is a club or a company. */
function cityTeam(collector: Collector, start: number, end: number): boolean {
  const { tokens } = collector;
  for (let split = end - 1; split > start; split--) {
    const head = (tokens[split] as Token).lower;
    if (NOT_ORG_HEADS.has(head) || TITLES.has(head) || head === 'city') return false;
    const place = placeNamed(collector.surface(start, split));
    if (!place) continue;
    const rest = foldName(collector.surface(split, end));
    if (isFirstName(rest.split(' ')[0] ?? '')) return false;
    collector.add('organisation', start, end);
    return true;
  }
  return false;
}

function looksLikePersonName(tokens: readonly Token[], start: number, end: number, givenName: boolean): boolean {
  const last = tokens[end - 1] as Token;
  if (last.initial || last.kind === 'acronym') return false;
  for (let index = start; index < end; index++) {
    const token = tokens[index] as Token;
    // All-capital words are acronyms or shouted headings, not parts of names in running text.
    if (token.kind === 'acronym' || (token.text.length > 1 && token.text === token.text.toUpperCase())) return false;
  }
  if (givenName) return true;
  if (isLastName(foldName(last.lower))) return true;
  // "Rex W. Tillerson": a middle initial.
  for (let index = start + 1; index < end - 1; index++) if ((tokens[index] as Token).initial) return true;
  return false;
}

/** The next word after `index`, skipping adverbs such as "also" or "meanwhile". */
function speechAfter(tokens: readonly Token[], index: number): boolean {
  for (let cursor = index; cursor < tokens.length && cursor < index + 3; cursor++) {
    const token = tokens[cursor] as Token;
    if (token.kind !== 'word') return false;
    if (SPEECH.has(token.lower)) return true;
    if (!FILLERS.has(token.lower)) return false;
  }
  return false;
}

/** `... said Merkel.` */
function speechBefore(tokens: readonly Token[], start: number, end: number): boolean {
  const before = tokens[start - 1];
  const after = tokens[end];
  return !!before && SPEECH.has(before.lower) && (!after || after.kind === 'punct');
}

function placeCueBefore(tokens: readonly Token[], start: number): boolean {
  let cursor = start - 1;
  while (cursor >= 0 && PLACE_QUALS.has((tokens[cursor] as Token).lower)) cursor--;
  const word = tokens[cursor];
  if (!word || word.kind !== 'word') return false;
  if (PLACE_PREPS.has(word.lower)) return true;
  // "the town of Khan Sheikhoun", "the republic of Chechnya".
  return word.lower === 'of' && PLACE_OF_NOUNS.has(tokens[cursor - 1]?.lower ?? '');
}

/** Could this be a place name at all (not "English", "Parliament", "Islam")? */
function placeShaped(tokens: readonly Token[], start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const token = tokens[index] as Token;
    const folded = foldName(token.lower);
    if (DEMONYMS.has(folded) || isDemonym(folded) || ORG_ENDINGS.has(folded) || TITLES.has(folded)) return false;
    if (token.kind === 'acronym' || (token.text.length > 1 && token.text === token.text.toUpperCase())) return false;
  }
  const last = foldName((tokens[end - 1] as Token).lower);
  return !/(?:ism|ist|ists|ian|ians|ese|ish)$/.test(last);
}

function resolvePending(collector: Collector, pending: readonly Pending[]): void {
  const { tokens } = collector;
  // Words seen alone somewhere: "Deng" makes "Luol Deng" a person.
  const alone = new Set<string>();
  for (const part of pending) if (part.single) alone.add(foldName((tokens[part.start] as Token).lower));
  for (const entity of collector.entities.values()) if (entity.words.length === 1) alone.add(entity.words[0] as string);

  const singles: Pending[] = [];
  for (const part of pending) {
    if (part.single) {
      singles.push(part);
      continue;
    }
    const last = foldName((tokens[part.end - 1] as Token).lower);
    if (placeCueBefore(tokens, part.start) && placeShaped(tokens, part.start, part.end)) {
      collector.add('place', part.start, part.end);
    } else if (alone.has(last) && looksLikeName(tokens, part.start, part.end)) {
      collector.add('person', part.start, part.end);
    } else if (speechAfter(tokens, part.end) && looksLikeName(tokens, part.start, part.end)) {
      collector.add('person', part.start, part.end);
    }
  }

  // People named by a speech verb first, so that their other mentions can link to them.
  const unresolved: Pending[] = [];
  for (const part of singles) {
    const token = tokens[part.start] as Token;
    const word = foldName(token.lower);
    if (collector.personWithLastName(word) || collector.organisationEndingWith(word)) {
      unresolved.push(part);
      continue;
    }
    const speaking = speechAfter(tokens, part.end) || speechBefore(tokens, part.start, part.end);
    if (speaking && looksLikeName(tokens, part.start, part.end) && !placeNamed(token.text)) {
      collector.add('person', part.start, part.end);
      continue;
    }
    unresolved.push(part);
  }
  for (const part of unresolved) {
    const token = tokens[part.start] as Token;
    const word = foldName(token.lower);
    const person = collector.personWithLastName(word) ?? collector.entities.get(`person:${word}`);
    if (person) {
      person.mentions++;
      continue;
    }
    const organisation = collector.organisationEndingWith(word);
    if (organisation) {
      organisation.mentions++;
      continue;
    }
    if (placeCueBefore(tokens, part.start) && placeShaped(tokens, part.start, part.end)) {
      collector.add('place', part.start, part.end);
    }
  }
}

/** Name-shaped: no acronyms, no all-capital words, no nationality adjectives or calendar words. */
function looksLikeName(tokens: readonly Token[], start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const token = tokens[index] as Token;
    const folded = foldName(token.lower);
    if (token.kind === 'acronym' || (token.text.length > 1 && token.text === token.text.toUpperCase())) return false;
    if (DEMONYMS.has(folded) || isDemonym(folded) || CALENDAR.has(folded) || SENTENCE.has(folded)) return false;
    if (ORG_ENDINGS.has(folded) || TITLES.has(folded)) return false;
  }
  return true;
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

/** The person named in a byline, without the agency (`Jane Doe, Reuters` -> `Jane Doe`). */
export function authorOf(byline: string): string {
  const first = byline
    .replace(/^\s*by\s+/i, '')
    .split(/\s*(?:,|;|\(|\/|\bfor\b|\band\b|&)\s*/u)[0]
    ?.trim();
  return first || byline.trim();
}

/** Everyone a byline names: people, and the agency as an organisation. */
function bylineParts(byline: string): { people: string[]; agencies: string[] } {
  const people: string[] = [];
  const agencies: string[] = [];
  const pieces = byline
    .replace(/^\s*by\s+/i, '')
    .split(/\s*(?:,|;|\(|\)|\/|\bfor\b|\band\b|&)\s*/u)
    .map((piece) => piece.trim())
    .filter(Boolean);
  for (const piece of pieces) {
    const folded = foldName(piece);
    if (AGENCIES.has(folded) || KNOWN_ORGS.has(folded) || isListedOrganisation(folded)) {
      agencies.push(piece);
      continue;
    }
    // "AP Sports Writer", "Reuters staff": the agency is the first word, the rest a job.
    const firstWord = folded.split(' ')[0] ?? '';
    if (AGENCIES.has(firstWord) && /\b(?:writer|correspondent|reporter|editor|staff|photographer)s?$/i.test(piece)) {
      agencies.push(piece.split(/\s+/)[0] as string);
      continue;
    }
    if (/\b(?:writer|correspondent|reporter|editor|staff|photographer)s?$/i.test(piece)) continue;
    if (/^\p{Lu}/u.test(piece) && piece.split(/\s+/).length <= 5) people.push(piece);
  }
  return { people, agencies };
}

function addByline(collector: Collector, byline: string | undefined): Set<Entity> {
  const authors = new Set<Entity>();
  if (!byline) return authors;
  const { people, agencies } = bylineParts(byline);
  for (const name of people) {
    const words = name
      .split(/\s+/)
      .filter((word) => !/^\p{Lu}\.$/u.test(word))
      .map((word) => foldName(word));
    const key = `person:${words.join(' ')}`;
    const author = collector.entities.get(key) ?? collector.personWithLastName(words[words.length - 1] ?? '');
    if (author && author.words.join(' ') === words.join(' ')) {
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
      collector.entities.set(key, { kind: 'organisation', name, key, words: [foldName(name)], mentions: 1, first: -1 });
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
    else collector.entities.set(key, { kind: 'place', name: place.name, key, ...(place.uri ? { uri: place.uri } : {}), words: [foldName(place.name)], mentions: 1, first: -1 });
  }
}

function output(collector: Collector, authors: ReadonlySet<Entity>): FoundEntities {
  const ranked = [...collector.entities.values()].sort((a, b) => b.mentions - a.mentions || a.first - b.first);
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
    provenance.people = foundInText ? { rule: 'entity-rules', confidence: 75 } : { rule: 'byline-author', confidence: 80 };
  }
  if (organisations.length > 0) provenance.organisations = { rule: 'entity-rules', confidence: 70 };
  if (places.length > 0) provenance.places = { rule: 'gazetteer-and-cues', confidence: 85 };
  return { people, organisations, places, provenance };
}
