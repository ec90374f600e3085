/**
 * While `syndicate start` runs, it writes where its emulators listen and what it created to
 * `.syndicate/runtime.json` in the project folder, so other `syndicate` commands (status, ingest,
 * rejects, replay, redrive) can act on it from another terminal, from any folder of the project,
 * through the same SDK clients they would use against AWS, finding each queue by its role in the
 * runtime's manifest as they find it in a stack's. The partner kit (examples/) reads it too,
 * to consume a partner's queue or receive its HTTPS notifications with `--local`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PipelineManifest } from '../shared/pipeline/manifest.js';
import type { LocalResources } from './resources.js';

export interface RuntimeInfo {
  readonly pid: number;
  /** What an AWS SDK client needs besides the endpoint: the emulators' region and the key they accept. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly endpoints: { readonly s3: string; readonly dynamodb: string; readonly messaging: string };
  readonly resources: LocalResources;
  /**
   * Every queue with its role, partner and dead-letter queue, the buckets, the table and the topics
   * (./manifest.ts): what the CLI finds things by, as it does in a deployed stack's manifest.
   */
  readonly manifest: PipelineManifest;
  /** The content API on 127.0.0.1: signed document links and partner feeds. */
  readonly contentApiUrl?: string;
  /** The operator console on 127.0.0.1. */
  readonly consoleUrl?: string;
  /**
   * The certificate the local HTTPS relay signs SNS messages with (self-signed, generated at start),
   * for a receiver on this machine to trust; absent when no partner endpoint is on this machine.
   */
  readonly relayCertificate?: string;
}

const RUNTIME_FILE = join('.syndicate', 'runtime.json');

/** Where a runtime started for the project at `projectRoot` records itself. */
export function runtimeFileIn(projectRoot: string): string {
  return join(projectRoot, RUNTIME_FILE);
}

export function writeRuntimeInfo(file: string, info: RuntimeInfo): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(info, null, 2));
}

/** Removes the file if it still describes this process (a newer runtime may have taken it over). */
export function removeRuntimeInfo(file: string, pid = process.pid): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo).pid !== pid) return;
  } catch {
    return;
  }
  rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The running local runtime nearest to `from`: the first `.syndicate/runtime.json` at or above it
 * whose process is alive, or undefined when none is running.
 */
export function readRuntimeInfo(from = process.cwd()): RuntimeInfo | undefined {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    const file = runtimeFileIn(folder);
    if (existsSync(file)) {
      try {
        const info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
        if (alive(info.pid)) return info;
      } catch {
        // a file being written, or not ours: look further up
      }
    }
    if (dirname(folder) === folder) return undefined;
  }
}
