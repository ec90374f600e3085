import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RejectedInputError } from '../../../shared/domain/errors.js';
import { normaliseObject } from '../../../shared/normaliser/normalise.js';
import { safeText } from '../../../shared/normaliser/safe-text.js';
import { unsafeStrings } from '../../robustness/text-safety.js';

const BODY =
  'The finance minister said on Tuesday that the new budget would raise spending on schools and hospitals by ten percent.';

async function normalise(key: string, text: string) {
  return normaliseObject({ key, bytes: Buffer.from(text) });
}

describe('every string partners get is safe', () => {
  test('a ninjs item with markup, handlers, javascript: URIs and bidi overrides outside the body', async () => {
    const item = {
      uri: 'urn:agency:2024:budget',
      headlines: [
        { role: 'main', value: 'Budget <img src=x onerror=alert(1)>passes' },
        { role: 'sub', value: '<script>alert(document.cookie)</script>' },
      ],
      bodies: [{ role: 'main', contentType: 'text/plain', value: BODY }],
      by: '<a href="javascript:alert(1)" onclick="steal()">Jane Doe</a>',
      located: 'Kyiv\u202e\u2066',
      copyrightNotice: '\u00a9 2024 Agency <b onmouseover=alert(1)>Ltd</b>',
      usageTerms: 'Use within 24 hours\u0007\u009b',
      people: [
        { name: 'Jane <svg onload=alert(1)>Doe', uri: 'javascript:alert(1)' },
        { name: 'Olena Zelenska', uri: 'https://www.wikidata.org/wiki/Q12345' },
      ],
      places: [{ name: 'Kyiv', uri: 'vbscript:msgbox(1)' }],
      // ninjs 3.x contact details: a link that runs script is no contact.
      organisations: [
        { name: 'Ministry', uri: 'data:text/html;base64,PHNjcmlwdD4=' },
        {
          name: 'Finance Department',
          contactInfo: [
            { type: 'web', value: 'javascript:alert(1)' },
            { type: 'email', value: 'mailto:press@finance.example' },
          ],
        },
      ],
    };
    const article = await normalise('agency/budget.json', JSON.stringify(item));
    const { ninjs, provenance } = article;
    assert.deepEqual(unsafeStrings(ninjs), []);
    assert.equal(ninjs.headlines?.[0]?.value, 'Budget passes');
    assert.equal(ninjs.headlines?.length, 1, 'a sub headline of nothing but a script is dropped');
    assert.equal(ninjs.by, 'Jane Doe');
    assert.equal(ninjs.located, 'Kyiv');
    assert.equal(ninjs.copyrightNotice, '\u00a9 2024 Agency Ltd');
    assert.equal(ninjs.usageTerms, 'Use within 24 hours');
    const jane = ninjs.people?.find((person) => person.name === 'Jane Doe');
    assert.ok(jane, 'the person is kept, without the javascript: URI');
    assert.equal(jane.uri, undefined);
    assert.equal(
      ninjs.people?.find((person) => person.name === 'Olena Zelenska')?.uri,
      'https://www.wikidata.org/wiki/Q12345',
    );
    assert.equal(provenance['dropped:people.uri']?.original, 'javascript:alert(1)');
    assert.equal(provenance['dropped:places.uri']?.original, 'vbscript:msgbox(1)');
    assert.equal(ninjs.places?.find((place) => place.name === 'Kyiv')?.uri, undefined);
    assert.ok(provenance['safe-text:headlines.value']);
    const department = ninjs.organisations?.find(
      (organisation) => organisation.name === 'Finance Department',
    );
    assert.deepEqual(department?.contactInfo, [{ type: 'email', value: 'mailto:press@finance.example' }]);
    assert.equal(provenance['dropped:organisations.contactInfo.value']?.original, 'javascript:alert(1)');
  });

  test('a NITF story whose headline and byline carry escaped markup (decoded by the XML parser)', async () => {
    const nitf = `<?xml version="1.0" encoding="UTF-8"?>
<nitf><head><title>Budget passes</title></head><body><body.head>
<hedline><hl1>Budget passes &lt;img src=x onerror=alert(1)&gt;</hl1></hedline>
<byline>By Jane Doe&lt;script&gt;alert(1)&lt;/script&gt;</byline>
<dateline><location>OTTAWA&#x202E;</location></dateline></body.head>
<body.content><p>${BODY}</p><p>He said &lt;b&gt; tags are not news.</p></body.content></body></nitf>`;
    const { ninjs } = await normalise('cp/budget.xml', nitf);
    assert.deepEqual(unsafeStrings(ninjs), []);
    assert.equal(ninjs.headlines?.[0]?.value, 'Budget passes');
    assert.equal(ninjs.by, 'Jane Doe');
    assert.equal(ninjs.located, 'OTTAWA');
    const plain = ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
    assert.match(
      plain,
      /He said b> tags are not news\./,
      'the plain body keeps the words, not the tag start',
    );
  });

  test('a headline of nothing but zero-width characters or markup has no headline', async () => {
    for (const headline of ['\u200b\u200b', '<img src=x onerror=alert(1)>']) {
      const item = { uri: 'urn:a:1', headlines: [{ value: headline }], bodies: [{ value: BODY }] };
      await assert.rejects(
        normalise('a/zero.json', JSON.stringify(item)),
        (error: unknown) => error instanceof RejectedInputError && error.code === 'NO_HEADLINE',
      );
    }
  });

  test('directional marks are kept in right-to-left text, removed from identifiers', () => {
    const hebrew = 'תל אביב\u200f (Tel Aviv)';
    assert.equal(safeText(hebrew), hebrew);
    assert.equal(
      safeText('https://example.com/\u200fpath', { identifier: true }),
      'https://example.com/path',
    );
    // Trojan Source: an override that makes "txt.exe" read "exe.txt".
    assert.equal(safeText('report\u202etxt.exe'), 'reporttxt.exe');
    // Text without anything to change is returned as it is.
    const plain = 'AT&T & "quotes" <- arrows';
    assert.equal(safeText(plain), plain);
  });

  test('a zero-width character between `<` and a letter cannot make a tag once it is removed', async () => {
    // Found by the string-safety property (seed -640077793): the subject literal came out `<vbscript:x`.
    const ninjs = JSON.stringify({
      uri: 'https://example.com/budget',
      headlines: [{ role: 'main', value: 'Budget approved' }],
      bodies: [{ role: 'main', contentType: 'text/plain', value: BODY }],
      subjects: [{ literal: '<\u200bvbscript:x' }, { literal: '<\u200bscript>' }],
    });
    const article = await normalise('agency/zero-width.json', ninjs);
    assert.deepEqual(unsafeStrings(article.ninjs), []);
    for (const subject of article.ninjs.subjects ?? []) assert.doesNotMatch(subject.literal ?? '', /<[a-z]/i);
  });
});
