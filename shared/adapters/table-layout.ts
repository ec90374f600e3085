/**
 * The article table's global secondary indexes, shared by the DynamoDB adapter, the CDK stack and
 * the local runtime so all three agree. Each index `<name>` keys on `<name>Pk` / `<name>Sk`.
 *
 * Only indexes a query uses exist: every index an item enters costs a write unit per write (the
 * benchmark's cost section counts them). `bySource` and `bySubject` (time-ordered heads per source and
 * per top-level Media Topic) were dropped for that reason while nothing queried them; an index can be
 * added to a live table later, and DynamoDB backfills it.
 */
export const INDEX_NAMES = { byStatus: 'byStatus' } as const;

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
