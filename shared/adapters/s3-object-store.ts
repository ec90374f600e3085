import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore, ObjectTooLarge, ReadLimit, StoredObject } from '../ports/object-store.js';

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client) {}

  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  get(bucket: string, key: string, limit: ReadLimit): Promise<StoredObject | ObjectTooLarge | undefined>;
  async get(
    bucket: string,
    key: string,
    limit?: ReadLimit,
  ): Promise<StoredObject | ObjectTooLarge | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      // GetObject's headers arrive before its body: an object over the limit is refused on its
      // Content-Length, and its body stream closed unread (the connection is not reused).
      if (limit && response.ContentLength !== undefined && response.ContentLength > limit.maxBytes) {
        (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return { key, sizeBytes: response.ContentLength, tooLarge: true };
      }
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      if (limit && bytes.length > limit.maxBytes) return { key, sizeBytes: bytes.length, tooLarge: true };
      return {
        key,
        bytes,
        ...(response.ContentType ? { contentType: response.ContentType } : {}),
        ...(response.VersionId ? { versionId: response.VersionId } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
