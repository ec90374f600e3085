/**
 * The operator console's answers, over ports only: what is in the index, what each partner received
 * and how fast, what failed, the pipeline's health, and the two operator actions (redrive a
 * dead-letter queue, replay an article) through the same use cases the CLI runs
 * (../usecases/redrive.ts, ../usecases/replay.ts). The local runtime (local/console/api.ts) and the
 * deployed function (functions/aws/console-api.ts) differ only in the ports they give it.
 *
 * Where AWS keeps no record, the answer says so instead of inventing one: there is no per-delivery
 * record behind SNS, so an article's deliveries are the partners whose filter policy takes the
 * version (`routed`, not confirmed), and per-partner figures come with the basis they rest on.
 */
import type { ArticleHead } from '../domain/article.js';
import {
  attributesFor,
  type EventType,
  type OutboundMessage,
  type PayloadVariant,
} from '../domain/message.js';
import { evaluateFilterPolicy } from '../partners/filter-policy.js';
import {
  endpointOf,
  type Partner,
  payloadVariantOf,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
  subscriptionFilterPolicyFor,
} from '../partners/registry.js';
import type { QueueRole } from '../pipeline/description.js';
import { type ManifestQueue, queuesWithRole } from '../pipeline/manifest.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ContentStore } from '../ports/content-store.js';
import type { DeliveryMetricsReader, PartnerDeliveryFigures } from '../ports/delivery-metrics.js';
import type { EmbargoScheduler } from '../ports/embargo-scheduler.js';
import type { MessageQueues } from '../ports/message-queues.js';
import type { Notifier } from '../ports/notifier.js';
import { eventTypeOf } from '../usecases/publish-changes.js';
import { redriveMessages, redriveStreamFailures } from '../usecases/redrive.js';
import { replayArticles } from '../usecases/replay.js';
import { documentDiff } from './diff.js';
import { parseArticleQuery, searchArticles } from './search.js';

/** A request the API cannot serve as asked: its status and a sentence saying why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ConsoleAction =
  | { readonly action: 'redrive'; readonly queue: string }
  | { readonly action: 'replay'; readonly uri: string; readonly partner?: string };

export interface QueueDepth {
  readonly name: string;
  readonly role: 'ingest' | 'dead-letter' | 'partner';
  readonly waiting: number;
  readonly inFlight: number;
  /** For a dead-letter queue: whether redrive has somewhere to send its messages. */
  readonly redrivable?: boolean;
}

/** One delivery of a version to a partner, as the page lists it. */
export interface DeliveryRow {
  readonly partner: string;
  readonly uri: string;
  readonly version: number;
  readonly eventType: string;
  readonly payload: string;
  /** When the partner received it; null when only the routing is known (AWS). */
  readonly receivedAt: string | null;
  readonly uploadedAt: string | null;
  readonly latencyMs: number | null;
  /** Present (false) on a row that says where SNS routes the version, not that it arrived. */
  readonly confirmed?: false;
}

/**
 * Every delivery, where something records each one (the local runtime sees every message reach a
 * partner's queue). AWS has no such record: the port is absent there.
 */
export interface DeliveryLog {
  /** The article's deliveries, oldest first. */
  forArticle(uri: string): Promise<DeliveryRow[]>;
  /** The partner's deliveries, oldest first. */
  forPartner(partner: string): Promise<DeliveryRow[]>;
  /** How many deliveries of the article were recorded (cheap: the list polls it per row). */
  countFor(uri: string): number;
  /** How many deliveries were recorded in all. */
  total(): number;
}

/** The article heads the list searches, newest first, and what part of the index they are when not all. */
export interface ArticleHeadSource {
  heads(): Promise<{ readonly items: readonly ArticleHead[]; readonly basis?: string }>;
}

/** A queue's depth: messages waiting, and received but not yet deleted. */
export interface QueueDepthReader {
  depth(queueUrl: string): Promise<{ waiting: number; inFlight: number }>;
}

/** The quarantined originals, by their key in the quarantine bucket. */
export interface QuarantineReader {
  original(key: string): Promise<Uint8Array | undefined>;
}

export interface AlarmView {
  readonly name: string;
  readonly state: string;
  readonly reason: string;
  readonly updatedAt: string | null;
}

export interface AlarmSummary {
  /** In words: `OK`, `2 in ALARM`, or why there are none (`n/a locally`). */
  readonly state: string;
  readonly detail: string;
  readonly alarms?: readonly AlarmView[];
}

export interface AlarmReader {
  summary(): Promise<AlarmSummary>;
}

/** A partner as the console shows it: its registry entry, and how the local runtime delivers to it. */
export interface ConsolePartner {
  readonly partner: Partner;
  /** Locally: how the runtime stands in for the partner's endpoint. */
  readonly localDelivery?: string;
}

export interface ConsoleDependencies {
  readonly index: ArticleIndex;
  readonly articleHeads: ArticleHeadSource;
  /** The pipeline's queues by role (shared/pipeline/manifest.ts). */
  readonly queues: readonly ManifestQueue[];
  readonly depths: QueueDepthReader;
  readonly partners: readonly ConsolePartner[];
  readonly deliveryMetrics: DeliveryMetricsReader;
  /** Per-delivery records, where there are any (locally). */
  readonly deliveryLog?: DeliveryLog;
  readonly quarantine: QuarantineReader;
  readonly alarms: AlarmReader;
  /** What the console looks at, in words (`local runtime`, the stack's name). */
  readonly target: string;
  /** How far back the partners' figures reach. @default all that was recorded */
  readonly deliveryWindowMs?: number;
  readonly now: () => Date;
  readonly actions: ActionPorts;
}

/** What the two actions act through. */
export interface ActionPorts {
  readonly messageQueues: MessageQueues;
  /** Every partner whose filter takes a message (the topics). */
  readonly notifier: Notifier;
  /** A notifier that reaches `partner` alone (its own queue), or undefined when it has none. */
  partnerNotifier(partner: string): Notifier | undefined;
  /** Where documents go that a message cannot carry (claim checks or signed links). */
  readonly contentStore?: ContentStore;
  /** Stream failures whose version is withheld need a release schedule. */
  readonly scheduler: EmbargoScheduler;
  /**
   * Most messages (or stream failure records) one redrive moves, where a request has a deadline (API
   * Gateway ends an integration after 30 seconds); the operator runs it again for the rest.
   * @default all of them
   */
  readonly redriveLimit?: number;
}

interface DeadLetterQueue {
  readonly name: string;
  readonly url: string;
  readonly role: QueueRole;
  /** The queue its messages go back to: the one whose dead-letter queue it is, when there is one. */
  readonly redrivesTo?: string;
  readonly partner?: string;
}

/** A queue's name: the last segment of its URL (SQS and fauxqs alike). */
export const queueNameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

const DEAD_LETTER_ROLES: ReadonlySet<QueueRole> = new Set([
  'ingest-dead-letter',
  'stream-failures',
  'release-failures',
  'partner-dead-letter',
  'delivery-dead-letter',
]);

/** A partner with no queue of its own (delivered by SNS to an endpoint): what the queue columns show. */
const NO_QUEUE = { name: 'none (SNS delivers to the endpoint)', waiting: 0, inFlight: 0 } as const;

/** Says where SNS routes an article's version, for the page, in AWS where nothing records deliveries. */
export const ROUTED_BASIS =
  'routed, not confirmed: the partners whose filter policy takes this version; SNS keeps no per-delivery record to confirm receipt (see the partners page for delivery figures)';

/**
 * The event a list row's current version most likely was, from its head alone: the list does not read
 * each row's previous version (a read per row on every poll). Only partners that filter on the event
 * type can count differently from the article's own page, which reads it.
 */
function presumedEvent(head: ArticleHead): EventType | undefined {
  if (head.pubStatus === 'withheld') return undefined;
  if (head.pubStatus === 'canceled') return 'article.withdrawn';
  return head.version > 1 ? 'article.updated' : 'article.published';
}

export class ConsoleService {
  constructor(private readonly deps: ConsoleDependencies) {}

  // --- articles -------------------------------------------------------------------------------------

  async articles(query: Readonly<Record<string, string | undefined>>) {
    const parsed = parseArticleQuery(query);
    const { items, basis } = await this.deps.articleHeads.heads();
    const page = searchArticles(items, parsed);
    const log = this.deps.deliveryLog;
    return {
      ...page,
      items: page.items.map((head) => ({
        uri: head.uri,
        version: head.version,
        headline: head.headline,
        source: head.source,
        language: head.language ?? null,
        pubStatus: head.pubStatus,
        subjects: head.subjectCodes,
        versionCreated: head.versionCreated,
        objectKey: head.origin.key,
        deliveries: log ? log.countFor(head.uri) : this.routedPartners(head, presumedEvent(head)).length,
      })),
      ...(basis !== undefined ? { basis } : {}),
    };
  }

  private async head(uri: string): Promise<ArticleHead> {
    const head = await this.deps.index.current(uri);
    if (!head) throw new ApiError(404, `no article ${uri} in the index`);
    return head;
  }

  async article(uri: string) {
    const head = await this.head(uri);
    const versions = await Promise.all(
      Array.from({ length: head.version }, (_, index) => this.deps.index.version(uri, index + 1)),
    );
    const stored = versions.filter((version) => version !== undefined);
    const log = this.deps.deliveryLog;
    return {
      head,
      versions: stored.map((version) => ({
        version: version.version,
        contentHash: version.contentHash,
        pubStatus: version.ninjs.pubStatus ?? null,
        versionCreated: version.ninjs.versionCreated ?? null,
        ninjs: version.ninjs,
        provenance: version.provenance,
      })),
      ...(log
        ? { deliveries: await log.forArticle(uri) }
        : {
            deliveries: this.routedRows(
              head,
              this.eventOfCurrent(head, versions[head.version - 2]?.ninjs.pubStatus),
            ),
            deliveriesBasis: ROUTED_BASIS,
          }),
    };
  }

  /** The event the current version was for partners, from the status of the version before it. */
  private eventOfCurrent(head: ArticleHead, previousStatus: string | undefined): EventType | undefined {
    const before =
      head.version > 1
        ? {
            ...head,
            version: head.version - 1,
            pubStatus: (previousStatus ?? head.pubStatus) as ArticleHead['pubStatus'],
          }
        : undefined;
    return eventTypeOf({ id: head.uri, ...(before ? { before } : {}), after: head });
  }

  /** Partners whose subscription filter takes the current version's message, as SNS decides. */
  private routedPartners(head: ArticleHead, event: EventType | undefined): Partner[] {
    if (event === undefined) return [];
    return this.deps.partners
      .map(({ partner }) => partner)
      .filter(
        (partner) =>
          evaluateFilterPolicy(
            subscriptionFilterPolicyFor(partner),
            attributesFor(head, event, payloadVariantOf(partner)),
          ).matches,
      );
  }

  private routedRows(head: ArticleHead, eventType: EventType | undefined): DeliveryRow[] {
    if (eventType === undefined) return [];
    return this.routedPartners(head, eventType).map((partner) => ({
      partner: partner.name,
      uri: head.uri,
      version: head.version,
      eventType,
      payload: partner.payload,
      receivedAt: null,
      uploadedAt: null,
      latencyMs: null,
      confirmed: false,
    }));
  }

  async diff(uri: string, from: number, to: number) {
    const head = await this.head(uri);
    for (const version of [from, to])
      if (!Number.isInteger(version) || version < 1 || version > head.version)
        throw new ApiError(400, `version must be 1 to ${head.version} for ${uri}, not '${version}'`);
    const [before, after] = await Promise.all([
      this.deps.index.version(uri, from),
      this.deps.index.version(uri, to),
    ]);
    if (!before || !after)
      throw new ApiError(404, `version ${before ? to : from} of ${uri} is not in the index`);
    return { uri, from, to, changes: documentDiff(before.ninjs, after.ninjs) };
  }

  // --- partners -------------------------------------------------------------------------------------

  private partnerQueue(partner: string): ManifestQueue | undefined {
    return queuesWithRole({ queues: this.deps.queues }, 'partner', partner)[0];
  }

  private partnerDeadLetterQueue(partner: string): ManifestQueue | undefined {
    const queues = { queues: this.deps.queues };
    return (
      queuesWithRole(queues, 'partner-dead-letter', partner)[0] ??
      queuesWithRole(queues, 'delivery-dead-letter', partner)[0]
    );
  }

  private async depthOf(queue: ManifestQueue | undefined) {
    if (!queue) return NO_QUEUE;
    return { name: queueNameOf(queue.url), ...(await this.deps.depths.depth(queue.url)) };
  }

  async partners(bucketSeconds = 60) {
    if (!Number.isInteger(bucketSeconds) || bucketSeconds < 1 || bucketSeconds > 86_400)
      throw new ApiError(400, `bucket must be 1 to 86400 seconds, not '${bucketSeconds}'`);
    const to = this.deps.now();
    const from = new Date(
      this.deps.deliveryWindowMs === undefined ? 0 : to.getTime() - this.deps.deliveryWindowMs,
    );
    const figures = await this.deps.deliveryMetrics.perPartner({ from, to, bucketSeconds });
    const byPartner = new Map<string, PartnerDeliveryFigures>(figures.map((entry) => [entry.partner, entry]));
    const log = this.deps.deliveryLog;
    return Promise.all(
      this.deps.partners.map(async ({ partner, localDelivery }) => {
        const [queue, deadLetterQueue] = await Promise.all([
          this.depthOf(this.partnerQueue(partner.name)),
          this.depthOf(this.partnerDeadLetterQueue(partner.name)),
        ]);
        const figure = byPartner.get(partner.name);
        return {
          name: partner.name,
          description: partner.description ?? null,
          delivery: partner.delivery.type,
          endpoint: endpointOf(partner.delivery) ?? null,
          ...(localDelivery !== undefined ? { localDelivery } : {}),
          filters: partner.filters,
          payload: partner.payload,
          fullTextLink: partner.fullTextLink ?? false,
          queue,
          deadLetterQueue,
          deliveries: figure ? figure.deliveries : 0,
          failures: figure?.failures ?? 0,
          latency: {
            samples: figure?.latency.samples ?? 0,
            p50Ms: figure?.latency.p50Ms ?? null,
            p95Ms: figure?.latency.p95Ms ?? null,
            bucketSeconds,
            // The chart draws latency: buckets with no latency figure have nothing to draw.
            overTime: (figure?.overTime ?? []).flatMap((bucket) =>
              bucket.p50Ms === null || bucket.p95Ms === null
                ? []
                : [
                    {
                      start: bucket.start,
                      deliveries: bucket.deliveries,
                      p50Ms: bucket.p50Ms,
                      p95Ms: bucket.p95Ms,
                    },
                  ],
            ),
          },
          recent: log ? (await log.forPartner(partner.name)).slice(-20).reverse() : [],
          ...(log ? {} : { basis: figure?.basis ?? 'no delivery figures for this partner' }),
        };
      }),
    );
  }

  // --- health ---------------------------------------------------------------------------------------

  private deadLetterQueues(): DeadLetterQueue[] {
    const queues = this.deps.queues;
    return queues
      .filter((queue) => DEAD_LETTER_ROLES.has(queue.role))
      .map((queue) => {
        const source = queues.find((candidate) => candidate.deadLetterQueueUrl === queue.url);
        return {
          name: queueNameOf(queue.url),
          url: queue.url,
          role: queue.role,
          ...(source ? { redrivesTo: source.url } : {}),
          ...(queue.partner ? { partner: queue.partner } : {}),
        };
      });
  }

  async health() {
    const queues: QueueDepth[] = await Promise.all([
      ...queuesWithRole({ queues: this.deps.queues }, 'ingest').map(async (queue) => ({
        name: queueNameOf(queue.url),
        role: 'ingest' as const,
        ...(await this.deps.depths.depth(queue.url)),
      })),
      ...this.deadLetterQueues().map(async (queue) => ({
        name: queue.name,
        role: 'dead-letter' as const,
        redrivable: queue.redrivesTo !== undefined || queue.role === 'stream-failures',
        ...(await this.deps.depths.depth(queue.url)),
      })),
    ]);
    const deadLetters = queues.filter((queue) => queue.role === 'dead-letter');
    const [alarms, withheld] = await Promise.all([this.deps.alarms.summary(), this.deps.index.withheld(100)]);
    return {
      target: this.deps.target,
      queues,
      deadLetterMessages: deadLetters.reduce((sum, queue) => sum + queue.waiting + queue.inFlight, 0),
      alarms,
      withheld: withheld.length,
      // Only a runtime that records each delivery can count them; AWS's figures are on the partners page.
      deliveries: this.deps.deliveryLog ? this.deps.deliveryLog.total() : null,
    };
  }

  // --- rejections -----------------------------------------------------------------------------------

  async rejections(limit = 50) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ApiError(400, `limit must be 1 to 500, not '${limit}'`);
    const rejections = await this.deps.index.rejections(limit);
    return rejections.map((rejection) => ({
      ...rejection,
      original: rejection.quarantineKey
        ? `/api/rejections/original?key=${encodeURIComponent(rejection.quarantineKey)}`
        : null,
    }));
  }

  /** The quarantined original's bytes, exactly as the publisher sent them. */
  async quarantined(key: string): Promise<Uint8Array> {
    const rejections = await this.deps.index.rejections(500);
    // Only what a rejection names: the query cannot reach other objects of the bucket.
    if (!rejections.some((rejection) => rejection.quarantineKey === key))
      throw new ApiError(404, `no rejection keeps an original at '${key}'`);
    const bytes = await this.deps.quarantine.original(key);
    if (!bytes) throw new ApiError(404, `the quarantined original '${key}' is gone`);
    return bytes;
  }

  // --- actions --------------------------------------------------------------------------------------

  /** Checks an action and says what it will do, before the operator confirms it. */
  async describe(input: unknown): Promise<{ action: ConsoleAction; summary: string }> {
    const action = this.actionOf(input);
    if (action.action === 'redrive') {
      const queue = this.deadLetter(action.queue);
      const { waiting, inFlight } = await this.deps.depths.depth(queue.url);
      const what = queue.redrivesTo
        ? `move its messages back to ${queue.partner ? `${queue.partner}'s queue` : queueNameOf(queue.redrivesTo)}`
        : 'republish the articles its failure records cover from the index';
      return {
        action,
        summary: `Redrive ${queue.name} (${waiting} waiting, ${inFlight} in flight): ${what}.`,
      };
    }
    const head = await this.head(action.uri);
    return {
      action,
      summary: `Replay ${head.uri} v${head.version} (${head.pubStatus}) to ${action.partner ? `${action.partner} only (if its filter takes it)` : 'every partner whose filter takes it'}.`,
    };
  }

  private actionOf(input: unknown): ConsoleAction {
    const body = (input ?? {}) as Record<string, unknown>;
    if (body.action === 'redrive' && typeof body.queue === 'string')
      return { action: 'redrive', queue: body.queue };
    if (body.action === 'replay' && typeof body.uri === 'string') {
      if (body.partner !== undefined && typeof body.partner !== 'string')
        throw new ApiError(400, 'replay: partner must be a partner name');
      if (typeof body.partner === 'string') this.partnerNamed(body.partner);
      return {
        action: 'replay',
        uri: body.uri,
        ...(typeof body.partner === 'string' ? { partner: body.partner } : {}),
      };
    }
    throw new ApiError(
      400,
      'an action is {"action":"redrive","queue":NAME} or {"action":"replay","uri":URI[,"partner":NAME]}',
    );
  }

  private deadLetter(name: string): DeadLetterQueue {
    const queue = this.deadLetterQueues().find((candidate) => candidate.name === name);
    // Stream failures are republished from the index; anything else needs a queue to go back to.
    if (queue && !queue.redrivesTo && queue.role !== 'stream-failures')
      throw new ApiError(
        409,
        `${name} has no source queue to redrive into: see the README's alarm table for what to do`,
      );
    if (!queue)
      throw new ApiError(
        404,
        `no dead-letter queue '${name}'; known: ${this.deadLetterQueues()
          .map((known) => known.name)
          .join(', ')}`,
      );
    return queue;
  }

  private partnerNamed(name: string): Partner {
    const found = this.deps.partners.find(({ partner }) => partner.name === name);
    if (!found) throw new ApiError(404, `no partner '${name}'`);
    return found.partner;
  }

  async run(action: ConsoleAction) {
    const ports = this.deps.actions;
    const partners = this.deps.partners.map(({ partner }) => partner);
    const summaries = registryWantsSummaries(partners);
    const linkedSummaries = registryWantsLinkedSummaries(partners);
    const contentStore = ports.contentStore ? { contentStore: ports.contentStore } : {};
    if (action.action === 'redrive') {
      const queue = this.deadLetter(action.queue);
      const limit = ports.redriveLimit !== undefined ? { limit: ports.redriveLimit } : {};
      if (queue.redrivesTo) {
        const result = await redriveMessages(
          { queues: ports.messageQueues },
          { from: queue.url, to: queue.redrivesTo, ...limit },
        );
        const more = ports.redriveLimit !== undefined && result.moved + result.failed >= ports.redriveLimit;
        return {
          ...action,
          ...result,
          summary: `${queue.name}: ${result.moved} moved back${result.failed ? `, ${result.failed} could not be sent` : ''}${more ? ` (at most ${ports.redriveLimit} a run: redrive again for the rest)` : ''}`,
        };
      }
      const result = await redriveStreamFailures(
        {
          queues: ports.messageQueues,
          index: this.deps.index,
          notifier: ports.notifier,
          scheduler: ports.scheduler,
          now: this.deps.now,
          summaries,
          linkedSummaries,
          ...contentStore,
        },
        { from: queue.url, ...limit },
      );
      return {
        ...action,
        moved: result.handled.length,
        failed: result.failed.length + result.unreadable,
        summary: `${queue.name}: ${result.records} failure records, ${result.handled.length} articles republished${result.failed.length ? `, ${result.failed.length} failed` : ''}`,
      };
    }
    let notifier = ports.notifier;
    let variants: PayloadVariant[] = [
      'full',
      ...(summaries ? (['summary'] as const) : []),
      ...(linkedSummaries ? (['summary-linked'] as const) : []),
    ];
    let admits: ((message: OutboundMessage) => boolean) | undefined;
    if (action.partner) {
      // One partner only: straight to its queue, and only what its filter policy takes, as SNS would decide.
      const partner = this.partnerNamed(action.partner);
      const own = ports.partnerNotifier(partner.name);
      if (!own)
        throw new ApiError(
          409,
          `${partner.name} has no queue of its own to replay into (${partner.delivery.type} delivery): replay to every partner instead`,
        );
      notifier = own;
      variants = [payloadVariantOf(partner)];
      const policy = subscriptionFilterPolicyFor(partner);
      admits = (message) => evaluateFilterPolicy(policy, message.attributes).matches;
    }
    const result = await replayArticles(
      {
        index: this.deps.index,
        notifier,
        now: this.deps.now,
        variants,
        ...contentStore,
        ...(admits ? { admits } : {}),
      },
      { uris: [action.uri] },
      action.partner,
    );
    const skipped = result.skipped.map(({ reason }) => reason);
    return {
      ...action,
      replayed: result.replayed.length,
      failed: result.failed.length,
      skipped,
      summary:
        result.failed.length > 0
          ? `replay of ${action.uri} failed`
          : skipped.length > 0
            ? `not replayed: ${skipped.join('; ')}`
            : `replayed ${action.uri} (${result.replayed.length} message${result.replayed.length === 1 ? '' : 's'})`,
    };
  }
}
