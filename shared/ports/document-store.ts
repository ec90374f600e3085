/**
 * Keeps stored article documents that do not fit in an index item (DynamoDB's 400 KB), by key; the
 * index item keeps the key. Reads go through the index, so every reader of versions reads through it.
 */
export interface DocumentStore {
  /** Stores the bytes under `key` (idempotent: the same key always holds the same bytes). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `key`; undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
}
