/**
 * Benchmark workers: each measurement that reports memory runs in its own child process (TypeScript
 * through tsx), so its peak RSS is its own. The parent sends requests over the IPC channel and the
 * worker answers each; `close()` returns the worker's peak RSS and ends it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssKb } from './stats.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * With `--cpu-prof DIR` (BENCH_CPU_PROF), every child writes V8 CPU profiles into `DIR/<name>/`
 * (one per thread: tsx's module hooks run on a thread of their own); `npx tsx bench/profile-summary.ts
 * DIR/<name>` lists where the main thread's time went.
 */
export function cpuProfileArgs(name: string): string[] {
  const directory = process.env.BENCH_CPU_PROF;
  return directory ? ['--cpu-prof', `--cpu-prof-dir=${join(directory, name)}`] : [];
}

export class Worker {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private stderr = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) {
        waiter.reject(
          new Error(
            `${name} exited (${code ?? signal}) ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
      }
      this.pending.clear();
    });
  }

  /** Starts `bench/<script>` in a fresh Node process with tsx; `env` is added to this process's environment. */
  static start(script: string, name: string, env: Record<string, string> = {}): Worker {
    const child = fork(fileURLToPath(new URL(`../${script}`, import.meta.url)), [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', ...cpuProfileArgs(name)],
      env: { ...process.env, ...env },
      // Handler logs (Powertools, JSON on stdout) are written as in production, then discarded.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    return new Worker(child, name);
  }

  request<T>(body: unknown): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, body });
    });
  }

  /** Asks the worker for its peak RSS (KB) and ends it. */
  async close(): Promise<number> {
    const rss = await this.request<number>({ type: '__close' });
    await new Promise<void>((resolve) => {
      if (this.exited) resolve();
      else this.child.once('exit', () => resolve());
    });
    return rss;
  }

  /** Ends the worker after a failure: politely (so a CPU profile is still written), then by force. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([
      this.close().then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
    this.kill();
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Worker side: answers each request with `handle`; `__close` answers with the peak RSS and exits. */
export function serve(handle: (body: unknown) => Promise<unknown>): void {
  process.on('message', (message: { id: number; body: unknown }) => {
    const { id, body } = message;
    if ((body as { type?: string }).type === '__close') {
      process.send?.({ id, ok: true, value: peakRssKb() } satisfies Reply, () => process.exit(0));
      return;
    }
    handle(body).then(
      (value) => process.send?.({ id, ok: true, value } satisfies Reply),
      (error: unknown) =>
        process.send?.({
          id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Reply),
    );
  });
}
