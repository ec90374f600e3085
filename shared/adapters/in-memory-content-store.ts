import { createHash } from 'node:crypto';
import type { DocumentLink } from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';
import type { ContentStore } from '../ports/content-store.js';

/** Keeps documents in a map; links are `memory:` URIs. For unit tests and dry runs (preview). */
export class InMemoryContentStore implements ContentStore {
  readonly documents = new Map<string, string>();

  async put(uri: string, version: number, document: Ninjs): Promise<DocumentLink> {
    const text = JSON.stringify(document);
    const href = `memory:${encodeURIComponent(uri)}/v${version}`;
    this.documents.set(href, text);
    return {
      href,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      contentType: 'application/json',
      sizeInBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  }
}
