/**
 * Offline gazetteers for the entity finder: places with GeoNames ids, given names, surnames,
 * nationality adjectives and organisation names, generated into ./gazetteer/*.json by
 * ./gazetteer/build.mjs (sources and licences in ./gazetteer/README.md).
 *
 * Lookups go by a folded key (lower case, no diacritics, straight apostrophes), so "Erdogan" and
 * "Erdoğan", "MOSCOW" and "Moscow" meet. Short all-capital aliases ("US", "UK", "UAE") only match
 * exactly, so that a sentence-initial "Us" is not the United States. The tables are built on first
 * use: a cold Lambda that never reads plain text does not pay for them.
 */
import names from './gazetteer/names.json' with { type: 'json' };
import places from './gazetteer/places.json' with { type: 'json' };

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

/** Diacritics and case folded, curly apostrophes straightened: the key every table is indexed by. */
export function foldName(text: string): string {
  // Plain ASCII is by far the common case in English copy; skip the Unicode work for it.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the whole ASCII set
  const ascii = /^[\x00-\x7f]*$/.test(text);
  const base = ascii ? text : text.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[’ʼ‘]/g, "'");
  return base.toLowerCase();
}

interface Tables {
  readonly places: ReadonlyMap<string, GazetteerPlace>;
  readonly firstNames: ReadonlySet<string>;
  readonly lastNames: ReadonlySet<string>;
  readonly demonyms: ReadonlySet<string>;
  readonly organisations: ReadonlySet<string>;
}

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  // Keys were folded when the file was generated: loading is splitting, not Unicode work.
  const byKey = new Map<string, GazetteerPlace>();
  for (const row of places.rows) {
    const [kindCode = '', id = '', name = '', keys = ''] = row.split('\t');
    const kind = KINDS[kindCode];
    if (!kind || !name) continue;
    const place: GazetteerPlace = id ? { name, kind, uri: `${GEONAMES_URI_PREFIX}${id}/` } : { name, kind };
    // Rows come in priority order (countries, capitals, cities by size, divisions): first one wins.
    for (const key of keys.split('|')) if (!byKey.has(key)) byKey.set(key, place);
  }
  const list = (joined: string) => new Set(joined.split('|'));
  tables = {
    places: byKey,
    firstNames: list(names.firstNames),
    lastNames: list(names.lastNames),
    demonyms: list(names.demonyms),
    organisations: list(names.organisations),
  };
  return tables;
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
  const byKey = load().places;
  if (surface.length <= 6 && surface === surface.toUpperCase()) {
    const acronym = byKey.get(`=${surface}`);
    if (acronym || surface.replaceAll('.', '').length <= 4) return acronym;
  }
  return byKey.get(folded);
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
