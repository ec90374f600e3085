/**
 * The console's JSON API over a running LocalPipeline: the shared console service
 * (shared/console/api.ts) given the local runtime's ports. The index, the queues and the
 * quarantine are the emulators' (through the same adapters the deployed function uses); what the
 * runtime records of every delivery stands in for SNS's delivery logs, and each version's latency
 * runs from the S3 notification of its object, seen here, to the delivery. It changes nothing in the
 * pipeline but through the two actions.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { S3QuarantineReader, SqsQueueDepths } from '../../functions/aws/console-api.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3ClaimCheck } from '../../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { SqsDirectNotifier } from '../../shared/adapters/sqs-direct-notifier.js';
import { SqsRedriveQueues } from '../../shared/adapters/sqs-redrive.js';
import {
  ApiError,
  type ArticleHeadSource,
  ConsoleService,
  type DeliveryLog,
  type DeliveryRow,
  type QueueDepthReader,
} from '../../shared/console/api.js';
import { type LatencySample, latencyOverTime, percentile } from '../../shared/console/metrics.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import type { ManifestQueue, PipelineManifest } from '../../shared/pipeline/manifest.js';
import type {
  DeliveryMetricsReader,
  DeliveryWindow,
  PartnerDeliveryFigures,
} from '../../shared/ports/delivery-metrics.js';
import { LOCAL_REGION } from '../aws-event-bridge.js';
import type { S3rverEvent } from '../emulators.js';
import { LOCAL_CREDENTIALS } from '../emulators.js';
import type { Delivery, LocalPipeline } from '../pipeline.js';
import type { LocalResources } from '../resources.js';

export type { ConsoleAction, QueueDepth } from '../../shared/console/api.js';
export { ApiError };

/** How long claim-check links made by a replay stay valid (as the CLI's replay). */
const REPLAY_LINK_EXPIRY_SECONDS = 6 * 3600;
/** Article heads read per scan page while listing. */
const SCAN_PAGE = 500;
/** Above this many articles whose object key is not known yet, the heads are scanned instead of read one by one. */
const SCAN_INSTEAD_OF_READS = 50;

interface VersionOrigin {
  readonly key: string;
  readonly createdAt: number;
}

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

/**
 * Every delivery the runtime recorded, with its latency: from the change of the object a version came
 * from (its S3 notification, seen since the console started) to the message reaching the partner.
 * Also the local figures per partner (what SNS delivery logs give in AWS), and every head listed.
 */
class LocalDeliveries implements DeliveryLog, DeliveryMetricsReader, ArticleHeadSource {
  /** When each object key was uploaded or deleted (epoch ms, in order). */
  private readonly objectChanges = new Map<string, number[]>();
  /** Each version's object key and creation time (epoch ms), by `uri#version`: versions never change. */
  private readonly versionOrigins = new Map<string, VersionOrigin>();
  private readonly objectKeys = new Map<string, string>();
  private readonly onS3Event = (event: S3rverEvent) => {
    for (const record of event.Records ?? []) {
      if (record.s3.bucket.name !== this.pipeline.resources.bucket) continue;
      const times = this.objectChanges.get(record.s3.object.key) ?? [];
      times.push(Date.parse(record.eventTime));
      this.objectChanges.set(record.s3.object.key, times);
    }
  };

  constructor(
    private readonly pipeline: LocalPipeline,
    private readonly index: DynamoDbArticleIndex,
    private readonly depths: QueueDepthReader,
  ) {
    pipeline.emulators.s3Events.on('event', this.onS3Event);
  }

  close(): void {
    this.pipeline.emulators.s3Events.off('event', this.onS3Event);
  }

  /** Every head of the index: the local table is small, so the list searches all of it. */
  async heads(): Promise<{ items: ArticleHead[] }> {
    const heads: ArticleHead[] = [];
    let next: string | undefined;
    do {
      const page = await this.index.changedSince('', SCAN_PAGE, next);
      heads.push(...page.items);
      next = page.next;
    } while (next);
    for (const head of heads) this.remember(head);
    return { items: heads };
  }

  private remember(head: ArticleHead): void {
    this.objectKeys.set(head.uri, head.origin.key);
    this.versionOrigins.set(`${head.uri}#${head.version}`, {
      key: head.origin.key,
      createdAt: Date.parse(head.versionCreated),
    });
  }

  countFor(uri: string): number {
    return this.pipeline.deliveries.filter((delivery) => delivery.envelope.uri === uri).length;
  }

  total(): number {
    return this.pipeline.deliveries.length;
  }

  forArticle(uri: string): Promise<DeliveryRow[]> {
    return this.rows(this.pipeline.deliveries.filter((delivery) => delivery.envelope.uri === uri));
  }

  forPartner(partner: string): Promise<DeliveryRow[]> {
    return this.rows(this.pipeline.deliveries.filter((delivery) => delivery.partner === partner));
  }

  async perPartner(window: DeliveryWindow): Promise<PartnerDeliveryFigures[]> {
    const delivered = new Set(this.pipeline.deliveries.map((delivery) => delivery.envelope.uri));
    const unknown = [...delivered].filter((uri) => !this.objectKeys.has(uri));
    // Many articles not seen yet (a console opened after a bulk ingest): one scan beats a read each.
    if (unknown.length > SCAN_INSTEAD_OF_READS) await this.heads();
    const from = window.from.getTime();
    const to = window.to.getTime();
    return Promise.all(
      this.pipeline.resources.partnerQueues.map(async ({ partner, deadLetterQueue }) => {
        const rows = (await this.forPartner(partner.name)).filter((row) => {
          const at = Date.parse(row.receivedAt as string);
          return at >= from && at <= to;
        });
        const samples: LatencySample[] = rows
          .filter((row) => row.latencyMs !== null)
          .map((row) => ({ at: Date.parse(row.receivedAt as string), latencyMs: row.latencyMs as number }));
        const latencies = samples.map((sample) => sample.latencyMs);
        const deadLetters = await this.depths.depth(deadLetterQueue.url);
        return {
          partner: partner.name,
          deliveries: rows.length,
          // Locally a failed delivery is one its queue dead-lettered: what waits in the DLQ.
          failures: deadLetters.waiting + deadLetters.inFlight,
          latency: {
            samples: latencies.length,
            p50Ms: percentile(latencies, 50) ?? null,
            p95Ms: percentile(latencies, 95) ?? null,
          },
          overTime: latencyOverTime(samples, window.bucketSeconds * 1000).map((bucket) => ({
            ...bucket,
            failures: 0,
          })),
          lastDelivery: rows.at(-1)?.receivedAt ?? null,
          basis: 'every message the local runtime saw reach the partner’s queue',
        };
      }),
    );
  }

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

  private async rows(deliveries: readonly Delivery[]): Promise<DeliveryRow[]> {
    const views: DeliveryRow[] = [];
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
}

export class ConsoleApi extends ConsoleService {
  private readonly closers: (() => void)[];

  /**
   * `manifest`: the pipeline's queues by role, when the runtime publishes a manifest; otherwise they
   * are read from the pipeline's resources.
   */
  constructor(pipeline: LocalPipeline, manifest?: Pick<PipelineManifest, 'queues'>) {
    const { clients, resources } = pipeline;
    const index = new DynamoDbArticleIndex(clients.dynamoDb, resources.table, {
      documents: new S3DocumentStore(clients.s3, resources.contentBucket),
    });
    const sns = new SNSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: pipeline.emulators.messagingEndpoint,
    });
    const depths = new SqsQueueDepths(clients.sqs);
    const deliveries = new LocalDeliveries(pipeline, index, depths);
    super({
      index,
      articleHeads: deliveries,
      queues: manifest?.queues ?? localManifestQueues(resources),
      depths,
      partners: resources.partnerQueues.map(({ partner, localDelivery }) => ({ partner, localDelivery })),
      deliveryMetrics: deliveries,
      deliveryLog: deliveries,
      quarantine: new S3QuarantineReader(clients.s3, resources.quarantineBucket),
      alarms: {
        // CloudWatch alarms exist only in a deployed stack; the local runtime has none to show.
        summary: async () => ({
          state: 'n/a locally',
          detail: 'CloudWatch alarms exist only in a deployed stack',
        }),
      },
      target: 'local runtime',
      now: () => new Date(),
      actions: {
        messageQueues: new SqsRedriveQueues(clients.sqs),
        notifier: new SnsNotifier(sns, resources.topicRoutes),
        partnerNotifier: (name) => {
          const found = resources.partnerQueues.find(({ partner }) => partner.name === name);
          return found ? new SqsDirectNotifier(clients.sqs, found.queue.url) : undefined;
        },
        contentStore: new S3ClaimCheck(clients.s3, resources.contentBucket, REPLAY_LINK_EXPIRY_SECONDS),
        scheduler: {
          async schedule() {
            throw new Error(
              'a withheld version needs its release scheduled by the publish function: leave it in the DLQ',
            );
          },
        },
      },
    });
    this.closers = [() => deliveries.close(), () => sns.destroy()];
  }

  close(): void {
    for (const close of this.closers) close();
  }
}
