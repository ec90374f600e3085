/**
 * The subject tagger's phrase list, derived from the Media Topics' English labels. It has no
 * imports of packed data, so that scripts/pack-enrich-data.ts can build the list it ships.
 */

/** Longest phrase matched, in words. */
export const MAX_PHRASE_WORDS = 4;

/** What a phrase of the text (lower case) leads to: at most one lookup per word of the text. */
export interface PhraseEntry {
  /** Media Topics whose label is this phrase, or this phrase without a plural -s. */
  readonly codes?: readonly string[];
  /** Some longer term starts with this phrase ("civil" for "civil war"): only such phrases are extended. */
  readonly prefix: boolean;
}

/**
 * The phrase table as shipped: phrases, the Media Topics of each (null for a mere prefix) and
 * whether a longer term starts with it, in parallel arrays. `buildPhraseList` derives it from the
 * vocabulary's English labels; scripts/pack-enrich-data.ts runs that at build time, because at run
 * time it was most of the 12 ms that a fresh process's first tagging took (2,885 phrases through
 * Maps, Sets and regular expressions, all still in the interpreter; 3.7 ms with the list shipped).
 * test/unit/enrich/packed-data.test.ts checks that the shipped list is what the builder makes now.
 */
export interface PhraseList {
  readonly phrases: readonly string[];
  readonly codes: readonly (readonly string[] | null)[];
  readonly prefixes: readonly boolean[];
}

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
 * itself), and each word-prefix of a longer term.
 */
export function buildPhraseList(
  topics: Iterable<{ readonly code: string; readonly labels: Readonly<Record<string, string>> }>,
): PhraseList {
  const terms = new Map<string, string[]>();
  const prefixes = new Set<string>();
  for (const topic of topics) {
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
  return {
    phrases: [...entries.keys()],
    codes: [...entries.values()].map((entry) => entry.codes ?? null),
    prefixes: [...entries.values()].map((entry) => entry.prefix),
  };
}
