import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { NormalisedArticle } from '../../../../shared/domain/article.js';
import { ninjsProblems } from '../../../../shared/ninjs/validate.js';
import { assembleArticle } from '../../../../shared/normaliser/assemble.js';
import { parseMarkdown } from '../../../../shared/normaliser/parsers/markdown.js';
import { type ArticleParts, DEFAULT_PARSE_LIMITS } from '../../../../shared/normaliser/parts.js';
import { budget } from '../../../fuzz/arbitraries.js';
import { rejection } from '../../../helpers/formats.js';
import { FIXTURES } from '../../../helpers/paths.js';

const MARKDOWN_FIXTURES = `${FIXTURES}markdown/`;

function partsOf(text: string, key = 'blog/post.md'): ArticleParts {
  return parseMarkdown(text, { key, limits: DEFAULT_PARSE_LIMITS });
}

function normalised(text: string, key = 'blog/post.md'): NormalisedArticle {
  return assembleArticle(partsOf(text, key), { key, format: 'markdown' });
}

function htmlOf(parts: ArticleParts): string {
  assert.equal(parts.body.kind, 'html');
  return parts.body.kind === 'html' ? parts.body.html : '';
}

const BODY = 'The council approved the budget on Tuesday.\n\nThe vote was 7 to 2.\n';

/** What each real file must give; a file without an entry fails, so new fixtures get checks. */
const EXPECTED: Record<string, (parts: ArticleParts, article: NormalisedArticle) => void> = {
  '2020-08-05-jekyll-3-9-0-released.markdown': (parts, { ninjs }) => {
    assert.equal(ninjs.headlines?.[0]?.value, 'Jekyll 3.9.0 Released');
    assert.equal(ninjs.by, 'parkr');
    assert.deepEqual(parts.keywords, ['release']);
    // Jekyll keeps the date in the file name only.
    assert.equal(ninjs.contentCreated, '2020-08-05T00:00:00Z');
    assert.deepEqual(parts.provenance?.contentCreated, { rule: 'date-in-key', confidence: 60 });
    assert.ok(htmlOf(parts).includes('<li>GFM parser – <code>kramdown-parser-gfm</code></li>'));
  },
  'rustblog-trademark-update.md': (parts, { ninjs }) => {
    assert.equal(ninjs.headlines?.[0]?.value, 'Next Steps on the Rust Trademark Policy');
    assert.equal(ninjs.by, 'the Leadership Council');
    // Zola keeps the date in the `path` field.
    assert.equal(ninjs.contentCreated, '2024-11-06T00:00:00Z');
    assert.deepEqual(parts.provenance?.contentCreated, { rule: 'date-in-path', confidence: 60 });
    assert.equal(parts.id, '2024/11/06/trademark-update');
    assert.ok(
      ninjs.altIds?.some((id) => id.role === 'inputId' && id.value === '2024/11/06/trademark-update'),
    );
    // Reference-style links are resolved by markdown-it.
    assert.ok(
      htmlOf(parts).includes('<a href="https://rustfoundation.org/news/rust-trademark-policy-updates/">'),
    );
  },
  '2023-06-28-this-week-in-rust.md': (parts, article) => {
    const { ninjs } = article;
    assert.equal(ninjs.headlines?.[0]?.value, 'This Week in Rust 501');
    assert.equal(ninjs.contentCreated, '2023-06-28T00:00:00Z');
    assert.deepEqual(parts.provenance?.contentCreated, { rule: 'date-only:midnight-utc', confidence: 70 });
    assert.deepEqual(parts.keywords, ['This Week in Rust']);
    assert.equal(ninjs.by, undefined);
    // The Pelican header is metadata, not body; HTML comments for contributors never reach partners.
    const html = ninjs.bodies?.[0]?.value ?? '';
    assert.ok(!html.includes('Number: 501') && !html.includes('Dear community contributors'));
    assert.ok(html.startsWith('<p>Hello and welcome to another issue of <em>This Week in Rust</em>!'));
  },
};

describe('Markdown: every fixture normalises to valid ninjs 3.2', () => {
  const files = readdirSync(MARKDOWN_FIXTURES).filter((name) => name !== 'SOURCES.md');

  test('finds the fixtures', () => {
    assert.ok(files.length >= 3, `${files.length} files`);
  });

  for (const name of files) {
    test(name, () => {
      const key = `blog/${name}`;
      const parts = partsOf(readFileSync(`${MARKDOWN_FIXTURES}${name}`, 'utf8'), key);
      const article = assembleArticle(parts, { key, format: 'markdown' });
      assert.deepEqual(ninjsProblems(article.ninjs), []);
      assert.ok(article.ninjs.headlines?.[0]?.value.trim());
      assert.ok((article.ninjs.bodies?.[1]?.value.length ?? 0) > 200);
      const expectations = EXPECTED[name];
      assert.ok(expectations, `no targeted expectations for ${name}`);
      expectations(parts, article);
    });
  }
});

describe('Markdown: front matter', () => {
  test('YAML with every field read', () => {
    const parts = partsOf(
      [
        '---',
        'title: "Council approves budget"',
        'subtitle: Seven votes to two',
        'authors:',
        '  - Jane Doe',
        '  - name: John Roe',
        'date: 2024-03-01 10:15:00 +0100',
        'lastmod: 2024-03-02T08:00:00Z',
        'tags: [budget, council]',
        'categories: politics',
        'description: The council approved the budget.',
        'lang: en_GB',
        'slug: council-budget',
        'dateline: SPRINGFIELD',
        '---',
        BODY,
      ].join('\n'),
    );
    assert.deepEqual(parts, {
      headline: 'Council approves budget',
      subheadline: 'Seven votes to two',
      byline: 'Jane Doe, John Roe',
      located: 'SPRINGFIELD',
      language: 'en-GB',
      summary: 'The council approved the budget.',
      contentCreated: '2024-03-01T10:15:00+01:00',
      firstCreated: '2024-03-01T10:15:00+01:00',
      versionCreated: '2024-03-02T08:00:00Z',
      id: 'council-budget',
      keywords: ['budget', 'council', 'politics'],
      body: {
        kind: 'html',
        html: '<p>The council approved the budget on Tuesday.</p>\n<p>The vote was 7 to 2.</p>\n',
      },
    });
  });

  test('TOML with dates as TOML values, a draft, and CRLF line ends', () => {
    const parts = partsOf(
      [
        '+++',
        'title = "Council approves budget"',
        'author = "Jane Doe"',
        'date = 2024-03-01T10:15:00+01:00',
        'updated = 2024-03-02',
        'draft = true',
        '[taxonomies]',
        'tags = ["budget"]',
        '+++',
        '',
        BODY,
      ].join('\r\n'),
    );
    assert.equal(parts.headline, 'Council approves budget');
    assert.equal(parts.byline, 'Jane Doe');
    assert.equal(parts.contentCreated, '2024-03-01T10:15:00+01:00');
    assert.equal(parts.versionCreated, '2024-03-02T00:00:00Z');
    assert.equal(parts.pubStatus, 'withheld');
    assert.equal(
      htmlOf(parts),
      '<p>The council approved the budget on Tuesday.</p>\n<p>The vote was 7 to 2.</p>\n',
    );
    assert.deepEqual(ninjsProblems(normalised(`+++\ntitle = "T"\n+++\n${BODY}`).ninjs), []);
  });

  test('Jekyll `published: false` is withheld, not a date', () => {
    assert.equal(partsOf(`---\ntitle: T\npublished: false\n---\n${BODY}`).pubStatus, 'withheld');
  });

  test('empty front matter, then a `# ` heading as the headline', () => {
    const parts = partsOf(`---\n---\n# Council approves budget\n\n${BODY}`);
    assert.equal(parts.headline, 'Council approves budget');
    assert.ok(!htmlOf(parts).includes('<h1>'));
  });

  test('unclosed front matter is MALFORMED', () => {
    for (const text of [`---\ntitle: T\n\n${BODY}`, `+++\ntitle = "T"\n\n${BODY}`]) {
      const error = rejection(() => partsOf(text));
      assert.equal(error.code, 'MALFORMED');
      assert.match(error.message, /front matter opened with (---|\+\+\+) on line 1 is never closed/);
    }
  });

  test('YAML and TOML that do not parse are MALFORMED, saying where', () => {
    const yaml = rejection(() => partsOf(`---\ntitle: [unclosed\nauthor: x\n---\n${BODY}`));
    assert.equal(yaml.code, 'MALFORMED');
    assert.match(yaml.message, /front matter YAML/);
    const duplicate = rejection(() => partsOf(`---\ntitle: A\ntitle: B\n---\n${BODY}`));
    assert.equal(duplicate.code, 'MALFORMED');
    const toml = rejection(() => partsOf(`+++\ntitle = "T"\nauthor = \n+++\n${BODY}`));
    assert.equal(toml.code, 'MALFORMED');
    assert.match(toml.message, /front matter TOML, line 3: /);
    assert.equal(rejection(() => partsOf(`---\n- a list\n- not fields\n---\n${BODY}`)).code, 'MALFORMED');
  });

  test('YAML code tags (!!js/function), unknown local tags and non-core tags are refused, never run', () => {
    const cases = [
      'title: !!js/function "function () { globalThis.ran = true; return \'x\' }"',
      'title: !!js/undefined ""',
      'title: !foo bar',
      "title: !<tag:yaml.org,2002:js/regexp> '/x/'",
      'title: !!binary aGVsbG8=',
      'title: !!timestamp 2024-03-01',
      'tags: !!set {a, b}',
    ];
    for (const line of cases) {
      const error = rejection(() => partsOf(`---\n${line}\n---\n${BODY}`));
      assert.equal(error.code, 'UNSAFE', line);
      assert.match(error.message, /front matter YAML/);
    }
    assert.equal((globalThis as Record<string, unknown>).ran, undefined);
    // Core tags only restate plain values and are fine.
    assert.equal(partsOf(`---\ntitle: !!str 1984\n---\n${BODY}`).headline, '1984');
  });

  test('a YAML alias bomb is refused fast', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'title: *h',
    ].join('\n');
    const started = performance.now();
    const error = rejection(() => partsOf(`---\n${bomb}\n---\n${BODY}`));
    assert.equal(error.code, 'UNSAFE');
    assert.match(error.message, /aliases/);
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    // An anchor or two is ordinary YAML.
    assert.equal(partsOf(`---\nname: &n Jane Doe\nauthor: *n\ntitle: T\n---\n${BODY}`).byline, 'Jane Doe');
  });

  test('a self-referencing alias neither loops nor becomes a value', () => {
    const parts = partsOf(`---\ntitle: T\nauthor: &a [*a]\ntags: &t [x, *t]\n---\n${BODY}`);
    assert.equal(parts.headline, 'T');
    assert.equal(parts.byline, undefined);
    assert.deepEqual(parts.keywords, ['x']);
  });

  test('deep flow nesting in front matter is TOO_DEEP, fast', () => {
    for (const text of [
      `---\ntitle: T\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n---\n${BODY}`,
      `+++\ntitle = "T"\nx = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n+++\n${BODY}`,
    ]) {
      const started = performance.now();
      assert.equal(rejection(() => partsOf(text)).code, 'TOO_DEEP');
      assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
    }
  });

  test('__proto__ and constructor keys in front matter pollute nothing', () => {
    const yaml = partsOf(
      `---\n__proto__: {polluted: true, title: Injected}\nconstructor: {prototype: {polluted: true}}\ntitle: Real\n---\n${BODY}`,
    );
    const toml = partsOf(`+++\ntitle = "Real"\n[__proto__]\npolluted = true\n+++\n${BODY}`);
    assert.equal(yaml.headline, 'Real');
    assert.equal(toml.headline, 'Real');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  test('dates in front matter that are not dates (or impossible ones) are dropped and recorded', () => {
    for (const [written, original] of [
      ['next week', 'next week'],
      ['"next Tuesday"', 'next Tuesday'],
      ['2024-02-30', '2024-02-30'],
    ] as const) {
      const parts = partsOf(`---\ntitle: T\ndate: ${written}\n---\n${BODY}`);
      assert.equal(parts.headline, 'T');
      assert.equal(parts.contentCreated, undefined, written);
      assert.equal(parts.provenance?.['dropped:contentCreated']?.original, original);
      assert.match(
        parts.provenance?.['dropped:contentCreated']?.rule ?? '',
        /date: ".*" is not a date or date-time/,
      );
    }
  });
});

describe('Markdown: headline without front matter', () => {
  test('the first `# ` heading, removed from the body', () => {
    const parts = partsOf(`Intro line.\n\n# Council *approves* budget\n\n${BODY}`);
    assert.equal(parts.headline, 'Council approves budget');
    assert.deepEqual(parts.provenance?.headlines, { rule: 'markdown:first-h1', confidence: 90 });
    assert.ok(!htmlOf(parts).includes('<h1>'));
    assert.ok(htmlOf(parts).startsWith('<p>Intro line.</p>'));
  });

  test('a setext heading counts; a heading inside a blockquote does not', () => {
    assert.equal(
      partsOf(`Council approves budget\n=======================\n\n${BODY}`).headline,
      'Council approves budget',
    );
    assert.equal(
      rejection(() => partsOf(`> # Quoted heading\n\nShort first line\n\n${BODY}`)).code,
      'NO_HEADLINE',
    );
  });

  test('a title that the first heading repeats: the heading goes; a different heading stays', () => {
    assert.ok(!htmlOf(partsOf(`---\ntitle: Budget\n---\n# Budget\n\n${BODY}`)).includes('<h1>'));
    assert.ok(
      htmlOf(partsOf(`---\ntitle: Budget\n---\n# Background\n\n${BODY}`)).includes('<h1>Background</h1>'),
    );
  });

  test('no title and no heading: a short first line is the headline', () => {
    const parts = partsOf(`Council approves budget\n\n${BODY}`);
    assert.equal(parts.headline, 'Council approves budget');
    assert.deepEqual(parts.provenance?.headlines, { rule: 'markdown:first-line', confidence: 60 });
    assert.ok(htmlOf(parts).startsWith('<p>The council approved'));
  });

  test('no title, no heading, and a long or wrapped first paragraph: NO_HEADLINE', () => {
    const long = rejection(() => partsOf(`${'word '.repeat(60)}\n\n${BODY}`));
    assert.equal(long.code, 'NO_HEADLINE');
    assert.match(long.message, /no title in front matter, no "# " heading/);
    assert.equal(
      rejection(() => partsOf(`A wrapped paragraph\ncontinues here.\n\n${BODY}`)).code,
      'NO_HEADLINE',
    );
  });

  test('a headline and nothing else: NO_BODY', () => {
    assert.equal(rejection(() => partsOf('# Only a heading\n')).code, 'NO_BODY');
    assert.equal(rejection(() => partsOf('---\ntitle: Only a title\n---\n')).code, 'NO_BODY');
  });
});

describe('Markdown: unsafe content is gone after assembly', () => {
  test('<script>, event handlers and javascript: links', () => {
    const article = normalised(
      [
        '# Headline',
        '',
        'Text <script>alert(1)</script> more text [click](javascript:alert(2)) and',
        '<a href="javascript:alert(3)">raw link</a> <img src="x" onerror="alert(4)">',
        '',
        '<script>',
        'alert(5)',
        '</script>',
        '',
        '[ref]: javascript:alert(6)',
        'A [reference][ref] link and <iframe src="https://evil.example"></iframe> a frame.',
      ].join('\n'),
    );
    assert.deepEqual(ninjsProblems(article.ninjs), []);
    for (const body of article.ninjs.bodies ?? []) {
      assert.doesNotMatch(body.value, /<script|<iframe|onerror|alert\([135]\)/i);
      // What is left of a refused link is inert text; no attribute carries the scheme.
      assert.doesNotMatch(body.value, /(?:href|src)\s*=\s*["']?\s*javascript:/i);
    }
    assert.doesNotMatch(article.ninjs.bodies?.[0]?.value ?? '', /<a href="javascript/);
    assert.ok(article.ninjs.bodies?.[1]?.value.includes('more text'));
  });
});

describe('Markdown: links', () => {
  test('are encoded as markdown-it encodes them, plain URLs without its URL parser', () => {
    const reference = new MarkdownIt({ html: true });
    const host = fc
      .array(fc.constantFrom(...'abZ09.-'), { minLength: 1, maxLength: 12 })
      .map((chars) => chars.join(''));
    const start = fc.oneof(
      fc.constantFrom('', '/', '#', '?', '//', 'mailto:', 'ftp://'),
      host.map((name) => `https://${name}`),
      host.map((name) => `http://${name}:8080`),
      host.map((name) => `//${name}`),
    );
    const rest = fc
      .array(fc.constantFrom(...'aZ9;/?:@&=+$,-_.!~*()#%[]é'), { maxLength: 24 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(start, rest, (prefix, suffix) => {
        const link = `[link](<${prefix}${suffix}>)`;
        assert.equal(htmlOf(partsOf(`# Headline\n\n${link}\n`)), reference.render(link));
      }),
      budget(1000),
    );
  });
});
