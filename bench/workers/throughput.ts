/**
 * Throughput worker: one extractor over one corpus, in its own process (clean peak RSS).
 *
 * Modes: `normalise` (our full normaliser, `normaliseObject`, any format), `readability-linkedom`
 * (the bare extractor our HTML parser uses: linkedom `parseHTML`, then Readability) and
 * `readability-jsdom` (Readability on jsdom, the common choice). The parent sends `prepare` once,
 * then `run` requests over slices of the corpus, so that several workers can take turns.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { type BenchFormat, type CorpusDocument, replicate, sourceDocuments, variantOf } from '../corpus.js';
import { median } from '../lib/stats.js';
import { serve } from '../lib/worker.js';

export type ThroughputMode = 'normalise' | 'readability-linkedom' | 'readability-jsdom';

export interface PrepareRequest {
  readonly type: 'prepare';
  readonly mode: ThroughputMode;
  readonly format: BenchFormat;
  readonly count: number;
  /**
   * Warm-up before anything is timed, so the timed documents run on the code V8 settles on, as in a
   * Lambda that has been normalising a feed for a while (the first articles of a fresh process are the
   * cold start, measured in section 3): `warmupMax` documents (variants of the sources, in turn), in
   * rounds of `warmupRound` whose CPU time per document is reported. Always the whole count: CPU time
   * per document keeps falling for thousands of documents, and a round-over-round stopping rule
   * stopped after 750 here because single rounds vary by ±30% (GC cycles).
   */
  readonly warmupRound: number;
  readonly warmupMax: number;
}

export interface PrepareReply {
  readonly sources: readonly string[];
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
  /** Detected format per source (normalise mode). */
  readonly detected: Readonly<Record<string, string>>;
  readonly count: number;
  readonly meanBytes: number;
  readonly loadMs: number;
  /**
   * Documents extracted during the warm-up; CPU ms per document in its first round, and the median
   * of its last four rounds (one round alone varies too much to show where the warm-up ended).
   */
  readonly warmup: {
    readonly documents: number;
    readonly firstRoundCpuMs: number;
    readonly lastRoundsCpuMs: number;
  };
}

export interface RunRequest {
  readonly type: 'run';
  readonly from: number;
  readonly to: number;
}

export interface RunReply {
  /** Milliseconds per document. */
  readonly times: readonly number[];
  /** Wall time of the whole slice, turns of the event loop included. */
  readonly wallMs: number;
  /** CPU time (user + system, all threads) of the slice. */
  readonly cpuMs: number;
  readonly failures: readonly { readonly source: string; readonly error: string }[];
}

/** One document through the extractor; ours is asynchronous (it imports a format's parser on first use). */
type Extract = (document: CorpusDocument) => unknown;

let corpus: CorpusDocument[] = [];
let extract: Extract = () => undefined;
let yieldBetween = false;
/** Errors jsdom reports on its virtual console (e.g. CSS it cannot parse), by source. */
const consoleErrors = new Map<string, string>();
let current: CorpusDocument | undefined;
/** jsdom may throw from a callback after `parse()` returned: charge it to the page being read. */
const asyncFailures: { source: string; error: string }[] = [];
process.on('uncaughtException', (error) => {
  asyncFailures.push({ source: current?.source ?? '(between pages)', error: String(error).slice(0, 200) });
});

async function extractorFor(mode: ThroughputMode): Promise<Extract> {
  if (mode === 'normalise') {
    const { normaliseObject } = await import('../../shared/normaliser/normalise.js');
    return (document) => normaliseObject({ key: document.key, bytes: document.bytes });
  }
  const { Readability } = await import('@mozilla/readability');
  if (mode === 'readability-linkedom') {
    const { parseHTML } = await import('linkedom');
    return (document) => {
      const { document: page } = parseHTML(document.bytes.toString('utf8'));
      const article = new Readability(page).parse();
      if (!article?.content) throw new Error('Readability found no article');
      return article;
    };
  }
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error: Error) => {
    if (current && !consoleErrors.has(current.source))
      consoleErrors.set(current.source, error.message.split('\n')[0]?.slice(0, 160) ?? '');
  });
  return (document) => {
    const dom = new JSDOM(document.bytes.toString('utf8'), { virtualConsole });
    try {
      const article = new Readability(dom.window.document).parse();
      if (!article?.content) throw new Error('Readability found no article');
      return article;
    } finally {
      dom.window.close();
    }
  };
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return `${code ? `${code}: ` : ''}${error.message}`.slice(0, 200);
  }
  return String(error).slice(0, 200);
}

async function prepare(request: PrepareRequest): Promise<PrepareReply> {
  const started = performance.now();
  extract = await extractorFor(request.mode);
  const loadMs = performance.now() - started;
  yieldBetween = request.format === 'html';
  const sources = sourceDocuments(request.format);
  const skipped: { source: string; reason: string }[] = [];
  const detected: Record<string, string> = {};
  // A source the normaliser rejects (e.g. the deliberately empty sample story) is not an article.
  const usable: typeof sources = [];
  for (const source of sources) {
    if (request.mode !== 'normalise') {
      usable.push(source);
      continue;
    }
    try {
      const article = (await extract({
        source: source.name,
        key: `bench/check/${source.name}`,
        bytes: source.bytes,
      })) as {
        format: string;
      };
      detected[source.name] = article.format;
      usable.push(source);
    } catch (error) {
      skipped.push({ source: source.name, reason: message(error) });
    }
  }
  corpus = replicate(usable, request.count, `bench/${request.format}`);
  const warmupOne = async (index: number): Promise<void> => {
    const source = usable[index % usable.length] as (typeof usable)[number];
    const document = {
      source: source.name,
      key: `bench/warmup/${index}`,
      bytes: variantOf(source.bytes, 10_000 + index),
    };
    current = document;
    try {
      await extract(document);
    } catch {
      // failures are counted in the timed runs
    }
    if (yieldBetween) await turn();
  };
  const roundCpuMs: number[] = [];
  let warmed = 0;
  while (usable.length > 0 && warmed < request.warmupMax) {
    const size = Math.min(request.warmupRound, request.warmupMax - warmed);
    const cpuBefore = process.cpuUsage();
    for (let index = 0; index < size; index++) await warmupOne(warmed + index);
    const cpu = process.cpuUsage(cpuBefore);
    warmed += size;
    roundCpuMs.push((cpu.user + cpu.system) / 1000 / size);
  }
  current = undefined;
  const meanBytes = corpus.reduce((total, document) => total + document.bytes.length, 0) / corpus.length;
  return {
    sources: usable.map((source) => source.name),
    skipped,
    detected,
    count: corpus.length,
    meanBytes,
    loadMs,
    warmup: {
      documents: warmed,
      firstRoundCpuMs: roundCpuMs[0] ?? 0,
      lastRoundsCpuMs: median(roundCpuMs.slice(-4)),
    },
  };
}

async function run(request: RunRequest): Promise<RunReply> {
  const times: number[] = [];
  const failures: { source: string; error: string }[] = [];
  asyncFailures.length = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let index = request.from; index < request.to; index++) {
    const document = corpus[index] as CorpusDocument;
    current = document;
    const started = performance.now();
    try {
      await extract(document);
    } catch (error) {
      failures.push({ source: document.source, error: message(error) });
    }
    times.push(performance.now() - started);
    // jsdom frees a closed window only after the event loop turns; the same turn for every extractor.
    if (yieldBetween) await turn();
  }
  const wallMs = performance.now() - wallStart;
  const used = process.cpuUsage(cpuStart);
  current = undefined;
  return {
    times,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    failures: [
      ...failures,
      ...asyncFailures.splice(0),
      ...[...consoleErrors].map(([source, error]) => ({ source, error: `console: ${error}` })),
    ],
  };
}

serve(async (body) => {
  const request = body as PrepareRequest | RunRequest;
  return request.type === 'prepare' ? prepare(request) : run(request);
});
