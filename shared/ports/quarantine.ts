/** Keeps a rejected original where it cannot trigger ingest again (a separate bucket in AWS). */
export interface Quarantine {
  /** Copies the object and returns where it now also lives. */
  keep(bucket: string, key: string, reason: { code: string; message: string }): Promise<string>;
}
