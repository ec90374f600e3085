/**
 * Section 5: AWS cost per million articles, by service, from the measured handler durations, the
 * functions' memory setting, the real sizes of the sample article's items and message, and the
 * prices below (us-east-1). Every price and assumption is printed with the result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REPO_ROOT } from '../corpus.js';
import type { Row } from '../lib/report.js';
import { fmt, fmtUsd } from '../lib/stats.js';

export const COST_TARGET_PER_MILLION = 8;

/** us-east-1 prices. `facts`: ../shared/notes/platform-facts.md; `assumed`: AWS price pages as of 2026, not re-checked here. */
export const PRICES = {
  lambdaGbSecond: { usd: 0.0000133334, source: 'facts', text: 'Lambda arm64 $0.0000133334 per GB-s' },
  lambdaRequest: { usd: 0.2 / 1e6, source: 'facts', text: 'Lambda $0.20 per million requests' },
  snsPublish: {
    usd: 0.5 / 1e6,
    source: 'facts',
    text: 'SNS $0.50 per million publish requests (a Publish or PublishBatch call is billed per 64 KB chunk of its payload; deliveries to SQS free)',
  },
  s3Put: { usd: 0.005 / 1000, source: 'facts', text: 'S3 PUT $0.005 per 1,000' },
  s3Get: { usd: 0.0004 / 1000, source: 'facts', text: 'S3 GET $0.0004 per 1,000' },
  dynamoWrite: {
    usd: 0.625 / 1e6,
    source: 'facts',
    text: 'DynamoDB on-demand $0.625 per million write units (1 KB)',
  },
  dynamoRead: {
    usd: 0.125 / 1e6,
    source: 'assumed',
    text: 'DynamoDB on-demand $0.125 per million read units (4 KB strongly consistent)',
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    source: 'assumed',
    text: 'SQS standard $0.40 per million requests (64 KB chunks)',
  },
  logsGb: { usd: 0.5, source: 'assumed', text: 'CloudWatch Logs ingestion $0.50 per GB' },
  httpApiRequest: {
    usd: 1 / 1e6,
    source: 'assumed',
    text: 'API Gateway HTTP API $1.00 per million requests (first 300 million a month, $0.90 after; REST API $3.50)',
  },
  secretMonth: {
    usd: 0.4,
    source: 'assumed',
    text: 'Secrets Manager $0.40 per secret per month + $0.05 per 10,000 API calls (the link key, read once per cold start)',
  },
  xrayTrace: { usd: 5 / 1e6, source: 'assumed', text: 'X-Ray $5.00 per million traces recorded' },
  dynamoWcuHour: {
    usd: 0.00065,
    source: 'assumed',
    text: 'DynamoDB provisioned $0.00065 per write capacity unit-hour (priced in the $8 note only)',
  },
  dynamoRcuHour: {
    usd: 0.00013,
    source: 'assumed',
    text: 'DynamoDB provisioned $0.00013 per read capacity unit-hour (priced in the $8 note only)',
  },
} as const;

const ARTICLE = 'events/articles/wire/trump-putin-syria.txt';
/** Lambda adds START, END and REPORT lines (and X-Ray ids) to each invocation's log. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 350;
const NORMALISE_RECORDS_PER_INVOCATION = 10;
/** Stream records per publish invocation (a full batch); per article, every table write streams. */
const STREAM_RECORDS_PER_INVOCATION = 100;
const COLD_STARTS_PER_INVOCATION = 1 / 1000;
/** Warm content-API handler time per request (a GetItem for the head, one for the version), ms: assumed, not measured. */
const CONTENT_API_MS_PER_REQUEST = 15;
/** Bytes of one access-log line of the HTTP API plus the function's platform lines. */
const CONTENT_API_LOG_BYTES_PER_REQUEST = 300 + PLATFORM_LOG_BYTES_PER_INVOCATION;
const XRAY_SAMPLED = 0.05;

/** DynamoDB item size (AWS "Item sizes and formats"): names + values; numbers ~1 byte per 2 digits + 1. */
function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((total, item) => total + 1 + attributeSize(item), 0);
  if (value.M !== undefined)
    return (
      3 +
      Object.entries(value.M).reduce(
        (total, [name, item]) => total + 1 + Buffer.byteLength(name) + attributeSize(item),
        0,
      )
    );
  if (value.SS !== undefined) return value.SS.reduce((total, item) => total + Buffer.byteLength(item), 0);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + attributeSize(value),
    0,
  );
}

export interface CostInputs {
  readonly memoryMb: number;
  /** Warm handler time per article, ms (normalise, publish). */
  readonly normaliseMsPerArticle: number;
  readonly publishMsPerArticle: number;
  /** Init (bundle load) time, ms. */
  readonly normaliseInitMs: number;
  readonly publishInitMs: number;
  /** Handler log bytes per article. */
  readonly normaliseLogBytesPerArticle: number;
  readonly publishLogBytesPerArticle: number;
  /** Partner deliveries per article (from the end-to-end mix, else the registry's catch-alls). */
  readonly deliveriesPerArticle: number;
  /** Messages published per article (payload variants seen end to end, else 1). */
  readonly messagesPerArticle: number;
  readonly deliveriesSource: string;
}

export interface ArticleSizes {
  /** The version's document (ninjs + provenance) as the index compresses it. */
  readonly documentBytes: number;
  /** Every item normalise writes for a new article, table and index entries. */
  readonly writes: readonly ItemWrite[];
  /** Read units normalise spends on a new article. */
  readonly readUnits: number;
  /** Table writes that reach publish through the stream. */
  readonly streamRecordsPerArticle: number;
  /** The full variant's message (body and attributes as SNS counts them). */
  readonly envelopeBytes: number;
  /** The summary variant's message (summary and a signed link to the document in the content API). */
  readonly summaryBytes: number;
  /**
   * Billed SNS requests per article and variant count: the article's messages published by the
   * notifier's own batching (shared/adapters/sns-notifier.ts `batchesOf`) over a full stream batch,
   * each PublishBatch call billed per 64 KB chunk of its whole payload.
   */
  readonly billedPublishesPerArticle: (variants: number) => number;
  readonly words: number;
}

/** One item written to the table or one of its indexes. */
export interface ItemWrite {
  /** What it is: `version`, `head`, `object state`, `byFeed index`... */
  readonly what: string;
  readonly bytes: number;
}

/**
 * What the sample article becomes: the table writes and reads normalise makes for it, recorded from
 * the real use case and adapter (ingestObject on DynamoDbArticleIndex) against a client that answers
 * as an empty table does, so the model follows whatever the adapter writes; the messages as publish
 * sends them.
 */
export async function measureArticleSizes(): Promise<ArticleSizes> {
  const { DynamoDbArticleIndex, headFromItem, versionFromStreamImage } = await import(
    '../../shared/adapters/dynamodb-article-index.js'
  );
  const { INDEX_NAMES, INDEX_PROJECTIONS } = await import('../../shared/adapters/table-layout.js');
  const { InMemoryObjectStore } = await import('../../shared/adapters/memory/in-memory.js');
  const { ingestObject } = await import('../../shared/usecases/ingest-object.js');
  const { envelopeFor, messageSize } = await import('../../shared/domain/message.js');
  const { partnerMessagesFor } = await import('../../shared/usecases/publish-changes.js');
  const { batchesOf } = await import('../../shared/adapters/sns-notifier.js');
  const { SignedLinkContentStore } = await import('../../shared/adapters/signed-link-content-store.js');
  const { LinkSigner } = await import('../../shared/content-api/signed-links.js');
  const key = 'wire/trump-putin-syria.txt';
  const now = new Date();

  const calls: { readonly command: string; readonly input: Record<string, unknown> }[] = [];
  const recorder = {
    async send(command: { readonly input: Record<string, unknown> }) {
      calls.push({ command: command.constructor.name, input: command.input });
      return {};
    },
  } as unknown as DynamoDBClient;
  const objects = new InMemoryObjectStore();
  objects.put('ingest', { key, bytes: readFileSync(join(REPO_ROOT, ARTICLE)) });
  const outcome = await ingestObject(
    { objects, index: new DynamoDbArticleIndex(recorder, 'articles'), now: () => now },
    { bucket: 'ingest', key, sequencer: '0018EB44CDAEFBDA01', uploadedAt: now.toISOString() },
  );
  if (outcome.status !== 'published') throw new Error(`the sample article was ${outcome.status}`);
  const puts = calls
    .filter((call) => call.command === 'PutItemCommand')
    .map((call) => call.input.Item as Record<string, AttributeValue>);
  const writes: ItemWrite[] = puts.flatMap((item) => {
    const sk = item.sk?.S ?? '';
    const what = sk === 'head' ? 'head' : sk === 'state' ? 'object state' : sk.replace(/#.*/, '');
    const entries = Object.values(INDEX_NAMES)
      .filter((name) => item[`${name}Pk`] !== undefined)
      .map((name) => {
        const projected = INDEX_PROJECTIONS[name];
        const kept = projected ? ['pk', 'sk', `${name}Pk`, `${name}Sk`, ...projected] : Object.keys(item);
        return {
          what: `${name} index`,
          bytes: itemSize(
            Object.fromEntries(Object.entries(item).filter(([attribute]) => kept.includes(attribute))),
          ),
        };
      });
    return [{ what, bytes: itemSize(item) }, ...entries];
  });
  const versionItem = puts.find((item) => item.sk?.S?.startsWith('version#'));
  const headItem = puts.find((item) => item.sk?.S === 'head');
  const stored = versionItem ? versionFromStreamImage(versionItem) : undefined;
  const head = headItem ? headFromItem(headItem) : undefined;
  if (!stored || !head || !versionItem)
    throw new Error('normalise wrote no version and head for the sample article');
  const { ninjs } = stored;

  const envelope = envelopeFor(head, ninjs, 'article.published', now.toISOString());
  const messages = await partnerMessagesFor('0', head, ninjs, envelope, {
    // A link as publish makes it in AWS: signed, to the content API, nothing written.
    contentStore: new SignedLinkContentStore(
      new LinkSigner(Buffer.alloc(32, 1)),
      'https://abcdef1234.execute-api.us-east-1.amazonaws.com',
      6 * 3600,
      () => now,
    ),
    summaries: true,
  });
  const [full, summary] = messages;
  if (!full || !summary) throw new Error('publish built no summary variant for the sample article');
  const streamRecordsPerArticle = puts.length;
  const articlesPerStreamBatch = Math.floor(STREAM_RECORDS_PER_INVOCATION / streamRecordsPerArticle);
  const billedPublishesPerArticle = (variants: number): number => {
    const perArticle = variants >= 2 ? [full, summary] : [full];
    const batch = Array.from({ length: articlesPerStreamBatch }, (_, index) =>
      perArticle.map((message) => ({ ...message, id: `${index}/${message.id}` })),
    ).flat();
    const billed = batchesOf(batch).reduce(
      (total, call) => total + chunks64(call.reduce((bytes, message) => bytes + messageSize(message), 0)),
      0,
    );
    return billed / articlesPerStreamBatch;
  };
  const words = ninjs.bodies?.find((body) => body.wordCount !== undefined)?.wordCount ?? 0;
  return {
    documentBytes: versionItem.document?.B?.length ?? 0,
    writes,
    // Every read normalise makes is a strongly consistent GetItem of an item under 4 KB (or none).
    readUnits: calls.filter((call) => call.command === 'GetItemCommand').length,
    streamRecordsPerArticle,
    envelopeBytes: messageSize(full),
    summaryBytes: messageSize(summary),
    billedPublishesPerArticle,
    words,
  };
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const chunks64 = (bytes: number) => Math.max(1, Math.ceil(bytes / (64 * 1024)));

export function costRows(inputs: CostInputs, sizes: ArticleSizes): { rows: Row[]; notes: string[] } {
  const million = 1e6;
  const gb = inputs.memoryMb / 1024;
  const normaliseInvocations = million / NORMALISE_RECORDS_PER_INVOCATION;
  const streamRecords = sizes.streamRecordsPerArticle;
  const publishInvocations = (million * streamRecords) / STREAM_RECORDS_PER_INVOCATION;
  const invocations = normaliseInvocations + publishInvocations;
  const durationSeconds =
    (million * (inputs.normaliseMsPerArticle + inputs.publishMsPerArticle)) / 1000 +
    (COLD_STARTS_PER_INVOCATION *
      (normaliseInvocations * inputs.normaliseInitMs + publishInvocations * inputs.publishInitMs)) /
      1000;
  const lambda = durationSeconds * gb * PRICES.lambdaGbSecond.usd + invocations * PRICES.lambdaRequest.usd;

  // One write unit per started KB of each item and index entry written.
  const writeUnits = sizes.writes.reduce((total, write) => total + kb(write.bytes), 0);
  // normalise's strongly consistent reads (an absent item still costs 1). publish takes the version
  // from its own stream record (written just before the head, in the same batch when full).
  const readUnits = sizes.readUnits;
  const dynamo = million * (writeUnits * PRICES.dynamoWrite.usd + readUnits * PRICES.dynamoRead.usd);

  // The publisher's upload, and normalise's read of it. Links (claim checks, linked summaries) point at
  // the content API, which serves the indexed document: no second PUT per version.
  const s3 = million * (PRICES.s3Put.usd + PRICES.s3Get.usd);
  const publishes = sizes.billedPublishesPerArticle(inputs.messagesPerArticle);
  const sns = million * publishes * PRICES.snsPublish.usd;
  // ingest queue: S3's send, Lambda's receive and delete per batch of 10; partner queues: SNS's send, the partner's receive and delete per 10.
  const ingestQueueRequests = 1 + 2 / NORMALISE_RECORDS_PER_INVOCATION;
  const deliveryRequests = inputs.deliveriesPerArticle * chunks64(sizes.envelopeBytes) * (1 + 2 / 10);
  const sqsPerArticle = ingestQueueRequests + deliveryRequests;
  const sqs = million * sqsPerArticle * PRICES.sqsRequest.usd;
  const logBytes =
    million * (inputs.normaliseLogBytesPerArticle + inputs.publishLogBytesPerArticle) +
    invocations * PLATFORM_LOG_BYTES_PER_INVOCATION;
  const logs = (logBytes / 1024 ** 3) * PRICES.logsGb.usd;
  const xray = invocations * XRAY_SAMPLED * PRICES.xrayTrace.usd;
  const total = lambda + dynamo + s3 + sns + sqs + logs + xray;

  // Pulls are the partners' doing, priced per million requests apart from the articles' cost.
  const pullLambda =
    million *
    (PRICES.lambdaRequest.usd + (CONTENT_API_MS_PER_REQUEST / 1000) * gb * PRICES.lambdaGbSecond.usd);
  const pullReads = million * 2 * PRICES.dynamoRead.usd;
  const pullLogs = ((million * CONTENT_API_LOG_BYTES_PER_REQUEST) / 1024 ** 3) * PRICES.logsGb.usd;
  const pullCost = million * PRICES.httpApiRequest.usd + pullLambda + pullReads + pullLogs;

  const row = (item: string, usd: number, measured: string): Row => ({
    section: '5',
    item,
    measured: `${fmtUsd(usd)} — ${measured}`,
    target: '',
  });
  const rows: Row[] = [
    row(
      'Lambda (normalise + publish)',
      lambda,
      `${fmt(inputs.normaliseMsPerArticle)} + ${fmt(inputs.publishMsPerArticle)} ms per article at ${inputs.memoryMb} MB, ` +
        `${fmt(invocations / 1000, 0)}k invocations, init ${fmt(inputs.normaliseInitMs, 0)}/${fmt(inputs.publishInitMs, 0)} ms per cold start`,
    ),
    row(
      'DynamoDB',
      dynamo,
      `${writeUnits} WU per article (${sizes.writes.map((write) => `${write.what} ${fmt(write.bytes / 1024, 2)} KB → ${kb(write.bytes)}`).join(', ')}${sizes.writes.some((write) => write.what === 'object state') ? '' : '; no object-state item: the head records it'}) + ${readUnits} RU`,
    ),
    row(
      'S3',
      s3,
      '1 PUT (the publisher’s upload) + 1 GET (normalise) per article; links go to the content API, no copy per version',
    ),
    row(
      'SNS',
      sns,
      `${fmt(publishes, 2)} billed requests per article: ${fmt(inputs.messagesPerArticle, 2)} messages (full ${fmt(sizes.envelopeBytes / 1024, 1)} KB${inputs.messagesPerArticle >= 2 ? `, summary ${fmt(sizes.summaryBytes / 1024, 1)} KB` : ''}) in PublishBatch calls of ≤ 10, billed per 64 KB chunk of each call`,
    ),
    row(
      'SQS',
      sqs,
      `${fmt(sqsPerArticle, 2)} requests per article (${fmt(inputs.deliveriesPerArticle, 2)} partner deliveries per article, ${inputs.deliveriesSource})`,
    ),
    row('CloudWatch Logs', logs, `${fmt(logBytes / million, 0)} bytes per article`),
    row('X-Ray', xray, `${fmt(XRAY_SAMPLED * 100, 0)}% of invocations traced`),
    {
      section: '5',
      item: 'total per million articles, all services',
      measured: fmtUsd(total),
      target: `≤ ${fmtUsd(COST_TARGET_PER_MILLION)}`,
      pass: total <= COST_TARGET_PER_MILLION,
    },
    row(
      'Content API, per million pull requests (not in the total)',
      pullCost,
      `HTTP API ${fmtUsd(PRICES.httpApiRequest.usd * million)} + Lambda ${fmtUsd(pullLambda)} (${CONTENT_API_MS_PER_REQUEST} ms assumed at ${inputs.memoryMb} MB) + DynamoDB ${fmtUsd(pullReads)} (2 strongly consistent GetItem) + logs ${fmtUsd(pullLogs)}; the signing key ${fmtUsd(PRICES.secretMonth.usd)} a month`,
    ),
  ];
  const lowTrafficXray = (million + million) * PRICES.xrayTrace.usd;
  const eightDollars = whatTheTargetTakes({
    s3,
    ingestQueue: million * ingestQueueRequests * PRICES.sqsRequest.usd,
    deliveries: million * deliveryRequests * PRICES.sqsRequest.usd,
    rest: sns + lambda + logs + xray,
    writeUnits,
    readUnits,
  });
  const notes = [
    `Prices (us-east-1): ${Object.values(PRICES)
      .map((price) => `${price.text}${price.source === 'assumed' ? ' [not in platform-facts: check]' : ''}`)
      .join('; ')}.`,
    `Assumptions: every article is new (version 1) and accepted; the sample wire article (${sizes.words} words; ninjs + provenance ${fmt(sizes.documentBytes / 1024, 1)} KB compressed as the index stores it) stands for an article; ` +
      `Lambda durations are the warm handler times measured in section 3 against the local emulators on this machine (AWS I/O latency and Graviton speed differ), memory ${inputs.memoryMb} MB as infra/constructs/pipeline-function.ts sets for every function; ` +
      `full batches: normalise ${NORMALISE_RECORDS_PER_INVOCATION} notifications per invocation, publish ${STREAM_RECORDS_PER_INVOCATION} stream records per invocation with ${streamRecords} records per article (every table write streams); ` +
      `one cold start per ${fmt(1 / COLD_STARTS_PER_INVOCATION, 0)} invocations, its init billed; the writes and reads are those the adapter makes for the sample (recorded from ingestObject on DynamoDbArticleIndex), an item entering a GSI only where it has that index's key (byStatus is sparse, so a published article enters none; its version enters byFeed, projected); stream reads by Lambda are free; SNS→SQS deliveries are free on the SNS side, each delivery is one SQS request; ` +
      `empty long polls, storage, quarantine copies, KMS, data transfer and the release function (only embargoed articles) are not counted; logs: measured handler log bytes (INFO, metrics off) + ${PLATFORM_LOG_BYTES_PER_INVOCATION} bytes of platform lines per invocation.`,
    eightDollars,
    `Low traffic changes the picture: with one article per invocation (the event sources have no batching window, so a quiet feed's batches hold one record) Lambda requests become ${fmtUsd(2 * million * PRICES.lambdaRequest.usd)} and, since X-Ray's default rule traces the first request each second, X-Ray up to ${fmtUsd(lowTrafficXray)} per million.`,
  ];
  return { rows, notes };
}

const DOCUMENTS_PER_SEGMENT = 100;

/**
 * The "what $8 would take" note: the costs no storage layout changes, what that leaves DynamoDB,
 * and what each way of closing the gap buys, from the same figures as the rows.
 */
function whatTheTargetTakes(costs: {
  readonly s3: number;
  readonly ingestQueue: number;
  readonly deliveries: number;
  readonly rest: number;
  readonly writeUnits: number;
  readonly readUnits: number;
}): string {
  const million = 1e6;
  const { s3, ingestQueue, deliveries, rest, writeUnits, readUnits } = costs;
  const floor = s3 + ingestQueue + deliveries + rest;
  const left = COST_TARGET_PER_MILLION - floor;
  // A version needs at least its head, its version item (a pointer, if the document were elsewhere)
  // and its feed index entry: one write unit each.
  const minimumWriteUnits = 3;
  const onDemand = (wu: number) =>
    million * (wu * PRICES.dynamoWrite.usd + readUnits * PRICES.dynamoRead.usd);
  // A capacity unit-hour gives 3,600 units at full use.
  const provisionedFull =
    writeUnits * (PRICES.dynamoWcuHour.usd / 3600) * million +
    readUnits * (PRICES.dynamoRcuHour.usd / 3600) * million;
  const withoutDeliveries = floor - deliveries;
  const segmentPuts = (million / DOCUMENTS_PER_SEGMENT) * PRICES.s3Put.usd;
  const utilisationNeeded = provisionedFull / (COST_TARGET_PER_MILLION - withoutDeliveries);
  return (
    `What $8 would take: the publisher's upload and normalise's GET (S3 ${fmtUsd(s3)}), the ingest queue ` +
    `(${fmtUsd(ingestQueue)}), partner deliveries (${fmtUsd(deliveries)}), and SNS, Lambda, logs and X-Ray ` +
    `(${fmtUsd(rest)}) come to ${fmtUsd(floor)} before DynamoDB, leaving ${fmtUsd(left)}: ` +
    `${fmt(Math.max(0, left) / (million * PRICES.dynamoWrite.usd), 2)} on-demand write units per article, ` +
    `against a minimum of ${minimumWriteUnits} a version needs (head, version item, feed index entry; ` +
    `${fmtUsd(onDemand(minimumWriteUnits))} with the ${readUnits} reads) and ${writeUnits} written now ` +
    `(${fmtUsd(onDemand(writeUnits))}). No item layout closes the gap alone. ` +
    `(a) Documents batched into S3 segments (one PUT per ${DOCUMENTS_PER_SEGMENT} documents, ` +
    `${fmtUsd(segmentPuts)}) leave the version item a pointer, ${minimumWriteUnits} WU in all: ` +
    `${fmtUsd(floor + segmentPuts + onDemand(minimumWriteUnits))}; it gives up a document ` +
    `per item (a withdrawal cannot delete one document from a segment; reads fetch a byte range; ` +
    `segments wait to fill). (b) Partner deliveries priced per delivery, as pulls are (each delivery ` +
    `${fmtUsd(1.2 * PRICES.sqsRequest.usd * million)} per million), leave ${fmtUsd(withoutDeliveries)} ` +
    `+ DynamoDB ${fmtUsd(onDemand(writeUnits))} = ${fmtUsd(withoutDeliveries + onDemand(writeUnits))}; ` +
    `it gives up a price per article that includes fan-out. (c) Provisioned capacity costs ` +
    `${fmtUsd(provisionedFull)} for these ${writeUnits} WU + ${readUnits} RU at full use; with (b) ` +
    `it reaches $8 at ${fmt(utilisationNeeded * 100, 0)}% average utilisation or more ` +
    `(${fmtUsd(withoutDeliveries + provisionedFull / 0.7)} at 70%); it gives up paying only for what runs: ` +
    `idle capacity is billed, and a burst above the provisioned rate is throttled (retried from the queue, ` +
    `later) while auto scaling catches up.`
  );
}
