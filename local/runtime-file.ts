/**
 * While `syndicate start` runs, it writes where its emulators listen and what it created to
 * `.syndicate/runtime.json`, so other `syndicate` commands (rejects, replay) can act on it from
 * another terminal, through the same SDK clients they would use against AWS.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalResources } from './resources.js';

export interface RuntimeInfo {
  readonly pid: number;
  readonly endpoints: { readonly s3: string; readonly dynamodb: string; readonly messaging: string };
  readonly resources: LocalResources;
}

export const RUNTIME_FILE = join(process.cwd(), '.syndicate', 'runtime.json');

export function writeRuntimeInfo(info: RuntimeInfo): void {
  mkdirSync(join(process.cwd(), '.syndicate'), { recursive: true });
  writeFileSync(RUNTIME_FILE, JSON.stringify(info, null, 2));
}

export function removeRuntimeInfo(): void {
  rmSync(RUNTIME_FILE, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running local runtime, or undefined when none is running. */
export function readRuntimeInfo(): RuntimeInfo | undefined {
  if (!existsSync(RUNTIME_FILE)) return undefined;
  const info = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeInfo;
  return alive(info.pid) ? info : undefined;
}
