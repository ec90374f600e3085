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
