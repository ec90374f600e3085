import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { messageSize, type OutboundMessage, type PayloadVariant } from '../domain/message.js';
import { PAYLOAD_VARIANTS, singleTopicRoutes, type TopicRoutes } from '../partners/topology.js';
import type { Notifier, PublishResult } from '../ports/notifier.js';

/** SNS PublishBatch limits: 10 entries and 256 KiB of payload (bodies and attributes) per call. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

/** Splits messages into PublishBatch calls that respect both the count and the size limit. */
export function batchesOf(messages: readonly OutboundMessage[]): OutboundMessage[][] {
  const batches: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = messageSize(message);
    if (
      current.length > 0 &&
      (current.length === MAX_BATCH_ENTRIES || currentBytes + bytes > MAX_BATCH_BYTES)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function entryOf(message: OutboundMessage, index: number): PublishBatchRequestEntry {
  return {
    // Batch entry ids allow only [A-Za-z0-9_-]{1,80}; the message id (a stream sequence number) is mapped back below.
    Id: `m${index}`,
    Message: message.body,
    MessageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, attribute]) => [
        name,
        { DataType: attribute.dataType, StringValue: attribute.value },
      ]),
    ),
  };
}

/** The variant a message carries (its `payload` attribute); a message without one is a full document. */
function payloadOf(message: OutboundMessage): PayloadVariant {
  const value = message.attributes.payload?.value;
  return PAYLOAD_VARIANTS.find((variant) => variant === value) ?? 'full';
}

/**
 * Publishes each message to every topic of its payload variant (one topic per variant and per
 * filter-policy quota's worth of subscriptions, see shared/partners/topology.ts). Given one topic
 * ARN, every message goes there. A message fails when any of its topics refused it; the retry may
 * repeat it on the others, which partners absorb (they deduplicate on idempotencyKey).
 */
export class SnsNotifier implements Notifier {
  private readonly routes: TopicRoutes;

  constructor(
    private readonly sns: SNSClient,
    topics: string | TopicRoutes,
  ) {
    this.routes = typeof topics === 'string' ? singleTopicRoutes(topics) : topics;
  }

  async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
    // Topics in parallel: a stream batch's time grows with the batches per topic, not with the
    // number of topics a thousand partners need.
    const calls = PAYLOAD_VARIANTS.flatMap((payload) => {
      const variant = messages.filter((message) => payloadOf(message) === payload);
      return variant.length === 0
        ? []
        : this.routes[payload].map((topicArn) => this.publishTo(topicArn, variant));
    });
    const failedIds = new Set((await Promise.all(calls)).flat());
    return { failedIds: messages.map((message) => message.id).filter((id) => failedIds.has(id)) };
  }

  private async publishTo(topicArn: string, messages: readonly OutboundMessage[]): Promise<string[]> {
    const failedIds: string[] = [];
    for (const batch of batchesOf(messages)) {
      try {
        const response = await this.sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: batch.map(entryOf),
          }),
        );
        for (const failure of response.Failed ?? []) {
          const message = batch[Number(failure.Id?.slice(1))];
          if (message) failedIds.push(message.id);
        }
      } catch {
        // The whole call failed (throttling, network): every message of this batch is retried.
        failedIds.push(...batch.map((message) => message.id));
      }
    }
    return failedIds;
  }
}
