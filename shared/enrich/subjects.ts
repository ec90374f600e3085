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

let termIndex: Map<string, string[]> | undefined;
/** Every word-prefix of a multi-word term ("civil" for "civil war"): only those phrases are extended. */
let phrasePrefixes: Set<string> | undefined;

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

function index(): Map<string, string[]> {
  if (termIndex) return termIndex;
  termIndex = new Map();
  phrasePrefixes = new Set();
  for (const topic of allMediaTopics()) {
    const label = topic.labels.en;
    if (!label) continue;
    for (const term of termsOf(label)) {
      const words = term.split(' ');
      for (let length = 1; length < words.length; length++)
        phrasePrefixes.add(words.slice(0, length).join(' '));
      const codes = termIndex.get(term) ?? [];
      codes.push(topic.code);
      termIndex.set(term, codes);
    }
  }
  return termIndex;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function tagSubjects(text: string, language: string | undefined): SubjectMatch[] {
  // The labels we match are English; other languages get no automatic subjects yet.
  if (language && !language.startsWith('en')) return [];
  const terms = index();
  const prefixes = phrasePrefixes as Set<string>;
  const tokens = words(text);
  const scores = new Map<string, number>();
  for (let start = 0; start < tokens.length; start++) {
    let phrase = '';
    for (let length = 1; length <= MAX_PHRASE_WORDS && start + length <= tokens.length; length++) {
      phrase = length === 1 ? (tokens[start] as string) : `${phrase} ${tokens[start + length - 1]}`;
      const codes = terms.get(phrase) ?? (phrase.endsWith('s') ? terms.get(phrase.slice(0, -1)) : undefined);
      if (codes) for (const code of codes) scores.set(code, (scores.get(code) ?? 0) + (length > 1 ? 2 : 1));
      if (!prefixes.has(phrase)) break;
    }
  }
  const ranked = [...scores.entries()]
    .filter(([, score]) => score >= MIN_SCORE)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
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
