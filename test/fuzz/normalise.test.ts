/**
 * Property-based tests of the whole normaliser, `normaliseObject`: documents of every format
 * generated from grammars, and valid articles mangled byte by byte. Whatever comes in, the outcome is
 * one of two:
 * - a ninjs 3.2 document that validates, with a headline and a body, an HTML body that holds nothing
 *   outside the allow-list once parsed again, and a content hash that does not change on a second run;
 * - a RejectedInputError with a known code and a short reason.
 * Never another exception (it would be retried as transient, then dead-lettered). Each property reports
 * how many inputs ran and fails when too few ran or when every one was refused (./run-property.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { REJECTION_CODES, RejectedInputError } from '../../shared/domain/errors.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import { goodArticle } from '../robustness/hostile-cases.js';
import { unsafeHtml } from '../robustness/html-safety.js';
import {
  cmsDocument,
  htmlPage,
  markdownDocument,
  mutate,
  mutations,
  newsmlDocument,
  ninjsDocument,
  nitfDocument,
  wireText,
} from './arbitraries.js';
import { runProperty, type Tally, tally } from './run-property.js';

/** Normalises and checks the outcome, counting it in `outcomes`. */
async function normaliseAndCheck(
  outcomes: Tally,
  key: string,
  bytes: Uint8Array,
  contentType?: string,
): Promise<void> {
  const source = { key, bytes, ...(contentType ? { contentType } : {}) };
  let article: Awaited<ReturnType<typeof normaliseObject>>;
  try {
    article = await normaliseObject(source);
  } catch (error) {
    if (!(error instanceof RejectedInputError)) throw error;
    assert.ok(Object.hasOwn(REJECTION_CODES, error.code), error.code);
    assert.ok(error.message.length < 1000, `a ${error.message.length}-character reason`);
    outcomes.refused++;
    return;
  }
  const { ninjs } = article;
  assert.deepEqual(ninjsProblems(ninjs), []);
  assert.ok(ninjs.headlines?.[0]?.value.trim(), 'a headline');
  const html = ninjs.bodies?.find((body) => body.contentType === 'text/html');
  const plain = ninjs.bodies?.find((body) => body.contentType === 'text/plain');
  assert.ok(html && plain?.value.trim(), 'an HTML and a plain-text body');
  assert.deepEqual(unsafeHtml(html.value), []);
  assert.equal(ninjs.uri.length > 0, true);
  // Deterministic: the same bytes are the same content (or the same content hash would flap versions).
  assert.equal((await normaliseObject(source)).contentHash, article.contentHash);
  outcomes.accepted++;
}

const FORMATS: readonly [string, string, fc.Arbitrary<string>][] = [
  ['text', 'txt', wireText],
  ['markdown', 'md', markdownDocument],
  ['html', 'html', htmlPage],
  ['ninjs', 'json', ninjsDocument],
  ['cms json', 'json', cmsDocument],
  ['nitf', 'xml', nitfDocument],
  ['newsml', 'xml', newsmlDocument],
];

describe('fuzz: normaliseObject', () => {
  for (const [name, extension, documents] of FORMATS) {
    test(`${name} documents: valid, safe ninjs or an explained rejection`, async (t) => {
      // The grammar reaches past the refusals: some documents of every format are accepted.
      const outcomes = tally();
      await runProperty(
        t,
        fc.asyncProperty(documents, fc.boolean(), async (text, gzip) => {
          const bytes = new Uint8Array(Buffer.from(text));
          await normaliseAndCheck(outcomes, `fuzz/doc.${extension}`, bytes);
          if (gzip) {
            await normaliseAndCheck(outcomes, `fuzz/doc.${extension}`, new Uint8Array(gzipSync(bytes)));
          }
        }),
        120,
        { outcomes },
      );
    });
  }

  test('good articles of every format, mangled byte by byte, never break the normaliser', async (t) => {
    const seeds = Array.from({ length: 6 }, (_, index) => goodArticle(index, `fuzz-${index}`));
    const outcomes = tally();
    await runProperty(
      t,
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        mutations,
        fc.option(fc.constantFrom('text/html; charset=iso-8859-1', 'text/plain; charset=utf-16'), {
          nil: undefined,
        }),
        async (seed, changes, contentType) => {
          await normaliseAndCheck(outcomes, `fuzz/${seed.file}`, mutate(seed.bytes, changes), contentType);
        },
      ),
      300,
      { outcomes },
    );
  });

  test('arbitrary bytes under any text extension are refused or read, never crash', async (t) => {
    // Random bytes are mostly refused; accepting none is fine here, the grammars above cover acceptance.
    await runProperty(
      t,
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('txt', 'md', 'html', 'json', 'xml'),
        async (bytes, extension) => {
          await normaliseAndCheck(tally(), `fuzz/bytes.${extension}`, bytes);
        },
      ),
      300,
    );
  });
});
