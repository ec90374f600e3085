import { s3Client } from '../../shared/adapters/clients/s3.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { sourceForKey } from '../../shared/domain/article.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { PUBLISHER_NAME_PATTERN } from '../../shared/publishers/registry.js';

/** Reads a required setting at cold start, so a missing one fails the deployment's first call loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/**
 * Where the index keeps documents too large for a DynamoDB item: the content bucket, when the
 * function is given one (CONTENT_BUCKET). Without it, saving such a version fails with
 * ItemTooLargeError and the record is retried until a deployment provides the bucket.
 */
export function indexDocumentStore(): DocumentStore | undefined {
  const bucket = process.env.CONTENT_BUCKET;
  return bucket ? new S3DocumentStore(s3Client, bucket) : undefined;
}

/**
 * The registered publishers (PUBLISHERS, comma-separated names, set by the stack from the publisher
 * registry), or undefined when none is configured: then every first-level folder is a source.
 */
export function registeredPublishers(): ReadonlySet<string> | undefined {
  const names =
    process.env.PUBLISHERS?.split(',')
      .map((name) => name.trim())
      .filter(Boolean) ?? [];
  return names.length > 0 ? new Set(names) : undefined;
}

/**
 * The `source` dimension of a key's metrics, from a bounded set (CloudWatch bills each distinct
 * dimension combination as a metric): a registered publisher, else `unregistered`; with no
 * registry, the first folder when it looks like a publisher name, else `other`.
 */
export function sourceDimension(key: string, registered: ReadonlySet<string> | undefined): string {
  const source = key.includes('/') ? sourceForKey(key) : '';
  if (registered) return registered.has(source) ? source : 'unregistered';
  return PUBLISHER_NAME_PATTERN.test(source) ? source : 'other';
}
