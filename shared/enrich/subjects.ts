/**
 * First-cut subject tagging: finds Media Topic labels in the English text of an article.
 *
 * Why this shape: partners filter on Media Topic codes, so every article needs some codes, and the
 * vocabulary's own labels are the only offline, licensed source of terms we have. A label counts
 * once per occurrence (plural -s accepted); multi-word labels weigh double because they are
 * specific. A concept needs a score of 2 to be kept, which drops one-off generic words.
 */
import { allMediaTopics, mediaTopic } from './mediatopics.js';

export interface SubjectMatch {
  readonly code: string;
  readonly name: string;
  /** 0-100, relative to the best match in the same article. */
  readonly relevance: number;
  /** 0-100, how sure the tagger is: grows with the number and specificity of label matches. */
  readonly confidence: number;
}

const MAX_PHRASE_WORDS = 4;
const MIN_SCORE = 2;
const MAX_SUBJECTS = 6;

/** What a phrase of the text (lower case) leads to: at most one lookup per word of the text. */
interface PhraseEntry {
  /** Media Topics whose label is this phrase, or this phrase without a plural -s. */
  readonly codes?: readonly string[];
  /** Some longer term starts with this phrase ("civil" for "civil war"): only such phrases are extended. */
  readonly prefix: boolean;
}

let phraseIndex: Map<string, PhraseEntry> | undefined;

function termsOf(label: string): string[] {
  const base = label
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const terms = new Set([base]);
  // "conflict, war and peace" lists separate topics; "rock and roll music" does not.
  if (base.includes(',')) {
    for (const part of base.split(/,| and /)) {
      const term = part.trim();
      if (term.length > 2) terms.add(term);
    }
  }
  return [...terms].filter((term) => term.split(' ').length <= MAX_PHRASE_WORDS);
}

/**
 * One table for the whole matching: each term, each term with a plural -s (unless that is a term
 * itself), and each word-prefix of a longer term, built once on first use.
 */
function index(): Map<string, PhraseEntry> {
  if (phraseIndex) return phraseIndex;
  const terms = new Map<string, string[]>();
  const prefixes = new Set<string>();
  for (const topic of allMediaTopics()) {
    const label = topic.labels.en;
    if (!label) continue;
    for (const term of termsOf(label)) {
      const words = term.split(' ');
      for (let length = 1; length < words.length; length++) prefixes.add(words.slice(0, length).join(' '));
      const codes = terms.get(term) ?? [];
      codes.push(topic.code);
      terms.set(term, codes);
    }
  }
  const entries = new Map<string, PhraseEntry>();
  for (const [term, codes] of terms) {
    entries.set(term, { codes, prefix: prefixes.has(term) });
    const plural = `${term}s`;
    if (!terms.has(plural)) entries.set(plural, { codes, prefix: prefixes.has(plural) });
  }
  for (const prefix of prefixes) if (!entries.has(prefix)) entries.set(prefix, { prefix: true });
  phraseIndex = entries;
  return entries;
}

/** Bits of the single-word phrase filter: 2^16, a few per cent full with the vocabulary's words. */
const FILTER_BITS = 16;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/**
 * Whether a word of the text may begin a phrase of the table: a one-hash Bloom filter over the
 * table's one-word phrases, on a hash of the word's code units computed from the text itself. Most
 * words of an article ("the", "said") begin no phrase; the filter rules them out without making a
 * string of them or probing the large phrase table (cache misses), which cost more than the scan.
 */
let phraseStarts: Uint32Array | undefined;

function hashOf(text: string, start: number, end: number): number {
  let hash = 0;
  for (let at = start; at < end; at++) hash = (Math.imul(hash, 31) + text.charCodeAt(at)) | 0;
  return (hash ^ (hash >>> FILTER_BITS)) & FILTER_MASK;
}

function startsFilter(): Uint32Array {
  if (phraseStarts) return phraseStarts;
  const bits = new Uint32Array((FILTER_MASK + 1) / 32);
  for (const phrase of index().keys()) {
    if (phrase.includes(' ')) continue;
    const hash = hashOf(phrase, 0, phrase.length);
    bits[hash >>> 5] = (bits[hash >>> 5] as number) | (1 << (hash & 31));
  }
  phraseStarts = bits;
  return bits;
}

/** A letter or a digit (`[\p{L}\p{N}]`) at a position: the code point there, read by the engine. */
const LETTER_OR_DIGIT_AT = /[\p{L}\p{N}]/uy;

/**
 * Where the runs of letters and digits of `lower` (what the Unicode regex `[\p{L}\p{N}]+` matches)
 * start and end, in one pass over the characters: ASCII, accented Latin letters (U+00C0-U+024F but
 * × and ÷) and General Punctuation (curly quotes, dashes) by their code, anything else by a Unicode
 * regex at that position.
 * Returns the number of runs; `starts` and `ends` are overwritten from index 0.
 */
function tokenBounds(lower: string, starts: number[], ends: number[]): number {
  let count = 0;
  let start = -1;
  for (let at = 0; at < lower.length; at++) {
    const code = lower.charCodeAt(at);
    let letterOrDigit: boolean;
    if (code < 128) {
      letterOrDigit = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
    } else if (code >= 0xc0 && code <= 0x24f) {
      letterOrDigit = code !== 0xd7 && code !== 0xf7; // accented Latin letters, but × and ÷
    } else if (code >= 0x2000 && code <= 0x206f) {
      letterOrDigit = false;
    } else {
      LETTER_OR_DIGIT_AT.lastIndex = at;
      letterOrDigit = LETTER_OR_DIGIT_AT.test(lower);
      // A letter outside the Basic Multilingual Plane is one code point in two code units.
      if (code >= 0xd800 && code <= 0xdbff && LETTER_OR_DIGIT_AT.lastIndex === at + 2) {
        if (start < 0) start = at;
        at++;
        continue;
      }
    }
    if (letterOrDigit) {
      if (start < 0) start = at;
    } else if (start >= 0) {
      starts[count] = start;
      ends[count++] = at;
      start = -1;
    }
  }
  if (start >= 0) {
    starts[count] = start;
    ends[count++] = lower.length;
  }
  return count;
}

/**
 * The lower-case runs of letters and digits (what the Unicode regex `[\p{L}\p{N}]+` matches).
 * Several times faster than that regex's `match` over a whole article.
 */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  const starts: number[] = [];
  const ends: number[] = [];
  const count = tokenBounds(lower, starts, ends);
  const tokens: string[] = [];
  for (let token = 0; token < count; token++) tokens.push(lower.slice(starts[token], ends[token]));
  return tokens;
}

/** Token offsets, reused from article to article (the tagger is synchronous and not reentrant). */
const tokenStarts: number[] = [];
const tokenEnds: number[] = [];

export function tagSubjects(text: string, language: string | undefined): SubjectMatch[] {
  // The labels we match are English; other languages get no automatic subjects yet.
  if (language && !language.startsWith('en')) return [];
  const entries = index();
  const filter = startsFilter();
  const lower = text.toLowerCase();
  const count = tokenBounds(lower, tokenStarts, tokenEnds);
  const scores = new Map<string, number>();
  for (let start = 0; start < count; start++) {
    const hash = hashOf(lower, tokenStarts[start] as number, tokenEnds[start] as number);
    if (((filter[hash >>> 5] as number) & (1 << (hash & 31))) === 0) continue;
    let phrase = '';
    for (let length = 1; length <= MAX_PHRASE_WORDS && start + length <= count; length++) {
      const token = start + length - 1;
      const word = lower.slice(tokenStarts[token], tokenEnds[token]);
      phrase = length === 1 ? word : `${phrase} ${word}`;
      const entry = entries.get(phrase);
      if (!entry) break;
      if (entry.codes)
        for (const code of entry.codes) scores.set(code, (scores.get(code) ?? 0) + (length > 1 ? 2 : 1));
      if (!entry.prefix) break;
    }
  }
  // Codes are all `medtop:` and eight digits: code-unit order is their numeric order.
  const ranked = [...scores.entries()]
    .filter(([, score]) => score >= MIN_SCORE)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_SUBJECTS);
  const best = ranked[0]?.[1] ?? 1;
  return ranked.map(([code, score]) => {
    return {
      code,
      name: mediaTopic(code)?.labels.en ?? code,
      relevance: Math.round((score / best) * 100),
      confidence: Math.min(90, 30 + 10 * score),
    };
  });
}
