/**
 * Property: whatever the input, every string partners receive outside the HTML body (headlines, by,
 * located, descriptions, rights, entity names and URIs, the plain-text body, identifiers) is safe:
 * parsed as HTML by parse5 (jsdom) it builds no element, so no `<tag` and no `on…=` handler; it
 * holds no control or bidi-override character; every `uri`/`href` is http(s), urn or tag. Checked on
 * documents of every format and on ninjs and CMS items whose every text field holds hostile strings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import { unsafeStrings } from '../robustness/text-safety.js';
import {
  cmsDocument,
  htmlPage,
  markdownDocument,
  newsmlDocument,
  ninjsDocument,
  nitfDocument,
  wireText,
} from './arbitraries.js';
import { runProperty, tally } from './run-property.js';

const BODY =
  'The finance minister said on Tuesday that the new budget would raise spending on schools and hospitals.';

/** Pieces of hostile strings: markup, handlers, schemes, entities, controls, bidi and zero-width characters. */
const PIECE = fc.oneof(
  fc.constantFrom(
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<svg/onload=alert(1)>',
    '</title><script>',
    '<!--',
    '<![CDATA[',
    '<?xml',
    '<a href="javascript:alert(1)">',
    '&lt;img src=x onerror=alert(1)&gt;',
    '&#60;script&#62;',
    '" onmouseover="alert(1)',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<b>',
    'vbscript:x',
    ' java\tscript:x',
    'https://ok.example/p',
    'urn:x:1',
    'tag:example.com,2024:1',
    '\u202e',
    '\u2066',
    '\u2069',
    '\u200f',
    '\u200b',
    '\u0000',
    '\u0007',
    '\u001b',
    '\u007f',
    '\u009b',
    '\u2028',
    '\ud800',
    'Budget',
    'Jane Doe',
    'Zürich',
    'مرحبا',
    ' ',
    '<',
    '>',
    '&',
  ),
  fc.string({ maxLength: 6, unit: 'binary' }),
);
const HOSTILE = fc.array(PIECE, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join(''));
const CONCEPT = fc.record(
  {
    name: HOSTILE,
    uri: fc.oneof(HOSTILE, PIECE),
    literal: HOSTILE,
    contactInfo: fc.array(
      fc.record({ type: fc.constantFrom('web', 'email', 'phone'), value: fc.oneof(HOSTILE, PIECE) }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

/** A ninjs 3.x item whose every text field, name and URI holds a hostile string (the headline too). */
const hostileNinjs = fc
  .record({
    headline: fc.oneof(
      HOSTILE,
      HOSTILE.map((text) => `Budget ${text}`),
    ),
    sub: HOSTILE,
    by: HOSTILE,
    located: HOSTILE,
    summary: HOSTILE,
    body: fc.oneof(
      fc.constant(BODY),
      HOSTILE.map((text) => `${BODY} ${text}`),
    ),
    copyrightHolder: HOSTILE,
    copyrightNotice: HOSTILE,
    usageTerms: HOSTILE,
    people: fc.array(CONCEPT, { maxLength: 3 }),
    organisations: fc.array(CONCEPT, { maxLength: 2 }),
    places: fc.array(CONCEPT, { maxLength: 2 }),
    subjects: fc.array(CONCEPT, { maxLength: 3 }),
    uri: fc.oneof(PIECE, fc.constant('urn:fuzz:1')),
  })
  .map((fields) =>
    JSON.stringify({
      uri: fields.uri,
      headlines: [
        { role: 'main', value: fields.headline },
        { role: 'sub', value: fields.sub },
      ],
      descriptions: [{ role: 'summary', value: fields.summary }],
      bodies: [{ role: 'main', contentType: 'text/plain', value: fields.body }],
      by: fields.by,
      located: fields.located,
      copyrightHolder: fields.copyrightHolder,
      copyrightNotice: fields.copyrightNotice,
      usageTerms: fields.usageTerms,
      people: fields.people,
      organisations: fields.organisations,
      places: fields.places,
      subjects: fields.subjects,
    }),
  );

/** A CMS export with hostile strings in its common fields. */
const hostileCms = fc
  .record({
    title: HOSTILE,
    author: HOSTILE,
    excerpt: HOSTILE,
    dateline: HOSTILE,
    url: PIECE,
    license: HOSTILE,
  })
  .map((fields) => JSON.stringify({ ...fields, title: `Budget ${fields.title}`, body: BODY }));

const SOURCES: readonly [string, string, fc.Arbitrary<string>][] = [
  ['hostile ninjs fields', 'json', hostileNinjs],
  ['hostile CMS fields', 'json', hostileCms],
  ['text', 'txt', wireText],
  ['markdown', 'md', markdownDocument],
  ['html', 'html', htmlPage],
  ['ninjs', 'json', ninjsDocument],
  ['nitf', 'xml', nitfDocument],
  ['newsml', 'xml', newsmlDocument],
  ['cms json', 'json', cmsDocument],
];

describe('fuzz: every string partners get is safe', () => {
  for (const [name, extension, documents] of SOURCES) {
    test(`${name}: no element, handler, control or bidi character, or other URI scheme in any string`, async (t) => {
      const outcomes = tally();
      await runProperty(
        t,
        fc.asyncProperty(documents, async (text) => {
          let article: Awaited<ReturnType<typeof normaliseObject>>;
          try {
            article = await normaliseObject({ key: `fuzz/strings.${extension}`, bytes: Buffer.from(text) });
          } catch (error) {
            if (!(error instanceof RejectedInputError)) throw error;
            // Cleaning strings must never leave a document the schema refuses.
            assert.notEqual(error.code, 'INVALID_NINJS', error.message);
            outcomes.refused++;
            return;
          }
          outcomes.accepted++;
          assert.deepEqual(unsafeStrings(article.ninjs), []);
        }),
        150,
        { outcomes },
      );
    });
  }
});
