/**
 * The article table's global secondary indexes, shared by the DynamoDB adapter, the CDK stack and
 * the local runtime so all three agree. Each index `<name>` keys on `<name>Pk` / `<name>Sk`.
 */
export const INDEX_NAMES = { bySource: 'bySource', bySubject: 'bySubject', byStatus: 'byStatus' } as const;
