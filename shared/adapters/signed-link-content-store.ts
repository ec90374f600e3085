import { createHash } from 'node:crypto';
import type { LinkSigner } from '../content-api/signed-links.js';
import type { DocumentLink } from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';
import type { ContentStore } from '../ports/content-store.js';

/**
 * Claim check without a copy: the index already holds every version's document, so a link is a
 * signed content-API URL to it and nothing is written. The API serves `JSON.stringify` of the
 * indexed ninjs, the same bytes whose size and SHA-256 the link announces here.
 */
export class SignedLinkContentStore implements ContentStore {
  constructor(
    /** The signer, or how to get it (the key is read once, on first use). */
    private readonly signer: LinkSigner | (() => Promise<LinkSigner>),
    /** The content API's base URL (scheme, authority and stage path). */
    private readonly apiUrl: string,
    private readonly expirySeconds: number,
    private readonly now: () => Date,
  ) {
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1) {
      throw new RangeError(`link expiry must be a positive whole number of seconds, not ${expirySeconds}`);
    }
  }

  async put(uri: string, version: number, document: Ninjs): Promise<DocumentLink> {
    const bytes = Buffer.from(JSON.stringify(document), 'utf8');
    const signer = typeof this.signer === 'function' ? await this.signer() : this.signer;
    const expires = Math.floor(this.now().getTime() / 1000) + this.expirySeconds;
    return {
      href: signer.link(this.apiUrl, { uri, version, expires }),
      expiresAt: new Date(expires * 1000).toISOString(),
      contentType: 'application/json',
      sizeInBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
}
