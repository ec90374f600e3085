/**
 * The one way this project makes a queue: encrypted at rest, TLS-only, with the retention and redrive
 * its description gives (shared/pipeline/description.ts). The stack's own queues and every partner's
 * queues come from here, so a DLQ cannot be made with another retention or a queue with another
 * receive count in one place and not the other.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { QueueDescription } from '../../shared/pipeline/description.js';

export interface SecureQueueOptions {
  /** What happens to the queue (and its undelivered messages) when the stack deletes or replaces it. */
  readonly removalPolicy: RemovalPolicy;
  /** A customer-managed key, for queues SNS delivers to. @default SQS-managed encryption */
  readonly key?: IKey;
  /** An explicit name (partner queues, found by the CLI). @default a name CloudFormation generates */
  readonly queueName?: string;
  /** The queue this one redrives to; required when the description says it redrives. */
  readonly deadLetterQueue?: Queue;
  /** Other properties (visibility timeout...), never encryption, retention or redrive. */
  readonly props?: Pick<QueueProps, 'visibilityTimeout'>;
}

/** A queue as `description` says: its retention, its redrive after `maxReceiveCount` receives. */
export function secureQueue(
  scope: Construct,
  id: string,
  description: QueueDescription,
  options: SecureQueueOptions,
): Queue {
  const { deadLetterQueue, key } = options;
  // A queue that should redrive and does not would keep a failing message until it expires.
  if (description.redrivesTo !== undefined && deadLetterQueue === undefined) {
    throw new Error(
      `queue ${id} (${description.role}) redrives to ${description.redrivesTo}: give that queue`,
    );
  }
  if (deadLetterQueue && description.maxReceiveCount === undefined) {
    throw new Error(`queue ${id} (${description.role}) has a dead-letter queue but no maxReceiveCount`);
  }
  return new Queue(scope, id, {
    ...(key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    removalPolicy: options.removalPolicy,
    ...(options.queueName ? { queueName: options.queueName } : {}),
    ...(description.retentionDays !== undefined
      ? { retentionPeriod: Duration.days(description.retentionDays) }
      : {}),
    ...(deadLetterQueue
      ? {
          deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: description.maxReceiveCount as number },
        }
      : {}),
    ...options.props,
  });
}
