import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Quarantine } from '../ports/quarantine.js';

/**
 * Copies rejected originals into a separate quarantine bucket: no notification is configured on it,
 * so nothing there can trigger ingest again. The reason travels as object metadata.
 */
export class S3Quarantine implements Quarantine {
  constructor(
    private readonly s3: S3Client,
    private readonly quarantineBucket: string,
  ) {}

  async keep(bucket: string, key: string, reason: { code: string; message: string }): Promise<string> {
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.quarantineBucket,
        Key: key,
        // S3 wants the source as a URL path: each key segment percent-encoded, slashes kept.
        CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        Metadata: {
          'rejection-code': reason.code,
          // Metadata must be ASCII; the full message is in the index.
          'rejection-reason': reason.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024),
        },
      }),
    );
    return key;
  }
}
