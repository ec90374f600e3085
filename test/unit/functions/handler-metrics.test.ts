/**
 * Each handler, built by its factory over in-memory ports with a recording metrics sink, run over
 * events in the shapes AWS documents (an SQS message whose body is an S3 event notification, a
 * DynamoDB stream record with NewImage, a Scheduler target input): every metric it emits must be one
 * the pipeline description lists for that function, since the stack graphs and alarms on those only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { createNormaliseHandler } from '../../../functions/handlers/normalise.js';
import { RecordingMetrics, SILENT_LOG } from '../../../functions/handlers/observability.js';
import { createPublishHandler } from '../../../functions/handlers/publish.js';
import { createReleaseHandler } from '../../../functions/handlers/release.js';
import { InMemoryContentStore } from '../../../shared/adapters/in-memory-content-store.js';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryReceipts,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import type { ArticleHead } from '../../../shared/domain/article.js';
import { FUNCTIONS } from '../../../shared/pipeline/description.js';
import type { Receipt } from '../../../shared/ports/receipts.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const BUCKET = 'syndicate-ingest';

/** One SQS record as Lambda delivers it (AWS's sample event), carrying `body`. */
function sqsRecord(messageId: string, body: string) {
  return JSON.parse(`{
    "messageId": "${messageId}",
    "receiptHandle": "MessageReceiptHandle",
    "body": ${JSON.stringify(body)},
    "attributes": {
      "ApproximateReceiveCount": "1",
      "SentTimestamp": "1523232000000",
      "SenderId": "123456789012",
      "ApproximateFirstReceiveTimestamp": "1523232000001"
    },
    "messageAttributes": {},
    "md5OfBody": "7b270e59b47ff90a553787216d55d91d",
    "eventSource": "aws:sqs",
    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:syndicate-ingest",
    "awsRegion": "us-east-1"
  }`);
}

/** An S3 event notification as S3 sends it to SQS (event message structure 2.1). */
function s3Notification(eventName: string, key: string, sequencer: string): string {
  return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
"eventTime":"2026-12-07T12:00:00.000Z","eventName":"${eventName}",
"userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"ingest","bucket":{"name":"${BUCKET}","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::${BUCKET}"},
"object":{"key":"${key}","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"${sequencer}"}}}]}`;
}

/** What S3 sends once when a notification configuration is saved (AWS documents it verbatim). */
const S3_TEST_EVENT = `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-07T11:59:00.000Z","Bucket":"${BUCKET}","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}`;

/** A DynamoDB stream record (NEW_AND_OLD_IMAGES) of an article head written for the first time. */
function headInsert(sequenceNumber: string, head: ArticleHead) {
  return JSON.parse(`{"eventID":"7de3041dd709b024af6f29e4fa13d34c","eventName":"INSERT","eventVersion":"1.1",
    "eventSource":"aws:dynamodb","awsRegion":"us-east-1",
    "dynamodb":{"ApproximateCreationDateTime":1765108800,
      "Keys":{"pk":{"S":"article#${head.uri}"},"sk":{"S":"head"}},
      "NewImage":{"pk":{"S":"article#${head.uri}"},"sk":{"S":"head"},"uri":{"S":"${head.uri}"},
        "version":{"N":"${head.version}"},"contentHash":{"S":"${head.contentHash}"},"pubStatus":{"S":"usable"},
        "headline":{"S":"Headline"},"originKey":{"S":"${head.origin.key}"},"source":{"S":"${head.source}"},
        "subjectCodes":{"L":[]},"everSubjectCodes":{"L":[]},"everLanguages":{"L":[]},"everPublished":{"BOOL":true},
        "firstCreated":{"S":"${head.firstCreated}"},"versionCreated":{"S":"${head.versionCreated}"}},
      "SequenceNumber":"${sequenceNumber}","SizeBytes":512,"StreamViewType":"NEW_AND_OLD_IMAGES"},
    "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/syndicate-articles/stream/2026-12-07T00:00:00.000"}`);
}

const describedNames = (name: keyof typeof FUNCTIONS): readonly string[] =>
  FUNCTIONS[name].metrics.map((metric) => metric.name);

function assertDescribed(name: keyof typeof FUNCTIONS, metrics: RecordingMetrics): void {
  const undescribed = metrics.recorded.filter((metric) => !describedNames(name).includes(metric.name));
  assert.deepEqual(undescribed, [], `${name} emits metrics its description does not list`);
  // Dimensions too: the description names each metric's dimensions.
  for (const metric of metrics.recorded) {
    const described = FUNCTIONS[name].metrics.find((entry) => entry.name === metric.name);
    assert.deepEqual(
      Object.keys(metric.dimensions).sort(),
      [...(described?.dimensions ?? [])].sort(),
      metric.name,
    );
  }
}

function fixture() {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  let clock = Date.parse('2026-12-07T12:00:00Z');
  // Each call one second later, so versions get distinct times.
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  return { objects, index, now };
}

describe('the metrics each handler emits are those its description lists', () => {
  test('normalise: published, unchanged, rejected, withdrawn, stale, test event, unreadable, receipt failure', async () => {
    const { objects, index, now } = fixture();
    const metrics = new RecordingMetrics();
    const failingReceipts = new InMemoryReceipts();
    let receiptsFail = false;
    const receipts = {
      write: (bucket: string, receipt: Receipt) =>
        receiptsFail ? Promise.reject(new Error('SlowDown')) : failingReceipts.write(bucket, receipt),
      list: failingReceipts.list.bind(failingReceipts),
    };
    const handler = createNormaliseHandler({
      objects,
      index,
      quarantine: new InMemoryQuarantine(),
      receipts,
      now,
      logger: SILENT_LOG,
      metrics,
    });
    objects.put(BUCKET, { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
    objects.put(BUCKET, { key: 'wire/empty story.txt', bytes: Buffer.from('  \n') });
    const event = (records: [string, string][]): SQSEvent => ({
      Records: records.map(([id, body]) => sqsRecord(id, body)),
    });
    const first = await handler(
      event([
        ['m1', s3Notification('ObjectCreated:Put', 'wire/story.txt', '0A1B2C3D4E5F678901')],
        ['m2', s3Notification('ObjectCreated:Put', 'wire/story.txt', '0A1B2C3D4E5F678902')],
        ['m3', s3Notification('ObjectCreated:Put', 'wire/empty+story.txt', '0A1B2C3D4E5F678903')],
        ['m4', S3_TEST_EVENT],
        ['m5', 'not an S3 event'],
      ]),
    );
    assert.deepEqual(first, { batchItemFailures: [] });
    objects.delete(BUCKET, 'wire/story.txt');
    receiptsFail = true;
    const second = await handler(
      event([
        ['m6', s3Notification('ObjectRemoved:Delete', 'wire/story.txt', '0A1B2C3D4E5F678904')],
        ['m7', s3Notification('ObjectCreated:Put', 'wire/story.txt', '0A1B2C3D4E5F678900')],
      ]),
    );
    assert.deepEqual(second, { batchItemFailures: [] });

    assertDescribed('normalise', metrics);
    assert.deepEqual(
      new Set(metrics.recorded.map((metric) => metric.name)),
      new Set([
        'ArticlesNormalised',
        'PublisherAccepted',
        'ArticlesUnchanged',
        'ArticlesRejected',
        'ArticlesRejectedByCode',
        'PublisherRejected',
        'S3TestEvents',
        'PermanentFailures',
        'Withdrawals',
        'StaleNotifications',
        'ReceiptFailures',
      ]),
    );
    assert.deepEqual(metrics.recorded.find((metric) => metric.name === 'PublisherRejected')?.dimensions, {
      source: 'wire',
      code: 'EMPTY',
    });
    assert.equal(metrics.flushes, 2, 'once per invocation');
  });

  test('publish: a version published, and a head whose version is missing (a permanent failure)', async () => {
    const { objects, index, now } = fixture();
    const ingestMetrics = new RecordingMetrics();
    const normalise = createNormaliseHandler({
      objects,
      index,
      receipts: new InMemoryReceipts(),
      now,
      logger: SILENT_LOG,
      metrics: ingestMetrics,
    });
    objects.put(BUCKET, { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
    await normalise({
      Records: [sqsRecord('m1', s3Notification('ObjectCreated:Put', 'wire/story.txt', '0A1B2C3D4E5F678901'))],
    });
    const head = await index.current('urn:syndicate:wire/story.txt');
    assert.ok(head);

    const metrics = new RecordingMetrics();
    const notifier = new InMemoryNotifier();
    const handler = createPublishHandler({
      notifier,
      index,
      scheduler: new InMemoryScheduler(),
      contentStore: new InMemoryContentStore(),
      now,
      logger: SILENT_LOG,
      metrics,
    });
    const ghost = { ...head, uri: 'urn:syndicate:ghost/story.txt', origin: { key: 'ghost/story.txt' } };
    const event: DynamoDBStreamEvent = {
      Records: [headInsert('111100000000000000001', head), headInsert('111100000000000000002', ghost)],
    };
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.ok(notifier.published.length > 0, 'the version was sent');

    assertDescribed('publish', metrics);
    assert.deepEqual(
      metrics.recorded.map(({ name, dimensions }) => ({ name, dimensions })),
      [
        { name: 'PermanentFailures', dimensions: {} },
        { name: 'VersionsPublished', dimensions: { eventType: 'article.published' } },
        { name: 'IngestToPublishLatency', dimensions: {} },
      ],
    );
    assert.equal(metrics.flushes, 1);
  });

  test('release: an embargo released, and an input that is not a release (a permanent failure)', async () => {
    const { objects, index, now } = fixture();
    objects.put(BUCKET, { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
    await createNormaliseHandler({
      objects,
      index,
      receipts: new InMemoryReceipts(),
      now,
      logger: SILENT_LOG,
      metrics: new RecordingMetrics(),
    })({ Records: [sqsRecord('m1', s3Notification('ObjectCreated:Put', 'wire/story.txt', '01'))] });
    const head = (await index.current('urn:syndicate:wire/story.txt')) as ArticleHead;
    const stored = await index.version(head.uri, head.version);
    assert.ok(stored);
    // A withheld version 2, as ingest writes one for an embargo that has passed by now.
    const until = '2026-12-07T12:00:30.000Z';
    await index.saveVersion(
      { ...head, version: 2, pubStatus: 'withheld', embargoedUntil: until },
      { ...stored, version: 2 },
      1,
    );
    const metrics = new RecordingMetrics();
    const handler = createReleaseHandler({
      index,
      now: () => new Date('2026-12-07T13:00:00Z'),
      logger: SILENT_LOG,
      metrics,
    });
    // The input the embargo schedule's target carries (EmbargoRelease), then one that is not one.
    assert.equal(
      ((await handler(JSON.parse(`{"uri":"${head.uri}","version":2,"at":"${until}"}`))) as { status: string })
        .status,
      'released',
    );
    assert.equal(((await handler({ detail: 'not a release' })) as { status: string }).status, 'abandoned');

    assertDescribed('release', metrics);
    assert.deepEqual(
      metrics.recorded.map((metric) => metric.name),
      ['EmbargoesReleased', 'PermanentFailures'],
    );
  });
});
