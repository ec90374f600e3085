/**
 * The partner registry: every delivery type, the filters and payload, and clear errors for what SNS
 * or AWS would refuse later (or, worse, accept and do something else with).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import {
  filterPolicyFor,
  parsePartnerRegistry,
  type RegistryOptions,
  registryWantsSummaries,
  subscribingAccounts,
  subscriptionFilterPolicyFor,
} from '../../../shared/partners/registry.js';

function problemsOf(partners: unknown[], options?: RegistryOptions): string {
  try {
    parsePartnerRegistry({ partners }, options);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.message;
  }
  assert.fail('expected the registry to be rejected');
}

describe('partner registry: deliveries', () => {
  test('every delivery type is read, with the account id of an ARN taken from the ARN', () => {
    const partners = parsePartnerRegistry({
      partners: [
        { name: 'our-queue', delivery: { type: 'sqs' } },
        { name: 'shared-queue', delivery: { type: 'sqs', accountId: '111122223333' } },
        {
          name: 'their-queue',
          delivery: { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:444455556666:articles' },
        },
        { name: 'web-hook', delivery: { type: 'https', endpoint: 'https://partner.example/sns' } },
        { name: 'mail-desk', delivery: { type: 'email', address: 'desk@partner.example' } },
        {
          name: 'their-function',
          delivery: {
            type: 'lambda',
            functionArn: 'arn:aws:lambda:us-east-1:777788889999:function:ingest:live',
          },
        },
      ],
    });
    assert.deepEqual(
      partners.map((partner) => partner.delivery),
      [
        { type: 'sqs' },
        { type: 'sqs', accountId: '111122223333' },
        { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:444455556666:articles', accountId: '444455556666' },
        { type: 'https', endpoint: 'https://partner.example/sns' },
        { type: 'email', address: 'desk@partner.example' },
        {
          type: 'lambda',
          functionArn: 'arn:aws:lambda:us-east-1:777788889999:function:ingest:live',
          accountId: '777788889999',
        },
      ],
    );
    assert.ok(partners.every((partner) => partner.payload === 'full'));
    // Only the owner of a Lambda function subscribes it itself (topic policy); the queue owner
    // 444455556666 confirms the subscription the stack makes.
    assert.deepEqual(subscribingAccounts(partners), ['777788889999']);
  });

  test('bad account ids, ARNs, URLs and addresses are named with what was expected', () => {
    const message = problemsOf([
      { name: 'short-account', delivery: { type: 'sqs', accountId: '12345' } },
      { name: 'not-an-arn', delivery: { type: 'sqs', queueArn: 'https://sqs.eu-west-1.amazonaws.com/1/q' } },
      {
        name: 'fifo-queue',
        delivery: { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:444455556666:q.fifo' },
      },
      {
        name: 'wrong-owner',
        delivery: {
          type: 'sqs',
          accountId: '111122223333',
          queueArn: 'arn:aws:sqs:eu-west-1:444455556666:q',
        },
      },
      {
        name: 'queue-as-fn',
        delivery: { type: 'lambda', functionArn: 'arn:aws:sqs:eu-west-1:444455556666:q' },
      },
      { name: 'no-function', delivery: { type: 'lambda' } },
      { name: 'plain-http', delivery: { type: 'https', endpoint: 'http://partner.example/sns' } },
      { name: 'loopback', delivery: { type: 'https', endpoint: 'http://127.0.0.1:8080/sns' } },
      { name: 'with-secret', delivery: { type: 'https', endpoint: 'https://user:pw@partner.example/' } },
      { name: 'not-a-url', delivery: { type: 'https', endpoint: 'partner.example/sns' } },
      { name: 'bad-mail', delivery: { type: 'email', address: 'desk at partner' } },
      {
        name: 'extra-key',
        delivery: { type: 'email', address: 'a@b.example', endpoint: 'https://x.example' },
      },
      { name: 'pigeon', delivery: { type: 'carrier-pigeon' } },
    ]);
    for (const expected of [
      /partner 'short-account': delivery\.accountId '12345' is not an AWS account id \(12 digits\)/,
      /partner 'not-an-arn': delivery\.queueArn .* is not an SQS queue ARN/,
      /partner 'fifo-queue': .* is a FIFO queue/,
      /partner 'wrong-owner': delivery\.accountId 111122223333 is not the account of queueArn \(444455556666\)/,
      /partner 'queue-as-fn': delivery\.functionArn .* is not a Lambda function ARN/,
      /partner 'no-function': delivery\.functionArn is required/,
      /partner 'plain-http': delivery\.endpoint 'http:\/\/partner\.example\/sns' must be an https:\/\/ URL/,
      /partner 'loopback': delivery\.endpoint 'http:\/\/127\.0\.0\.1:8080\/sns' must be an https:\/\/ URL/,
      /partner 'with-secret': .* must not carry credentials/,
      /partner 'not-a-url': .* is not a URL/,
      /partner 'bad-mail': delivery\.address 'desk at partner' is not an email address/,
      /partner 'extra-key': delivery\.endpoint is not a setting of email deliveries/,
      /partner 'pigeon': delivery\.type must be 'sqs', 'https', 'email' or 'lambda'/,
    ]) {
      assert.match(message, expected);
    }
  });

  test('a loopback http endpoint is accepted only when asked (the local runtime and tests)', () => {
    const partners = [
      { name: 'local-hook', delivery: { type: 'https', endpoint: 'http://127.0.0.1:8080/sns' } },
    ];
    assert.equal(parsePartnerRegistry({ partners }, { allowLoopbackHttp: true }).length, 1);
    assert.match(problemsOf(partners), /must be an https:\/\/ URL$/m);
  });

  test('duplicate names and two partners on one endpoint are refused', () => {
    const message = problemsOf([
      { name: 'twice', delivery: { type: 'sqs' } },
      { name: 'twice', delivery: { type: 'sqs' } },
      { name: 'hook-a', delivery: { type: 'https', endpoint: 'https://partner.example/sns' } },
      { name: 'hook-b', delivery: { type: 'https', endpoint: 'https://partner.example/sns' } },
    ]);
    assert.match(message, /partner 'twice' is defined twice/);
    assert.match(message, /partners 'hook-a' and 'hook-b' both deliver to https:\/\/partner\.example\/sns/);
  });
});

describe('partner registry: filters and payload', () => {
  test('minimum urgency is a numeric filter (1 is the most urgent); the payload is not in the subscription policy', () => {
    const [partner] = parsePartnerRegistry({
      partners: [
        {
          name: 'urgent-fr',
          delivery: { type: 'sqs' },
          filters: { languages: ['fr'], minUrgency: 3 },
          payload: 'summary',
        },
      ],
    });
    assert.ok(partner);
    assert.deepEqual(filterPolicyFor(partner), { language: ['fr'], urgency: [{ numeric: ['<=', 3] }] });
    // The variant has topics of its own (shared/partners/topology.ts): no filter key for it.
    assert.deepEqual(subscriptionFilterPolicyFor(partner), {
      language: ['fr'],
      urgency: [{ numeric: ['<=', 3] }],
    });
    assert.equal(registryWantsSummaries([partner]), true);
  });

  test('all five filters fit in the SNS limit of 5 keys (the payload takes none)', () => {
    const five = {
      subjects: ['medtop:11000000'],
      languages: ['en'],
      sources: ['wire'],
      minUrgency: 2,
      eventTypes: ['article.published'],
    };
    assert.equal(
      parsePartnerRegistry({ partners: [{ name: 'five', delivery: { type: 'sqs' }, filters: five }] }).length,
      1,
    );
  });

  test('the 150-combination limit counts every filter', () => {
    const message = problemsOf([
      {
        name: 'greedy',
        delivery: { type: 'sqs' },
        filters: {
          subjects: ['medtop:01000000', 'medtop:04000000', 'medtop:11000000', 'medtop:15000000'],
          languages: ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'sv'],
          eventTypes: [
            'article.published',
            'article.updated',
            'article.withdrawn',
            'article.replayed',
            'article.published',
          ],
        },
      },
    ]);
    assert.match(message, /160 value combinations, SNS allows 150/);
  });

  test('unknown subject codes, bad urgency and payload, and unknown settings are named', () => {
    const message = problemsOf([
      {
        name: 'sloppy',
        delivery: { type: 'sqs' },
        filters: { subjects: ['medtop:12345678', 'politics'], minUrgency: 0, urgency: 3 },
        payload: 'headlines',
        colour: 'blue',
      },
    ]);
    assert.match(message, /'medtop:12345678' is not a live IPTC Media Topic code/);
    assert.match(message, /'politics' is not a live IPTC Media Topic code/);
    assert.match(message, /filters\.minUrgency must be a whole number from 1 \(most urgent\) to 9/);
    assert.match(message, /filters\.urgency is not a known filter/);
    assert.match(message, /payload must be 'full' or 'summary'/);
    assert.match(message, /partners\[0\]\.colour is not a known setting/);
  });
});
