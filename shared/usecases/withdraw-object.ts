import type { ArticleHead, ArticleVersion } from '../domain/article.js';
import { MissingVersionError } from '../domain/errors.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ObjectStore } from '../ports/object-store.js';
import { isStaleEvent, type ObjectEvent } from './ingest-object.js';

export interface WithdrawDependencies {
  readonly objects: ObjectStore;
  readonly index: ArticleIndex;
  readonly now: () => Date;
}

export type WithdrawOutcome =
  | { readonly status: 'withdrawn'; readonly uri: string; readonly version: number }
  | { readonly status: 'unknown' | 'already-withdrawn' | 'stale' | 'superseded'; readonly uri?: string };

/**
 * Withdraws the article of an object that was deleted from the bucket.
 * 1. Skip the event if a newer event for this key was handled, or if the object exists again.
 * 2. Find the article the key feeds; an object never indexed, or whose article now comes from
 *    another object, needs no withdrawal.
 * 3. Save version n+1 with pubStatus `canceled`. The head keeps the union of every version's filter
 *    attributes, so the withdrawal reaches every partner that received any version.
 */
export async function withdrawObject(
  deps: WithdrawDependencies,
  event: ObjectEvent,
): Promise<WithdrawOutcome> {
  if (await isStaleEvent(deps.index, event)) return { status: 'stale' };
  if (await deps.objects.exists(event.bucket, event.key)) return { status: 'stale' };
  const state = await deps.index.objectState(event.key);
  const now = deps.now().toISOString();
  const remember = (uri?: string) =>
    deps.index.saveObjectState({
      key: event.key,
      lastEvent: 'removed',
      at: now,
      ...(uri ? { uri } : {}),
      ...(event.sequencer ? { sequencer: event.sequencer } : {}),
    });
  const uri = state?.uri;
  const current = uri ? await deps.index.current(uri) : undefined;
  if (!uri || !current) {
    await remember(uri);
    return { status: 'unknown', ...(uri ? { uri } : {}) };
  }
  if (current.origin.key !== event.key) return { status: 'superseded', uri };
  if (current.pubStatus === 'canceled') {
    await remember(uri);
    return { status: 'already-withdrawn', uri };
  }
  const last = await deps.index.version(uri, current.version);
  if (!last) throw new MissingVersionError(`${uri}: version ${current.version} is missing from the index`);
  const version = current.version + 1;
  const head: ArticleHead = {
    ...current,
    version,
    pubStatus: 'canceled',
    origin: { key: event.key, ...(event.sequencer ? { sequencer: event.sequencer } : {}) },
    versionCreated: now,
  };
  const stored: ArticleVersion = {
    ...last,
    version,
    ninjs: { ...last.ninjs, version: String(version), versionCreated: now, pubStatus: 'canceled' },
  };
  await deps.index.saveVersion(head, stored, current.version);
  await remember(uri);
  return { status: 'withdrawn', uri, version };
}
