/**
 * What a running pipeline is made of, as one document: every queue with its role (and its partner,
 * and where it redrives to), the buckets, the table and the topics. The stack publishes it (a stack
 * output for the pipeline's own resources, plus one SSM parameter per partner shard for the partner
 * queues), the local runtime writes it into its runtime file, and the CLI and the console read it to
 * find what they act on — by role, never by parsing a resource's name.
 */
import type { ManifestQueue, QueueRole } from './description.js';

export type { ManifestQueue };

export interface PipelineManifest {
  readonly manifestVersion: 1;
  readonly stage: string;
  readonly buckets: { readonly ingest: string; readonly quarantine: string; readonly content: string };
  readonly table: string;
  /** The topic ARNs of each payload variant. */
  readonly topicRoutes: Readonly<Record<string, readonly string[]>>;
  readonly queues: readonly ManifestQueue[];
  /** How long document links in messages are valid. */
  readonly contentLinkExpirySeconds: number;
}

/** The queues of `manifest` with `role` (and `partner`, when given). */
export function queuesWithRole(
  manifest: Pick<PipelineManifest, 'queues'>,
  role: QueueRole,
  partner?: string,
): readonly ManifestQueue[] {
  return manifest.queues.filter(
    (queue) => queue.role === role && (partner === undefined || queue.partner === partner),
  );
}
