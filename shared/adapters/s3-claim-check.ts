import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConfigurationError } from '../domain/errors.js';
import type { DocumentLink } from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';
import { CLAIM_CHECK_PREFIX, MAX_LINK_EXPIRY_SECONDS } from '../pipeline/description.js';
import type { ContentStore } from '../ports/content-store.js';

export function documentKey(uri: string, version: number): string {
  // A hash keeps keys short and free of characters that need escaping in a URL; the uri is in the metadata.
  const id = createHash('sha256').update(uri).digest('hex').slice(0, 40);
  return `${CLAIM_CHECK_PREFIX}${id}/v${version}.json`;
}

/**
 * Claim check on S3: the document is written to the content bucket and the link is a pre-signed GET.
 * A URL signed with temporary credentials (a Lambda role's) stops working when those credentials
 * expire, which can be before `expiresAt`: keep the expiry to hours, and partners fetch on receipt.
 */
export class S3ClaimCheck implements ContentStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly expirySeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > MAX_LINK_EXPIRY_SECONDS) {
      throw new ConfigurationError(
        `link expiry must be 1..${MAX_LINK_EXPIRY_SECONDS} seconds, not ${expirySeconds}`,
      );
    }
  }

  async put(uri: string, version: number, document: Ninjs): Promise<DocumentLink> {
    const bytes = Buffer.from(JSON.stringify(document));
    const key = documentKey(uri, version);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/json',
        Metadata: { 'article-version': String(version) },
      }),
    );
    const signedAt = this.now();
    const href = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.expirySeconds,
      signingDate: signedAt,
    });
    return {
      href,
      expiresAt: new Date(signedAt.getTime() + this.expirySeconds * 1000).toISOString(),
      contentType: 'application/json',
      sizeInBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
}

export { CLAIM_CHECK_PREFIX, MAX_LINK_EXPIRY_SECONDS };
