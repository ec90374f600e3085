import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isNitfDtdReference, parseNitf } from '../../../../shared/normaliser/parsers/nitf.js';
import type { ArticleParts } from '../../../../shared/normaliser/parts.js';
import { assembleValid, decodedFixture, rejection } from '../../../helpers/formats.js';
import { FIXTURES } from '../../../helpers/paths.js';

const CONTEXT = { key: 'wire/story.xml', limits: { maxDepth: 64 } };

/**
 * Fixture bytes as text, by the encoding the XML declaration names. Charset detection belongs to
 * shared/normaliser/decode.ts; here it is only what the parser needs: already-decoded text.
 */
function readFixture(name: string): string {
  return decodedFixture(`${FIXTURES}nitf/${name}`);
}

function parse(text: string): ArticleParts {
  return parseNitf(text, CONTEXT);
}

function assemble(parts: ArticleParts, key = CONTEXT.key) {
  return assembleValid(parts, key, 'nitf');
}

/** A minimal NITF document; `docdata`, `bodyHead` and `content` replace the defaults. */
function nitf(
  options: { docdata?: string; bodyHead?: string; content?: string; attributes?: string } = {},
): string {
  const {
    docdata = '<doc-id id-string="x-1"/>',
    bodyHead = '<hedline><hl1>A headline</hl1></hedline>',
    content = '<p>A paragraph of body text.</p>',
    attributes = '',
  } = options;
  return `<?xml version="1.0"?><nitf${attributes}><head><docdata>${docdata}</docdata></head><body><body.head>${bodyHead}</body.head><body.content>${content}</body.content></body></nitf>`;
}

describe('NITF fixture aap-1.xml (AAP, bare <nitf>)', () => {
  const parts = parse(readFixture('aap-1.xml'));

  test('headline, byline without "By", located from the dateline city', () => {
    assert.equal(parts.headline, 'F1 Test');
    assert.equal(parts.subheadline, undefined);
    assert.equal(parts.byline, 'John Doe');
    assert.equal(parts.located, 'Sydney');
    assert.equal(parts.summary, 'Test');
  });

  test('doc-id, urgency, dates with their offsets', () => {
    assert.equal(parts.id, 'AAP.115314987.5417374');
    assert.equal(parts.urgency, 5);
    assert.equal(parts.contentCreated, '2013-10-20T19:27:51+11:00');
    assert.equal(parts.firstCreated, '2013-10-20T19:27:51+11:00');
    assert.equal(parts.embargoedUntil, undefined, 'date.release equals date.issue: no embargo');
    assert.equal(parts.pubStatus, undefined);
  });

  test('subject code, copyright and usage terms', () => {
    assert.deepEqual(parts.subjects, [{ code: 'subj:15039001' }]);
    assert.equal(parts.copyrightHolder, 'Australian Associated Press');
    assert.equal(parts.copyrightNotice, '© 2013 Australian Associated Press');
    assert.match(
      parts.usageTerms ?? '',
      /^The direct recipient of this document from Australian Associated Press/,
    );
  });

  test('body paragraph, and a valid assembled document', () => {
    assert.deepEqual(parts.body, { kind: 'html', html: '<p>Bogus</p>' });
    const { article, plain } = assemble(parts, 'aap/aap-1.xml');
    assert.equal(plain, 'Bogus');
    assert.equal(article.ninjs.by, 'John Doe');
    assert.ok(
      article.ninjs.altIds?.some(
        (altId) => altId.role === 'inputId' && altId.value === 'AAP.115314987.5417374',
      ),
    );
  });
});

describe('NITF fixture cp-placeholder-release.xml (hand-made, Canadian Press style, unfilled date.release)', () => {
  const parts = parse(readFixture('cp-placeholder-release.xml'));

  test('the placeholder release time is dropped and recorded; the story is published as usable', () => {
    assert.equal(parts.headline, 'Bank of Canada holds key interest rate steady at five per cent');
    assert.equal(parts.embargoedUntil, undefined);
    assert.equal(parts.pubStatus, 'usable');
    assert.deepEqual(parts.provenance?.['dropped:embargoedUntil'], {
      rule: 'nitf:date.release-placeholder-dropped',
      confidence: 100,
      original: 'YYYYMMDD000000-HHMM',
    });
    assert.equal(parts.contentCreated, '2024-06-12T10:15:00-04:00');
    assert.equal(parts.urgency, 3);
    assert.equal(parts.located, 'OTTAWA');
    const { article } = assemble(parts);
    assert.equal(article.ninjs.pubStatus, 'usable');
    assert.equal(article.provenance['dropped:embargoedUntil']?.original, 'YYYYMMDD000000-HHMM');
  });
});

describe('NITF fixture nitf-fishing.xml (IPTC sample, NITF DTD, canceled)', () => {
  const parts = parse(readFixture('nitf-fishing.xml'));

  test('the DOCTYPE naming the NITF DTD is accepted (it is never loaded)', () => {
    assert.equal(parts.headline, 'Weather and Tide Updates for Norfolk');
  });

  test('subheadline, byline with person and title, located from dateline/location, abstract', () => {
    assert.equal(parts.subheadline, 'A sample, fictitious NITF article');
    assert.equal(parts.byline, 'Alan Karben, NITF Network News Online');
    assert.deepEqual(parts.people, [{ name: 'Alan Karben', rel: 'author' }]);
    assert.equal(parts.located, 'Newport News, VA');
    assert.equal(parts.summary, 'Superb weather in Norfolk today. Tides coming in and out as per usual.');
  });

  test('management-status canceled, release later than issue is the embargo, urgency', () => {
    assert.equal(parts.pubStatus, 'canceled');
    assert.equal(parts.contentCreated, '2002-02-25T14:30:00-05:00');
    assert.equal(parts.embargoedUntil, '2002-02-26T09:30:00-05:00');
    assert.equal(parts.urgency, 3);
    assert.equal(parts.id, 'iptc.321656141.b');
    assert.deepEqual(parts.altIds, [
      { role: 'nitf:du-key', value: 'ongoing-winter-tide-updates' },
      { role: 'nitf:management-doc-idref', value: 'iptc.321656141.a' },
    ]);
  });

  test('subjects named by their most specific label, keywords, rights', () => {
    assert.deepEqual(parts.subjects, [
      { code: 'subj:17000000', name: 'Weather' },
      { code: 'subj:17004000', name: 'Statistics' },
      { code: 'subj:04001002', name: 'Fishing Industry' },
    ]);
    assert.deepEqual(parts.keywords, ['fishing', 'lures', 'tides']);
    assert.equal(parts.copyrightHolder, 'International Press Telecommunications Council');
    assert.equal(parts.usageTerms, 'online');
  });

  test("body: paragraphs, hl2 as h3, the block's list; the editor's note and relative image left out", () => {
    assert.equal(parts.body.kind, 'html');
    const html = parts.body.kind === 'html' ? parts.body.html : '';
    assert.equal(html.match(/<p>/g)?.length, 6);
    assert.ok(html.startsWith('<p>The weather was superb today in Norfolk, Virginia.'));
    assert.ok(html.includes('manufactured by the Acme Boat Company.</p>'));
    assert.ok(html.includes('<h3>The Tides are High</h3>'));
    assert.ok(html.includes('<h3>Local Nooks</h3>'));
    assert.equal(html.match(/<li>/g)?.length, 3);
    assert.ok(html.includes('<li><em>Deer Creek:</em> This area'));
    assert.ok(html.endsWith('<p>Happy fishing everybody!</p>'));
    assert.ok(!html.includes('This sample article was created'), 'note in body.head is not body');
    assert.ok(!html.includes('<img') && !html.includes('captured on film'));
  });

  test('assembles to valid ninjs with the subjects mapped to Media Topics', () => {
    const { article, plain } = assemble(parts, 'iptc/nitf-fishing.xml');
    assert.equal(article.ninjs.pubStatus, 'canceled');
    assert.equal(article.ninjs.embargoedUntil, '2002-02-26T09:30:00-05:00');
    assert.deepEqual(
      article.ninjs.headlines?.map((headline) => headline.role),
      ['main', 'sub'],
    );
    assert.ok(article.subjectCodes.includes('medtop:17000000'));
    assert.equal(plain.split('\n\n').length, 11);
  });
});

describe('NITF fixture pa2.xml (PA Sport data, no body.head)', () => {
  const parts = parse(readFixture('pa2.xml'));

  test('the headline falls back to head/title, and says so', () => {
    assert.equal(parts.headline, '1 SOCCER INT-Teams');
    assert.deepEqual(parts.provenance?.headlines, { rule: 'nitf:head-title', confidence: 80 });
    assert.equal(parts.byline, undefined);
    assert.equal(parts.located, undefined);
  });

  test('docdata: status, id, urgency, date, keyword', () => {
    assert.equal(parts.pubStatus, 'usable');
    assert.equal(parts.id, 'T201510140143580001T');
    assert.equal(parts.urgency, 3);
    assert.equal(parts.contentCreated, '2015-10-14T02:43:58+01:00');
    assert.deepEqual(parts.keywords, ['INT-Teams']);
  });

  test('the <pre> block keeps its lines', () => {
    const html = parts.body.kind === 'html' ? parts.body.html : '';
    assert.ok(html.startsWith('<pre>International Match\nMexico v Panama\nMexico: Talavera,'));
    assert.ok(html.includes('\nDavis, Blackburn, Pinzon, Buitrago, Calderon.'));
    const { plain } = assemble(parts, 'pa/pa2.xml');
    assert.ok(plain.startsWith('International Match Mexico v Panama'));
  });

  test('a line-up of names gets no detected language (a detector calls it Spanish)', () => {
    const { article } = assemble(parts, 'pa/pa2.xml');
    assert.equal(article.ninjs.language, undefined);
    assert.equal(article.provenance.language, undefined);
  });
});

describe('NITF DOCTYPEs', () => {
  test('bare references to an NITF DTD are accepted', () => {
    for (const doctype of [
      ' nitf SYSTEM "../dtd/nitf-3-2.dtd"',
      " nitf SYSTEM 'nitf-3-5.dtd'",
      ' nitf PUBLIC "-//IPTC//DTD NITF 3.4//EN" "http://www.iptc.org/std/NITF/3.4/specification/dtd/nitf-3-4.dtd"',
      ' nitf PUBLIC "-//IPTC-NAA//DTD NITF 3.0//EN" "nitf-3-0.dtd"',
    ]) {
      assert.ok(isNitfDtdReference(doctype), doctype);
    }
  });

  test('anything else is not', () => {
    for (const doctype of [
      ' nitf SYSTEM "file:///etc/passwd"',
      ' nitf SYSTEM "file:///dtd/nitf-3-2.dtd"',
      ' nitf SYSTEM "http://evil.example/nitf-3-2.dtd"',
      ' nitf SYSTEM "/etc/nitf.dtd"',
      ' nitf SYSTEM "nitf-3-2.dtd" [<!ENTITY x "y">]',
      ' nitf [<!ENTITY lol "lol">]',
      ' html SYSTEM "nitf.dtd"',
      ' nitf PUBLIC "-//EVIL//DTD X//EN" "nitf.dtd"',
    ]) {
      assert.ok(!isNitfDtdReference(doctype), doctype);
    }
  });

  // A pattern that backtracks on this input would run for minutes: the test runner's timeout reports it.
  test('a long DOCTYPE is refused', { timeout: 60_000 }, () => {
    assert.ok(!isNitfDtdReference(` nitf SYSTEM "http://www.iptc.org/${'a/'.repeat(100_000)}x"`));
  });

  // Expanding the entities would need gigabytes: refusing before expansion is what lets this finish.
  test('billion laughs inside an NITF document is UNSAFE', { timeout: 60_000 }, () => {
    const entities = Array.from(
      { length: 9 },
      (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`,
    ).join('\n');
    const text = `<?xml version="1.0"?>\n<!DOCTYPE nitf [\n<!ENTITY lol0 "lol">\n${entities}\n]>\n${nitf({ content: '<p>&lol9;</p>' }).replace(/^<\?xml[^>]*>/, '')}`;
    const error = rejection(() => parse(text));
    assert.equal(error.code, 'UNSAFE');
  });

  test('an NITF DOCTYPE pointing at a local file is UNSAFE', () => {
    const text = nitf().replace('<nitf>', '<!DOCTYPE nitf SYSTEM "file:///etc/passwd"><nitf>');
    assert.equal(rejection(() => parse(text)).code, 'UNSAFE');
  });
});

describe('NITF hostile and broken input', () => {
  test('script, event handlers and javascript: links in body.content never survive assembly', () => {
    const parts = parse(
      nitf({
        content: `<p onclick="steal()">Safe text <a href="javascript:steal()">click</a></p>
          <script>steal()</script><p>More <img src="x" onerror="steal()"/> text</p>
          <p>&lt;script&gt;steal()&lt;/script&gt;</p>`,
      }),
    );
    const { html, plain } = assemble(parts);
    for (const needle of ['<script', 'onclick', 'onerror', 'javascript:'])
      assert.ok(!html.includes(needle), needle);
    // The <script> element goes with its text; the escaped one in the third paragraph is text and stays.
    assert.equal(plain.match(/steal\(\)/g)?.length, 1);
    assert.ok(html.includes('<p>&lt;script&gt;steal()&lt;/script&gt;</p>'));
    assert.ok(html.includes('<p>Safe text click</p>'));
  });

  test('undefined entity, unclosed tag, garbage after the root are MALFORMED', () => {
    for (const text of [
      nitf({ content: '<p>caf&eacute;</p>' }),
      nitf({ content: '<p>unclosed' }),
      `${nitf()}<p>after</p>`,
    ]) {
      assert.equal(rejection(() => parse(text)).code, 'MALFORMED');
    }
  });

  test('10,000 nested elements are TOO_DEEP', () => {
    const content = `${'<block>'.repeat(10_000)}<p>deep</p>${'</block>'.repeat(10_000)}`;
    assert.equal(rejection(() => parse(nitf({ content }))).code, 'TOO_DEEP');
  });

  test('no headline anywhere is NO_HEADLINE; an empty body is NO_BODY', () => {
    assert.equal(
      rejection(() => parse(nitf({ bodyHead: '<hedline><hl1> </hl1></hedline>' }))).code,
      'NO_HEADLINE',
    );
    assert.equal(rejection(() => parse(nitf({ content: '  <p> </p> ' }))).code, 'NO_BODY');
    assert.equal(
      rejection(() => parse(nitf().replace(/<body\.content>.*<\/body\.content>/, ''))).code,
      'NO_BODY',
    );
  });

  test('a document without <nitf> is UNSUPPORTED_FORMAT', () => {
    assert.equal(rejection(() => parse('<other><p>x</p></other>')).code, 'UNSUPPORTED_FORMAT');
  });
});

describe('NITF field decisions', () => {
  test('urgency: 1-9 carried over; out of range dropped with a provenance note', () => {
    assert.equal(parse(nitf({ docdata: '<urgency ed-urg="1"/>' })).urgency, 1);
    assert.equal(parse(nitf({ docdata: '<urgency ed-urg="9"/>' })).urgency, 9);
    for (const value of ['0', '10', 'high', '2.5']) {
      const parts = parse(nitf({ docdata: `<urgency ed-urg="${value}"/>` }));
      assert.equal(parts.urgency, undefined, value);
      assert.deepEqual(parts.provenance?.['dropped:urgency'], {
        rule: 'nitf:ed-urg-out-of-range-dropped',
        confidence: 100,
        original: value,
      });
      assemble(parts);
    }
  });

  test('embargo: management-status embargoed with date.release, even when not later than issue', () => {
    const parts = parse(
      nitf({
        docdata: '<date.issue norm="20240501T090000Z"/><date.release norm="20240501T090000Z"/>',
      }).replace('<docdata>', '<docdata management-status="embargoed">'),
    );
    assert.equal(parts.embargoedUntil, '2024-05-01T09:00:00Z');
    assert.equal(parts.pubStatus, undefined, 'embargoed is usable once released');
  });

  test('embargo: date.release without date.issue counts, without a zone assumes UTC and says so', () => {
    const parts = parse(nitf({ docdata: '<date.release norm="20240501T090000"/>' }));
    assert.equal(parts.embargoedUntil, '2024-05-01T09:00:00Z');
    assert.equal(parts.provenance?.embargoedUntil?.rule, 'nitf:date.release-assumed-utc');
  });

  test('embargo: embargoed without a release time is withheld', () => {
    const parts = parse(nitf().replace('<docdata>', '<docdata management-status="embargoed">'));
    assert.equal(parts.pubStatus, 'withheld');
    assert.equal(parts.embargoedUntil, undefined);
  });

  test('an unreadable release time or status is dropped and the document withheld (they decide publication)', () => {
    const badRelease = parse(nitf({ docdata: '<date.release norm="next tuesday"/>' }));
    assert.equal(badRelease.embargoedUntil, undefined);
    assert.equal(badRelease.pubStatus, 'withheld');
    assert.deepEqual(badRelease.provenance?.['dropped:embargoedUntil'], {
      rule: 'nitf:date.release-unreadable-dropped;withheld',
      confidence: 100,
      original: 'next tuesday',
    });
    for (const status of ['maybe', 'constructor']) {
      const parts = parse(nitf().replace('<docdata>', `<docdata management-status="${status}">`));
      assert.equal(parts.pubStatus, 'withheld', status);
      assert.equal(parts.provenance?.['dropped:pubStatus']?.original, status);
    }
    const canceled = parse(
      nitf({ docdata: '<date.release norm="soon"/>' }).replace(
        '<docdata>',
        '<docdata management-status="canceled">',
      ),
    );
    assert.equal(canceled.pubStatus, 'canceled', 'a withdrawal stays a withdrawal');
  });

  test('an unfilled release-time template (Canadian Press YYYYMMDD000000-HHMM) states no release: dropped, published', () => {
    const parts = parse(
      nitf({ docdata: '<date.issue norm="20240501T090000Z"/><date.release norm="YYYYMMDD000000-HHMM"/>' }),
    );
    assert.equal(parts.embargoedUntil, undefined);
    assert.equal(parts.pubStatus, undefined);
    assert.deepEqual(parts.provenance?.['dropped:embargoedUntil'], {
      rule: 'nitf:date.release-placeholder-dropped',
      confidence: 100,
      original: 'YYYYMMDD000000-HHMM',
    });
    assert.equal(assemble(parts).article.ninjs.pubStatus, 'usable');
  });

  test('an unreadable issue time is dropped with a note', () => {
    const parts = parse(nitf({ docdata: '<date.issue norm="2013-99-99"/>' }));
    assert.equal(parts.contentCreated, undefined);
    assert.equal(parts.provenance?.['dropped:contentCreated']?.rule, 'nitf:date.issue-unreadable-dropped');
    assert.equal(parts.provenance?.['dropped:contentCreated']?.original, '2013-99-99');
  });

  test('language from xml:lang, else baselang, else the body', () => {
    assert.equal(parse(nitf({ attributes: ' xml:lang="en-GB"' })).language, 'en-GB');
    assert.equal(parse(nitf({ attributes: ' baselang="de-DE"' })).language, 'de-DE');
    assert.equal(parse(nitf().replace('<body>', '<body lang="fr">')).language, 'fr');
    assert.equal(parse(nitf()).language, undefined);
  });

  test('a dateline without <location> gives the place before the date, marked as a heuristic', () => {
    const parts = parse(
      nitf({
        bodyHead:
          '<hedline><hl1>H</hl1></hedline><dateline>SYDNEY, <story.date norm="20131020T000000+1100">Oct 20</story.date> (AAP) -</dateline>',
      }),
    );
    assert.equal(parts.located, 'SYDNEY');
    assert.equal(parts.provenance?.located?.rule, 'nitf:dateline-text-before-comma');
  });

  test('a NewsML-G2 item carrying NITF is read as NewsML-G2, keeping the item metadata', () => {
    const g2 = `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g2:1"><itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentMeta><headline>G2 headline</headline></contentMeta><contentSet><inlineXML contenttype="application/nitf+xml">${nitf().replace(/^<\?xml[^>]*>/, '')}</inlineXML></contentSet></newsItem>`;
    const parts = parse(g2);
    assert.equal(parts.id, 'urn:g2:1');
    assert.equal(parts.headline, 'G2 headline');
    assert.deepEqual(parts.body, { kind: 'html', html: '<p>A paragraph of body text.</p>' });
  });

  test('NITF 3.5+ in its namespace, and NITF inside a wrapper, read the same', () => {
    const namespaced = nitf({ attributes: ' xmlns="http://iptc.org/std/NITF/2006-10-18/"' });
    assert.equal(parse(namespaced).headline, 'A headline');
    assert.equal(
      parse(`<NewsML><NewsItem>${nitf().replace(/^<\?xml[^>]*>/, '')}</NewsItem></NewsML>`).id,
      'x-1',
    );
  });
});
