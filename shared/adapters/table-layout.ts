/**
 * The article table's global secondary indexes, shared by the DynamoDB adapter, the CDK stack and
 * the local runtime so all three agree. Each index `<name>` keys on `<name>Pk` / `<name>Sk`.
 *
 * Only indexes a query uses exist: every index an item enters costs a write unit per write (the
 * benchmark's cost section counts them). `bySource` and `bySubject` (time-ordered heads per source and
 * per top-level Media Topic) were dropped for that reason while nothing queried them; an index can be
 * added to a live table later, and DynamoDB backfills it.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const INDEX_NAMES = { byStatus: 'byStatus', byFeed: 'byFeed' } as const;

export type IndexName = (typeof INDEX_NAMES)[keyof typeof INDEX_NAMES];

/**
 * The attributes an index holds besides the keys; an index not listed holds the whole item. The feed
 * index is on version items, whose compressed document (kilobytes) would otherwise be copied into
 * it: an index write costs a write unit per KB it holds, so it keeps only what choosing a feed's
 * entries needs (the head at that version, which names its own compression and takes uri and version
 * from the item), and documents are read from the table for the entries a partner takes.
 *
 * A deployed index's projection cannot change (CloudFormation: "Cannot update GSI's properties other
 * than Provisioned Throughput and Contributor Insights Specification"; only a new index under another
 * name can project differently), so these lists stay as first deployed: what a feed entry needs more
 * goes inside feedHead.
 */
export const INDEX_PROJECTIONS: Readonly<Partial<Record<IndexName, readonly string[]>>> = {
  byFeed: ['uri', 'version', 'feedEvent', 'feedHead'],
};

/**
 * The status index's partitions: `status#<status>#<n>` for n in 0..STATUS_SHARDS-1, each item's n a
 * hash of what identifies it. A constant partition key would put a burst of rejections on one index
 * partition (about 1,000 writes a second), and a throttled index write throttles the table write
 * behind it; spread over the shards, a burst gets that much per shard. Queries read every shard and
 * merge, plus the unsharded `status#<status>` that items written before the sharding still use.
 */
export const STATUS_SHARDS = 8;

export type IndexedStatus = 'rejected' | 'withheld';

/** The partition key of the status index for an item of `status` identified by `id`. */
export function statusPartition(status: IndexedStatus, id: string): string {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (Math.imul(hash, 31) + id.charCodeAt(index)) >>> 0;
  return `status#${status}#${hash % STATUS_SHARDS}`;
}

/** Every partition a query for `status` reads: the shards, then the unsharded partition of older items. */
export function statusPartitions(status: IndexedStatus): string[] {
  return [
    ...Array.from({ length: STATUS_SHARDS }, (_, shard) => `status#${status}#${shard}`),
    `status#${status}`,
  ];
}

/**
 * The feed index's partitions: `feed#<UTC day>#<n>` for n in 0..FEED_SHARDS-1, n a hash of the
 * article's uri. The day bounds what a read walks (a cursor names its day); the shards spread a burst
 * of writes over as many index partitions (about 1,000 writes a second each). A read queries every
 * shard of each day and merges them by sort key.
 */
export const FEED_SHARDS = 8;

export function feedPartition(day: string, uri: string): string {
  let hash = 0;
  for (let index = 0; index < uri.length; index++) hash = (Math.imul(hash, 31) + uri.charCodeAt(index)) >>> 0;
  return `feed#${day}#${hash % FEED_SHARDS}`;
}

/** Every partition of one UTC day (`YYYY-MM-DD`). */
export function feedPartitions(day: string): string[] {
  return Array.from({ length: FEED_SHARDS }, (_, shard) => `feed#${day}#${shard}`);
}

/**
 * The articles table as the stack defines it (infra/constructs/stateful-resources.ts), for
 * CreateTable on the emulators: the same keys, indexes and projections.
 */
export function articlesTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...Object.values(INDEX_NAMES).flatMap((name) => [
        { AttributeName: `${name}Pk`, AttributeType: 'S' as const },
        { AttributeName: `${name}Sk`, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.values(INDEX_NAMES).map((name) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: `${name}Pk`, KeyType: 'HASH' as const },
        { AttributeName: `${name}Sk`, KeyType: 'RANGE' as const },
      ],
      Projection: INDEX_PROJECTIONS[name]
        ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...(INDEX_PROJECTIONS[name] ?? [])] }
        : { ProjectionType: 'ALL' as const },
    })),
    BillingMode: 'PAY_PER_REQUEST',
  };
}
