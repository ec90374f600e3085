/**
 * Offline gazetteers for the entity finder: places with GeoNames ids, given names, surnames,
 * nationality adjectives and organisation names, generated into ./gazetteer/*.json by
 * ./gazetteer/build.mjs (sources and licences in ./gazetteer/README.md).
 *
 * Lookups go by a folded key (lower case, no diacritics, straight apostrophes), so "Erdogan" and
 * "Erdoğan", "MOSCOW" and "Moscow" meet. Short all-capital aliases ("US", "UK", "UAE") only match
 * exactly, so that a sentence-initial "Us" is not the United States. The packed tables are
 * inflated when this module loads (~10 ms of a cold start; every format's first article needs them);
 * the lookup tables derived from them are built on first use.
 */

import { NAMES, PLACES } from './packed-data.generated.js';
import { unpackJson } from './packed-data.js';

/** ./gazetteer/places.json and names.json, shipped packed (see ./packed-data.ts). */
const places = unpackJson<{ readonly places: string; readonly keys: Record<string, number> }>(PLACES);
const names = unpackJson<{
  readonly firstNames: string;
  readonly lastNames: string;
  readonly demonyms: string;
  readonly organisations: string;
}>(NAMES);

export type PlaceKind = 'country' | 'capital' | 'city' | 'division' | 'region';

export interface GazetteerPlace {
  /** The name partners see (GeoNames' English name, "Washington" rather than "Washington, D.C."). */
  readonly name: string;
  readonly kind: PlaceKind;
  /** GeoNames' semantic-web URI, a stable identifier for the place. */
  readonly uri?: string;
}

export const GEONAMES_URI_PREFIX = 'https://sws.geonames.org/';

const KINDS: Readonly<Record<string, PlaceKind>> = {
  C: 'country',
  K: 'capital',
  P: 'city',
  A: 'division',
  R: 'region',
};

/** Written in capitals: at least one letter and no lower-case one ("US", "U.K.", "MOSCOW"). */
export function isWrittenInCapitals(surface: string): boolean {
  let letters = 0;
  for (let at = 0; at < surface.length; at++) {
    const code = surface.charCodeAt(at);
    if (code >= 97 && code <= 122) return false;
    if (code >= 65 && code <= 90) letters++;
    else if (code > 127) {
      const character = surface.charAt(at);
      if (character !== character.toUpperCase()) return false;
      if (character !== character.toLowerCase()) letters++;
    }
  }
  return letters > 0;
}

/** Diacritics and case folded, curly apostrophes straightened: the key every table is indexed by. */
export function foldName(text: string): string {
  // Plain ASCII is by far the common case in English copy; skip the Unicode work for it.
  let upper = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code > 127) return foldLatin(text, at);
    if (code >= 65 && code <= 90) upper = true;
  }
  return upper ? text.toLowerCase() : text;
}

function foldUnicode(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’ʼ‘]/g, "'")
    .toLowerCase();
}

/**
 * `foldUnicode` of each code unit below the Greek block (U+0370), each worked out on first use. Below
 * it the fold of a string is the folds of its characters joined: canonical decomposition goes
 * character by character, the marks it adds are dropped whatever their order, and no lower-case
 * mapping there depends on its neighbours (the final-sigma rule is Greek). Names with "ä", "ğ" or
 * "é" (a third of all folds in Nordic and Turkish copy) then skip `normalize` and two regular
 * expressions.
 */
const LATIN_FOLD_END = 0x370;
const latinFolds: (string | undefined)[] = new Array(LATIN_FOLD_END);

function foldLatin(text: string, from: number): string {
  let folded = from > 0 ? text.slice(0, from).toLowerCase() : '';
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < LATIN_FOLD_END) {
      let fold = latinFolds[code];
      if (fold === undefined) {
        fold = foldUnicode(String.fromCharCode(code));
        latinFolds[code] = fold;
      }
      folded += fold;
    } else if (code === 0x2019 || code === 0x2018) folded += "'";
    else return foldUnicode(text);
  }
  return folded;
}

interface Tables {
  /** One line per place: kind, GeoNames id, name. */
  readonly rows: readonly string[];
  readonly parsed: Map<number, GazetteerPlace>;
  readonly firstNames: ReadonlySet<string>;
  readonly lastNames: ReadonlySet<string>;
  readonly demonyms: ReadonlySet<string>;
  readonly organisations: ReadonlySet<string>;
}

/** Folded name -> line in `places.places`, as generated: a plain object the JSON parser builds natively. */
const placeKeys: Readonly<Record<string, number>> = places.keys;

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  const list = (joined: string) => new Set(joined.split('|'));
  tables = {
    rows: places.places.split('\n'),
    parsed: new Map(),
    firstNames: list(names.firstNames),
    lastNames: list(names.lastNames),
    demonyms: list(names.demonyms),
    organisations: list(names.organisations),
  };
  return tables;
}

/** The place on line `index`, parsed on first use: an article only ever touches a few dozen. */
function placeAt(index: number | undefined): GazetteerPlace | undefined {
  if (index === undefined) return undefined;
  const { rows, parsed } = load();
  const known = parsed.get(index);
  if (known) return known;
  const [kindCode = '', id = '', name = ''] = (rows[index] ?? '').split('\t');
  const kind = KINDS[kindCode];
  if (!kind || !name) return undefined;
  const place: GazetteerPlace = id ? { name, kind, uri: `${GEONAMES_URI_PREFIX}${id}/` } : { name, kind };
  parsed.set(index, place);
  return place;
}

/**
 * The place keys as a Map, once the process has looked up enough names to be a long-lived one. A
 * name the finder builds is a fresh string, and looking one up in an object of 6,000 properties
 * makes V8 probe its whole string table first (~3x a Map lookup; dozens an article). Copying the
 * keys costs ~1.5 ms, which a cold start (the first few articles) does without.
 */
let placeIndex: Map<string, number> | undefined;
let objectLookups = 0;
const LOOKUPS_BEFORE_MAP = 5000;

function keyed(key: string): number | undefined {
  if (placeIndex) return placeIndex.get(key);
  if (++objectLookups === LOOKUPS_BEFORE_MAP) {
    placeIndex = new Map();
    for (const name of Object.keys(placeKeys)) placeIndex.set(name, placeKeys[name] as number);
  }
  // One lookup; inherited members ("constructor") are functions, never line numbers.
  const index = placeKeys[key];
  return typeof index === 'number' ? index : undefined;
}

/** Builds the tables now rather than on the first article (for a Lambda's init phase). */
export function preloadGazetteer(): void {
  load();
}

/**
 * The place a name stands for, if the gazetteer knows it. `folded` is `foldName(surface)`.
 * All-capital names match their acronym aliases as written ("US"); longer ones ("MOSCOW") also by name.
 */
export function placeNamed(surface: string, folded: string = foldName(surface)): GazetteerPlace | undefined {
  if (surface.length <= 6 && isWrittenInCapitals(surface)) {
    const acronym = keyed(`=${surface}`);
    if (acronym !== undefined || surface.replaceAll('.', '').length <= 4) return placeAt(acronym);
  }
  return placeAt(keyed(folded));
}

export function isFirstName(folded: string): boolean {
  return load().firstNames.has(folded);
}

export function isLastName(folded: string): boolean {
  return load().lastNames.has(folded);
}

/** "Russian", "Syrian", "British"... (singular forms, folded). */
export function isDemonym(folded: string): boolean {
  return load().demonyms.has(folded);
}

/** Organisation names from the generated list (folded, several words joined by single spaces). */
export function isListedOrganisation(folded: string): boolean {
  return load().organisations.has(folded);
}

/** All listed organisation names, for callers that merge them into one table. */
export function listedOrganisations(): Iterable<string> {
  return load().organisations;
}
