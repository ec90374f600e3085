/**
 * The local runtime: the whole pipeline in one process on the emulators.
 *
 * It starts the emulators, creates the stack's resources from the partner registry, and builds the
 * production handlers with their factories (functions/handlers/) over SDK clients of its own, pointed
 * at the emulators, with settings read by the same `loadSettings` as in Lambda from the environment
 * the stack would give each function (shared/pipeline/). Nothing process-wide is touched: several
 * pipelines can run in one process. The AWS event bridge (S3 notifications, table stream) and Lambda
 * event-source emulation, configured from the functions' described event sources, wire them.
 * What reaches each partner's queue is recorded as it arrives, without receiving it
 * (./queue-arrivals.ts): the queue stays the partner's, for its consumer (examples/sqs-consumer.ts)
 * to read, and its depth is real. HTTPS partners on this machine are served by the relay
 * (./https-relay.ts), which records what their endpoint accepted.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Log } from '../functions/handlers/observability.js';
import { DynamoDbApiKeyStore } from '../shared/adapters/dynamodb-api-keys.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { S3DocumentStore } from '../shared/adapters/s3-document-store.js';
import { parseS3Notifications } from '../shared/adapters/s3-notifications.js';
import type { ArticleEnvelope } from '../shared/domain/message.js';
import { LOCAL_FEED_SETTLE_MS } from '../shared/feeds/entries.js';
import { feedRoute } from '../shared/feeds/route.js';
import { endpointOf, type Partner } from '../shared/partners/registry.js';
import { FUNCTIONS, type FunctionName } from '../shared/pipeline/description.js';
import type { Publisher } from '../shared/publishers/registry.js';
import { DynamoDbStreamCapture, S3NotificationForwarder } from './aws-event-bridge.js';
import { type ContentApiServer, localSigningKey, startContentApiServer } from './content-api-server.js';
import { type Emulators, startEmulators } from './emulators.js';
import {
  attachFaultInjection,
  type FaultConfig,
  type FaultInjection,
  type FaultTargets,
  faultConfigFromEnvironment,
} from './fault-injection.js';
import {
  awsEnvironmentFor,
  buildHandlers,
  clientOptions,
  DescribedMetrics,
  type FunctionClients,
  functionSettingsEnvironment,
  type Handlers,
  type ServiceEndpoints,
  type SettingsEnvironments,
} from './functions.js';
import { HttpsRelay } from './https-relay.js';
import { SqsEventSource, StreamEventSource } from './lambda-event-sources.js';
import { type QueueArrival, watchQueueArrivals } from './queue-arrivals.js';
import {
  createLocalResources,
  LOCAL_SETTINGS,
  type LocalResources,
  localFunctionArn,
  type PartnerQueues,
} from './resources.js';
import { SchedulerEmulator } from './scheduler-emulator.js';

export interface Delivery {
  readonly partner: string;
  readonly envelope: ArticleEnvelope;
  readonly attributes: Record<string, string>;
  readonly receivedAt: number;
}

export interface ProcessedObject {
  readonly kind: 'created' | 'removed';
  readonly key: string;
  readonly failed: boolean;
}

export interface PipelineEvents {
  processed: [ProcessedObject];
  delivered: [Delivery];
  error: [unknown];
}

export type { FunctionClients, Handlers, ServiceEndpoints } from './functions.js';

export interface LocalPipelineOptions {
  /** Claim-check link expiry, as the stack's `contentLinkExpiry`. @default 3600 */
  readonly linkExpirySeconds?: number;
  /** SNS filter policies per topic, as the stack's `filterPoliciesPerTopic`. @default 200 */
  readonly filterPoliciesPerTopic?: number;
  /**
   * Faults injected into the handlers' SDK calls from the start (see ./fault-injection.ts).
   * @default what SYNDICATE_FAULTS says, if set
   */
  readonly faults?: FaultConfig | string;
  /** Where the handlers log. @default a Powertools logger (level from POWERTOOLS_LOG_LEVEL) */
  readonly logger?: Log;
  /** Port of the content API on 127.0.0.1 (signed document links, partner feeds). @default any free port */
  readonly contentApiPort?: number;
  /**
   * A publisher registry, applied by normalise as the stack has it apply the deployed one (only
   * registered prefixes are sources, each held to its own size limit). @default none: every
   * first-level folder of the drop folder is a source
   */
  readonly publishers?: readonly Publisher[];
}

/** The harness's clients: uploads, queues, inspection. They never see a fault or feed the stream. */
export interface HarnessClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
}

/**
 * The content API as the stack deploys it, on 127.0.0.1: signed document links (with the runtime's
 * own key) and every partner's pull feed (keys from `syndicate partners rotate-key`), read from
 * this pipeline's table.
 */
async function startLocalContentApi(
  { dynamoDb, s3 }: HarnessClients,
  resources: LocalResources,
  partners: readonly Partner[],
  signingKey: Uint8Array,
  options: LocalPipelineOptions,
): Promise<ContentApiServer> {
  const index = new DynamoDbArticleIndex(dynamoDb, resources.table, {
    documents: new S3DocumentStore(s3, resources.contentBucket),
  });
  return startContentApiServer({
    index,
    signingKey: async () => signingKey,
    feeds: feedRoute({
      index,
      keys: new DynamoDbApiKeyStore(dynamoDb, resources.table),
      partners,
      now: () => Date.now(),
      settleMs: LOCAL_FEED_SETTLE_MS,
    }),
    ...(options.contentApiPort !== undefined ? { port: options.contentApiPort } : {}),
  });
}

export class LocalPipeline extends EventEmitter<PipelineEvents> {
  readonly deliveries: Delivery[] = [];
  private readonly stopping: (() => Promise<void>)[] = [];
  private readonly idleChecks: (() => boolean)[] = [];
  /** The S3 -> SQS notification bridge (tests hold, repeat and reorder notifications through it). */
  forwarder: S3NotificationForwarder | undefined;
  /** The production handlers, built for this pipeline (`syndicate invoke` calls them directly). */
  readonly handlers: Handlers;
  /** Plays SNS's HTTPS delivery for partners whose endpoint is on this machine. */
  relay: HttpsRelay | undefined;
  /** Totals of the metrics the handlers emitted, by metric name. */
  readonly metrics = new Map<string, number>();
  /** Faults injected into the handlers' calls (the `faults` option, or SYNDICATE_FAULTS). */
  faults: FaultInjection | undefined;
  /** The AWS environment pointing at this pipeline's emulators, for processes it starts. */
  readonly awsEnvironment: Readonly<Record<string, string>>;

  private constructor(
    readonly emulators: Emulators,
    readonly resources: LocalResources,
    readonly clients: HarnessClients,
    readonly functionClients: FunctionClients,
    readonly scheduler: SchedulerEmulator,
    readonly options: LocalPipelineOptions,
    readonly endpoints: ServiceEndpoints,
    private readonly settingsEnvironment: SettingsEnvironments,
    /** Serves the documents message links point to, and the partners' pull feeds. */
    readonly contentApi: ContentApiServer,
    signingKey: Uint8Array,
  ) {
    super();
    this.awsEnvironment = awsEnvironmentFor(endpoints);
    const onError = (error: unknown) => this.emit('error', error);
    const logger = options.logger ?? new Logger({ serviceName: 'content-syndication' });
    this.handlers = buildHandlers(
      settingsEnvironment,
      functionClients,
      (name) => ({ logger, metrics: new DescribedMetrics(name, this.metrics, onError) }),
      async () => signingKey,
    );
    this.stopping.push(() => contentApi.close());
  }

  /**
   * The environment the stack gives function `name`, pointed at this pipeline: its settings and the
   * AWS endpoints (for running a bundled handler in a process of its own).
   */
  functionEnvironment(name: FunctionName): Record<string, string> {
    return { ...this.awsEnvironment, ...this.settingsEnvironment[name] };
  }

  /** What an SDK client of `service` needs to reach this pipeline's emulator (endpoint, region, credentials). */
  clientConfig(service: keyof ServiceEndpoints) {
    return clientOptions(this.endpoints[service]);
  }

  /** Injects faults into the handlers' SDK calls (see ./fault-injection.ts); `detach()` ends them. */
  attachFaults(config: FaultConfig | string): Promise<FaultInjection> {
    const { s3, dynamoDb, sns, scheduler } = this.functionClients;
    const targets = { s3, dynamodb: dynamoDb, sns, scheduler } as unknown as FaultTargets;
    return attachFaultInjection(config, targets);
  }

  /** Messages each partner was sent so far (arrived in its queue, or accepted by its HTTPS endpoint). */
  inboxCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { partner } of this.resources.partnerQueues) counts[partner.name] = 0;
    for (const { partner } of this.deliveries) counts[partner] = (counts[partner] ?? 0) + 1;
    return counts;
  }

  /** One line per partner: how its delivery is played locally (what `npm start` should print). */
  describePartners(): string[] {
    return this.resources.partnerQueues.map(({ partner, queue, localDelivery }) => {
      const head = `${partner.name} (${partner.delivery.type}, ${partner.payload})`;
      const endpoint = endpointOf(partner.delivery);
      if (localDelivery === 'queue') return `${head}: queue ${queue.name}`;
      if (localDelivery === 'https-relay')
        return `${head}: queue ${queue.name} relayed to ${endpoint} by the local HTTPS relay (signed SNS posts; fauxqs does not deliver HTTP)`;
      if (partner.delivery.type === 'https')
        return `${head}: queue ${queue.name} takes its SNS notifications; ${endpoint} is not on this machine, so nothing is posted (npm start -- --relay ${partner.name}=http://127.0.0.1:8443/sns posts them to a receiver here)`;
      return `${head}: queue ${queue.name} takes the SNS notifications the ${partner.delivery.type === 'email' ? 'address' : 'function'} would get (no ${partner.delivery.type} delivery locally)`;
    });
  }

  /** The scheduler's target: the production release handler. */
  async invokeRelease(input: unknown): Promise<unknown> {
    return this.handlers.release(input);
  }

  static async start(
    partners: readonly Partner[],
    options: LocalPipelineOptions = {},
  ): Promise<LocalPipeline> {
    const emulators = await startEmulators();
    const s3 = (): S3Client => new S3Client(clientOptions(emulators.s3Endpoint));
    const dynamoDb = (): DynamoDBClient => new DynamoDBClient(clientOptions(emulators.dynamoDbEndpoint));
    const sns = (): SNSClient => new SNSClient(clientOptions(emulators.messagingEndpoint));
    const clients: HarnessClients = {
      s3: s3(),
      // fauxqs's queue URLs carry a made-up host; send every call to the emulator's endpoint instead.
      sqs: new SQSClient({ ...clientOptions(emulators.messagingEndpoint), useQueueUrlAsEndpoint: false }),
      dynamoDb: dynamoDb(),
      sns: sns(),
    };
    const resources = await createLocalResources(
      clients,
      partners,
      options.filterPoliciesPerTopic ? { filterPoliciesPerTopic: options.filterPoliciesPerTopic } : {},
    );
    // EventBridge Scheduler has no emulator on npm: ours invokes the release handler at the embargo time.
    const scheduler = new SchedulerEmulator(
      new Map([[localFunctionArn('release'), (input: unknown) => pipeline.invokeRelease(input)]]),
    );
    const schedulerEndpoint = await scheduler.start();
    const functionClients: FunctionClients = {
      s3: s3(),
      dynamoDb: dynamoDb(),
      sns: sns(),
      scheduler: new SchedulerClient(clientOptions(schedulerEndpoint)),
    };
    const signingKey = localSigningKey();
    const contentApi = await startLocalContentApi(clients, resources, partners, signingKey, options);
    const pipeline: LocalPipeline = new LocalPipeline(
      emulators,
      resources,
      clients,
      functionClients,
      scheduler,
      options,
      {
        s3: emulators.s3Endpoint,
        dynamodb: emulators.dynamoDbEndpoint,
        sns: emulators.messagingEndpoint,
        sqs: emulators.messagingEndpoint,
        scheduler: schedulerEndpoint,
      },
      functionSettingsEnvironment(resources, partners, { ...options, contentApiUrl: contentApi.url }),
      contentApi,
      signingKey,
    );
    await pipeline.wire();
    return pipeline;
  }

  private async wire(): Promise<void> {
    const { emulators, resources, clients, handlers } = this;
    const onError = (error: unknown) => this.emit('error', error);
    const ingest = FUNCTIONS.normalise.source;
    const stream = FUNCTIONS.publish.source;
    if (ingest.kind !== 'sqs' || stream.kind !== 'dynamodb-stream')
      throw new Error('the local runtime plays normalise from a queue and publish from the table stream');

    const capture = new DynamoDbStreamCapture(
      emulators.dynamoDbEndpoint,
      resources.table,
      ['pk', 'sk'],
      (record) => streamSource.push(record),
    );
    const streamSource = new StreamEventSource(clients.sqs, capture.streamArn, handlers.publish, {
      batchSize: stream.batchSize,
      batchingWindowMs: Math.max(stream.maxBatchingWindowSeconds * 1000, LOCAL_SETTINGS.streamPollMs),
      retryAttempts: stream.retryAttempts,
      bisectBatchOnError: stream.bisectBatchOnError,
      onFailureQueue: resources.streamDeadLetterQueue,
      functionArn: localFunctionArn('publish'),
      onError,
    });
    capture.attachTo(this.functionClients.dynamoDb);
    // SYNDICATE_FAULTS makes S3 reads, DynamoDB writes and SNS publishes fail or throttle (see local/fault-injection.ts).
    const faultConfig = this.options.faults ?? faultConfigFromEnvironment();
    this.faults = faultConfig ? await this.attachFaults(faultConfig) : undefined;

    const forwarder = new S3NotificationForwarder(
      clients.sqs,
      resources.bucket,
      resources.ingestQueue.url,
      onError,
    );
    this.forwarder = forwarder;
    emulators.s3Events.on('event', forwarder.listener);

    const ingestSource = new SqsEventSource(clients.sqs, resources.ingestQueue, handlers.normalise, {
      batchSize: ingest.batchSize,
      concurrency: LOCAL_SETTINGS.ingestPollers,
      retryDelaySeconds: LOCAL_SETTINGS.ingestRetryDelaySeconds,
      onError,
      onInvoked: (records, failed) => this.reportProcessed(records, failed),
    });

    const relayed = resources.partnerQueues.filter(({ localDelivery }) => localDelivery === 'https-relay');
    const watched = new Map(
      resources.partnerQueues
        .filter(({ localDelivery }) => localDelivery !== 'https-relay')
        .map((partnerQueues) => [partnerQueues.queue.name, partnerQueues]),
    );
    if (relayed.length > 0) {
      this.relay = await HttpsRelay.start(
        clients.sqs,
        resources.topicArn,
        relayed.map(({ partner, queue, subscriptionArn }) => ({
          partner: partner.name,
          endpoint: endpointOf(partner.delivery) as string,
          queue,
          subscriptionArn,
        })),
        {
          onError,
          onDelivered: ({ partner, message, attributes }) =>
            this.record({
              partner,
              envelope: JSON.parse(message) as ArticleEnvelope,
              attributes,
              receivedAt: Date.now(),
            }),
        },
      );
    }
    const relay = this.relay;
    const arrivals = watchQueueArrivals(
      emulators.messaging.spy,
      watched.keys(),
      (arrival) => {
        const partnerQueues = watched.get(arrival.queueName);
        if (partnerQueues) this.recordArrival(partnerQueues, arrival);
      },
      onError,
    );
    this.idleChecks.push(
      () => forwarder.idle,
      () => capture.idle,
      () => ingestSource.idle,
      () => streamSource.idle,
      () => this.scheduler.idleFor(50),
      () => this.queueIsEmpty(resources.ingestQueue.name),
      // A relay waiting for its receiver to confirm holds messages, as a pending subscription would.
      () =>
        relayed.every(
          ({ partner, queue }) => !relay?.isConfirmed(partner.name) || this.queueIsEmpty(queue.name),
        ),
      () => relay?.idle ?? true,
    );
    this.stopping.push(async () => {
      emulators.s3Events.off('event', forwarder.listener);
      arrivals.close();
      await Promise.all([ingestSource.stop(), streamSource.stop(), relay?.stop()]);
      this.faults?.detach();
      capture.close();
    });
  }

  private reportProcessed(records: readonly SQSRecord[], failed: ReadonlySet<string>): void {
    for (const record of records) {
      let notifications: readonly { kind: 'created' | 'removed'; key: string }[] = [];
      try {
        // The same reading of a message as normalise's: what it processed is what is reported.
        const parsed = parseS3Notifications(record.body);
        if (parsed.kind === 'records') notifications = parsed.notifications;
      } catch {
        // not an S3 notification: nothing to report
      }
      for (const { kind, key } of notifications)
        this.emit('processed', { kind, key, failed: failed.has(record.messageId) });
    }
  }

  private queueIsEmpty(name: string): boolean {
    const queue = this.emulators.messaging.inspectQueue(name);
    if (!queue) return true;
    return queue.messages.ready.length + queue.messages.delayed.length + queue.messages.inflight.length === 0;
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    this.emit('delivered', delivery);
  }

  /**
   * Records a message that arrived in a partner's queue. Raw queues (SQS partners) hold the envelope;
   * the others (partners whose endpoint is not SQS) hold SNS JSON notifications, whose `Message` is it.
   */
  private recordArrival({ partner, raw }: PartnerQueues, arrival: QueueArrival): void {
    if (raw) {
      this.record({
        partner: partner.name,
        envelope: JSON.parse(arrival.body) as ArticleEnvelope,
        attributes: Object.fromEntries(
          Object.entries(arrival.messageAttributes).map(([name, value]) => [name, value.StringValue ?? '']),
        ),
        receivedAt: Date.now(),
      });
      return;
    }
    const notification = JSON.parse(arrival.body) as {
      Message?: string;
      MessageAttributes?: Record<string, { Value: string }>;
    };
    this.record({
      partner: partner.name,
      envelope: JSON.parse(notification.Message ?? '{}') as ArticleEnvelope,
      attributes: Object.fromEntries(
        Object.entries(notification.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
      ),
      receivedAt: Date.now(),
    });
  }

  /** Puts an object in the ingest bucket; with `notify: false` no S3 notification is sent for it. */
  async upload(
    key: string,
    body: Uint8Array | string,
    options: { contentType?: string; notify?: boolean } = {},
  ): Promise<void> {
    const { contentType, notify = true } = options;
    if (!notify) this.forwarder?.suppressed.add(key);
    await this.clients.s3.send(
      new PutObjectCommand({
        Bucket: this.resources.bucket,
        Key: key,
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
    // Its notification is forwarded (or held) by the time this returns, as when s3rver ran in this thread.
    await this.emulators.s3EventsRelayed();
  }

  async remove(key: string): Promise<void> {
    await this.clients.s3.send(new DeleteObjectCommand({ Bucket: this.resources.bucket, Key: key }));
    await this.emulators.s3EventsRelayed();
  }

  /** Resolves when nothing is in flight anywhere (checked twice in a row), or rejects after `timeoutMs`. */
  async waitForIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (quietChecks < 2) {
      if (Date.now() > deadline) throw new Error(`local pipeline still busy after ${timeoutMs} ms`);
      await sleep(25);
      // Objects written by other clients: their events are forwarded before the checks look.
      await this.emulators.s3EventsRelayed();
      quietChecks = this.idleChecks.every((check) => check()) ? quietChecks + 1 : 0;
    }
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    for (const stop of this.stopping) await stop();
    this.clients.s3.destroy();
    this.clients.sqs.destroy();
    this.clients.dynamoDb.destroy();
    this.clients.sns.destroy();
    for (const client of Object.values(this.functionClients)) client.destroy();
    await this.emulators.stop();
  }
}
