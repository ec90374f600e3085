/**
 * Receipts: for every object a publisher drops or deletes, what became of it, where that publisher
 * can read it without an operator (in AWS, `receipts/<source>/...` of the ingest bucket, readable
 * through the publisher's own access point only).
 */
import type { Receipt } from '../domain/receipt.js';

export type { Receipt };

export interface Receipts {
  /** Stores a receipt where its publisher can read it. */
  write(bucket: string, receipt: Receipt): Promise<void>;
  /** A source's receipts, newest first, at most `limit`. */
  list(bucket: string, source: string, limit: number): Promise<Receipt[]>;
}
