/**
 * Property-based tests of the whole normaliser, `normaliseObject`: documents of every format
 * generated from grammars, and valid articles mangled byte by byte. Whatever comes in, the outcome is
 * one of two:
 * - a ninjs 3.2 document that validates, with a headline and a body, an HTML body that holds nothing
 *   outside the allow-list once parsed again, and a content hash that does not change on a second run;
 * - a RejectedInputError with a known code and a short reason.
 * Never another exception (it would be retried as transient, then dead-lettered), never slow.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { REJECTION_CODES, RejectedInputError } from '../../shared/domain/errors.js';
import { normaliseObject } from '../../shared/formats/normalise.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { goodArticle } from '../robustness/hostile-cases.js';
import { unsafeHtml } from '../robustness/html-safety.js';
import {
  budget,
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

const CALL_BUDGET_MS = 1500;

interface Run {
  readonly outcome: 'accepted' | 'rejected';
  readonly ms: number;
}

async function normaliseAndCheck(key: string, bytes: Uint8Array, contentType?: string): Promise<Run> {
  const started = performance.now();
  const source = { key, bytes, ...(contentType ? { contentType } : {}) };
  let article: Awaited<ReturnType<typeof normaliseObject>>;
  try {
    article = await normaliseObject(source);
  } catch (error) {
    const ms = performance.now() - started;
    if (!(error instanceof RejectedInputError)) throw error;
    assert.ok(Object.hasOwn(REJECTION_CODES, error.code), error.code);
    assert.ok(error.message.length < 1000, `a ${error.message.length}-character reason`);
    return { outcome: 'rejected', ms };
  }
  const ms = performance.now() - started;
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
  return { outcome: 'accepted', ms };
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
    test(`${name} documents: valid, safe ninjs or an explained rejection`, async () => {
      const seen = { accepted: 0, rejected: 0 };
      let slowest = 0;
      await fc.assert(
        fc.asyncProperty(documents, fc.boolean(), async (text, gzip) => {
          const bytes = new Uint8Array(Buffer.from(text));
          const run = await normaliseAndCheck(`fuzz/doc.${extension}`, bytes);
          seen[run.outcome]++;
          slowest = Math.max(slowest, run.ms);
          if (gzip) await normaliseAndCheck(`fuzz/doc.${extension}`, new Uint8Array(gzipSync(bytes)));
        }),
        budget(120),
      );
      assert.ok(slowest < CALL_BUDGET_MS, `slowest document took ${Math.round(slowest)} ms`);
      // The grammar reaches past the refusals: some documents of every format are accepted.
      assert.ok(seen.accepted > 0, `${name}: nothing accepted in ${seen.rejected} documents`);
    });
  }

  test('good articles of every format, mangled byte by byte, never break the normaliser', async () => {
    const seeds = Array.from({ length: 6 }, (_, index) => goodArticle(index, `fuzz-${index}`));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        mutations,
        fc.option(fc.constantFrom('text/html; charset=iso-8859-1', 'text/plain; charset=utf-16'), {
          nil: undefined,
        }),
        async (seed, changes, contentType) => {
          await normaliseAndCheck(`fuzz/${seed.file}`, mutate(seed.bytes, changes), contentType);
        },
      ),
      budget(300),
    );
  });

  test('arbitrary bytes under any text extension are refused or read, never crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('txt', 'md', 'html', 'json', 'xml'),
        async (bytes, extension) => {
          await normaliseAndCheck(`fuzz/bytes.${extension}`, bytes);
        },
      ),
      budget(300),
    );
  });
});
