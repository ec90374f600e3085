/**
 * Section 5: AWS cost per million articles, by service, from the measured handler durations, the
 * functions' memory setting, the real sizes of the sample article's items and message, and the
 * prices below (us-east-1). Every price and assumption is printed with the result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
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
} as const;

const ARTICLE = 'events/articles/wire/trump-putin-syria.txt';
/** Lambda adds START, END and REPORT lines (and X-Ray ids) to each invocation's log. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 350;
const NORMALISE_RECORDS_PER_INVOCATION = 10;
/** Stream records per article (version item, head item, object state item) and per publish invocation. */
const STREAM_RECORDS_PER_ARTICLE = 3;
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
  readonly versionItemBytes: number;
  readonly headItemBytes: number;
  readonly stateItemBytes: number;
  /**
   * The pull feeds' index (byFeed) entry of the version item: each version that is an event for
   * partners enters it once, as the table's and the index's keys plus the projected attributes.
   */
  readonly feedIndexItemBytes: number;
  readonly gsiWrites: number;
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

/** Articles in one publish invocation when its stream batch is full. */
const ARTICLES_PER_STREAM_BATCH = Math.floor(STREAM_RECORDS_PER_INVOCATION / STREAM_RECORDS_PER_ARTICLE);

/** Sizes of what the sample article becomes: items as dynamodb-article-index.ts writes them, the messages as publish sends them. */
export async function measureArticleSizes(): Promise<ArticleSizes> {
  const { normaliseObject } = await import('../../shared/normaliser/normalise.js');
  const { headToItem, INDEX_NAMES, objectStateToItem, versionItemFor } = await import(
    '../../shared/adapters/dynamodb-article-index.js'
  );
  const { INDEX_PROJECTIONS } = await import('../../shared/adapters/table-layout.js');
  const { envelopeFor, messageSize } = await import('../../shared/domain/message.js');
  const { partnerMessagesFor } = await import('../../shared/usecases/publish-changes.js');
  const { batchesOf } = await import('../../shared/adapters/sns-notifier.js');
  const { SignedLinkContentStore } = await import('../../shared/adapters/signed-link-content-store.js');
  const { LinkSigner } = await import('../../shared/content-api/signed-links.js');
  const key = 'wire/trump-putin-syria.txt';
  const normalised = await normaliseObject({ key, bytes: readFileSync(join(REPO_ROOT, ARTICLE)) });
  const now = new Date().toISOString();
  const ninjs = {
    ...normalised.ninjs,
    version: '1',
    firstCreated: now,
    versionCreated: now,
    pubStatus: 'usable' as const,
  };
  const head = {
    uri: ninjs.uri,
    version: 1,
    contentHash: normalised.contentHash,
    pubStatus: 'usable' as const,
    headline: ninjs.headlines?.[0]?.value ?? '',
    origin: { key, sequencer: '0018EB44CDAEFBDA01' },
    source: normalised.source,
    ...(ninjs.language ? { language: ninjs.language } : {}),
    subjectCodes: normalised.subjectCodes,
    everSubjectCodes: normalised.subjectCodes,
    everLanguages: ninjs.language ? [ninjs.language] : [],
    everPublished: true,
    firstCreated: now,
    versionCreated: now,
  };
  const headItem = headToItem(head);
  // Items built by the adapter's own builders, as DynamoDbArticleIndex.saveVersion writes them: a
  // first version is a feed entry (article.published), so its item carries the feed index's fields.
  const stored = {
    uri: head.uri,
    version: 1,
    contentHash: head.contentHash,
    ninjs,
    provenance: normalised.provenance,
  };
  const versionItem = versionItemFor(stored, Date.now(), { event: 'article.published', head });
  const stateItem = objectStateToItem({
    key,
    uri: head.uri,
    lastEvent: 'created',
    at: now,
    sequencer: '0018EB44CDAEFBDA01',
  });
  const envelope = envelopeFor(head, ninjs, 'article.published', now);
  const messages = await partnerMessagesFor('0', head, ninjs, envelope, {
    // A link as publish makes it in AWS: signed, to the content API, nothing written.
    contentStore: new SignedLinkContentStore(
      new LinkSigner(Buffer.alloc(32, 1)),
      'https://abcdef1234.execute-api.us-east-1.amazonaws.com',
      6 * 3600,
      () => new Date(now),
    ),
    summaries: true,
  });
  const [full, summary] = messages;
  if (!full || !summary) throw new Error('publish built no summary variant for the sample article');
  const billedPublishesPerArticle = (variants: number): number => {
    const perArticle = variants >= 2 ? [full, summary] : [full];
    const batch = Array.from({ length: ARTICLES_PER_STREAM_BATCH }, (_, index) =>
      perArticle.map((message) => ({ ...message, id: `${index}/${message.id}` })),
    ).flat();
    const billed = batchesOf(batch).reduce(
      (total, call) => total + chunks64(call.reduce((bytes, message) => bytes + messageSize(message), 0)),
      0,
    );
    return billed / ARTICLES_PER_STREAM_BATCH;
  };
  const gsiWrites = Object.values(INDEX_NAMES).filter((name) => headItem[`${name}Pk`] !== undefined).length;
  const words = normalised.ninjs.bodies?.find((body) => body.wordCount !== undefined)?.wordCount ?? 0;
  return {
    documentBytes: versionItem.document?.B?.length ?? 0,
    versionItemBytes: itemSize(versionItem),
    headItemBytes: itemSize(headItem),
    stateItemBytes: itemSize(stateItem),
    feedIndexItemBytes: itemSize(
      Object.fromEntries(
        Object.entries(versionItem).filter(([name]) =>
          ['pk', 'sk', 'byFeedPk', 'byFeedSk', ...(INDEX_PROJECTIONS.byFeed ?? [])].includes(name),
        ),
      ),
    ),
    gsiWrites,
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
  const publishInvocations = (million * STREAM_RECORDS_PER_ARTICLE) / STREAM_RECORDS_PER_INVOCATION;
  const invocations = normaliseInvocations + publishInvocations;
  const durationSeconds =
    (million * (inputs.normaliseMsPerArticle + inputs.publishMsPerArticle)) / 1000 +
    (COLD_STARTS_PER_INVOCATION *
      (normaliseInvocations * inputs.normaliseInitMs + publishInvocations * inputs.publishInitMs)) /
      1000;
  const lambda = durationSeconds * gb * PRICES.lambdaGbSecond.usd + invocations * PRICES.lambdaRequest.usd;

  const feedWriteUnits = kb(sizes.feedIndexItemBytes);
  const writeUnits =
    kb(sizes.versionItemBytes) +
    kb(sizes.headItemBytes) +
    sizes.gsiWrites * kb(sizes.headItemBytes) +
    kb(sizes.stateItemBytes) +
    feedWriteUnits;
  // normalise: object state and head (strongly consistent, absent items still cost 1). publish takes the
  // version from its own stream record (written just before the head, in the same batch when full).
  const readUnits = 1 + 1;
  const dynamo = million * (writeUnits * PRICES.dynamoWrite.usd + readUnits * PRICES.dynamoRead.usd);

  // The publisher's upload, and normalise's read of it. Links (claim checks, linked summaries) point at
  // the content API, which serves the indexed document: no second PUT per version.
  const s3 = million * (PRICES.s3Put.usd + PRICES.s3Get.usd);
  const publishes = sizes.billedPublishesPerArticle(inputs.messagesPerArticle);
  const sns = million * publishes * PRICES.snsPublish.usd;
  // ingest queue: S3's send, Lambda's receive and delete per batch of 10; partner queues: SNS's send, the partner's receive and delete per 10.
  const sqsPerArticle =
    1 +
    2 / NORMALISE_RECORDS_PER_INVOCATION +
    inputs.deliveriesPerArticle * chunks64(sizes.envelopeBytes) * (1 + 2 / 10);
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
      `${writeUnits} WU per article (version item ${fmt(sizes.versionItemBytes / 1024, 1)} KB → ${kb(sizes.versionItemBytes)}, head ${kb(sizes.headItemBytes)}, ${sizes.gsiWrites} GSI writes × ${kb(sizes.headItemBytes)}, object state ${kb(sizes.stateItemBytes)}, feed index entry ${fmt(sizes.feedIndexItemBytes / 1024, 2)} KB → ${feedWriteUnits}) + ${readUnits} RU`,
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
  const notes = [
    `Prices (us-east-1): ${Object.values(PRICES)
      .map((price) => `${price.text}${price.source === 'assumed' ? ' [not in platform-facts: check]' : ''}`)
      .join('; ')}.`,
    `Assumptions: every article is new (version 1) and accepted; the sample wire article (${sizes.words} words; ninjs + provenance ${fmt(sizes.documentBytes / 1024, 1)} KB compressed as the index stores it) stands for an article; ` +
      `Lambda durations are the warm handler times measured in section 3 against the local emulators on this machine (AWS I/O latency and Graviton speed differ), memory ${inputs.memoryMb} MB as infra/constructs/pipeline-function.ts sets for every function; ` +
      `full batches: normalise ${NORMALISE_RECORDS_PER_INVOCATION} notifications per invocation, publish ${STREAM_RECORDS_PER_INVOCATION} stream records per invocation with ${STREAM_RECORDS_PER_ARTICLE} records per article (version, head and object-state items all stream); ` +
      `one cold start per ${fmt(1 / COLD_STARTS_PER_INVOCATION, 0)} invocations, its init billed; a head enters a GSI only where it has that index's key (1 write unit per GSI item under 1 KB; byStatus is sparse, so a published article enters none); stream reads by Lambda are free; SNS→SQS deliveries are free on the SNS side, each delivery is one SQS request; ` +
      `empty long polls, storage, quarantine copies, KMS, data transfer and the release function (only embargoed articles) are not counted; logs: measured handler log bytes (INFO, metrics off) + ${PLATFORM_LOG_BYTES_PER_INVOCATION} bytes of platform lines per invocation.`,
    `Low traffic changes the picture: with one article per invocation (the event sources have no batching window, so a quiet feed's batches hold one record) Lambda requests become ${fmtUsd(2 * million * PRICES.lambdaRequest.usd)} and, since X-Ray's default rule traces the first request each second, X-Ray up to ${fmtUsd(lowTrafficXray)} per million.`,
  ];
  return { rows, notes };
}
