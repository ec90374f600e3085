/**
 * What every `syndicate` command shares, kept free of heavy imports so that `syndicate --help` and a
 * usage mistake cost almost nothing: the one-line error a user mistake becomes, reading the files a
 * command is given, the object key a file would have in the ingest bucket, and option values.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * A mistake the user can fix: printed as `syndicate: <what> (<hint>)`, one line, no stack trace,
 * and the command exits non-zero.
 */
export class CliError extends Error {
  constructor(
    readonly what: string,
    readonly hint: string,
    readonly exitCode = 2,
  ) {
    super(`${what} (${hint})`);
  }
}

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The one line a file-system error on `file` becomes, or undefined when it is not one we explain. */
export function fileProblem(file: string, error: unknown): CliError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new CliError(`${file}: no such file`, 'check the path', 1);
  if (code === 'EISDIR')
    return new CliError(`${file} is a folder, not a file`, 'give the files inside it, e.g. DIR/*', 1);
  if (code === 'EACCES' || code === 'EPERM')
    return new CliError(`${file}: permission denied`, 'check the file is readable', 1);
  return undefined;
}

/** Reads an input file, turning a missing file, a folder or a permission problem into a CliError. */
export async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw fileProblem(file, error) ?? error;
  }
}

/** Throws the CliError `readInput` would, without reading the file. */
export function checkInput(file: string): void {
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
  } catch (error) {
    throw fileProblem(file, error) ?? error;
  }
}

/**
 * The key a file would have in the ingest bucket, as a publisher's drop gives it: its path under
 * `root` with '/' separators, whose first folder names the source (see sourceForKey), or
 * `SOURCE/<file name>` with a source. A file outside the root is keyed by its name alone (source
 * `direct`), as an object at the top of the bucket is.
 */
export function objectKeyFor(file: string, options: { root?: string; source?: string } = {}): string {
  if (options.source) return `${options.source}/${basename(file)}`;
  const path = relative(resolve(options.root ?? '.'), resolve(file));
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return basename(file);
  return path.split(sep).join('/');
}

/** Keys for several files; a key given twice gets `-2`, `-3`… before its file name, so none overwrites another. */
export function distinctKeys(
  files: readonly string[],
  options: { root?: string; source?: string },
): { file: string; key: string }[] {
  const used = new Set<string>();
  return files.map((file) => {
    const wanted = objectKeyFor(file, options);
    let key = wanted;
    for (let n = 2; used.has(key); n++) {
      const slash = wanted.lastIndexOf('/');
      key = `${wanted.slice(0, slash + 1)}${n}-${wanted.slice(slash + 1)}`;
    }
    used.add(key);
    return { file, key };
  });
}

/** A whole number ≥ 1 given as an option value. */
export function positiveInteger(option: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1)
    throw new CliError(
      `--${option} must be a whole number of 1 or more, not '${value}'`,
      `e.g. --${option} 20`,
    );
  return number;
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time given as an ISO 8601 date-time (`2026-11-25T09:00Z`, `2026-11-25`) or as a
 * duration back from `now` (`90s`, `15m`, `1h`, `2d`).
 */
export function pointInTime(option: string, value: string, now: Date): Date {
  const relativeTime = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(value.trim());
  if (relativeTime) {
    const unit = DURATION_UNITS[(relativeTime[2] as string).toLowerCase()] as number;
    return new Date(now.getTime() - Number(relativeTime[1]) * unit);
  }
  // Date.parse also takes forms like "1" or "March 7"; only ISO-looking values are accepted.
  const date = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? new Date(value.trim()) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new CliError(
      `--${option} '${value}' is neither a date-time nor a duration`,
      `e.g. --${option} 2026-11-25T09:00:00Z or --${option} 1h (s, m, h, d)`,
    );
  return date;
}

/**
 * The project folder a command acts for: the nearest folder at or above `from` holding a
 * package.json (the repository root), or `from` itself when there is none.
 */
export function projectRoot(from = process.cwd()): string {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return resolve(from);
  }
}

/** A command line parsed by node:util parseArgs: its options and its positional arguments. */
export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}
