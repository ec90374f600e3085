import { type ArticleRecord, articleUriForKey } from '../domain/article.js';
import type { ArticleIndex } from '../ports/article-index.js';

export interface WithdrawDependencies {
  readonly index: ArticleIndex;
  readonly now: () => Date;
}

export type WithdrawOutcome =
  | { readonly status: 'withdrawn'; readonly uri: string; readonly version: number }
  | { readonly status: 'unknown' | 'already-withdrawn'; readonly uri: string };

/**
 * Withdraws the article of an object that was deleted from the bucket.
 * 1. Find the current version; an article never indexed needs no withdrawal.
 * 2. Save version n+1 with pubStatus `canceled`, keeping the last version's filter attributes so
 *    the withdrawal reaches every partner that received the article.
 */
export async function withdrawObject(deps: WithdrawDependencies, key: string): Promise<WithdrawOutcome> {
  const uri = articleUriForKey(key);
  const current = await deps.index.current(uri);
  if (!current) return { status: 'unknown', uri };
  if (current.pubStatus === 'canceled') return { status: 'already-withdrawn', uri };
  const version = current.version + 1;
  const now = deps.now().toISOString();
  const record: ArticleRecord = {
    ...current,
    version,
    pubStatus: 'canceled',
    versionCreated: now,
    ninjs: { ...current.ninjs, version: String(version), versionCreated: now, pubStatus: 'canceled' },
  };
  await deps.index.saveVersion(record, current.version);
  return { status: 'withdrawn', uri, version };
}
