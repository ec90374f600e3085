import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { NormalisedArticle } from '../../../../shared/domain/article.js';
import { ninjsProblems } from '../../../../shared/ninjs/validate.js';
import { assembleArticle } from '../../../../shared/normaliser/assemble.js';
import { jsonDialectOf } from '../../../../shared/normaliser/parsers/json/detect.js';
import { isRecord } from '../../../../shared/normaliser/parsers/json/values.js';
import { parseJson } from '../../../../shared/normaliser/parsers/json.js';
import { type ArticleParts, DEFAULT_PARSE_LIMITS } from '../../../../shared/normaliser/parts.js';
import { rejection } from '../../../helpers/formats.js';
import { FIXTURES } from '../../../helpers/paths.js';

const NINJS_FIXTURES = `${FIXTURES}ninjs/`;
const NINJS_EXAMPLES = `${FIXTURES}ninjs-examples/`;

function partsOf(text: string, key = 'agency/story.json'): ArticleParts {
  return parseJson(text, { key, limits: DEFAULT_PARSE_LIMITS });
}

function normalised(text: string, key = 'agency/story.json'): NormalisedArticle {
  return assembleArticle(partsOf(text, key), { key, format: 'json' });
}

function plainBody(article: NormalisedArticle): string {
  return article.ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
}

function htmlBody(article: NormalisedArticle): string {
  return article.ninjs.bodies?.find((body) => body.contentType === 'text/html')?.value ?? '';
}

const json = (value: unknown) => JSON.stringify(value);

const BODY_TEXT = 'The council approved the budget on Tuesday.\n\nThe vote was 7 to 2.';

/** What each real document must give; a file without an entry fails, so new fixtures get checks. */
const EXPECTED: Record<string, (parts: ArticleParts, article: NormalisedArticle) => void> = {
  'ninjsExMediumText1.json': (parts, { ninjs }) => {
    assert.equal(ninjs.uri, 'http://ninjs.example.com/newsitems/20130709med123');
    assert.equal(ninjs.headlines?.[0]?.value, 'Captain of wrecked cruise ship on trial in Italy');
    assert.equal(ninjs.by, "Paulo Santalucia and Frances d'Emilio");
    assert.equal(ninjs.located, 'Grossetto, Italy');
    assert.equal(ninjs.language, 'en');
    assert.equal(parts.versionCreated, '2013-07-09T10:37:00Z');
    assert.equal(ninjs.copyrightNotice, 'Copyright 2013 The News Agency, www.tna.org - all rights reserved.');
    assert.deepEqual(ninjs.people?.[0], {
      name: 'Francesco Schettino',
      rel: 'about',
      uri: 'http://www.freebase.com/m/0hzcydt',
      literal: '0hzcydt',
    });
    assert.deepEqual(
      ninjs.places?.find((place) => place.name === 'Italy'),
      { name: 'Italy', rel: 'mentions', uri: 'http://cvx.iptc.org/iso3166-1a2/it', literal: 'it' },
    );
    assert.deepEqual(ninjs.organisations, [{ name: 'Costa Crociere SpA', rel: 'mentions' }]);
  },
  'ninjs_embargoed.json': (parts, { ninjs, subjectCodes }) => {
    assert.equal(ninjs.headlines?.[0]?.value, 'Trouble is brewing for the future of beer');
    assert.equal(ninjs.by, 'Aaron J. Staples, Michigan State University');
    assert.equal(ninjs.embargoedUntil, '2022-06-29T02:30:00+00:00');
    // `+0000` is ISO 8601 but not RFC 3339: the offset is rewritten with its colon.
    assert.equal(parts.versionCreated, '2022-06-26T23:54:25+00:00');
    assert.equal(parts.firstCreated, '2022-06-20T23:20:35+00:00');
    assert.equal(ninjs.pubStatus, 'usable');
    assert.equal(ninjs.urgency, undefined, 'urgency belongs to the associated picture, not the article');
    assert.equal(ninjs.descriptions?.[0]?.value.startsWith('Brewers are pursuing solutions'), true);
    // IPTC Subject Codes without a scheme, mapped to the Media Topics that replaced them.
    assert.deepEqual(parts.subjects, [
      { code: 'subj:06011000', name: 'global warming' },
      { code: 'subj:04001000', name: 'agriculture' },
    ]);
    const stated = ninjs.subjects
      ?.filter((subject) => subject.confidence === 100)
      .map((subject) => subject.literal);
    assert.deepEqual(stated, ['medtop:20000419', 'medtop:20000210']);
    assert.ok(subjectCodes.includes('medtop:06000000') && subjectCodes.includes('medtop:04000000'));
    assert.equal(ninjs.copyrightHolder, undefined, 'empty strings are not values');
    assert.deepEqual(ninjs.altIds?.slice(2), [
      { role: 'inputVersion', value: '11' },
      { role: 'inputId', value: 'fd8e441b-a698-4411-9246-7d5de21cced9' },
    ]);
  },
  'dpa_text.json': (parts, article) => {
    const { ninjs } = article;
    assert.equal(ninjs.uri, 'urn:newsml:dpa.com:20090101:190510-99-167362');
    assert.equal(ninjs.headlines?.[0]?.value, 'Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?');
    assert.equal(ninjs.by, 'Von Christian Hollmann, dpa');
    assert.equal(ninjs.urgency, 4);
    assert.equal(ninjs.pubStatus, 'usable');
    assert.equal(ninjs.language, 'de');
    assert.equal(ninjs.copyrightHolder, 'dpa');
    assert.equal(parts.versionCreated, '2019-05-10T16:02:28+02:00');
    assert.ok(
      plainBody(article).startsWith('Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».'),
    );
    assert.equal(plainBody(article).split('\n\n').length, 9);
  },
  'ninjsExSimpleText_3.json': (parts, article) => {
    assert.equal(article.ninjs.uri, 'http://ninjs.example.com/newsitems/20130709simp123');
    assert.equal(article.ninjs.by, "Paulo Santalucia and Frances d'Emilio");
    assert.equal(parts.versionCreated, '2013-07-09T10:37:00Z');
    // The HTML body (role xhtml) wins over the one-paragraph plain text.
    assert.equal(htmlBody(article).match(/<p>/g)?.length, 4);
  },
  'ntb_text.json': (parts, article) => {
    const { ninjs, subjectCodes } = article;
    assert.equal(ninjs.headlines?.[0]?.value, 'Google har kjøpt giganttomt i Skien');
    assert.equal(ninjs.by, 'NTB');
    assert.equal(ninjs.urgency, 5);
    assert.equal(ninjs.language, 'nb-NO');
    assert.equal(parts.firstCreated, '2019-08-09T09:30:04Z');
    assert.equal(parts.versionCreated, '2019-08-09T09:46:53Z');
    assert.ok(plainBody(article).startsWith('IT-giganten Google har kjøpt en tomt'));
    assert.deepEqual(article.provenance.bodies, { rule: 'ninjs:description-as-body', confidence: 50 });
    assert.deepEqual(parts.subjects?.[0], { code: 'Innenriks', name: 'Innenriks' });
    assert.ok(subjectCodes.includes('medtop:20000294'), 'subj:04011000 (Industri) maps to a Media Topic');
    assert.deepEqual(ninjs.places, [{ name: 'Telemark', literal: 'Telemark' }]);
  },
  'tt_text_image_3.json': (parts, article) => {
    const { ninjs } = article;
    assert.equal(ninjs.uri, 'http://tt.se/media/text/210526-militarovning-a0f2d045');
    assert.equal(ninjs.headlines?.[0]?.value, 'Militärövning i jätteformat hålls 2023');
    assert.equal(ninjs.urgency, 3);
    assert.equal(ninjs.language, 'sv');
    assert.equal(parts.versionCreated, '2021-05-26T13:40:18+02:00');
    assert.deepEqual(ninjs.altIds?.slice(2), [
      { role: 'inputVersion', value: '1' },
      { role: 'originaltransmissionreference', value: 'a0f2d045-1058-46d1-9f9a-ad80ed1bc86f' },
    ]);
    assert.deepEqual(parts.subjects, [
      {
        code: 'subj:16000000',
        name: 'Krig, konflikter och oroligheter',
        uri: 'http://tt.se/spec/subref/1.0/16000000',
      },
    ]);
    assert.deepEqual(ninjs.places?.find((place) => place.name === 'Gotland')?.geoJSON, {
      type: 'Point',
      coordinates: [18.2979, 57.6381],
    });
    assert.deepEqual(ninjs.people?.[0]?.contactInfo, [
      { type: 'phone', role: 'work', value: '+46 (0)8-7887500' },
    ]);
    // The page's <h1> repeats the headline; the body starts with the story.
    assert.ok(!htmlBody(article).includes('<h1>'));
    assert.ok(plainBody(article).includes('Pandemin satte stopp'));
    assert.ok(!htmlBody(article).includes('data-assoc-ref'), 'the sanitiser keeps only allowed attributes');
  },
};

describe('JSON: every ninjs fixture and IPTC example normalises to valid ninjs 3.2', () => {
  const files = [
    ...readdirSync(NINJS_FIXTURES)
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${NINJS_FIXTURES}${name}`),
    ...readdirSync(NINJS_EXAMPLES)
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${NINJS_EXAMPLES}${name}`),
  ];

  test('finds the fixtures', () => {
    assert.ok(files.length >= 6, `${files.length} files`);
  });

  for (const file of files) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    test(name, () => {
      const text = readFileSync(file, 'utf8');
      const key = `agency/${name}`;
      const parts = partsOf(text, key);
      const article = assembleArticle(parts, { key, format: 'json' });
      assert.deepEqual(ninjsProblems(article.ninjs), []);
      assert.ok(article.ninjs.headlines?.[0]?.value.trim());
      assert.ok(plainBody(article).trim().length > 50);
      const expectations = EXPECTED[name];
      assert.ok(expectations, `no targeted expectations for ${name}`);
      expectations(parts, article);
    });
  }

  test('dialects are detected from shapes and name case', () => {
    const dialectOf = (file: string) => {
      const document: unknown = JSON.parse(readFileSync(file, 'utf8'));
      assert.ok(isRecord(document));
      return jsonDialectOf(document);
    };
    assert.equal(dialectOf(`${NINJS_FIXTURES}ninjsExMediumText1.json`), 'ninjs1');
    assert.equal(dialectOf(`${NINJS_FIXTURES}ninjs_embargoed.json`), 'ninjs1');
    for (const name of [
      'dpa_text.json',
      'ninjsExSimpleText_3.json',
      'ntb_text.json',
      'tt_text_image_3.json',
    ]) {
      assert.equal(dialectOf(`${NINJS_EXAMPLES}${name}`), 'ninjs3', name);
    }
  });
});

describe('JSON: ninjs 1.x and 2.x upgraded field by field', () => {
  const ninjs1 = {
    uri: 'urn:agency:2024:0001',
    guid: 'b7a5c2',
    version: '3',
    type: 'text',
    versioncreated: '2024-03-01T10:15:00+01:00',
    firstcreated: '2024-03-01T09:00:00Z',
    contentcreated: '2024-03-01T08:30:00Z',
    embargoed: '2024-03-02T00:00:00Z',
    pubstatus: 'withheld',
    urgency: 2,
    copyrightholder: 'Agency',
    copyrightnotice: '© 2024 Agency',
    usageterms: 'No archiving',
    language: 'en-gb',
    headline: 'Council approves budget',
    headline_sub: 'Seven votes to two',
    byline: 'Jane Doe',
    located: 'Springfield',
    description_text: 'The council approved the budget.',
    description_html: '<p>Not this one</p>',
    body_text: 'Not the text body.',
    body_html: '<p>The council approved the budget on Tuesday.</p><p>The vote was 7 to 2.</p>',
    subject: [
      { code: '04018000', name: 'budget' },
      { code: '20000587', scheme: 'http://cv.iptc.org/newscodes/mediatopic/', name: 'public finance' },
      { code: 'LOCAL', scheme: 'http://agency.example/topics/', name: 'Local news' },
    ],
    person: [{ name: 'Mary Major', rel: 'about', scheme: 'http://agency.example/people/', code: 'p17' }],
    organisation: [{ name: 'Springfield Council', rel: 'about' }],
    place: [{ name: 'Springfield', code: 'SPR', scheme: 'not a scheme' }],
    altids: { archive: 'ARC-17', wire: 'W-1' },
    keywords: ['budget', 'council'],
  };

  test('1.x: every mapped field', () => {
    assert.equal(jsonDialectOf(ninjs1), 'ninjs1');
    const parts = partsOf(json(ninjs1));
    assert.deepEqual(parts, {
      id: 'urn:agency:2024:0001',
      headline: 'Council approves budget',
      subheadline: 'Seven votes to two',
      body: {
        kind: 'html',
        html: '<p>The council approved the budget on Tuesday.</p><p>The vote was 7 to 2.</p>',
      },
      byline: 'Jane Doe',
      located: 'Springfield',
      language: 'en-GB',
      summary: 'The council approved the budget.',
      copyrightHolder: 'Agency',
      copyrightNotice: '© 2024 Agency',
      usageTerms: 'No archiving',
      contentCreated: '2024-03-01T08:30:00Z',
      firstCreated: '2024-03-01T09:00:00Z',
      versionCreated: '2024-03-01T10:15:00+01:00',
      embargoedUntil: '2024-03-02T00:00:00Z',
      urgency: 2,
      pubStatus: 'withheld',
      subjects: [
        { code: 'subj:04018000', name: 'budget' },
        {
          code: 'medtop:20000587',
          name: 'public finance',
          uri: 'http://cv.iptc.org/newscodes/mediatopic/20000587',
        },
        { code: 'LOCAL', name: 'Local news', uri: 'http://agency.example/topics/LOCAL' },
      ],
      keywords: ['budget', 'council'],
      people: [{ name: 'Mary Major', rel: 'about', uri: 'http://agency.example/people/p17', literal: 'p17' }],
      organisations: [{ name: 'Springfield Council', rel: 'about' }],
      // A scheme that cannot complete a URI leaves the code as a literal.
      places: [{ name: 'Springfield', literal: 'SPR' }],
      altIds: [
        { role: 'guid', value: 'b7a5c2' },
        { role: 'inputVersion', value: '3' },
        { role: 'archive', value: 'ARC-17' },
        { role: 'wire', value: 'W-1' },
      ],
    });
    const article = normalised(json(ninjs1));
    assert.deepEqual(ninjsProblems(article.ninjs), []);
    assert.equal(article.ninjs.pubStatus, 'withheld');
    assert.equal(article.ninjs.embargoedUntil, '2024-03-02T00:00:00Z');
    assert.equal(article.ninjs.contentCreated, '2024-03-01T08:30:00Z');
    assert.deepEqual(article.ninjs.headlines?.[1], {
      role: 'sub',
      contentType: 'text/plain',
      value: 'Seven votes to two',
    });
  });

  test('1.x: body_text when there is no HTML body; Superdesk authors when there is no byline', () => {
    const { body_html: _html, byline: _byline, ...rest } = ninjs1;
    const parts = partsOf(
      json({
        ...rest,
        authors: [
          { name: 'Ed Itor', role: 'editor' },
          { name: 'Wri Ter', role: 'writer' },
        ],
      }),
    );
    assert.deepEqual(parts.body, { kind: 'text', paragraphs: ['Not the text body.'] });
    assert.equal(parts.byline, 'Wri Ter');
  });

  const ninjs2 = {
    uri: 'http://agency.example/items/2',
    version: '7',
    type: 'text',
    representationtype: 'full',
    versioncreated: '2024-03-01T10:15:00Z',
    firstcreated: '2024-03-01T09:00:00Z',
    embargoed: '2024-03-02T06:00:00-05:00',
    pubstatus: 'usable',
    urgency: 9,
    copyrightholder: 'Agency',
    language: 'fr',
    headlines: [
      { role: 'sub', value: 'Sept voix contre deux' },
      { role: 'main', contenttype: 'text/html', value: 'Le conseil <em>adopte</em> le budget' },
    ],
    descriptions: [
      { role: 'caption', value: 'Not a summary' },
      { role: 'summary', value: 'Le conseil a adopté le budget.' },
    ],
    bodies: [
      { role: 'main', contenttype: 'text/plain', value: 'Texte.' },
      { role: 'main', contenttype: 'application/xml', value: '<x/>' },
      { role: 'main', contenttype: 'text/html', value: '<p>Le conseil a adopté le budget mardi.</p>' },
    ],
    by: 'Jean Dupont',
    located: 'Lyon',
    subjects: [{ name: 'budget', uri: 'http://cv.iptc.org/newscodes/subjectcode/04018000' }],
    people: [{ name: 'Marie Curie', uri: 'http://agency.example/p/1', rel: 'about' }],
    organisations: [{ name: 'Conseil', literal: 'conseil' }],
    places: [{ name: 'Lyon', geojson: { type: 'Point', coordinates: [4.83, 45.76] } }],
    altids: [{ role: 'archive', value: 'ARC-2' }],
  };

  test('2.x: every mapped field', () => {
    assert.equal(jsonDialectOf(ninjs2), 'ninjs2');
    assert.deepEqual(partsOf(json(ninjs2)), {
      id: 'http://agency.example/items/2',
      headline: 'Le conseil adopte le budget',
      subheadline: 'Sept voix contre deux',
      body: { kind: 'html', html: '<p>Le conseil a adopté le budget mardi.</p>' },
      byline: 'Jean Dupont',
      located: 'Lyon',
      language: 'fr',
      summary: 'Le conseil a adopté le budget.',
      copyrightHolder: 'Agency',
      firstCreated: '2024-03-01T09:00:00Z',
      versionCreated: '2024-03-01T10:15:00Z',
      embargoedUntil: '2024-03-02T06:00:00-05:00',
      urgency: 9,
      pubStatus: 'usable',
      subjects: [
        { code: 'subj:04018000', name: 'budget', uri: 'http://cv.iptc.org/newscodes/subjectcode/04018000' },
      ],
      people: [{ name: 'Marie Curie', rel: 'about', uri: 'http://agency.example/p/1' }],
      organisations: [{ name: 'Conseil', literal: 'conseil' }],
      places: [{ name: 'Lyon', geoJSON: { type: 'Point', coordinates: [4.83, 45.76] } }],
      altIds: [
        { role: 'inputVersion', value: '7' },
        { role: 'archive', value: 'ARC-2' },
      ],
    });
    assert.deepEqual(ninjsProblems(normalised(json(ninjs2)).ninjs), []);
  });

  test('3.0 `embargoed` and 3.2 `embargoedUntil` both give the embargo; `standard` decides the version', () => {
    const base = { uri: 'urn:a:1', headlines: [{ value: 'Headline' }], bodies: [{ value: 'Body text.' }] };
    assert.equal(
      partsOf(json({ ...base, embargoed: '2030-01-01T00:00:00Z', pubStatus: 'usable' })).embargoedUntil,
      '2030-01-01T00:00:00Z',
    );
    assert.equal(
      partsOf(json({ ...base, embargoedUntil: '2030-01-02T00:00:00Z' })).embargoedUntil,
      '2030-01-02T00:00:00Z',
    );
    assert.equal(jsonDialectOf({ ...base, standard: { name: 'ninjs', version: '2.1' } }), 'ninjs2');
    assert.equal(jsonDialectOf({ ...base, $standard: { name: 'ninjs', version: '1.4' } }), 'ninjs1');
    assert.equal(jsonDialectOf({ ...base, versionCreated: '2030-01-01T00:00:00Z' }), 'ninjs3');
    assert.equal(jsonDialectOf({ title: 'x', body: 'y' }), 'cms');
  });

  test('a ninjs picture is not an article; a ninjs item without body or description has no body', () => {
    assert.equal(
      rejection(() => partsOf(json({ uri: 'urn:a:1', type: 'picture', headlines: [{ value: 'Photo' }] })))
        .code,
      'NO_ARTICLE',
    );
    const noBody = rejection(() =>
      partsOf(json({ uri: 'urn:a:1', headlines: [{ value: 'H' }], bodies: [] })),
    );
    assert.equal(noBody.code, 'NO_BODY');
    assert.match(noBody.message, /bodies/);
    assert.equal(
      rejection(() => partsOf(json({ uri: 'urn:a:1', headline: '', body_text: 'Text.' }))).code,
      'NO_HEADLINE',
    );
  });

  test('a ninjs title stands in for a missing headline, recorded in provenance', () => {
    const parts = partsOf(
      json({ uri: 'urn:a:1', title: 'Item title', bodies: [{ value: 'Body text.' }], by: 'X' }),
    );
    assert.equal(parts.headline, 'Item title');
    assert.deepEqual(parts.provenance?.headlines, { rule: 'ninjs:title', confidence: 80 });
  });
});

describe('JSON: ninjs values outside what ninjs allows are dropped and recorded; the article goes through', () => {
  const base = { uri: 'urn:a:1', headlines: [{ value: 'Headline' }], bodies: [{ value: 'Body text.' }] };
  /** The parts of `base` with `fields`, and the provenance entry recorded for `field`. */
  const dropped = (fields: Record<string, unknown>, field: string) => {
    const parts = partsOf(json({ ...base, ...fields }));
    assert.equal(parts.headline, 'Headline');
    const entry = parts.provenance?.[`dropped:${field}`];
    assert.ok(entry?.original !== undefined, `${field} recorded as dropped`);
    return { parts, rule: entry.rule, original: entry.original };
  };

  for (const urgency of [0, 10, 2.5, '3', -1]) {
    test(`urgency ${json(urgency)}`, () => {
      const { parts, rule, original } = dropped({ urgency }, 'urgency');
      assert.equal(parts.urgency, undefined);
      assert.equal(original, String(urgency));
      assert.match(
        rule,
        new RegExp(`urgency: ${json(urgency).replace(/[.]/g, '\\.')} is not an integer from 1 to 9`),
      );
    });
  }

  test('unknown pubStatus: dropped, and withheld (it decides publication)', () => {
    const { parts, rule } = dropped({ pubStatus: 'draft' }, 'pubStatus');
    assert.match(rule, /pubStatus: "draft" is not usable, withheld or canceled/);
    assert.equal(parts.pubStatus, 'withheld');
    // The British spelling is accepted.
    assert.equal(partsOf(json({ ...base, pubStatus: 'cancelled' })).pubStatus, 'canceled');
  });

  test('a uri that is not a URI, at the top and in a subject', () => {
    const top = dropped({ uri: 'not a uri' }, 'uri');
    assert.match(top.rule, /uri: "not a uri" is not a URI/);
    assert.equal(top.parts.id, undefined);
    const subject = dropped({ subjects: [{ name: 'x', uri: 'ht tp://x' }, { name: 'kept' }] }, 'subjects');
    assert.match(subject.rule, /subjects\[0\]\.uri/);
    assert.deepEqual(subject.parts.subjects, [{ name: 'kept' }]);
  });

  test('dates that are not RFC 3339 date-times', () => {
    assert.match(
      dropped({ versionCreated: 'yesterday' }, 'versionCreated').rule,
      /versionCreated: "yesterday" is not an RFC 3339/,
    );
    assert.equal(
      dropped({ firstCreated: '2024-03-01' }, 'firstCreated').parts.firstCreated,
      undefined,
      'a date alone is not a date-time',
    );
    const february30 = dropped({ embargoedUntil: '2024-02-30T10:00:00Z' }, 'embargoedUntil');
    assert.equal(february30.original, '2024-02-30T10:00:00Z');
    assert.equal(february30.parts.embargoedUntil, undefined);
    assert.equal(february30.parts.pubStatus, 'withheld', 'an unreadable embargo must not be broken');
    assert.equal(
      dropped({ contentCreated: '2024-03-01T10:00:00' }, 'contentCreated').parts.contentCreated,
      undefined,
      'no time zone',
    );
  });

  test('language tags and text fields of the wrong shape; a headline of the wrong shape still refuses', () => {
    assert.match(
      dropped({ language: 'not a language!' }, 'language').rule,
      /language: .* is not a BCP 47 language tag/,
    );
    const by = dropped({ by: { name: 'X' } }, 'by');
    assert.match(by.rule, /by: expected text, got an object/);
    assert.equal(by.original, '{"name":"X"}');
    const headlines = rejection(() => partsOf(json({ ...base, headlines: 'Headline' })));
    assert.equal(headlines.code, 'INVALID_FIELD');
    assert.match(headlines.message, /headlines: expected an array, got a string/);
  });
});

describe('JSON: generic CMS exports', () => {
  test('a flat export with common names, HTML detected in `body`', () => {
    const parts = partsOf(
      json({
        id: 4711,
        slug: 'council-budget',
        url: 'https://news.example.com/2024/03/council-budget',
        title: 'Council approves budget',
        subtitle: 'Seven votes to two',
        body: '<p>The council approved the budget on Tuesday.</p><p>The vote was 7 to 2.</p>',
        author: { name: 'Jane Doe', email: 'jane@example.com' },
        published_at: '2024-03-01T10:15:00+01:00',
        updated_at: '2024-03-01T12:00:00Z',
        excerpt: 'The council approved the budget.',
        tags: ['budget', 'council', 'medtop:20000587'],
        locale: 'en_US',
        dateline: 'SPRINGFIELD',
      }),
    );
    assert.deepEqual(parts, {
      headline: 'Council approves budget',
      subheadline: 'Seven votes to two',
      byline: 'Jane Doe',
      located: 'SPRINGFIELD',
      language: 'en-US',
      summary: 'The council approved the budget.',
      contentCreated: '2024-03-01T10:15:00+01:00',
      firstCreated: '2024-03-01T10:15:00+01:00',
      versionCreated: '2024-03-01T12:00:00Z',
      id: 'https://news.example.com/2024/03/council-budget',
      body: {
        kind: 'html',
        html: '<p>The council approved the budget on Tuesday.</p><p>The vote was 7 to 2.</p>',
      },
      subjects: [{ code: 'medtop:20000587' }],
      keywords: ['budget', 'council'],
      altIds: [
        { role: 'id', value: '4711' },
        { role: 'slug', value: 'council-budget' },
      ],
    });
    const article = normalised(
      json({
        title: 'Council approves budget',
        content: BODY_TEXT,
        authors: ['Jane Doe', { display_name: 'John Roe' }],
      }),
    );
    assert.deepEqual(ninjsProblems(article.ninjs), []);
    assert.equal(article.ninjs.by, 'Jane Doe, John Roe');
    assert.equal(plainBody(article), 'The council approved the budget on Tuesday.\n\nThe vote was 7 to 2.');
  });

  test('WordPress REST: rendered fields, GMT dates, numeric author ids ignored', () => {
    const parts = partsOf(
      json({
        id: 123,
        date: '2024-03-01T11:15:00',
        date_gmt: '2024-03-01T10:15:00',
        guid: { rendered: 'https://blog.example.com/?p=123' },
        modified_gmt: '2024-03-02T08:00:00',
        slug: 'council-budget',
        link: 'https://blog.example.com/2024/03/01/council-budget/',
        title: { rendered: 'Council &#8216;approves&#8217; budget' },
        content: { rendered: '<p>The council approved the budget.</p>\n', protected: false },
        excerpt: { rendered: '<p>The council approved the budget.</p>\n' },
        author: 3,
        categories: [5],
        tags: [12, 14],
      }),
    );
    assert.equal(parts.headline, 'Council ‘approves’ budget');
    assert.deepEqual(parts.body, { kind: 'html', html: '<p>The council approved the budget.</p>\n' });
    assert.equal(parts.summary, 'The council approved the budget.');
    assert.equal(parts.contentCreated, '2024-03-01T10:15:00Z');
    assert.equal(parts.versionCreated, '2024-03-02T08:00:00Z');
    assert.equal(parts.provenance, undefined, 'GMT fields are UTC, nothing assumed');
    assert.equal(parts.id, 'https://blog.example.com/?p=123');
    assert.equal(parts.byline, undefined);
    assert.equal(parts.keywords, undefined);
  });

  test('Ghost: html, custom_excerpt, authors and tags as objects', () => {
    const parts = partsOf(
      json({
        uuid: '8a1e7c2e-2b4f-4f5e-9b1a-1c2d3e4f5a6b',
        title: 'Council approves budget',
        slug: 'council-budget',
        html: '<p>The council approved the budget.</p>',
        plaintext: 'The council approved the budget.',
        custom_excerpt: 'Budget approved.',
        published_at: '2024-03-01T10:15:00.000Z',
        authors: [{ name: 'Jane Doe' }, { name: 'John Roe' }],
        tags: [{ name: 'Politics' }, { name: 'Budget' }],
      }),
    );
    assert.deepEqual(parts.body, { kind: 'html', html: '<p>The council approved the budget.</p>' });
    assert.equal(parts.byline, 'Jane Doe, John Roe');
    assert.equal(parts.summary, 'Budget approved.');
    assert.equal(parts.contentCreated, '2024-03-01T10:15:00.000Z');
    assert.deepEqual(parts.keywords, ['Politics', 'Budget']);
    assert.equal(parts.id, '8a1e7c2e-2b4f-4f5e-9b1a-1c2d3e4f5a6b');
  });

  test('one wrapper level: article, data (with meta beside it), JSON:API attributes, one-item arrays in a wrapper', () => {
    const article = { title: 'Wrapped headline', body: BODY_TEXT, author: 'Jane Doe' };
    for (const document of [{ article }, { data: article, meta: { page: 1 } }, { item: [article] }]) {
      const parts = partsOf(json(document));
      assert.equal(parts.headline, 'Wrapped headline', json(document));
      assert.equal(parts.byline, 'Jane Doe');
    }
    const jsonApi = partsOf(json({ data: { id: '42', type: 'articles', attributes: article } }));
    assert.equal(jsonApi.headline, 'Wrapped headline');
    assert.equal(jsonApi.id, '42');
    // Only one level: an article two wrappers down is not found.
    assert.equal(rejection(() => partsOf(json({ data: { item: article } }))).code, 'NO_HEADLINE');
  });

  test('plain-text bodies, lenient dates, drafts and the date assumptions in provenance', () => {
    const parts = partsOf(
      json({
        headline: 'Headline',
        text: 'Line one\nLine two',
        date: '2024-03-01',
        modified: 1709287200,
        draft: true,
        keywords: 'budget, council',
      }),
    );
    assert.deepEqual(parts.body, { kind: 'text', paragraphs: ['Line one', 'Line two'] });
    assert.equal(parts.contentCreated, '2024-03-01T00:00:00Z');
    assert.deepEqual(parts.provenance?.contentCreated, { rule: 'date-only:midnight-utc', confidence: 70 });
    assert.equal(parts.versionCreated, '2024-03-01T10:00:00Z');
    assert.equal(parts.pubStatus, 'withheld');
    assert.deepEqual(parts.keywords, ['budget', 'council']);
    const rss = partsOf(
      json({ title: 'T', description: 'D', content: 'Body.', pubDate: 'Fri, 01 Mar 2024 10:15:00 GMT' }),
    );
    assert.equal(rss.contentCreated, '2024-03-01T10:15:00Z');
    const undated = partsOf(json({ title: 'T', body: 'B', published_at: 'last Tuesday' }));
    assert.equal(undated.contentCreated, undefined);
    assert.equal(undated.provenance?.['dropped:contentCreated']?.original, 'last Tuesday');
    assert.match(
      undated.provenance?.['dropped:contentCreated']?.rule ?? '',
      /published_at: "last Tuesday" is not a date or date-time/,
    );
  });

  test('an epoch time beyond the year 9999 is dropped, as RFC 3339 cannot write it', () => {
    // 253,402,300,800,000 ms is 10000-01-01T00:00:00Z; one second earlier is the last RFC 3339 time.
    const tooLate = normalised(json({ title: 'T', body_html: '<p>Body.</p>', date_gmt: 253402300800000 }));
    assert.equal(tooLate.ninjs.contentCreated, undefined);
    assert.equal(tooLate.provenance?.['dropped:contentCreated']?.original, '253402300800000');
    assert.deepEqual(ninjsProblems(tooLate.ninjs), []);
    const last = partsOf(json({ title: 'T', body: 'B', date_gmt: 253402300799000 }));
    assert.equal(last.contentCreated, '9999-12-31T23:59:59Z');
  });

  test('no headline and no body name the fields looked for', () => {
    const noHeadline = rejection(() => partsOf(json({ body: BODY_TEXT })));
    assert.equal(noHeadline.code, 'NO_HEADLINE');
    assert.match(noHeadline.message, /title, headline/);
    const noBody = rejection(() => partsOf(json({ title: 'Headline', summary: 'Only a summary' })));
    assert.equal(noBody.code, 'NO_BODY');
    assert.match(noBody.message, /body_html.*content/);
    assert.equal(
      rejection(() => partsOf(json({ title: 'Headline', body: { blocks: [] } }))).code,
      'INVALID_FIELD',
    );
  });
});

describe('JSON: hostile and malformed input', () => {
  test('__proto__, constructor and prototype keys pollute nothing and inject nothing', () => {
    const hostile =
      '{"__proto__": {"polluted": true, "title": "Injected"}, "constructor": {"prototype": {"polluted": true}},' +
      ' "prototype": {"polluted": true}, "headline": "Real headline", "body_text": "Real body.",' +
      ' "subject": [{"__proto__": {"polluted": true}, "code": "04018000", "name": "budget"}],' +
      ' "altids": {"__proto__": "x", "constructor": "y"},' +
      ' "place": [{"name": "Here", "geojson": {"type": "Point", "coordinates": [1, 2], "__proto__": {"polluted": true}}}]}';
    const parts = partsOf(hostile);
    const article = normalised(hostile);
    const wrapped = partsOf(`{"data": ${hostile.replace('"headline"', '"title"')}}`);
    assert.equal(parts.headline, 'Real headline');
    assert.equal(wrapped.headline, 'Real headline');
    assert.deepEqual(parts.altIds, [
      { role: '__proto__', value: 'x' },
      { role: 'constructor', value: 'y' },
    ]);
    assert.deepEqual(ninjsProblems(article.ninjs), []);
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    assert.equal(Object.getPrototypeOf(parts), Object.prototype);
    assert.equal((parts as unknown as Record<string, unknown>).polluted, undefined);
    // A `__proto__` key holding the fields is data, not a source of inherited fields.
    assert.equal(
      rejection(() => partsOf('{"__proto__": {"title": "Injected", "body": "Injected"}}')).code,
      'NO_HEADLINE',
    );
  });

  test('100,000 levels of nesting are refused with TOO_DEEP', () => {
    for (const deep of [
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      `{"title": "T", "body": "B", "x": ${'['.repeat(100_000)}`,
    ]) {
      const error = rejection(() => partsOf(deep));
      assert.equal(error.code, 'TOO_DEEP');
    }
    // The limit is the context's, and brackets inside strings do not count.
    assert.equal(
      rejection(() => parseJson('[[[{"a": 1}]]]', { key: 'k', limits: { maxDepth: 3 } })).code,
      'TOO_DEEP',
    );
    const bracketsInText = partsOf(
      json({ title: `[[[${'['.repeat(10_000)} \\" {{{`, body: 'Body "quoted" [x]' }),
    );
    assert.ok(bracketsInText.headline.startsWith('[[['));
  });

  test('invalid JSON is MALFORMED with its position', () => {
    const error = rejection(() => partsOf('{"title": "T",\n "body": }'));
    assert.equal(error.code, 'MALFORMED');
    assert.match(error.message, /invalid JSON: .*position \d+/);
    assert.match(error.message, /line 2/);
    assert.equal(rejection(() => partsOf('{"title": "T"')).code, 'MALFORMED');
  });

  test('anything but one article object is NO_ARTICLE, saying what it got', () => {
    const cases: [string, RegExp][] = [
      ['"just a string"', /got a string/],
      ['42', /got a number/],
      ['null', /got null/],
      ['[]', /JSON array \(an array of 0 items\)/],
      [json([{ title: 'A', body: BODY_TEXT }]), /JSON array \(an array of 1 items\), a feed or list/],
      [json([{ post: { title: 'A', body: BODY_TEXT } }]), /JSON array/],
      [
        json([
          { title: 'A', body: 'a' },
          { title: 'B', body: 'b' },
        ]),
        /JSON array \(an array of 2 items\)/,
      ],
      [json({ data: [{ title: 'A' }, { title: 'B' }] }), /in "data", got an array of 2 items/],
    ];
    for (const [text, message] of cases) {
      const error = rejection(() => partsOf(text));
      assert.equal(error.code, 'NO_ARTICLE', text);
      assert.match(error.message, message);
    }
  });

  test('a UTF-8 byte order mark before the JSON is ignored', () => {
    assert.equal(partsOf(`\uFEFF${json({ title: 'T', body: 'Body.' })}`).headline, 'T');
  });
});
