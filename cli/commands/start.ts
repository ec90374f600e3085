/**
 * `syndicate start` (`npm start`): the whole pipeline on the local emulators. Ingests the sample
 * articles and whatever is already in the drop folder, then watches it: a new or edited file is
 * uploaded, a deleted one removed (a withdrawal). Every object the pipeline processes, whoever put it
 * in the bucket (the drop folder, `syndicate ingest` from another terminal), is reported once, with
 * what it did: published, updated, withdrawn, unchanged, withheld or rejected.
 *
 * It runs until SIGINT (Ctrl-C), SIGTERM or SIGHUP, or until the process that started it ends (npm
 * killed outright, a closed terminal), then stops the emulators and removes its runtime file.
 */
import { existsSync, mkdirSync, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_REGION } from '../../local/aws-event-bridge.js';
import { startConsole } from '../../local/console/server.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators.js';
import type { JourneyTracker } from '../../local/journeys.js';
import { localManifest } from '../../local/manifest.js';
import type { Delivery, LocalPipeline } from '../../local/pipeline.js';
import { removeRuntimeInfo, runtimeFileIn, writeRuntimeInfo } from '../../local/runtime-file.js';
import type { Parsed } from '../support.js';
import { CliError, projectRoot, say, warn } from '../support.js';
import { describeOutcome, LOCAL_PIPELINE_SETTINGS, startPipeline } from './session.js';

/** The repository this code belongs to (from cli/commands/ or dist/cli/). */
const CODE_ROOT = projectRoot(fileURLToPath(new URL('.', import.meta.url)));
const SAMPLE_ARTICLES = join(CODE_ROOT, 'events', 'articles');

async function filesUnder(directory: string): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** S3 keys use '/', whatever the platform's separator. */
function keyFor(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/**
 * Prints what the pipeline did, once per processed object, after the pipeline is idle (so each
 * line has every delivery of that change), and deliveries no processed object explains: replays from
 * another terminal, embargo releases.
 */
class ConsoleReport {
  private readonly keys = new Set<string>();
  private readonly deliveries: Delivery[] = [];
  private readonly explained = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly pipeline: LocalPipeline,
    private readonly tracker: JourneyTracker,
  ) {
    pipeline.on('processed', ({ key }) => {
      this.keys.add(key);
      this.schedule();
    });
    pipeline.on('delivered', (delivery) => {
      this.deliveries.push(delivery);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    this.chain = this.chain
      .then(() => this.flush())
      .catch((error: unknown) => {
        // The runtime stopping under a report cuts it short; anything else is worth a line.
        if (!this.closed) warn(`syndicate: could not report what happened (${(error as Error).message})`);
      });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    try {
      await this.pipeline.waitForIdle();
    } catch {
      // Still busy after the wait: report what is settled so far; the rest comes with the next flush.
    }
    if (this.closed) return;
    const keys = [...this.keys].sort();
    this.keys.clear();
    for (const key of keys) {
      const outcome = await this.tracker.outcomeOf(key);
      if (outcome.uri) this.explained.add(`${outcome.uri}#${outcome.version}`);
      say(describeOutcome(outcome));
    }
    for (const { partner, envelope } of this.deliveries.splice(0)) {
      if (
        envelope.eventType === 'article.replayed' ||
        !this.explained.has(`${envelope.uri}#${envelope.version}`)
      )
        say(`  ${partner} ← ${envelope.eventType} ${envelope.uri} v${envelope.version}`);
    }
  }

  /** Resolves when everything processed so far has been reported. */
  async settled(): Promise<void> {
    await this.pipeline.waitForIdle().catch(() => undefined);
    this.schedule();
    await this.chain;
  }

  close(): void {
    this.closed = true;
  }
}

/** Resolves on the first of SIGINT, SIGTERM, SIGHUP or the end of the parent process; a second signal exits at once. */
function stopRequested(): {
  readonly promise: Promise<string>;
  readonly requested: () => boolean;
  dispose(): void;
} {
  let reason: string | undefined;
  let resolveStop: (why: string) => void = () => {};
  const promise = new Promise<string>((resolvePromise) => {
    resolveStop = resolvePromise;
  });
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (reason) {
      // Ctrl-C under npm can arrive twice at once (from the terminal, and forwarded by npm when its
      // shell exec'd node): only a second signal a moment later means "stop now".
      if (Date.now() - firstAt < 1000) return;
      warn(`syndicate: ${signal} again, exiting without cleaning up`);
      process.exit(130);
    }
    reason = signal;
    firstAt = Date.now();
    resolveStop(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // When npm (or a shell) that started this process is killed outright, the signal never reaches
  // us and we are re-parented: stop then rather than run on with the emulators' ports held.
  const parent = process.ppid;
  const watchParent = setInterval(() => {
    if (process.ppid !== parent && !reason) {
      reason = 'parent process ended';
      resolveStop(reason);
    }
  }, 500);
  watchParent.unref();
  return {
    promise,
    requested: () => reason !== undefined,
    dispose() {
      clearInterval(watchParent);
    },
  };
}

export async function commandStart({ values }: Parsed): Promise<number> {
  const stop = stopRequested();
  const project = projectRoot();
  const articlesRoot = resolve((values.articles as string | undefined) ?? SAMPLE_ARTICLES);
  const dropRoot = resolve((values.drop as string | undefined) ?? join(project, 'drop'));
  if (values.articles !== undefined && !(await stat(articlesRoot).catch(() => undefined))?.isDirectory())
    throw new CliError(`--articles ${values.articles}: no such folder`, 'give a folder of articles');
  const started = Date.now();
  const { pipeline, tracker } = await startPipeline(
    typeof values.relay === 'string' ? { relay: values.relay } : {},
  );
  const runtimeFile = runtimeFileIn(project);
  let watcher: ReturnType<typeof watch> | undefined;
  const report = new ConsoleReport(pipeline, tracker);
  // Started before anything is ingested: upload-to-delivery latency covers only uploads it saw.
  const operatorConsole = await startConsole({
    pipeline,
    manifest: localManifest(pipeline.resources, LOCAL_PIPELINE_SETTINGS),
  });
  try {
    const { resources, emulators } = pipeline;
    say(`Local pipeline ready in ${Date.now() - started} ms (in-process emulators, no AWS account needed)`);
    say(
      `  S3 ${emulators.s3Endpoint}  DynamoDB ${emulators.dynamoDbEndpoint}  SNS/SQS ${emulators.messagingEndpoint}`,
    );
    say(
      `  bucket ${resources.bucket} → queue ${resources.ingestQueue.name} → normalise → table ${resources.table}`,
    );
    say(`  → stream → publish → topic ${resources.topicArn}`);
    for (const line of pipeline.describePartners()) say(`  → partner ${line}`);
    say(`  Console: ${operatorConsole.url}`);
    say(
      `  Content API: ${pipeline.contentApi.url}  (feeds: /feeds/PARTNER.atom or .json with a key from npx syndicate partners rotate-key PARTNER)`,
    );
    const firstSqsPartner = resources.partnerQueues.find(({ localDelivery }) => localDelivery === 'queue');
    if (firstSqsPartner)
      say(
        `  Partner queues keep their messages for the partner's consumer: npx tsx examples/sqs-consumer.ts --local ${firstSqsPartner.partner.name}`,
      );
    writeRuntimeInfo(runtimeFile, {
      pid: process.pid,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: {
        s3: emulators.s3Endpoint,
        dynamodb: emulators.dynamoDbEndpoint,
        messaging: emulators.messagingEndpoint,
      },
      resources,
      manifest: localManifest(resources, LOCAL_PIPELINE_SETTINGS),
      contentApiUrl: pipeline.contentApi.url,
      consoleUrl: operatorConsole.url,
      ...(pipeline.relay ? { relayCertificate: pipeline.relay.identity.certificate } : {}),
    });

    const samples = await filesUnder(articlesRoot);
    say();
    say(`Ingesting ${samples.length} sample file(s) from ${relative(process.cwd(), articlesRoot) || '.'}:`);
    for (const file of samples) {
      if (stop.requested()) break;
      await pipeline.upload(keyFor(articlesRoot, file), await readFile(file));
    }
    await report.settled();
    // Files dropped while the runtime was not running are ingested as if dropped now.
    mkdirSync(dropRoot, { recursive: true });
    const waiting = await filesUnder(dropRoot);
    const dropped = new Set<string>();
    if (waiting.length > 0 && !stop.requested()) {
      say(`Ingesting ${waiting.length} file(s) already in ${relative(process.cwd(), dropRoot) || '.'}/:`);
      for (const file of waiting) {
        if (stop.requested()) break;
        await pipeline.upload(keyFor(dropRoot, file), await readFile(file));
        dropped.add(keyFor(dropRoot, file));
      }
      await report.settled();
    }
    say(
      `Sent to partners so far: ${Object.entries(pipeline.inboxCounts())
        .map(([name, count]) => `${name} ${count}`)
        .join(', ')}`,
    );
    if (values.once || stop.requested()) return 0;

    say();
    say(
      `Watching ${relative(process.cwd(), dropRoot) || '.'}/ — drop files in (key = path inside it; the first folder names the source).`,
    );
    say('Deleting a file withdraws its article. `npx syndicate ingest FILE` works too. Ctrl-C to stop.');
    const timers = new Map<string, NodeJS.Timeout>();
    const changed = (file: string) => {
      const key = keyFor(dropRoot, file);
      clearTimeout(timers.get(key));
      // Editors write in several steps: act once the file has been quiet for a moment.
      timers.set(
        key,
        setTimeout(async () => {
          timers.delete(key);
          try {
            const info = await stat(file).catch(() => undefined);
            if (info?.isFile()) {
              await pipeline.upload(key, await readFile(file));
              dropped.add(key);
            } else if (!info && dropped.delete(key)) {
              await pipeline.remove(key);
            }
            // What the pipeline did is printed by the report when the object has been processed.
          } catch (error) {
            warn(`${key}: ${(error as Error).message}`);
          }
        }, 300),
      );
    };
    watcher = watch(dropRoot, { recursive: true }, (_event, name) => {
      if (name && !basename(name).startsWith('.')) changed(join(dropRoot, name));
    });
    const why = await stop.promise;
    for (const timer of timers.values()) clearTimeout(timer);
    say(`\nStopping (${why})…`);
    return 0;
  } finally {
    watcher?.close();
    report.close();
    removeRuntimeInfo(runtimeFile);
    stop.dispose();
    await operatorConsole.close();
    await pipeline.stop();
  }
}
