import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  attr,
  bodyToHtml,
  child,
  childrenNamed,
  cleanByline,
  descendant,
  fieldText,
  languageTag,
  parseDateTime,
  parseXml,
  path,
  repairStrayEntities,
  textContent,
  trimCommas,
  type XmlElement,
} from '../../../../shared/normaliser/parsers/xml.js';
import { rejection } from '../../../helpers/formats.js';

const LIMITS = { maxDepth: 64 };

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>`;

describe('parseXml: the element tree', () => {
  const root = parseXml(
    `<?xml version="1.0" encoding="ISO-8859-1"?>
<!-- a comment --><?pi data?>
<r:root xmlns:r="urn:r" xmlns="urn:default" xml:lang="fi" id="7">
  <item a="1 &amp; 2">Fish &amp; chips <![CDATA[<b>raw</b>]]> &#233;té</item>
  <item/>
  <plain xmlns="">text</plain>
</r:root>`,
    LIMITS,
  );

  test('keeps qualified and local names and resolves namespaces', () => {
    assert.equal(root.name, 'r:root');
    assert.equal(root.local, 'root');
    assert.equal(root.uri, 'urn:r');
    assert.equal(child(root, 'item')?.uri, 'urn:default');
    assert.equal(child(root, 'plain')?.uri, '');
  });

  test('keeps attributes by qualified name, without namespace declarations', () => {
    assert.deepEqual({ ...root.attributes }, { 'xml:lang': 'fi', id: '7' });
    assert.equal(attr(root, 'xml:lang'), 'fi');
    assert.equal(attr(root, 'lang'), 'fi', 'found by local name too');
    assert.equal(attr(child(root, 'item'), 'a'), '1 & 2');
    assert.equal(attr(root, 'constructor'), undefined, 'no prototype properties');
  });

  test('resolves entities and merges CDATA with the text around it', () => {
    const item = child(root, 'item');
    assert.deepEqual(item?.children, ['Fish & chips <b>raw</b> été']);
    assert.equal(textContent(root).replace(/\s+/g, ' ').trim(), 'Fish & chips <b>raw</b> été text');
  });

  test('ignores the declared encoding: the text is already Unicode', () => {
    assert.equal(
      textContent(parseXml('<?xml version="1.0" encoding="windows-1252"?><a>“é”</a>', LIMITS)),
      '“é”',
    );
  });

  test('finds children, paths and descendants by local name', () => {
    assert.equal(childrenNamed(root, 'item').length, 2);
    const nested = parseXml('<a><b><c><d x="1"/></c></b><d x="2"/></a>', LIMITS);
    assert.equal(attr(path(nested, 'b', 'c', 'd'), 'x'), '1');
    assert.equal(attr(descendant(nested, 'd'), 'x'), '1', 'depth first, in document order');
    assert.equal(path(nested, 'b', 'missing', 'd'), undefined);
    assert.equal(child(undefined, 'a'), undefined);
  });

  test('accepts a DOCTYPE only when the caller accepts it', () => {
    const xml = '<!DOCTYPE nitf SYSTEM "nitf.dtd"><nitf/>';
    assert.equal(
      parseXml(xml, { ...LIMITS, acceptDoctype: (doctype) => doctype.includes('nitf.dtd') }).local,
      'nitf',
    );
    assert.equal(rejection(() => parseXml(xml, LIMITS)).code, 'UNSAFE');
  });
});

describe('parseXml: hostile and broken documents', () => {
  test('billion laughs is refused as UNSAFE before any entity is expanded', () => {
    const error = rejection(() => parseXml(BILLION_LAUGHS, LIMITS));
    assert.equal(error.code, 'UNSAFE');
    assert.match(error.message, /DTDs are not accepted/);
  });

  test('an external entity is refused as UNSAFE, and no file is read', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    const error = rejection(() => parseXml(xml, LIMITS));
    assert.equal(error.code, 'UNSAFE');
    assert.ok(!error.message.includes('root:'), 'nothing of /etc/passwd in the message');
  });

  test('an external DTD is refused as UNSAFE', () => {
    const error = rejection(() => parseXml('<!DOCTYPE foo SYSTEM "file:///etc/passwd"><foo/>', LIMITS));
    assert.equal(error.code, 'UNSAFE');
    assert.match(error.message, /<!DOCTYPE foo SYSTEM "file:\/\/\/etc\/passwd">/);
  });

  test('an undefined entity is MALFORMED, with its line and column and a hint', () => {
    const error = rejection(() => parseXml('<a>\n<b>caf&eacute;</b></a>', LIMITS));
    assert.equal(error.code, 'MALFORMED');
    assert.match(error.message, /line 2, column \d+: undefined entity/);
    assert.match(error.message, /numeric references such as &#160;/);
  });

  test('the entity hint is for undefined entities only: predefined ones resolve, other errors get none', () => {
    const root = parseXml('<a>fish &amp; chips &lt;3</a>', LIMITS);
    assert.deepEqual(root.children, ['fish & chips <3']);
    const error = rejection(() => parseXml('<a>fish &amp; chips<b></a>', LIMITS));
    assert.equal(error.code, 'MALFORMED');
    assert.doesNotMatch(error.message, /numeric references/);
  });

  test('entity names that are Object properties are still undefined entities', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      assert.equal(rejection(() => parseXml(`<a>&${name};</a>`, LIMITS)).code, 'MALFORMED');
    }
  });

  for (const [name, xml] of [
    ['an unclosed tag', '<a><b>text</a>'],
    ['a missing end tag', '<a><b>text</b>'],
    ['garbage after the root', '<a/>garbage'],
    ['a second root', '<a/><b/>'],
    ['an unbound namespace prefix', '<a><x:b/></a>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['text without an element', 'just text'],
    ['an empty document', ''],
  ] as const) {
    test(`${name} is MALFORMED`, () => {
      const error = rejection(() => parseXml(xml, LIMITS));
      assert.equal(error.code, 'MALFORMED');
    });
  }

  test('10,000 nested elements are TOO_DEEP, found while parsing', () => {
    const xml = `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`;
    const error = rejection(() => parseXml(xml, LIMITS));
    assert.equal(error.code, 'TOO_DEEP');
    assert.match(error.message, /more than 64 elements deep/);
  });

  test('the depth limit is inclusive', () => {
    const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    assert.equal(parseXml(nested(5), { maxDepth: 5 }).local, 'a');
    assert.equal(rejection(() => parseXml(nested(6), { maxDepth: 5 })).code, 'TOO_DEEP');
  });
});

describe('text and value helpers', () => {
  test('repairs entities escaped twice, once, and only real ones', () => {
    assert.equal(
      repairStrayEntities('4 o&#39;clock &quot;ok&quot; &amp;amp; &#x2019;'),
      '4 o\'clock "ok" &amp; ’',
    );
    assert.equal(
      repairStrayEntities('&#0; &#xD800; &#1114112; &unknown;'),
      '&#0; &#xD800; &#1114112; &unknown;',
    );
    assert.equal(repairStrayEntities('AT&T'), 'AT&T');
  });

  test('fieldText collapses whitespace and gives undefined for empty fields', () => {
    const element = parseXml('<a>\n  Weather   and\tTides &amp;#39;n\n</a>', LIMITS);
    assert.equal(fieldText(element), "Weather and Tides 'n");
    assert.equal(fieldText(parseXml('<a> </a>', LIMITS)), undefined);
    assert.equal(fieldText(undefined), undefined);
  });

  test('dates: NITF basic form, ISO extended, offsets without colon, to RFC 3339', () => {
    assert.deepEqual(parseDateTime('20180611T120000+0000'), {
      iso: '2018-06-11T12:00:00+00:00',
      zoned: true,
    });
    assert.deepEqual(parseDateTime('20020225T143000-0500'), {
      iso: '2002-02-25T14:30:00-05:00',
      zoned: true,
    });
    assert.deepEqual(parseDateTime('20131020T192751Z'), { iso: '2013-10-20T19:27:51Z', zoned: true });
    assert.deepEqual(parseDateTime('2017-10-11T10:41:00+0100'), {
      iso: '2017-10-11T10:41:00+01:00',
      zoned: true,
    });
    assert.deepEqual(parseDateTime(' 2017-12-19T10:33:04.250+02:00 '), {
      iso: '2017-12-19T10:33:04.250+02:00',
      zoned: true,
    });
    assert.deepEqual(parseDateTime('2017-12-19T10:33'), { iso: '2017-12-19T10:33:00Z', zoned: false });
    assert.deepEqual(parseDateTime('20151014'), { iso: '2015-10-14T00:00:00Z', zoned: false });
  });

  test('dates: a day exists exactly when a Date.UTC round trip keeps it', () => {
    const digits = (length: number) =>
      fc
        .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
        .map((d) => d.join(''));
    const year = fc.oneof(digits(4), fc.constantFrom('0099', '0100', '1900', '2000', '2024', '2100'));
    const month = fc.oneof(digits(2), fc.constantFrom('01', '02', '04', '12'));
    const day = fc.oneof(digits(2), fc.constantFrom('28', '29', '30', '31'));
    fc.assert(
      fc.property(year, month, day, (y, m, d) => {
        const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
        const exists = !Number.isNaN(date.getTime()) && date.toISOString().startsWith(`${y}-${m}-${d}`);
        assert.equal(parseDateTime(`${y}-${m}-${d}`) !== undefined, exists, `${y}-${m}-${d}`);
      }),
      { numRuns: 20_000 },
    );
  });

  test('dates: impossible or unreadable values give undefined', () => {
    for (const value of [
      '2017-13-01T00:00:00Z',
      '2017-04-31T00:00:00Z',
      '20170229T000000Z',
      '2017-01-01T24:00:00Z',
      'yesterday',
      '',
      undefined,
    ]) {
      assert.equal(parseDateTime(value), undefined, String(value));
    }
    assert.ok(parseDateTime('20160229T000000Z'), 'leap day');
  });

  test('trimming commas keeps the names in 200,000 characters of separators', () => {
    assert.equal(trimCommas(' , a, b ,, '), 'a, b');
    // Linear time is test/robustness/redos.test.ts's to prove (and bench/hostile-timing.ts's to measure).
    const hostile = `${', '.repeat(50_000)}x${', '.repeat(50_000)}x`;
    const byline = cleanByline(hostile) ?? '';
    assert.ok(byline.startsWith('x,') && byline.endsWith('x'));
  });

  test('language tags and bylines', () => {
    assert.equal(languageTag('en-US'), 'en-US');
    assert.equal(languageTag('fi_FI'), 'fi-FI');
    assert.equal(languageTag(''), undefined);
    assert.equal(languageTag('English please'), undefined);
    assert.equal(cleanByline(' By  Alan Karben , NITF News '), 'Alan Karben, NITF News');
    assert.equal(cleanByline('BY: Jane Doe'), 'Jane Doe');
    assert.equal(cleanByline('Byron Smith'), 'Byron Smith');
    assert.equal(cleanByline(' , '), undefined);
  });
});

describe('bodyToHtml', () => {
  const html = (xml: string) => bodyToHtml(parseXml(xml, LIMITS));

  test('maps NITF structure to HTML', () => {
    const body = html(`<body.content>
      <hl1>Big</hl1><hl2>Smaller</hl2>
      <p>One <em>two</em> <b>three</b> <i>four</i><br/>five</p>
      <block><p>In a block</p></block>
      <bq><p>Quoted</p><credit>Someone</credit></bq>
      <ul><li>a</li> <li>b</li></ul>
      <pre>line 1
  line 2</pre>
    </body.content>`);
    assert.equal(
      body,
      [
        '<h2>Big</h2>',
        '<h3>Smaller</h3>',
        '<p>One <em>two</em> <strong>three</strong> <em>four</em><br>five</p>',
        '<p>In a block</p>',
        '<blockquote><p>Quoted</p>\n<p>Someone</p></blockquote>',
        '<ul><li>a</li><li>b</li></ul>',
        '<pre>line 1\n  line 2</pre>',
      ].join('\n'),
    );
  });

  test('keeps tables with their spans', () => {
    assert.equal(
      html(
        '<b.c><table><tr><th colspan="2">H</th></tr><tr><td rowspan="x">1</td><td>2</td></tr></table></b.c>',
      ),
      '<table><tr><th colspan="2">H</th></tr><tr><td>1</td><td>2</td></tr></table>',
    );
  });

  test('escapes text and attribute values', () => {
    assert.equal(
      html('<b.c><p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p></b.c>'),
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>',
    );
    assert.equal(
      html('<b.c><p><a href="https://example.com/?a=1&amp;b=&quot;2&quot;">link</a></p></b.c>'),
      '<p><a href="https://example.com/?a=1&amp;b=%222%22">link</a></p>',
    );
  });

  test('drops scripts, styles, event handlers and unusable URLs', () => {
    const body = html(`<b.c>
      <script>alert(1)</script><style>p{}</style>
      <p onclick="alert(1)" style="x">Text <a href="javascript:alert(1)">js</a> <a href="/relative">rel</a>
      <img src="data:image/png;base64,AAAA" alt="d"/><img src="https://example.com/a.jpg" alt="A &quot;b&quot;" onerror="x"/></p>
    </b.c>`);
    assert.equal(body, '<p>Text js rel <img src="https://example.com/a.jpg" alt="A &quot;b&quot;"></p>');
  });

  test('keeps the text of unknown elements and drops their markup', () => {
    assert.equal(
      html(
        '<b.c><p>Made by <org value="acm">Acme</org> in <location><city>Norfolk</city></location>.</p></b.c>',
      ),
      '<p>Made by Acme in Norfolk.</p>',
    );
    assert.equal(
      html('<b.c><x:include xmlns:x="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></b.c>'),
      '',
    );
  });

  test('gathers loose text into paragraphs and lifts blocks out of paragraphs', () => {
    assert.equal(
      html('<body>Loose <em>text</em><p>Para</p>tail</body>'),
      '<p>Loose <em>text</em></p>\n<p>Para</p>\n<p>tail</p>',
    );
    assert.equal(html('<body><p/><p>\n<h3>Sub</h3>\n</p><p>After</p></body>'), '<h3>Sub</h3>\n<p>After</p>');
    assert.equal(html('<body><wrapper><p>Inside</p></wrapper></body>'), '<p>Inside</p>');
  });

  test('NITF media: an image over http(s) becomes a figure; anything else goes', () => {
    const figure = html(`<b.c><media media-type="image">
      <media-reference mime-type="image/jpeg" source="https://example.com/tide.jpg" alternate-text="High tide"/>
      <media-caption>The tides.</media-caption><media-producer>Karben</media-producer>
    </media></b.c>`);
    assert.equal(
      figure,
      '<figure><img src="https://example.com/tide.jpg" alt="High tide"><figcaption>The tides.</figcaption></figure>',
    );
    assert.equal(
      html('<b.c><media media-type="image"><media-reference source="tide.jpg"/></media></b.c>'),
      '',
    );
    assert.equal(
      html('<b.c><media media-type="audio"><media-reference source="https://e.com/a.mp3"/></media></b.c>'),
      '',
    );
  });

  test("drops editors' notes but keeps other notes", () => {
    assert.equal(
      html(
        '<b.c><note noteclass="editorsnote"><p>Not for print</p></note><note><p>Footnote</p></note></b.c>',
      ),
      '<p>Footnote</p>',
    );
  });

  test('repairs entities escaped twice in body text', () => {
    assert.equal(
      html('<body><p>4 o&amp;#39;clock &amp;lt;b&amp;gt;</p></body>'),
      "<p>4 o'clock &lt;b&gt;</p>",
    );
  });

  test('deep but allowed nesting renders without trouble', () => {
    const root: XmlElement = parseXml(`<b.c>${'<span>'.repeat(60)}deep${'</span>'.repeat(60)}</b.c>`, LIMITS);
    assert.equal(bodyToHtml(root), '<p>deep</p>');
  });
});
