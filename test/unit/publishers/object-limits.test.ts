/**
 * A publisher's own object size limit (`limits.maxObjectBytes` in the registry) holds for its
 * objects: the smaller of it and the pipeline's 5 MiB (5,242,880 bytes) applies, decided from the S3
 * notification's size before any GET when the notification gives one, and an object over it is
 * rejected OVER_PUBLISHER_LIMIT, kept in quarantine, with the next object of the batch handled as usual.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { createNormaliseHandler } from '../../../functions/handlers/normalise.js';
import { RecordingMetrics, SILENT_LOG } from '../../../functions/handlers/observability.js';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryReceipts,
} from '../../../shared/adapters/memory/in-memory.js';
import { parseS3Notifications } from '../../../shared/adapters/s3-notifications.js';
import { normalise } from '../../../shared/pipeline/description.js';
import { loadSettings } from '../../../shared/pipeline/settings.js';
import type {
  ObjectStore,
  ObjectTooLarge,
  ReadLimit,
  StoredObject,
} from '../../../shared/ports/object-store.js';
import {
  formatPublisherObjectLimits,
  parsePublisherObjectLimits,
} from '../../../shared/publishers/limits.js';
import { parsePublisherRegistry } from '../../../shared/publishers/registry.js';
import { ingestObject, type ObjectEvent } from '../../../shared/usecases/ingest-object.js';

const BUCKET = 'syndicate-ingest';

/** A plain-text story (headline, blank line, body) of exactly `bytes` bytes of ASCII. */
function storyOfSize(bytes: number): Uint8Array {
  const head = 'Harbour reopens after the storm\n\nThe harbour reopened on Monday after a week of repairs.';
  const text = (head + ' Ferries ran to the islands again.'.repeat(Math.ceil(bytes / 34))).slice(0, bytes);
  return Buffer.from(text, 'ascii');
}

/** An object store that records which objects it handed out the bytes of, and every GET asked of it. */
function countingStore() {
  const objects = new InMemoryObjectStore();
  const gets: string[] = [];
  const reads: string[] = [];
  const store = {
    async get(
      bucket: string,
      key: string,
      limit?: ReadLimit,
    ): Promise<StoredObject | ObjectTooLarge | undefined> {
      gets.push(key);
      const object = limit ? await objects.get(bucket, key, limit) : await objects.get(bucket, key);
      if (object && 'bytes' in object) reads.push(key);
      return object;
    },
    exists: (bucket: string, key: string) => objects.exists(bucket, key),
  } as ObjectStore;
  return { objects, store, gets, reads };
}

function setup(limits: Record<string, number>) {
  const { objects, store, gets, reads } = countingStore();
  const index = new InMemoryArticleIndex();
  const quarantine = new InMemoryQuarantine();
  const deps = {
    objects: store,
    index,
    quarantine,
    now: () => new Date('2026-12-07T12:00:00Z'),
    publishers: new Set(['narrow', 'wide', 'lavish']),
    publisherObjectLimits: new Map(Object.entries(limits)),
  };
  let sequencer = 0;
  /** Puts the object and ingests it from a notification that gives its size (or none, as `sized: false`). */
  const drop = (key: string, bytes: Uint8Array, sized = true) => {
    objects.put(BUCKET, { key, bytes });
    sequencer++;
    const event: ObjectEvent = {
      bucket: BUCKET,
      key,
      sequencer: sequencer.toString(16).padStart(4, '0'),
      ...(sized ? { sizeBytes: bytes.length } : {}),
    };
    return ingestObject(deps, event);
  };
  return { objects, index, quarantine, gets, reads, drop, deps };
}

describe("a publisher's own object limit", () => {
  test('the registry limit travels as PUBLISHER_OBJECT_LIMITS and reads back as the same numbers', () => {
    const registry = parsePublisherRegistry({
      publishers: [
        { name: 'narrow', writers: ['111122223333'], limits: { maxObjectBytes: 2048 } },
        { name: 'wide', writers: ['444455556666'] },
        { name: 'lavish', writers: ['777788889999'], limits: { maxObjectBytes: 10_485_760 } },
      ],
    });
    const value = formatPublisherObjectLimits(registry);
    assert.equal(value, 'narrow=2048,lavish=10485760');
    const settings = loadSettings(normalise.settings, {
      TABLE_NAME: 'articles',
      QUARANTINE_BUCKET: 'quarantine',
      PUBLISHER_OBJECT_LIMITS: value,
    });
    assert.deepEqual(
      [...settings.publisherObjectLimits],
      [
        ['narrow', 2048],
        ['lavish', 10_485_760],
      ],
    );
    assert.equal(
      loadSettings(normalise.settings, { TABLE_NAME: 't1', QUARANTINE_BUCKET: 'q1' }).publisherObjectLimits
        .size,
      0,
    );
  });

  test('a malformed setting names the bad entry instead of guessing a limit', () => {
    assert.throws(
      () => parsePublisherObjectLimits('narrow=0'),
      /'narrow=0' must give a whole number of bytes from 1 to 5368709120/,
    );
    assert.throws(() => parsePublisherObjectLimits('narrow=5368709121'), /from 1 to 5368709120/);
    assert.throws(() => parsePublisherObjectLimits('narrow'), /'narrow' is not <publisher>=<bytes>/);
    assert.throws(() => parsePublisherObjectLimits('Narrow=10'), /name 'Narrow' must be/);
    assert.throws(() => parsePublisherObjectLimits('narrow=10,narrow=20'), /'narrow' is listed twice/);
    assert.throws(
      () =>
        loadSettings(normalise.settings, {
          TABLE_NAME: 't1',
          QUARANTINE_BUCKET: 'q1',
          PUBLISHER_OBJECT_LIMITS: 'narrow=-1',
        }),
      /invalid settings: publisher object limits: 'narrow=-1' is not <publisher>=<bytes>/,
    );
  });

  test('2,049 bytes over a 2,048-byte limit: rejected from the notification alone, never fetched, quarantined', async () => {
    const { index, quarantine, gets, drop } = setup({ narrow: 2048 });
    const outcome = await drop('narrow/big.txt', storyOfSize(2049));
    assert.equal(outcome.status, 'rejected');
    assert.equal('code' in outcome && outcome.code, 'OVER_PUBLISHER_LIMIT');
    assert.equal(
      'reason' in outcome && outcome.reason,
      "the object is larger than its publisher's own limit (limits.maxObjectBytes in the registry): publisher 'narrow' may drop objects of at most 2048 bytes, and this one is 2049 bytes",
    );
    assert.deepEqual(gets, []);
    assert.deepEqual(quarantine.kept, [{ key: 'narrow/big.txt', code: 'OVER_PUBLISHER_LIMIT' }]);
    const rejection = await index.latestRejection('narrow/big.txt');
    assert.equal(rejection?.code, 'OVER_PUBLISHER_LIMIT');
    assert.equal(rejection?.sizeBytes, 2049);
    assert.equal(rejection?.quarantineKey, 'quarantine/narrow/big.txt');
  });

  test('exactly 2,048 bytes goes through, and 2,049 bytes from a publisher with no limit of its own too', async () => {
    const { drop } = setup({ narrow: 2048 });
    assert.equal((await drop('narrow/fits.txt', storyOfSize(2048))).status, 'published');
    assert.equal((await drop('wide/big.txt', storyOfSize(2049))).status, 'published');
  });

  test('with no size in the notification the GET is bounded by the same limit: the bytes are never handed out', async () => {
    const { reads, quarantine, drop } = setup({ narrow: 2048 });
    const outcome = await drop('narrow/big.txt', storyOfSize(2049), false);
    assert.equal('code' in outcome && outcome.code, 'OVER_PUBLISHER_LIMIT');
    assert.match('reason' in outcome ? outcome.reason : '', /at most 2048 bytes, and this one is 2049 bytes/);
    assert.deepEqual(reads, []);
    assert.deepEqual(quarantine.kept, [{ key: 'narrow/big.txt', code: 'OVER_PUBLISHER_LIMIT' }]);
  });

  test("a publisher's limit above the pipeline's does not raise it: 5,242,881 bytes is TOO_LARGE", async () => {
    const { gets, drop } = setup({ lavish: 10_485_760 });
    const outcome = await drop('lavish/huge.txt', new Uint8Array(5_242_881));
    assert.equal('code' in outcome && outcome.code, 'TOO_LARGE');
    assert.match('reason' in outcome ? outcome.reason : '', /5242881 bytes, limit 5242880/);
    assert.deepEqual(gets, []);
  });

  test('an object deleted since its notification is missing: nothing rejected, nothing quarantined', async () => {
    const { objects, index, quarantine, gets, deps } = setup({ narrow: 2048 });
    objects.delete(BUCKET, 'narrow/gone.txt');
    const outcome = await ingestObject(deps, {
      bucket: BUCKET,
      key: 'narrow/gone.txt',
      sequencer: '0A',
      sizeBytes: 4096,
    });
    assert.deepEqual(outcome, { status: 'missing' });
    assert.deepEqual(gets, []);
    assert.deepEqual(quarantine.kept, []);
    assert.equal(await index.latestRejection('narrow/gone.txt'), undefined);
  });
});

/** An S3 event notification as S3 sends it to SQS (event message structure 2.1), `size` as given. */
function s3Notification(eventName: string, key: string, size: number | undefined, sequencer: string): string {
  const sizeField = size === undefined ? '' : `"size":${size},`;
  return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
"eventTime":"2026-12-07T12:00:00.000Z","eventName":"${eventName}",
"userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"ingest","bucket":{"name":"${BUCKET}","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::${BUCKET}"},
"object":{"key":"${key}",${sizeField}"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"${sequencer}"}}}]}`;
}

function sqsRecord(messageId: string, body: string) {
  return {
    messageId,
    receiptHandle: 'MessageReceiptHandle',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1523232000000',
      SenderId: '123456789012',
      ApproximateFirstReceiveTimestamp: '1523232000001',
    },
    messageAttributes: {},
    md5OfBody: '7b270e59b47ff90a553787216d55d91d',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:syndicate-ingest',
    awsRegion: 'us-east-1',
  };
}

describe('the size in S3 notifications', () => {
  test('ObjectCreated gives the size; ObjectRemoved has none', () => {
    const created = parseS3Notifications(s3Notification('ObjectCreated:Put', 'narrow/a.txt', 2049, '0A'));
    assert.deepEqual(created, {
      kind: 'records',
      notifications: [
        {
          kind: 'created',
          bucket: BUCKET,
          key: 'narrow/a.txt',
          sequencer: '0A',
          sizeBytes: 2049,
          eventTime: '2026-12-07T12:00:00.000Z',
        },
      ],
    });
    const removed = parseS3Notifications(
      s3Notification('ObjectRemoved:Delete', 'narrow/a.txt', undefined, '0B'),
    );
    assert.deepEqual(removed, {
      kind: 'records',
      notifications: [
        {
          kind: 'removed',
          bucket: BUCKET,
          key: 'narrow/a.txt',
          sequencer: '0B',
          eventTime: '2026-12-07T12:00:00.000Z',
        },
      ],
    });
  });

  test('normalise: the object over its limit is rejected, the rest of the batch published, no record retried', async () => {
    const { objects, store, gets } = countingStore();
    objects.put(BUCKET, { key: 'narrow/big.txt', bytes: storyOfSize(2049) });
    objects.put(BUCKET, { key: 'wide/big.txt', bytes: storyOfSize(2049) });
    const receipts = new InMemoryReceipts();
    const quarantine = new InMemoryQuarantine();
    const handler = createNormaliseHandler({
      objects: store,
      index: new InMemoryArticleIndex(),
      quarantine,
      receipts,
      now: () => new Date('2026-12-07T12:00:00Z'),
      publishers: new Set(['narrow', 'wide']),
      publisherObjectLimits: new Map([['narrow', 2048]]),
      logger: SILENT_LOG,
      metrics: new RecordingMetrics(),
    });
    const event = {
      Records: [
        sqsRecord('m1', s3Notification('ObjectCreated:Put', 'narrow/big.txt', 2049, '0A')),
        sqsRecord('m2', s3Notification('ObjectCreated:Put', 'wide/big.txt', 2049, '0B')),
      ],
    } as SQSEvent;
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.deepEqual(gets, ['wide/big.txt']);
    assert.deepEqual(quarantine.kept, [{ key: 'narrow/big.txt', code: 'OVER_PUBLISHER_LIMIT' }]);
    assert.deepEqual(
      receipts.written.map(({ receipt }) => [receipt.objectKey, receipt.status, receipt.code]),
      [
        ['narrow/big.txt', 'rejected', 'OVER_PUBLISHER_LIMIT'],
        ['wide/big.txt', 'published', undefined],
      ],
    );
  });
});
