/** When bin/syndicate.js may run the built CLI: the build is there and no source it read changed since. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildProblem } from '../../../bin/build-state.js';

const root = mkdtempSync(join(tmpdir(), 'syndicate-build-state-'));
after(() => rmSync(root, { recursive: true, force: true }));
const rootUrl = pathToFileURL(`${root}/`);
const builtAt = Date.parse('2026-12-07T12:00:00.000Z');

function setUp(sourceModified: number): void {
  mkdirSync(join(root, 'cli'), { recursive: true });
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'cli', 'main.ts'), '// source\n');
  utimesSync(join(root, 'cli', 'main.ts'), sourceModified / 1000, sourceModified / 1000);
  writeFileSync(
    join(root, 'dist', 'cli', 'build.json'),
    JSON.stringify({ builtAt, inputs: ['cli/main.ts'] }),
  );
}

describe('buildProblem', () => {
  test('none when every source is older than the build', () => {
    setUp(builtAt - 60_000);
    assert.equal(buildProblem(rootUrl), undefined);
  });

  test('stale when a source changed after the build', () => {
    setUp(builtAt + 1_000);
    assert.equal(buildProblem(rootUrl), 'stale: cli/main.ts changed since the build');
  });

  test('stale when a source is gone, missing when there is no build', () => {
    setUp(builtAt - 60_000);
    rmSync(join(root, 'cli', 'main.ts'));
    assert.equal(buildProblem(rootUrl), 'stale: cli/main.ts is gone');
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(buildProblem(rootUrl), 'missing');
  });
});
