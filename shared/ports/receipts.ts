/**
 * Receipts: for every object a publisher drops or deletes, what became of it, where that publisher
 * can read it without an operator (in AWS, `receipts/<source>/...` of the ingest bucket, readable
 * through the publisher's own access point only).
 */
export interface Receipt {
  /** The publisher (the first folder of the key), or undefined for a key with no folder. */
  readonly source?: string;
  readonly objectKey: string;
  /** What happened to the object: written (or overwritten), or deleted. */
  readonly event: 'created' | 'removed';
  /** published, withheld (embargoed), unchanged, rejected, withdrawn, or a deletion that withdrew nothing. */
  readonly status: string;
  /** When the pipeline handled it (ISO 8601, UTC). */
  readonly at: string;
  readonly uri?: string;
  readonly version?: number;
  /** Who receives it: partner names when known, else a sentence saying it went to the topic. */
  readonly delivery?: string;
  /** Rejections: the code, the message, and what to change for the file to go through. */
  readonly code?: string;
  readonly message?: string;
  readonly fix?: string;
}

export interface Receipts {
  /** Stores a receipt where its publisher can read it. */
  write(bucket: string, receipt: Receipt): Promise<void>;
  /** A source's receipts, newest first, at most `limit`. */
  list(bucket: string, source: string, limit: number): Promise<Receipt[]>;
}
