// SNS subscription filter policies evaluated by fauxqs must mean what they mean on AWS.
// fauxqs 1.9.2 compares a String.Array attribute as its raw JSON text; patches/fauxqs+1.9.2.patch
// makes it element-wise (SNS docs, "String value matching" / "Numeric value matching":
// a String.Array matches when any element matches; anything-but matches when the array contains
// an element that is not excluded).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import { startFauxqs } from 'fauxqs';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const stringArray = (values: unknown[]): MessageAttributeValue => ({
  DataType: 'String.Array',
  StringValue: JSON.stringify(values),
});
const string = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const number = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });

// Each message body is its id; RawMessageDelivery keeps the body as published.
const MESSAGES: Record<string, Record<string, MessageAttributeValue>> = {
  m1: {
    subjects: stringArray(['medtop:11000000', 'medtop:16000000']),
    language: string('en'),
    priority: number(3),
    scores: stringArray([10, 20]),
  },
  m2: {
    subjects: stringArray(['medtop:16000000']),
    language: string('fr'),
    priority: number(7),
    scores: stringArray(['95']),
  },
  m3: {
    subjects: stringArray(['medtop:04000000', 'medtop:04005000']),
    language: string('en'),
    priority: number(5),
    scores: stringArray([42, 97]),
  },
  m4: { subjects: stringArray(['medtop:11000000']), language: string('de'), priority: number(1) },
  // A String attribute whose text looks like an array stays a plain string.
  m5: { language: string('["fr"]'), priority: number(9) },
  // An empty array has no value: "exists": true needs a non-empty value.
  m6: { subjects: stringArray([]), language: string('en') },
};

// queue name -> filter policy and the messages SNS would deliver to it
const SUBSCRIPTIONS: Record<string, { policy: Record<string, unknown>; expected: string[] }> = {
  'exact-array': { policy: { subjects: ['medtop:16000000'] }, expected: ['m1', 'm2'] },
  'prefix-array': { policy: { subjects: [{ prefix: 'medtop:04' }] }, expected: ['m3'] },
  'anything-but-array': {
    policy: { subjects: [{ 'anything-but': ['medtop:11000000'] }] },
    expected: ['m1', 'm2', 'm3'],
  },
  'anything-but-prefix-array': {
    policy: { subjects: [{ 'anything-but': { prefix: 'medtop:1' } }] },
    expected: ['m3'],
  },
  'numeric-number': { policy: { priority: [{ numeric: ['>=', 5] }] }, expected: ['m2', 'm3', 'm5'] },
  'numeric-array': { policy: { scores: [{ numeric: ['>', 90] }] }, expected: ['m3'] },
  'and-or': {
    policy: { subjects: ['medtop:16000000', 'medtop:04000000'], language: ['en'] },
    expected: ['m1', 'm3'],
  },
  'string-exact': { policy: { language: ['fr'] }, expected: ['m2'] },
  'exists-array': { policy: { subjects: [{ exists: true }] }, expected: ['m1', 'm2', 'm3', 'm4'] },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fauxqs SNS filter policies match like AWS SNS', () => {
  let server: FauxqsServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  const queueUrls = new Map<string, string>();
  const received = new Map<string, string[]>();

  async function drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    // Delivery is synchronous inside Publish; a few short polls guard against any lag.
    for (let emptyPolls = 0; emptyPolls < 3; ) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) {
        emptyPolls += 1;
        await sleep(50);
        continue;
      }
      for (const message of Messages) bodies.push(message.Body ?? '');
    }
    return bodies.sort();
  }

  before(async () => {
    server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
    const endpoint = `http://127.0.0.1:${server.port}`;
    sns = new SNSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
    sqs = new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS });

    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'filter-policy-fidelity' }));
    assert.ok(TopicArn);

    for (const [name, { policy }] of Object.entries(SUBSCRIPTIONS)) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `fp-${name}` }));
      assert.ok(QueueUrl);
      queueUrls.set(name, QueueUrl);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: Attributes?.QueueArn,
          Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(policy) },
        }),
      );
    }

    for (const [id, attributes] of Object.entries(MESSAGES)) {
      await sns.send(new PublishCommand({ TopicArn, Message: id, MessageAttributes: attributes }));
    }

    for (const [name, queueUrl] of queueUrls) received.set(name, await drain(queueUrl));
  });

  after(async () => {
    // No long poll is ever left open (WaitTimeSeconds 0), so fauxqs can stop right away.
    sns?.destroy();
    sqs?.destroy();
    await server?.stop();
  });

  const cases: Array<[string, string]> = [
    ['exact-array', 'matches a String.Array when one element equals the value, and not when none does'],
    ['prefix-array', 'applies prefix to each String.Array element'],
    ['anything-but-array', 'anything-but matches an array holding at least one value outside the list'],
    [
      'anything-but-prefix-array',
      'anything-but prefix matches an array holding an element without the prefix',
    ],
    ['numeric-number', 'numeric range on a Number attribute'],
    [
      'numeric-array',
      'numeric range on the numeric elements of a String.Array (not on numeric-looking strings)',
    ],
    ['and-or', 'ANDs across keys and ORs within a key'],
    ['string-exact', 'keeps exact matching for String attributes, even array-looking text'],
    ['exists-array', 'exists: true needs a non-empty array'],
  ];

  for (const [name, title] of cases) {
    it(`${title} (${name})`, () => {
      assert.deepEqual(received.get(name), SUBSCRIPTIONS[name]?.expected);
    });
  }
});
