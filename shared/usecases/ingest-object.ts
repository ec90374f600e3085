import { type ArticleRecord, articleUriForKey } from '../domain/article.js';
import { RejectedInputError } from '../domain/errors.js';
import { normaliseObject } from '../formats/normalise.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ObjectStore } from '../ports/object-store.js';

export interface IngestDependencies {
  readonly objects: ObjectStore;
  readonly index: ArticleIndex;
  readonly now: () => Date;
}

export type IngestOutcome =
  | { readonly status: 'published'; readonly uri: string; readonly version: number }
  | { readonly status: 'unchanged'; readonly uri: string; readonly version: number }
  | { readonly status: 'rejected'; readonly uri: string; readonly code: string; readonly reason: string }
  | { readonly status: 'missing'; readonly uri: string };

/**
 * Ingests one object that was created or overwritten in the bucket.
 * 1. Read it; if it is gone already, there is nothing to ingest (its removal is handled on its own).
 * 2. Normalise it; an input the normaliser refuses is recorded as a rejection with its reason.
 * 3. Compare with the current version: the same content hash means a duplicate, nothing is written.
 * 4. Save version n+1, conditional on n still being current (a lost race throws and is retried).
 */
export async function ingestObject(
  deps: IngestDependencies,
  bucket: string,
  key: string,
): Promise<IngestOutcome> {
  const uri = articleUriForKey(key);
  const object = await deps.objects.get(bucket, key);
  if (!object) return { status: 'missing', uri };

  const now = deps.now().toISOString();
  let normalised: ReturnType<typeof normaliseObject>;
  try {
    normalised = normaliseObject(object);
  } catch (error) {
    if (!(error instanceof RejectedInputError)) throw error;
    await deps.index.saveRejection({
      uri,
      objectKey: key,
      code: error.code,
      message: error.message,
      sizeBytes: object.bytes.length,
      rejectedAt: now,
    });
    return { status: 'rejected', uri, code: error.code, reason: error.message };
  }

  const current = await deps.index.current(normalised.ninjs.uri);
  if (current && current.contentHash === normalised.contentHash) {
    return { status: 'unchanged', uri: current.uri, version: current.version };
  }
  const version = (current?.version ?? 0) + 1;
  const firstCreated = current?.firstCreated ?? now;
  const record: ArticleRecord = {
    uri: normalised.ninjs.uri,
    version,
    contentHash: normalised.contentHash,
    pubStatus: normalised.ninjs.pubStatus ?? 'usable',
    objectKey: key,
    source: normalised.source,
    ...(normalised.ninjs.language ? { language: normalised.ninjs.language } : {}),
    ...(normalised.ninjs.urgency !== undefined ? { urgency: normalised.ninjs.urgency } : {}),
    subjectCodes: normalised.subjectCodes,
    firstCreated,
    versionCreated: now,
    ninjs: { ...normalised.ninjs, version: String(version), firstCreated, versionCreated: now },
  };
  await deps.index.saveVersion(record, current?.version);
  return { status: 'published', uri: record.uri, version };
}
