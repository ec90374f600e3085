/**
 * One partner's delivery: an SNS subscription with the partner's filter policy and its own delivery
 * dead-letter queue, whatever the endpoint (our queue, their queue, HTTPS, email, Lambda), plus the
 * queue we create for `sqs` partners without a queue of their own.
 *
 * Every subscription is created here, in our account, so the filter policy, the payload variant and
 * the redrive policy stay ours (a partner cannot widen what it receives). Endpoints outside this
 * account (their queue or function, an HTTPS URL, an email address) must confirm the subscription,
 * as SNS requires.
 */
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BackoffFunction,
  type ITopic,
  Subscription,
  SubscriptionFilter,
  SubscriptionProtocol,
} from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type Partner,
  partnerResourceId,
  subscriptionFilterPolicyFor,
} from '../../shared/partners/registry.js';
import type { PartnerQueueKind } from '../../shared/partners/topology.js';
import {
  DEAD_LETTER_RETENTION_DAYS,
  MAX_RECEIVE_COUNT,
  type QueueDescription,
} from '../../shared/pipeline/description.js';
import { acknowledge } from '../nag.js';
import { secureQueue } from './queues.js';

export const PARTNER_MAX_RECEIVE_COUNT = MAX_RECEIVE_COUNT;

type PascalKind = 'Queue' | 'QueueDlq' | 'DeliveryDlq';
const KIND_OF: Readonly<Record<PascalKind, PartnerQueueKind>> = {
  Queue: 'queue',
  QueueDlq: 'queueDlq',
  DeliveryDlq: 'deliveryDlq',
};
/** Each partner's queues, as the pipeline's own are described (shared/pipeline/description.ts). */
const PARTNER_QUEUES: Readonly<Record<PascalKind, QueueDescription>> = {
  Queue: { role: 'partner', maxReceiveCount: PARTNER_MAX_RECEIVE_COUNT },
  QueueDlq: { role: 'partner-dead-letter', retentionDays: DEAD_LETTER_RETENTION_DAYS },
  DeliveryDlq: { role: 'delivery-dead-letter', retentionDays: DEAD_LETTER_RETENTION_DAYS },
};

/** What a partner account may do on the queue we create for it: read and delete, nothing else. */
export const PARTNER_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

export { partnerConstructId, pascalCase as partnerId } from '../../shared/partners/topology.js';

/** The partner's subscription filter policy (its filters plus the payload variant) as CDK filters. */
export function subscriptionFilterPolicy(partner: Partner): Record<string, SubscriptionFilter> {
  return Object.fromEntries(
    Object.entries(subscriptionFilterPolicyFor(partner)).map(([key, conditions]) => [
      key,
      new SubscriptionFilter(conditions),
    ]),
  );
}

export interface PartnerDeliveryProps {
  readonly topic: ITopic;
  readonly partner: Partner;
  /** The customer-managed key of the topic and of every partner queue. */
  readonly key: IKey;
  /**
   * What happens to the partner's queues and DLQs when the partner leaves the registry, the stack is
   * deleted or a change replaces them: RETAIN keeps undelivered messages.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Explicit queue names (see partnerQueueName in shared/partners/topology.ts), so the CLI finds a
   * partner's queues from a small manifest. @default names CloudFormation generates
   */
  readonly queueName?: (kind: PartnerQueueKind) => string;
}

export class PartnerDelivery extends Construct {
  readonly partner: Partner;
  /** Messages SNS could not deliver to the endpoint (every delivery type has one). */
  readonly deliveryDlq: Queue;
  /** The queue we create for an `sqs` partner without its own queue, and its consumer DLQ. */
  readonly queue?: Queue;
  readonly queueDlq?: Queue;
  /** The partner's SNS subscription, whatever its delivery type. */
  readonly subscription: Subscription;

  constructor(scope: Construct, id: string, props: PartnerDeliveryProps) {
    super(scope, id);
    const { topic, partner, key } = props;
    this.partner = partner;
    const partnerQueue = (queueId: PascalKind, deadLetterQueue?: Queue) =>
      secureQueue(this, queueId, PARTNER_QUEUES[queueId], {
        key,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        ...(props.queueName ? { queueName: props.queueName(KIND_OF[queueId]) } : {}),
        ...(deadLetterQueue ? { deadLetterQueue } : {}),
      });
    this.deliveryDlq = partnerQueue('DeliveryDlq');
    acknowledge(
      this.deliveryDlq.node.defaultChild as Construct,
      'SQS3',
      `This queue is the SNS delivery DLQ of partner ${partner.name}'s subscription (a subscription redrive ` +
        'policy, which cdk-nag does not read); a DLQ of a DLQ would only move the problem.',
    );
    // A partner without filters takes everything: its subscription carries no policy at all (and so
    // does not count against the topic's filter-policy quota).
    const policy = subscriptionFilterPolicy(partner);
    const filterPolicy = Object.keys(policy).length > 0 ? policy : undefined;
    const { delivery } = partner;

    if (delivery.type === 'sqs' && !delivery.queueArn) {
      this.queueDlq = partnerQueue('QueueDlq');
      this.queue = partnerQueue('Queue', this.queueDlq);
      // What SqsSubscription does, in this construct's stack: the topic may send to the queue (the key
      // policy lets SNS encrypt for the stack's topics). The subscription is created here because a
      // shard (nested stack) cannot add a subscription through its parent's topic.
      const { policyDependable } = this.queue.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('sns.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [this.queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
        }),
      );
      this.subscription = new Subscription(this, 'Subscription', {
        topic,
        protocol: SubscriptionProtocol.SQS,
        endpoint: this.queue.queueArn,
        rawMessageDelivery: true,
        deadLetterQueue: this.deliveryDlq,
        ...(filterPolicy ? { filterPolicy } : {}),
      });
      if (policyDependable) this.subscription.node.addDependency(policyDependable);
      if (delivery.accountId) this.grantPartnerAccount(delivery.accountId, key, [this.queue, this.queueDlq]);
    } else {
      this.subscription = new Subscription(this, 'Subscription', {
        topic,
        ...(filterPolicy ? { filterPolicy } : {}),
        deadLetterQueue: this.deliveryDlq,
        ...this.endpointProps(partner),
      });
    }
    Tags.of(this).add('partner', partner.name);
    Tags.of(this).add('partner-id', partnerResourceId(partner));
  }

  private endpointProps(partner: Partner) {
    const { delivery } = partner;
    switch (delivery.type) {
      case 'sqs':
        // Their queue: its policy must let this topic send (and its key let SNS encrypt).
        return {
          protocol: SubscriptionProtocol.SQS,
          endpoint: delivery.queueArn as string,
          rawMessageDelivery: true,
        };
      case 'https':
        // Not raw: the JSON notification carries the signature the receiver verifies.
        return {
          protocol: SubscriptionProtocol.HTTPS,
          endpoint: delivery.endpoint,
          rawMessageDelivery: false,
          deliveryPolicy: {
            healthyRetryPolicy: {
              minDelayTarget: Duration.seconds(1),
              maxDelayTarget: Duration.seconds(60),
              numRetries: 20,
              backoffFunction: BackoffFunction.EXPONENTIAL,
            },
          },
        };
      case 'email':
        return { protocol: SubscriptionProtocol.EMAIL, endpoint: delivery.address };
      case 'lambda':
        // Their function: its resource policy must let sns.amazonaws.com invoke it for this topic.
        return { protocol: SubscriptionProtocol.LAMBDA, endpoint: delivery.functionArn };
    }
  }

  /** Lets the partner account read its queues, and decrypt their messages through SQS only. */
  private grantPartnerAccount(accountId: string, key: IKey, queues: readonly Queue[]): void {
    const principal = new AccountPrincipal(accountId);
    for (const queue of queues) {
      queue.addToResourcePolicy(
        new PolicyStatement({
          principals: [principal],
          actions: PARTNER_QUEUE_ACTIONS,
          resources: [queue.queueArn],
        }),
      );
    }
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [principal],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${queues[0]?.stack.region}.amazonaws.com` } },
      }),
    );
  }
}
