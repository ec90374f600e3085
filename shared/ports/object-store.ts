export interface StoredObject {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly versionId?: string;
}

/** An object larger than the reader's limit: its size, known before any of its bytes were read. */
export interface ObjectTooLarge {
  readonly key: string;
  readonly sizeBytes: number;
  readonly tooLarge: true;
}

export interface ReadLimit {
  /** Objects larger than this are not read: only their size is returned. */
  readonly maxBytes: number;
}

/** Where publishers' original files live. */
export interface ObjectStore {
  /** The object, or undefined when it no longer exists (deleted after the notification was sent). */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  /** The same, but an object over `limit` is not read (its size decides, before its body is fetched). */
  get(bucket: string, key: string, limit: ReadLimit): Promise<StoredObject | ObjectTooLarge | undefined>;
  /** Whether the object exists now (a delete notification may be older than a new upload). */
  exists(bucket: string, key: string): Promise<boolean>;
}
