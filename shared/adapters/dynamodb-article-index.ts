/**
 * The article index on one DynamoDB table (keys `pk`, `sk`). Access patterns first:
 *
 * | pattern                               | how                                                      |
 * | ------------------------------------- | -------------------------------------------------------- |
 * | article by uri (current version)      | GetItem pk=`article#<uri>`, sk=`head`                    |
 * | one version's document / history      | GetItem / Query pk=`article#<uri>`, sk begins `version#` |
 * | what an object key feeds, its order   | GetItem pk=`object#<key>`, sk=`state`; if absent, the head of the key's minted uri |
 * | a key's rejections                    | Query pk=`object#<key>`, sk begins `rejection#`          |
 * | rejected / withheld items             | GSI `byStatus` (sparse): `status#<status>#<shard>`, time  |
 * | changed since a time (replay)         | Scan of heads with a filter (operator tool, rare)        |
 * | a feed's entries, in write order      | GSI `byFeed` (sparse, on version items): `feed#<day>#<shard>`, `<time>~<hash>` |
 *
 * Head items are small (metadata only) because every change rewrites them; each version's full
 * ninjs is stored once, compressed, in its own item (a 600-word article: ~10 KB of JSON, under 3 KB
 * with brotli, so 3 write units instead of ~10; see README "Stored documents"). The item names its
 * compression in `encoding` (document-encoding.ts); items written before brotli have none: gzip.
 * Only head items change through the stream in a way the publisher acts on. A version item that would
 * exceed DynamoDB's item limit keeps a key (`documentKey`) instead, and its compressed document goes to
 * the document store (the content bucket): `version()` reads through it, so every reader does.
 *
 * Object state: a key whose article has the uri minted from it (`articleUriForKey`) and whose last
 * event created the current version needs no item of its own: the head holds the same facts (origin
 * key and sequencer, uri, time), and content cannot claim a minted uri, so that head came from this
 * key. Such a state is not written (a write unit and a stream record less for most new articles);
 * every other state (removals, rejections, ids given in content, unchanged re-uploads) is, and once
 * a key has a state item, every later state of that key is written too, so the item never lags.
 *
 * Feeds (../feeds/): a version that is an event for partners (published, updated, withdrawn: the
 * publisher's rule, from the previous head and the new one) carries the feed index's keys, its event
 * and the head at that version, in the same write as its document; the index holds only those.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type ArticleHead,
  type ArticleVersion,
  articleUriForKey,
  type ObjectState,
  type RejectionRecord,
} from '../domain/article.js';
import { ConcurrentUpdateError, MissingVersionError } from '../domain/errors.js';
import type { EventType } from '../domain/message.js';
import type { Provenance } from '../domain/provenance.js';
import { dayOf, daysBetween, feedEventFor, feedKey } from '../feeds/entries.js';
import type { Ninjs, PubStatus } from '../ninjs/types.js';
import type { ArticleIndex, ArticleListing } from '../ports/article-index.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { FeedEntry, FeedIndex, FeedRange } from '../ports/feed-index.js';
import {
  type DocumentEncoding,
  decodeJson,
  encodeJson,
  encodingOf,
  WRITE_ENCODING,
} from './document-encoding.js';
import { DYNAMODB_MAX_ITEM_BYTES, dynamoDbItemSize } from './dynamodb-item-size.js';
import { ItemTooLargeError, isAwsError } from './errors.js';

export const HEAD_SORT_KEY = 'head';
export const STATE_SORT_KEY = 'state';

import {
  feedPartition,
  feedPartitions,
  INDEX_NAMES,
  type IndexedStatus,
  statusPartition,
  statusPartitions,
} from './table-layout.js';

export { INDEX_NAMES };

/** A version item written by a writer that then failed to make it current may be replaced after this. */
const ORPHAN_VERSION_AGE_MS = 60_000;

/**
 * Heads read by `current()`, kept to know the previous head when a version is saved (for its feed
 * event) without reading it again. A head at a given version is written once and never changed (each
 * save is conditional on the version before it), so an entry keyed by uri and version never goes stale.
 */
const HEAD_CACHE_SIZE = 512;

/** Longest rejection message kept in the index. */
const MAX_REJECTION_MESSAGE_CHARS = 4_000;

type Item = Record<string, AttributeValue>;

const articleKey = (uri: string) => `article#${uri}`;
const objectKey = (key: string) => `object#${key}`;
const versionSortKey = (version: number) => `version#${String(version).padStart(10, '0')}`;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException || isAwsError(error, 'ConditionalCheckFailedException')
  );
}

export function headToItem(head: ArticleHead): Item {
  return marshall(
    {
      pk: articleKey(head.uri),
      sk: HEAD_SORT_KEY,
      uri: head.uri,
      version: head.version,
      contentHash: head.contentHash,
      pubStatus: head.pubStatus,
      headline: head.headline.slice(0, 300),
      originKey: head.origin.key,
      originSequencer: head.origin.sequencer,
      originUploadedAt: head.origin.uploadedAt,
      source: head.source,
      language: head.language,
      urgency: head.urgency,
      embargoedUntil: head.embargoedUntil,
      subjectCodes: [...head.subjectCodes],
      everSubjectCodes: [...head.everSubjectCodes],
      everLanguages: [...head.everLanguages],
      everUrgency: head.everUrgency,
      everSources: head.everSources ? [...head.everSources] : undefined,
      everPublished: head.everPublished,
      firstCreated: head.firstCreated,
      versionCreated: head.versionCreated,
      ...(head.pubStatus === 'withheld'
        ? {
            byStatusPk: statusPartition('withheld', head.uri),
            byStatusSk: `${head.embargoedUntil ?? head.versionCreated}#${head.uri}`,
          }
        : {}),
    },
    { removeUndefinedValues: true },
  );
}

/** Decodes a table item or a stream image; undefined for items that are not article heads. */
export function headFromItem(item: Item): ArticleHead | undefined {
  const value = unmarshall(item);
  if (value.sk !== HEAD_SORT_KEY || typeof value.uri !== 'string') return undefined;
  return {
    uri: value.uri,
    version: value.version as number,
    contentHash: value.contentHash as string,
    pubStatus: value.pubStatus as PubStatus,
    headline: (value.headline as string | undefined) ?? '',
    origin: {
      key: value.originKey as string,
      ...(value.originSequencer ? { sequencer: value.originSequencer as string } : {}),
      ...(typeof value.originUploadedAt === 'string' ? { uploadedAt: value.originUploadedAt } : {}),
    },
    source: value.source as string,
    ...(value.language !== undefined ? { language: value.language as string } : {}),
    ...(value.urgency !== undefined ? { urgency: value.urgency as number } : {}),
    ...(value.embargoedUntil !== undefined ? { embargoedUntil: value.embargoedUntil as string } : {}),
    subjectCodes: (value.subjectCodes as string[] | undefined) ?? [],
    everSubjectCodes: (value.everSubjectCodes as string[] | undefined) ?? [],
    everLanguages: (value.everLanguages as string[] | undefined) ?? [],
    ...(value.everUrgency !== undefined ? { everUrgency: value.everUrgency as number } : {}),
    ...(value.everSources !== undefined ? { everSources: value.everSources as string[] } : {}),
    everPublished: value.everPublished === true,
    firstCreated: value.firstCreated as string,
    versionCreated: value.versionCreated as string,
  };
}

/** A version's document as stored: its ninjs and provenance, compressed JSON in WRITE_ENCODING. */
function encodeDocument(stored: ArticleVersion): Uint8Array {
  return encodeJson({ ninjs: stored.ninjs, provenance: stored.provenance });
}

/**
 * The head a feed entry keeps, without what the feed index projects from the version item anyway
 * (uri, version): those are put back from the item when it is read. contentHash stays inside, as the
 * index does not project it.
 */
function feedHeadToStore(head: ArticleHead): Omit<ArticleHead, 'uri' | 'version'> {
  const { uri: _uri, version: _version, ...rest } = head;
  return rest;
}

/**
 * feedHead as the version item and the feed index keep it: a list of the compression's name and the
 * compressed JSON. The index projects feedHead but not the item's `encoding` (a deployed index's
 * projection cannot change: CloudFormation refuses to update a GSI's projection), so the head names
 * its own compression; entries written before it are a plain binary of gzip, and the attribute's
 * type, never the bytes, tells the two apart.
 */
function feedHeadAttribute(head: ArticleHead): AttributeValue {
  return { L: [{ S: WRITE_ENCODING }, { B: encodeJson(feedHeadToStore(head)) }] };
}

/** The head inside a feedHead attribute, in either form; anything else is an error naming the entry. */
function feedHeadFromAttribute(
  attribute: AttributeValue | undefined,
  entryKey: string,
): Partial<ArticleHead> {
  const [encodingName, bytes] = attribute?.L ?? [];
  const stored =
    attribute?.B !== undefined
      ? { bytes: attribute.B, encoding: 'gzip' as const }
      : attribute?.L?.length === 2 && encodingName?.S !== undefined && bytes?.B !== undefined
        ? { bytes: bytes.B, encoding: encodingOf(encodingName.S) }
        : undefined;
  if (!stored) {
    throw new MalformedFeedHeadError(entryKey, 'is neither gzip bytes nor a list [encoding, bytes]');
  }
  try {
    return decodeJson(stored.bytes, stored.encoding);
  } catch (error) {
    throw new MalformedFeedHeadError(entryKey, `is not ${stored.encoding}-compressed JSON`, { cause: error });
  }
}

export class MalformedFeedHeadError extends Error {
  constructor(
    readonly entryKey: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`the feedHead of feed entry ${JSON.stringify(entryKey)} ${problem}`, options);
    this.name = 'MalformedFeedHeadError';
  }
}

/** What a version that is a feed entry carries besides its document. */
interface FeedFields {
  readonly event: EventType;
  readonly head: ArticleHead;
}

function versionToItem(
  stored: ArticleVersion,
  writtenAt: number,
  document: { readonly bytes: Uint8Array } | { readonly key: string },
  feed?: FeedFields,
): Item {
  const item = marshall({
    pk: articleKey(stored.uri),
    sk: versionSortKey(stored.version),
    uri: stored.uri,
    version: stored.version,
    contentHash: stored.contentHash,
    writtenAt,
    // Of the document, inline or in the document store; feedHead names its own.
    encoding: WRITE_ENCODING,
    ...('bytes' in document ? { document: document.bytes } : { documentKey: document.key }),
    ...(feed
      ? {
          byFeedPk: feedPartition(dayOf(new Date(writtenAt).toISOString()), stored.uri),
          byFeedSk: feedKey(writtenAt, stored.uri, stored.version),
          feedEvent: feed.event,
        }
      : {}),
  });
  // Compressed, as documents are: ~700 bytes of JSON become ~300, on the version item and in the
  // index, which is often one write unit less for the version.
  return feed ? { ...item, feedHead: feedHeadAttribute(feed.head) } : item;
}

/** The compression an item's encoding attribute names; absent (items written before brotli) is gzip. */
function itemEncoding(item: Item): DocumentEncoding {
  return encodingOf(item.encoding?.S);
}

function feedEntryFromItem(item: Item): FeedEntry {
  const key = item.byFeedSk?.S as string;
  const stored = feedHeadFromAttribute(item.feedHead, key);
  // Older entries keep the whole head; newer ones leave out what the item's own attributes say.
  const head = {
    ...stored,
    uri: item.uri?.S ?? stored.uri,
    version: item.version?.N !== undefined ? Number(item.version.N) : stored.version,
  } as ArticleHead;
  return { key, eventType: item.feedEvent?.S as EventType, head };
}

/**
 * Where a version's document goes when its item would be too large: one key per uri, version and
 * content. The suffix is for people browsing the bucket; readers go by the item's encoding.
 */
export function storedDocumentKey(stored: Pick<ArticleVersion, 'uri' | 'version' | 'contentHash'>): string {
  const id = createHash('sha256').update(stored.uri).digest('hex').slice(0, 40);
  return `${id}/v${stored.version}-${stored.contentHash.slice(0, 16)}.json.${WRITE_ENCODING}`;
}

export { ItemTooLargeError };

/**
 * Decodes a version item from a stream record's new image; undefined for any other item. A Lambda
 * event is JSON, so the document (binary) arrives base64-encoded although the typings say bytes.
 */
export function versionFromStreamImage(image: Item): ArticleVersion | undefined {
  const document: unknown = image.document?.B;
  if (!image.sk?.S?.startsWith('version#') || document === undefined) return undefined;
  const bytes = typeof document === 'string' ? Buffer.from(document, 'base64') : (document as Uint8Array);
  return versionFromItem({ ...image, document: { B: bytes } });
}

function versionFromItem(item: Item, document?: Uint8Array): ArticleVersion {
  const value = unmarshall(item);
  const bytes = document ?? (value.document as Uint8Array);
  const { ninjs, provenance } = decodeJson<{ ninjs: Ninjs; provenance: Record<string, Provenance> }>(
    bytes,
    itemEncoding(item),
  );
  return {
    uri: value.uri as string,
    version: value.version as number,
    contentHash: value.contentHash as string,
    ninjs,
    provenance,
  };
}

/** The object-state item of an S3 key. */
function objectStateToItem(state: ObjectState): Item {
  return marshall(
    { pk: objectKey(state.key), sk: STATE_SORT_KEY, ...state },
    { removeUndefinedValues: true },
  );
}

/** The state of the key a head's current version came from, as the head records it. */
function stateFromHead(head: ArticleHead): ObjectState {
  return {
    key: head.origin.key,
    uri: head.uri,
    lastEvent: head.pubStatus === 'canceled' ? 'removed' : 'created',
    at: head.versionCreated,
    ...(head.origin.sequencer ? { sequencer: head.origin.sequencer } : {}),
  };
}

const sameState = (a: ObjectState, b: ObjectState) =>
  a.key === b.key &&
  a.uri === b.uri &&
  a.lastEvent === b.lastEvent &&
  a.at === b.at &&
  a.sequencer === b.sequencer;

function rejectionFromItem(item: Item): RejectionRecord {
  const value = unmarshall(item);
  return {
    objectKey: value.objectKey as string,
    code: value.code as string,
    message: value.message as string,
    sizeBytes: value.sizeBytes as number,
    rejectedAt: value.rejectedAt as string,
    ...(value.quarantineKey ? { quarantineKey: value.quarantineKey as string } : {}),
  };
}

export interface ArticleIndexOptions {
  /** Where documents too large for their item go (the content bucket); without it such a save fails. */
  readonly documents?: DocumentStore | undefined;
  readonly clock?: () => number;
}

export class DynamoDbArticleIndex implements ArticleIndex, FeedIndex {
  private readonly documents: DocumentStore | undefined;
  private readonly clock: () => number;
  private readonly knownHeads = new Map<string, ArticleHead>();
  /** Keys whose state item this index last read as absent: only their states may stay on the head. */
  private readonly statelessKeys = new Set<string>();
  /** Heads this index saved, by uri: the state a key's minted article records for it. */
  private readonly savedHeads = new Map<string, ArticleHead>();

  constructor(
    private readonly dynamoDb: DynamoDBClient,
    private readonly tableName: string,
    options: ArticleIndexOptions = {},
  ) {
    this.documents = options.documents;
    this.clock = options.clock ?? Date.now;
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk, sk }), ConsistentRead: true }),
    );
    return response.Item;
  }

  async current(uri: string): Promise<ArticleHead | undefined> {
    const item = await this.get(articleKey(uri), HEAD_SORT_KEY);
    const head = item ? headFromItem(item) : undefined;
    if (head) {
      if (this.knownHeads.size >= HEAD_CACHE_SIZE) this.knownHeads.clear();
      this.knownHeads.set(`${uri}#${head.version}`, head);
    }
    return head;
  }

  /** The head at `expectedVersion` (the one a save replaces), from what `current()` read when it can. */
  private async previousHead(uri: string, expectedVersion: number): Promise<ArticleHead | undefined> {
    return this.knownHeads.get(`${uri}#${expectedVersion}`) ?? (await this.current(uri));
  }

  async version(uri: string, version: number): Promise<ArticleVersion | undefined> {
    const item = await this.get(articleKey(uri), versionSortKey(version));
    if (!item) return undefined;
    const documentKey = item.documentKey?.S;
    if (documentKey === undefined) return versionFromItem(item);
    if (!this.documents)
      throw new ItemTooLargeError(
        `${uri} v${version}: its document is in the document store, and none is configured`,
      );
    const document = await this.documents.get(documentKey);
    if (!document) throw new MissingVersionError(`${uri} v${version}: document ${documentKey} is missing`);
    return versionFromItem(item, document);
  }

  /**
   * The version item: with its document inside when it fits DynamoDB's item limit, otherwise with the
   * key of the document, stored first in the document store.
   */
  private async versionItem(stored: ArticleVersion, writtenAt: number, feed?: FeedFields): Promise<Item> {
    const bytes = encodeDocument(stored);
    const item = versionToItem(stored, writtenAt, { bytes }, feed);
    if (dynamoDbItemSize(item) <= DYNAMODB_MAX_ITEM_BYTES) return item;
    if (!this.documents)
      throw new ItemTooLargeError(
        `${stored.uri} v${stored.version}: ${dynamoDbItemSize(item)} bytes exceed DynamoDB's ${DYNAMODB_MAX_ITEM_BYTES}, and no document store is configured`,
      );
    const key = storedDocumentKey(stored);
    await this.documents.put(key, bytes);
    return versionToItem(stored, writtenAt, { key }, feed);
  }

  async saveVersion(
    head: ArticleHead,
    stored: ArticleVersion,
    expectedVersion: number | undefined,
  ): Promise<void> {
    // The head this save replaces decides the version's feed event; when it is no longer current,
    // the save fails as the conditional head write below would, before writing anything.
    const before =
      expectedVersion === undefined ? undefined : await this.previousHead(head.uri, expectedVersion);
    if (expectedVersion !== undefined && before?.version !== expectedVersion)
      throw new ConcurrentUpdateError(
        `${head.uri}: version ${expectedVersion} is no longer current (saving ${head.version})`,
      );
    const event = feedEventFor(before, head);
    const now = this.clock();
    // The document first, so the head never points at a missing version. A version item with other
    // content means another writer is ahead (retry) — unless it is an orphan its writer never made current.
    try {
      await this.dynamoDb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: await this.versionItem(stored, now, event ? { event, head } : undefined),
          ConditionExpression: 'attribute_not_exists(pk) OR contentHash = :hash OR writtenAt < :orphanBefore',
          ExpressionAttributeValues: marshall({
            ':hash': stored.contentHash,
            ':orphanBefore': now - ORPHAN_VERSION_AGE_MS,
          }),
        }),
      );
      await this.dynamoDb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: headToItem(head),
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
              }),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConcurrentUpdateError(
        `${head.uri}: version ${expectedVersion ?? 'none'} is no longer current (saving ${head.version})`,
      );
    }
    if (this.savedHeads.size >= HEAD_CACHE_SIZE) this.savedHeads.clear();
    this.savedHeads.set(head.uri, head);
  }

  async objectState(key: string): Promise<ObjectState | undefined> {
    const item = await this.get(objectKey(key), STATE_SORT_KEY);
    if (!item) {
      if (this.statelessKeys.size >= HEAD_CACHE_SIZE) this.statelessKeys.clear();
      this.statelessKeys.add(key);
      // A head from another key under this key's minted uri cannot happen (content cannot claim
      // one); were it there, it would say nothing about this key.
      const head = await this.current(articleUriForKey(key));
      return head?.origin.key === key ? stateFromHead(head) : undefined;
    }
    this.statelessKeys.delete(key);
    const value = unmarshall(item);
    return {
      key,
      lastEvent: value.lastEvent as ObjectState['lastEvent'],
      at: value.at as string,
      ...(value.uri ? { uri: value.uri as string } : {}),
      ...(value.sequencer ? { sequencer: value.sequencer as string } : {}),
    };
  }

  /**
   * Writes the state item, unless the key has none (as last read here) and the head this index just
   * saved for the key's minted uri records exactly this state: then objectState reads it from there.
   */
  async saveObjectState(state: ObjectState): Promise<void> {
    const stateless = this.statelessKeys.delete(state.key);
    const saved = state.uri === undefined ? undefined : this.savedHeads.get(state.uri);
    if (
      stateless &&
      saved &&
      state.lastEvent === 'created' &&
      saved.pubStatus !== 'canceled' &&
      state.uri === articleUriForKey(state.key) &&
      sameState(stateFromHead(saved), state)
    )
      return;
    await this.dynamoDb.send(
      new PutItemCommand({ TableName: this.tableName, Item: objectStateToItem(state) }),
    );
  }

  async saveRejection(rejection: RejectionRecord): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(
          {
            pk: objectKey(rejection.objectKey),
            sk: `rejection#${rejection.rejectedAt}`,
            ...rejection,
            // A rejection's detail can quote much of the input (every invalid field): the item stays small.
            message:
              rejection.message.length > MAX_REJECTION_MESSAGE_CHARS
                ? `${rejection.message.slice(0, MAX_REJECTION_MESSAGE_CHARS - 1)}…`
                : rejection.message,
            byStatusPk: statusPartition('rejected', `${rejection.rejectedAt}#${rejection.objectKey}`),
            // GSI sort keys are limited to 1,024 bytes; S3 keys may be as long.
            byStatusSk: `${rejection.rejectedAt}#${Buffer.byteLength(rejection.objectKey) > 900 ? createHash('sha256').update(rejection.objectKey).digest('hex') : rejection.objectKey}`,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  async latestRejection(key: string): Promise<RejectionRecord | undefined> {
    const response = await this.dynamoDb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': objectKey(key), ':prefix': 'rejection#' }),
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = response.Items?.[0];
    return item ? rejectionFromItem(item) : undefined;
  }

  /** Items of one status, by their index sort key: every shard queried, the pages merged. */
  private async byStatus(status: IndexedStatus, limit: number, newestFirst: boolean): Promise<Item[]> {
    const pages = await Promise.all(
      statusPartitions(status).map(async (partition) => {
        const response = await this.dynamoDb.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: INDEX_NAMES.byStatus,
            KeyConditionExpression: 'byStatusPk = :partition',
            ExpressionAttributeValues: marshall({ ':partition': partition }),
            ScanIndexForward: !newestFirst,
            Limit: limit,
          }),
        );
        return response.Items ?? [];
      }),
    );
    const sortKey = (item: Item) => item.byStatusSk?.S ?? '';
    // Code-unit order, as DynamoDB orders sort keys (by their bytes) for the ISO times they start with.
    const merged = pages
      .flat()
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    return (newestFirst ? merged.reverse() : merged).slice(0, limit);
  }

  async rejections(limit: number): Promise<RejectionRecord[]> {
    return (await this.byStatus('rejected', limit, true)).map(rejectionFromItem);
  }

  async withheld(limit: number): Promise<ArticleHead[]> {
    return (await this.byStatus('withheld', limit, false))
      .map(headFromItem)
      .filter((head) => head !== undefined);
  }

  /** One partition's entries of a range, up to `limit`, following DynamoDB's pages. */
  private async feedPartitionEntries(partition: string, range: FeedRange, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: INDEX_NAMES.byFeed,
        // BETWEEN is inclusive: the bounds themselves (a cursor is an entry's key) are dropped below.
        KeyConditionExpression: 'byFeedPk = :partition AND byFeedSk BETWEEN :after AND :before',
        ExpressionAttributeValues: marshall({
          ':partition': partition,
          ':after': range.after ?? '0',
          ':before': range.before,
        }),
        ScanIndexForward: range.order === 'ascending',
        Limit: limit + 1,
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      const response = await this.dynamoDb.send(new QueryCommand(input));
      items.push(...(response.Items ?? []));
      start = response.LastEvaluatedKey;
    } while (start && items.length < limit + 1);
    return items;
  }

  async feedEntries(range: FeedRange): Promise<FeedEntry[]> {
    const after = range.after ?? '0';
    // DynamoDB refuses a BETWEEN whose lower bound is above its upper bound.
    if (after >= range.before) return [];
    const days =
      range.order === 'ascending' ? daysBetween(after, range.before) : daysBetween(range.before, after);
    const entries: FeedEntry[] = [];
    for (const day of days) {
      const wanted = range.limit - entries.length;
      if (wanted <= 0) break;
      const pages = await Promise.all(
        feedPartitions(day).map((partition) => this.feedPartitionEntries(partition, range, wanted)),
      );
      const inRange = pages
        .flat()
        .map(feedEntryFromItem)
        .filter((entry) => entry.key > after && entry.key < range.before)
        // Code-unit order, as DynamoDB orders string sort keys (by their UTF-8 bytes; keys are ASCII).
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (range.order === 'descending') inRange.reverse();
      entries.push(...inRange.slice(0, wanted));
    }
    return entries;
  }

  async feedVersion(entry: FeedEntry): Promise<ArticleVersion | undefined> {
    const current = await this.current(entry.head.uri);
    if (!current || current.version < entry.head.version) return undefined;
    return this.version(entry.head.uri, entry.head.version);
  }

  async changedSince(since: string, limit: number, next?: string): Promise<ArticleListing> {
    const response = await this.dynamoDb.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'sk = :head AND versionCreated >= :since',
        ExpressionAttributeValues: marshall({ ':head': HEAD_SORT_KEY, ':since': since }),
        Limit: limit,
        ...(next
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as Item }
          : {}),
      }),
    );
    const items = (response.Items ?? []).map(headFromItem).filter((head) => head !== undefined);
    items.sort((a, b) => b.versionCreated.localeCompare(a.versionCreated));
    return {
      items,
      ...(response.LastEvaluatedKey
        ? { next: Buffer.from(JSON.stringify(response.LastEvaluatedKey)).toString('base64url') }
        : {}),
    };
  }
}
