/**
 * Inputs that took super-linear time (seconds to minutes) before the normaliser bounded them: each
 * must now end with the stated outcome, and a legitimate input just under each limit must still be
 * read. No assertion on time here (time belongs to `npm run bench`; bench/hostile-timing.ts measures
 * these same inputs): finishing at all is what the exponential and quadratic cases could not do.
 *
 * The limits, written here as the numbers the code documents: HTML nested at most 64 levels deep
 * and at most 20,000 elements, whatever format carries it; front matter at most 65,536 bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NormalisedArticle } from '../../shared/domain/article.js';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { detectFormat, rootElementName } from '../../shared/normaliser/detect.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import {
  cmsJson,
  FIRST_WORDS,
  flatParagraphs,
  HEADLINE,
  markdownWithRawHtml,
  nestedDivs,
  newsmlWithInlineHtml,
  ninjsWithHtmlSummary,
  nitfWithBody,
  tomlFrontMatter,
  unclosedDoctype,
  yamlFrontMatter,
} from './hostile-timing-cases.js';

type Outcome = { readonly accepted: NormalisedArticle } | { readonly rejected: RejectedInputError };

async function normalise(key: string, text: string): Promise<Outcome> {
  try {
    return { accepted: await normaliseObject({ key, bytes: Buffer.from(text) }) };
  } catch (error) {
    if (error instanceof RejectedInputError) return { rejected: error };
    throw error;
  }
}

async function rejected(key: string, text: string): Promise<RejectedInputError> {
  const outcome = await normalise(key, text);
  assert.ok('rejected' in outcome, 'expected a rejection, the article was accepted');
  return outcome.rejected;
}

/** Accepted with the story's headline and its first words in the plain-text body. */
async function accepted(key: string, text: string): Promise<NormalisedArticle> {
  const outcome = await normalise(key, text);
  assert.ok('accepted' in outcome, `rejected: ${'rejected' in outcome ? outcome.rejected.message : ''}`);
  const { ninjs } = outcome.accepted;
  assert.equal(ninjs.headlines?.[0]?.value, HEADLINE);
  const plain = ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
  assert.ok(plain.includes(FIRST_WORDS), 'the story is in the body');
  return outcome.accepted;
}

/** `<div>`s nested `levels` deep around paragraphs: the deepest element (a `<p>`) is one level more. */
const withDepth = (depth: number) => nestedDivs(depth - 1);

describe('an unclosed DOCTYPE of [] groups is detected in one pass (was exponential)', () => {
  test('the 76-byte file of the report: `<!DOCTYPE ` and 22 `[]]`, no `>`', async () => {
    const file = unclosedDoctype(22);
    assert.equal(Buffer.byteLength(file), 76);
    assert.equal(rootElementName(file), undefined);
    assert.equal(detectFormat(file), 'html');
    // Markup with no article in it: refused for that, not timed out.
    assert.equal((await rejected('feed/doctype.xml', file)).code, 'NO_ARTICLE');
  });

  test('20 and 21 groups, and 2,000', () => {
    for (const groups of [20, 21, 2_000])
      assert.equal(detectFormat(unclosedDoctype(groups)), 'html', `${groups}`);
  });

  test('DOCTYPEs that close are still skipped to the root element', () => {
    assert.equal(rootElementName('<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd">\n<nitf/>'), 'nitf');
    // `]` and `>` inside quoted literals of the internal subset do not end it.
    assert.equal(rootElementName('<!DOCTYPE nitf [<!ENTITY x "a]>b">]><nitf/>'), 'nitf');
    assert.equal(rootElementName(`<!DOCTYPE newsItem SYSTEM 'a>b.dtd'><newsItem/>`), 'newsitem');
    assert.equal(
      rootElementName('<?xml version="1.0"?>\n<!-- licence -->\n<!DOCTYPE x [ ]>\n<x:newsMessage/>'),
      'newsmessage',
    );
    assert.equal(detectFormat('<!DOCTYPE html><html><body><p>x</p></body></html>'), 'html');
  });
});

describe('front matter is at most 65,536 bytes (YAML took ~10 s for 40,000 keys)', () => {
  test('40,000 YAML keys (938 KB) are TOO_LARGE, saying what and how much', async () => {
    const error = await rejected('blog/keys.md', yamlFrontMatter(40_000));
    assert.equal(error.code, 'TOO_LARGE');
    assert.match(error.message, /front matter is 937819 bytes, over the limit of 65536/);
  });

  test('40,000 TOML keys are TOO_LARGE too', async () => {
    assert.equal((await rejected('blog/keys.md', tomlFrontMatter(40_000))).code, 'TOO_LARGE');
  });

  test('front matter of exactly 65,536 bytes is read; one byte more is TOO_LARGE', async () => {
    /** The front matter: every line between the opening and the closing `---`, line feeds included. */
    const frontMatterBytes = (text: string) => Buffer.byteLength(text.slice(4, text.indexOf('\n---\n') + 1));
    const base = yamlFrontMatter(3_077);
    assert.equal(frontMatterBytes(base), 65_513);
    // A comment line of 23 bytes brings it to the limit, one of 24 past it.
    const atLimit = base.replace('\n---\n', `\n#${'x'.repeat(21)}\n---\n`);
    const overLimit = base.replace('\n---\n', `\n#${'x'.repeat(22)}\n---\n`);
    assert.equal(frontMatterBytes(atLimit), 65_536);
    assert.equal(frontMatterBytes(overLimit), 65_537);
    await accepted('blog/long.md', atLimit);
    const error = await rejected('blog/long.md', overLimit);
    assert.equal(error.code, 'TOO_LARGE');
    assert.match(error.message, /front matter is 65537 bytes, over the limit of 65536/);
  });

  test('a key given twice in one mapping is still MALFORMED, by its line in the file', async () => {
    const twice = `---\ntitle: ${HEADLINE}\ntags: [a]\ntitle: Other\n---\n\nThe story.\n`;
    const error = await rejected('blog/twice.md', twice);
    assert.equal(error.code, 'MALFORMED');
    assert.match(error.message, /line 4: the key "title" is given twice/);
    const nested = `---\ntitle: ${HEADLINE}\nauthor: {name: A, name: B}\n---\n\nThe story.\n`;
    assert.equal((await rejected('blog/nested.md', nested)).code, 'MALFORMED');
    // The same key in two different mappings is two fields.
    const separate = `---\ntitle: ${HEADLINE}\na: {name: A}\nb: {name: B}\n---\n\nThe finance minister said on Tuesday.\n`;
    assert.ok('accepted' in (await normalise('blog/separate.md', separate)));
  });
});

describe('HTML in every format is nested at most 64 deep and has at most 20,000 elements', () => {
  test('JSON: 100,000 nested <div> in body_html (1.1 MB) are TOO_DEEP (took 16 s)', async () => {
    const file = cmsJson(nestedDivs(100_000));
    assert.ok(file.length > 1_100_000);
    const error = await rejected('cms/deep.json', file);
    assert.equal(error.code, 'TOO_DEEP');
    assert.match(error.message, /HTML in the article's body is nested more than 64 levels deep/);
    assert.match(error.message, /<div>/);
  });

  test('JSON: body_html 64 levels deep is published; 65 is TOO_DEEP', async () => {
    await accepted('cms/64.json', cmsJson(withDepth(64)));
    assert.equal((await rejected('cms/65.json', cmsJson(withDepth(65)))).code, 'TOO_DEEP');
  });

  test('JSON: 20,000 elements in body_html are published; 20,001 are TOO_LARGE', async () => {
    await accepted('cms/flat.json', cmsJson(flatParagraphs(20_000)));
    const error = await rejected('cms/flat.json', cmsJson(flatParagraphs(20_001)));
    assert.equal(error.code, 'TOO_LARGE');
    assert.match(error.message, /HTML in the article's body has more than 20000 elements/);
  });

  test('JSON: an HTML summary (ninjs descriptions) 100,000 deep is TOO_DEEP, naming the field', async () => {
    const error = await rejected('ninjs/deep-summary.json', ninjsWithHtmlSummary(nestedDivs(100_000)));
    assert.equal(error.code, 'TOO_DEEP');
    assert.match(error.message, /HTML in descriptions is nested more than 64 levels deep/);
    await accepted('ninjs/summary.json', ninjsWithHtmlSummary(withDepth(64)));
  });

  test('Markdown: raw HTML 100,000 deep is TOO_DEEP; 64 deep is published', async () => {
    assert.equal((await rejected('blog/deep.md', markdownWithRawHtml(nestedDivs(100_000)))).code, 'TOO_DEEP');
    await accepted('blog/64.md', markdownWithRawHtml(withDepth(64)));
    assert.equal((await rejected('blog/65.md', markdownWithRawHtml(withDepth(65)))).code, 'TOO_DEEP');
  });

  test('NITF: a body.content 100,000 deep is TOO_DEEP; 64 levels from <nitf> are published', async () => {
    assert.equal((await rejected('wire/deep.xml', nitfWithBody(nestedDivs(100_000)))).code, 'TOO_DEEP');
    // <nitf>, <body>, <body.content>: three levels above the body's own elements.
    await accepted('wire/64.xml', nitfWithBody(withDepth(61)));
    assert.equal((await rejected('wire/65.xml', nitfWithBody(withDepth(62)))).code, 'TOO_DEEP');
  });

  test('NewsML-G2: escaped HTML in inlineData 100,000 deep is TOO_DEEP, as text/html or text/plain', async () => {
    for (const type of ['text/html', 'text/plain']) {
      const error = await rejected('wire/deep.xml', newsmlWithInlineHtml(nestedDivs(100_000), type));
      assert.equal(error.code, 'TOO_DEEP', type);
      await accepted('wire/64.xml', newsmlWithInlineHtml(withDepth(64), type));
    }
  });
});
