import {
  type ArticleHead,
  type ArticleVersion,
  boundedUnion,
  compareSequencers,
  EVER_LANGUAGES_MAX_BYTES,
  EVER_SOURCES_MAX_BYTES,
  EVER_SUBJECTS_MAX_BYTES,
  mostUrgent,
  type ObjectOrigin,
  objectKeyProblem,
  sourceForKey,
} from '../domain/article.js';
import { RejectedInputError } from '../domain/errors.js';
import { droppedFields } from '../normaliser/lenient.js';
import { DEFAULT_LIMITS, type NormaliseOptions, normaliseObject, tooLarge } from '../normaliser/normalise.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ObjectStore, ObjectTooLarge, StoredObject } from '../ports/object-store.js';
import type { Quarantine } from '../ports/quarantine.js';

export interface IngestDependencies {
  readonly objects: ObjectStore;
  readonly index: ArticleIndex;
  readonly quarantine?: Quarantine;
  readonly now: () => Date;
  readonly normaliseOptions?: NormaliseOptions;
  /**
   * The registered publishers (their names are their key prefixes). When given, an object outside
   * every registered prefix is rejected UNKNOWN_SOURCE; when absent, every first-level folder is a
   * source (the local drop folder, where sources register themselves by existing).
   */
  readonly publishers?: ReadonlySet<string>;
  /**
   * Publishers' own object size limits (their registry's `limits.maxObjectBytes`), by name. A limit
   * only ever lowers the pipeline's: the pipeline's is what it was sized and tested for.
   */
  readonly publisherObjectLimits?: ReadonlyMap<string, number>;
}

export interface ObjectEvent {
  readonly bucket: string;
  readonly key: string;
  readonly sequencer?: string;
  /** The object's size as its notification gives it: an object over its limit is refused unread. */
  readonly sizeBytes?: number;
  /** When S3 stored the object (the notification's `eventTime`), kept on the head as its upload time. */
  readonly uploadedAt?: string;
}

export type IngestOutcome =
  | {
      readonly status: 'published' | 'withheld';
      readonly uri: string;
      readonly version: number;
      /** Optional fields dropped because their value failed its check (see normaliser/lenient.ts). */
      readonly droppedFields: readonly string[];
    }
  | { readonly status: 'unchanged'; readonly uri: string; readonly version: number }
  | {
      readonly status: 'rejected';
      readonly code: string;
      readonly reason: string;
      readonly quarantineKey?: string;
    }
  | { readonly status: 'missing' | 'stale' };

/** Events for one key arrive in any order; one not newer than the last seen for that key is skipped. */
export async function isStaleEvent(index: ArticleIndex, event: ObjectEvent): Promise<boolean> {
  if (!event.sequencer) return false;
  const state = await index.objectState(event.key);
  return state?.sequencer !== undefined && compareSequencers(event.sequencer, state.sequencer) <= 0;
}

/** Refuses keys that could be read as another path, and, with a registry, keys outside it. */
function checkKey(key: string, publishers: ReadonlySet<string> | undefined): void {
  const problem = objectKeyProblem(key);
  if (problem) {
    throw new RejectedInputError(
      'INVALID_KEY',
      `${problem}; name the file <source>/<path> with no '.', '..' or empty segments`,
    );
  }
  if (publishers && (!key.includes('/') || !publishers.has(sourceForKey(key)))) {
    throw new RejectedInputError(
      'UNKNOWN_SOURCE',
      `'${key.includes('/') ? sourceForKey(key) : key}' is not a registered publisher's folder; drop files under your own prefix (<your name>/...)`,
    );
  }
}

/** The limit an object is held to, and the publisher whose own limit it is when that is the smaller. */
interface SizeLimit {
  readonly maxBytes: number;
  readonly publisher?: string;
}

function sizeLimitFor(deps: IngestDependencies, key: string): SizeLimit {
  const pipelineMax = deps.normaliseOptions?.limits?.maxObjectBytes ?? DEFAULT_LIMITS.maxObjectBytes;
  const publisher = key.includes('/') ? sourceForKey(key) : undefined;
  const publisherMax = publisher === undefined ? undefined : deps.publisherObjectLimits?.get(publisher);
  if (publisherMax === undefined || publisherMax >= pipelineMax) return { maxBytes: pipelineMax };
  return { maxBytes: publisherMax, publisher };
}

function overLimit(limit: SizeLimit, sizeBytes: number): RejectedInputError {
  if (limit.publisher === undefined) return tooLarge(sizeBytes, limit.maxBytes);
  return new RejectedInputError(
    'OVER_PUBLISHER_LIMIT',
    `publisher '${limit.publisher}' may drop objects of at most ${limit.maxBytes} bytes, and this one is ${sizeBytes} bytes`,
  );
}

/**
 * The object as it is now, or only its size when it is over `limit`, or undefined when it is gone.
 * A notification that already says the object is too large decides before any GET: only whether the
 * object still exists is asked (a deleted object has nothing to quarantine).
 */
async function readObject(
  deps: IngestDependencies,
  event: ObjectEvent,
  limit: SizeLimit,
): Promise<StoredObject | ObjectTooLarge | undefined> {
  if (event.sizeBytes !== undefined && event.sizeBytes > limit.maxBytes) {
    if (!(await deps.objects.exists(event.bucket, event.key))) return undefined;
    return { key: event.key, sizeBytes: event.sizeBytes, tooLarge: true };
  }
  return deps.objects.get(event.bucket, event.key, { maxBytes: limit.maxBytes });
}

/**
 * Ingests one object that was created or overwritten in the bucket.
 * 1. Skip the event if a newer (or the same) event for this key was already handled.
 * 2. Read the object as it is now; if it is gone, its removal is handled by its own event. An object
 *    over the size limit is rejected from its size alone (the notification's, else GetObject's
 *    Content-Length), before its bytes are read: TOO_LARGE over the pipeline's limit,
 *    OVER_PUBLISHER_LIMIT over its publisher's own when that is smaller.
 * 3. Normalise it. An input the normaliser refuses is copied to quarantine and recorded as a
 *    rejection with its code and reason; nothing is published.
 * 4. The same content as the current version is a duplicate: nothing is written.
 * 5. Save version n+1 (withheld while embargoed), conditional on n still being current; a lost race
 *    throws ConcurrentUpdateError and the message is retried.
 * 6. Remember the event's sequencer for the key.
 */
export async function ingestObject(deps: IngestDependencies, event: ObjectEvent): Promise<IngestOutcome> {
  if (await isStaleEvent(deps.index, event)) return { status: 'stale' };
  const limit = sizeLimitFor(deps, event.key);
  const object = await readObject(deps, event, limit);
  if (!object) return { status: 'missing' };

  const now = deps.now().toISOString();
  const origin: ObjectOrigin = {
    key: event.key,
    ...(event.sequencer ? { sequencer: event.sequencer } : {}),
    ...(event.uploadedAt ? { uploadedAt: event.uploadedAt } : {}),
  };
  const sizeBytes = 'tooLarge' in object ? object.sizeBytes : object.bytes.length;
  let normalised: Awaited<ReturnType<typeof normaliseObject>>;
  let current: ArticleHead | undefined;
  try {
    checkKey(event.key, deps.publishers);
    if ('tooLarge' in object) throw overLimit(limit, object.sizeBytes);
    normalised = await normaliseObject(object, deps.normaliseOptions);
    // An id (https:, urn:, tag:) another source's article already has: first come, first owned.
    current = await deps.index.current(normalised.ninjs.uri);
    if (current && current.source !== normalised.source) {
      throw new RejectedInputError(
        'FOREIGN_ID',
        `the id ${JSON.stringify(normalised.ninjs.uri)} is an article of '${current.source}', and '${normalised.source}' may only update its own articles; give the document an id of your own`,
      );
    }
  } catch (error) {
    if (!(error instanceof RejectedInputError)) throw error;
    const reason = { code: error.code, message: error.message };
    const quarantineKey = await deps.quarantine?.keep(event.bucket, event.key, reason);
    await deps.index.saveRejection({
      objectKey: event.key,
      ...reason,
      sizeBytes,
      rejectedAt: now,
      ...(quarantineKey ? { quarantineKey } : {}),
    });
    await deps.index.saveObjectState({
      key: event.key,
      lastEvent: 'rejected',
      at: now,
      ...(event.sequencer ? { sequencer: event.sequencer } : {}),
    });
    return {
      status: 'rejected',
      code: error.code,
      reason: error.message,
      ...(quarantineKey ? { quarantineKey } : {}),
    };
  }

  const { ninjs } = normalised;
  const uri = ninjs.uri;
  const remember = () =>
    deps.index.saveObjectState({
      key: event.key,
      uri,
      lastEvent: 'created',
      at: now,
      ...(event.sequencer ? { sequencer: event.sequencer } : {}),
    });
  if (current && current.contentHash === normalised.contentHash) {
    await remember();
    return { status: 'unchanged', uri, version: current.version };
  }

  const version = (current?.version ?? 0) + 1;
  const firstCreated = current?.firstCreated ?? ninjs.firstCreated ?? now;
  const embargoed =
    ninjs.embargoedUntil !== undefined && Date.parse(ninjs.embargoedUntil) > deps.now().getTime();
  const pubStatus = embargoed && ninjs.pubStatus !== 'canceled' ? 'withheld' : (ninjs.pubStatus ?? 'usable');
  const document = { ...ninjs, version: String(version), firstCreated, versionCreated: now, pubStatus };
  const everUrgency = mostUrgent(ninjs.urgency, current?.everUrgency ?? current?.urgency);
  const head: ArticleHead = {
    uri,
    version,
    contentHash: normalised.contentHash,
    pubStatus,
    headline: ninjs.headlines?.[0]?.value ?? '',
    origin,
    source: normalised.source,
    ...(ninjs.language ? { language: ninjs.language } : {}),
    ...(ninjs.urgency !== undefined ? { urgency: ninjs.urgency } : {}),
    ...(ninjs.embargoedUntil ? { embargoedUntil: ninjs.embargoedUntil } : {}),
    subjectCodes: normalised.subjectCodes,
    everSubjectCodes: boundedUnion(
      normalised.subjectCodes,
      current?.everSubjectCodes ?? [],
      EVER_SUBJECTS_MAX_BYTES,
    ),
    everLanguages: boundedUnion(
      ninjs.language ? [ninjs.language] : [],
      current?.everLanguages ?? [],
      EVER_LANGUAGES_MAX_BYTES,
    ),
    ...(everUrgency !== undefined ? { everUrgency } : {}),
    everSources: boundedUnion(
      [normalised.source],
      current?.everSources ?? (current ? [current.source] : []),
      EVER_SOURCES_MAX_BYTES,
    ),
    everPublished: (current?.everPublished ?? false) || pubStatus === 'usable',
    firstCreated,
    versionCreated: now,
  };
  const stored: ArticleVersion = {
    uri,
    version,
    contentHash: normalised.contentHash,
    ninjs: document,
    provenance: normalised.provenance,
  };
  await deps.index.saveVersion(head, stored, current?.version);
  await remember();
  return {
    status: pubStatus === 'withheld' ? 'withheld' : 'published',
    uri,
    version,
    droppedFields: droppedFields(normalised.provenance),
  };
}
