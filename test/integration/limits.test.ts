/**
 * AWS's limits on the local runtime, with the production handlers: large prose articles (varied
 * words, not repeated text) end published and delivered, input over the limit is rejected before it
 * is read, a 300 KB stated summary is capped, S3 notification bodies as AWS documents them are read,
 * poison messages are acknowledged, and a batch stops within its time budget. Expected values are
 * AWS's documented numbers and hand-written event bodies, never the code's constants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { JourneyTracker } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { proseOfSize, wireStoryOfSize } from '../helpers/prose.js';

const MiB = 1024 * 1024;

const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    { name: 'summaries', delivery: { type: 'sqs' }, filters: {}, payload: 'summary' },
  ],
});

/** Sizes the issue names: 700 KB, 2 MiB and 4.9 MiB accepted; 5.1 MiB over the 5 MiB input limit. */
const LARGE = [
  { key: 'longreads/prose-700kb.txt', bytes: 700 * 1024, seed: 11 },
  { key: 'longreads/prose-2mib.txt', bytes: 2 * MiB, seed: 12 },
  { key: 'longreads/prose-4.9mib.txt', bytes: Math.floor(4.9 * MiB), seed: 13 },
];
const OVERSIZED = { key: 'longreads/prose-5.1mib.txt', bytes: Math.floor(5.1 * MiB), seed: 14 };
const SUMMARY_KEY = 'ninjs/long-summary.json';
const SUMMARY_TEXT = proseOfSize(300 * 1024, 15);

/** An SQS record as Lambda delivers it, around a message body written by hand. */
function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1765000000000',
      SenderId: 'AIDAJHIPRHEMV73VRJEBU',
      ApproximateFirstReceiveTimestamp: '1765000000001',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:syndicate-ingest',
    awsRegion: 'us-east-1',
  };
}

/** An S3 ObjectCreated:Put notification as AWS documents it (event message structure 2.1), key as S3 encodes it. */
function s3PutBody(bucket: string, encodedKey: string, size: number, sequencer: string): string {
  return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
"eventTime":"2026-12-07T12:00:00.000Z","eventName":"ObjectCreated:Put",
"userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"ingest","bucket":{"name":"${bucket}","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::${bucket}"},
"object":{"key":"${encodedKey}","size":${size},"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"${sequencer}"}}}]}`;
}

/** What S3 sends once when a notification configuration is saved (AWS documents it verbatim). */
const S3_TEST_EVENT = `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-07T11:59:00.000Z","Bucket":"syndicate-ingest","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}`;

describe('limits on the local runtime', () => {
  let pipeline: LocalPipeline;
  let tracker: JourneyTracker;
  let normalise: LocalPipeline['handlers']['normalise'];
  const errors: unknown[] = [];

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    tracker = new JourneyTracker(pipeline);
    // The handler the pipeline built (on its clients, pointed at the emulators), called with a context.
    normalise = pipeline.handlers.normalise;
    for (const { key, bytes, seed } of [...LARGE, OVERSIZED])
      await pipeline.upload(key, wireStoryOfSize(bytes, seed));
    const ninjs = {
      uri: 'https://news.example.com/2026/12/07/long-summary',
      headlines: [
        { role: 'main', contentType: 'text/plain', value: 'Harbour plan approved after marathon sitting' },
      ],
      descriptions: [{ role: 'summary', contentType: 'text/plain', value: SUMMARY_TEXT }],
      bodies: [{ role: 'main', contentType: 'text/plain', value: proseOfSize(4000, 16) }],
      language: 'en',
    };
    await pipeline.upload(SUMMARY_KEY, JSON.stringify(ninjs), { contentType: 'application/json' });
    await pipeline.waitForIdle(180_000);
  });

  after(async () => {
    await pipeline?.stop();
  });

  for (const { key, bytes } of LARGE) {
    test(`a ${bytes.toLocaleString('en')}-byte prose article is published and delivered`, async () => {
      const journey = await tracker.journeyOf(key);
      assert.equal(journey.status, 'published', journey.reason);
      assert.deepEqual(journey.deliveries, { everything: 1, summaries: 1 });
    });
  }

  test('a version item too large for DynamoDB keeps a pointer, and the document is read through it', async () => {
    // Compressed, 700 KB of prose fits an item; 2 MiB does not.
    const journey = await tracker.journeyOf('longreads/prose-2mib.txt');
    const item = await pipeline.clients.dynamoDb.send(
      new GetItemCommand({
        TableName: pipeline.resources.table,
        Key: { pk: { S: `article#${journey.uri}` }, sk: { S: 'version#0000000001' } },
      }),
    );
    assert.ok(item.Item, 'the version item exists');
    assert.equal(item.Item.document, undefined);
    assert.ok(item.Item.documentKey?.S);
    const delivered = pipeline.deliveries.find(
      (delivery) => delivery.partner === 'everything' && delivery.envelope.uri === journey.uri,
    );
    // 2 MiB of text cannot travel in a 256 KiB message: a link to the whole document instead.
    assert.ok(delivered?.envelope.link, 'delivered by claim check');
    assert.ok(delivered.envelope.link.sizeInBytes > 2 * 1024 * 1024);
  });

  test('5.1 MiB is rejected TOO_LARGE from its size, and the original is quarantined', async () => {
    const journey = await tracker.journeyOf(OVERSIZED.key);
    assert.equal(journey.status, 'rejected');
    assert.equal(journey.code, 'TOO_LARGE');
    assert.match(journey.reason ?? '', new RegExp(`${OVERSIZED.bytes} bytes`));
    const kept = await pipeline.clients.s3.send(
      new HeadObjectCommand({ Bucket: pipeline.resources.quarantineBucket, Key: OVERSIZED.key }),
    );
    assert.equal(kept.ContentLength, OVERSIZED.bytes);
  });

  test('a ninjs article with a 300 KB stated summary is published with the summary capped, and delivered', async () => {
    const journey = await tracker.journeyOf(SUMMARY_KEY);
    assert.equal(journey.status, 'published', journey.reason);
    assert.deepEqual(journey.deliveries, { everything: 1, summaries: 1 });
    const delivered = pipeline.deliveries.find(
      (delivery) => delivery.partner === 'summaries' && delivery.envelope.uri === journey.uri,
    );
    const summary = delivered?.envelope.ninjs.descriptions?.[0]?.value ?? '';
    assert.ok(summary.length > 0 && summary.length < 10_000, `summary of ${summary.length} characters`);
    // The stated summary's start (its paragraph breaks read as spaces, as in any plain-text description).
    const words = (text: string) => text.replace(/\s+/g, ' ').trim();
    assert.ok(words(SUMMARY_TEXT).startsWith(words(summary.slice(0, -1))), 'the start of the stated summary');
    assert.ok(summary.endsWith('…'));
  });

  test('the ingest and stream dead-letter queues stay empty', async () => {
    for (const queue of [
      pipeline.resources.ingestDeadLetterQueue,
      pipeline.resources.streamDeadLetterQueue,
    ]) {
      const { Attributes } = await pipeline.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      assert.equal(Attributes?.ApproximateNumberOfMessages, '0', queue.name);
      assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, '0', queue.name);
    }
    assert.deepEqual(errors, []);
  });

  test('S3 notification bodies as AWS writes them: +, %2B, %25 and UTF-8 escapes in keys', async () => {
    const bucket = pipeline.resources.bucket;
    const cases = [
      { key: 'wire/council vote tonight.txt', encoded: 'wire/council+vote+tonight.txt' },
      { key: 'wire/1+1 deal.txt', encoded: 'wire/1%2B1+deal.txt' },
      { key: 'wire/rents up 12%.txt', encoded: 'wire/rents+up+12%25.txt' },
      { key: 'wire/café in zürich.txt', encoded: 'wire/caf%C3%A9+in+z%C3%BCrich.txt' },
    ];
    for (const [position, { key }] of cases.entries())
      await pipeline.upload(key, wireStoryOfSize(3000, 20 + position), { notify: false });
    const response = await normalise({
      Records: cases.map(({ encoded }, position) =>
        sqsRecord(`literal-${position}`, s3PutBody(bucket, encoded, 3000, `0062A1B2C3D4E5F60${position}`)),
      ),
    });
    assert.deepEqual(response, { batchItemFailures: [] });
    await pipeline.waitForIdle(60_000);
    for (const { key } of cases) {
      const journey = await tracker.journeyOf(key);
      assert.equal(journey.status, 'published', `${key}: ${journey.reason}`);
      assert.equal(journey.deliveries.everything, 1, key);
    }
  });

  test('s3:TestEvent, a body that is not JSON and one that is not an S3 event are acknowledged, not retried', async () => {
    const response = await normalise({
      Records: [
        sqsRecord('test-event', S3_TEST_EVENT),
        sqsRecord('not-json', 'ObjectCreated wire/story.txt'),
        sqsRecord('not-s3', '{"Type":"Notification","Message":"hello"}'),
        sqsRecord(
          'bad-escape',
          s3PutBody(pipeline.resources.bucket, 'wire/%E0%A4%A.txt', 10, '0062A1B2C3D4E5F6FF'),
        ),
      ],
    });
    assert.deepEqual(response, { batchItemFailures: [] });
  });

  test('a batch defers its remaining records once the time left is below the per-record budget', async () => {
    const bucket = pipeline.resources.bucket;
    await pipeline.upload('budget/first.txt', wireStoryOfSize(2000, 30), { notify: false });
    // The remaining time Lambda reports before each record: plenty, then 2 s of a 30 s timeout.
    const remaining = [29_000, 2_000];
    const context = { getRemainingTimeInMillis: () => remaining.shift() ?? 0 };
    const response = await normalise(
      {
        Records: [
          sqsRecord('first', s3PutBody(bucket, 'budget/first.txt', 2000, '0062A1B2C3D4E5F700')),
          sqsRecord('second', s3PutBody(bucket, 'budget/second.txt', 2000, '0062A1B2C3D4E5F701')),
          sqsRecord('third', S3_TEST_EVENT),
        ],
      },
      context,
    );
    assert.deepEqual(response, {
      batchItemFailures: [{ itemIdentifier: 'second' }, { itemIdentifier: 'third' }],
    });
    await pipeline.waitForIdle(60_000);
    assert.equal((await tracker.journeyOf('budget/first.txt')).status, 'published');
  });

  test("dynalite enforces DynamoDB's 409,600-byte item limit: exactly at it is stored, one byte over is refused", async () => {
    // pk (2) + 'limit-test' (10) + sk (2) + 'limit' (5) + blob (4) = 23 bytes besides the blob's value.
    const item = (blobBytes: number) => ({
      pk: { S: 'limit-test' },
      sk: { S: 'limit' },
      blob: { S: 'x'.repeat(blobBytes) },
    });
    await pipeline.clients.dynamoDb.send(
      new PutItemCommand({ TableName: pipeline.resources.table, Item: item(409_600 - 23) }),
    );
    await assert.rejects(
      pipeline.clients.dynamoDb.send(
        new PutItemCommand({ TableName: pipeline.resources.table, Item: item(409_601 - 23) }),
      ),
      /Item size has exceeded the maximum allowed size/,
    );
  });

  test('rejections come back newest first from every status shard and from the unsharded partition', async () => {
    const index = new DynamoDbArticleIndex(pipeline.clients.dynamoDb, pipeline.resources.table);
    const at = (second: number) => `2030-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
    for (let n = 0; n < 20; n++)
      await index.saveRejection({
        objectKey: `shards/item-${n}.xml`,
        code: 'EMPTY',
        message: 'the object is empty',
        sizeBytes: 0,
        rejectedAt: at(n),
      });
    // A rejection as written before the index was sharded: one constant partition per status.
    await pipeline.clients.dynamoDb.send(
      new PutItemCommand({
        TableName: pipeline.resources.table,
        Item: {
          pk: { S: 'object#legacy.xml' },
          sk: { S: `rejection#${at(30)}` },
          objectKey: { S: 'legacy.xml' },
          code: { S: 'BINARY' },
          message: { S: 'the object holds binary data' },
          sizeBytes: { N: '6' },
          rejectedAt: { S: at(30) },
          byStatusPk: { S: 'status#rejected' },
          byStatusSk: { S: `${at(30)}#legacy.xml` },
        },
      }),
    );
    const newest = await index.rejections(5);
    assert.deepEqual(
      newest.map((rejection) => rejection.objectKey),
      ['legacy.xml', 'shards/item-19.xml', 'shards/item-18.xml', 'shards/item-17.xml', 'shards/item-16.xml'],
    );
  });

  test('publish acknowledges a change whose version is missing from the index instead of retrying it', async () => {
    const { publish } = pipeline.handlers;
    // A table stream record as Lambda delivers it (NEW_AND_OLD_IMAGES), for a head whose version item was never written.
    const record =
      JSON.parse(`{"eventID":"7de3041dd709b024af6f29e4fa13d34c","eventName":"INSERT","eventVersion":"1.1",
      "eventSource":"aws:dynamodb","awsRegion":"us-east-1",
      "dynamodb":{"ApproximateCreationDateTime":1765108800,"Keys":{"pk":{"S":"article#urn:syndicate:ghost/story.txt"},"sk":{"S":"head"}},
        "NewImage":{"pk":{"S":"article#urn:syndicate:ghost/story.txt"},"sk":{"S":"head"},"uri":{"S":"urn:syndicate:ghost/story.txt"},
          "version":{"N":"1"},"contentHash":{"S":"0f1e2d"},"pubStatus":{"S":"usable"},"headline":{"S":"Ghost story"},
          "originKey":{"S":"ghost/story.txt"},"source":{"S":"ghost"},"subjectCodes":{"L":[]},"everSubjectCodes":{"L":[]},
          "everLanguages":{"L":[]},"everPublished":{"BOOL":true},"firstCreated":{"S":"2026-12-07T12:00:00.000Z"},
          "versionCreated":{"S":"2026-12-07T12:00:00.000Z"}},
        "SequenceNumber":"4421584500000000017450439091","SizeBytes":412,"StreamViewType":"NEW_AND_OLD_IMAGES"},
      "eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/syndicate-articles/stream/2026-12-07T00:00:00.000"}`);
    assert.deepEqual(await publish({ Records: [record] }), { batchItemFailures: [] });
  });

  test('release answers an invocation that is not a release as abandoned instead of throwing for a retry', async () => {
    const outcome = await pipeline.invokeRelease({ uri: 'urn:syndicate:wire/no-version.txt' });
    assert.deepEqual(outcome, {
      status: 'abandoned',
      reason: 'expected an embargo release { uri, version, at }',
    });
  });
});
