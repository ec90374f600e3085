/**
 * The AWS event bridge: the two things the emulators do not do, done here and only here, producing
 * events of exactly the shape AWS produces so the production handlers run unchanged.
 *
 * 1. S3 -> SQS event notifications. s3rver only emits events in-process, with unencoded keys, a
 *    malformed bucket ARN and a millisecond "sequencer". We rebuild each record as S3 sends it
 *    (URL-encoded key with '+' for spaces, `arn:aws:s3:::bucket`, monotonically increasing
 *    sequencer) and send it to the ingest queue, as the bucket notification configuration does.
 * 2. DynamoDB Streams (NEW_AND_OLD_IMAGES). dynalite has no streams. A middleware on the shared
 *    DynamoDB client captures each write to the table: it takes the old image from the write's own
 *    answer (or reads it), the new one from the written item (writes to one key are serialised so
 *    the images are exact) and emits an INSERT, MODIFY or REMOVE record — none when the write
 *    changed nothing, as DynamoDB Streams does.
 */

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, S3EventRecord } from 'aws-lambda';
import { isReceiptKey } from '../shared/domain/receipt.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Encodes a key as S3 does in event notifications. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

let sequence = BigInt(Date.now()) * 1_000_000n;
function nextSequence(): bigint {
  sequence += 1n;
  return sequence;
}

interface S3rverRecord {
  eventTime: string;
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

export function productionS3Record(record: S3rverRecord): S3EventRecord {
  const { bucket, object } = record.s3;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime: record.eventTime,
    eventName: record.eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': randomUUID() },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ingest-notifications',
      bucket: {
        name: bucket.name,
        ownerIdentity: { principalId: 'LOCAL' },
        arn: `arn:aws:s3:::${bucket.name}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.eTag ? { eTag: object.eTag } : {}),
        sequencer: nextSequence().toString(16).toUpperCase().padStart(18, '0'),
      } as S3EventRecord['s3']['object'],
    },
  };
}

/** SQS takes at most 10 messages per SendMessageBatch. */
const SQS_BATCH_LIMIT = 10;

/**
 * Forwards s3rver's events to the ingest queue as S3 event notifications, one message per event as S3
 * sends them. Events that arrive while a send is in flight go out together in one SendMessageBatch
 * call when it returns: a burst costs fewer calls and a lone event waits for nothing.
 */
export class S3NotificationForwarder {
  private pending = 0;
  private readonly queued: string[] = [];
  private sending = false;
  /** Keys whose next event is not forwarded: objects seeded for `syndicate invoke`, as if written before the notification existed. */
  readonly suppressed = new Set<string>();
  /** While holding, notifications are kept instead of sent: tests replay them late, twice or out of order. */
  private held: string[] | undefined;

  constructor(
    private readonly sqs: SQSClient,
    /** Only this bucket has a notification configuration, as in the stack. */
    private readonly bucket: string,
    private readonly queueUrl: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly listener = (event: { Records: S3rverRecord[] }): void => {
    for (const record of event.Records) {
      if (record.s3.bucket.name !== this.bucket) continue;
      // As in the stack, the notification configuration does not cover the pipeline's own receipts.
      if (isReceiptKey(record.s3.object.key)) continue;
      if (this.suppressed.delete(record.s3.object.key)) continue;
      const body = JSON.stringify({ Records: [productionS3Record(record)] });
      if (this.held) this.held.push(body);
      else this.enqueue(body);
    }
  };

  private enqueue(body: string): void {
    this.queued.push(body);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queued.length > 0) {
        const bodies = this.queued.splice(0, SQS_BATCH_LIMIT);
        try {
          const { Failed } = await this.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: this.queueUrl,
              Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
            }),
          );
          for (const failure of Failed ?? [])
            this.onError(new Error(`S3 notification not sent: ${failure.Code} ${failure.Message ?? ''}`));
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Sends a notification body to the ingest queue, as S3 does (at least once: callers may repeat it). */
  async send(body: string): Promise<void> {
    this.pending++;
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
    } catch (error) {
      this.onError(error);
    } finally {
      this.pending--;
    }
  }

  hold(): void {
    this.held ??= [];
  }

  /** Stops holding and returns the held notification bodies, oldest first, unsent. */
  takeHeld(): string[] {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }

  get idle(): boolean {
    return this.pending === 0 && !this.sending;
  }
}

type Item = Record<string, AttributeValue>;
type StreamRecordSink = (record: DynamoDBRecord) => void;

const CAPTURED_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

interface WriteInput {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  ReturnValues?: string;
}

/** What the outer (per call) middleware tells the inner (per HTTP attempt) one through the SDK's context. */
interface AttemptCapture {
  readonly key: Item;
  /** The item as the write leaves it: `Item` for PutItem, nothing for DeleteItem. */
  readonly after: Item | undefined;
}

const ATTEMPT_CAPTURE = Symbol('localDynamoDbStreamCapture');

/**
 * Emulates the table's stream by capturing writes made through `client`.
 *
 * PutItem and DeleteItem are sent with `ReturnValues: 'ALL_OLD'` (unless the caller asked for
 * something itself, which it then gets unchanged): each HTTP attempt that carried out the write
 * answers with the old image, and the new one is the written `Item` (or nothing for a delete), so
 * the record costs no extra read. This is read inside the SDK's retry loop, so a write carried out
 * whose answer was then lost (and retried) is recorded too. Other writes (UpdateItem, or a caller's
 * own ReturnValues) read the item before and after through a separate client, which is not captured.
 * Writes to one key are serialised, so records of one key come in the order of the writes.
 */
export class DynamoDbStreamCapture {
  private readonly reader: DynamoDBClient;
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly streamArn: string;

  constructor(
    endpoint: string,
    private readonly tableName: string,
    private readonly keyNames: readonly string[],
    private readonly sink: StreamRecordSink,
  ) {
    this.reader = new DynamoDBClient({ endpoint, region: LOCAL_REGION });
    // The stream label is the creation time as DynamoDB writes it: ISO 8601 with milliseconds, no zone.
    const label = new Date().toISOString().replace(/Z$/, '');
    this.streamArn = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}/stream/${label}`;
  }

  attachTo(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as WriteInput;
        const command = context.commandName ?? '';
        if (!CAPTURED_COMMANDS.has(command) || input.TableName !== this.tableName) return next(args);
        const keySource = input.Item ?? input.Key;
        if (!keySource) return next(args);
        const key = Object.fromEntries(
          this.keyNames.map((name) => [name, keySource[name] as AttributeValue]),
        );
        if (command !== 'UpdateItemCommand' && input.ReturnValues === undefined) {
          const capture: AttemptCapture = {
            key,
            after: command === 'PutItemCommand' ? input.Item : undefined,
          };
          (context as Record<symbol, unknown>)[ATTEMPT_CAPTURE] = capture;
          return this.serialised(JSON.stringify(key), async () => {
            const result = await next({ ...args, input: { ...input, ReturnValues: 'ALL_OLD' } });
            // The caller asked for no old image: it gets none, as without the capture.
            delete (result.output as { Attributes?: Item }).Attributes;
            return result;
          });
        }
        return this.serialised(JSON.stringify(key), async () => {
          const before = await this.read(key);
          try {
            return await next(args);
          } finally {
            // Compare even when the call failed: a write can succeed and its answer be lost (a retry then
            // fails its condition). DynamoDB Streams records the change either way; so must we.
            const after = await this.read(key);
            if (!isDeepStrictEqual(before, after)) this.sink(this.recordOf(key, before, after));
          }
        });
      },
      { step: 'initialize', name: 'localDynamoDbStreamCapture' },
    );
    const attempt =
      (next: (args: unknown) => Promise<{ output: unknown }>, context: object) => async (args: unknown) => {
        const capture = (context as Record<symbol, unknown>)[ATTEMPT_CAPTURE] as AttemptCapture | undefined;
        const result = await next(args);
        if (capture) {
          // Only an attempt that carried out the write gets here (a failed condition is an error).
          const before = (result.output as { Attributes?: Item }).Attributes;
          if (!isDeepStrictEqual(before, capture.after))
            this.sink(this.recordOf(capture.key, before, capture.after));
        }
        return result;
      };
    client.middlewareStack.addRelativeTo(
      attempt as unknown as Parameters<typeof client.middlewareStack.addRelativeTo>[0],
      // Just outside the deserializer (it sees the parsed answer), inside the retry loop (every attempt).
      {
        relation: 'before',
        toMiddleware: 'deserializerMiddleware',
        name: 'localDynamoDbStreamCaptureAttempt',
      },
    );
  }

  private async serialised<T>(lockKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(lockKey) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.locks.set(lockKey, tail);
    try {
      return await current;
    } finally {
      if (this.locks.get(lockKey) === tail) this.locks.delete(lockKey);
    }
  }

  private async read(key: Item): Promise<Item | undefined> {
    const response = await this.reader.send(
      new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return response.Item;
  }

  private recordOf(key: Item, before: Item | undefined, after: Item | undefined): DynamoDBRecord {
    before = before && streamImage(before);
    after = after && streamImage(after);
    const eventName = !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY';
    const sizeBytes = Buffer.byteLength(JSON.stringify(after ?? before ?? {}));
    return {
      eventID: randomUUID().replace(/-/g, ''),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: key as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
        ...(after ? { NewImage: after as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
        ...(before ? { OldImage: before as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] } : {}),
        SequenceNumber: nextSequence().toString().padStart(21, '0'),
        SizeBytes: sizeBytes,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: this.streamArn,
    };
  }

  get idle(): boolean {
    return this.locks.size === 0;
  }

  close(): void {
    this.reader.destroy();
  }
}

/**
 * An item as a Lambda stream event carries it: the event is JSON, so binary values (B, BS) arrive as
 * base64 strings, not bytes as the SDK returns them. Handlers must decode them; locally they see the same.
 */
function streamImage(item: Item): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, streamValue(value)]));
}

function streamValue(value: AttributeValue): AttributeValue {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  // The typings say Uint8Array; the JSON event has strings. Cast once, here.
  if (value.B !== undefined) return { B: base64(value.B) as unknown as Uint8Array };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => base64(bytes) as unknown as Uint8Array) };
  if (value.M !== undefined) return { M: streamImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(streamValue) };
  return value;
}
