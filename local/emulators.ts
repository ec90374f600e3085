/**
 * The three AWS emulators the local runtime is built on (no Docker, no account): s3rver for S3,
 * dynalite for DynamoDB, fauxqs for SNS and SQS. All listen on 127.0.0.1 on free ports.
 * s3rver and dynalite run on a worker thread (./emulator-thread.ts), so the runtime uses a second
 * core; fauxqs stays on the main thread, where the runtime inspects its queues directly.
 * See ../shared/notes/platform-facts.md (beside the repo) for why these three and their known gaps.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import type { EmulatorThreadMessage, EmulatorThreadRequest } from './emulator-thread.js';

/** s3rver's event notification, as it emits it (see ./aws-event-bridge.ts for how AWS's differ). */
export interface S3rverEvent {
  readonly Records: {
    eventTime: string;
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }[];
}

export interface Emulators {
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  /** SNS and SQS share one fauxqs server. */
  readonly messagingEndpoint: string;
  /** s3rver's `event` notifications, relayed from the emulator thread. */
  readonly s3Events: EventEmitter<{ event: [S3rverEvent] }>;
  /**
   * Resolves once every event s3rver emitted so far has been relayed. s3rver emits an object's event
   * before it answers the request, so after an S3 call returns this brings its event too (in process,
   * s3rver's events used to arrive before the answer; tests rely on that order).
   */
  s3EventsRelayed(): Promise<void>;
  readonly messaging: FauxqsServer;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The emulators' credentials: s3rver accepts only this key id (signatures unchecked); dynalite and fauxqs accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts the emulator thread. Built (dist/cli/, see scripts/build-cli.ts), this module sits beside
 * the thread's own built entry. From the TypeScript sources the project runs through tsx, registered
 * in whatever way this process was started (`--import tsx`, tsx's CLI, or its API in
 * bin/syndicate.js); the thread then loads its module through tsx's own `tsImport`, which works the
 * same in every case.
 */
function startEmulatorThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./emulator-thread.js', import.meta.url));
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./emulator-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true });
}

function nextMessage<T extends EmulatorThreadMessage['type']>(
  worker: Worker,
  type: T,
): Promise<Extract<EmulatorThreadMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: EmulatorThreadMessage) => {
      if (message.type === 'failed') done(new Error(`emulator thread: ${message.error}`));
      else if (message.type === type) done(undefined, message as Extract<EmulatorThreadMessage, { type: T }>);
    };
    const onError = (error: Error) => done(error);
    const onExit = (code: number) => done(new Error(`emulator thread exited (${code})`));
    const done = (error?: Error, message?: Extract<EmulatorThreadMessage, { type: T }>) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) reject(error);
      else resolve(message as Extract<EmulatorThreadMessage, { type: T }>);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

export async function startEmulators(): Promise<Emulators> {
  const worker = startEmulatorThread();
  const s3Events = new EventEmitter<{ event: [S3rverEvent] }>();
  const flushes = new Map<number, () => void>();
  let flushId = 0;
  worker.on('message', (message: EmulatorThreadMessage) => {
    if (message.type === 's3-event') s3Events.emit('event', message.event as S3rverEvent);
    else if (message.type === 'flushed') {
      flushes.get(message.id)?.();
      flushes.delete(message.id);
    }
  });
  const [thread, fauxqs] = await Promise.allSettled([
    nextMessage(worker, 'ready'),
    // The spy tells the runtime of each message enqueued (./queue-arrivals.ts); it buffers none.
    startFauxqs({ port: 0, host: HOST, logger: false, messageSpies: { bufferSize: 0 } }),
  ]);
  if (thread.status === 'rejected' || fauxqs.status === 'rejected') {
    await Promise.all([fauxqs.status === 'fulfilled' ? fauxqs.value.stop() : undefined, worker.terminate()]);
    throw thread.status === 'rejected' ? thread.reason : (fauxqs as PromiseRejectedResult).reason;
  }
  const ready = thread.value;
  const started = fauxqs.value;
  return {
    s3Endpoint: `http://${HOST}:${ready.s3Port}`,
    dynamoDbEndpoint: `http://${HOST}:${ready.dynamoDbPort}`,
    // fauxqs listens on every interface whatever `host` says; clients are pointed at loopback explicitly.
    messagingEndpoint: `http://${HOST}:${started.port}`,
    s3Events,
    s3EventsRelayed() {
      const id = ++flushId;
      return new Promise((resolve) => {
        flushes.set(id, resolve);
        worker.postMessage({ type: 'flush', id } satisfies EmulatorThreadRequest);
      });
    },
    messaging: started,
    async stop() {
      const stopped = nextMessage(worker, 'stopped');
      worker.postMessage({ type: 'stop' } satisfies EmulatorThreadRequest);
      await Promise.all([stopped, started.stop()]);
      await worker.terminate();
    },
  };
}
