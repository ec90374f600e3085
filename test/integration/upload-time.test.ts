/**
 * The upload time on DynamoDB (dynalite): S3's `eventTime` in the notification normalise reads is kept
 * on the article head, read back from the table, and publish reports the time from it to the publish
 * clock as UploadToPublishLatency. Events are written literally in the shapes AWS documents (an SQS
 * message whose body is an S3 event notification 2.1, DynamoDB stream records with NEW_AND_OLD_IMAGES).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, SQSEvent } from 'aws-lambda';
import { createNormaliseHandler } from '../../functions/handlers/normalise.js';
import { RecordingMetrics, SILENT_LOG } from '../../functions/handlers/observability.js';
import { createPublishHandler } from '../../functions/handlers/publish.js';
import { DynamoDbArticleIndex, headFromItem } from '../../shared/adapters/dynamodb-article-index.js';
import { InMemoryContentStore } from '../../shared/adapters/in-memory-content-store.js';
import {
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryReceipts,
  InMemoryScheduler,
} from '../../shared/adapters/memory/in-memory.js';
import { releaseEmbargo } from '../../shared/usecases/release-embargo.js';
import { type LocalDynamoDb, startDynalite } from '../helpers/dynalite.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const BUCKET = 'syndicate-ingest';
const URI = 'urn:syndicate:wire/story.txt';

let dynamoDb: LocalDynamoDb;
let tableCount = 0;

before(async () => {
  dynamoDb = await startDynalite();
});

after(async () => {
  await dynamoDb?.close();
});

/** The SQS event Lambda gives normalise: one message whose body is S3's notification of a put. */
const UPLOAD: SQSEvent = JSON.parse(`{"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d",
  "receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a","body":${JSON.stringify(`{"Records":[{"eventVersion":"2.1",
"eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-12-07T11:59:58.250Z","eventName":"ObjectCreated:Put",
"userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"ingest","bucket":{"name":"${BUCKET}","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::${BUCKET}"},
"object":{"key":"wire/story.txt","size":2048,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0055AED6DCD90281E5"}}}]}`)},
  "attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1796644798300","SenderId":"AIDAIENQZJOLO23YVJ4VO",
    "ApproximateFirstReceiveTimestamp":"1796644798310"},
  "messageAttributes":{},"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
  "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:syndicate-ingest","awsRegion":"us-east-1"}]}`);

interface ImageValues {
  readonly version: number;
  readonly pubStatus: string;
  readonly contentHash: string;
  readonly versionCreated: string;
  readonly originUploadedAt?: string;
}

/** An article head as its stream image carries it (what headToItem writes), with the given values. */
function headImage(values: ImageValues): string {
  return `{"pk":{"S":"article#${URI}"},"sk":{"S":"head"},"uri":{"S":"${URI}"},
    "version":{"N":"${values.version}"},"contentHash":{"S":"${values.contentHash}"},"pubStatus":{"S":"${values.pubStatus}"},
    "headline":{"S":"Headline"},"originKey":{"S":"wire/story.txt"},"originSequencer":{"S":"0055AED6DCD90281E5"},
    ${values.originUploadedAt ? `"originUploadedAt":{"S":"${values.originUploadedAt}"},` : ''}
    "source":{"S":"wire"},"subjectCodes":{"L":[]},"everSubjectCodes":{"L":[]},"everLanguages":{"L":[]},
    "everPublished":{"BOOL":${values.pubStatus === 'usable'}},"firstCreated":{"S":"2026-12-07T12:00:00.000Z"},
    "versionCreated":{"S":"${values.versionCreated}"}}`;
}

function streamRecord(sequenceNumber: string, after: ImageValues, before?: ImageValues): DynamoDBRecord {
  return JSON.parse(`{"eventID":"7de3041dd709b024af6f29e4fa13d34c","eventName":"${before ? 'MODIFY' : 'INSERT'}",
    "eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
    "dynamodb":{"ApproximateCreationDateTime":1796644800,
      "Keys":{"pk":{"S":"article#${URI}"},"sk":{"S":"head"}},
      "NewImage":${headImage(after)},
      ${before ? `"OldImage":${headImage(before)},` : ''}
      "SequenceNumber":"${sequenceNumber}","SizeBytes":612,"StreamViewType":"NEW_AND_OLD_IMAGES"},
    "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/syndicate-articles/stream/2026-12-07T00:00:00.000"}`);
}

async function world() {
  const table = await dynamoDb.articlesTable(`upload-${++tableCount}`);
  let clock = Date.parse('2026-12-07T12:00:00.000Z');
  const now = () => new Date(clock);
  const index = new DynamoDbArticleIndex(dynamoDb.client, table, { clock: () => clock });
  const objects = new InMemoryObjectStore();
  objects.put(BUCKET, { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
  const normalise = createNormaliseHandler({
    objects,
    index,
    receipts: new InMemoryReceipts(),
    now,
    logger: SILENT_LOG,
    metrics: new RecordingMetrics(),
  });
  const metrics = new RecordingMetrics();
  const publish = createPublishHandler({
    notifier: new InMemoryNotifier(),
    index,
    scheduler: new InMemoryScheduler(),
    contentStore: new InMemoryContentStore(),
    now,
    logger: SILENT_LOG,
    metrics,
  });
  return {
    table,
    index,
    normalise,
    publish,
    metrics,
    setClock(iso: string) {
      clock = Date.parse(iso);
    },
  };
}

const latencies = (metrics: RecordingMetrics) =>
  metrics.recorded
    .filter(({ name }) => name.endsWith('Latency'))
    .map(({ name, unit, value }) => ({ name, unit, value }));

describe('the upload time, from the S3 notification to the publish metric', () => {
  test("normalise keeps the notification's eventTime on the head, and the head read back has it", async () => {
    const { table, index, normalise } = await world();
    assert.deepEqual(await normalise(UPLOAD), { batchItemFailures: [] });

    const head = await index.current(URI);
    assert.deepEqual(head?.origin, {
      key: 'wire/story.txt',
      sequencer: '0055AED6DCD90281E5',
      uploadedAt: '2026-12-07T11:59:58.250Z',
    });
    const { Item } = await dynamoDb.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: `article#${URI}` }, sk: { S: 'head' } } }),
    );
    assert.deepEqual(Item?.originUploadedAt, { S: '2026-12-07T11:59:58.250Z' });
  });

  test('a head written before the upload time was kept reads back without one', () => {
    const head = headFromItem(
      JSON.parse(
        headImage({
          version: 1,
          pubStatus: 'usable',
          contentHash: 'abc',
          versionCreated: '2026-12-07T12:00:00.000Z',
        }),
      ),
    );
    assert.deepEqual(head?.origin, { key: 'wire/story.txt', sequencer: '0055AED6DCD90281E5' });
  });

  test('publish reports the time from the upload to its clock beside the time from indexing', async () => {
    const { index, normalise, publish, metrics, setClock } = await world();
    await normalise(UPLOAD);
    const head = await index.current(URI);
    assert.ok(head);
    setClock('2026-12-07T12:00:02.750Z');
    const inserted = streamRecord('111100000000000000001', {
      version: 1,
      pubStatus: 'usable',
      contentHash: head.contentHash,
      versionCreated: '2026-12-07T12:00:00.000Z',
      originUploadedAt: '2026-12-07T11:59:58.250Z',
    });
    assert.deepEqual(await publish({ Records: [inserted] }), { batchItemFailures: [] });
    // 12:00:02.750 - 12:00:00.000 = 2,750 ms from indexing; - 11:59:58.250 = 4,500 ms from upload.
    assert.deepEqual(latencies(metrics), [
      { name: 'IngestToPublishLatency', unit: 'Milliseconds', value: 2750 },
      { name: 'UploadToPublishLatency', unit: 'Milliseconds', value: 4500 },
    ]);
  });

  test('an embargo release of a version whose upload was already counted reports no upload time', async () => {
    const { index, normalise, publish, metrics, setClock } = await world();
    await normalise(UPLOAD);
    const head = await index.current(URI);
    const stored = head && (await index.version(URI, head.version));
    assert.ok(head && stored);
    // Version 2 withheld until 12:30, released at 12:30:00.500 as version 3: its head keeps the origin.
    await index.saveVersion(
      { ...head, version: 2, pubStatus: 'withheld', embargoedUntil: '2026-12-07T12:30:00.000Z' },
      { ...stored, version: 2 },
      1,
    );
    setClock('2026-12-07T12:30:00.500Z');
    const released = await releaseEmbargo(
      { index, now: () => new Date('2026-12-07T12:30:00.500Z') },
      {
        uri: URI,
        version: 2,
        at: '2026-12-07T12:30:00.000Z',
      },
    );
    assert.equal(released.status, 'released');
    const release = streamRecord(
      '111100000000000000003',
      {
        version: 3,
        pubStatus: 'usable',
        contentHash: head.contentHash,
        versionCreated: '2026-12-07T12:30:00.500Z',
        originUploadedAt: '2026-12-07T11:59:58.250Z',
      },
      {
        version: 2,
        pubStatus: 'withheld',
        contentHash: head.contentHash,
        versionCreated: '2026-12-07T12:00:00.000Z',
        originUploadedAt: '2026-12-07T11:59:58.250Z',
      },
    );
    setClock('2026-12-07T12:30:01.000Z');
    assert.deepEqual(await publish({ Records: [release] }), { batchItemFailures: [] });
    // Counting the release would report 30 minutes of embargo as the pipeline's upload-to-publish time.
    assert.deepEqual(latencies(metrics), [
      { name: 'IngestToPublishLatency', unit: 'Milliseconds', value: 500 },
    ]);
  });
});
