import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OutboundMessage } from '../domain/message.js';
import type { Notifier, PublishResult } from '../ports/notifier.js';

/**
 * Delivers straight to one partner's queue, with the body and attributes SNS raw delivery would
 * give it: for a replay meant for a single partner (a topic publish would reach every matching one).
 */
export class SqsDirectNotifier implements Notifier {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
    const failedIds: string[] = [];
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      try {
        const response = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((message, index) => ({
              Id: `m${index}`,
              MessageBody: message.body,
              MessageAttributes: Object.fromEntries(
                Object.entries(message.attributes).map(([name, attribute]) => [
                  name,
                  // SQS has no String.Array type: SNS raw delivery passes it on as String.
                  {
                    DataType: attribute.dataType === 'Number' ? 'Number' : 'String',
                    StringValue: attribute.value,
                  },
                ]),
              ),
            })),
          }),
        );
        for (const failure of response.Failed ?? []) {
          const message = batch[Number(failure.Id?.slice(1))];
          if (message) failedIds.push(message.id);
        }
      } catch {
        failedIds.push(...batch.map((message) => message.id));
      }
    }
    return { failedIds };
  }
}
