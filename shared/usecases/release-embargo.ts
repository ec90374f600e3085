import type { ArticleHead, ArticleVersion } from '../domain/article.js';
import { EmbargoNotDueError, MissingVersionError } from '../domain/errors.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { EmbargoRelease } from '../ports/embargo-scheduler.js';

export { EmbargoNotDueError };

export interface ReleaseDependencies {
  readonly index: ArticleIndex;
  readonly now: () => Date;
}

export type ReleaseOutcome =
  | { readonly status: 'released'; readonly uri: string; readonly version: number }
  | { readonly status: 'superseded' | 'unknown'; readonly uri: string };

/**
 * Releases an embargoed version when its time has come.
 * 1. Only the withheld version the schedule was made for is released: a newer version (which moved
 *    or lifted the embargo, or withdrew the article) makes this release a no-op.
 * 2. Too early (clock skew) throws EmbargoNotDueError, so the scheduler retries.
 * 3. Save version n+1 with pubStatus `usable`; its stream change publishes it.
 */
export async function releaseEmbargo(
  deps: ReleaseDependencies,
  release: EmbargoRelease,
): Promise<ReleaseOutcome> {
  const current = await deps.index.current(release.uri);
  if (!current) return { status: 'unknown', uri: release.uri };
  if (current.version !== release.version || current.pubStatus !== 'withheld')
    return { status: 'superseded', uri: release.uri };
  const due = Date.parse(current.embargoedUntil ?? release.at);
  if (deps.now().getTime() < due)
    throw new EmbargoNotDueError(`${release.uri} is embargoed until ${current.embargoedUntil}`);
  const last = await deps.index.version(release.uri, current.version);
  if (!last)
    throw new MissingVersionError(`${release.uri}: version ${current.version} is missing from the index`);
  const now = deps.now().toISOString();
  const version = current.version + 1;
  const head: ArticleHead = {
    ...current,
    version,
    pubStatus: 'usable',
    everPublished: true,
    versionCreated: now,
  };
  const stored: ArticleVersion = {
    ...last,
    version,
    ninjs: { ...last.ninjs, version: String(version), versionCreated: now, pubStatus: 'usable' },
  };
  await deps.index.saveVersion(head, stored, current.version);
  return { status: 'released', uri: release.uri, version };
}
