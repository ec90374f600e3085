/**
 * Section 3: Lambda bundles and cold starts.
 *
 * Each `functions/*.ts` is bundled with the options the deployed functions are bundled with
 * (infra/bundling.ts), whose metafile gives the largest inputs and which chunks load at start. Each
 * bundle is then started in fresh `node` processes against the local emulators (run here, in the
 * benchmark's process, by `LocalPipeline`): load + first event (cold), then a few warm batches whose
 * durations feed the cost estimate.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_ENTRY_FILE, functionBuildOptions } from '../../infra/bundling.js';
import { DEFAULT_MEMORY_MB } from '../../infra/constructs/pipeline-function.js';
import { REPO_ROOT, variantOf } from '../corpus.js';
import type { Row } from '../lib/report.js';
import { fmt, fmtKb, median } from '../lib/stats.js';
import { cpuProfileArgs } from '../lib/worker.js';

export const NORMALISE_BUNDLE_TARGET_BYTES = 600 * 1024;
export const NORMALISE_COLD_TARGET_MS = 150;

/** Scratch space inside the repository (gitignored). */
export const SCRATCH = join(REPO_ROOT, '.tmp', 'bench');
const SAMPLE_ARTICLE = 'events/articles/wire/trump-putin-syria.txt';
/** An HTML page as the first article: its parser and libraries are chunks the text article never loads. */
const SAMPLE_PAGE = 'test/fixtures/html/heise/source.html';
/** The normalise bundle again, with an HTML page as its first event. */
export const NORMALISE_HTML_FIRST = 'normalise-html-first';
/** The normalise bundle again, started with the heap flags Lambda's runtime bootstrap passes to node. */
export const NORMALISE_LAMBDA_FLAGS = 'normalise-lambda-flags';
const SAMPLE_KEY = 'wire/trump-putin-syria.txt';
/** Records per warm normalise batch (the stack's SQS batch size) and per warm publish batch (head changes). */
const NORMALISE_BATCH = 10;
const PUBLISH_BATCH = 10;
const WARM_INVOCATIONS = 3;

export interface BundleResult {
  readonly name: string;
  /** JavaScript in the bundle: the entry and every chunk. */
  readonly bytes: number;
  /** What a cold start loads: the entry and the chunks it imports statically (not those behind `import()`). */
  readonly startBytes: number;
  readonly chunks: number;
  readonly mapBytes: number;
  readonly largest: readonly { readonly input: string; readonly bytes: number }[];
}

export interface ColdRun {
  readonly bootMs: number;
  readonly loadMs: number;
  readonly durations: readonly number[];
  readonly results: readonly unknown[];
  readonly errors: readonly string[];
  readonly peakRssKb: number;
  /** stdout bytes the handler logged, per invocation. */
  readonly logBytes: readonly number[];
  /** spawn to exit, measured by the parent. */
  readonly processMs: number;
}

export interface FunctionMeasurement {
  readonly name: string;
  readonly runs: readonly ColdRun[];
  /** Records (articles) per warm invocation. */
  readonly warmBatch: number;
}

/** What the deployed functions are configured with, as far as the cost estimate needs it. */
export interface ConstructSettings {
  readonly memoryMb: number;
  readonly drift: readonly string[];
}

export function readConstructSettings(): ConstructSettings {
  const stack = readFileSync(join(REPO_ROOT, 'infra/stacks/syndication-stack.ts'), 'utf8');
  const drift = /memorySize:/.test(stack)
    ? ['the stack sets memorySize on a function: cost uses the default']
    : [];
  return { memoryMb: DEFAULT_MEMORY_MB, drift };
}

/** The output files a cold start loads: the entry and, transitively, what it imports statically. */
function loadedAtStart(outputs: Metafile['outputs'], entry: string): string[] {
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...loaded];
}

/** `node_modules/@scope/name/…` -> `@scope/name`; own files keep their path. */
function inputGroup(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? (match[1] as string) : input;
}

/** The cold-start floor (not a function): Node and normalise's SDK clients only. */
export const BASELINE = 'baseline';
const BASELINE_ENTRY = 'bench/cold-start-baseline.ts';

export async function buildBundles(): Promise<BundleResult[]> {
  const entries = readdirSync(join(REPO_ROOT, 'functions'))
    .filter((name) => name.endsWith('.ts') && statSync(join(REPO_ROOT, 'functions', name)).isFile())
    .sort()
    .map((file) => ({ name: file.replace(/\.ts$/, ''), entry: `functions/${file}` }));
  entries.push({ name: BASELINE, entry: BASELINE_ENTRY });
  const results: BundleResult[] = [];
  for (const { name, entry } of entries) {
    const outdir = join(SCRATCH, 'bundles', name);
    rmSync(outdir, { recursive: true, force: true });
    const result = await build({
      ...functionBuildOptions(join(REPO_ROOT, entry), outdir),
      absWorkingDir: REPO_ROOT,
      logLevel: 'silent',
    });
    const outputs = (result.metafile as Metafile).outputs;
    const scripts = Object.entries(outputs).filter(([path]) => path.endsWith('.mjs'));
    const entryPath = scripts.find(([path]) => path.endsWith(`/${FUNCTION_ENTRY_FILE}`))?.[0];
    if (!entryPath) throw new Error(`esbuild produced no ${FUNCTION_ENTRY_FILE} for ${entry}`);
    const groups = new Map<string, number>();
    for (const [, output] of scripts)
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
        groups.set(inputGroup(input), (groups.get(inputGroup(input)) ?? 0) + bytesInOutput);
    const sizeOf = (paths: readonly string[]) =>
      paths.reduce((total, path) => total + (outputs[path]?.bytes ?? 0), 0);
    results.push({
      name,
      bytes: sizeOf(scripts.map(([path]) => path)),
      startBytes: sizeOf(loadedAtStart(outputs, entryPath)),
      chunks: scripts.length - 1,
      mapBytes: sizeOf(Object.keys(outputs).filter((path) => path.endsWith('.map'))),
      largest: [...groups]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([input, bytes]) => ({ input, bytes })),
    });
  }
  return results;
}

async function buildRunner(): Promise<string> {
  const outfile = join(SCRATCH, 'cold-start-runner.mjs');
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(REPO_ROOT, 'bench', 'cold-start-runner.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * The V8 heap flags the Lambda Node.js runtime's bootstrap puts on node's command line for a function
 * of `memoryMb` (unless NODE_OPTIONS sets them): a tenth of the memory for the young generation, half
 * of that per semi-space, the rest for the old generation. Any V8 flag changes V8's flag hash, and Node
 * 20 then rejects the code cache its own built-in modules were compiled with.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

function runCold(
  runner: string,
  bundle: string,
  /** The function's environment, as the stack sets it, pointed at the local pipeline. */
  environment: Readonly<Record<string, string>>,
  events: unknown[],
  file: string,
  nodeFlags: readonly string[] = [],
): Promise<ColdRun> {
  writeFileSync(file, JSON.stringify(events));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...environment,
    POWERTOOLS_SERVICE_NAME: 'content-syndication',
  };
  // As in the deployed function (the construct sets it); nothing else from this process's options.
  env.NODE_OPTIONS = '--enable-source-maps';
  // The stack sets no log level: the handlers log at INFO, as deployed.
  delete env.POWERTOOLS_LOG_LEVEL;
  const started = performance.now();
  const name = basename(file, '.json');
  const child = spawn(
    process.execPath,
    [...nodeFlags, ...cpuProfileArgs(`cold-${name}`), runner, bundle, file],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const lines = Buffer.concat(stdout).toString('utf8').split('\n');
      const resultLine = lines.find((line) => line.startsWith('@@bench-result '));
      if (code !== 0 || !resultLine) {
        reject(
          new Error(
            `cold start of ${relative(REPO_ROOT, bundle)} failed (${code}): ${stderr.trim().slice(-500)}`,
          ),
        );
        return;
      }
      const logBytes: number[] = [];
      let invocation = -1;
      for (const line of lines) {
        const marker = /^@@bench-invocation (\d+)$/.exec(line);
        if (marker) invocation = Number(marker[1]);
        else if (!line.startsWith('@@bench-result ') && invocation >= 0 && line.length > 0)
          logBytes[invocation] = (logBytes[invocation] ?? 0) + Buffer.byteLength(line) + 1;
      }
      const parsed = JSON.parse(resultLine.slice('@@bench-result '.length)) as Omit<
        ColdRun,
        'logBytes' | 'processMs'
      >;
      resolve({ ...parsed, logBytes: events.map((_, index) => logBytes[index] ?? 0), processMs });
    });
  });
}

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  return JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Json;
}

export async function measureColdStarts(options: {
  bundles: readonly BundleResult[];
  runs: number;
  /** The functions' memory size: Lambda's bootstrap derives node's heap flags from it. */
  memoryMb: number;
  log: (line: string) => void;
}): Promise<FunctionMeasurement[]> {
  mkdirSync(join(SCRATCH, 'events'), { recursive: true });
  const runner = await buildRunner();
  const { LocalPipeline } = await import('../../local/pipeline.js');
  const { loadPartnerRegistry } = await import('../../shared/partners/registry-file.js');
  const pipeline = await LocalPipeline.start(loadPartnerRegistry());
  const pipelineErrors: unknown[] = [];
  pipeline.on('error', (error) => pipelineErrors.push(error));
  // The harness's client: what it writes is not captured into the local stream (no publish, no schedule).
  const dynamoDb = pipeline.clients.dynamoDb;
  const bundleOf = (name: string) => join(SCRATCH, 'bundles', name, FUNCTION_ENTRY_FILE);
  const eventsFile = (name: string, run: number) => join(SCRATCH, 'events', `${name}-${run}.json`);
  const sample = readFileSync(join(REPO_ROOT, SAMPLE_ARTICLE));
  const measurements: FunctionMeasurement[] = [];
  try {
    // The publish event names the sample article's version 1: index it through the local pipeline first.
    await pipeline.upload(SAMPLE_KEY, sample);
    await pipeline.waitForIdle();

    // --- normalise: S3 notifications through SQS, each for an object uploaded without notification
    const putTemplate = readJson('events/s3-put-via-sqs.json');
    const putRecord = (putTemplate.Records as Json[])[0] as Json;
    let sequence = 0x18eb44cdaefbda01n;
    let copy = 1;
    const warmKeys: string[] = [];
    const sqsRecordFor = async (key: string, source: Buffer = sample): Promise<Json> => {
      const body = variantOf(source, copy++);
      await pipeline.upload(key, body, { notify: false });
      const notification = JSON.parse(putRecord.body as string) as { Records: Json[] };
      const s3Record = notification.Records[0] as { s3: Json & { bucket: Json; object: Json } };
      sequence += 1n;
      s3Record.s3.bucket = {
        ...s3Record.s3.bucket,
        name: pipeline.resources.bucket,
        arn: `arn:aws:s3:::${pipeline.resources.bucket}`,
      };
      s3Record.s3.object = {
        ...s3Record.s3.object,
        key: encodeURIComponent(key).replace(/%2F/g, '/'),
        size: body.length,
        sequencer: sequence.toString(16).toUpperCase().padStart(18, '0'),
      };
      return { ...putRecord, messageId: randomUUID(), body: JSON.stringify(notification) };
    };
    const normaliseRuns: ColdRun[] = [];
    const lambdaFlagRuns: ColdRun[] = [];
    const heapFlags = lambdaHeapFlags(options.memoryMb);
    for (let run = 0; run < options.runs; run++) {
      // In turns with the plain runs below, so that a machine slowing down slows both alike.
      const flagged = [{ Records: [await sqsRecordFor(`bench-cold/normalise-flags-${run}.txt`)] }];
      lambdaFlagRuns.push(
        await runCold(
          runner,
          bundleOf('normalise'),
          pipeline.functionEnvironment('normalise'),
          flagged,
          eventsFile(NORMALISE_LAMBDA_FLAGS, run),
          heapFlags,
        ),
      );
      const events: Json[] = [{ Records: [await sqsRecordFor(`bench-cold/normalise-${run}.txt`)] }];
      for (let warm = 0; warm < WARM_INVOCATIONS; warm++) {
        const records: Json[] = [];
        for (let index = 0; index < NORMALISE_BATCH; index++) {
          const key = `bench-cold/warm-${run}-${warm}-${index}.txt`;
          warmKeys.push(key);
          records.push(await sqsRecordFor(key));
        }
        events.push({ Records: records });
      }
      normaliseRuns.push(
        await runCold(
          runner,
          bundleOf('normalise'),
          pipeline.functionEnvironment('normalise'),
          events,
          eventsFile('normalise', run),
        ),
      );
    }
    measurements.push({ name: 'normalise', runs: normaliseRuns, warmBatch: NORMALISE_BATCH });
    measurements.push({ name: NORMALISE_LAMBDA_FLAGS, runs: lambdaFlagRuns, warmBatch: 1 });
    options.log(`  normalise: ${options.runs} fresh processes`);

    // --- normalise with an HTML page first: what the split bundle defers to the first page's event
    const page = readFileSync(join(REPO_ROOT, SAMPLE_PAGE));
    const htmlFirstRuns: ColdRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const events: Json[] = [{ Records: [await sqsRecordFor(`bench-cold/page-${run}.html`, page)] }];
      htmlFirstRuns.push(
        await runCold(
          runner,
          bundleOf('normalise'),
          pipeline.functionEnvironment('normalise'),
          events,
          eventsFile(NORMALISE_HTML_FIRST, run),
        ),
      );
    }
    measurements.push({ name: NORMALISE_HTML_FIRST, runs: htmlFirstRuns, warmBatch: 1 });

    // --- the floor: Node and the SDK clients, no code of ours
    const baselineRuns: ColdRun[] = [];
    for (let run = 0; run < options.runs; run++)
      baselineRuns.push(
        await runCold(
          runner,
          bundleOf(BASELINE),
          pipeline.functionEnvironment('normalise'),
          [{}],
          eventsFile(BASELINE, run),
        ),
      );
    measurements.push({ name: BASELINE, runs: baselineRuns, warmBatch: 1 });

    // --- publish: the sample stream batch (cold), then batches of head changes of articles indexed above
    const { articleUriForKey } = await import('../../shared/domain/article.js');
    const streamTemplate = readJson('events/dynamodb-stream-batch.json');
    const streamRecord = (streamTemplate.Records as Json[])[0] as Json & { dynamodb: Json };
    const headRecords: Json[] = [];
    for (const key of warmKeys.slice(0, PUBLISH_BATCH * WARM_INVOCATIONS)) {
      const itemKey = { pk: `article#${articleUriForKey(key)}`, sk: 'head' };
      const { Item } = await dynamoDb.send(
        new GetItemCommand({
          TableName: pipeline.resources.table,
          Key: marshall(itemKey),
          ConsistentRead: true,
        }),
      );
      if (!Item) throw new Error(`the normalise cold-start runs did not index ${key}`);
      headRecords.push({
        ...streamRecord,
        eventID: randomUUID().replace(/-/g, ''),
        dynamodb: {
          ...streamRecord.dynamodb,
          Keys: marshall(itemKey),
          NewImage: Item,
          SequenceNumber: String(1000 + headRecords.length).padStart(21, '0'),
        },
      });
    }
    const publishRuns: ColdRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const events: Json[] = [streamTemplate];
      for (let warm = 0; warm < WARM_INVOCATIONS; warm++)
        events.push({ Records: headRecords.slice(warm * PUBLISH_BATCH, (warm + 1) * PUBLISH_BATCH) });
      publishRuns.push(
        await runCold(
          runner,
          bundleOf('publish'),
          pipeline.functionEnvironment('publish'),
          events,
          eventsFile('publish', run),
        ),
      );
    }
    measurements.push({ name: 'publish', runs: publishRuns, warmBatch: PUBLISH_BATCH });
    options.log(`  publish: ${options.runs} fresh processes`);

    // --- release: embargoed versions whose time has come, seeded directly in the table
    if (options.bundles.some((bundle) => bundle.name === 'release')) {
      const { DynamoDbArticleIndex } = await import('../../shared/adapters/dynamodb-article-index.js');
      const { normaliseObject } = await import('../../shared/normaliser/normalise.js');
      const index = new DynamoDbArticleIndex(dynamoDb, pipeline.resources.table);
      const seedWithheld = async (key: string): Promise<Json> => {
        const article = await normaliseObject({ key, bytes: variantOf(sample, copy++) });
        const uri = article.ninjs.uri;
        const now = new Date();
        const at = new Date(now.getTime() - 1000).toISOString();
        const created = now.toISOString();
        await index.saveVersion(
          {
            uri,
            version: 1,
            contentHash: article.contentHash,
            pubStatus: 'withheld',
            headline: article.ninjs.headlines?.[0]?.value ?? '',
            origin: { key },
            source: article.source,
            ...(article.ninjs.language ? { language: article.ninjs.language } : {}),
            embargoedUntil: at,
            subjectCodes: article.subjectCodes,
            everSubjectCodes: article.subjectCodes,
            everLanguages: article.ninjs.language ? [article.ninjs.language] : [],
            everPublished: false,
            firstCreated: created,
            versionCreated: created,
          },
          {
            uri,
            version: 1,
            contentHash: article.contentHash,
            ninjs: {
              ...article.ninjs,
              version: '1',
              firstCreated: created,
              versionCreated: created,
              pubStatus: 'withheld',
              embargoedUntil: at,
            },
            provenance: article.provenance,
          },
          undefined,
        );
        return { uri, version: 1, at };
      };
      const releaseRuns: ColdRun[] = [];
      for (let run = 0; run < options.runs; run++) {
        const events: Json[] = [];
        for (let event = 0; event <= WARM_INVOCATIONS; event++)
          events.push(await seedWithheld(`bench-cold/embargoed-${run}-${event}.txt`));
        releaseRuns.push(
          await runCold(
            runner,
            bundleOf('release'),
            pipeline.functionEnvironment('release'),
            events,
            eventsFile('release', run),
          ),
        );
      }
      measurements.push({ name: 'release', runs: releaseRuns, warmBatch: 1 });
      options.log(`  release: ${options.runs} fresh processes`);
    }
  } finally {
    await pipeline.stop();
  }
  if (pipelineErrors.length > 0) options.log(`  (local pipeline reported ${pipelineErrors.length} errors)`);
  return measurements;
}

export const coldMs = (run: ColdRun): number => run.loadMs + (run.durations[0] ?? Number.NaN);

/** Median over runs of the median warm invocation. */
export function warmMs(measurement: FunctionMeasurement): number {
  return median(measurement.runs.map((run) => median(run.durations.slice(1))));
}

export function warmLogBytes(measurement: FunctionMeasurement): number {
  return median(measurement.runs.map((run) => median(run.logBytes.slice(1))));
}

function failuresOf(measurement: FunctionMeasurement): string[] {
  const problems: string[] = [];
  for (const run of measurement.runs) {
    for (const result of run.results) {
      const value = result as { batchItemFailures?: number; status?: string; error?: string };
      if (value.error) problems.push(value.error);
      else if (value.batchItemFailures) problems.push(`${value.batchItemFailures} batch item failures`);
      else if (measurement.name === 'release' && value.status !== 'released')
        problems.push(`release ${value.status}`);
    }
  }
  return [...new Set(problems)];
}

export function lambdaRows(
  settings: ConstructSettings,
  bundles: readonly BundleResult[],
  measurements: readonly FunctionMeasurement[],
): { rows: Row[]; notes: string[] } {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const bundle of bundles.filter(({ name }) => name !== BASELINE)) {
    const normalise = bundle.name === 'normalise';
    rows.push({
      section: '3',
      item: `bundle ${bundle.name} (minified ESM, AWS SDK bundled; entry and ${bundle.chunks} chunks)`,
      measured:
        `${fmtKb(bundle.bytes)}, of which a cold start loads ${fmtKb(bundle.startBytes)} (+ ${fmtKb(bundle.mapBytes)} source maps); largest inputs: ` +
        bundle.largest.map(({ input, bytes }) => `${input} ${fmtKb(bytes)}`).join(', '),
      target: normalise ? `≤ ${fmtKb(NORMALISE_BUNDLE_TARGET_BYTES)}` : '',
      ...(normalise ? { pass: bundle.bytes <= NORMALISE_BUNDLE_TARGET_BYTES } : {}),
    });
  }
  for (const measurement of measurements) {
    const normalise = measurement.name === 'normalise';
    const runs = measurement.runs;
    if (measurement.name === BASELINE) {
      rows.push({
        section: '3',
        item: `cold start floor: Node + the S3 and DynamoDB clients + one GetItem (${BASELINE_ENTRY}), median of ${runs.length}`,
        measured:
          `${fmt(median(runs.map(coldMs)), 0)} ms (load ${fmt(median(runs.map((run) => run.loadMs)), 0)} + event ${fmt(median(runs.map((run) => run.durations[0] ?? Number.NaN)), 1)}); ` +
          `node start ${fmt(median(runs.map((run) => run.bootMs)), 0)} ms before that; peak RSS ${fmt(median(runs.map((run) => run.peakRssKb)) / 1024, 0)} MB`,
        target: '',
      });
      continue;
    }
    const failures = failuresOf(measurement);
    const cold = median(runs.map(coldMs));
    const htmlFirst = measurement.name === NORMALISE_HTML_FIRST;
    const lambdaFlags = measurement.name === NORMALISE_LAMBDA_FLAGS;
    const first =
      measurement.name === 'normalise'
        ? 'first article'
        : htmlFirst
          ? 'an HTML page (heise) as its first article'
          : lambdaFlags
            ? `first article, node started with Lambda's heap flags (${lambdaHeapFlags(settings.memoryMb).join(' ')})`
            : measurement.name === 'publish'
              ? 'first stream batch'
              : 'first release';
    const warm = runs.some((run) => run.durations.length > 1)
      ? `warm ${measurement.warmBatch > 1 ? `batch of ${measurement.warmBatch}` : 'event'} ${fmt(warmMs(measurement), 0)} ms; `
      : '';
    rows.push({
      section: '3',
      item: `cold start ${htmlFirst || lambdaFlags ? 'normalise' : measurement.name}: load + ${first}, median of ${runs.length} fresh processes`,
      measured:
        `${fmt(cold, 0)} ms (load ${fmt(median(runs.map((run) => run.loadMs)), 0)} + event ${fmt(median(runs.map((run) => run.durations[0] ?? Number.NaN)), 0)}; ` +
        `range ${fmt(Math.min(...runs.map(coldMs)), 0)}–${fmt(Math.max(...runs.map(coldMs)), 0)}); ` +
        `node start ${fmt(median(runs.map((run) => run.bootMs)), 0)} ms before that; spawn→exit ${fmt(median(runs.map((run) => run.processMs)), 0)} ms; ` +
        `${warm}peak RSS ${fmt(median(runs.map((run) => run.peakRssKb)) / 1024, 0)} MB` +
        (failures.length > 0 ? `; FAILED: ${failures.slice(0, 2).join('; ')}` : ''),
      target: normalise ? `≤ ${NORMALISE_COLD_TARGET_MS} ms` : '',
      ...(normalise
        ? { pass: cold <= NORMALISE_COLD_TARGET_MS && failures.length === 0 }
        : failures.length > 0
          ? { pass: false }
          : {}),
    });
  }
  notes.push(
    'Bundles: esbuild with the options the deployed functions are built with (infra/bundling.ts: ESM with code splitting, platform node, target node22, mainFields module/main, minify, source maps without sources, nothing external (the AWS SDK bundled), createRequire banner, the stub aliases of infra/bundling-stubs/aliases.ts). The size is all JavaScript (entry and chunks, judged against the target); "a cold start loads" counts the entry and the chunks it imports statically, not those behind import() (format parsers, the SDK\u2019s other credential providers); "largest inputs" sums bytesInOutput per npm package or own file over all of them.' +
      (settings.drift.length > 0 ? ` WARNING: ${settings.drift.join('; ')}.` : ''),
    'Cold start: a fresh `node` process (NODE_OPTIONS=--enable-source-maps, as deployed) imports the bundle and handles one event against the local emulators started by this benchmark (S3 object uploaded first; publish reads the sample article indexed first; release gets an embargo that is due). The normalise bundle also starts with an HTML page as its first article: the chunks of the HTML parser load during that event, which is what the split bundle defers. ' +
      "And once more with the V8 heap flags Lambda's Node.js bootstrap passes (in turns with the plain runs): on this Node any V8 flag changes V8's flag hash, so Node's own built-in modules no longer load from their embedded code cache and compile from source (requiring http, https, crypto, zlib and a few more: about 9 ms without a flag, 28 ms with one). V8 has since stopped hashing memory-tuning flags (v8/v8@87356585659b, proposed for Node in nodejs/node#60069), so on the deployed runtime this may not apply; the target is judged on the plain runs. " +
      'Timed inside the process: load = import of the bundle, event = the handler call; "node start" is Node’s own start-up before the runner’s first line (Lambda’s runtime start-up is not in the target). ' +
      `Warm: ${WARM_INVOCATIONS} more invocations in the same process (normalise: SQS batches of ${NORMALISE_BATCH} notifications; publish: stream batches of ${PUBLISH_BATCH} head changes; release: single events). Powertools metrics and X-Ray are off outside Lambda.`,
  );
  return { rows, notes };
}
