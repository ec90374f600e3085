import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as adapterErrors from '../../shared/adapters/errors.js';
import { isAwsError, UndeletedLettersError } from '../../shared/adapters/errors.js';
import { SqsRedriveQueues } from '../../shared/adapters/sqs-redrive.js';
import * as domainErrors from '../../shared/domain/errors.js';
import { InvalidRequestError, isPermanent } from '../../shared/domain/errors.js';
import * as normaliserErrors from '../../shared/normaliser/errors.js';
import { UnsafeLimitsError } from '../../shared/normaliser/errors.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import { redriveMessages } from '../../shared/usecases/redrive.js';

/** Every class a module exports that makes errors, by name. */
function errorClasses(module: Record<string, unknown>): [string, new (message: string) => Error][] {
  return Object.entries(module).filter(
    (entry): entry is [string, new (message: string) => Error] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );
}

describe('one module of named errors per layer, each saying whether a retry can help', () => {
  for (const [layer, module] of [
    ['domain', domainErrors],
    ['normaliser', normaliserErrors],
    ['adapters', adapterErrors],
  ] as const) {
    test(`${layer}: every error class has a boolean retryable and its own name`, () => {
      const classes = errorClasses(module);
      assert.ok(classes.length > 0);
      for (const [exported, ErrorClass] of classes) {
        const error =
          exported === 'RejectedInputError'
            ? new domainErrors.RejectedInputError('EMPTY')
            : new ErrorClass('what went wrong');
        assert.equal(typeof (error as { retryable?: unknown }).retryable, 'boolean', exported);
        assert.equal(error.name, exported);
      }
    });
  }

  test('retryable: what a deployment or a later attempt can fix; permanent: a request that is wrong', () => {
    assert.equal(isPermanent(new adapterErrors.ItemTooLargeError('x')), false);
    assert.equal(isPermanent(new UndeletedLettersError('x')), false);
    assert.equal(isPermanent(new UnsafeLimitsError('x')), false);
    assert.equal(isPermanent(new domainErrors.EmbargoNotDueError('x')), false);
    assert.equal(isPermanent(new InvalidRequestError('x')), true);
  });
});

describe('the errors are thrown where they are named', () => {
  test('a depth limit the tree walkers cannot honour is UnsafeLimitsError (still a RangeError)', async () => {
    const object = { key: 'wire/a.txt', bytes: new TextEncoder().encode('Headline\n\nBody text.') };
    await assert.rejects(normaliseObject(object, { limits: { maxDepth: 1_000_000 } }), (error: unknown) => {
      assert.ok(error instanceof UnsafeLimitsError);
      assert.ok(error instanceof RangeError);
      return true;
    });
  });

  test('a redrive from a queue into itself is an InvalidRequestError, before any queue is touched', async () => {
    const untouched = {
      receive: () => assert.fail('received'),
      send: () => assert.fail('sent'),
      delete: () => assert.fail('deleted'),
    };
    await assert.rejects(
      redriveMessages({ queues: untouched }, { from: 'dlq-url', to: 'dlq-url' }),
      InvalidRequestError,
    );
  });

  test('letters SQS would not delete (DeleteMessageBatch Failed entries) are UndeletedLettersError', async () => {
    // DeleteMessageBatch's documented result: HTTP 200 with the entries that failed in `Failed`.
    const sqs = {
      send: async () => ({
        Successful: [],
        Failed: [
          {
            Id: 'm0',
            SenderFault: true,
            Code: 'ReceiptHandleIsInvalid',
            Message: 'The input receipt handle is invalid.',
          },
        ],
      }),
    } as unknown as SQSClient;
    const letter = { id: '1', body: '{}', attributes: {}, receipt: 'handle-1' };
    await assert.rejects(new SqsRedriveQueues(sqs).delete('dlq-url', [letter]), (error: unknown) => {
      assert.ok(error instanceof UndeletedLettersError);
      assert.match(error.message, /1 message\(s\) sent but not deleted from dlq-url/);
      return true;
    });
  });
});

describe('isAwsError: an AWS SDK v3 service error by its modelled name', () => {
  test('matches the name the SDK gives, whatever the message', () => {
    // The shape the SDK throws: an Error whose name is the service's exception, with $fault and $metadata.
    const lostRace = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    assert.equal(isAwsError(lostRace, 'ConditionalCheckFailedException'), true);
    assert.equal(isAwsError(lostRace, 'ConflictException'), false);
    const sameWords = new Error('ConditionalCheckFailedException');
    assert.equal(isAwsError(sameWords, 'ConditionalCheckFailedException'), false);
    assert.equal(isAwsError(null, 'ConditionalCheckFailedException'), false);
    assert.equal(isAwsError('ConditionalCheckFailedException', 'ConditionalCheckFailedException'), false);
  });
});
