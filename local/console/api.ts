/**
 * The console's JSON API over a running LocalPipeline: what is in the index, what each partner
 * received and how fast, what failed, and the two operator actions (redrive a dead-letter queue,
 * replay an article). It reads the pipeline through its public members and the same adapters and
 * use cases the operator commands use (shared/usecases/redrive.ts, replay.ts); it changes nothing
 * in the pipeline but through those actions.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3ClaimCheck } from '../../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsDirectNotifier } from '../../shared/adapters/sqs-direct-notifier.js';
import { SqsRedriveQueues } from '../../shared/adapters/sqs-redrive.js';
import { documentDiff } from '../../shared/console/diff.js';
import { type LatencySample, latencyOverTime, percentile } from '../../shared/console/metrics.js';
import { parseArticleQuery, searchArticles } from '../../shared/console/search.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import type { OutboundMessage, PayloadVariant } from '../../shared/domain/message.js';
import { evaluateFilterPolicy } from '../../shared/partners/filter-policy.js';
import {
  endpointOf,
  payloadVariantOf,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
  subscriptionFilterPolicyFor,
} from '../../shared/partners/registry.js';
import type { QueueRole } from '../../shared/pipeline/description.js';
import { type ManifestQueue, type PipelineManifest, queuesWithRole } from '../../shared/pipeline/manifest.js';
import type { Notifier } from '../../shared/ports/notifier.js';
import { redriveMessages, redriveStreamFailures } from '../../shared/usecases/redrive.js';
import { replayArticles } from '../../shared/usecases/replay.js';
import { LOCAL_REGION } from '../aws-event-bridge.js';
import type { S3rverEvent } from '../emulators.js';
import { LOCAL_CREDENTIALS } from '../emulators.js';
import type { Delivery, LocalPipeline } from '../pipeline.js';
import type { LocalResources } from '../resources.js';

/** A request the API cannot serve as asked: its status and a sentence saying why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How long claim-check links made by a replay stay valid (as the CLI's replay). */
const REPLAY_LINK_EXPIRY_SECONDS = 6 * 3600;
/** Article heads read per scan page while listing. */
const SCAN_PAGE = 500;
/** Above this many articles whose object key is not known yet, the heads are scanned instead of read one by one. */
const SCAN_INSTEAD_OF_READS = 50;

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

interface VersionOrigin {
  readonly key: string;
  readonly createdAt: number;
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
const queueNameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

const DEAD_LETTER_ROLES: ReadonlySet<QueueRole> = new Set([
  'ingest-dead-letter',
  'stream-failures',
  'release-failures',
  'partner-dead-letter',
  'delivery-dead-letter',
]);

/** The local runtime's queues by role, as a pipeline manifest lists them (shared/pipeline/manifest.ts). */
export function localManifestQueues(resources: LocalResources): ManifestQueue[] {
  return [
    {
      role: 'ingest',
      url: resources.ingestQueue.url,
      deadLetterQueueUrl: resources.ingestDeadLetterQueue.url,
    },
    { role: 'ingest-dead-letter', url: resources.ingestDeadLetterQueue.url },
    { role: 'stream-failures', url: resources.streamDeadLetterQueue.url },
    ...resources.partnerQueues.flatMap(({ partner, queue, deadLetterQueue }) => [
      {
        role: 'partner' as const,
        url: queue.url,
        partner: partner.name,
        deadLetterQueueUrl: deadLetterQueue.url,
      },
      { role: 'partner-dead-letter' as const, url: deadLetterQueue.url, partner: partner.name },
    ]),
  ];
}

export class ConsoleApi {
  private readonly index: DynamoDbArticleIndex;
  /**
   * When each object key was uploaded or deleted (epoch ms, in order), from the S3 notifications seen
   * since start: a version's latency runs from the change of its object to the delivery.
   */
  private readonly objectChanges = new Map<string, number[]>();
  private readonly onS3Event = (event: S3rverEvent) => {
    for (const record of event.Records ?? []) {
      if (record.s3.bucket.name !== this.pipeline.resources.bucket) continue;
      const times = this.objectChanges.get(record.s3.object.key) ?? [];
      times.push(Date.parse(record.eventTime));
      this.objectChanges.set(record.s3.object.key, times);
    }
  };
  /** Each version's object key and creation time (epoch ms), by `uri#version`: versions never change. */
  private readonly versionOrigins = new Map<string, VersionOrigin>();
  private readonly sns: SNSClient;
  private readonly objectKeys = new Map<string, string>();

  private readonly manifestQueues: readonly ManifestQueue[];

  /**
   * `manifest`: the pipeline's queues by role, when the runtime publishes a manifest; otherwise they
   * are read from the pipeline's resources.
   */
  constructor(
    private readonly pipeline: LocalPipeline,
    manifest?: Pick<PipelineManifest, 'queues'>,
  ) {
    this.manifestQueues = manifest?.queues ?? localManifestQueues(pipeline.resources);
    const { clients, resources } = pipeline;
    this.index = new DynamoDbArticleIndex(clients.dynamoDb, resources.table, {
      documents: new S3DocumentStore(clients.s3, resources.contentBucket),
    });
    this.sns = new SNSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: pipeline.emulators.messagingEndpoint,
    });
    pipeline.emulators.s3Events.on('event', this.onS3Event);
  }

  close(): void {
    this.pipeline.emulators.s3Events.off('event', this.onS3Event);
    this.sns.destroy();
  }

  // --- articles -------------------------------------------------------------------------------------

  private async allHeads(): Promise<ArticleHead[]> {
    const heads: ArticleHead[] = [];
    let next: string | undefined;
    do {
      const page = await this.index.changedSince('', SCAN_PAGE, next);
      heads.push(...page.items);
      next = page.next;
    } while (next);
    for (const head of heads) this.remember(head);
    return heads;
  }

  async articles(query: Readonly<Record<string, string | undefined>>) {
    const parsed = parseArticleQuery(query);
    const page = searchArticles(await this.allHeads(), parsed);
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
        deliveries: this.pipeline.deliveries.filter((delivery) => delivery.envelope.uri === head.uri).length,
      })),
    };
  }

  private async head(uri: string): Promise<ArticleHead> {
    const head = await this.index.current(uri);
    if (!head) throw new ApiError(404, `no article ${uri} in the index`);
    this.remember(head);
    return head;
  }

  private remember(head: ArticleHead): void {
    this.objectKeys.set(head.uri, head.origin.key);
    this.versionOrigins.set(`${head.uri}#${head.version}`, {
      key: head.origin.key,
      createdAt: Date.parse(head.versionCreated),
    });
  }

  async article(uri: string) {
    const head = await this.head(uri);
    const versions = await Promise.all(
      Array.from({ length: head.version }, (_, index) => this.index.version(uri, index + 1)),
    );
    return {
      head,
      versions: versions
        .filter((version) => version !== undefined)
        .map((version) => ({
          version: version.version,
          contentHash: version.contentHash,
          pubStatus: version.ninjs.pubStatus ?? null,
          versionCreated: version.ninjs.versionCreated ?? null,
          ninjs: version.ninjs,
          provenance: version.provenance,
        })),
      deliveries: await this.deliveryViews(
        this.pipeline.deliveries.filter((delivery) => delivery.envelope.uri === uri),
      ),
    };
  }

  async diff(uri: string, from: number, to: number) {
    const head = await this.head(uri);
    for (const version of [from, to])
      if (!Number.isInteger(version) || version < 1 || version > head.version)
        throw new ApiError(400, `version must be 1 to ${head.version} for ${uri}, not '${version}'`);
    const [before, after] = await Promise.all([this.index.version(uri, from), this.index.version(uri, to)]);
    if (!before || !after)
      throw new ApiError(404, `version ${before ? to : from} of ${uri} is not in the index`);
    return { uri, from, to, changes: documentDiff(before.ninjs, after.ninjs) };
  }

  // --- deliveries and latency ----------------------------------------------------------------------

  /** Where a version came from: read once (from the head when it is current, else its stored document). */
  private async originOf(uri: string, version: number): Promise<VersionOrigin | undefined> {
    const id = `${uri}#${version}`;
    if (!this.versionOrigins.has(id)) {
      const key = await this.keyOf(uri);
      if (!this.versionOrigins.has(id) && key !== undefined) {
        const stored = await this.index.version(uri, version);
        const createdAt = stored?.ninjs.versionCreated ? Date.parse(stored.ninjs.versionCreated) : undefined;
        if (createdAt !== undefined) this.versionOrigins.set(id, { key, createdAt });
      }
    }
    return this.versionOrigins.get(id);
  }

  /**
   * The object change a version came from: the last upload (or deletion, for a withdrawal) of its key
   * at or before the version was created. Undefined when the console did not see it (before it started).
   */
  private changeBefore(origin: VersionOrigin | undefined): number | undefined {
    if (!origin) return undefined;
    let found: number | undefined;
    for (const time of this.objectChanges.get(origin.key) ?? []) if (time <= origin.createdAt) found = time;
    return found;
  }

  private async deliveryViews(deliveries: readonly Delivery[]) {
    const views = [];
    for (const delivery of deliveries) {
      const { envelope } = delivery;
      // Replays are sent long after the upload: their latency says nothing about the pipeline.
      const changedAt =
        envelope.eventType === 'article.replayed'
          ? undefined
          : this.changeBefore(await this.originOf(envelope.uri, envelope.version));
      views.push({
        partner: delivery.partner,
        uri: envelope.uri,
        version: envelope.version,
        eventType: envelope.eventType,
        payload: envelope.payload,
        receivedAt: new Date(delivery.receivedAt).toISOString(),
        uploadedAt: changedAt === undefined ? null : new Date(changedAt).toISOString(),
        latencyMs: changedAt === undefined ? null : delivery.receivedAt - changedAt,
      });
    }
    return views;
  }

  private async keyOf(uri: string): Promise<string | undefined> {
    if (!this.objectKeys.has(uri)) {
      const head = await this.index.current(uri);
      if (head) this.remember(head);
    }
    return this.objectKeys.get(uri);
  }

  // --- queues ---------------------------------------------------------------------------------------

  private async depth(url: string): Promise<{ waiting: number; inFlight: number }> {
    const { Attributes } = await this.pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  private deadLetterQueues(): DeadLetterQueue[] {
    return this.manifestQueues
      .filter((queue) => DEAD_LETTER_ROLES.has(queue.role))
      .map((queue) => {
        const source = this.manifestQueues.find((candidate) => candidate.deadLetterQueueUrl === queue.url);
        return {
          name: queueNameOf(queue.url),
          url: queue.url,
          role: queue.role,
          ...(source ? { redrivesTo: source.url } : {}),
          ...(queue.partner ? { partner: queue.partner } : {}),
        };
      });
  }

  async partners(bucketSeconds = 60) {
    if (!Number.isInteger(bucketSeconds) || bucketSeconds < 1 || bucketSeconds > 86_400)
      throw new ApiError(400, `bucket must be 1 to 86400 seconds, not '${bucketSeconds}'`);
    const delivered = new Set(this.pipeline.deliveries.map((delivery) => delivery.envelope.uri));
    const unknown = [...delivered].filter((uri) => !this.objectKeys.has(uri));
    // Many articles not seen yet (a console opened after a bulk ingest): one scan beats a read each.
    if (unknown.length > SCAN_INSTEAD_OF_READS) await this.allHeads();
    return Promise.all(
      this.pipeline.resources.partnerQueues.map(
        async ({ partner, queue, deadLetterQueue, localDelivery }) => {
          const deliveries = await this.deliveryViews(
            this.pipeline.deliveries.filter((delivery) => delivery.partner === partner.name),
          );
          const samples: LatencySample[] = deliveries
            .filter((delivery) => delivery.latencyMs !== null)
            .map((delivery) => ({
              at: Date.parse(delivery.receivedAt),
              latencyMs: delivery.latencyMs as number,
            }));
          const latencies = samples.map((sample) => sample.latencyMs);
          const [queueDepth, deadLetterDepth] = await Promise.all([
            this.depth(queue.url),
            this.depth(deadLetterQueue.url),
          ]);
          return {
            name: partner.name,
            description: partner.description ?? null,
            delivery: partner.delivery.type,
            endpoint: endpointOf(partner.delivery) ?? null,
            localDelivery,
            filters: partner.filters,
            payload: partner.payload,
            fullTextLink: partner.fullTextLink ?? false,
            queue: { name: queue.name, ...queueDepth },
            deadLetterQueue: { name: deadLetterQueue.name, ...deadLetterDepth },
            deliveries: deliveries.length,
            // Locally a failed delivery is one its queue dead-lettered: what waits in the DLQ.
            failures: deadLetterDepth.waiting + deadLetterDepth.inFlight,
            latency: {
              samples: latencies.length,
              p50Ms: percentile(latencies, 50) ?? null,
              p95Ms: percentile(latencies, 95) ?? null,
              bucketSeconds,
              overTime: latencyOverTime(samples, bucketSeconds * 1000),
            },
            recent: deliveries.slice(-20).reverse(),
          };
        },
      ),
    );
  }

  async health() {
    const queues: QueueDepth[] = await Promise.all([
      ...queuesWithRole({ queues: this.manifestQueues }, 'ingest').map(async (queue) => ({
        name: queueNameOf(queue.url),
        role: 'ingest' as const,
        ...(await this.depth(queue.url)),
      })),
      ...this.deadLetterQueues().map(async (queue) => ({
        name: queue.name,
        role: 'dead-letter' as const,
        redrivable: queue.redrivesTo !== undefined || queue.role === 'stream-failures',
        ...(await this.depth(queue.url)),
      })),
    ]);
    const deadLetters = queues.filter((queue) => queue.role === 'dead-letter');
    return {
      target: 'local runtime',
      queues,
      deadLetterMessages: deadLetters.reduce((sum, queue) => sum + queue.waiting + queue.inFlight, 0),
      // CloudWatch alarms exist only in a deployed stack; the local runtime has none to show.
      alarms: { state: 'n/a locally', detail: 'CloudWatch alarms exist only in a deployed stack' },
      withheld: (await this.index.withheld(100)).length,
      deliveries: this.pipeline.deliveries.length,
    };
  }

  // --- rejections -----------------------------------------------------------------------------------

  async rejections(limit = 50) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ApiError(400, `limit must be 1 to 500, not '${limit}'`);
    const rejections = await this.index.rejections(limit);
    return rejections.map((rejection) => ({
      ...rejection,
      original: rejection.quarantineKey
        ? `/api/rejections/original?key=${encodeURIComponent(rejection.quarantineKey)}`
        : null,
    }));
  }

  /** The quarantined original's bytes, exactly as the publisher sent them. */
  async quarantined(key: string): Promise<Uint8Array> {
    const rejections = await this.index.rejections(500);
    // Only what a rejection names: the query cannot reach other objects of the bucket.
    if (!rejections.some((rejection) => rejection.quarantineKey === key))
      throw new ApiError(404, `no rejection keeps an original at '${key}'`);
    const object = await this.pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: this.pipeline.resources.quarantineBucket, Key: key }),
    );
    if (!object.Body) throw new ApiError(404, `the quarantined original '${key}' is gone`);
    return object.Body.transformToByteArray();
  }

  // --- actions --------------------------------------------------------------------------------------

  /** Checks an action and says what it will do, before the operator confirms it. */
  async describe(input: unknown): Promise<{ action: ConsoleAction; summary: string }> {
    const action = this.actionOf(input);
    if (action.action === 'redrive') {
      const queue = this.deadLetter(action.queue);
      const { waiting, inFlight } = await this.depth(queue.url);
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
      if (typeof body.partner === 'string') this.partnerQueuesOf(body.partner);
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

  private partnerQueuesOf(name: string) {
    const found = this.pipeline.resources.partnerQueues.find(({ partner }) => partner.name === name);
    if (!found) throw new ApiError(404, `no partner '${name}'`);
    return found;
  }

  private publishingOptions() {
    const partners = this.pipeline.resources.partnerQueues.map(({ partner }) => partner);
    const { s3 } = this.pipeline.clients;
    return {
      summaries: registryWantsSummaries(partners),
      linkedSummaries: registryWantsLinkedSummaries(partners),
      contentStore: new S3ClaimCheck(s3, this.pipeline.resources.contentBucket, REPLAY_LINK_EXPIRY_SECONDS),
    };
  }

  async run(action: ConsoleAction) {
    const queues = new SqsRedriveQueues(this.pipeline.clients.sqs);
    if (action.action === 'redrive') {
      const queue = this.deadLetter(action.queue);
      if (queue.redrivesTo) {
        const result = await redriveMessages({ queues }, { from: queue.url, to: queue.redrivesTo });
        return {
          ...action,
          ...result,
          summary: `${queue.name}: ${result.moved} moved back${result.failed ? `, ${result.failed} could not be sent` : ''}`,
        };
      }
      const { summaries, linkedSummaries, contentStore } = this.publishingOptions();
      const result = await redriveStreamFailures(
        {
          queues,
          index: this.index,
          notifier: new SnsNotifier(this.sns, this.pipeline.resources.topicRoutes),
          scheduler: {
            async schedule() {
              throw new Error(
                'a withheld version needs its release scheduled by the publish function: leave it in the DLQ',
              );
            },
          },
          now: () => new Date(),
          summaries,
          linkedSummaries,
          contentStore,
        },
        { from: queue.url },
      );
      return {
        ...action,
        moved: result.handled.length,
        failed: result.failed.length + result.unreadable,
        summary: `${queue.name}: ${result.records} failure records, ${result.handled.length} articles republished${result.failed.length ? `, ${result.failed.length} failed` : ''}`,
      };
    }
    const { summaries, linkedSummaries, contentStore } = this.publishingOptions();
    let notifier: Notifier = new SnsNotifier(this.sns, this.pipeline.resources.topicRoutes);
    let variants: PayloadVariant[] = [
      'full',
      ...(summaries ? (['summary'] as const) : []),
      ...(linkedSummaries ? (['summary-linked'] as const) : []),
    ];
    let admits: ((message: OutboundMessage) => boolean) | undefined;
    if (action.partner) {
      // One partner only: straight to its queue, and only what its filter policy takes, as SNS would decide.
      const { partner, queue } = this.partnerQueuesOf(action.partner);
      notifier = new SqsDirectNotifier(this.pipeline.clients.sqs, queue.url);
      variants = [payloadVariantOf(partner)];
      const policy = subscriptionFilterPolicyFor(partner);
      admits = (message) => evaluateFilterPolicy(policy, message.attributes).matches;
    }
    const result = await replayArticles(
      {
        index: this.index,
        notifier,
        now: () => new Date(),
        variants,
        contentStore,
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
