/**
 * `syndicate invoke normalise|publish EVENT.json`: one production handler on one event, against the
 * local runtime with the sample articles loaded, like `sam local invoke`. The event must be of the
 * shape the function receives in AWS: S3 notifications through SQS for normalise, a DynamoDB stream
 * batch for publish.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Parsed } from '../support.js';
import { CliError, projectRoot, readInput, say, warn } from '../support.js';
import { startPipeline } from './session.js';

const CODE_ROOT = projectRoot(fileURLToPath(new URL('.', import.meta.url)));
const SAMPLE_ARTICLES = join(CODE_ROOT, 'events', 'articles');

type Shape = 'sqs-s3' | 'sqs' | 'dynamodb' | 's3' | 'unknown';

interface S3Record {
  eventName?: string;
  eventSource?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; sequencer?: string } };
}

function s3RecordsOf(body: unknown): S3Record[] | undefined {
  try {
    const parsed = JSON.parse(String(body)) as { Records?: S3Record[] };
    return Array.isArray(parsed.Records) && parsed.Records.every((record) => record.eventSource === 'aws:s3')
      ? parsed.Records
      : undefined;
  } catch {
    return undefined;
  }
}

/** What kind of Lambda event this is, judged by the `eventSource` AWS puts on every record. */
function shapeOf(event: unknown): Shape {
  const records = (event as { Records?: { eventSource?: string; EventSource?: string; body?: unknown }[] })
    ?.Records;
  if (!Array.isArray(records) || records.length === 0) return 'unknown';
  const sources = new Set(records.map((record) => record.eventSource ?? record.EventSource));
  if (sources.size !== 1) return 'unknown';
  if (sources.has('aws:dynamodb')) return 'dynamodb';
  if (sources.has('aws:s3')) return 's3';
  if (sources.has('aws:sqs'))
    return records.every((record) => s3RecordsOf(record.body) !== undefined) ? 'sqs-s3' : 'sqs';
  return 'unknown';
}

const SHAPE_NAMES: Record<Shape, string> = {
  'sqs-s3': 'S3 notifications through SQS (the normalise function’s event)',
  sqs: 'an SQS event whose messages are not S3 notifications',
  dynamodb: 'a DynamoDB stream batch (the publish function’s event)',
  s3: 'an S3 event sent straight to a function (ours receive S3 notifications through the ingest queue)',
  unknown: 'not a Lambda event with Records',
};

/** The S3 keys removed by an SQS event's notifications, with each removal's sequencer. */
function removals(event: { Records: { body: string }[] }): { key: string; sequencer?: string }[] {
  return event.Records.flatMap((record) => s3RecordsOf(record.body) ?? []).flatMap((record) => {
    const object = record.s3?.object;
    if (!record.eventName?.startsWith('ObjectRemoved') || !object?.key) return [];
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    return [{ key, ...(object.sequencer ? { sequencer: object.sequencer } : {}) }];
  });
}

/** A creation of `key` that S3 would have sent just before the removal with `sequencer`. */
function creationBefore(bucket: string, key: string, sequencer: string | undefined) {
  const earlier = sequencer
    ? (BigInt(`0x${sequencer}`) - 1n).toString(16).toUpperCase().padStart(sequencer.length, '0')
    : undefined;
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: 'ObjectCreated:Put',
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeURIComponent(key).replace(/%2F/g, '/'),
        ...(earlier ? { sequencer: earlier } : {}),
      },
    },
  };
  return {
    Records: [
      {
        messageId: `setup-${key}`,
        receiptHandle: 'setup',
        body: JSON.stringify({ Records: [record] }),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:syndicate-ingest',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

export async function commandInvoke({ positionals }: Parsed): Promise<number> {
  const [name, eventFile] = positionals as [string, string];
  if (name !== 'normalise' && name !== 'publish')
    throw new CliError(`no function '${name}' to invoke`, 'syndicate invoke normalise|publish EVENT.json');
  let event: unknown;
  try {
    event = JSON.parse((await readInput(eventFile)).toString('utf8'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${eventFile} is not JSON: ${(error as Error).message}`, 'see the samples in events/');
  }
  const shape = shapeOf(event);
  const wanted: Shape = name === 'normalise' ? 'sqs-s3' : 'dynamodb';
  if (shape !== wanted) {
    const other = shape === 'sqs-s3' ? 'normalise' : shape === 'dynamodb' ? 'publish' : undefined;
    throw new CliError(
      `${eventFile} is ${SHAPE_NAMES[shape]}, not what ${name} receives`,
      other
        ? `run syndicate invoke ${other} ${eventFile}`
        : `${name} takes ${SHAPE_NAMES[wanted]}, e.g. events/${name === 'normalise' ? 's3-put-via-sqs.json' : 'dynamodb-stream-batch.json'}`,
    );
  }
  const { pipeline } = await startPipeline();
  try {
    const handlers = pipeline.handlers;
    if (!handlers) throw new Error('the local runtime did not load the handlers');
    // normalise: the sample objects are in the bucket, as if uploaded before the notification, and
    // only the given event runs. publish: the samples went through the pipeline, so the versions a
    // stream event refers to are in the index.
    const samples = await readdirFiles(SAMPLE_ARTICLES);
    for (const { key, file } of samples)
      await pipeline.upload(key, await readFile(file), { notify: name === 'publish' });
    if (name === 'normalise') {
      // A removal withdraws an article only if it was published and its object is gone: publish
      // it first (a creation just before the removal, in S3's order), then delete it silently.
      for (const { key, sequencer } of removals(event as { Records: { body: string }[] })) {
        await handlers.normalise(creationBefore(pipeline.resources.bucket, key, sequencer) as never);
        pipeline.forwarder?.suppressed.add(key);
        await pipeline.remove(key);
      }
    }
    await pipeline.waitForIdle();
    const since = Date.now();
    const response = (await (handlers[name] as (input: unknown) => Promise<unknown>)(event)) as {
      batchItemFailures?: unknown[];
    };
    await pipeline.waitForIdle();
    say(JSON.stringify(response, null, 2));
    const delivered = pipeline.deliveries.filter((delivery) => delivery.receivedAt >= since);
    for (const { partner, envelope } of delivered)
      warn(`delivered to ${partner}: ${envelope.eventType} ${envelope.uri} v${envelope.version}`);
    if (delivered.length === 0) warn('no partner message resulted from this event');
    const failures = response?.batchItemFailures?.length ?? 0;
    if (failures > 0) warn(`${failures} record(s) failed: the function would have them retried`);
    return failures > 0 ? 1 : 0;
  } finally {
    await pipeline.stop();
  }
}

async function readdirFiles(root: string): Promise<{ key: string; file: string }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { file, key: relative(root, file).split(sep).join('/') };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
