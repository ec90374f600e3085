/** Helpers shared by the format parser tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { decodeObject } from '../../shared/formats/decode.js';

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
