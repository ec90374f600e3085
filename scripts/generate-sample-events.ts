/**
 * Writes the sample trigger events in events/ from the sample articles, through the same code that
 * shapes them locally (the AWS event bridge) and in the index (the DynamoDB item codec), so they stay
 * in step with the handlers. Run with `npx tsx scripts/generate-sample-events.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION, productionS3Record } from '../local/aws-event-bridge.js';
import { headToItem } from '../shared/adapters/dynamodb-article-index.js';
import { InMemoryArticleIndex, InMemoryObjectStore } from '../shared/adapters/memory/in-memory.js';
import { ingestObject } from '../shared/usecases/ingest-object.js';

const BUCKET = 'syndicate-ingest';
const KEY = 'wire/trump-putin-syria.txt';
const eventsDir = new URL('../events/', import.meta.url);
const articleBytes = readFileSync(new URL(`articles/${KEY}`, eventsDir));
const eventTime = '2026-11-25T09:00:00.000Z';

function sqsRecordOf(body: unknown): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: 'sample-receipt-handle',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.parse(eventTime)),
      SenderId: 'AIDAJHIPRHEMV73VRJEBU',
      ApproximateFirstReceiveTimestamp: String(Date.parse(eventTime) + 20),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:syndicate-ingest`,
    awsRegion: LOCAL_REGION,
  };
}

function s3Notification(eventName: string) {
  return {
    Records: [
      productionS3Record({
        eventTime,
        eventName,
        s3: {
          bucket: { name: BUCKET },
          object: eventName.startsWith('ObjectCreated')
            ? { key: KEY, size: articleBytes.length, eTag: 'd41d8cd98f00b204e9800998ecf8427e' }
            : { key: KEY },
        },
      }),
    ],
  };
}

function write(name: string, event: unknown): void {
  writeFileSync(new URL(name, eventsDir), `${JSON.stringify(event, null, 2)}\n`);
  console.log(`wrote events/${name}`);
}

const put: SQSEvent = { Records: [sqsRecordOf(s3Notification('ObjectCreated:Put'))] };
const remove: SQSEvent = { Records: [sqsRecordOf(s3Notification('ObjectRemoved:Delete'))] };
write('s3-put-via-sqs.json', put);
write('s3-delete-via-sqs.json', remove);

const objects = new InMemoryObjectStore();
const index = new InMemoryArticleIndex();
objects.put(BUCKET, { key: KEY, bytes: articleBytes });
const outcome = await ingestObject(
  { objects, index, now: () => new Date(eventTime) },
  { bucket: BUCKET, key: KEY },
);
const head = outcome.status === 'published' ? await index.current(outcome.uri) : undefined;
if (!head) throw new Error(`the sample article did not normalise: ${JSON.stringify(outcome)}`);
// The stream carries head items (metadata); the publisher loads the version's document itself.
const item = headToItem(head);
const stream: DynamoDBStreamEvent = {
  Records: [
    {
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.parse(eventTime) / 1000),
        Keys: { pk: item.pk, sk: item.sk } as never,
        NewImage: item as never,
        SequenceNumber: '000000000000000000100',
        SizeBytes: Buffer.byteLength(JSON.stringify(item)),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/syndicate-articles/stream/2026-11-25T00:00:00.000`,
    },
  ],
};
write('dynamodb-stream-batch.json', stream);
