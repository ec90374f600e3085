export interface StoredObject {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly versionId?: string;
}

/** Where publishers' original files live. */
export interface ObjectStore {
  /** The object, or undefined when it no longer exists (deleted after the notification was sent). */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  /** Whether the object exists now (a delete notification may be older than a new upload). */
  exists(bucket: string, key: string): Promise<boolean>;
}
