/**
 * Operator commands that work against the running local runtime or a deployed stack (see
 * ./targets.ts): status, ingest, rejects, replay. Output is for people; `--json` where scripts need it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { InMemoryContentStore } from '../shared/adapters/in-memory-content-store.js';
import { S3ClaimCheck } from '../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../shared/adapters/s3-document-store.js';
import { SnsNotifier } from '../shared/adapters/sns-notifier.js';
import { SqsDirectNotifier } from '../shared/adapters/sqs-direct-notifier.js';
import { SqsRedriveQueues } from '../shared/adapters/sqs-redrive.js';
import type { ArticleHead } from '../shared/domain/article.js';
import type { OutboundMessage, PayloadVariant } from '../shared/domain/message.js';
import { evaluateFilterPolicy } from '../shared/partners/filter-policy.js';
import { previewDelivery } from '../shared/partners/preview.js';
import { type Partner, payloadVariantOf, subscriptionFilterPolicyFor } from '../shared/partners/registry.js';
import { loadPartnerRegistry } from '../shared/partners/registry-file.js';
import type { DeliveryWindow } from '../shared/ports/delivery-metrics.js';
import type { Notifier } from '../shared/ports/notifier.js';
import { sourceIdOf } from '../shared/usecases/publish-changes.js';
import { redriveMessages, redriveStreamFailures } from '../shared/usecases/redrive.js';
import { replayArticles } from '../shared/usecases/replay.js';
import { cloudWatchReaderOf, stackPartnerFigures, statusWindow } from './delivery-figures.js';
import { DEAD_LETTER_ROLES, partnerQueueOf, redrivePlan, type TargetQueue } from './manifest.js';
import {
  formatPartnerTable,
  type PartnerRow,
  partnerRowsFromConsole,
  partnerRowsFromQueues,
} from './partner-table.js';
import type { Parsed } from './support.js';
import { CliError, pointInTime, positiveInteger } from './support.js';
import { resolveTarget, type Target } from './targets.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`${line}\n`);

type TargetValues = { stack?: string; profile?: string; region?: string };

function targetOf(values: Parsed['values']): TargetValues {
  const pick = (name: string) => (typeof values[name] === 'string' ? { [name]: values[name] } : {});
  return { ...pick('stack'), ...pick('profile'), ...pick('region') };
}

/** The target's article index, reading documents too large for their item from its content bucket. */
function indexOf(target: Target): DynamoDbArticleIndex {
  return new DynamoDbArticleIndex(target.dynamoDb, target.table, {
    documents: new S3DocumentStore(target.s3, target.contentBucket),
  });
}

/** Where replays put documents too large for a message, linked for as long as the pipeline's own links. */
function claimCheckOf(target: Target): S3ClaimCheck {
  return new S3ClaimCheck(target.s3, target.contentBucket, target.contentLinkExpirySeconds);
}

function holdsMessages(queue: TargetQueue & { visible: number; inFlight: number }): boolean {
  return DEAD_LETTER_ROLES.has(queue.role) && queue.visible + queue.inFlight > 0;
}

async function withTarget<T>(options: TargetValues, work: (target: Target) => Promise<T>): Promise<T> {
  const target = await resolveTarget(options);
  try {
    return await work(target);
  } finally {
    target.close();
  }
}

async function queueDepths(target: Target) {
  return Promise.all(
    target.queues.map(async (queue) => {
      const { Attributes } = await target.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        ...queue,
        visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );
}

/** Articles in the index: exact locally; DynamoDB's approximate item count (refreshed ~6-hourly) in AWS. */
async function articleCount(target: Target, local: boolean): Promise<{ count: number; exact: boolean }> {
  if (!local) {
    const { Table } = await target.dynamoDb.send(new DescribeTableCommand({ TableName: target.table }));
    return { count: Table?.ItemCount ?? 0, exact: false };
  }
  let count = 0;
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await target.dynamoDb.send(
      new ScanCommand({
        TableName: target.table,
        Select: 'COUNT',
        FilterExpression: 'sk = :head',
        ExpressionAttributeValues: { ':head': { S: 'head' } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return { count, exact: true };
}

/** How long `status` waits for the local console's partner figures before saying it got none. */
const CONSOLE_TIMEOUT_MS = 15_000;

type PartnerFigures = { rows: PartnerRow[] } | { problem: string };

/**
 * The local runtime's per-partner figures, as its console computes them (GET needs no token; the
 * console only answers on its loopback address, which is the URL it recorded).
 */
async function consolePartnerRows(consoleUrl: string | undefined): Promise<PartnerFigures> {
  if (!consoleUrl)
    return { problem: 'the local runtime recorded no console URL (restart it with `npm start`)' };
  const url = new URL('api/partners', consoleUrl);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(CONSOLE_TIMEOUT_MS) });
    if (!response.ok) return { problem: `the console at ${url} answered ${response.status}` };
    return { rows: partnerRowsFromConsole(await response.json()) };
  } catch (error) {
    return { problem: `no answer from the console at ${url}: ${(error as Error).message}` };
  }
}

/**
 * A deployed stack's rows, from CloudWatch over `window`. The registry file the stack was deployed
 * from says which partners there are and where they are delivered; without it only the dead-letter
 * depths are known.
 */
async function stackPartnerRows(
  target: Target,
  depths: Awaited<ReturnType<typeof queueDepths>>,
  window: DeliveryWindow,
  region: string | undefined,
): Promise<PartnerFigures & { notes?: string[] }> {
  let partners: Partner[];
  try {
    partners = loadPartnerRegistry();
  } catch (error) {
    return {
      rows: partnerRowsFromQueues(depths, () => undefined),
      notes: [
        `deliveries, latency, last delivery: n/a (config/partners.json is needed to name each partner's endpoint: ${(error as Error).message})`,
      ],
    };
  }
  const payloadOf = (name: string) => partners.find((partner) => partner.name === name)?.payload;
  let metrics: Awaited<ReturnType<typeof cloudWatchReaderOf>>;
  try {
    metrics = await cloudWatchReaderOf({
      manifest: target.manifest,
      partners,
      sns: target.sns,
      ...(region ? { region } : {}),
    });
  } catch (error) {
    return { problem: (error as Error).message };
  }
  try {
    return await stackPartnerFigures(metrics.reader, window, payloadOf);
  } finally {
    metrics.close();
  }
}

export async function commandStatus({ values }: Parsed): Promise<number> {
  const local = !values.stack;
  const since = typeof values.since === 'string' ? values.since : undefined;
  if (local && since)
    throw new CliError('--since needs --stack', 'the local runtime counts everything since it started');
  const window = statusWindow(since, new Date());
  return withTarget(targetOf(values), async (target) => {
    const index = indexOf(target);
    const [depths, articles, withheld, rejections, consoleFigures] = await Promise.all([
      queueDepths(target),
      articleCount(target, local),
      index.withheld(100),
      index.rejections(5),
      local ? consolePartnerRows(target.consoleUrl) : undefined,
    ]);
    const region = typeof values.region === 'string' ? values.region : undefined;
    const partnerFigures: PartnerFigures & { notes?: string[] } =
      consoleFigures ?? (await stackPartnerRows(target, depths, window, region));
    const stuck = depths.filter(holdsMessages);
    if (values.json) {
      say(
        JSON.stringify(
          {
            target: target.description,
            // In AWS the table's item count (every record kind, refreshed about every 6 hours).
            articles: articles.count,
            articlesExact: articles.exact,
            queues: depths,
            withheld,
            rejections,
            // Per partner: deliveries, failures, latency in ms, last delivery; null where not measured.
            // Locally failures are dead-letter depths; in AWS, failed SNS deliveries in the window.
            partners: 'rows' in partnerFigures ? partnerFigures.rows : null,
            ...('problem' in partnerFigures ? { partnersProblem: partnerFigures.problem } : {}),
            ...(local
              ? {}
              : {
                  partnerWindow: { from: window.from.toISOString(), to: window.to.toISOString() },
                  ...(partnerFigures.notes ? { partnerMetrics: partnerFigures.notes } : {}),
                }),
          },
          null,
          2,
        ),
      );
      return stuck.length > 0 ? 1 : 0;
    }
    say(`${target.description}`);
    const count = articles.exact
      ? String(articles.count)
      : `~${articles.count} items (all record kinds, refreshed every ~6 h)`;
    say(`  articles: ${count}   withheld (embargoed): ${withheld.length}`);
    say('  queues:');
    for (const queue of depths) {
      const flag = holdsMessages(queue) ? '  ← needs attention: syndicate redrive' : '';
      say(
        `    ${queue.label.padEnd(36)} ${queue.role.padEnd(20)} ${String(queue.visible).padStart(6)} waiting ${String(queue.inFlight).padStart(5)} in flight${flag}`,
      );
    }
    say('  latest rejections:');
    if (rejections.length === 0) say('    none');
    for (const rejection of rejections)
      say(`    ${rejection.rejectedAt}  ${rejection.objectKey}  ${rejection.code}: ${rejection.message}`);
    say('  partners:');
    if ('problem' in partnerFigures) say(`    unavailable: ${partnerFigures.problem}`);
    else for (const line of formatPartnerTable(partnerFigures.rows, partnerFigures.notes)) say(`    ${line}`);
    return stuck.length > 0 ? 1 : 0;
  });
}

async function filesOf(path: string): Promise<{ file: string; key: string }[]> {
  const info = await stat(path);
  if (info.isFile()) return [{ file: path, key: basename(path) }];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { file, key: relative(path, file).split(sep).join('/') };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

function progressBar(done: number, total: number, bytes: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files, ${(bytes / 1024).toFixed(0)} KiB`;
}

export async function commandIngest({ values, positionals }: Parsed): Promise<number> {
  const concurrency = positiveInteger('concurrency', String(values.concurrency));
  // Every path is checked before anything is uploaded: a typo uploads nothing.
  const missing = positionals.filter((path) => !existsSync(path));
  if (missing.length > 0)
    throw new CliError(
      `no such file or folder: ${missing.join(', ')}`,
      'check the paths; nothing was uploaded',
    );
  const uploads = (await Promise.all(positionals.map(filesOf))).flat();
  if (uploads.length === 0)
    throw new CliError(`nothing to upload in ${positionals.join(', ')}`, 'the folders hold no files');
  const source = typeof values.source === 'string' ? values.source : undefined;
  return withTarget(targetOf(values), async (target) => {
    let done = 0;
    let bytes = 0;
    let failed = 0;
    const interactive = process.stderr.isTTY;
    const queue = [...uploads];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const key = source ? `${source}/${next.key}` : next.key;
        try {
          const body = await readFile(next.file);
          await target.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body }));
          bytes += body.length;
        } catch (error) {
          failed++;
          warn(`\n${next.file}: ${(error as Error).message}`);
        }
        done++;
        if (interactive) process.stderr.write(`\r${progressBar(done, uploads.length, bytes)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (interactive) process.stderr.write('\n');
    say(`${done - failed} uploaded to s3://${target.bucket} (${target.description}), ${failed} failed`);
    return failed > 0 ? 1 : 0;
  });
}

export async function commandRejects({ values }: Parsed): Promise<number> {
  const limit = positiveInteger('limit', String(values.limit));
  return withTarget(targetOf(values), async (target) => {
    const rejections = await indexOf(target).rejections(limit);
    if (values.json) {
      say(JSON.stringify(rejections, null, 2));
      return 0;
    }
    if (rejections.length === 0) say('no rejected files');
    for (const rejection of rejections) {
      say(`${rejection.rejectedAt}  ${rejection.objectKey}  ${rejection.code}  ${rejection.sizeBytes} B`);
      say(`    ${rejection.message}`);
      if (rejection.quarantineKey && target.quarantineBucket)
        say(`    original kept at s3://${target.quarantineBucket}/${rejection.quarantineKey}`);
    }
    return 0;
  });
}

export async function commandReplay({ values, positionals }: Parsed): Promise<number> {
  const sinceOption = typeof values.since === 'string' ? values.since : undefined;
  const partnerName = typeof values.partner === 'string' ? values.partner : undefined;
  if (positionals.length > 0 && sinceOption)
    throw new CliError('give URIs or --since, not both', 'syndicate replay URI... | --since TIME');
  if (positionals.length === 0 && !sinceOption)
    throw new CliError('replay needs URIs or --since TIME', 'e.g. syndicate replay --since 1h');
  const since = sinceOption ? pointInTime('since', sinceOption, new Date()) : undefined;
  return withTarget(targetOf(values), async (target) => {
    // The registry gives each partner's filter policy (the file the stack was deployed from); what the
    // pipeline publishes, and where, comes from the target's manifest.
    const partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: !values.stack });
    let notifier: Notifier = new SnsNotifier(target.sns, target.topicRoutes);
    let variants: PayloadVariant[] = [...target.variants];
    let admits: ((message: OutboundMessage) => boolean) | undefined;
    if (partnerName) {
      const partner = partners.find((candidate) => candidate.name === partnerName);
      if (!partner)
        throw new CliError(
          `no partner '${partnerName}' in config/partners.json`,
          `known: ${partners.map((known) => known.name).join(', ')}`,
        );
      // One partner only: straight to its queue, since a topic publish reaches every matching partner.
      // Its queue by the partner the manifest records, and only what its filter policy takes, as SNS
      // would decide.
      const queue = partnerQueueOf(target.queues, partner.name);
      if (!queue)
        throw new CliError(
          `no queue for partner '${partnerName}' in ${target.description}`,
          'only partners with a queue can be replayed to alone; replay without --partner',
        );
      notifier = new SqsDirectNotifier(target.sqs, queue.url);
      variants = [payloadVariantOf(partner)];
      const policy = subscriptionFilterPolicyFor(partner);
      admits = (message) => evaluateFilterPolicy(policy, message.attributes).matches;
    }
    const index = indexOf(target);
    const result = await replayArticles(
      {
        index,
        notifier,
        now: () => new Date(),
        variants,
        ...(admits ? { admits } : {}),
        contentStore: claimCheckOf(target),
      },
      since ? { since: since.toISOString() } : { uris: positionals },
      partnerName,
    );
    // The use case reports one id per message sent (an article's summary variant is `<uri>/summary`):
    // report articles, and the partners each one reached.
    const articleOf = sourceIdOf;
    const failed = [...new Set(result.failed.map(articleOf))];
    const replayed = [...new Set(result.replayed.map(articleOf))].filter((uri) => !failed.includes(uri));
    for (const uri of replayed) {
      const head = await index.current(uri);
      const receivers = partnerName ? [partnerName] : head ? await receiversOf(partners, head, index) : [];
      say(
        `replayed ${uri}${head ? ` v${head.version}` : ''} ${receivers.length > 0 ? `to ${receivers.join(', ')}` : "(no partner's filter takes it: nothing delivered)"}`,
      );
    }
    const unknown = result.skipped.filter(({ reason }) => reason === 'no such article');
    for (const { uri, reason } of result.skipped) warn(`syndicate: not replayed ${uri}: ${reason}`);
    for (const uri of failed) warn(`syndicate: failed to replay ${uri}`);
    say(`${replayed.length} replayed, ${result.skipped.length} skipped, ${failed.length} failed`);
    return failed.length > 0 || unknown.length > 0 ? 1 : 0;
  });
}

/** The partners whose filter policy takes the replay of this article's current version. */
async function receiversOf(
  partners: readonly Partner[],
  head: ArticleHead,
  index: DynamoDbArticleIndex,
): Promise<string[]> {
  const stored = await index.version(head.uri, head.version);
  if (!stored) return [];
  const receivers: string[] = [];
  for (const partner of partners) {
    const preview = await previewDelivery(
      partner,
      partners,
      head,
      stored.ninjs,
      'article.replayed',
      new InMemoryContentStore(),
    );
    if (preview.receives) receivers.push(partner.name);
  }
  return receivers;
}

/** Embargo releases are scheduled by the publish function, which holds the scheduler role; the CLI does not. */
const noScheduling = {
  async schedule(): Promise<void> {
    throw new Error(
      'a withheld version needs its release scheduled by the publish function: leave it in the DLQ',
    );
  },
};

export async function commandRedrive({ values, positionals }: Parsed): Promise<number> {
  const limit = typeof values.limit === 'string' ? positiveInteger('limit', values.limit) : undefined;
  return withTarget(targetOf(values), async (target) => {
    const plan = redrivePlan(target.queues, positionals);
    if (plan.unknown.length > 0) {
      const known = redrivePlan(target.queues, []).steps.map(({ queue }) => queue.label);
      throw new CliError(
        `no dead-letter queue ${plan.unknown.map((name) => `'${name}'`).join(', ')} in ${target.description}`,
        `known: ${known.join(', ')}`,
      );
    }
    const queues = new SqsRedriveQueues(target.sqs);
    let failed = 0;
    for (const { queue, action } of plan.steps) {
      if (action === 'move-back' && queue.redrivesTo) {
        const result = await redriveMessages(
          { queues },
          { from: queue.url, to: queue.redrivesTo, ...(limit ? { limit } : {}) },
        );
        failed += result.failed;
        say(
          `${queue.label}: ${result.moved} moved back${result.failed ? `, ${result.failed} could not be sent` : ''}`,
        );
        continue;
      }
      if (action === 'leave') {
        // e.g. the release DLQ or a partner-owned endpoint's delivery DLQ: nothing to move back into.
        say(`${queue.label}: not redriven (no source queue): see the README's alarm table for what to do`);
        continue;
      }
      // The stream's on-failure queue holds batch descriptions: republish the changes they cover, in
      // the variants the pipeline publishes.
      const result = await redriveStreamFailures(
        {
          queues,
          index: indexOf(target),
          notifier: new SnsNotifier(target.sns, target.topicRoutes),
          scheduler: noScheduling,
          now: () => new Date(),
          summaries: target.variants.includes('summary'),
          linkedSummaries: target.variants.includes('summary-linked'),
          contentStore: claimCheckOf(target),
        },
        { from: queue.url, ...(limit ? { limit } : {}) },
      );
      failed += result.failed.length + result.unreadable;
      say(
        `${queue.label}: ${result.records} failure records, ${result.handled.length} articles republished${result.failed.length ? `, ${result.failed.length} failed` : ''}`,
      );
    }
    return failed > 0 ? 1 : 0;
  });
}
