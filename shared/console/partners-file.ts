/**
 * The partner registry and the stage, as the console's function reads them: a file shipped in its
 * bundle (written by infra/constructs/console-api.ts), because Lambda's 4 KB of environment
 * variables cannot hold more than a few dozen partners, let alone their queues. Partner queues are
 * named from the stage and the partner's permanent id (shared/partners/topology.ts), so their URLs
 * are the region's SQS endpoint and account (one setting) and a name derived here: the file holds no
 * deploy-time value and any number of partners. Validated again at cold start by the registry's own
 * parser, so a damaged file fails the first call with every problem named.
 */
import { ConfigurationError } from '../domain/errors.js';
import { type Partner, parsePartnerRegistry } from '../partners/registry.js';
import { type PartnerQueueKind, partnerQueueName } from '../partners/topology.js';
import type { QueueRole } from '../pipeline/description.js';
import type { ManifestQueue } from '../pipeline/manifest.js';

/** The file, next to the function's `index.mjs`, that holds the document. */
export const CONSOLE_PARTNERS_FILE = 'console-partners.json';

export interface ConsolePartnersFile {
  /** The stage partner queues are named in. */
  readonly stage: string;
  readonly partners: readonly Partner[];
}

/** The document of `partners` (already validated by parsePartnerRegistry), as JSON text. */
export function consolePartnersDocument(stage: string, partners: readonly Partner[]): string {
  return JSON.stringify({ stage, partners });
}

export function parseConsolePartners(text: string): ConsolePartnersFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${CONSOLE_PARTNERS_FILE} is not JSON: ${(error as Error).message}`);
  }
  const stage = (document as { stage?: unknown } | null)?.stage;
  if (typeof stage !== 'string' || stage === '')
    throw new ConfigurationError(`${CONSOLE_PARTNERS_FILE}: "stage" must be the stage's name`);
  return { stage, partners: parsePartnerRegistry(document) };
}

/**
 * The queues the stack makes for a partner (infra/constructs/partner-delivery.ts): every delivery
 * has a delivery dead-letter queue; an `sqs` partner without a queue of its own gets one of ours,
 * with its dead-letter queue.
 */
export function partnerQueueKinds(partner: Partner): PartnerQueueKind[] {
  return partner.delivery.type === 'sqs' && !partner.delivery.queueArn
    ? ['queue', 'queueDlq', 'deliveryDlq']
    : ['deliveryDlq'];
}

const ROLE_OF_KIND: Readonly<Record<PartnerQueueKind, QueueRole>> = {
  queue: 'partner',
  queueDlq: 'partner-dead-letter',
  deliveryDlq: 'delivery-dead-letter',
};

/**
 * Every partner queue of the stage as manifest entries, as the CLI reads them from the shards'
 * manifests: `queueUrlPrefix` is `https://sqs.REGION.amazonaws.com/ACCOUNT/`.
 */
export function partnerManifestQueues(
  queueUrlPrefix: string,
  stage: string,
  partners: readonly Partner[],
): ManifestQueue[] {
  const queues: ManifestQueue[] = [];
  for (const partner of partners) {
    const kinds = partnerQueueKinds(partner);
    const url = (kind: PartnerQueueKind) => `${queueUrlPrefix}${partnerQueueName(stage, partner, kind)}`;
    const owner = {
      partner: partner.name,
      ...(partner.id !== undefined && partner.id !== partner.name ? { partnerId: partner.id } : {}),
    };
    for (const kind of kinds)
      queues.push({
        role: ROLE_OF_KIND[kind],
        url: url(kind),
        ...owner,
        ...(kind === 'queue' && kinds.includes('queueDlq') ? { deadLetterQueueUrl: url('queueDlq') } : {}),
      });
  }
  return queues;
}
