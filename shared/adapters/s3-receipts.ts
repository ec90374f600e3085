import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RECEIPTS_PREFIX, receiptKey } from '../domain/receipt.js';
import type { Receipt, Receipts } from '../ports/receipts.js';

/** The time stamp at the end of a receipt's key (`...@20261207T192300123Z.json`), for newest-first order. */
function stampOf(key: string): string {
  return key.slice(key.lastIndexOf('@') + 1);
}

/**
 * Receipts as JSON objects under `receipts/<source>/` of the ingest bucket: each publisher reads its
 * own prefix through its access point; the ingest notifications do not cover the prefix.
 */
export class S3Receipts implements Receipts {
  constructor(private readonly s3: S3Client) {}

  async write(bucket: string, receipt: Receipt): Promise<void> {
    const key = receiptKey(receipt);
    if (!key) return;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(receipt, null, 2),
        ContentType: 'application/json',
      }),
    );
  }

  async list(bucket: string, source: string, limit: number): Promise<Receipt[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: `${RECEIPTS_PREFIX}${source}/`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    keys.sort((a, b) => (stampOf(a) < stampOf(b) ? 1 : stampOf(a) > stampOf(b) ? -1 : 0));
    return Promise.all(
      keys.slice(0, limit).map(async (key) => {
        const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await response.Body?.transformToString()) ?? '{}') as Receipt;
      }),
    );
  }
}
