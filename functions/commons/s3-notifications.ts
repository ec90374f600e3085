/**
 * S3 event notifications as they arrive through SQS: the SQS message body is the S3 event JSON
 * (or a one-off `s3:TestEvent` when the notification is first configured).
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';

export interface ObjectNotification {
  readonly kind: 'created' | 'removed';
  readonly bucket: string;
  readonly key: string;
  readonly sequencer: string;
}

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function notificationOf(record: S3EventRecord): ObjectNotification | undefined {
  const kind = record.eventName.startsWith('ObjectCreated')
    ? 'created'
    : record.eventName.startsWith('ObjectRemoved')
      ? 'removed'
      : undefined;
  if (!kind) return undefined;
  return {
    kind,
    bucket: record.s3.bucket.name,
    key: decodeS3Key(record.s3.object.key),
    sequencer: record.s3.object.sequencer,
  };
}

/** Parses one SQS message body; throws on a body that is not an S3 notification at all. */
export function parseS3Notifications(body: string): ObjectNotification[] {
  const event = JSON.parse(body) as Partial<S3Event> & { Event?: string };
  if (event.Event === 's3:TestEvent') return [];
  if (!Array.isArray(event.Records)) throw new Error('message body is not an S3 event notification');
  return event.Records.map(notificationOf).filter((notification) => notification !== undefined);
}
