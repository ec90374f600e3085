/**
 * The queues redrive works on, with SQS: receive, send copies, delete. Not `StartMessageMoveTask`:
 * it moves only from a dead-letter queue to the queue that dead-lettered into it, cannot be limited
 * to a count, and the local emulator (fauxqs) does not implement it; receive/send/delete works the
 * same against both.
 */
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Letter, LetterAttribute, MessageQueues } from '../ports/message-queues.js';
import { UndeletedLettersError } from './errors.js';

/** SendMessageBatch limits: 10 entries and 256 KiB of bodies and attributes per call. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

export interface SqsRedriveOptions {
  /** How long received messages stay hidden while they are being moved. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** Long-poll wait, so that an empty answer means an empty queue, not a sampled one. @default 1 */
  readonly waitTimeSeconds?: number;
}

function attributesOf(attributes: Record<string, MessageAttributeValue> | undefined) {
  const copy: Record<string, LetterAttribute> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    copy[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
    };
  }
  return copy;
}

function sizeOf(letter: Letter): number {
  let bytes = Buffer.byteLength(letter.body);
  for (const [name, value] of Object.entries(letter.attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.dataType);
    bytes += value.stringValue !== undefined ? Buffer.byteLength(value.stringValue) : 0;
    bytes += value.binaryValue?.length ?? 0;
  }
  return bytes;
}

function batchesOf(letters: readonly Letter[]): Letter[][] {
  const batches: Letter[][] = [];
  let current: Letter[] = [];
  let bytes = 0;
  for (const letter of letters) {
    const size = sizeOf(letter);
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(letter);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function entryOf(letter: Letter, index: number): SendMessageBatchRequestEntry {
  const attributes = Object.entries(letter.attributes);
  return {
    // Batch entry ids allow only [A-Za-z0-9_-]; results are mapped back by position.
    Id: `m${index}`,
    MessageBody: letter.body,
    ...(attributes.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, value]) => [
              name,
              {
                DataType: value.dataType,
                ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
                ...(value.binaryValue !== undefined ? { BinaryValue: value.binaryValue } : {}),
              },
            ]),
          ),
        }
      : {}),
  };
}

export class SqsRedriveQueues implements MessageQueues {
  constructor(
    private readonly sqs: SQSClient,
    private readonly options: SqsRedriveOptions = {},
  ) {}

  async receive(queue: string, max: number): Promise<Letter[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 30,
        MessageAttributeNames: ['All'],
      }),
    );
    return (Messages ?? []).map((message) => ({
      id: message.MessageId ?? '',
      body: message.Body ?? '',
      attributes: attributesOf(message.MessageAttributes),
      receipt: message.ReceiptHandle ?? '',
    }));
  }

  async send(queue: string, letters: readonly Letter[]): Promise<{ failedIds: string[] }> {
    const failedIds: string[] = [];
    for (const batch of batchesOf(letters)) {
      try {
        const { Failed } = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queue, Entries: batch.map(entryOf) }),
        );
        for (const failure of Failed ?? []) {
          const letter = batch[Number(failure.Id?.slice(1))];
          if (letter) failedIds.push(letter.id);
        }
      } catch {
        // The whole call failed: none of this batch was sent; it stays in the dead-letter queue.
        failedIds.push(...batch.map((letter) => letter.id));
      }
    }
    return { failedIds };
  }

  async delete(queue: string, letters: readonly Letter[]): Promise<void> {
    for (let start = 0; start < letters.length; start += MAX_BATCH_ENTRIES) {
      const batch = letters.slice(start, start + MAX_BATCH_ENTRIES);
      const { Failed } = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue,
          Entries: batch.map((letter, index) => ({ Id: `m${index}`, ReceiptHandle: letter.receipt })),
        }),
      );
      if (Failed && Failed.length > 0) {
        // They were sent already and reappear after the visibility timeout: a rerun moves them twice, harmlessly.
        throw new UndeletedLettersError(
          `redrive: ${Failed.length} message(s) sent but not deleted from ${queue}: ${Failed[0]?.Message ?? ''}`,
        );
      }
    }
  }
}
