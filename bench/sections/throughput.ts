/**
 * Sections 1 and 2: normalise throughput per format, and HTML against its peers on the same pages.
 * Each extractor runs in its own worker process; the three HTML extractors take turns over slices
 * of the same pages, so drifting machine load falls on all of them alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_FORMATS, type BenchFormat, REPO_ROOT } from '../corpus.js';
import type { Row } from '../lib/report.js';
import { fmt, fmtMb, quantile, sum } from '../lib/stats.js';
import { Worker } from '../lib/worker.js';
import type { PrepareReply, RunReply, ThroughputMode } from '../workers/throughput.js';

export const NORMALISE_TARGET_PER_CORE = 2000;
export const HTML_TARGET_VS_BARE = 0.9;
export const HTML_TARGET_VS_JSDOM = 5;
const HTML_SLICES = 10;
/**
 * Untimed warm-up of each worker (see PrepareRequest): V8 settles on optimised code, and the heap on
 * its size, only after thousands of documents here, and a Lambda normalising a feed runs warm almost
 * all the time (its cold start is section 3's). Every extractor of the HTML comparison gets the same
 * warm-up; fewer pages there, since jsdom takes ~60 ms a page.
 */
const WARMUP_DOCUMENTS = { round: 250, max: 5000 };
const WARMUP_PAGES = { round: 20, max: 200 };
/**
 * Timed passes over each format's corpus; the row shows the median pass (by CPU time). One pass of
 * 400 documents takes 0.2–2 s, and a major GC or a busy neighbour can move one pass by 20–30%:
 * with 3 passes one bad pass could still be the median of a format that passes had two bad ones.
 */
const NORMALISE_PASSES = 5;
/**
 * Passes of ours and the bare extractor over the HTML pages, in turns; the ratio is the median of
 * the passes' ratios. Single passes of 200 pages gave ratios from 0.76× to 0.94× across runs, and
 * 0.73–0.93× within one run of 3 passes, which is why there are 5.
 * jsdom, ~6× slower and far from its threshold, takes part in the first pass only.
 */
const HTML_PASSES = 5;

/** The installed version of a package, as its package.json states it. */
function versionOf(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}

export interface Pass {
  readonly count: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface ThroughputResult {
  readonly label: string;
  readonly prepared: PrepareReply;
  /** Documents, wall time and CPU time of the pass the rates are read from (the median pass). */
  readonly count: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Every timed pass, in order. */
  readonly passes: readonly Pass[];
  /** Documents per CPU-second of every timed pass, in order. */
  readonly passRates: readonly number[];
  /** Milliseconds per document, every pass. */
  readonly times: readonly number[];
  readonly peakRssKb: number;
  readonly failures: readonly { readonly source: string; readonly error: string }[];
  readonly consoleErrors: readonly { readonly source: string; readonly error: string }[];
}

export const perSecond = (result: Pass): number => (result.count / result.wallMs) * 1000;
export const perCpuSecond = (result: Pass): number => (result.count / result.cpuMs) * 1000;

/** The median over the passes both made (the same pages, in turns) of a's rate ÷ b's. */
function pairedRatio(a: ThroughputResult, b: ThroughputResult, rate: (pass: Pass) => number) {
  const ratios = a.passes
    .slice(0, b.passes.length)
    .map((pass, index) => rate(pass) / rate(b.passes[index] as Pass));
  return { median: quantile(ratios, 0.5), ratios };
}

function describeRatio(a: ThroughputResult, b: ThroughputResult): { text: string; wall: number } {
  const wall = pairedRatio(a, b, perSecond);
  const cpu = pairedRatio(a, b, perCpuSecond);
  const passes =
    wall.ratios.length > 1
      ? `, median of ${wall.ratios.length} passes: ${wall.ratios.map((ratio) => fmt(ratio)).join(' / ')}`
      : '';
  return { text: `${fmt(wall.median)}× wall${passes} (${fmt(cpu.median)}× CPU)`, wall: wall.median };
}

interface Running {
  readonly worker: Worker;
  readonly label: string;
  readonly prepared: PrepareReply;
  /** Timed passes over the corpus, each made of one or more slices. */
  readonly passes: RunReply[][];
}

async function startRunning(
  label: string,
  mode: ThroughputMode,
  format: BenchFormat,
  count: number,
  warmup: { readonly round: number; readonly max: number },
): Promise<Running> {
  const worker = Worker.start('workers/throughput.ts', label);
  try {
    const prepared = await worker.request<PrepareReply>({
      type: 'prepare',
      mode,
      format,
      count,
      warmupRound: warmup.round,
      warmupMax: warmup.max,
    });
    return { worker, label, prepared, passes: [] };
  } catch (error) {
    await worker.stop();
    throw error;
  }
}

async function finish(running: Running): Promise<ThroughputResult> {
  const peakRssKb = await running.worker.close();
  const runs = running.passes.flat();
  const all = runs.flatMap((run) => run.failures);
  const unique = (list: typeof all) => [
    ...new Map(list.map((failure) => [`${failure.source}\n${failure.error}`, failure])).values(),
  ];
  const passes: Pass[] = running.passes.map((slices) => ({
    count: sum(slices.map((run) => run.times.length)),
    wallMs: sum(slices.map((run) => run.wallMs)),
    cpuMs: sum(slices.map((run) => run.cpuMs)),
  }));
  const rate = (pass: Pass) => (pass.count / pass.cpuMs) * 1000;
  const byRate = [...passes].sort((a, b) => rate(a) - rate(b));
  const median = byRate[Math.floor((byRate.length - 1) / 2)] ?? { count: 0, wallMs: 0, cpuMs: 0 };
  return {
    label: running.label,
    prepared: running.prepared,
    ...median,
    passes,
    passRates: passes.map(rate),
    times: runs.flatMap((run) => run.times),
    peakRssKb,
    failures: all.filter((failure) => !failure.error.startsWith('console: ')),
    consoleErrors: unique(all.filter((failure) => failure.error.startsWith('console: '))),
  };
}

/**
 * One timed pass over the corpus on each worker, in turns: slice 1 on each worker, slice 2 on each
 * (rotated order), …
 */
async function takeTurns(workers: readonly Running[], count: number, slices: number): Promise<void> {
  for (const running of workers) running.passes.push([]);
  const size = Math.ceil(count / slices);
  for (let slice = 0; slice < slices; slice++) {
    const from = slice * size;
    const to = Math.min(count, from + size);
    if (from >= to) break;
    for (let turn = 0; turn < workers.length; turn++) {
      const running = workers[(slice + turn) % workers.length] as Running;
      running.passes.at(-1)?.push(await running.worker.request<RunReply>({ type: 'run', from, to }));
    }
  }
}

function describe(result: ThroughputResult, unit: string): string {
  const failed = result.failures.length > 0 ? `; ${result.failures.length} failed` : '';
  const passes =
    result.passRates.length > 1
      ? ` (median of ${result.passRates.length} passes: ${result.passRates.map((rate) => fmt(rate, 0)).join(' / ')})`
      : '';
  return (
    `${fmt(perSecond(result), 0)} ${unit}/s wall, ${fmt(perCpuSecond(result), 0)} per CPU-s${passes}; ` +
    `p50 ${fmt(quantile(result.times, 0.5))} / p95 ${fmt(quantile(result.times, 0.95))} ms; ` +
    `peak RSS ${fmtMb(result.peakRssKb)}${failed}`
  );
}

function corpusLabel(format: string, result: ThroughputResult): string {
  return `${format}: ${result.count} docs from ${result.prepared.sources.length} sources, mean ${fmt(result.prepared.meanBytes / 1024, 1)} KB`;
}

export interface ThroughputSection {
  readonly rows: Row[];
  readonly notes: string[];
  readonly formats: Partial<Record<BenchFormat, ThroughputResult>>;
  readonly html?: { ours: ThroughputResult; bare: ThroughputResult; jsdom: ThroughputResult };
}

export async function runThroughput(options: {
  documents: number;
  htmlPages: number;
  /** Every format (section 1), or HTML and its peers only (section 2). */
  allFormats: boolean;
  log: (line: string) => void;
}): Promise<ThroughputSection> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const formats: Partial<Record<BenchFormat, ThroughputResult>> = {};

  for (const format of BENCH_FORMATS.filter((name) => name !== 'html' && options.allFormats)) {
    options.log(`  normalise ${format} ×${options.documents}`);
    const running = await startRunning(
      `normalise-${format}`,
      'normalise',
      format,
      options.documents,
      WARMUP_DOCUMENTS,
    );
    try {
      for (let pass = 0; pass < NORMALISE_PASSES; pass++)
        await takeTurns([running], running.prepared.count, 1);
    } catch (error) {
      await running.worker.stop();
      throw error;
    }
    formats[format] = await finish(running);
  }

  options.log(
    `  HTML: ours, Readability on linkedom, Readability on jsdom, ×${options.htmlPages} pages each, in turns`,
  );
  const started = await Promise.allSettled([
    startRunning('html-ours', 'normalise', 'html', options.htmlPages, WARMUP_PAGES),
    startRunning(
      'html-readability-linkedom',
      'readability-linkedom',
      'html',
      options.htmlPages,
      WARMUP_PAGES,
    ),
    startRunning('html-readability-jsdom', 'readability-jsdom', 'html', options.htmlPages, WARMUP_PAGES),
  ]);
  const peers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const notStarted = started.find((result) => result.status === 'rejected');
  if (notStarted) {
    await Promise.all(peers.map((running) => running.worker.stop()));
    throw notStarted.reason;
  }
  try {
    await takeTurns(peers, options.htmlPages, HTML_SLICES);
    for (let pass = 1; pass < HTML_PASSES; pass++)
      await takeTurns(peers.slice(0, 2), options.htmlPages, HTML_SLICES);
  } catch (error) {
    await Promise.all(peers.map((running) => running.worker.stop()));
    throw error;
  }
  const [ours, bare, jsdom] = (await Promise.all(peers.map(finish))) as [
    ThroughputResult,
    ThroughputResult,
    ThroughputResult,
  ];
  formats.html = ours;

  for (const format of BENCH_FORMATS) {
    const result = formats[format];
    if (!result) continue;
    const targeted = format !== 'html';
    rows.push({
      section: '1',
      item: `normalise ${corpusLabel(format, result)}`,
      measured: describe(result, 'art'),
      target: targeted ? `≥ ${fmt(NORMALISE_TARGET_PER_CORE, 0)} art/s per core (CPU-s)` : 'see 2',
      ...(targeted
        ? { pass: perCpuSecond(result) >= NORMALISE_TARGET_PER_CORE && result.failures.length === 0 }
        : {}),
    });
    const mismatched = Object.entries(result.prepared.detected).filter(([, detected]) => detected !== format);
    for (const [source, detected] of mismatched)
      notes.push(
        `${format} corpus: ${source} is detected as ${detected} (it is still counted as ${format}).`,
      );
    for (const { source, reason } of result.prepared.skipped)
      notes.push(`${format} corpus: ${source} skipped, the normaliser rejects it (${reason}).`);
    for (const failure of result.failures.slice(0, 3))
      notes.push(`${format} corpus: a copy of ${failure.source} failed: ${failure.error}`);
  }

  const warmups = [
    ...BENCH_FORMATS.filter((format) => format !== 'html').flatMap((format) => {
      const result = formats[format];
      return result ? [[format, result] as const] : [];
    }),
    ['HTML ours', ours] as const,
    ['HTML bare extractor', bare] as const,
    ['HTML jsdom', jsdom] as const,
  ].map(([name, result]) => {
    const { documents, firstRoundCpuMs, lastRoundsCpuMs } = result.prepared.warmup;
    return `${name} ${fmt(documents, 0)} (${fmt(firstRoundCpuMs, 2)} → ${fmt(lastRoundsCpuMs, 2)} ms)`;
  });
  notes.push(
    `Warm-up before timing, untimed: ${fmt(WARMUP_DOCUMENTS.max, 0)} documents per format (${WARMUP_PAGES.max} HTML pages per extractor), variants of the sources in turn, in rounds of ${WARMUP_DOCUMENTS.round} (${WARMUP_PAGES.round}) — documents warmed up and CPU ms per document in the first round → the median of the last four: ${warmups.join('; ')}. ` +
      `Then ${NORMALISE_PASSES} timed passes over each format's corpus; its row shows the median pass by CPU time, with every pass's documents per CPU-s, and p50/p95 over all passes. The HTML extractors take turns (below).`,
  );

  const vsBare = describeRatio(ours, bare);
  const vsJsdom = describeRatio(ours, jsdom);
  const jsdomFailedPages = [...new Set(jsdom.failures.map((failure) => failure.source))];
  rows.push(
    {
      section: '2',
      item: `HTML ours (full normaliser), ${ours.count} pages`,
      measured: describe(ours, 'pages'),
      target: '',
    },
    {
      section: '2',
      item: `HTML Readability ${versionOf('@mozilla/readability')} on linkedom ${versionOf('linkedom')} (bare extractor)`,
      measured: describe(bare, 'pages'),
      target: '',
    },
    {
      section: '2',
      item: `HTML Readability ${versionOf('@mozilla/readability')} on jsdom ${versionOf('jsdom')}`,
      measured:
        describe(jsdom, 'pages') +
        (jsdomFailedPages.length > 0
          ? `; failed on: ${jsdomFailedPages.join(', ')}`
          : '; failed on no page') +
        (jsdom.consoleErrors.length > 0
          ? `; errors reported on: ${[...new Set(jsdom.consoleErrors.map((error) => error.source))].join(', ')}`
          : ''),
      target: '',
    },
    {
      section: '2',
      item: 'HTML ours ÷ bare extractor (pages/s)',
      measured: vsBare.text,
      target: `≥ ${HTML_TARGET_VS_BARE}×`,
      pass: vsBare.wall >= HTML_TARGET_VS_BARE,
    },
    {
      section: '2',
      item: 'HTML ours ÷ Readability on jsdom',
      measured: vsJsdom.text,
      target: `≥ ${HTML_TARGET_VS_JSDOM}×`,
      pass: vsJsdom.wall >= HTML_TARGET_VS_JSDOM,
    },
  );
  for (const error of jsdom.consoleErrors)
    notes.push(`jsdom reported on ${error.source}: ${error.error.replace(/^console: /, '')}`);
  for (const failure of jsdom.failures.slice(0, 3))
    notes.push(`jsdom failed on ${failure.source}: ${failure.error}`);
  notes.push(
    `HTML pages: ${ours.prepared.sources.join(', ')}, replicated with one word changed per copy; the three extractors took turns over ${HTML_SLICES} slices of the same pages, then ours and the bare extractor made ${HTML_PASSES - 1} more passes in turns; each ratio is the median of the passes' ratios, and each extractor's row shows its median pass. ` +
      'Each page is handed over as bytes; the peers decode UTF-8, ours detects the charset. ' +
      'Every extractor awaits one turn of the event loop between pages (jsdom frees a closed window only then). ' +
      `Load time of each extractor (import): ours ${fmt(ours.prepared.loadMs, 0)} ms, linkedom+Readability ${fmt(bare.prepared.loadMs, 0)} ms, jsdom+Readability ${fmt(jsdom.prepared.loadMs, 0)} ms.`,
  );
  return { rows, notes, formats, html: { ours, bare, jsdom } };
}
