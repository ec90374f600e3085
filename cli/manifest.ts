/**
 * The pipeline manifest (shared/pipeline/manifest.ts) as the operator commands read it: checked when
 * read (a stack output or the local runtime file is data from outside this process), completed with
 * the partner queues the shards list in SSM, and turned into the queues the commands act on — each
 * found by its role and its partner, never by what its name looks like.
 */
import { Ajv } from 'ajv';
import type { PayloadVariant } from '../shared/domain/message.js';
import {
  PAYLOAD_VARIANTS,
  type PartnerQueueKind,
  partnerConstructId,
  partnerQueueName,
  type ShardManifest,
  type TopicRoutes,
} from '../shared/partners/topology.js';
import { MAX_LINK_EXPIRY_SECONDS, QUEUE_ROLES, type QueueRole } from '../shared/pipeline/description.js';
import type { ManifestQueue, PipelineManifest } from '../shared/pipeline/manifest.js';

/** The roles whose queues hold what failed: `status` flags them, `redrive` empties them. */
export const DEAD_LETTER_ROLES: ReadonlySet<QueueRole> = new Set<QueueRole>([
  'ingest-dead-letter',
  'stream-failures',
  'release-failures',
  'partner-dead-letter',
  'delivery-dead-letter',
]);

const PARTNER_ROLES = ['partner', 'partner-dead-letter', 'delivery-dead-letter'] as const;

/** The manifest version this CLI reads. */
const MANIFEST_VERSION = 1;

const NAME = { type: 'string', minLength: 1 } as const;

const MANIFEST_SCHEMA = {
  type: 'object',
  required: [
    'manifestVersion',
    'stage',
    'buckets',
    'table',
    'topicRoutes',
    'queues',
    'contentLinkExpirySeconds',
  ],
  properties: {
    manifestVersion: { const: MANIFEST_VERSION },
    stage: NAME,
    buckets: {
      type: 'object',
      required: ['ingest', 'quarantine', 'content'],
      properties: { ingest: NAME, quarantine: NAME, content: NAME },
    },
    table: NAME,
    topicRoutes: {
      type: 'object',
      // The first topic of full documents always exists (shared/partners/topology.ts).
      required: ['full'],
      properties: Object.fromEntries(
        PAYLOAD_VARIANTS.map((variant) => [
          variant,
          { type: 'array', items: NAME, ...(variant === 'full' ? { minItems: 1 } : {}) },
        ]),
      ),
      additionalProperties: false,
    },
    queues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'url'],
        properties: {
          role: { enum: QUEUE_ROLES },
          url: NAME,
          arn: NAME,
          partner: NAME,
          partnerId: NAME,
          deadLetterQueueUrl: NAME,
        },
        // A partner's queue is found by its partner: it must say which.
        if: { properties: { role: { enum: PARTNER_ROLES } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, a schema never awaited.
        then: { required: ['partner'] },
      },
    },
    contentLinkExpirySeconds: { type: 'integer', minimum: 60, maximum: MAX_LINK_EXPIRY_SECONDS },
  },
} as const;

const SHARD_MANIFEST_SCHEMA = {
  type: 'object',
  required: ['shard', 'queueUrlPrefix', 'partners'],
  properties: {
    shard: { type: 'integer', minimum: 0 },
    queueUrlPrefix: NAME,
    partners: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'queues'],
        properties: {
          name: NAME,
          id: NAME,
          queues: { type: 'array', items: { enum: ['queue', 'queueDlq', 'deliveryDlq'] } },
        },
      },
    },
  },
} as const;

let ajv: Ajv | undefined;

/** `value` if `schema` takes it, else an Error listing every problem. */
function checked<T>(schema: object, value: unknown, dataVar: string): T {
  ajv ??= new Ajv({ allErrors: true });
  // Compiled on first use only: Ajv keeps each schema object's validator.
  const validate = ajv.compile(schema);
  if (!validate(value)) throw new Error(ajv.errorsText(validate.errors, { dataVar, separator: '; ' }));
  return value as T;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
}

/**
 * `value` (parsed JSON) as a manifest, or an Error saying every way it is not one. A newer manifest
 * version is refused as such rather than misread.
 */
export function checkManifest(value: unknown): PipelineManifest {
  const version = (value as { manifestVersion?: unknown } | null)?.manifestVersion;
  if (typeof version === 'number' && version > MANIFEST_VERSION)
    throw new Error(`manifest version ${version} is newer than this CLI reads (${MANIFEST_VERSION})`);
  return checked<PipelineManifest>(MANIFEST_SCHEMA, value, 'manifest');
}

/** `text` (a stack output) parsed and checked as a manifest. */
export function parseManifest(text: string): PipelineManifest {
  return checkManifest(parsed(text));
}

/** `text` (a shard's SSM parameter) parsed and checked as a shard manifest. */
export function parseShardManifest(text: string): ShardManifest {
  return checked<ShardManifest>(SHARD_MANIFEST_SCHEMA, parsed(text), 'shard manifest');
}

const ROLE_OF_KIND: Readonly<Record<PartnerQueueKind, QueueRole>> = {
  queue: 'partner',
  queueDlq: 'partner-dead-letter',
  deliveryDlq: 'delivery-dead-letter',
};

/**
 * The partner queues the shards' manifests list (one SSM parameter per shard), each with its role and
 * partner. A queue's URL is the shard's prefix and the name the stack gives it in `stage`.
 */
export function partnerQueuesFromShards(shards: readonly ShardManifest[], stage: string): ManifestQueue[] {
  const queues: ManifestQueue[] = [];
  for (const shard of shards) {
    for (const partner of shard.partners) {
      const url = (kind: PartnerQueueKind) =>
        `${shard.queueUrlPrefix}${partnerQueueName(stage, partner, kind)}`;
      const owner = {
        partner: partner.name,
        ...(partner.id !== undefined && partner.id !== partner.name ? { partnerId: partner.id } : {}),
      };
      for (const kind of ['queue', 'queueDlq', 'deliveryDlq'] as const) {
        if (!partner.queues.includes(kind)) continue;
        queues.push({
          role: ROLE_OF_KIND[kind],
          url: url(kind),
          ...owner,
          ...(kind === 'queue' && partner.queues.includes('queueDlq')
            ? { deadLetterQueueUrl: url('queueDlq') }
            : {}),
        });
      }
    }
  }
  return queues;
}

/** A queue as the operator commands show and take it. */
export interface TargetQueue {
  /**
   * What `status` shows and `redrive` takes, from the queue's role and partner: `IngestQueue`,
   * `IngestDlq`, `StreamDlq`, `ReleaseDlq`, `Partner<Id>Queue`, `…QueueDlq`, `…DeliveryDlq` — the same
   * locally and in AWS (`<Id>`: the partner's id, or its name, in PascalCase).
   */
  readonly label: string;
  /** The queue's own name, the last segment of its URL (`redrive` takes it too). */
  readonly name: string;
  readonly url: string;
  readonly role: QueueRole;
  readonly partner?: string;
  /** For a dead-letter queue: the queue its messages go back to on redrive, when there is one. */
  readonly redrivesTo?: string;
}

const PIPELINE_QUEUE_LABELS: Readonly<Partial<Record<QueueRole, string>>> = {
  ingest: 'IngestQueue',
  'ingest-dead-letter': 'IngestDlq',
  'stream-failures': 'StreamDlq',
  'release-failures': 'ReleaseDlq',
};

const PARTNER_QUEUE_SUFFIXES: Readonly<Partial<Record<QueueRole, string>>> = {
  partner: 'Queue',
  'partner-dead-letter': 'QueueDlq',
  'delivery-dead-letter': 'DeliveryDlq',
};

/**
 * The queue's own name: the last path segment of its URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`).
 * Read as text: the emulator's queue URLs have hosts that are not valid URL hosts.
 */
function queueNameOf(url: string): string {
  const end = [url.indexOf('?'), url.indexOf('#')].filter((at) => at >= 0);
  let path = end.length > 0 ? url.slice(0, Math.min(...end)) : url;
  while (path.endsWith('/')) path = path.slice(0, -1);
  return path.slice(path.lastIndexOf('/') + 1);
}

function labelOf(queue: ManifestQueue): string {
  const suffix = PARTNER_QUEUE_SUFFIXES[queue.role];
  if (suffix !== undefined && queue.partner !== undefined)
    return `${partnerConstructId({ name: queue.partner, ...(queue.partnerId ? { id: queue.partnerId } : {}) })}${suffix}`;
  return PIPELINE_QUEUE_LABELS[queue.role] ?? queueNameOf(queue.url);
}

/**
 * The manifest's queues as the commands act on them. A dead-letter queue redrives to the queue whose
 * redrive policy names it; a partner's delivery dead-letter queue (what SNS could not deliver) to that
 * partner's queue, when it has one. The stream's failures are descriptions of table batches, not
 * messages: they are republished from the index, never moved (see `redrive`).
 */
export function targetQueues(manifest: Pick<PipelineManifest, 'queues'>): TargetQueue[] {
  const sourceOf = new Map<string, string>();
  for (const queue of manifest.queues)
    if (queue.deadLetterQueueUrl !== undefined) sourceOf.set(queue.deadLetterQueueUrl, queue.url);
  const partnerQueueUrl = (partner: string | undefined) =>
    manifest.queues.find((queue) => queue.role === 'partner' && queue.partner === partner)?.url;
  return manifest.queues.map((queue) => {
    const redrivesTo =
      queue.role === 'stream-failures'
        ? undefined
        : queue.role === 'delivery-dead-letter'
          ? partnerQueueUrl(queue.partner)
          : DEAD_LETTER_ROLES.has(queue.role)
            ? sourceOf.get(queue.url)
            : undefined;
    return {
      label: labelOf(queue),
      name: queueNameOf(queue.url),
      url: queue.url,
      role: queue.role,
      ...(queue.partner !== undefined ? { partner: queue.partner } : {}),
      ...(redrivesTo !== undefined ? { redrivesTo } : {}),
    };
  });
}

/**
 * The queue of the partner named exactly `name` (its registry name, as the manifest records it):
 * never one whose name merely contains it, nor a pipeline queue whose name looks alike.
 */
export function partnerQueueOf(queues: readonly TargetQueue[], name: string): TargetQueue | undefined {
  return queues.find((queue) => queue.role === 'partner' && queue.partner === name);
}

/**
 * What `redrive` does with a dead-letter queue: move its messages back to the queue that
 * dead-lettered them, republish the table changes the stream's failure records describe, or leave it
 * (nothing of ours to move back into: the release DLQ, a delivery DLQ of a partner with no queue).
 */
export type RedriveAction = 'move-back' | 'republish' | 'leave';

/**
 * The dead-letter queues `wanted` names (by the name `status` shows or by the queue's own name), or
 * every one when `wanted` is empty, each with what redrive does with it; and the names matching none.
 */
export function redrivePlan(
  queues: readonly TargetQueue[],
  wanted: readonly string[],
): { steps: { queue: TargetQueue; action: RedriveAction }[]; unknown: string[] } {
  const deadLetters = queues.filter((queue) => DEAD_LETTER_ROLES.has(queue.role));
  const named = (queue: TargetQueue, name: string) => queue.label === name || queue.name === name;
  const chosen =
    wanted.length === 0
      ? deadLetters
      : deadLetters.filter((queue) => wanted.some((name) => named(queue, name)));
  return {
    steps: chosen.map((queue) => ({
      queue,
      action:
        queue.role === 'stream-failures'
          ? 'republish'
          : queue.redrivesTo !== undefined
            ? 'move-back'
            : 'leave',
    })),
    unknown: wanted.filter((name) => !deadLetters.some((queue) => named(queue, name))),
  };
}

/** The topics of each payload variant; a variant the manifest does not route has none. */
export function topicRoutesOf(manifest: Pick<PipelineManifest, 'topicRoutes'>): TopicRoutes {
  const routes = (variant: PayloadVariant) => manifest.topicRoutes[variant] ?? [];
  return { full: routes('full'), summary: routes('summary'), 'summary-linked': routes('summary-linked') };
}

/**
 * The payload variants the pipeline publishes: those with a topic. A variant has topics exactly when
 * some partner takes it (shared/partners/topology.ts), which is also when the publish function sends
 * it (its PUBLISH_SUMMARIES / PUBLISH_LINKED_SUMMARIES settings), so a replay sends what publish would.
 */
export function publishedVariants(manifest: Pick<PipelineManifest, 'topicRoutes'>): PayloadVariant[] {
  const routes = topicRoutesOf(manifest);
  return PAYLOAD_VARIANTS.filter((variant) => variant === 'full' || routes[variant].length > 0);
}
