/**
 * The three in-process AWS emulators the local runtime is built on (no Docker, no account):
 * s3rver for S3, dynalite for DynamoDB, fauxqs for SNS and SQS. All listen on 127.0.0.1 on free ports.
 * See ../shared/notes/platform-facts.md (beside the repo) for why these three and their known gaps.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import S3rver from 's3rver';

export interface Emulators {
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  /** SNS and SQS share one fauxqs server. */
  readonly messagingEndpoint: string;
  readonly s3: S3rver;
  readonly messaging: FauxqsServer;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

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

export async function startEmulators(): Promise<Emulators> {
  const s3Directory = await mkdtemp(join(s3Root(), 'syndicate-s3-'));
  const s3 = new S3rver({ address: HOST, port: 0, silent: true, directory: s3Directory, resetOnClose: true });
  const dynamoDb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const [s3Address, dynamoDbPort, messaging] = await Promise.all([
    s3.run() as Promise<AddressInfo>,
    listen(dynamoDb),
    startFauxqs({ port: 0, host: HOST, logger: false }),
  ]);
  return {
    s3Endpoint: `http://${HOST}:${s3Address.port}`,
    dynamoDbEndpoint: `http://${HOST}:${dynamoDbPort}`,
    // fauxqs listens on every interface whatever `host` says; clients are pointed at loopback explicitly.
    messagingEndpoint: `http://${HOST}:${messaging.port}`,
    s3,
    messaging,
    async stop() {
      await Promise.all([s3.close(), close(dynamoDb), messaging.stop()]);
      await rm(s3Directory, { recursive: true, force: true });
    },
  };
}
