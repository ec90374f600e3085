/** The process's one S3Client (see ../aws-clients.ts): imported alone, so a function loads only the SDK clients it uses. */
import { S3Client } from '@aws-sdk/client-s3';

export const s3Client = new S3Client({});
