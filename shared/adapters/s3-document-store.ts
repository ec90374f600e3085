import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { INDEX_DOCUMENT_PREFIX } from '../pipeline/description.js';
import type { DocumentStore } from '../ports/document-store.js';

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

/** Index documents as objects of the content bucket, under `index-documents/`. */
export class S3DocumentStore implements DocumentStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${INDEX_DOCUMENT_PREFIX}${key}`,
        Body: bytes,
        // For people fetching the object; the index reads its encoding from the version item.
        ...(key.endsWith('.br')
          ? { ContentType: 'application/json', ContentEncoding: 'br' }
          : { ContentType: 'application/gzip' }),
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${INDEX_DOCUMENT_PREFIX}${key}` }),
      );
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

export { INDEX_DOCUMENT_PREFIX };
