/**
 * Publishers' own object size limits (`limits.maxObjectBytes` in the registry), carried from the
 * registry to normalise in one environment variable: `name=bytes` pairs joined by ','. Only
 * publishers that set a limit are listed, so the variable stays well inside Lambda's 4 KB of
 * environment next to the list of names.
 */
import { type Publisher, publisherNameProblem, S3_MAX_PUT_BYTES } from './registry.js';

/** Each publisher's largest object in bytes, by name; a publisher with no limit of its own is absent. */
export type PublisherObjectLimits = ReadonlyMap<string, number>;

/** The setting's value for a registry: empty when no publisher sets a limit. */
export function formatPublisherObjectLimits(publishers: readonly Publisher[]): string {
  return publishers
    .flatMap((publisher) => {
      const maxObjectBytes = publisher.limits?.maxObjectBytes;
      return maxObjectBytes === undefined ? [] : [`${publisher.name}=${maxObjectBytes}`];
    })
    .join(',');
}

/**
 * Reads the setting back; unset or empty is no limits. A malformed entry throws a message naming it:
 * the stack writes the value from a validated registry, so a bad one is a deployment fault to fix, not
 * a limit to guess.
 */
export function parsePublisherObjectLimits(raw: string | undefined): PublisherObjectLimits {
  const limits = new Map<string, number>();
  for (const entry of (raw ?? '').split(',')) {
    const pair = entry.trim();
    if (pair === '') continue;
    const match = /^([^=]*)=(\d+)$/.exec(pair);
    const name = match?.[1] ?? '';
    const bytes = Number(match?.[2]);
    const problem = match ? publisherNameProblem(name) : `'${pair}' is not <publisher>=<bytes>`;
    if (problem) throw new Error(`publisher object limits: ${problem}`);
    if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > S3_MAX_PUT_BYTES)
      throw new Error(
        `publisher object limits: '${pair}' must give a whole number of bytes from 1 to ${S3_MAX_PUT_BYTES}`,
      );
    if (limits.has(name)) throw new Error(`publisher object limits: '${name}' is listed twice`);
    limits.set(name, bytes);
  }
  return limits;
}
