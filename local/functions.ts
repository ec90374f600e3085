/**
 * The pipeline's functions as the local runtime runs them: the environment the stack would give
 * each one (with the local resources' names), the SDK clients they run on (pointed explicitly at the
 * emulators: nothing ambient is read) and the handlers built from both by the production factories.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SNSClient } from '@aws-sdk/client-sns';
import { awsDependencies as normaliseDependencies } from '../functions/aws/normalise.js';
import { awsDependencies as publishDependencies } from '../functions/aws/publish.js';
import { awsDependencies as releaseDependencies } from '../functions/aws/release.js';
import { createNormaliseHandler, type NormaliseHandler } from '../functions/handlers/normalise.js';
import type { MetricsSink, Observability } from '../functions/handlers/observability.js';
import { createPublishHandler, type PublishHandler } from '../functions/handlers/publish.js';
import { createReleaseHandler } from '../functions/handlers/release.js';
import {
  type Partner,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
} from '../shared/partners/registry.js';
import { FUNCTIONS, type FunctionName } from '../shared/pipeline/description.js';
import { environmentOf, loadSettings } from '../shared/pipeline/settings.js';
import { formatPublisherObjectLimits } from '../shared/publishers/limits.js';
import type { Publisher } from '../shared/publishers/registry.js';
import { LOCAL_REGION } from './aws-event-bridge.js';
import { LOCAL_CREDENTIALS } from './emulators.js';
import { LOCAL_NAMES, type LocalResources, localFunctionArn } from './resources.js';

export interface Handlers {
  normalise: NormaliseHandler;
  publish: PublishHandler;
  release: (event: unknown) => Promise<unknown>;
}

/** The clients the handlers run on: the stream capture and fault injection attach to these only. */
export interface FunctionClients {
  readonly s3: S3Client;
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly scheduler: SchedulerClient;
}

/** Where each AWS service of this pipeline is reached. */
export interface ServiceEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
  readonly sns: string;
  readonly sqs: string;
  readonly scheduler: string;
}

/** What every SDK client of the local runtime is given explicitly: no ambient environment is read. */
export function clientOptions(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // s3rver stores aws-chunked framing inside objects when the SDK adds default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  } as const;
}

/**
 * The standard AWS environment that points an SDK at these emulators: for processes this runtime
 * starts (a bundled handler, a benchmark), never applied to this one.
 */
export function awsEnvironmentFor(endpoints: ServiceEndpoints): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
}

/** Stands in for the secret's name: the local runtime hands publish its signing key directly. */
const LOCAL_LINK_SECRET = 'local-link-signing-key';

/** The environment variables the stack sets on each function, with the local resources' names. */
export function functionSettingsEnvironment(
  resources: LocalResources,
  partners: readonly Partner[],
  options: {
    readonly linkExpirySeconds?: number;
    readonly contentApiUrl?: string;
    readonly publishers?: readonly Publisher[];
  },
): SettingsEnvironments {
  const publishers = options.publishers ?? [];
  return {
    normalise: environmentOf(FUNCTIONS.normalise.settings, {
      tableName: resources.table,
      quarantineBucket: resources.quarantineBucket,
      contentBucket: resources.contentBucket,
      // Without a registry (the drop folder) every first-level folder is a source.
      ...(publishers.length > 0
        ? {
            publishers: publishers.map((publisher) => publisher.name).join(','),
            publisherObjectLimits: formatPublisherObjectLimits(publishers),
          }
        : {}),
    }),
    publish: environmentOf(FUNCTIONS.publish.settings, {
      tableName: resources.table,
      topicRoutes: JSON.stringify(resources.topicRoutes),
      releaseFunctionArn: localFunctionArn('release'),
      schedulerRoleArn: LOCAL_NAMES.schedulerRoleArn,
      contentBucket: resources.contentBucket,
      contentLinkExpirySeconds: String(options.linkExpirySeconds ?? 3600),
      // Links go to the local content API, signed with the runtime's own key (no secret to read).
      ...(options.contentApiUrl
        ? { contentApiUrl: options.contentApiUrl, linkSecretName: LOCAL_LINK_SECRET }
        : {}),
      summaries: String(registryWantsSummaries(partners)),
      linkedSummaries: String(registryWantsLinkedSummaries(partners)),
    }),
    release: environmentOf(FUNCTIONS.release.settings, {
      tableName: resources.table,
      contentBucket: resources.contentBucket,
    }),
  };
}

/**
 * A function's metrics, kept as totals by name; a metric its description does not list is reported
 * as an error of the pipeline (the stack would neither graph nor alarm on it).
 */
export class DescribedMetrics implements MetricsSink {
  private readonly described: ReadonlySet<string>;

  constructor(
    private readonly name: FunctionName,
    private readonly totals: Map<string, number>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.described = new Set(FUNCTIONS[name].metrics.map((metric) => metric.name));
  }

  add(metric: string, _unit: string, value: number): void {
    if (!this.described.has(metric))
      this.onError(new Error(`${this.name} emitted ${metric}, a metric its description does not list`));
    this.totals.set(metric, (this.totals.get(metric) ?? 0) + value);
  }

  flush(): void {}
}

/** Each function's environment variables, as the stack sets them. */
export type SettingsEnvironments = { readonly [F in FunctionName]: Record<string, string> };

/**
 * The production handlers, built the way the Lambda entry points (functions/*.ts) build them:
 * settings read by loadSettings from the function's environment, dependencies from them; only the
 * clients and the observability are the local runtime's.
 */
export function buildHandlers(
  environments: SettingsEnvironments,
  clients: FunctionClients,
  observability: (name: FunctionName) => Observability,
  signingKey?: () => Promise<Uint8Array>,
): Handlers {
  const { s3, dynamoDb, sns, scheduler } = clients;
  return {
    normalise: createNormaliseHandler(
      normaliseDependencies(loadSettings(FUNCTIONS.normalise.settings, environments.normalise), {
        clients: { s3, dynamoDb },
        observability: observability('normalise'),
      }),
    ),
    publish: createPublishHandler(
      publishDependencies(loadSettings(FUNCTIONS.publish.settings, environments.publish), {
        clients: { s3, dynamoDb, sns, scheduler },
        observability: observability('publish'),
        ...(signingKey ? { signingKey } : {}),
        // The scheduler emulator fires at the second, where EventBridge Scheduler keeps minutes.
        schedulePrecisionSeconds: 1,
      }),
    ),
    release: createReleaseHandler(
      releaseDependencies(loadSettings(FUNCTIONS.release.settings, environments.release), {
        clients: { s3, dynamoDb },
        observability: observability('release'),
      }),
    ),
  };
}
