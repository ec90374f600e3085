/**
 * Generators for the fuzz tests: documents of every input format, built from grammars that reach deep
 * into each parser (ninjs and CMS field names, NITF and NewsML-G2 elements, HTML tag soup with the
 * XSS vocabulary, front matter), plus byte-level mutations of valid documents.
 *
 * Budget: every property runs a fixed number of cases (`budget`), never "as many as fit in a time", so
 * the same inputs run on a fast and a slow machine and a seed replays a failure exactly;
 * `SYNDICATE_FUZZ=long` (`npm run test:fuzz`) runs 50 times more, from a new seed each time.
 */
import fc from 'fast-check';

// --- Budget -------------------------------------------------------------------------------------------

const LONG = process.env.SYNDICATE_FUZZ === 'long';
const seedText = process.env.SYNDICATE_FUZZ_SEED;
const pathText = process.env.SYNDICATE_FUZZ_PATH;
/**
 * `npm test` runs the same inputs every time, so it passes or fails on the code alone; the long run
 * (`npm run test:fuzz`) draws a new seed each time to explore, and prints it.
 */
const DEFAULT_SEED = 20261207;

/**
 * Parameters for fc.assert / fc.check: a fixed number of runs, and the seed (and path, to go straight
 * to the counterexample) of a failure to replay when SYNDICATE_FUZZ_SEED / SYNDICATE_FUZZ_PATH are set.
 */
export function budget(runs: number): fc.Parameters<unknown> & { readonly numRuns: number } {
  const seed = seedText ? Number(seedText) : LONG ? undefined : DEFAULT_SEED;
  return {
    numRuns: LONG ? runs * 50 : runs,
    ...(seed !== undefined ? { seed } : {}),
    ...(seedText && pathText ? { path: pathText } : {}),
  };
}

// --- Vocabulary ---------------------------------------------------------------------------------------

export const WORDS = fc.constantFrom(
  'the',
  'minister',
  'said',
  'budget',
  'election',
  'parliament',
  'football',
  'championship',
  'Tuesday',
  'Café',
  'naïve',
  '“quoted”',
  '—',
  'MOSCOW',
  '(Reuters)',
  'By',
  'Jane',
  'Doe',
  '•',
  '=',
  '&',
  '&amp;',
  '&#39;',
  '<',
  '>',
  '"',
  "'",
  '日本語',
  'مرحبا',
  '\u202e',
  '\u00a0',
  '\t',
);

/** An ordinary sentence, for documents that should get past the refusals. */
const VALID_BODY =
  'The finance minister said on Tuesday that the new budget would raise spending on schools and hospitals.';

/** Text that is partly prose, partly noise, with line structure. */
export const prose = fc
  .array(fc.oneof({ weight: 6, arbitrary: WORDS }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), {
    minLength: 0,
    maxLength: 60,
  })
  .map((words) => words.join(' '));

const SCALAR_TEXT = fc.oneof(
  prose,
  fc.constantFrom(
    '',
    ' ',
    'en',
    'en_US',
    'x-klingon',
    'urn:example:1',
    'http://a b',
    'https://example.com/a?b=c#d',
    'javascript:alert(1)',
    'mailto:desk@example.com',
    '2024-02-30T10:00:00Z',
    '2024-01-01',
    '2024-01-01T10:00:00+25:00',
    '2024-06-01T12:00:00+02:00',
    'usable',
    'Canceled',
    'withheld',
    '<p>hi</p>',
    '<script>alert(1)</script>',
    'medtop:11000000',
    'subj:15000000',
    '12345678',
    '__proto__',
    'constructor',
  ),
);

// --- HTML ---------------------------------------------------------------------------------------------

const TAGS = [
  'p',
  'a',
  'img',
  'div',
  'span',
  'b',
  'i',
  'h1',
  'h2',
  'ul',
  'li',
  'table',
  'td',
  'br',
  'article',
  'section',
  'script',
  'style',
  'svg',
  'math',
  'iframe',
  'noscript',
  'template',
  'textarea',
  'title',
  'xmp',
  'object',
  'form',
  'input',
  'button',
  'select',
  'option',
  'base',
  'meta',
  'link',
  'mglyph',
  'foreignObject',
  'annotation-xml',
  'details',
  'frameset',
  'body',
  'html',
  'head',
] as const;

const ATTRIBUTES = [
  'href',
  'src',
  'onerror',
  'onclick',
  'onload',
  'style',
  'xlink:href',
  'srcset',
  'formaction',
  'action',
  'background',
  'title',
  'alt',
  'colspan',
  'id',
  'class',
  'lang',
  'content',
  'http-equiv',
  'rel',
  'property',
  'name',
] as const;

const ATTRIBUTE_VALUES = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:x',
  'java\tscript:x',
  '&#106;avascript:x',
  '&#x6A;avascript&colon;x',
  'data:text/html,<script>x</script>',
  'data:image/png;base64,AAA',
  'vbscript:x',
  'https://ok.example/x',
  'http://ok.example/',
  'mailto:a@b',
  '//evil.example',
  '/relative',
  'x.jpg',
  'expression(alert(1))',
  'url(javascript:x)',
  '"><script>alert(1)</script>',
  '\u0000javascript:x',
  'og:title',
  'refresh',
  '0;url=javascript:alert(1)',
  'canonical',
  'en',
  '2',
] as const;

/** HTML tag soup, `depth` levels deep, with the XSS vocabulary in tags, attributes and values. */
export function html(depth: number): fc.Arbitrary<string> {
  const text = fc.oneof(
    { weight: 4, arbitrary: prose },
    {
      weight: 1,
      arbitrary: fc.constantFrom('<', '>', '&', '</', '/>', '-->', ']]>', '<!--', '<![CDATA[', '<?x?>'),
    },
  );
  if (depth <= 0) return text;
  const attribute = fc
    .tuple(
      fc.constantFrom(...ATTRIBUTES),
      fc.constantFrom(...ATTRIBUTE_VALUES),
      fc.constantFrom('"', "'", ''),
    )
    .map(([name, value, quote]) => ` ${name}=${quote}${value}${quote}`);
  const element = fc
    .tuple(
      fc.constantFrom(...TAGS),
      fc.array(attribute, { maxLength: 3 }),
      fc.array(html(depth - 1), { maxLength: 4 }),
      fc.boolean(),
    )
    .map(
      ([tag, attributes, children, closed]) =>
        `<${tag}${attributes.join('')}>${children.join('')}${closed ? `</${tag}>` : ''}`,
    );
  return fc.oneof({ weight: 2, arbitrary: text }, { weight: 3, arbitrary: element });
}

/** Whole pages: metadata in the head (sometimes), an article of tag soup and prose. */
export const htmlPage = fc
  .tuple(
    fc.option(prose, { nil: undefined }),
    fc.option(fc.constantFrom('en', 'de', 'xx-invalid', ''), { nil: undefined }),
    fc.array(
      fc.oneof(
        prose.map((text) => `<p>${text}</p>`),
        html(3),
      ),
      { maxLength: 8 },
    ),
    fc.option(
      fc.constantFrom(
        '{"@type":"NewsArticle","headline":"JSON-LD headline","author":{"name":"Jane Doe"}}',
        '{"@graph":[',
        '[]',
      ),
      { nil: undefined },
    ),
    // Half the pages carry a real paragraph, enough words for an article, among the soup.
    fc.boolean(),
  )
  .map(
    ([title, lang, soup, jsonLd, withArticle]) =>
      [
        title,
        lang,
        withArticle ? [`<p>${VALID_BODY} ${VALID_BODY} ${VALID_BODY}</p>`, ...soup] : soup,
        jsonLd,
      ] as const,
  )
  .map(
    ([title, lang, body, jsonLd]) =>
      `<!doctype html><html${lang !== undefined ? ` lang="${lang}"` : ''}><head>${title !== undefined ? `<title>${title}</title>` : ''}${
        jsonLd ? `<script type="application/ld+json">${jsonLd}</script>` : ''
      }</head><body><article>${body.join('\n')}</article></body></html>`,
  );

// --- JSON ---------------------------------------------------------------------------------------------

const NINJS_KEYS = [
  'uri',
  'guid',
  'version',
  'type',
  'headlines',
  'bodies',
  'descriptions',
  'headline',
  'body_html',
  'body_text',
  'description_text',
  'by',
  'byline',
  'located',
  'language',
  'pubStatus',
  'pubstatus',
  'urgency',
  'versionCreated',
  'firstCreated',
  'contentCreated',
  'embargoedUntil',
  'embargoed',
  'subjects',
  'subject',
  'people',
  'organisations',
  'places',
  'keywords',
  'altIds',
  'altids',
  'copyrightHolder',
  'usageTerms',
  'standard',
  'title',
  'authors',
  '__proto__',
  'constructor',
] as const;

const CMS_KEYS = [
  'title',
  'headline',
  'body',
  'content',
  'html',
  'body_html',
  'text',
  'author',
  'authors',
  'published_at',
  'date',
  'date_gmt',
  'updated_at',
  'summary',
  'excerpt',
  'tags',
  'categories',
  'lang',
  'url',
  'id',
  'slug',
  'draft',
  'published',
  'urgency',
  'data',
  'article',
  'attributes',
  'dateline',
] as const;

const INNER_KEYS = [
  'role',
  'value',
  'contentType',
  'contenttype',
  'name',
  'uri',
  'literal',
  'code',
  'scheme',
  'rel',
  'rendered',
  'raw',
  'geoJSON',
  'type',
  'coordinates',
  'contactInfo',
  'version',
] as const;

const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    SCALAR_TEXT,
    fc.integer({ min: -3, max: 12 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...INNER_KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const roleValue = fc.record(
  {
    role: fc.constantFrom('main', 'sub', 'summary', 'caption'),
    contentType: fc.constantFrom('text/plain', 'text/html', 'application/xml', 'TEXT/HTML; charset=utf-8'),
    value: fc.oneof(prose, SCALAR_TEXT, jsonValue, html(3)),
  },
  { requiredKeys: [] },
);

/**
 * A valid document with up to three fields replaced by anything (most of the time), or an object of
 * random ninjs fields: the first gets past the refusals into assembly, the second probes the refusals.
 */
function aroundValid(
  valid: Record<string, unknown>,
  keys: readonly string[],
  values: fc.Arbitrary<unknown>,
  maxKeys: number,
): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    fc
      .dictionary(fc.constantFrom(...keys), values, { maxKeys: 3 })
      .map((overrides) => ({ ...valid, ...overrides })),
    fc.dictionary(fc.constantFrom(...keys), values, { maxKeys }),
  );
}

/** ninjs-shaped objects (any version) with values of every shape, serialised. */
export const ninjsDocument = aroundValid(
  {
    uri: 'urn:fuzz:ninjs',
    headlines: [{ role: 'main', value: 'Budget raises spending' }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: VALID_BODY }],
    language: 'en',
  },
  NINJS_KEYS,
  fc.oneof(jsonValue, fc.array(roleValue, { maxLength: 3 }), prose),
  14,
).map((record) => JSON.stringify(record));

/** CMS-export-shaped objects, sometimes wrapped as APIs wrap them. */
export const cmsDocument = fc
  .tuple(
    aroundValid(
      { title: 'Budget raises spending', body: VALID_BODY },
      CMS_KEYS,
      fc.oneof(jsonValue, prose, html(3)),
      12,
    ),
    fc.constantFrom('none', 'data', 'array', 'attributes'),
  )
  .map(([record, wrap]) =>
    JSON.stringify(
      wrap === 'data'
        ? { data: record }
        : wrap === 'array'
          ? [record]
          : wrap === 'attributes'
            ? { data: { id: 1, attributes: record } }
            : record,
    ),
  );

// --- XML ----------------------------------------------------------------------------------------------

const escapeXml = (text: string) =>
  text.replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/gi, '&amp;').replace(/</g, '&lt;');

const NITF_BLOCKS = [
  'p',
  'hl2',
  'bq',
  'block',
  'media',
  'table',
  'ul',
  'note',
  'fn',
  'pre',
  'x:unknown',
] as const;

/** NITF body content: known and unknown elements, attributes with URLs, entities, CDATA. */
function nitfContent(depth: number): fc.Arbitrary<string> {
  const text = fc.oneof(
    prose.map(escapeXml),
    fc.constantFrom('&amp;', '&lt;b&gt;', '&#160;', '&amp;#39;', '<![CDATA[<script>alert(1)</script>]]>', ''),
  );
  if (depth <= 0) return text;
  return fc.oneof(
    text,
    fc
      .tuple(
        fc.constantFrom(...NITF_BLOCKS, 'a', 'em', 'person', 'org', 'img', 'li', 'td', 'tr', 'script'),
        fc.option(fc.constantFrom(...ATTRIBUTE_VALUES).map(escapeXml), { nil: undefined }),
        fc.array(nitfContent(depth - 1), { maxLength: 3 }),
      )
      .map(([tag, url, children]) => {
        const attribute =
          url === undefined
            ? ''
            : ` href="${url.replace(/"/g, '&quot;')}" src="${url.replace(/"/g, '&quot;')}"`;
        return `<${tag}${tag.includes(':') ? ' xmlns:x="urn:x"' : ''}${attribute}>${children.join('')}</${tag}>`;
      }),
  );
}

export const nitfDocument = fc
  .tuple(
    fc.option(prose.map(escapeXml), { nil: undefined }),
    fc.option(prose.map(escapeXml), { nil: undefined }),
    fc.array(nitfContent(3), { maxLength: 6 }),
    fc.option(fc.constantFrom('20240101T120000Z', '2024-13-45', 'yesterday', '20240101T120000+0100'), {
      nil: undefined,
    }),
    fc.option(fc.integer({ min: -2, max: 12 }), { nil: undefined }),
    fc.constantFrom('', '<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd">', '<!DOCTYPE nitf [<!ENTITY x "y">]>'),
  )
  .map(
    ([title, hl1, content, date, urgency, doctype]) =>
      `<?xml version="1.0" encoding="UTF-8"?>${doctype}<nitf><head>${title !== undefined ? `<title>${title}</title>` : ''}<docdata>${
        date ? `<date.issue norm="${date}"/>` : ''
      }${urgency !== undefined ? `<urgency ed-urg="${urgency}"/>` : ''}</docdata></head><body><body.head>${
        hl1 !== undefined ? `<hedline><hl1>${hl1}</hl1></hedline>` : ''
      }</body.head><body.content>${content.join('')}</body.content></body></nitf>`,
  );

export const newsmlDocument = fc
  .tuple(
    fc.option(prose.map(escapeXml), { nil: undefined }),
    fc.constantFrom('ninat:text', 'ninat:picture', 'icls:text', ''),
    fc.constantFrom('stat:usable', 'stat:canceled', 'stat:bogus', ''),
    fc.oneof(
      fc
        .array(nitfContent(3), { maxLength: 5 })
        .map(
          (content) =>
            `<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>${content.join('')}</body></html></inlineXML>`,
        ),
      prose.map((text) => `<inlineData contenttype="text/plain">${escapeXml(text)}</inlineData>`),
      html(2).map(
        (markup) =>
          `<inlineData contenttype="text/html"><![CDATA[${markup.replace(/]]>/g, '')}]]></inlineData>`,
      ),
      fc.constant('<remoteContent href="http://127.0.0.1:1/x"/>'),
    ),
    fc.option(fc.constantFrom('1', '4', '9', '0', '12', 'high'), { nil: undefined }),
    fc.constantFrom('newsItem', 'newsMessage'),
  )
  .map(([headline, itemClass, status, content, urgency, root]) => {
    const item = `<newsItem guid="urn:newsml:example.com:fuzz" version="1"><itemMeta>${
      itemClass ? `<itemClass qcode="${itemClass}"/>` : ''
    }${status ? `<pubStatus qcode="${status}"/>` : ''}<versionCreated>2024-01-01T10:00:00Z</versionCreated></itemMeta><contentMeta>${
      headline !== undefined ? `<headline>${headline}</headline>` : ''
    }${urgency !== undefined ? `<urgency>${urgency}</urgency>` : ''}<language tag="en"/></contentMeta><contentSet>${content}</contentSet></newsItem>`;
    const body = root === 'newsMessage' ? `<newsMessage><itemSet>${item}</itemSet></newsMessage>` : item;
    return `<?xml version="1.0" encoding="UTF-8"?>${body.replace('<newsItem ', '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" ')}`;
  });

// --- Markdown and text --------------------------------------------------------------------------------

const YAML_LINES = fc.constantFrom(
  'title: Budget plan',
  'title: "Quoted: title"',
  'date: 2024-01-01',
  'date: 2024-13-01',
  'tags: [politics, medtop:11000000]',
  'lang: en',
  'draft: true',
  'author: {name: Jane}',
  'x: !!js/function "function(){}"',
  'y: !foo bar',
  'a: &a [1, 2]',
  'b: *a',
  'c: *undefined',
  '__proto__: {polluted: yes}',
  'title:',
  '  - nested',
  ': no key',
  '[[[[',
);

export const markdownDocument = fc
  .tuple(
    fc.constantFrom('yaml', 'toml', 'pelican', 'none', 'unclosed'),
    fc.array(YAML_LINES, { maxLength: 6 }),
    fc.array(
      fc.oneof(
        prose,
        prose.map((text) => `# ${text}`),
        prose.map((text) => `- ${text}`),
        prose.map((text) => `> ${text}`),
        fc.constantFrom(
          '```',
          '[x](javascript:alert(1))',
          '![i](data:image/png;base64,AA)',
          '<script>alert(1)</script>',
          '<javascript:x>',
          '***',
          '|a|b|\n|-|-|',
        ),
        html(2),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([style, lines, blocks]) => {
    const body = blocks.join('\n\n');
    switch (style) {
      case 'yaml':
        return `---\n${lines.join('\n')}\n---\n\n${body}`;
      case 'toml':
        return `+++\n${lines.map((line) => line.replace(/^(\w+): (.*)$/, '$1 = "$2"')).join('\n')}\n+++\n\n${body}`;
      case 'pelican':
        return `Title: ${lines[0] ?? 'x'}\nDate: 2024-01-01\n\n${body}`;
      case 'unclosed':
        return `---\n${lines.join('\n')}\n\n${body}`;
      default:
        return body;
    }
  });

/** Wire text: plain stories, ANPA 1312 framing, IPTC 7901 headers, bylines and datelines. */
export const wireText = fc
  .tuple(
    fc.constantFrom('plain', 'anpa', 'iptc7901'),
    prose,
    fc.array(prose, { maxLength: 6 }),
    fc.option(
      fc.constantFrom(
        'By Jane Doe',
        '• Jane Doe',
        '— Jane Doe, Reuters',
        'Reporting by Jane Doe; Editing by John Roe',
        'By',
      ),
      { nil: undefined },
    ),
    fc.constantFrom('', 'MOSCOW (Reuters) — ', 'Luxembourg (dpa) - ', 'WASHINGTON (AP) _ ', 'X — '),
    fc.constantFrom('\n\n', '\n', '\n\t', '\r\n\r\n'),
  )
  .map(([kind, headline, paragraphs, byline, dateline, separator]) => {
    const body = paragraphs.map((paragraph, index) => (index === 0 ? dateline + paragraph : paragraph));
    switch (kind) {
      case 'anpa':
        return `\x16\x16\x01a0001 r i BC-Budget 01-01 0123\x02^${headline}<\n^${byline ?? ''}<\n\t${body.join('\n\t')}\n\x03\x04`;
      case 'iptc7901':
        return `eca00075 3 i 510 dpa 1003\n/politics/\n${headline} =\n${byline ? `${byline} =\n` : ''}\n${body.join('\n\n')}\nend\n`;
      default:
        return `${headline}${separator}${byline ? `${byline}${separator}` : ''}${body.join(separator)}`;
    }
  });

// --- Bytes --------------------------------------------------------------------------------------------

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 8 }),
      fc.constantFrom(
        Uint8Array.from([0]),
        Uint8Array.from([0xef, 0xbb, 0xbf]),
        Uint8Array.from([0xff, 0xfe]),
        Uint8Array.from([0xc0, 0xaf]),
        Uint8Array.from([0x1f, 0x8b]),
        new Uint8Array(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]>')),
        new Uint8Array(Buffer.from('<script>alert(1)</script>')),
      ),
    ),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

export function mutate(source: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Buffer.from(source);
  for (const change of mutations) {
    const at = bytes.length === 0 ? 0 : change.at % (bytes.length + 1);
    switch (change.kind) {
      case 'flip':
        if (at < bytes.length) bytes[at] = change.value;
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
        break;
      case 'duplicate':
        bytes = Buffer.concat([bytes.subarray(0, at + change.length), bytes.subarray(at)]);
        break;
    }
  }
  return new Uint8Array(bytes);
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
