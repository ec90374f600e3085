/**
 * Section 6: the `syndicate` CLI as a user starts it, whole process (spawn to exit), against its
 * peers in the same rounds: `syndicate --help` against a bare `node -e 0`, and `syndicate normalise
 * PAGE` against a bare Readability-on-linkedom script on the same page (bench/bare-extract.js).
 * The four commands take turns in every round, so drifting machine load falls on all of them alike;
 * each row is the median of the rounds. The CLI runs its build (dist/cli/), made first if stale.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { buildProblem } from '../../bin/build-state.js';
import { buildCli } from '../../scripts/build-cli.js';
import { REPO_ROOT } from '../corpus.js';
import type { Row } from '../lib/report.js';
import { fmt, median } from '../lib/stats.js';

export const HELP_TARGET_VS_NODE = 3;
export const NORMALISE_TARGET_VS_BARE = 1.2;
/** The page both extract: a real article page of the HTML fixtures (62 KB). */
export const CLI_PAGE = 'test/fixtures/html/heise/source.html';

const COMMANDS = {
  node: ['-e', '0'],
  help: ['bin/syndicate.js', '--help'],
  bare: ['bench/bare-extract.js', CLI_PAGE],
  normalise: ['bin/syndicate.js', 'normalise', CLI_PAGE],
} as const;

type Name = keyof typeof COMMANDS;

/** Wall time of one process from spawn to exit, ms; throws if it fails. */
function timed(name: Name): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...COMMANDS[name]], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`${COMMANDS[name].join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

export interface CliResult {
  readonly runs: number;
  readonly ms: Readonly<Record<Name, readonly number[]>>;
  readonly built: boolean;
}

export async function measureCli(runs: number): Promise<CliResult> {
  const built = buildProblem(pathToFileURL(REPO_ROOT)) !== undefined;
  if (built) await buildCli();
  const ms: Record<Name, number[]> = { node: [], help: [], bare: [], normalise: [] };
  const names = Object.keys(COMMANDS) as Name[];
  // One untimed round: the OS file cache holds node, the build and the libraries for every timed one.
  for (const name of names) timed(name);
  for (let round = 0; round < runs; round++) for (const name of names) ms[name].push(timed(name));
  return { runs, ms, built };
}

export function cliRows(result: CliResult): { rows: Row[]; notes: string[] } {
  const at = (name: Name) => median(result.ms[name]);
  const range = (name: Name) =>
    `${fmt(Math.min(...result.ms[name]), 0)}–${fmt(Math.max(...result.ms[name]), 0)}`;
  const helpRatio = at('help') / at('node');
  const normaliseRatio = at('normalise') / at('bare');
  return {
    rows: [
      {
        section: '6',
        item: 'syndicate --help, whole process',
        measured: `${fmt(at('help'), 0)} ms (${range('help')}) vs node -e 0 ${fmt(at('node'), 0)} ms (${range('node')}): ${fmt(helpRatio)}×`,
        target: `< ${HELP_TARGET_VS_NODE}× a bare node start`,
        pass: helpRatio < HELP_TARGET_VS_NODE,
      },
      {
        section: '6',
        item: 'syndicate normalise PAGE, whole process',
        measured: `${fmt(at('normalise'), 0)} ms (${range('normalise')}) vs bare Readability+linkedom script ${fmt(at('bare'), 0)} ms (${range('bare')}): ${fmt(normaliseRatio)}×`,
        target: `≤ ${NORMALISE_TARGET_VS_BARE}× the bare script`,
        pass: normaliseRatio <= NORMALISE_TARGET_VS_BARE,
      },
    ],
    notes: [
      `CLI (6): whole-process wall time, spawn to exit, median of ${result.runs} rounds in which \`node -e 0\`, \`node bin/syndicate.js --help\`, \`node bench/bare-extract.js ${CLI_PAGE}\` and \`node bin/syndicate.js normalise ${CLI_PAGE}\` take turns (after one untimed round); the CLI runs its esbuild build in dist/cli/ (scripts/build-cli.ts, run by \`npm ci\`)${result.built ? ', built by this run because it was missing or stale' : ''}. Ranges are min–max over the rounds.`,
    ],
  };
}
