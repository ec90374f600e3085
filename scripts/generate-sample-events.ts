/**
 * Writes the sample trigger events in events/ from the sample articles, through the same code that
 * shapes them locally (the AWS event bridge) and in the index (the DynamoDB item codec), so they stay
 * in step with the handlers. Run with `npx tsx scripts/generate-sample-events.ts`.
 *
 * The output is deterministic (fixed ids, times and sequencers), so the shipped samples can be
 * checked to be what this writes (test/unit/sample-events.test.ts). The removal's sequencer is
 * after the creation's, as S3 orders events for one key: `syndicate invoke normalise` on the delete
 * sample withdraws the article the put sample published.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** A UUID-shaped id derived from a name: the same on every run. */
function fixedId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** S3 sequencers of the samples: the removal comes after the creation. */
const SEQUENCERS: Record<string, string> = {
  'ObjectCreated:Put': '0066A1F3C2B7D40E10',
  'ObjectRemoved:Delete': '0066A1F3C2B7D40E20',
};

function sqsRecordOf(name: string, body: unknown): SQSRecord {
  return {
    messageId: fixedId(`${name}/message`),
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
  const record = productionS3Record({
    eventTime,
    eventName,
    s3: {
      bucket: { name: BUCKET },
      object: eventName.startsWith('ObjectCreated')
        ? { key: KEY, size: articleBytes.length, eTag: createHash('md5').update(articleBytes).digest('hex') }
        : { key: KEY },
    },
  });
  return {
    Records: [
      {
        ...record,
        responseElements: {
          'x-amz-request-id': fixedId(`${eventName}/request`),
          'x-amz-id-2': fixedId(`${eventName}/id-2`),
        },
        s3: { ...record.s3, object: { ...record.s3.object, sequencer: SEQUENCERS[eventName] as string } },
      },
    ],
  };
}

/** The sample events, file name -> content, as this script writes them. */
export async function sampleEvents(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const add = (name: string, event: unknown) => {
    files[name] = `${JSON.stringify(event, null, 2)}\n`;
  };
  const put: SQSEvent = { Records: [sqsRecordOf('put', s3Notification('ObjectCreated:Put'))] };
  const remove: SQSEvent = { Records: [sqsRecordOf('delete', s3Notification('ObjectRemoved:Delete'))] };
  add('s3-put-via-sqs.json', put);
  add('s3-delete-via-sqs.json', remove);

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
  add('dynamodb-stream-batch.json', stream);
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, content] of Object.entries(await sampleEvents())) {
    writeFileSync(new URL(name, eventsDir), content);
    console.log(`wrote events/${name}`);
  }
}
