/**
 * The emulator thread: s3rver (S3) and dynalite (DynamoDB) on a worker thread of their own, so that
 * the emulators' request handling runs on another core than the handlers and SDK clients calling
 * them, as AWS's services do. Started by ./emulators.ts; s3rver's event notifications are posted to
 * the main thread, which forwards them to the ingest queue (./aws-event-bridge.ts).
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import dynalite from 'dynalite';
import S3rver from 's3rver';

/** What the thread posts to the main thread. */
export type EmulatorThreadMessage =
  | { readonly type: 'ready'; readonly s3Port: number; readonly dynamoDbPort: number }
  | { readonly type: 's3-event'; readonly event: unknown }
  | { readonly type: 'flushed'; readonly id: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };

/** What the main thread posts to the thread. */
export type EmulatorThreadRequest =
  | { readonly type: 'flush'; readonly id: number }
  | { readonly type: 'stop' };

const HOST = '127.0.0.1';

/**
 * Where s3rver keeps objects: a memory-backed file system where Linux has one, since s3rver writes a
 * directory, the object and its metadata for every PUT (about twice the CPU per PUT on a disk).
 */
function s3Root(): string {
  const shared = '/dev/shm';
  try {
    accessSync(shared, constants.W_OK);
    return shared;
  } catch {
    return tmpdir();
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const port = parentPort;
if (!port) throw new Error('local/emulator-thread.ts runs on a worker thread (see ./emulators.ts)');
const post = (message: EmulatorThreadMessage) => port.postMessage(message);

try {
  const s3Directory = await mkdtemp(join(s3Root(), 'syndicate-s3-'));
  const s3 = new S3rver({ address: HOST, port: 0, silent: true, directory: s3Directory, resetOnClose: true });
  const dynamoDb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const [s3Address, dynamoDbPort] = await Promise.all([s3.run() as Promise<AddressInfo>, listen(dynamoDb)]);
  s3.on('event', (event: unknown) => post({ type: 's3-event', event }));
  port.on('message', (request: EmulatorThreadRequest) => {
    // Messages on one port arrive in order: the answer comes after every event emitted before it.
    if (request.type === 'flush') return post({ type: 'flushed', id: request.id });
    void Promise.all([s3.close(), close(dynamoDb)])
      .then(() => rm(s3Directory, { recursive: true, force: true }))
      .then(() => post({ type: 'stopped' }));
  });
  post({ type: 'ready', s3Port: s3Address.port, dynamoDbPort });
} catch (error) {
  post({ type: 'failed', error: String(error) });
}
