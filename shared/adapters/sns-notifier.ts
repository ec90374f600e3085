import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { messageSize, type OutboundMessage } from '../domain/message.js';
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

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
    const failedIds: string[] = [];
    for (const batch of batchesOf(messages)) {
      try {
        const response = await this.sns.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
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
    return { failedIds };
  }
}
