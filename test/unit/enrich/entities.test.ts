import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { authorOf, type FoundEntities, findEntities } from '../../../shared/enrich/entities.js';
import { foldName } from '../../../shared/enrich/gazetteer.js';
import { normaliseObject } from '../../../shared/normaliser/normalise.js';
import { parseText } from '../../../shared/normaliser/parsers/text.js';
import { FIXTURES, WIRE_ARTICLE } from '../../helpers/paths.js';

type Kind = 'people' | 'places' | 'organisations';

/**
 * Hand-labelled entities of a story: each entry lists the names that count as finding it (a found
 * name must equal one of them, diacritics and case aside). `either` holds mentions a careful
 * annotator could label either way (a city standing for its team: "Miami led 98-90"): finding them
 * is not rewarded, and neither is it counted as a mistake.
 */
interface Gold {
  readonly people: readonly (readonly string[])[];
  readonly places: readonly (readonly string[])[];
  readonly organisations: readonly (readonly string[])[];
  readonly either?: readonly string[];
}

interface Score {
  readonly precision: number;
  readonly recall: number;
  readonly missed: string[];
  readonly wrong: string[];
}

function score(found: FoundEntities, gold: Gold): Score {
  const kinds: Kind[] = ['people', 'places', 'organisations'];
  const either = new Set((gold.either ?? []).map(foldName));
  let correct = 0;
  let counted = 0;
  let expected = 0;
  const missed: string[] = [];
  const wrong: string[] = [];
  for (const kind of kinds) {
    const names = found[kind].map((entity) => foldName(entity.name ?? ''));
    for (const entry of gold[kind]) {
      expected++;
      if (!entry.some((alias) => names.includes(foldName(alias)))) missed.push(`${kind}:${entry[0]}`);
    }
    for (const name of names) {
      if (either.has(name)) continue;
      counted++;
      if (gold[kind].some((entry) => entry.some((alias) => foldName(alias) === name))) correct++;
      else wrong.push(`${kind}:${name}`);
    }
  }
  const recalled = expected - missed.length;
  return {
    precision: counted ? correct / counted : 1,
    recall: expected ? recalled / expected : 1,
    missed,
    wrong,
  };
}

function entitiesOf(path: string, encoding: BufferEncoding = 'utf8') {
  const parts = parseText(readFileSync(path, encoding));
  const plain = parts.body.kind === 'text' ? parts.body.paragraphs.join('\n\n') : '';
  const found = findEntities(plain, {
    ...(parts.byline ? { byline: parts.byline } : {}),
    ...(parts.located ? { located: parts.located } : {}),
  });
  return { parts, plain, found };
}

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

/** The reference wire story's obvious entities, labelled by hand (the byline's author included). */
const WIRE_GOLD: Gold = {
  people: [
    ['Donald Trump', 'Trump'],
    ['Vladimir Putin', 'Putin'],
    ['Erdoğan', 'Recep Tayyip Erdoğan', 'Tayyip Erdoğan'],
    ['Bashar Assad', 'Bashar al-Assad', 'Assad'],
    ['Rex W. Tillerson', 'Rex Tillerson', 'Tillerson'],
    ['Sergey V. Lavrov', 'Sergey Lavrov', 'Lavrov'],
    ['Merkel', 'Angela Merkel'],
    ['Stefanie Dekker'],
    ['Leroy Wright'],
  ],
  places: [
    ['Russia', 'Russian Federation'],
    ['Turkey', 'Türkiye'],
    ['Syria'],
    ['Kazakhstan'],
    ['Moscow'],
    ['Washington', 'Washington, D.C.'],
    ['Sochi'],
    ['Chechnya'],
    ['Khan Sheikhoun'],
    ['Damascus'],
    ['United States', 'U.S.', 'US', 'USA'],
  ],
  organisations: [['Kremlin'], ['TASS'], ['Al Jazeera'], ['White House']],
};

/*
 * Thresholds. compromise, the only offline NER on npm, scores about 70% precision and 57% recall on
 * the reference story (../shared/notes/platform-facts.md). This finder must do clearly better on
 * the story it was tuned on (90% / 85%: at most two or three of 24 wrong or missed), and stay above
 * 85% / 80% on the two agency fixtures, which were labelled independently and have their own
 * difficulties (team names, bare surnames, names no list knows).
 */
describe('entities in the reference wire article', () => {
  const { found } = entitiesOf(WIRE_ARTICLE);

  test('precision and recall against the hand-labelled list', (t) => {
    const { precision, recall, missed, wrong } = score(found, WIRE_GOLD);
    t.diagnostic(`reference article: precision ${percent(precision)}, recall ${percent(recall)}`);
    if (missed.length > 0) t.diagnostic(`missed: ${missed.join(', ')}`);
    if (wrong.length > 0) t.diagnostic(`wrong: ${wrong.join(', ')}`);
    assert.ok(precision >= 0.9, `precision ${percent(precision)}: ${wrong.join(', ')}`);
    assert.ok(recall >= 0.85, `recall ${percent(recall)}: ${missed.join(', ')}`);
  });

  test('the byline author is a person with rel "author"', () => {
    const authors = found.people.filter((person) => person.rel === 'author');
    assert.deepEqual(authors, [{ name: 'Leroy Wright', rel: 'author' }]);
  });

  test('each entity at most once, mentions of one name merged ("Putin", "Mr Putin", "Vladimir Putin")', () => {
    for (const kind of ['people', 'places', 'organisations'] as const) {
      const names = found[kind].map((entity) => foldName(entity.name ?? ''));
      assert.equal(new Set(names).size, names.length, `${kind}: ${names.join(', ')}`);
      const uris = found[kind].flatMap((entity) => (entity.uri ? [entity.uri] : []));
      assert.equal(new Set(uris).size, uris.length);
    }
    assert.ok(!found.people.some((person) => person.name === 'Putin' || person.name === 'Trump'));
    // "Erdogan" (three times) and "Erdoğan" (once) are one person, spelled with the diacritic.
    assert.deepEqual(
      found.people
        .filter((person) => foldName(person.name ?? '').includes('erdogan'))
        .map((person) => person.name),
      ['Erdoğan'],
    );
  });

  test('gazetteer places carry their GeoNames URI', () => {
    const russia = found.places.find((place) => place.name === 'Russia');
    assert.equal(russia?.uri, 'https://sws.geonames.org/2017370/');
    assert.ok(
      found.places.every((place) => !place.uri || /^https:\/\/sws\.geonames\.org\/\d+\/$/.test(place.uri)),
    );
  });

  test('the assembled ninjs lists the author once, as author', async () => {
    const { ninjs } = await normaliseObject({
      key: 'wire/trump-putin.txt',
      bytes: readFileSync(WIRE_ARTICLE),
    });
    const wright = ninjs.people?.filter((person) => person.name === 'Leroy Wright') ?? [];
    assert.deepEqual(wright, [{ name: 'Leroy Wright', rel: 'author' }]);
    assert.ok(ninjs.places?.some((place) => place.name === 'Sochi'));
    assert.ok(ninjs.organisations?.some((organisation) => organisation.name === 'Kremlin'));
  });
});

describe('entities in the agency fixtures', () => {
  test('dpa.txt (IPTC 7901)', (t) => {
    const { found } = entitiesOf(`${FIXTURES}text/dpa.txt`);
    const gold: Gold = {
      people: [
        ['Helen Maguire'],
        ['Theresa May', 'May'],
        ['Jeremy Hunt', 'Hunt'],
        ['Alyn Smith', 'Smith'],
        ['Joanna Cherry'],
        ['Tom Brake'],
        ['Manuel Campos Sanchez-Bordona'],
      ],
      places: [['United Kingdom', 'Britain', 'UK'], ['Luxembourg'], ['Brussels'], ['London']],
      organisations: [
        ['European Union', 'EU'],
        ['European Court of Justice', 'ECJ'],
        ['Scottish National Party', 'SNP'],
        ['European Parliament'],
        ['dpa'],
        ['Liberal Democrats', 'Liberal Democrat'],
      ],
    };
    const { precision, recall, missed, wrong } = score(found, gold);
    t.diagnostic(
      `dpa.txt: precision ${percent(precision)}, recall ${percent(recall)}; missed ${missed.join(', ') || 'none'}; wrong ${wrong.join(', ') || 'none'}`,
    );
    assert.ok(precision >= 0.85, wrong.join(', '));
    assert.ok(recall >= 0.8, missed.join(', '));
    assert.ok(found.people.some((person) => person.name === 'Helen Maguire' && person.rel === 'author'));
  });

  test('ap_anpa-1.tst (ANPA 1312)', (t) => {
    const { found } = entitiesOf(`${FIXTURES}text/ap_anpa-1.tst`, 'latin1');
    const gold: Gold = {
      people: [
        ['Charles Odum'],
        ['Luol Deng'],
        ['Josh McRoberts'],
        ['Dwyane Wade'],
        ['Chris Bosh'],
        ['Hassan Whiteside'],
        ['Jeff Teague'],
        ['Kyle Korver'],
        ['Gerald Green'],
        ['Justin Winslow'],
        ['Chris Andersen'],
        ['Jarnell Stokes'],
        ['Mike Scott'],
        ['Dennis Schroder'],
        ['Amare Stoudemire'],
        ['Boban Marjanovic'],
        ['Kirk Hinrich'],
        ['Paul Millsap'],
        ['Al Horford'],
      ],
      places: [['Atlanta']],
      organisations: [
        ['Miami Heat'],
        ['Atlanta Hawks'],
        ['Associated Press', 'AP'],
        ['Milwaukee Bucks', 'Bucks'],
      ],
      either: ['Miami', 'Chicago', 'San Antonio', 'Washington', 'Milwaukee'],
    };
    const { precision, recall, missed, wrong } = score(found, gold);
    t.diagnostic(
      `ap_anpa-1.tst: precision ${percent(precision)}, recall ${percent(recall)}; missed ${missed.join(', ') || 'none'}; wrong ${wrong.join(', ') || 'none'}`,
    );
    assert.ok(precision >= 0.85, wrong.join(', '));
    assert.ok(recall >= 0.8, missed.join(', '));
  });
});

describe('bylines and entities', () => {
  test('authorOf keeps the person and drops the agency or job', () => {
    assert.equal(authorOf('Jane Doe, Reuters'), 'Jane Doe');
    assert.equal(authorOf('By Jane Doe'), 'Jane Doe');
    assert.equal(authorOf('Charles Odum, AP Sports Writer'), 'Charles Odum');
    assert.equal(authorOf('Jane Doe and John Roe'), 'Jane Doe');
    assert.equal(authorOf('Ana de la Cruz (AFP)'), 'Ana de la Cruz');
  });

  test('a byline name the text also mentions is one person, the author; the agency one organisation', () => {
    const text =
      'Leroy Wright reported from Sochi on Monday. Reuters has asked the Kremlin to comment, Wright said.';
    const found = findEntities(text, { byline: 'Leroy Wright, Reuters' });
    assert.deepEqual(
      found.people.filter((person) => foldName(person.name ?? '').includes('wright')),
      [{ name: 'Leroy Wright', rel: 'author' }],
    );
    assert.equal(found.organisations.filter((organisation) => organisation.name === 'Reuters').length, 1);
    assert.ok(!found.organisations.some((organisation) => organisation.rel === 'author'));
  });

  test('every author of a byline is marked; an agency alone is no person', () => {
    const two = findEntities('The storm arrived.', { byline: 'Jane Doe and John Roe' });
    assert.deepEqual(two.people, [
      { name: 'Jane Doe', rel: 'author' },
      { name: 'John Roe', rel: 'author' },
    ]);
    const agency = findEntities('The storm arrived.', { byline: 'The Associated Press' });
    assert.deepEqual(agency.people, []);
    assert.deepEqual(agency.organisations, [{ name: 'Associated Press' }]);
  });

  test('the dateline place is a place even when the text does not name it', () => {
    const found = findEntities('The talks began.', { located: 'Sochi, Russia' });
    assert.deepEqual(
      found.places.map((place) => place.name),
      ['Sochi', 'Russia'],
    );
  });
});

describe('rules that keep precision', () => {
  test('sentence words, months, nationality adjectives and acronyms are not entities', () => {
    const found = findEntities(
      'The Syrian rebels walked out in December. But Russian officials said talks would resume on Monday. MRI scans followed.',
      {},
    );
    assert.deepEqual(found.people, []);
    assert.deepEqual(found.organisations, []);
    assert.deepEqual(found.places, []);
  });

  test('titles, roles and speech verbs make people; "in" makes an unknown name a place', () => {
    const found = findEntities(
      'German Chancellor Angela Merkel met rebel leader Abu Sayyaf near Idlib. Later Macron told reporters in Qaraqosh that he agreed. Fighting went on in northern Kobani and in the town of Tal Abyad.',
      {},
    );
    const names = (kind: Kind) => found[kind].map((entity) => entity.name);
    assert.deepEqual(names('people').sort(), ['Abu Sayyaf', 'Angela Merkel', 'Macron']);
    assert.ok(names('places').includes('Idlib'));
    assert.ok(names('places').includes('Qaraqosh'));
    assert.ok(names('places').includes('Kobani'));
    assert.ok(names('places').includes('Tal Abyad'));
  });

  test('organisations by their ending, "of" and acronyms defined in parentheses', () => {
    const found = findEntities(
      'Alyn Smith of the Scottish National Party (SNP) met the Bank of England. The SNP agreed. Shares of Microsoft Corp rose.',
      {},
    );
    const names = found.organisations.map((organisation) => organisation.name);
    assert.deepEqual(names.sort(), ['Bank of England', 'Microsoft Corp', 'Scottish National Party']);
    assert.deepEqual(found.people, [{ name: 'Alyn Smith' }]);
  });

  test('a stated non-English language gets gazetteer matches only', () => {
    const found = findEntities('Die Bundesregierung in Berlin sagte, Präsident Macron komme am Montag.', {
      language: 'de',
    });
    assert.deepEqual(
      found.places.map((place) => place.name),
      ['Berlin'],
    );
    assert.deepEqual(found.people, []);
  });
});
