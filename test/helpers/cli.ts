/**
 * The `syndicate` CLI as a user runs it: `node bin/syndicate.js`, a separate process, running the
 * build in dist/cli/. The build is made first when it is missing or older than the sources, so the
 * tests check the code of this work tree as users get it.
 */
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildProblem } from '../../bin/build-state.js';
import { REPO_ROOT } from './paths.js';

export const SYNDICATE = join(REPO_ROOT, 'bin/syndicate.js');

let built = false;

/** Builds the CLI if needed (scripts/build-cli.ts --if-stale); throws when that fails. */
export function ensureBuiltCli(): void {
  if (built) return;
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-cli.ts', '--if-stale'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const problem = buildProblem(pathToFileURL(REPO_ROOT));
  if (build.status !== 0 || problem !== undefined)
    throw new Error(`the CLI build failed (${problem ?? 'exit'}): ${build.stderr}`);
  built = true;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function syndicate(args: readonly string[], options: SpawnSyncOptions = {}): CliResult {
  ensureBuiltCli();
  const result = spawnSync(process.execPath, [SYNDICATE, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}
