/**
 * The local stand-ins for what the emulators lack, against AWS's documented behaviour. Each expected
 * shape is written out literally from AWS's documentation, and the stand-in's output must have the
 * same fields, the same constant values and values of the same form:
 * - S3 event notifications (S3 User Guide, "Event message structure");
 * - DynamoDB stream records (Lambda Developer Guide, "Using Lambda with DynamoDB", example event);
 * - Lambda's on-failure invocation record for a DynamoDB stream source (Lambda Developer Guide,
 *   "Retaining discarded records for a DynamoDB event source");
 * - Lambda's SQS event (Lambda Developer Guide, "Using Lambda with Amazon SQS", example event), and
 *   partial batch responses (only the messages not reported as failures are deleted);
 * - SNS HTTP(S) delivery (SNS Developer Guide, "Parsing message formats": the SubscriptionConfirmation
 *   and Notification examples with their headers; "Verifying the signatures of Amazon SNS messages");
 * - EventBridge Scheduler one-time schedules (Scheduler User Guide, "Schedule types": at(), one-minute
 *   precision; API reference: ConflictException, ResourceNotFoundException, ActionAfterCompletion).
 */
import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, SQSEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import { DynamoDbStreamCapture, S3NotificationForwarder } from '../../local/aws-event-bridge.js';
import { HttpsRelay } from '../../local/https-relay.js';
import { SqsEventSource, StreamEventSource } from '../../local/lambda-event-sources.js';
import { SchedulerEmulator } from '../../local/scheduler-emulator.js';

// --- AWS's documented shapes, as the documentation prints them ----------------------------------------

const S3_EVENT_RECORD = {
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-west-2',
  eventTime: '1970-01-01T00:00:00.000Z',
  eventName: 'ObjectCreated:Put',
  userIdentity: { principalId: 'AIDAJDPLRKLG7UEXAMPLE' },
  requestParameters: { sourceIPAddress: '127.0.0.1' },
  responseElements: {
    'x-amz-request-id': 'C3D13FE58DE4C810',
    'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
  },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'testConfigRule',
    bucket: {
      name: 'amzn-s3-demo-bucket',
      ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
      arn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    },
    object: {
      key: 'HappyFace.jpg',
      size: 1024,
      eTag: 'd41d8cd98f00b204e9800998ecf8427e',
      versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
      sequencer: '0055AED6DCD90281E5',
    },
  },
};
/** "versionId ... if bucket is versioning-enabled, otherwise null": the ingest bucket is not versioned. */
const S3_EVENT_FIELDS_UNVERSIONED = fieldsOf(S3_EVENT_RECORD).filter(
  (field) => field !== 's3.object.versionId',
);

const DYNAMODB_STREAM_INSERT = {
  eventID: 'c4ca4238a0b923820dcc509a6f75849b',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { Id: { N: '101' } },
    NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
    ApproximateCreationDateTime: 1428537600,
    SequenceNumber: '4421584500000000017450439091',
    SizeBytes: 26,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN:
    'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
};

const DYNAMODB_ON_FAILURE_RECORD = {
  requestContext: {
    requestId: '316aa6d0-8154-xmpl-9af7-85d5f4a6bc81',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:13:49.717Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001573689847184-864758bb',
    startSequenceNumber: '800000000003126276362',
    endSequenceNumber: '800000000003126276362',
    approximateArrivalOfFirstRecord: '2019-11-14T00:13:19Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:13:19Z',
    batchSize: 1,
    streamArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388',
  },
};

const SQS_EVENT_RECORD = {
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
  body: 'test',
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1545082649183',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1545082649185',
  },
  messageAttributes: {},
  md5OfBody: '098f6bcd4621d373cade4e832627b4f6',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
  awsRegion: 'us-east-2',
};

const SNS_SUBSCRIPTION_CONFIRMATION = {
  headers: {
    'x-amz-sns-message-type': 'SubscriptionConfirmation',
    'x-amz-sns-message-id': '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    'x-amz-sns-topic-arn': 'arn:aws:sns:us-west-2:123456789012:MyTopic',
    'content-type': 'text/plain; charset=UTF-8',
  },
  body: {
    Type: 'SubscriptionConfirmation',
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    Token: '2336412f37...',
    TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
    Message:
      'You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.',
    SubscribeURL:
      'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37...',
    Timestamp: '2012-04-26T20:45:04.751Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLEpH+...',
    SigningCertURL:
      'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
  },
};

const SNS_NOTIFICATION = {
  headers: {
    'x-amz-sns-message-type': 'Notification',
    'x-amz-sns-message-id': '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    'x-amz-sns-topic-arn': 'arn:aws:sns:us-west-2:123456789012:MyTopic',
    'x-amz-sns-subscription-arn':
      'arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96',
    'content-type': 'text/plain; charset=UTF-8',
  },
  body: {
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
    Subject: 'My First Message',
    Message: 'Hello world!',
    Timestamp: '2012-05-02T00:54:06.655Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLEw6JRN...',
    SigningCertURL:
      'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
    UnsubscribeURL:
      'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96',
  },
};

/**
 * The string SNS signs: "name\nvalue\n" for each of these fields present, in this order (Notification:
 * Message, MessageId, Subject, Timestamp, TopicArn, Type; confirmations: Message, MessageId,
 * SubscribeURL, Timestamp, Token, TopicArn, Type). SignatureVersion 2 signs it with SHA256withRSA.
 */
function snsStringToSign(message: Record<string, unknown>): string {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${String(message[field])}\n`)
    .join('');
}

// --- Comparing shapes --------------------------------------------------------------------------------

/** Field paths of an object, nested objects expanded: the structure without the values. */
function fieldsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value)
    .flatMap(([name, inner]) => {
      const path = `${prefix}${name}`;
      const nested = fieldsOf(inner, `${path}.`);
      // Item images and keys hold the table's own attribute names: only their presence is the shape.
      return nested.length > 0 && !/\.(Keys|NewImage|OldImage)$/.test(path) ? nested : [path];
    })
    .sort();
}

/** Each form, checked on the documented value first, so that a pattern cannot drift from the documentation. */
const FORMS = {
  hex32: /^[0-9a-f]{32}$/,
  sequencer: /^[0-9A-F]{18}$/,
  digits: /^\d+$/,
  isoMillis: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  isoSeconds: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
  streamArn:
    /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]+\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
  functionArn: /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/,
  s3BucketArn: /^arn:aws:s3:::[a-z0-9.-]+$/,
  sqsQueueArn: /^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/,
} as const;

function assertForm(form: keyof typeof FORMS, documented: unknown, actual: unknown, what: string): void {
  assert.match(String(documented), FORMS[form], `the documented ${what} is of the form`);
  assert.match(String(actual), FORMS[form], what);
}

/**
 * A stand-in for the SQS client: records every command's name and input, answers what `answer` says.
 * An empty receive waits a little, as a long poll does, so that pollers do not spin.
 */
function recordingSqs(answer: (name: string, input: Record<string, unknown>) => unknown = () => ({})) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push({ name, input: command.input });
      const output = (await answer(name, command.input)) as { Messages?: unknown[] };
      if (name === 'ReceiveMessageCommand' && !output.Messages?.length) await sleep(20);
      return output;
    },
  };
  return { sent, client: client as unknown as SQSClient };
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await sleep(10);
  }
}

// --- S3 event notifications ---------------------------------------------------------------------------

describe('S3 notification forwarder', () => {
  const s3rverEvent = (bucket: string, key: string) => ({
    Records: [
      {
        eventTime: '2026-12-07T10:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket },
          object: { key, size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e' },
        },
      },
    ],
  });

  test('sends each event to the queue as S3 does: the documented record, the key URL-encoded', async () => {
    const { sent, client } = recordingSqs();
    const forwarder = new S3NotificationForwarder(client, 'ingest', 'http://queue/ingest', (error) => {
      throw error;
    });
    forwarder.listener(s3rverEvent('ingest', 'wire/red flower+1.txt'));
    await eventually(() => forwarder.idle && sent.length > 0, 'the notification is sent');
    const entries = sent[0]?.input.Entries as { MessageBody: string }[];
    const record = (JSON.parse(entries[0]?.MessageBody ?? '{}') as { Records: Record<string, unknown>[] })
      .Records[0] as typeof S3_EVENT_RECORD;
    assert.deepEqual(fieldsOf(record), S3_EVENT_FIELDS_UNVERSIONED);
    assert.equal(record.eventVersion, S3_EVENT_RECORD.eventVersion);
    assert.equal(record.eventSource, S3_EVENT_RECORD.eventSource);
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.s3.s3SchemaVersion, S3_EVENT_RECORD.s3.s3SchemaVersion);
    assert.equal(record.s3.bucket.name, 'ingest');
    assertForm('s3BucketArn', S3_EVENT_RECORD.s3.bucket.arn, record.s3.bucket.arn, 'bucket ARN');
    assert.equal(record.s3.bucket.arn, 'arn:aws:s3:::ingest');
    assertForm('sequencer', S3_EVENT_RECORD.s3.object.sequencer, record.s3.object.sequencer, 'sequencer');
    // "The object key name value is URL encoded. For example, "red flower.jpg" becomes "red+flower.jpg"."
    assert.equal(record.s3.object.key, 'wire/red+flower%2B1.txt');
    assert.equal(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')), 'wire/red flower+1.txt');
  });

  test('later events of a key carry a greater sequencer, and only the configured bucket notifies', async () => {
    const { sent, client } = recordingSqs();
    const forwarder = new S3NotificationForwarder(client, 'ingest', 'http://queue/ingest', (error) => {
      throw error;
    });
    for (let round = 0; round < 25; round++) {
      forwarder.listener(s3rverEvent('ingest', 'wire/story.txt'));
      forwarder.listener(s3rverEvent('another-bucket', 'wire/story.txt'));
    }
    await eventually(() => forwarder.idle && sent.length > 0, 'the notifications are sent');
    const bodies = sent.flatMap(({ input }) =>
      (input.Entries as { MessageBody: string }[]).map((entry) => entry.MessageBody),
    );
    const records = bodies.map(
      (body) =>
        (JSON.parse(body) as { Records: (typeof S3_EVENT_RECORD)[] }).Records[0] as typeof S3_EVENT_RECORD,
    );
    assert.equal(records.length, 25);
    assert.ok(records.every((record) => record.s3.bucket.name === 'ingest'));
    // Sequencers of one key compare as hexadecimal numbers of the same length.
    const sequencers = records.map((record) => record.s3.object.sequencer);
    assert.deepEqual([...sequencers].sort(), sequencers);
    assert.equal(new Set(sequencers).size, 25);
    // SQS takes at most 10 entries per SendMessageBatch.
    for (const { input } of sent) assert.ok((input.Entries as unknown[]).length <= 10);
  });
});

// --- DynamoDB stream records --------------------------------------------------------------------------

describe('DynamoDB stream capture', () => {
  let server: Server;
  let client: DynamoDBClient;
  let capture: DynamoDbStreamCapture;
  const records: DynamoDBRecord[] = [];

  before(async () => {
    // The capture reads items through a client of its own, with the environment's credentials.
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
    await client.send(
      new CreateTableCommand({
        TableName: 'articles',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    capture = new DynamoDbStreamCapture(endpoint, 'articles', ['pk', 'sk'], (record) => records.push(record));
    capture.attachTo(client);
  });

  after(async () => {
    capture?.close();
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  test('INSERT, MODIFY and REMOVE records of the documented shape, none for a write that changes nothing', async () => {
    const key = { pk: { S: 'article#1' }, sk: { S: 'head' } };
    await client.send(new PutItemCommand({ TableName: 'articles', Item: { ...key, version: { N: '1' } } }));
    await client.send(new PutItemCommand({ TableName: 'articles', Item: { ...key, version: { N: '1' } } }));
    await client.send(
      new UpdateItemCommand({
        TableName: 'articles',
        Key: key,
        UpdateExpression: 'SET version = :two',
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: 'articles', Key: key }));

    assert.deepEqual(
      records.map((record) => record.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    const [insert, modify, remove] = records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    assert.deepEqual(fieldsOf(insert), fieldsOf(DYNAMODB_STREAM_INSERT));
    assert.deepEqual(fieldsOf(modify), [...fieldsOf(DYNAMODB_STREAM_INSERT), 'dynamodb.OldImage'].sort());
    assert.deepEqual(
      fieldsOf(remove),
      fieldsOf(DYNAMODB_STREAM_INSERT)
        .map((field) => (field === 'dynamodb.NewImage' ? 'dynamodb.OldImage' : field))
        .sort(),
    );
    for (const record of records) {
      assert.equal(record.eventVersion, DYNAMODB_STREAM_INSERT.eventVersion);
      assert.equal(record.eventSource, DYNAMODB_STREAM_INSERT.eventSource);
      assert.equal(record.dynamodb?.StreamViewType, DYNAMODB_STREAM_INSERT.dynamodb.StreamViewType);
      assert.deepEqual(record.dynamodb?.Keys, key);
      assertForm('hex32', DYNAMODB_STREAM_INSERT.eventID, record.eventID, 'eventID');
      assertForm(
        'digits',
        DYNAMODB_STREAM_INSERT.dynamodb.SequenceNumber,
        record.dynamodb?.SequenceNumber,
        'SequenceNumber',
      );
      assertForm('streamArn', DYNAMODB_STREAM_INSERT.eventSourceARN, record.eventSourceARN, 'stream ARN');
      // Epoch seconds, as 1428537600 is: a whole number of ten digits.
      assert.ok(Number.isInteger(record.dynamodb?.ApproximateCreationDateTime));
      assert.equal(String(record.dynamodb?.ApproximateCreationDateTime).length, 10);
    }
    assert.deepEqual(insert.dynamodb?.NewImage, { ...key, version: { N: '1' } });
    assert.deepEqual(modify.dynamodb?.OldImage, { ...key, version: { N: '1' } });
    assert.deepEqual(modify.dynamodb?.NewImage, { ...key, version: { N: '2' } });
    assert.deepEqual(remove.dynamodb?.OldImage, { ...key, version: { N: '2' } });
    const sequence = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    assert.deepEqual(
      [...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      sequence,
      'sequence numbers increase',
    );
    assert.equal(new Set(sequence).size, 3);
  });
});

// --- Stream event source mapping ----------------------------------------------------------------------

describe('DynamoDB stream event source mapping', () => {
  const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/articles/stream/2026-12-07T10:00:00.000';
  const record = (sequence: string, seconds: number): DynamoDBRecord => ({
    ...(DYNAMODB_STREAM_INSERT as unknown as DynamoDBRecord),
    dynamodb: {
      ...(DYNAMODB_STREAM_INSERT.dynamodb as unknown as NonNullable<DynamoDBRecord['dynamodb']>),
      SequenceNumber: sequence,
      ApproximateCreationDateTime: seconds,
    },
  });

  test('after the last retry, sends the documented on-failure record, with the arrival of its records', async () => {
    const { sent, client } = recordingSqs();
    const invocations: string[][] = [];
    const source = new StreamEventSource(
      client,
      STREAM_ARN,
      async (event) => {
        invocations.push(event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
        throw new Error('always fails');
      },
      {
        retryAttempts: 2,
        batchingWindowMs: 0,
        onFailureQueue: {
          name: 'stream-dlq',
          url: 'http://queue/stream-dlq',
          arn: 'arn:aws:sqs:us-east-1:000000000000:stream-dlq',
        },
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:publish',
        onError: () => undefined,
      },
    );
    try {
      // 1428537600 and 1428537601 are 2015-04-09T00:00:00Z and 00:00:01Z.
      source.push(record('100', 1428537600));
      source.push(record('101', 1428537601));
      await eventually(() => sent.length > 0 && source.idle, 'the on-failure record is sent');
    } finally {
      await source.stop();
    }
    // The first invocation and two retries, as MaximumRetryAttempts 2 says.
    assert.deepEqual(invocations, [
      ['100', '101'],
      ['100', '101'],
      ['100', '101'],
    ]);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.name, 'SendMessageCommand');
    const body = JSON.parse(String(sent[0]?.input.MessageBody)) as typeof DYNAMODB_ON_FAILURE_RECORD;
    assert.deepEqual(fieldsOf(body), fieldsOf(DYNAMODB_ON_FAILURE_RECORD));
    assert.equal(body.version, DYNAMODB_ON_FAILURE_RECORD.version);
    assert.equal(body.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(body.requestContext.approximateInvokeCount, 3);
    assert.deepEqual(body.responseContext, DYNAMODB_ON_FAILURE_RECORD.responseContext);
    assertForm(
      'functionArn',
      DYNAMODB_ON_FAILURE_RECORD.requestContext.functionArn,
      body.requestContext.functionArn,
      'function ARN',
    );
    assertForm('isoMillis', DYNAMODB_ON_FAILURE_RECORD.timestamp, body.timestamp, 'timestamp');
    assert.deepEqual(
      { ...body.DDBStreamBatchInfo, shardId: undefined },
      {
        shardId: undefined,
        startSequenceNumber: '100',
        endSequenceNumber: '101',
        approximateArrivalOfFirstRecord: '2015-04-09T00:00:00Z',
        approximateArrivalOfLastRecord: '2015-04-09T00:00:01Z',
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    );
    assertForm(
      'isoSeconds',
      DYNAMODB_ON_FAILURE_RECORD.DDBStreamBatchInfo.approximateArrivalOfFirstRecord,
      body.DDBStreamBatchInfo.approximateArrivalOfFirstRecord,
      'arrival time',
    );
  });

  test('a reported item failure checkpoints the records before it and retries from it', async () => {
    const { client } = recordingSqs();
    const invocations: string[][] = [];
    let failOnce = true;
    const source = new StreamEventSource(
      client,
      STREAM_ARN,
      async (event) => {
        const sequences = event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '');
        invocations.push(sequences);
        if (failOnce && sequences.includes('201')) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: '201' }] };
        }
        return { batchItemFailures: [] };
      },
      { batchingWindowMs: 0 },
    );
    try {
      for (const sequence of ['200', '201', '202']) source.push(record(sequence, 1428537600));
      await eventually(() => invocations.length >= 2 && source.idle, 'the retry');
    } finally {
      await source.stop();
    }
    assert.deepEqual(invocations, [
      ['200', '201', '202'],
      ['201', '202'],
    ]);
  });
});

// --- SQS event source mapping -------------------------------------------------------------------------

describe('SQS event source mapping', () => {
  test('invokes with records of the documented shape and deletes only what did not fail', async () => {
    const QUEUE = {
      name: 'ingest',
      url: 'http://queue/ingest',
      arn: 'arn:aws:sqs:us-east-1:000000000000:ingest',
    };
    let delivered = false;
    const { sent, client } = recordingSqs((name) => {
      if (name !== 'ReceiveMessageCommand') return {};
      if (delivered) return { Messages: [] };
      delivered = true;
      return {
        Messages: ['first', 'second'].map((body, index) => ({
          MessageId: `message-${index}`,
          ReceiptHandle: `receipt-${index}`,
          Body: body,
          MD5OfBody: SQS_EVENT_RECORD.md5OfBody,
          Attributes: SQS_EVENT_RECORD.attributes,
        })),
      };
    });
    const events: SQSEvent[] = [];
    const source = new SqsEventSource(
      client,
      QUEUE,
      async (event) => {
        events.push(event);
        return { batchItemFailures: [{ itemIdentifier: 'message-1' }] };
      },
      { concurrency: 1, retryDelaySeconds: 1 },
    );
    try {
      await eventually(() => events.length > 0 && source.idle, 'the invocation');
    } finally {
      await source.stop();
    }
    const [first] = events[0]?.Records ?? [];
    assert.deepEqual(fieldsOf(first), fieldsOf(SQS_EVENT_RECORD));
    assert.equal(first?.eventSource, SQS_EVENT_RECORD.eventSource);
    assert.equal(first?.body, 'first');
    assertForm('sqsQueueArn', SQS_EVENT_RECORD.eventSourceARN, first?.eventSourceARN, 'queue ARN');
    assert.deepEqual(first?.attributes, SQS_EVENT_RECORD.attributes);

    const deleted = sent.filter(({ name }) => name === 'DeleteMessageBatchCommand');
    assert.deepEqual(
      deleted.flatMap(({ input }) =>
        (input.Entries as { ReceiptHandle: string }[]).map((e) => e.ReceiptHandle),
      ),
      ['receipt-0'],
    );
    // The failed message is not deleted: it comes back (here after the local retry delay).
    const retried = sent.filter(({ name }) => name === 'ChangeMessageVisibilityBatchCommand');
    assert.deepEqual(
      retried.flatMap(({ input }) => input.Entries as unknown[]),
      [{ Id: '0', ReceiptHandle: 'receipt-1', VisibilityTimeout: 1 }],
    );
  });
});

// --- EventBridge Scheduler one-time schedules ---------------------------------------------------------

describe('scheduler emulator', () => {
  const TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:release';
  const calls: { input: unknown; at: number }[] = [];
  let failuresLeft = 0;
  let emulator: SchedulerEmulator;
  let scheduler: SchedulerClient;

  before(async () => {
    emulator = new SchedulerEmulator(
      new Map([
        [
          TARGET,
          async (input: unknown) => {
            calls.push({ input, at: Date.now() });
            if (failuresLeft > 0) {
              failuresLeft--;
              throw new Error('target failed');
            }
          },
        ],
      ]),
    );
    const endpoint = await emulator.start();
    scheduler = new SchedulerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  after(async () => {
    scheduler?.destroy();
    await emulator?.stop();
  });

  /** at(yyyy-mm-ddThh:mm:ss), whole seconds from now. */
  const atIn = (seconds: number) =>
    new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().slice(0, 19);

  const create = (name: string, at: string, input: unknown, retries = 0) =>
    scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        ScheduleExpression: `at(${at})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: TARGET,
          RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
          Input: JSON.stringify(input),
          RetryPolicy: { MaximumRetryAttempts: retries },
        },
      }),
    );

  test('a one-time schedule invokes its target once with its Input, not before its time, then deletes itself', async () => {
    calls.length = 0;
    const at = atIn(1);
    const { ScheduleArn } = await create('release-one', at, { uri: 'urn:a', version: 2 });
    assert.match(ScheduleArn ?? '', /^arn:aws:scheduler:[a-z0-9-]+:\d{12}:schedule\/default\/release-one$/);
    const existing = await scheduler.send(new GetScheduleCommand({ Name: 'release-one' }));
    assert.equal(existing.ScheduleExpression, `at(${at})`);
    await assert.rejects(create('release-one', at, {}), ConflictException);

    await eventually(() => calls.length > 0 && emulator.pending === 0, 'the schedule fires');
    assert.deepEqual(
      calls.map((call) => call.input),
      [{ uri: 'urn:a', version: 2 }],
    );
    // One-minute precision: AWS invokes within the minute the expression names, from its first second.
    // The emulator never fires before the named second itself, which is inside that window.
    assert.ok((calls[0]?.at ?? 0) >= Date.parse(`${at}Z`), 'not before the time of the expression');
    await assert.rejects(
      scheduler.send(new GetScheduleCommand({ Name: 'release-one' })),
      ResourceNotFoundException,
    );
  });

  test('a failing target is retried as the RetryPolicy says, and no more', async () => {
    calls.length = 0;
    failuresLeft = 10;
    await create('release-retried', atIn(0), { uri: 'urn:b' }, 2);
    await eventually(() => calls.length > 0 && emulator.pending === 0, 'the retries end');
    assert.equal(calls.length, 3, 'the first attempt and two retries');
    assert.deepEqual(emulator.fired.at(-1), {
      name: 'release-retried',
      input: { uri: 'urn:b' },
      attempts: 3,
      ok: false,
    });
  });
});

// --- SNS HTTP(S) delivery -----------------------------------------------------------------------------

describe('HTTPS relay', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:000000000000:articles';
  const SUBSCRIPTION = `${TOPIC}:5a1d8f3e-0c2b-4d6e-9f7a-1b2c3d4e5f60`;
  const posts: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  let answer = 200;
  let receiver: Server;
  let endpoint: string;

  before(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        posts.push({
          headers: request.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        response.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sns`;
  });

  after(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  /** Runs a relay over a queue holding one SNS notification (as SNS stores it in a subscribed queue). */
  async function relayOne(status: number) {
    posts.length = 0;
    answer = status;
    let queued = true;
    const { sent, client } = recordingSqs((name) => {
      if (name !== 'ReceiveMessageCommand' || !queued) return {};
      queued = false;
      return {
        Messages: [
          {
            MessageId: 'queue-message-1',
            ReceiptHandle: 'receipt-1',
            Body: JSON.stringify({
              Type: 'Notification',
              MessageId: '7e1f0a3c-2b4d-4e5f-8a9b-0c1d2e3f4a5b',
              TopicArn: TOPIC,
              Message: '{"eventType":"article.published"}',
              Timestamp: '2026-12-07T10:00:00.000Z',
              MessageAttributes: { eventType: { Type: 'String', Value: 'article.published' } },
            }),
          },
        ],
      };
    });
    const delivered: unknown[] = [];
    const relay = await HttpsRelay.start(
      client,
      TOPIC,
      [
        {
          partner: 'webhook',
          endpoint,
          queue: { name: 'partner-webhook', url: 'http://queue/partner-webhook', arn: `${TOPIC}-queue` },
          subscriptionArn: SUBSCRIPTION,
        },
      ],
      { onDelivered: (delivery) => delivered.push(delivery), onError: () => undefined },
    );
    try {
      await eventually(() => posts.length > 0, 'the subscription confirmation');
      const confirmation = posts[0] as (typeof posts)[number];
      assert.equal(relay.isConfirmed('webhook'), false);
      assert.ok(
        posts.every((post) => post.body.Type === 'SubscriptionConfirmation'),
        'nothing is delivered before the subscription is confirmed',
      );
      const visit = await fetch(String(confirmation.body.SubscribeURL));
      assert.equal(visit.status, 200);
      assert.match(await visit.text(), new RegExp(`<SubscriptionArn>${SUBSCRIPTION}</SubscriptionArn>`));
      await eventually(
        () => posts.some((post) => post.body.Type === 'Notification') && relay.idle,
        'the notification',
      );
      return { confirmation, sent, delivered, certificate: relay.identity.certificate };
    } finally {
      await relay.stop();
    }
  }

  const verifies = (message: Record<string, unknown>, certificate: string) =>
    createVerify('RSA-SHA256')
      .update(snsStringToSign(message), 'utf8')
      .verify(certificate, String(message.Signature), 'base64');

  test('confirms the subscription, then posts each notification as SNS does, signed, and deletes it', async () => {
    const { confirmation, sent, delivered, certificate } = await relayOne(200);
    assert.deepEqual(
      Object.keys(confirmation.body).sort(),
      Object.keys(SNS_SUBSCRIPTION_CONFIRMATION.body).sort(),
    );
    for (const header of Object.keys(SNS_SUBSCRIPTION_CONFIRMATION.headers)) {
      assert.ok(confirmation.headers[header], `${header} on the confirmation`);
    }
    assert.equal(confirmation.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(confirmation.headers['content-type'], SNS_SUBSCRIPTION_CONFIRMATION.headers['content-type']);
    assert.equal(confirmation.body.TopicArn, TOPIC);
    assert.ok(verifies(confirmation.body, certificate), 'the confirmation signature verifies');

    const notification = posts.find((post) => post.body.Type === 'Notification') as (typeof posts)[number];
    // Published with attributes, the notification carries MessageAttributes besides the documented fields.
    const documented = Object.keys(SNS_NOTIFICATION.body).filter((field) => field !== 'Subject');
    assert.deepEqual(Object.keys(notification.body).sort(), [...documented, 'MessageAttributes'].sort());
    assert.deepEqual(
      Object.keys(notification.headers)
        .filter((header) => header.startsWith('x-amz-sns-'))
        .sort(),
      Object.keys(SNS_NOTIFICATION.headers)
        .filter((header) => header.startsWith('x-amz-sns-'))
        .sort(),
    );
    assert.equal(notification.headers['x-amz-sns-subscription-arn'], SUBSCRIPTION);
    assert.equal(notification.headers['x-amz-sns-message-id'], notification.body.MessageId);
    assert.equal(notification.body.MessageId, '7e1f0a3c-2b4d-4e5f-8a9b-0c1d2e3f4a5b');
    assert.equal(notification.body.Message, '{"eventType":"article.published"}');
    assert.deepEqual(notification.body.MessageAttributes, {
      eventType: { Type: 'String', Value: 'article.published' },
    });
    assert.equal(notification.body.SignatureVersion, '2');
    assert.ok(verifies(notification.body, certificate), 'the notification signature verifies');

    assert.deepEqual(
      sent.filter(({ name }) => name === 'DeleteMessageCommand').map(({ input }) => input.ReceiptHandle),
      ['receipt-1'],
    );
    assert.equal(delivered.length, 1);
  });

  test('a notification the endpoint does not accept stays in the queue, to be retried', async () => {
    const { sent, delivered } = await relayOne(500);
    assert.deepEqual(
      sent.filter(({ name }) => name === 'DeleteMessageCommand'),
      [],
    );
    assert.ok(sent.some(({ name }) => name === 'ChangeMessageVisibilityCommand'));
    assert.deepEqual(delivered, []);
  });
});
