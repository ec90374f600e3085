import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ninjsProblems } from '../../../shared/ninjs/validate.js';
import { generateNinjsValidatorSource } from '../../../shared/ninjs/validator-source.js';

test('the precompiled ninjs validator is current with the schema (run scripts/build-ninjs-validator.ts if not)', () => {
  const committed = readFileSync(
    new URL('../../../shared/ninjs/ninjs-validator.generated.js', import.meta.url),
    'utf8',
  );
  assert.equal(committed, generateNinjsValidatorSource());
});

test('the precompiled validator accepts valid ninjs and names each problem of invalid ninjs', () => {
  assert.deepEqual(ninjsProblems({ uri: 'urn:x:1', headlines: [{ value: 'a' }], pubStatus: 'usable' }), []);
  const problems = ninjsProblems({ uri: 'not a uri', urgency: 12, colour: 'red', firstCreated: 'yesterday' });
  assert.deepEqual(problems.map((problem) => problem.path).sort(), [
    '/',
    '/firstCreated',
    '/urgency',
    '/uri',
  ]);
  assert.match(problems.find((problem) => problem.path === '/')?.message ?? '', /colour/);
});
