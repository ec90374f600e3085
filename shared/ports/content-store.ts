import type { DocumentLink } from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';

/**
 * Keeps complete documents that a message cannot carry (claim check) and hands out a link a
 * partner can fetch without credentials (a pre-signed URL in AWS).
 */
export interface ContentStore {
  /** Stores the document of one article version (idempotent) and returns a fresh link to it. */
  put(uri: string, version: number, document: Ninjs): Promise<DocumentLink>;
}
