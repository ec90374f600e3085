import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNewsml } from '../../../../shared/normaliser/parsers/newsml.js';
import type { ArticleParts } from '../../../../shared/normaliser/parts.js';
import { assembleValid, decodedFixture, rejection } from '../../../helpers/formats.js';
import { FIXTURES } from '../../../helpers/paths.js';

const CONTEXT = { key: 'wire/item.xml', limits: { maxDepth: 64 } };
const NAR = 'http://iptc.org/std/nar/2006-10-01/';

/**
 * Fixture bytes as text, by the encoding the XML declaration names. Charset detection belongs to
 * shared/normaliser/decode.ts; here it is only what the parser needs: already-decoded text.
 */
function readFixture(name: string): string {
  return decodedFixture(`${FIXTURES}newsml-g2/${name}`);
}

function parse(text: string): ArticleParts {
  return parseNewsml(text, CONTEXT);
}

function assemble(parts: ArticleParts, key = CONTEXT.key) {
  return assembleValid(parts, key, 'newsml');
}

interface ItemOptions {
  readonly itemClass?: string;
  readonly itemMeta?: string;
  readonly contentMeta?: string;
  readonly contentSet?: string;
}

/** A minimal text newsItem; each option replaces that part. */
function item(options: ItemOptions = {}): string {
  const {
    itemClass = 'ninat:text',
    itemMeta = '',
    contentMeta = '<headline>A headline</headline>',
    contentSet = '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Body text.</p></body></html></inlineXML>',
  } = options;
  return `<newsItem xmlns="${NAR}" guid="urn:test:1" version="2"><itemMeta><itemClass qcode="${itemClass}"/>${itemMeta}</itemMeta><contentMeta>${contentMeta}</contentMeta><contentSet>${contentSet}</contentSet></newsItem>`;
}

describe('NewsML-G2 fixture ansa-newsmlg2-text.xml (newsMessage, inlineData text/plain)', () => {
  const parts = parse(readFixture('ansa-newsmlg2-text.xml'));

  test('the text newsItem of the message: guid, version, headlines', () => {
    assert.equal(parts.id, 'tag:ansa.it,2017-10-11:40e5fb1034e7e2b21942ea09718fc85a');
    assert.equal(parts.headline, 'Catalan independence declaration unacceptable - Alfano');
    assert.equal(parts.subheadline, 'Foreign minister expresses faith in Spanish government');
    assert.deepEqual(parts.altIds, [{ role: 'newsml:version', value: '1' }]);
  });

  test('item and content metadata: status, dates with a colon in the offset, urgency, located, language', () => {
    assert.equal(parts.pubStatus, 'usable');
    assert.equal(parts.versionCreated, '2017-10-11T10:41:00+01:00');
    assert.equal(parts.firstCreated, '2017-10-11T10:41:00+01:00');
    assert.equal(parts.contentCreated, '2017-10-11T10:41:00+01:00');
    assert.equal(parts.embargoedUntil, undefined);
    assert.equal(parts.urgency, 5);
    assert.equal(parts.located, 'Rome');
    // As stated by the item, although the text is English (see the report on stated languages).
    assert.equal(parts.language, 'it');
    assert.equal(parts.byline, undefined);
  });

  test('literal-only subjects are keywords; rights', () => {
    assert.equal(parts.subjects, undefined);
    assert.deepEqual(parts.keywords, ['ALR', 'Catalan independence declaration unacceptable - Alfano']);
    assert.equal(parts.copyrightHolder, 'ANSA');
    assert.match(parts.copyrightNotice ?? '', /^\(c\) Copyright ANSA 2017\. Click For Restrictions/);
  });

  test('HTML inside the text/plain CDATA is read as text, wire paragraphs split at indented lines', () => {
    assert.equal(parts.body.kind, 'text');
    const paragraphs = parts.body.kind === 'text' ? parts.body.paragraphs : [];
    assert.deepEqual(paragraphs, [
      '(ANSA) - Rome, October 11 - Italian Foreign Minister Angelino Alfano has said that the Catalan independence declaration is unacceptable.',
      '"Unacceptable Catalan unilateral independence declaration," Alfano said via his @angealfa Twitter account.',
      '"Our faith in the Spanish government, which will know how to guarantee the rights of all citizens".',
      'Catalan leader Carles Puigdemont signed a declaration of independence on Tuesday, but halted implementation to allow for negotiations.',
    ]);
  });

  test('assembles to valid ninjs with the guid as uri', () => {
    const { article, html } = assemble(parts, 'ansa/ansa-newsmlg2-text.xml');
    assert.equal(article.ninjs.uri, 'tag:ansa.it,2017-10-11:40e5fb1034e7e2b21942ea09718fc85a');
    assert.equal(html.match(/<p>/g)?.length, 4);
    assert.ok(!html.includes('&lt;p&gt;'), 'no markup shown as text');
  });
});

describe('NewsML-G2 fixture stt_newsml_test.xml (newsItem, inlineXML XHTML in the NAR namespace)', () => {
  const parts = parse(readFixture('stt_newsml_test.xml'));

  test('guid, version, altIds', () => {
    assert.equal(parts.id, 'urn:newsml:stt.fi:20171219:101801633');
    assert.deepEqual(parts.altIds, [
      { role: 'sttidtype:textid', value: '114791381' },
      { role: 'sttidtype:runningnumber', value: 'stt 107' },
      { role: 'newsml:version', value: '4' },
    ]);
  });

  test('headline; empty <by/> and <description/> give nothing', () => {
    assert.equal(
      parts.headline,
      'Parliament passed the Alcohol Act and the government gained confidence*** TRANSLATED ***',
    );
    assert.equal(parts.subheadline, undefined);
    assert.equal(parts.byline, undefined);
    assert.equal(parts.summary, undefined);
  });

  test('metadata: located name, urgency, dates, status, language from xml:lang', () => {
    assert.equal(parts.located, 'Helsinki');
    assert.equal(parts.urgency, 3);
    assert.equal(parts.pubStatus, 'usable');
    assert.equal(parts.versionCreated, '2017-10-18T11:16:43+02:00');
    assert.equal(parts.firstCreated, '2017-12-19T10:33:04+02:00');
    assert.equal(parts.contentCreated, '2017-12-19T10:33:04+02:00');
    assert.equal(parts.language, 'fi-FI');
  });

  test('provider subjects keep their qcode and name', () => {
    assert.deepEqual(parts.subjects, [
      { code: 'stt-topics:437036' },
      { code: 'sttdepartment:9', name: 'Politics' },
    ]);
    assert.equal(parts.keywords, undefined);
  });

  test('body: h2, paragraphs, the h3 lifted out of its <p>, double-escaped entities repaired', () => {
    const html = parts.body.kind === 'html' ? parts.body.html : '';
    assert.ok(
      html.startsWith(
        '<p>*** DISCLAIMER: THIS IS AN AUTOMATED TRANSLATION FROM FINNISH ***</p>\n<h2>Also the unemployment law went through</h2>',
      ),
    );
    assert.ok(html.includes('<h3>Rinne: Hallitus runnoi läpi työttömiä kurittavan lain</h3>'));
    assert.ok(!html.includes('<p></p>') && !html.includes('<p><h3>'));
    assert.ok(html.includes("until 4 o'clock."));
    assert.ok(html.includes('<p>"The will of the government is'));
    assert.ok(!html.includes('&amp;#39;') && !html.includes('&amp;quot;'));
    assert.ok(html.includes('limitedAlkoon,'), 'the unknown <Company> element keeps its text');
    assert.ok(html.endsWith('Rinne sanoi tiedotteessaan heti äänestyksen jälkeen.</p>'));
  });

  test('assembles to valid ninjs', () => {
    const { article, plain } = assemble(parts, 'stt/stt_newsml_test.xml');
    assert.equal(article.ninjs.uri, 'urn:newsml:stt.fi:20171219:101801633');
    assert.equal(article.ninjs.located, 'Helsinki');
    // 38 paragraphs with text, the h2 and the h3 (whose <p> wrapper is not a paragraph of its own).
    assert.equal(plain.split('\n\n').length, 40);
  });
});

describe('NewsML-G2 items and messages', () => {
  test('a newsMessage gives its first text item, skipping pictures', () => {
    const picture = item({
      itemClass: 'ninat:picture',
      contentMeta: '<headline>Photo</headline>',
      contentSet: '',
    });
    const text = item().replace('urn:test:1', 'urn:test:2');
    const message = `<newsMessage xmlns="${NAR}"><header/><itemSet>${picture}${text}${item()}</itemSet></newsMessage>`;
    const parts = parse(message);
    assert.equal(parts.id, 'urn:test:2');
    assert.equal(parts.headline, 'A headline');
  });

  test('a message without a text item, or a picture item, is NO_ARTICLE', () => {
    const picture = item({ itemClass: 'ninat:picture', contentSet: '' });
    assert.equal(
      rejection(() => parse(`<newsMessage xmlns="${NAR}"><itemSet>${picture}</itemSet></newsMessage>`)).code,
      'NO_ARTICLE',
    );
    assert.equal(rejection(() => parse(picture)).code, 'NO_ARTICLE');
  });

  test('other G2 items are UNSUPPORTED_FORMAT', () => {
    const error = rejection(() => parse(`<packageItem xmlns="${NAR}" guid="p"/>`));
    assert.equal(error.code, 'UNSUPPORTED_FORMAT');
  });

  test('a headline falls back to itemMeta/title; none at all is NO_HEADLINE', () => {
    const titled = parse(
      item({
        itemMeta: '<title>Title only</title>',
        contentMeta: '<headline role="hld:subHeadline">Sub</headline>',
      }),
    );
    assert.equal(titled.headline, 'Title only');
    assert.equal(titled.subheadline, 'Sub');
    assert.equal(titled.provenance?.headlines?.rule, 'newsml:itemMeta-title');
    assert.equal(rejection(() => parse(item({ contentMeta: '<headline> </headline>' }))).code, 'NO_HEADLINE');
  });

  test('no inline content is NO_BODY, and says remote content is not fetched', () => {
    const error = rejection(() =>
      parse(item({ contentSet: '<remoteContent href="https://example.com/story.xml"/>' })),
    );
    assert.equal(error.code, 'NO_BODY');
    assert.match(error.message, /remoteContent is never fetched/);
    assert.equal(
      rejection(() => parse(item({ contentSet: '<inlineXML><html><body><p/></body></html></inlineXML>' })))
        .code,
      'NO_BODY',
    );
  });
});

describe('NewsML-G2 content renditions', () => {
  test('plain inlineData: blank lines separate paragraphs, lines inside are joined', () => {
    const parts = parse(
      item({
        contentSet:
          '<inlineData contenttype="text/plain">First line\nwraps here.\n\n  Second &amp; last.\n</inlineData>',
      }),
    );
    assert.deepEqual(parts.body, { kind: 'text', paragraphs: ['First line wraps here.', 'Second & last.'] });
  });

  test('plain inlineData without blank lines or indents: one paragraph a line', () => {
    const parts = parse(item({ contentSet: '<inlineData>One.\nTwo.\r\nThree.</inlineData>' }));
    assert.deepEqual(parts.body, { kind: 'text', paragraphs: ['One.', 'Two.', 'Three.'] });
  });

  test('base64 inlineData is decoded; other encodings are skipped', () => {
    const encoded = Buffer.from('Décodé.\n\nDeux.', 'utf8').toString('base64');
    const parts = parse(
      item({ contentSet: `<inlineData encoding="base64" contenttype="text/plain">${encoded}</inlineData>` }),
    );
    assert.deepEqual(parts.body, { kind: 'text', paragraphs: ['Décodé.', 'Deux.'] });
    assert.equal(
      rejection(() => parse(item({ contentSet: '<inlineData encoding="uu">xx</inlineData>' }))).code,
      'NO_BODY',
    );
  });

  test('text/html inlineData is HTML, sanitised by the assembly', () => {
    const parts = parse(
      item({
        contentSet:
          '<inlineData contenttype="text/html"><![CDATA[<p onclick="x()">Hi <script>x()</script></p>]]></inlineData>',
      }),
    );
    assert.equal(parts.body.kind, 'html');
    const { html } = assemble(parts);
    assert.equal(html, '<p>Hi </p>');
  });

  test('NITF inside inlineXML gives its body.content', () => {
    const parts = parse(
      item({
        contentSet:
          '<inlineXML contenttype="application/nitf+xml"><nitf xmlns=""><body><body.content><hl2>Sub</hl2><p>NITF text.</p></body.content></body></nitf></inlineXML>',
      }),
    );
    assert.deepEqual(parts.body, { kind: 'html', html: '<h3>Sub</h3>\n<p>NITF text.</p>' });
  });

  test('scripts and handlers in inlineXML never survive assembly', () => {
    const parts = parse(
      item({
        contentSet:
          '<inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><head><script>bad()</script></head><body onload="bad()"><p style="x" onmouseover="bad()">Text <a href="javascript:bad()">link</a></p><script>bad()</script><iframe src="https://evil.example"/></body></html></inlineXML>',
      }),
    );
    const { html, plain } = assemble(parts);
    assert.equal(html, '<p>Text link</p>');
    assert.ok(!plain.includes('bad()'));
  });
});

describe('NewsML-G2 field decisions', () => {
  test('subjects: medtop and subj codes map to Media Topics; IPTC URIs become codes; literals become keywords', () => {
    const parts = parse(
      item({
        contentMeta: `<headline>H</headline>
          <subject qcode="medtop:15000000"><name>sport</name></subject>
          <subject qcode="subj:04000000"/>
          <subject uri="http://cv.iptc.org/newscodes/mediatopic/11000000"/>
          <subject literal="Local politics"/>
          <keyword>elections</keyword><keyword> </keyword>`,
      }),
    );
    assert.deepEqual(parts.subjects, [
      { code: 'medtop:15000000', name: 'sport' },
      { code: 'subj:04000000' },
      { code: 'medtop:11000000', uri: 'http://cv.iptc.org/newscodes/mediatopic/11000000' },
    ]);
    assert.deepEqual(parts.keywords, ['elections', 'Local politics']);
    const { article } = assemble(parts);
    for (const code of ['medtop:15000000', 'medtop:04000000', 'medtop:11000000']) {
      assert.ok(article.subjectCodes.includes(code), code);
    }
  });

  test('by, located, language tag, summary by role, rights', () => {
    const parts = parse(
      item({
        contentMeta: `<headline>H</headline><by>By Jane Doe, Reuters</by>
          <located qcode="geo:1"><name>Oslo</name></located><language tag="nb"/>
          <description role="drol:caption">Not this</description><description role="drol:summary">The summary.</description>`,
      }).replace(
        '<itemMeta>',
        '<rightsInfo><copyrightHolder><name>Agency</name></copyrightHolder><usageTerms>Web only</usageTerms></rightsInfo><itemMeta>',
      ),
    );
    assert.equal(parts.byline, 'Jane Doe, Reuters');
    assert.equal(parts.located, 'Oslo');
    assert.equal(parts.language, 'nb');
    assert.equal(parts.summary, 'The summary.');
    assert.equal(parts.copyrightHolder, 'Agency');
    assert.equal(parts.usageTerms, 'Web only');
  });

  test('embargoed with a time; empty embargoed is withheld; unreadable is dropped and withheld', () => {
    const embargoed = parse(
      item({ itemMeta: '<pubStatus qcode="stat:usable"/><embargoed>2024-05-01T09:00:00+0200</embargoed>' }),
    );
    assert.equal(embargoed.embargoedUntil, '2024-05-01T09:00:00+02:00');
    assert.equal(embargoed.pubStatus, 'usable');
    assemble(embargoed);
    const indefinite = parse(item({ itemMeta: '<embargoed/>' }));
    assert.equal(indefinite.pubStatus, 'withheld');
    assert.equal(indefinite.provenance?.pubStatus?.rule, 'newsml:embargoed-without-time');
    const unreadable = parse(item({ itemMeta: '<embargoed>soon</embargoed>' }));
    assert.equal(unreadable.embargoedUntil, undefined);
    assert.equal(unreadable.pubStatus, 'withheld');
    assert.equal(unreadable.provenance?.['dropped:embargoedUntil']?.original, 'soon');
    assemble(unreadable);
  });

  test('pubStatus: withheld and canceled carried over; unknown is dropped and withheld', () => {
    assert.equal(parse(item({ itemMeta: '<pubStatus qcode="stat:withheld"/>' })).pubStatus, 'withheld');
    assert.equal(parse(item({ itemMeta: '<pubStatus qcode="stat:canceled"/>' })).pubStatus, 'canceled');
    for (const qcode of ['stat:draft', 'stat:constructor']) {
      const parts = parse(item({ itemMeta: `<pubStatus qcode="${qcode}"/>` }));
      assert.equal(parts.pubStatus, 'withheld', qcode);
      assert.equal(parts.provenance?.['dropped:pubStatus']?.original, qcode);
    }
  });

  test('urgency outside 1-9 and unreadable dates are dropped with a note', () => {
    const parts = parse(
      item({
        itemMeta: '<versionCreated>yesterday</versionCreated>',
        contentMeta: '<headline>H</headline><urgency>0</urgency>',
      }),
    );
    assert.equal(parts.urgency, undefined);
    assert.equal(parts.versionCreated, undefined);
    assert.deepEqual(parts.provenance?.['dropped:urgency'], {
      rule: 'newsml:urgency-out-of-range-dropped',
      confidence: 100,
      original: '0',
    });
    assert.equal(
      parts.provenance?.['dropped:versionCreated']?.rule,
      'newsml:versionCreated-unreadable-dropped',
    );
    assert.equal(parts.provenance?.['dropped:versionCreated']?.original, 'yesterday');
  });
});

describe('NewsML-G2 hostile and broken input', () => {
  test('a DTD is UNSAFE', () => {
    const text = `<!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>${item({ contentMeta: '<headline>&x;</headline>' })}`;
    assert.equal(rejection(() => parse(text)).code, 'UNSAFE');
  });

  test('undefined entities and broken markup are MALFORMED', () => {
    assert.equal(
      rejection(() => parse(item({ contentMeta: '<headline>&nbsp;</headline>' }))).code,
      'MALFORMED',
    );
    assert.equal(rejection(() => parse(item().replace('</contentMeta>', ''))).code, 'MALFORMED');
    assert.equal(rejection(() => parse(`${item()}<extra/>`)).code, 'MALFORMED');
  });

  // Quadratic work on this input would run for minutes: the test runner's timeout reports it.
  test('a hostile run of unclosed tags in plain inlineData is read as text', { timeout: 60_000 }, () => {
    const parts = parse(item({ contentSet: `<inlineData>${'&lt;p'.repeat(100_000)}</inlineData>` }));
    assert.equal(parts.body.kind, 'text');
  });

  test('10,000 nested elements are TOO_DEEP', () => {
    const deep = `<inlineXML>${'<div>'.repeat(10_000)}x${'</div>'.repeat(10_000)}</inlineXML>`;
    assert.equal(rejection(() => parse(item({ contentSet: deep }))).code, 'TOO_DEEP');
  });
});
