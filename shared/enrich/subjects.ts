/**
 * First-cut subject tagging: finds Media Topic labels in the English text of an article.
 *
 * Why this shape: partners filter on Media Topic codes, so every article needs some codes, and the
 * vocabulary's own labels are the only offline, licensed source of terms we have. A label counts
 * once per occurrence (plural -s accepted); multi-word labels weigh double because they are
 * specific. A concept needs a score of 2 to be kept, which drops one-off generic words.
 */
import { mediaTopic } from './mediatopics.js';
import { SUBJECT_PHRASES } from './packed-data.generated.js';
import { unpackJson } from './packed-data.js';
import { MAX_PHRASE_WORDS, type PhraseEntry, type PhraseList } from './subject-phrases.js';

export type { PhraseEntry } from './subject-phrases.js';

export interface SubjectMatch {
  readonly code: string;
  readonly name: string;
  /** 0-100, relative to the best match in the same article. */
  readonly relevance: number;
  /** 0-100, how sure the tagger is: grows with the number and specificity of label matches. */
  readonly confidence: number;
}

const MIN_SCORE = 2;
const MAX_SUBJECTS = 6;

let phraseList: PhraseList | undefined;

function shippedPhrases(): PhraseList {
  phraseList ??= unpackJson<PhraseList>(SUBJECT_PHRASES);
  return phraseList;
}

function entryAt(list: PhraseList, at: number): PhraseEntry {
  const codes = list.codes[at];
  return codes ? { codes, prefix: list.prefixes[at] === true } : { prefix: true };
}

/**
 * The phrase table again, for lookups straight from the text: open addressing on a 32-bit hash of
 * a phrase's code units (`hash = hash * 31 + code`), each slot holding an entry's number + 1. The
 * hash of the next longer phrase follows from the shorter one's and the next token's (see
 * `extended`), and a candidate is checked against the tokens in place, so matching makes no string
 * of the text and hashes no character twice.
 */
interface PhraseTable {
  readonly mask: number;
  readonly slots: Int32Array;
  readonly hashes: Int32Array;
  readonly phrases: readonly string[];
  readonly entries: readonly PhraseEntry[];
  /**
   * One-hash Bloom filter over the one-word phrases, on the low 16 bits of the mixed hash: most
   * words of an article ("the", "said") begin no phrase, and 8 KB of bits rule them out before the
   * larger table is touched.
   */
  readonly starts: Uint32Array;
}

/** Bits of the single-word phrase filter: 2^16, a few per cent full with the vocabulary's words. */
const FILTER_BITS = 16;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

let phraseTable: PhraseTable | undefined;

function hashOf(text: string): number {
  let hash = 0;
  for (let at = 0; at < text.length; at++) hash = (Math.imul(hash, 31) + text.charCodeAt(at)) | 0;
  return hash;
}

/** The hash's high bits folded into the low ones, for the filter and the slots. */
function mixed(hash: number): number {
  return hash ^ (hash >>> FILTER_BITS);
}

/** 31^n modulo 2^32, for tokens up to 64 code units; longer ones are rare and multiplied out. */
const POWERS_OF_31 = new Int32Array(65);
POWERS_OF_31[0] = 1;
for (let n = 1; n < POWERS_OF_31.length; n++) POWERS_OF_31[n] = Math.imul(POWERS_OF_31[n - 1] as number, 31);

/** The hash of `phrase + " " + token` from the hash of each: hashes are polynomials in 31. */
function extended(phraseHash: number, tokenHash: number, tokenLength: number): number {
  let power: number;
  if (tokenLength < POWERS_OF_31.length) power = POWERS_OF_31[tokenLength] as number;
  else {
    power = 1;
    for (let n = 0; n < tokenLength; n++) power = Math.imul(power, 31);
  }
  return (Math.imul((Math.imul(phraseHash, 31) + 32) | 0, power) + tokenHash) | 0;
}

function table(): PhraseTable {
  if (phraseTable) return phraseTable;
  const list = shippedPhrases();
  const count = list.phrases.length;
  let size = 1;
  while (size < count * 4) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size);
  const hashes = new Int32Array(count);
  const entries: PhraseEntry[] = [];
  const starts = new Uint32Array((FILTER_MASK + 1) / 32);
  for (let at = 0; at < count; at++) {
    const phrase = list.phrases[at] as string;
    const hash = hashOf(phrase);
    hashes[at] = hash;
    entries.push(entryAt(list, at));
    let slot = mixed(hash) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = at + 1;
    if (!phrase.includes(' ')) {
      const bit = mixed(hash) & FILTER_MASK;
      starts[bit >>> 5] = (starts[bit >>> 5] as number) | (1 << (bit & 31));
    }
  }
  phraseTable = { mask, slots, hashes, phrases: list.phrases, entries, starts };
  return phraseTable;
}

/** Whether `phrase` is tokens `first`..`first + count - 1` of `lower` joined by single spaces. */
function spells(phrase: string, lower: string, first: number, count: number): boolean {
  let position = 0;
  for (let token = first; token < first + count; token++) {
    if (token > first && phrase.charCodeAt(position++) !== 32) return false;
    const end = tokenEnds[token] as number;
    for (let at = tokenStarts[token] as number; at < end; at++)
      if (phrase.charCodeAt(position++) !== lower.charCodeAt(at)) return false;
  }
  return position === phrase.length;
}

/** The table's entry for tokens `first`..`first + count - 1` of `lower`, whose phrase hashes to `hash`. */
function entryFor(
  phrases: PhraseTable,
  hash: number,
  lower: string,
  first: number,
  count: number,
): PhraseEntry | undefined {
  const { mask, slots, hashes } = phrases;
  for (let slot = mixed(hash) & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot] as number;
    if (entry === 0) return undefined;
    if (hashes[entry - 1] === hash && spells(phrases.phrases[entry - 1] as string, lower, first, count))
      return phrases.entries[entry - 1];
  }
}

/** A letter or a digit (`[\p{L}\p{N}]`) at a position: the code point there, read by the engine. */
const LETTER_OR_DIGIT_AT = /[\p{L}\p{N}]/uy;

/**
 * Where the runs of letters and digits of `lower` (what the Unicode regex `[\p{L}\p{N}]+` matches)
 * start and end, in one pass over the characters: ASCII, accented Latin letters (U+00C0-U+024F but
 * × and ÷) and General Punctuation (curly quotes, dashes) by their code, anything else by a Unicode
 * regex at that position. Each run's hash (see `hashOf`) is computed on the way.
 * Returns the number of runs; `starts`, `ends` and `hashes` are overwritten from index 0.
 */
function tokenBounds(lower: string, starts: number[], ends: number[], hashes: number[]): number {
  let count = 0;
  let start = -1;
  let hash = 0;
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
        if (start < 0) {
          start = at;
          hash = 0;
        }
        hash = (Math.imul(hash, 31) + code) | 0;
        at++;
        hash = (Math.imul(hash, 31) + lower.charCodeAt(at)) | 0;
        continue;
      }
    }
    if (letterOrDigit) {
      if (start < 0) {
        start = at;
        hash = 0;
      }
      hash = (Math.imul(hash, 31) + code) | 0;
    } else if (start >= 0) {
      starts[count] = start;
      hashes[count] = hash;
      ends[count++] = at;
      start = -1;
    }
  }
  if (start >= 0) {
    starts[count] = start;
    hashes[count] = hash;
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
  const count = tokenBounds(lower, starts, ends, []);
  const tokens: string[] = [];
  for (let token = 0; token < count; token++) tokens.push(lower.slice(starts[token], ends[token]));
  return tokens;
}

/** Token offsets and hashes, reused from article to article (the tagger is synchronous and not reentrant). */
const tokenStarts: number[] = [];
const tokenEnds: number[] = [];
const tokenHashes: number[] = [];

/**
 * Media Topic code -> score for a text: each phrase of the table found in it counts 1, or 2 if it
 * has several words; a phrase is extended word by word while it is a prefix of a longer term.
 */
export function phraseScores(text: string): Map<string, number> {
  const phrases = table();
  const filter = phrases.starts;
  const lower = text.toLowerCase();
  const count = tokenBounds(lower, tokenStarts, tokenEnds, tokenHashes);
  const scores = new Map<string, number>();
  for (let start = 0; start < count; start++) {
    let hash = tokenHashes[start] as number;
    const bit = mixed(hash) & FILTER_MASK;
    if (((filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
    for (let length = 1; length <= MAX_PHRASE_WORDS && start + length <= count; length++) {
      if (length > 1) {
        const token = start + length - 1;
        const tokenLength = (tokenEnds[token] as number) - (tokenStarts[token] as number);
        hash = extended(hash, tokenHashes[token] as number, tokenLength);
      }
      const entry = entryFor(phrases, hash, lower, start, length);
      if (!entry) break;
      if (entry.codes)
        for (const code of entry.codes) scores.set(code, (scores.get(code) ?? 0) + (length > 1 ? 2 : 1));
      if (!entry.prefix) break;
    }
  }
  return scores;
}

/** The phrase table (phrase -> Media Topics and whether it is a prefix), for tests. */
export function phraseEntries(): ReadonlyMap<string, PhraseEntry> {
  const list = shippedPhrases();
  return new Map(list.phrases.map((phrase, at) => [phrase, entryAt(list, at)]));
}

export function tagSubjects(text: string, language: string | undefined): SubjectMatch[] {
  // The labels we match are English; other languages get no automatic subjects yet.
  if (language && !language.startsWith('en')) return [];
  const scores = phraseScores(text);
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
