/**
 * The hostile-input suite at the normaliser: every case of ./hostile-cases.ts has its outcome —
 * rejected with its code, or accepted with the good part intact and the dangerous parts gone — and
 * every accepted body passes the safety oracle (./html-safety.ts): re-parsed, nothing outside the
 * allow-list. How fast the normaliser is on them is the benchmark's business; a case that never ends
 * (catastrophic backtracking, an expansion bomb) is caught by the per-case timeout, far above what any
 * machine needs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NormalisedArticle } from '../../shared/domain/article.js';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import { type Accepted, type HostileCase, hostileCases } from './hostile-cases.js';
import { markupOf, unsafeHtml } from './html-safety.js';

/** Only a case that hangs reaches this: none needs a hundredth of it. */
const CASE_TIMEOUT_MS = 120_000;

type Outcome = { readonly accepted: NormalisedArticle } | { readonly rejected: RejectedInputError };

async function run(entry: HostileCase): Promise<Outcome> {
  try {
    const article = await normaliseObject({
      key: `hostile/${entry.file}`,
      bytes: entry.bytes,
      ...(entry.contentType ? { contentType: entry.contentType } : {}),
    });
    return { accepted: article };
  } catch (error) {
    // Anything but a RejectedInputError would be retried as transient, then dead-lettered: a bug.
    if (!(error instanceof RejectedInputError)) throw error;
    return { rejected: error };
  }
}

function checkAccepted(article: NormalisedArticle, expected: Accepted): void {
  const { ninjs } = article;
  assert.deepEqual(ninjsProblems(ninjs), []);
  const html = ninjs.bodies?.find((body) => body.contentType === 'text/html')?.value ?? '';
  const plain = ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
  if (expected.headline !== undefined) assert.equal(ninjs.headlines?.[0]?.value, expected.headline);
  if (expected.format !== undefined) assert.equal(article.format, expected.format);
  for (const text of expected.bodyIncludes ?? [])
    assert.ok(plain.includes(text), `body lacks ${JSON.stringify(text)}`);
  for (const text of expected.bodyExcludes ?? []) {
    for (const [name, body] of [
      ['HTML', html],
      ['plain', plain],
    ]) {
      assert.ok(
        !body?.toLowerCase().includes(text.toLowerCase()),
        `${name} body holds ${JSON.stringify(text)}`,
      );
    }
  }
  const markup = markupOf(html).toLowerCase();
  for (const text of expected.markupExcludes ?? [])
    assert.ok(!markup.includes(text.toLowerCase()), `HTML markup holds ${JSON.stringify(text)}`);
  const document = JSON.stringify(ninjs).toLowerCase();
  for (const text of expected.documentExcludes ?? [])
    assert.ok(!document.includes(text.toLowerCase()), `document holds ${JSON.stringify(text)}`);
  if (expected.pubStatus !== undefined) assert.equal(ninjs.pubStatus, expected.pubStatus);
  for (const field of expected.dropped ?? [])
    assert.ok(
      article.provenance[`dropped:${field}`]?.original !== undefined,
      `${field} not recorded as dropped`,
    );
  if (expected.encodingRule !== undefined) {
    const rule = article.provenance.encoding?.rule ?? '';
    if (typeof expected.encodingRule === 'string') assert.equal(rule, expected.encodingRule);
    else assert.match(rule, expected.encodingRule);
  }
  // Whatever the input, what partners get is inside the allow-list once parsed again.
  assert.deepEqual(unsafeHtml(html), []);
}

const cases = hostileCases();

describe('hostile inputs at the normaliser', () => {
  test('the catalogue is well formed: unique ids and files, every category covered', () => {
    assert.equal(new Set(cases.map((entry) => entry.id)).size, cases.length);
    assert.equal(new Set(cases.map((entry) => entry.file)).size, cases.length);
    const categories = new Set(cases.map((entry) => entry.category));
    for (const category of [
      'empty',
      'binary',
      'nul',
      'encoding',
      'long-line',
      'size',
      'html',
      'json',
      'ninjs',
      'xml',
      'markdown',
    ])
      assert.ok(categories.has(category), category);
  });

  for (const category of new Set(cases.map((entry) => entry.category))) {
    describe(category, () => {
      for (const entry of cases.filter((candidate) => candidate.category === category)) {
        const expected =
          'rejected' in entry.expect ? `rejected ${entry.expect.rejected}` : 'accepted, dangerous parts gone';
        test(`${entry.id}: ${entry.description} → ${expected}`, {
          todo: entry.knownBug,
          timeout: CASE_TIMEOUT_MS,
        }, async () => {
          const outcome = await run(entry);
          if ('rejected' in entry.expect) {
            assert.ok(
              'rejected' in outcome,
              `accepted as ${'accepted' in outcome ? outcome.accepted.format : ''}, expected ${entry.expect.rejected}`,
            );
            assert.equal(outcome.rejected.code, entry.expect.rejected, outcome.rejected.message);
            // The reason is for publishers: specific, short, and never a copy of the hostile input.
            assert.ok(outcome.rejected.message.length < 600, 'the reason is short');
          } else {
            assert.ok(
              'accepted' in outcome,
              `rejected: ${'rejected' in outcome ? outcome.rejected.message : ''}`,
            );
            checkAccepted(outcome.accepted, entry.expect.accepted);
          }
        });
      }
    });
  }

  test('no input pollutes Object.prototype', async () => {
    for (const entry of cases.filter(
      (candidate) => candidate.category === 'json' || candidate.category === 'markdown',
    ))
      await run(entry);
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  test('the oracle itself catches what it must (a sanitiser that let these through would fail)', () => {
    const problems = (html: string) => unsafeHtml(html);
    assert.notDeepEqual(problems('<script>alert(1)</script>'), []);
    assert.notDeepEqual(problems('<p onclick="x">a</p>'), []);
    assert.notDeepEqual(problems('<a href="&#106;avascript:alert(1)">a</a>'), []);
    assert.notDeepEqual(problems('<a href="java\tscript:alert(1)">a</a>'), []);
    assert.notDeepEqual(problems('<img src="data:image/png;base64,AAAA">'), []);
    assert.notDeepEqual(problems('<svg><a href="https://ok.example/">a</a></svg>'), []);
    assert.notDeepEqual(problems('<p style="color:red">a</p>'), []);
    assert.notDeepEqual(problems('<a href="/relative">a</a>'), []);
    assert.notDeepEqual(problems('<!-- comment -->'), []);
    assert.deepEqual(
      problems(
        '<p>a <a href="https://example.com/" title="t">b</a> <img src="https://example.com/i.jpg" alt="i"></p><table><tr><td colspan="2">c</td></tr></table>',
      ),
      [],
    );
    assert.deepEqual(problems('<a href="mailto:desk@example.com">mail</a>'), []);
  });
});
