/** Helpers shared by the format parser tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { assembleArticle } from '../../shared/normaliser/assemble.js';
import { decodeObject } from '../../shared/normaliser/decode.js';
import type { ArticleParts } from '../../shared/normaliser/parts.js';

/** Runs `run` and returns the RejectedInputError it throws; fails the test if it throws nothing or anything else. */
export function rejection(run: () => unknown): RejectedInputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RejectedInputError, `expected a RejectedInputError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be rejected');
}

/** A fixture file as the parsers receive it: decoded by the pipeline's own decoder (declared charset, BOM...). */
export function decodedFixture(path: string): string {
  return decodeObject(readFileSync(path), { maxDecompressedBytes: 20 * 1024 * 1024 }).text;
}

/**
 * Assembles parser output into ninjs and checks what every accepted article must have: schema-valid,
 * a headline, non-empty HTML and plain-text bodies. Returns the article and its two bodies.
 */
export function assembleValid(parts: ArticleParts, key: string, format: string) {
  const article = assembleArticle(parts, { key, format });
  assert.deepEqual(ninjsProblems(article.ninjs), []);
  assert.ok(article.ninjs.headlines?.[0]?.value, 'a headline');
  const html = article.ninjs.bodies?.find((body) => body.contentType === 'text/html')?.value ?? '';
  const plain = article.ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
  assert.ok(html.trim() && plain.trim(), 'non-empty bodies');
  return { article, html, plain };
}
