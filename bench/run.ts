/**
 * `npm run bench`: speed, memory, bundle size, cold start, end to end and cost, measured side by side
 * in one run, printed as one table with targets and written to BENCHMARKS.md (see issue 7).
 *
 *   npm run bench [-- --articles N] [--documents N] [--pages N] [--cold-runs N] [--cli-runs N] [--only 1,2,3,4,5,6] [--out FILE]
 *                     [--cpu-prof DIR]   (a V8 CPU profile of every child process; see bench/profile-summary.ts)
 *
 * Sections: 1 normalise throughput per format, 2 HTML against its peers, 3 Lambda bundles and cold
 * starts, 4 local end to end, 5 cost per million articles (needs 3; uses 4's partner mix when run),
 * 6 the CLI's whole-process start and one-page normalise against bare node and the bare extractor.
 * A full run writes BENCHMARKS.md; a partial run (--only) writes only with --out. Exits 0 whatever
 * the results: the table says FAIL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './corpus.js';
import { calibrate } from './lib/calibration.js';
import { markdownTable, type Row, textTable } from './lib/report.js';
import { fmt, median } from './lib/stats.js';
import { cliRows, measureCli } from './sections/cli.js';
import { costRows, measureArticleSizes } from './sections/cost.js';
import {
  belowCapacityRun,
  E2E_CONCURRENCY,
  E2E_TARGET_PER_SECOND,
  e2eRows,
  runEndToEnd,
} from './sections/e2e.js';
import {
  BASELINE,
  buildBundles,
  type FunctionMeasurement,
  lambdaRows,
  measureColdStarts,
  readConstructSettings,
  warmLogBytes,
  warmMs,
} from './sections/lambda.js';
import { runThroughput } from './sections/throughput.js';
import type { E2eReply } from './workers/e2e.js';

// The local pipeline started for the cold starts logs every object at INFO: keep this process's output to the table.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '1000' },
    documents: { type: 'string', default: '400' },
    pages: { type: 'string', default: '200' },
    'cold-runs': { type: 'string', default: '5' },
    'cli-runs': { type: 'string', default: '15' },
    only: { type: 'string' },
    out: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
if (values['cpu-prof']) {
  process.env.BENCH_CPU_PROF = resolve(values['cpu-prof']);
  mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
}

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer`);
  return number;
}

const settings = {
  articles: positive('articles', values.articles),
  documents: positive('documents', values.documents),
  pages: positive('pages', values.pages),
  coldRuns: positive('cold-runs', values['cold-runs']),
  cliRuns: positive('cli-runs', values['cli-runs']),
};
const sections = new Set((values.only ?? '1,2,3,4,5,6').split(',').map((section) => section.trim()));
const fullRun = values.only === undefined;

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}
// The code measured: the commit and whether the work tree differs from it, taken before anything runs.
const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
// BENCHMARKS.md is this program's own output: a previous run's copy does not make the code differ.
const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!BENCHMARKS.md']) !== '';
const startedAt = new Date();
const started = performance.now();
const loadAtStart = loadavg();
const calibrationAtStart = calibrate(11);
const log = (line: string) => process.stdout.write(`${line}\n`);
const rows: Row[] = [];
const notes: string[] = [];
const errors: string[] = [];

async function section<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  const sectionStart = performance.now();
  log(`${name}…`);
  try {
    const result = await work();
    log(`  done in ${fmt((performance.now() - sectionStart) / 1000, 1)} s`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors.push(`${name}: ${message}`);
    rows.push({
      section: name.split(' ')[0] ?? '',
      item: name,
      measured: `could not run: ${message.slice(0, 300)}`,
      target: '',
      pass: false,
    });
    log(`  FAILED: ${message}`);
    return undefined;
  }
}

if (sections.has('1') || sections.has('2')) {
  const result = await section('1-2 normalise throughput and HTML peers', () =>
    runThroughput({
      documents: settings.documents,
      htmlPages: settings.pages,
      allFormats: sections.has('1'),
      log,
    }),
  );
  if (result) {
    rows.push(...result.rows.filter((row) => sections.has(row.section)));
    notes.push(...result.notes);
  }
}

let measurements: FunctionMeasurement[] | undefined;
const construct = readConstructSettings();
if (sections.has('3') || sections.has('5')) {
  const result = await section('3 Lambda bundles and cold starts', async () => {
    const bundles = await buildBundles();
    log(
      `  bundles: ${bundles
        .filter((bundle) => bundle.name !== BASELINE)
        .map((bundle) => `${bundle.name} ${fmt(bundle.bytes / 1024, 0)} KB`)
        .join(', ')}`,
    );
    const measured = await measureColdStarts({
      bundles,
      runs: settings.coldRuns,
      memoryMb: construct.memoryMb,
      log,
    });
    return { bundles, measured };
  });
  if (result) {
    measurements = result.measured;
    const { rows: lambda, notes: lambdaNotes } = lambdaRows(construct, result.bundles, result.measured);
    if (sections.has('3')) {
      rows.push(...lambda);
      notes.push(...lambdaNotes);
    }
  }
}

let e2e: E2eReply | undefined;
if (sections.has('4')) {
  e2e = await section('4 local end to end', () => runEndToEnd(settings.articles));
  const paced = e2e
    ? await section('4 local end to end, paced', () => runEndToEnd(settings.articles, E2E_TARGET_PER_SECOND))
    : undefined;
  const belowCapacity = e2e ? belowCapacityRun(e2e, settings.articles) : undefined;
  const easy = belowCapacity
    ? await section(`4 local end to end, paced at ${belowCapacity.rate}/s`, () =>
        runEndToEnd(belowCapacity.articles, belowCapacity.rate),
      )
    : undefined;
  if (e2e) {
    const { rows: e2eTable, notes: e2eNotes } = e2eRows(e2e, paced, easy);
    rows.push(...e2eTable);
    notes.push(...e2eNotes);
  }
}

if (sections.has('5') && measurements) {
  const byName = new Map(measurements.map((measurement) => [measurement.name, measurement]));
  const normalise = byName.get('normalise');
  const publish = byName.get('publish');
  if (normalise && publish) {
    await section('5 cost per million articles', async () => {
      const sizes = await measureArticleSizes();
      const { rows: cost, notes: costNotes } = costRows(
        {
          memoryMb: construct.memoryMb,
          normaliseMsPerArticle: warmMs(normalise) / normalise.warmBatch,
          publishMsPerArticle: warmMs(publish) / publish.warmBatch,
          normaliseInitMs: median(normalise.runs.map((run) => run.loadMs)),
          publishInitMs: median(publish.runs.map((run) => run.loadMs)),
          normaliseLogBytesPerArticle: warmLogBytes(normalise) / normalise.warmBatch,
          publishLogBytesPerArticle: warmLogBytes(publish) / publish.warmBatch,
          deliveriesPerArticle: e2e ? e2e.expectedDeliveries / e2e.articles : 2,
          messagesPerArticle: e2e ? e2e.variantsPerArticle : 1,
          deliveriesSource: e2e ? 'the end-to-end mix' : 'assumed, section 4 not run',
        },
        sizes,
      );
      rows.push(...cost);
      notes.push(...costNotes);
    });
  }
}

if (sections.has('6')) {
  const result = await section('6 CLI whole-process', () => measureCli(settings.cliRuns));
  if (result) {
    const { rows: cli, notes: cliNotes } = cliRows(result);
    rows.push(...cli);
    notes.push(...cliNotes);
  }
}

const elapsedSeconds = (performance.now() - started) / 1000;
const loadAtEnd = loadavg();
const calibrationAtEnd = calibrate(11);

const cpu = cpus();
const machine = [
  `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${fmt(totalmem() / 1024 ** 3, 1)} GB RAM, ${process.platform} ${release()}`,
  `load average ${loadAtStart.map((value) => fmt(value, 2)).join(' / ')} at the start, ${loadAtEnd.map((value) => fmt(value, 2)).join(' / ')} at the end (1 / 5 / 15 min)`,
  `calibration (bench/lib/calibration.ts, a fixed workload; compare runs only as far as it agrees) ${fmt(calibrationAtStart, 1)} ms CPU at the start, ${fmt(calibrationAtEnd, 1)} ms at the end`,
];
const failed = rows.filter((row) => row.pass === false).length;
const passed = rows.filter((row) => row.pass === true).length;
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

log('');
log(textTable(rows, Math.max(120, process.stdout.columns ?? 160)));
log(
  `${passed} pass, ${failed} FAIL; ${fmt(elapsedSeconds, 0)} s; Node ${process.version}; ${machine.join('; ')}`,
);
for (const error of errors) log(`error: ${error}`);

/** No machine paths in the report: the repository is `.`, its parent `..`. */
function relativePaths(text: string): string {
  const root = REPO_ROOT.replace(/\/$/, '');
  return text
    .replaceAll(`${root}/`, '')
    .replaceAll(root, '.')
    .replaceAll(`${dirname(root)}/`, '../');
}

if (fullRun || values.out) {
  const markdown = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`, issue 7); run it again rather than editing this file. Targets are judged in the same run, peers side by side: absolute numbers drift with the load on the machine.',
    '',
    `- Date: ${startedAt.toISOString()}`,
    `- Machine: ${machine.join('; ')}`,
    `- Node: ${process.version}`,
    `- Commit: ${commit}${dirty ? ' (with uncommitted changes in the work tree)' : ''}`,
    `- Command: \`${command}\`, ${fmt(elapsedSeconds, 0)} s; ${settings.documents} documents per format, ${settings.pages} HTML pages per extractor, ${settings.coldRuns} cold starts per function, ${settings.articles} articles end to end with ${E2E_CONCURRENCY} concurrent uploads, then again paced at ${E2E_TARGET_PER_SECOND}/s and at half the burst's throughput`,
    `- Result: ${passed} pass, ${failed} FAIL`,
    '',
    markdownTable(rows),
    '',
    '## How it was measured',
    '',
    '- Throughput (1, 2): each extractor runs in its own child process (tsx), after an untimed warm-up of thousands of documents (below), so that the timed documents run on the code V8 settles on, as in a Lambda that has been normalising a feed for a while (cold starts are section 3); "wall" is documents ÷ elapsed time, "per CPU-s" is documents ÷ the process’s CPU time (user + system), which is what one core sustains when the machine is shared — the per-core target is judged on it. p50/p95 are per document; peak RSS is the child’s maxRSS (it includes tsx and the corpus).',
    ...notes.map((note) => `- ${note}`),
    ...errors.map((error) => `- Error: ${error}`),
    '',
  ].join('\n');
  const out = values.out ?? 'BENCHMARKS.md';
  writeFileSync(join(REPO_ROOT, out), relativePaths(markdown));
  log(`written to ${out}`);
}
