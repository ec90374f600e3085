/**
 * The local runtime: the whole pipeline in one process on the emulators.
 *
 * It starts the emulators, creates the stack's resources from the partner registry, points the
 * standard AWS environment at the emulators, loads the production handlers unchanged, and wires
 * them with the AWS event bridge (S3 notifications, table stream) and Lambda event-source emulation.
 * What reaches each partner's queue is recorded as it arrives, without receiving it
 * (./queue-arrivals.ts): the queue stays the partner's, for its consumer (examples/sqs-consumer.ts)
 * to read, and its depth is real. HTTPS partners on this machine are served by the relay
 * (./https-relay.ts), which records what their endpoint accepted.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type {
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { ArticleEnvelope } from '../shared/domain/message.js';
import {
  endpointOf,
  type Partner,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
} from '../shared/partners/registry.js';
import { DynamoDbStreamCapture, LOCAL_REGION, S3NotificationForwarder } from './aws-event-bridge.js';
import { type Emulators, LOCAL_CREDENTIALS, startEmulators } from './emulators.js';
import { attachFaultInjection, faultConfigFromEnvironment } from './fault-injection.js';
import { HttpsRelay } from './https-relay.js';
import { SqsEventSource, StreamEventSource } from './lambda-event-sources.js';
import { type QueueArrival, watchQueueArrivals } from './queue-arrivals.js';
import {
  createLocalResources,
  LOCAL_SETTINGS,
  type LocalResources,
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

export interface LocalPipelineOptions {
  /** Claim-check link expiry, as the stack's `contentLinkExpiry`. @default 3600 */
  readonly linkExpirySeconds?: number;
  /** SNS filter policies per topic, as the stack's `filterPoliciesPerTopic`. @default 200 */
  readonly filterPoliciesPerTopic?: number;
}

/** The release function as the stack names it for the scheduler (a target ARN, played locally). */
const LOCAL_RELEASE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:syndicate-release';
/** The publish function, as named in the stream's on-failure records. */
const LOCAL_PUBLISH_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:syndicate-publish';

/** Environment the production handlers read; in AWS the stack sets the same names. */
function pointAwsEnvironmentAt(
  emulators: Emulators,
  resources?: LocalResources,
  schedulerEndpoint?: string,
  publishing?: { summaries: boolean; linkedSummaries: boolean; linkExpirySeconds: number },
): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_SNS: emulators.messagingEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.messagingEndpoint,
    // s3rver stores aws-chunked framing inside objects when the SDK adds default checksums.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    ...(schedulerEndpoint ? { AWS_ENDPOINT_URL_SCHEDULER: schedulerEndpoint } : {}),
    ...(resources
      ? {
          TABLE_NAME: resources.table,
          TOPIC_ARN: resources.topicArn,
          TOPIC_ROUTES: JSON.stringify(resources.topicRoutes),
          QUARANTINE_BUCKET: resources.quarantineBucket,
          RELEASE_FUNCTION_ARN: LOCAL_RELEASE_FUNCTION_ARN,
          SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/syndicate-scheduler',
          CONTENT_BUCKET: resources.contentBucket,
        }
      : {}),
    ...(publishing
      ? {
          PUBLISH_SUMMARIES: String(publishing.summaries),
          PUBLISH_LINKED_SUMMARIES: String(publishing.linkedSummaries),
          CONTENT_LINK_EXPIRY_SECONDS: String(publishing.linkExpirySeconds),
        }
      : {}),
  });
}

export interface Handlers {
  normalise: (event: SQSEvent) => Promise<SQSBatchResponse>;
  publish: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  release: (event: unknown) => Promise<unknown>;
}

export class LocalPipeline extends EventEmitter<PipelineEvents> {
  readonly deliveries: Delivery[] = [];
  private readonly stopping: (() => Promise<void>)[] = [];
  private readonly idleChecks: (() => boolean)[] = [];
  /** The S3 -> SQS notification bridge (tests hold, repeat and reorder notifications through it). */
  forwarder: S3NotificationForwarder | undefined;
  /** The production handlers as loaded in this process, for `syndicate invoke`. */
  handlers: Handlers | undefined;
  /** Plays SNS's HTTPS delivery for partners whose endpoint is on this machine. */
  relay: HttpsRelay | undefined;

  private constructor(
    readonly emulators: Emulators,
    readonly resources: LocalResources,
    readonly clients: { s3: S3Client; sqs: SQSClient; dynamoDb: DynamoDBClient },
    readonly scheduler: SchedulerEmulator,
    readonly options: LocalPipelineOptions,
  ) {
    super();
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

  /** The scheduler's target: the production release handler, loaded with the others. */
  async invokeRelease(input: unknown): Promise<unknown> {
    if (!this.handlers) throw new Error('handlers not loaded yet');
    return this.handlers.release(input);
  }

  static async start(
    partners: readonly Partner[],
    options: LocalPipelineOptions = {},
  ): Promise<LocalPipeline> {
    const emulators = await startEmulators();
    pointAwsEnvironmentAt(emulators);
    const region = LOCAL_REGION;
    const s3 = new S3Client({ region });
    // fauxqs's queue URLs carry a made-up host; send every call to the emulator's endpoint instead.
    const sqs = new SQSClient({ region, useQueueUrlAsEndpoint: false });
    const sns = new SNSClient({ region });
    const dynamoDb = new DynamoDBClient({ region });
    const resources = await createLocalResources(
      { s3, sqs, sns, dynamoDb },
      partners,
      options.filterPoliciesPerTopic ? { filterPoliciesPerTopic: options.filterPoliciesPerTopic } : {},
    );
    sns.destroy();
    // EventBridge Scheduler has no emulator on npm: ours invokes the release handler at the embargo time.
    const scheduler = new SchedulerEmulator(
      new Map([[LOCAL_RELEASE_FUNCTION_ARN, (input: unknown) => pipeline.invokeRelease(input)]]),
    );
    pointAwsEnvironmentAt(emulators, resources, await scheduler.start(), {
      summaries: registryWantsSummaries(partners),
      linkedSummaries: registryWantsLinkedSummaries(partners),
      linkExpirySeconds: options.linkExpirySeconds ?? 3600,
    });

    const pipeline: LocalPipeline = new LocalPipeline(
      emulators,
      resources,
      { s3, sqs, dynamoDb },
      scheduler,
      options,
    );
    await pipeline.wire();
    return pipeline;
  }

  private async wire(): Promise<void> {
    const { emulators, resources, clients } = this;
    const onError = (error: unknown) => this.emit('error', error);
    // The handlers and the shared clients they use are loaded only now, after the environment is set.
    const handlers: Handlers = {
      normalise: (await import('../functions/normalise.js')).handler,
      publish: (await import('../functions/publish.js')).handler,
      release: (await import('../functions/release.js')).handler,
    };
    this.handlers = handlers;
    const { dynamoDbClient } = await import('../shared/adapters/aws-clients.js');

    const capture = new DynamoDbStreamCapture(
      emulators.dynamoDbEndpoint,
      resources.table,
      ['pk', 'sk'],
      (record) => streamSource.push(record),
    );
    const streamSource = new StreamEventSource(clients.sqs, capture.streamArn, handlers.publish, {
      batchSize: 100,
      retryAttempts: 5,
      bisectBatchOnError: true,
      onFailureQueue: resources.streamDeadLetterQueue,
      functionArn: LOCAL_PUBLISH_FUNCTION_ARN,
      onError,
    });
    capture.attachTo(dynamoDbClient);
    // SYNDICATE_FAULTS makes S3 reads, DynamoDB writes and SNS publishes fail or throttle (see local/fault-injection.ts).
    const faultConfig = faultConfigFromEnvironment();
    const faults = faultConfig ? await attachFaultInjection(faultConfig) : undefined;

    const forwarder = new S3NotificationForwarder(
      clients.sqs,
      resources.bucket,
      resources.ingestQueue.url,
      onError,
    );
    this.forwarder = forwarder;
    emulators.s3Events.on('event', forwarder.listener);

    const ingestSource = new SqsEventSource(clients.sqs, resources.ingestQueue, handlers.normalise, {
      batchSize: 10,
      concurrency: 4,
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
      faults?.detach();
      capture.close();
    });
  }

  private reportProcessed(records: readonly SQSRecord[], failed: ReadonlySet<string>): void {
    for (const record of records) {
      let keys: { kind: 'created' | 'removed'; key: string }[] = [];
      try {
        const body = JSON.parse(record.body) as {
          Records?: { eventName: string; s3: { object: { key: string } } }[];
        };
        keys = (body.Records ?? []).map((entry) => ({
          kind: entry.eventName.startsWith('ObjectRemoved') ? 'removed' : 'created',
          key: decodeURIComponent(entry.s3.object.key.replace(/\+/g, ' ')),
        }));
      } catch {
        // not an S3 notification: nothing to report
      }
      for (const { kind, key } of keys)
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
    await this.emulators.stop();
  }
}
