/**
 * S3 event notifications as they arrive through SQS: the SQS message body is the S3 event JSON
 * (or a one-off `s3:TestEvent` when the notification is first configured).
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { UnreadableNotificationError } from '../domain/errors.js';

export interface ObjectNotification {
  readonly kind: 'created' | 'removed';
  readonly bucket: string;
  readonly key: string;
  readonly sequencer: string;
  /** The object's size in bytes, as S3 gives it in ObjectCreated notifications (removals have none). */
  readonly sizeBytes?: number;
  /**
   * The record's `eventTime` as S3 wrote it (ISO 8601, UTC): when S3 stored the object, or removed it.
   * Absent when the record has none or it is not a time, so a bad time never costs the object.
   */
  readonly eventTime?: string;
}

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * S3 writes eventTime as ISO 8601 in UTC (`1970-01-01T00:00:00.000Z`): anything else is not kept, so
 * what the head stores is a short, parseable time whatever a message claims.
 */
function isS3Time(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/.test(value) && Number.isFinite(Date.parse(value))
  );
}

function notificationOf(record: S3EventRecord): ObjectNotification | undefined {
  const kind = record.eventName.startsWith('ObjectCreated')
    ? 'created'
    : record.eventName.startsWith('ObjectRemoved')
      ? 'removed'
      : undefined;
  if (!kind) return undefined;
  const size: unknown = record.s3.object.size;
  const eventTime: unknown = record.eventTime;
  return {
    kind,
    bucket: record.s3.bucket.name,
    key: decodeS3Key(record.s3.object.key),
    sequencer: record.s3.object.sequencer,
    ...(kind === 'created' && typeof size === 'number' && Number.isSafeInteger(size) && size >= 0
      ? { sizeBytes: size }
      : {}),
    ...(typeof eventTime === 'string' && isS3Time(eventTime) ? { eventTime } : {}),
  };
}

/** What one SQS message body holds: object notifications, or S3's one-off test event. */
export type ParsedNotifications =
  | { readonly kind: 'records'; readonly notifications: ObjectNotification[] }
  | { readonly kind: 'test-event' };

function isRecord(value: unknown): value is S3EventRecord {
  const record = value as Partial<S3EventRecord> | null;
  return (
    typeof record?.eventName === 'string' &&
    typeof record.s3?.bucket?.name === 'string' &&
    typeof record.s3.object?.key === 'string'
  );
}

/**
 * Parses one SQS message body. A body that is not JSON, not an S3 event, or whose key is not valid
 * percent-encoding throws UnreadableNotificationError: no retry can change what the message says.
 */
export function parseS3Notifications(body: string): ParsedNotifications {
  let event: Partial<S3Event> & { Event?: string };
  try {
    event = JSON.parse(body) as typeof event;
  } catch {
    throw new UnreadableNotificationError(`message body is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (event?.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (!Array.isArray(event?.Records) || !event.Records.every(isRecord))
    throw new UnreadableNotificationError('message body is not an S3 event notification');
  const notifications: ObjectNotification[] = [];
  for (const record of event.Records) {
    try {
      const notification = notificationOf(record);
      if (notification) notifications.push(notification);
    } catch {
      throw new UnreadableNotificationError(`object key is not valid URL encoding: ${record.s3.object.key}`);
    }
  }
  return { kind: 'records', notifications };
}
