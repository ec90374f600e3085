/**
 * `syndicate` — the local runtime's command line.
 *
 *   syndicate start [--articles DIR] [--drop DIR] [--once]   run the pipeline locally, ingest samples, watch a drop folder
 *   syndicate run FILE... [--source NAME]                   one-shot: drop files, print their journeys as JSON
 *   syndicate normalise FILE                                print the ninjs a file becomes (no emulators)
 *   syndicate invoke normalise|publish EVENT.json           run one handler on a sample event, like `sam local invoke`
 *   syndicate partners list                                 the partner registry: delivery, filters, payload, SNS filter policy
 *   syndicate partners preview PARTNER FILE                 would PARTNER receive FILE, under which rule, as which message
 */
import { existsSync, mkdirSync, watch } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InMemoryContentStore } from '../shared/adapters/in-memory-content-store.js';
import { InMemoryArticleIndex, InMemoryObjectStore } from '../shared/adapters/memory/in-memory.js';
import { ConfigurationError } from '../shared/domain/errors.js';
import { EVENT_TYPES, type EventType } from '../shared/domain/message.js';
import { FORMATS, type Format } from '../shared/formats/detect.js';
import { previewDelivery } from '../shared/partners/preview.js';
import { type Partner, subscriptionFilterPolicyFor } from '../shared/partners/registry.js';
import { loadPartnerRegistry } from '../shared/partners/registry-file.js';
import { ingestObject } from '../shared/usecases/ingest-object.js';
import { type Journey, JourneyTracker } from './journeys.js';
import {
  commandIngest,
  commandRedrive,
  commandRejects,
  commandReplay,
  commandStatus,
  OperatorUsageError,
} from './operator-commands.js';
import { LocalPipeline } from './pipeline.js';
import { removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.js';
import { TargetError } from './targets.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_ARTICLES = join(REPO_ROOT, 'events', 'articles');

class UsageError extends Error {}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

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

function describe(journey: Journey): string {
  const reached = Object.entries(journey.deliveries).filter(([, count]) => count > 0);
  const missed = Object.entries(journey.deliveries).filter(([, count]) => count === 0);
  const head =
    journey.status === 'rejected' || journey.status === 'failed' || journey.status === 'unknown'
      ? `${journey.key} → ${journey.status.toUpperCase()}${journey.code ? ` ${journey.code}` : ''}: ${journey.reason}`
      : `${journey.key} → ${journey.uri} v${journey.version} ${journey.status}`;
  const lines = [head];
  if (journey.status !== 'rejected') {
    lines.push(
      `    delivered to: ${reached.map(([partner, count]) => `${partner} (${count})`).join(', ') || 'no partner'}`,
    );
    if (missed.length > 0) lines.push(`    filtered out: ${missed.map(([partner]) => partner).join(', ')}`);
  }
  return lines.join('\n');
}

async function startPipeline(): Promise<{ pipeline: LocalPipeline; tracker: JourneyTracker }> {
  // Locally an https partner may be a receiver on 127.0.0.1 (synth stays strict: https only).
  const partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: true });
  const pipeline = await LocalPipeline.start(partners);
  pipeline.on('error', (error) => warn(`local runtime: ${(error as Error).message ?? String(error)}`));
  return { pipeline, tracker: new JourneyTracker(pipeline) };
}

async function commandStart(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      articles: { type: 'string', default: SAMPLE_ARTICLES },
      drop: { type: 'string', default: join(process.cwd(), 'drop') },
      once: { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const { pipeline, tracker } = await startPipeline();
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

  writeRuntimeInfo({
    pid: process.pid,
    endpoints: {
      s3: emulators.s3Endpoint,
      dynamodb: emulators.dynamoDbEndpoint,
      messaging: emulators.messagingEndpoint,
    },
    resources,
  });
  const articlesRoot = resolve(values.articles);
  const samples = await filesUnder(articlesRoot);
  say();
  say(`Ingesting ${samples.length} sample file(s) from ${relative(process.cwd(), articlesRoot) || '.'}:`);
  for (const file of samples) await pipeline.upload(keyFor(articlesRoot, file), await readFile(file));
  await pipeline.waitForIdle();
  for (const file of samples) say(describe(await tracker.journeyOf(keyFor(articlesRoot, file))));
  say(
    `Partner inboxes: ${Object.entries(pipeline.inboxCounts())
      .map(([name, count]) => `${name} ${count}`)
      .join(', ')}`,
  );

  if (values.once) {
    removeRuntimeInfo();
    await pipeline.stop();
    return 0;
  }

  const dropRoot = resolve(values.drop);
  mkdirSync(dropRoot, { recursive: true });
  say();
  say(
    `Watching ${relative(process.cwd(), dropRoot) || '.'}/ — drop files in (key = path inside it; the first folder names the source).`,
  );
  say('Deleting a file withdraws its article. Ctrl-C to stop.');

  // Deliveries no dropped file explains (replays from another terminal, embargo releases) are shown as they come.
  pipeline.on('delivered', ({ partner, envelope }) => {
    if (envelope.eventType === 'article.replayed' || envelope.version > 1) {
      say(`  ${partner} ← ${envelope.eventType} ${envelope.uri} v${envelope.version}`);
    }
  });
  const timers = new Map<string, NodeJS.Timeout>();
  const dropped = new Set<string>();
  const changed = (file: string) => {
    const key = keyFor(dropRoot, file);
    clearTimeout(timers.get(key));
    // Editors write in several steps: act once the file has been quiet for a moment.
    timers.set(
      key,
      setTimeout(async () => {
        timers.delete(key);
        const since = Date.now();
        try {
          const info = await stat(file).catch(() => undefined);
          if (info?.isFile()) {
            await pipeline.upload(key, await readFile(file));
            dropped.add(key);
          } else if (!info && dropped.delete(key)) {
            await pipeline.remove(key);
          } else {
            return; // a folder, or a file we never uploaded
          }
          await pipeline.waitForIdle();
          say(describe(await tracker.journeyOf(key, since)));
        } catch (error) {
          warn(`${key}: ${(error as Error).message}`);
        }
      }, 300),
    );
  };
  const watcher = watch(dropRoot, { recursive: true }, (_event, name) => {
    if (name && !basename(name).startsWith('.')) changed(join(dropRoot, name));
  });
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  watcher.close();
  removeRuntimeInfo();
  say('\nStopping…');
  await pipeline.stop();
  return 0;
}

async function commandRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { source: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('syndicate run FILE... [--source NAME]');
  const { pipeline, tracker } = await startPipeline();
  try {
    const uploads: { file: string; key: string }[] = [];
    const used = new Set<string>();
    for (const file of positionals) {
      let key = values.source ? `${values.source}/${basename(file)}` : basename(file);
      for (let n = 2; used.has(key); n++)
        key = `${values.source ? `${values.source}/` : ''}${n}-${basename(file)}`;
      used.add(key);
      uploads.push({ file, key });
      await pipeline.upload(key, await readFile(file));
    }
    await pipeline.waitForIdle();
    const articles = [];
    for (const { file, key } of uploads) {
      const journey = await tracker.journeyOf(key);
      // An embargoed article is accepted and indexed; it is published at its embargo time.
      const status = journey.status === 'withheld' ? 'published' : journey.status;
      articles.push({
        file,
        status,
        ...(journey.status === 'withheld' ? { withheld: true } : {}),
        uri: journey.uri,
        version: journey.version ?? null,
        reason: journey.reason ?? null,
        ...(journey.code ? { code: journey.code } : {}),
        deliveries: journey.deliveries,
      });
    }
    say(JSON.stringify({ articles }, null, 2));
    const settled = articles.every(
      (article) => article.status === 'published' || (article.status === 'rejected' && article.reason),
    );
    return settled ? 0 : 1;
  } finally {
    await pipeline.stop();
  }
}

/** A dry run of the ingest use case on in-memory ports: the document a first upload would index. */
async function normaliseFile(file: string, format: Format | undefined) {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const key = basename(file);
  objects.put('local', { key, bytes: await readFile(file) });
  const outcome = await ingestObject(
    { objects, index, now: () => new Date(), ...(format ? { normaliseOptions: { format } } : {}) },
    { bucket: 'local', key },
  );
  if (outcome.status === 'rejected') return { rejected: { code: outcome.code, reason: outcome.reason } };
  const head = 'uri' in outcome ? await index.current(outcome.uri) : undefined;
  const stored = head ? await index.version(head.uri, head.version) : undefined;
  if (!stored) throw new Error(`${file}: nothing was indexed (${outcome.status})`);
  return { stored };
}

async function commandNormalise(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      explain: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0)
    throw new UsageError('syndicate normalise FILE... [--format F] [--out DIR] [--explain]');
  const format = values.format as Format | undefined;
  if (format && !FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (values.out) mkdirSync(values.out, { recursive: true });
  let rejected = 0;
  for (const file of positionals) {
    const result = await normaliseFile(file, format);
    if (result.rejected) {
      rejected++;
      warn(`${file}: rejected (${result.rejected.code}): ${result.rejected.reason}`);
      continue;
    }
    const { ninjs, provenance } = result.stored;
    // --explain: how each heuristic value was decided (rule and confidence), beside the document.
    const document = values.explain ? { file, ninjs, explain: provenance } : ninjs;
    if (values.out) {
      const target = join(values.out, `${basename(file)}.json`);
      await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
      say(`${file} -> ${target} (${ninjs.headlines?.[0]?.value ?? ''})`);
    } else {
      say(positionals.length === 1 ? JSON.stringify(document, null, 2) : JSON.stringify(document));
    }
  }
  if (values.out) say(`${positionals.length - rejected} normalised, ${rejected} rejected`);
  return rejected > 0 ? 2 : 0;
}

async function commandInvoke(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [name, eventFile] = positionals;
  if ((name !== 'normalise' && name !== 'publish') || !eventFile) {
    throw new UsageError('syndicate invoke normalise|publish EVENT.json');
  }
  const event = JSON.parse(await readFile(eventFile, 'utf8'));
  const { pipeline, tracker } = await startPipeline();
  try {
    // normalise: the sample objects are in the bucket already, as if uploaded before the
    // notification; only the given event runs. publish: the samples went through the pipeline, so
    // the versions a stream event refers to are in the index.
    for (const file of await filesUnder(SAMPLE_ARTICLES)) {
      await pipeline.upload(keyFor(SAMPLE_ARTICLES, file), await readFile(file), {
        notify: name === 'publish',
      });
    }
    await pipeline.waitForIdle();
    const since = Date.now();
    const handler = pipeline.handlers?.[name] as (event: unknown) => Promise<unknown>;
    void tracker;
    const response = await handler(event);
    await pipeline.waitForIdle();
    say(JSON.stringify(response, null, 2));
    const uris = new Set(
      pipeline.deliveries.filter((delivery) => delivery.receivedAt >= since).map((d) => d.envelope.uri),
    );
    for (const delivery of pipeline.deliveries) {
      if (delivery.receivedAt >= since) {
        warn(
          `delivered to ${delivery.partner}: ${delivery.envelope.eventType} ${delivery.envelope.uri} v${delivery.envelope.version}`,
        );
      }
    }
    if (uris.size === 0) warn('no partner message resulted from this event');
    return 0;
  } finally {
    await pipeline.stop();
  }
}

/** How a partner's delivery and filters read in `partners list`. */
function describePartner(partner: Partner): string[] {
  const { delivery, filters } = partner;
  const where =
    delivery.type === 'sqs'
      ? delivery.queueArn
        ? `their queue ${delivery.queueArn}`
        : `a queue we create${delivery.accountId ? `, readable by account ${delivery.accountId}` : ''}`
      : delivery.type === 'https'
        ? `HTTPS POST to ${delivery.endpoint}`
        : delivery.type === 'email'
          ? `email to ${delivery.address}`
          : `Lambda ${delivery.functionArn}`;
  const wants = [
    filters.subjects ? `subjects ${filters.subjects.join(' | ')} (and their sub-topics)` : undefined,
    filters.languages ? `languages ${filters.languages.join(' | ')}` : undefined,
    filters.sources ? `sources ${filters.sources.join(' | ')}` : undefined,
    filters.minUrgency !== undefined ? `urgency ${filters.minUrgency} or more urgent (1 = most)` : undefined,
    filters.eventTypes ? `events ${filters.eventTypes.join(' | ')}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return [
    `${partner.name} (${delivery.type})${partner.description ? ` — ${partner.description}` : ''}`,
    `    delivery: ${where}`,
    `    payload: ${partner.payload === 'full' ? 'full ninjs document (a link instead when over 256 KiB)' : 'summary and a link to the full document'}`,
    `    filters: ${wants.length > 0 ? wants.join('; ') : 'none (every article)'}`,
    `    SNS filter policy: ${JSON.stringify(subscriptionFilterPolicyFor(partner))}`,
  ];
}

const PARTNERS_USAGE = 'syndicate partners list | preview PARTNER FILE [--source NAME] [--event TYPE]';

async function commandPartners(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const partners = loadPartnerRegistry();
  if (sub === 'list') {
    for (const partner of partners) for (const line of describePartner(partner)) say(line);
    return 0;
  }
  if (sub !== 'preview') throw new UsageError(PARTNERS_USAGE);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { source: { type: 'string' }, event: { type: 'string', default: 'article.published' } },
  });
  const [name, file] = positionals;
  if (!name || !file) throw new UsageError(PARTNERS_USAGE);
  const partner = partners.find((candidate) => candidate.name === name);
  if (!partner) throw new UsageError(`no partner '${name}'; see syndicate partners list`);
  const eventType = values.event as EventType;
  if (!EVENT_TYPES.includes(eventType))
    throw new UsageError(`--event must be one of ${EVENT_TYPES.join(', ')}`);
  // The in-memory dry run `normalise` uses, keyed like a drop (SOURCE/FILE) so that source filters apply.
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const key = values.source ? `${values.source}/${basename(file)}` : basename(file);
  objects.put('local', { key, bytes: await readFile(file) });
  const outcome = await ingestObject({ objects, index, now: () => new Date() }, { bucket: 'local', key });
  if (outcome.status === 'rejected') {
    warn(`${file}: rejected (${outcome.code}): ${outcome.reason}; no partner would receive it`);
    return 2;
  }
  const head = 'uri' in outcome ? await index.current(outcome.uri) : undefined;
  const stored = head ? await index.version(head.uri, head.version) : undefined;
  if (!head || !stored) throw new Error(`${file}: nothing was indexed (${outcome.status})`);
  const preview = await previewDelivery(
    partner,
    partners,
    head,
    stored.ninjs,
    eventType,
    new InMemoryContentStore(),
  );
  say(
    `${partner.name} ${preview.receives ? 'WOULD RECEIVE' : 'would NOT receive'} ${key} (${head.uri} v${head.version}) as ${eventType}`,
  );
  for (const reason of preview.reasons) say(`    ${reason}`);
  const attributes = Object.entries(preview.message.attributes).map(([attribute, { value }]) => [
    attribute,
    value,
  ]);
  say(`message attributes: ${JSON.stringify(Object.fromEntries(attributes))}`);
  if (preview.envelope.link)
    say('(link: in AWS a pre-signed URL to the content bucket; here an in-memory placeholder)');
  say(`message (${Buffer.byteLength(preview.message.body)} bytes):`);
  say(JSON.stringify(preview.envelope, null, 2));
  return preview.receives ? 0 : 1;
}

const HELP = `usage: syndicate <command>

  start [--articles DIR] [--drop DIR] [--once]   run the whole pipeline locally on in-process emulators,
                                                 ingest the sample articles, then watch the drop folder
  run FILE... [--source NAME]                    drop files into the local pipeline; print their journeys as JSON
  normalise FILE... [--format F] [--out DIR] [--explain]
                                                 print the ninjs 3.2 document each file becomes (or write them to DIR)
  invoke normalise|publish EVENT.json            run one handler on a sample event (see events/)
  partners list                                  partners: delivery, filters, payload and SNS filter policy
  partners preview PARTNER FILE [--source NAME] [--event TYPE]
                                                 would PARTNER receive FILE (normalised in memory), under
                                                 which filter rule, and the message it would get

operator commands — against the running local runtime (npm start), or a deployed stack with
--stack NAME [--profile P] [--region R]:
  status [--json]                                counts, queue and dead-letter depths, latest rejections
  ingest FILE|FOLDER... [--source NAME]          upload files to the ingest bucket, with progress
  rejects [--limit N] [--json]                   rejected files, newest first, with code and reason
  redrive [DLQ...] [--limit N]                   move dead-lettered messages back to their queue (all DLQs by default)
  replay URI... | --since TIME [--partner NAME]  send current versions again, marked article.replayed`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return commandStart(rest);
    case 'run':
      return commandRun(rest);
    case 'normalise':
    case 'normalize':
      return commandNormalise(rest);
    case 'invoke':
      return commandInvoke(rest);
    case 'partners':
      return commandPartners(rest);
    case 'status':
      return commandStatus(rest);
    case 'ingest':
      return commandIngest(rest);
    case 'rejects':
      return commandRejects(rest);
    case 'redrive':
      return commandRedrive(rest);
    case 'replay':
      return commandReplay(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      say(HELP);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`unknown command '${command}'\n\n${HELP}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof OperatorUsageError) warn(`usage: ${error.message}`);
  else if (error instanceof TargetError) warn(`syndicate: ${error.message}`);
  else if (error instanceof ConfigurationError) warn(`syndicate: ${error.message}`);
  else warn(`syndicate: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 2;
}
