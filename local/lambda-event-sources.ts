/**
 * Emulates Lambda's event source mappings, so the production handlers are invoked locally with the
 * events and retry semantics they get in AWS:
 * - SQS: long-poll, invoke with up to 10 records, delete what succeeded (ReportBatchItemFailures);
 *   failed messages reappear after the visibility timeout (or `retryDelaySeconds`, see there) and the
 *   queue's redrive policy dead-letters them.
 * - DynamoDB stream: records in order, batched; on failure retry from the earliest failed record,
 *   halving the batch (bisect on error), and after the retry limit send the batch's metadata to the
 *   on-failure destination, as Lambda does.
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-event-bridge.js';
import type { QueueRef } from './resources.js';

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface SqsEventSourceOptions {
  readonly batchSize?: number;
  /** Concurrent pollers, as Lambda scales out on a busy queue. */
  readonly concurrency?: number;
  /**
   * When set, failed messages are made visible again after this many seconds instead of the queue's
   * visibility timeout. Locally the two jobs of that timeout pull apart: it must be long, so that a
   * message processed successfully but slowly (a busy machine) is never received again and counted
   * towards the dead-letter queue, and retries must come soon, so that failures show in seconds.
   */
  readonly retryDelaySeconds?: number;
  readonly onInvoked?: (records: readonly SQSRecord[], failedIds: ReadonlySet<string>) => void;
  readonly onError?: (error: unknown) => void;
}

export class SqsEventSource {
  private running = true;
  private inFlight = 0;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly sqs: SQSClient,
    private readonly queue: QueueRef,
    private readonly handler: SqsHandler,
    private readonly options: SqsEventSourceOptions = {},
  ) {
    this.loops = Array.from({ length: options.concurrency ?? 4 }, () => this.poll());
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const { Messages } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.queue.url,
            MaxNumberOfMessages: this.options.batchSize ?? 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (!Messages || Messages.length === 0) continue;
        this.inFlight++;
        try {
          await this.invoke(
            Messages.map((message) => ({
              messageId: message.MessageId as string,
              receiptHandle: message.ReceiptHandle as string,
              body: message.Body ?? '',
              attributes: (message.Attributes ?? {}) as unknown as SQSRecord['attributes'],
              messageAttributes: {},
              md5OfBody: message.MD5OfBody ?? '',
              eventSource: 'aws:sqs',
              eventSourceARN: this.queue.arn,
              awsRegion: LOCAL_REGION,
            })),
          );
        } finally {
          this.inFlight--;
        }
      } catch (error) {
        if (this.running) this.options.onError?.(error);
        await sleep(100);
      }
    }
  }

  private async invoke(records: SQSRecord[]): Promise<void> {
    let failed: Set<string>;
    try {
      const response = await this.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A handler that throws fails the whole batch, as in Lambda.
      this.options.onError?.(error);
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    const retried = records.filter((record) => failed.has(record.messageId));
    if (retried.length > 0 && this.options.retryDelaySeconds !== undefined) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queue.url,
          Entries: retried.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: this.options.retryDelaySeconds,
          })),
        }),
      );
    }
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.url,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    this.options.onInvoked?.(records, failed);
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

export interface StreamEventSourceOptions {
  readonly batchSize?: number;
  readonly batchingWindowMs?: number;
  readonly retryAttempts?: number;
  readonly bisectBatchOnError?: boolean;
  readonly onFailureQueue?: QueueRef;
  /** The function the mapping invokes, named in on-failure records. */
  readonly functionArn?: string;
  readonly onError?: (error: unknown) => void;
}

/** Lambda's on-failure record writes stream arrival times to the second (from ApproximateCreationDateTime). */
function arrivalTime(record: DynamoDBRecord | undefined): string | undefined {
  const seconds = record?.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class StreamEventSource {
  private readonly pending: DynamoDBRecord[] = [];
  private running = true;
  private busy = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly streamArn: string,
    private readonly handler: StreamHandler,
    private readonly options: StreamEventSourceOptions = {},
  ) {
    this.loop = this.run();
  }

  /** Appends a record to the (single) shard. */
  readonly push = (record: DynamoDBRecord): void => {
    this.pending.push(record);
    this.wake?.();
  };

  private async run(): Promise<void> {
    while (this.running) {
      if (this.pending.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      this.busy = true;
      try {
        await sleep(this.options.batchingWindowMs ?? 20);
        const batch = this.pending.splice(0, this.options.batchSize ?? 100);
        await this.process(batch);
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        this.busy = false;
      }
    }
  }

  private async invoke(batch: DynamoDBRecord[]): Promise<number | undefined> {
    try {
      const response = await this.handler({ Records: batch });
      const failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      if (failedIds.size === 0) return undefined;
      const first = batch.findIndex((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
      return first === -1 ? 0 : first; // an unknown identifier fails the whole batch, as in Lambda
    } catch (error) {
      this.options.onError?.(error);
      return 0;
    }
  }

  /** Processes a batch until every record succeeded or was sent to the on-failure destination. */
  private async process(batch: DynamoDBRecord[]): Promise<void> {
    const retryAttempts = this.options.retryAttempts ?? 5;
    let remaining = batch;
    let size = remaining.length;
    let attempt = 0;
    while (remaining.length > 0 && this.running) {
      const slice = remaining.slice(0, size);
      const failedAt = await this.invoke(slice);
      if (failedAt === undefined) {
        remaining = remaining.slice(slice.length);
        size = remaining.length;
        attempt = 0;
        continue;
      }
      // Records before the first failure are checkpointed; retry from the failed one.
      remaining = remaining.slice(failedAt);
      const failedCount = slice.length - failedAt;
      attempt++;
      if (attempt > retryAttempts) {
        await this.sendToOnFailureDestination(remaining.slice(0, failedCount));
        remaining = remaining.slice(failedCount);
        size = remaining.length;
        attempt = 0;
        continue;
      }
      size = this.options.bisectBatchOnError ? Math.max(1, Math.ceil(failedCount / 2)) : failedCount;
      await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }

  private async sendToOnFailureDestination(records: DynamoDBRecord[]): Promise<void> {
    const queue = this.options.onFailureQueue;
    if (!queue || records.length === 0) return;
    // Lambda sends invocation metadata, not the records: operators read them again from the stream.
    // The shape is Lambda's invocation record for a DynamoDB stream source, field for field.
    const body = {
      requestContext: {
        requestId: randomUUID(),
        functionArn:
          this.options.functionArn ??
          `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:stream-consumer`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: (this.options.retryAttempts ?? 5) + 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: 'shardId-local-0',
        startSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
        endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
        approximateArrivalOfFirstRecord: arrivalTime(records[0]),
        approximateArrivalOfLastRecord: arrivalTime(records.at(-1)),
        batchSize: records.length,
        streamArn: this.streamArn,
      },
    };
    await this.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(body) }));
  }

  get idle(): boolean {
    return this.pending.length === 0 && !this.busy;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
