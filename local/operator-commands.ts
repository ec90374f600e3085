/**
 * Operator commands that work against the running local runtime or a deployed stack (see
 * ./targets.ts): status, ingest, rejects, replay. Output is for people; `--json` where scripts need it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Payload } from '../contract/article-envelope.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { S3ClaimCheck } from '../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../shared/adapters/s3-document-store.js';
import { SnsNotifier } from '../shared/adapters/sns-notifier.js';
import { SqsDirectNotifier } from '../shared/adapters/sqs-direct-notifier.js';
import { SqsRedriveQueues } from '../shared/adapters/sqs-redrive.js';
import { loadPartnerRegistry } from '../shared/partners/registry-file.js';
import type { Notifier } from '../shared/ports/notifier.js';
import { redriveMessages, redriveStreamFailures } from '../shared/usecases/redrive.js';
import { replayArticles } from '../shared/usecases/replay.js';
import { resolveTarget, TARGET_OPTIONS, type Target } from './targets.js';

export class OperatorUsageError extends Error {}

/** How long replayed claim-check links stay valid (the stack's default for published ones). */
const LINK_EXPIRY_SECONDS = 6 * 3600;

const say = (line = '') => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`${line}\n`);

/** The target's article index, reading documents too large for their item from its content bucket. */
function indexOf(target: Target): DynamoDbArticleIndex {
  return new DynamoDbArticleIndex(target.dynamoDb, target.table, {
    documents: target.contentBucket ? new S3DocumentStore(target.s3, target.contentBucket) : undefined,
  });
}

async function withTarget<T>(
  options: { stack?: string; profile?: string; region?: string },
  work: (target: Target) => Promise<T>,
): Promise<T> {
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
async function articleCount(target: Target, local: boolean): Promise<string> {
  if (!local) {
    const { Table } = await target.dynamoDb.send(new DescribeTableCommand({ TableName: target.table }));
    return `~${Table?.ItemCount ?? 0} items (all record kinds, refreshed every ~6 h)`;
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
  return String(count);
}

export async function commandStatus(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...TARGET_OPTIONS, json: { type: 'boolean', default: false } },
  });
  return withTarget(values, async (target) => {
    const index = indexOf(target);
    const [depths, articles, withheld, rejections] = await Promise.all([
      queueDepths(target),
      articleCount(target, !values.stack),
      index.withheld(100),
      index.rejections(5),
    ]);
    const stuck = depths.filter(
      (queue) => queue.role === 'dead-letter' && queue.visible + queue.inFlight > 0,
    );
    if (values.json) {
      say(
        JSON.stringify(
          { target: target.description, articles, queues: depths, withheld, rejections },
          null,
          2,
        ),
      );
      return stuck.length > 0 ? 1 : 0;
    }
    say(`${target.description}`);
    say(`  articles: ${articles}   withheld (embargoed): ${withheld.length}`);
    say('  queues:');
    for (const queue of depths) {
      const flag =
        queue.role === 'dead-letter' && queue.visible + queue.inFlight > 0
          ? '  ← needs attention: syndicate redrive'
          : '';
      say(
        `    ${queue.name.padEnd(44)} ${queue.role.padEnd(11)} ${String(queue.visible).padStart(6)} waiting ${String(queue.inFlight).padStart(5)} in flight${flag}`,
      );
    }
    say('  latest rejections:');
    if (rejections.length === 0) say('    none');
    for (const rejection of rejections)
      say(`    ${rejection.rejectedAt}  ${rejection.objectKey}  ${rejection.code}: ${rejection.message}`);
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

export async function commandIngest(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, source: { type: 'string' }, concurrency: { type: 'string', default: '8' } },
  });
  if (positionals.length === 0)
    throw new OperatorUsageError('syndicate ingest FILE|FOLDER... [--source NAME] [--stack NAME]');
  const uploads = (await Promise.all(positionals.map(filesOf))).flat();
  return withTarget(values, async (target) => {
    let done = 0;
    let bytes = 0;
    let failed = 0;
    const interactive = process.stderr.isTTY;
    const queue = [...uploads];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const key = values.source ? `${values.source}/${next.key}` : next.key;
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
    await Promise.all(Array.from({ length: Math.max(1, Number(values.concurrency)) }, worker));
    if (interactive) process.stderr.write('\n');
    say(`${done - failed} uploaded to s3://${target.bucket} (${target.description}), ${failed} failed`);
    return failed > 0 ? 1 : 0;
  });
}

export async function commandRejects(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  });
  return withTarget(values, async (target) => {
    const rejections = await indexOf(target).rejections(Number(values.limit));
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

export async function commandReplay(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, since: { type: 'string' }, partner: { type: 'string' } },
  });
  if ((positionals.length === 0) === !values.since)
    throw new OperatorUsageError('syndicate replay URI... | --since TIME [--partner NAME]');
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime()))
    throw new OperatorUsageError(`--since '${values.since}' is not a date-time`);
  return withTarget(values, async (target) => {
    // The registry says which payloads partners take (the same file the stack was deployed from).
    const partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: !values.stack });
    let notifier: Notifier = new SnsNotifier(target.sns, target.topicArn);
    let payloads: Payload[] = partners.some((partner) => partner.payload === 'summary')
      ? ['full', 'summary']
      : ['full'];
    if (values.partner) {
      const partner = partners.find((candidate) => candidate.name === values.partner);
      if (!partner) throw new OperatorUsageError(`no partner '${values.partner}' in config/partners.json`);
      // One partner only: straight to its queue, since a topic publish reaches every matching partner.
      const wanted = values.partner.replace(/-/g, '').toLowerCase();
      const queue = target.queues.find(
        (candidate) =>
          candidate.role === 'partner' && candidate.name.replace(/[-_]/g, '').toLowerCase().includes(wanted),
      );
      if (!queue)
        throw new OperatorUsageError(`no queue for partner '${values.partner}' in ${target.description}`);
      notifier = new SqsDirectNotifier(target.sqs, queue.url);
      payloads = [partner.payload];
    }
    const contentStore = target.contentBucket
      ? new S3ClaimCheck(target.s3, target.contentBucket, LINK_EXPIRY_SECONDS)
      : undefined;
    const result = await replayArticles(
      {
        index: indexOf(target),
        notifier,
        now: () => new Date(),
        payloads,
        ...(contentStore ? { contentStore } : {}),
      },
      since ? { since: since.toISOString() } : { uris: positionals },
      values.partner,
    );
    for (const uri of result.replayed) say(`replayed ${uri}${values.partner ? ` to ${values.partner}` : ''}`);
    for (const { uri, reason } of result.skipped) warn(`skipped ${uri}: ${reason}`);
    for (const uri of result.failed) warn(`failed ${uri}`);
    say(
      `${result.replayed.length} replayed, ${result.skipped.length} skipped, ${result.failed.length} failed`,
    );
    return result.failed.length > 0 ? 1 : 0;
  });
}

/** Embargo releases are scheduled by the publish function, which holds the scheduler role; the CLI does not. */
const noScheduling = {
  async schedule(): Promise<void> {
    throw new Error(
      'a withheld version needs its release scheduled by the publish function: leave it in the DLQ',
    );
  },
};

export async function commandRedrive(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, limit: { type: 'string' } },
  });
  const limit = values.limit ? Number(values.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new OperatorUsageError('--limit must be a positive integer');
  return withTarget(values, async (target) => {
    const deadLetters = target.queues.filter(
      (queue) =>
        queue.role === 'dead-letter' && (positionals.length === 0 || positionals.includes(queue.name)),
    );
    if (positionals.length > 0 && deadLetters.length !== positionals.length) {
      const known = target.queues.filter((queue) => queue.role === 'dead-letter').map((queue) => queue.name);
      throw new OperatorUsageError(
        `unknown dead-letter queue; ${target.description} has: ${known.join(', ')}`,
      );
    }
    const queues = new SqsRedriveQueues(target.sqs);
    let failed = 0;
    for (const queue of deadLetters) {
      if (queue.redrivesTo) {
        const result = await redriveMessages(
          { queues },
          { from: queue.url, to: queue.redrivesTo, ...(limit ? { limit } : {}) },
        );
        failed += result.failed;
        say(
          `${queue.name}: ${result.moved} moved back${result.failed ? `, ${result.failed} could not be sent` : ''}`,
        );
        continue;
      }
      if (!/stream/i.test(queue.name)) {
        // e.g. the release DLQ or a partner-owned endpoint's delivery DLQ: nothing to move back into.
        say(`${queue.name}: not redriven (no source queue): see the README's alarm table for what to do`);
        continue;
      }
      // The stream's on-failure queue holds batch descriptions: republish the changes they cover.
      const index = indexOf(target);
      const partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: !values.stack });
      const contentStore = target.contentBucket
        ? new S3ClaimCheck(target.s3, target.contentBucket, LINK_EXPIRY_SECONDS)
        : undefined;
      const result = await redriveStreamFailures(
        {
          queues,
          index,
          notifier: new SnsNotifier(target.sns, target.topicArn),
          scheduler: noScheduling,
          now: () => new Date(),
          summaries: partners.some((partner) => partner.payload === 'summary'),
          ...(contentStore ? { contentStore } : {}),
        },
        { from: queue.url, ...(limit ? { limit } : {}) },
      );
      failed += result.failed.length + result.unreadable;
      say(
        `${queue.name}: ${result.records} failure records, ${result.handled.length} articles republished${result.failed.length ? `, ${result.failed.length} failed` : ''}`,
      );
    }
    return failed > 0 ? 1 : 0;
  });
}
