/**
 * The operator console's API in AWS: an API Gateway HTTP API in front of one function
 * (functions/console-api.ts) that answers the console page as the local runtime's console does.
 *
 * Every route requires a JWT from the stack's Cognito user pool (`HttpJwtAuthorizer`, audience the
 * console's app client): operators sign in with a browser, which IAM SigV4 would not let them do
 * without handing out AWS credentials; nothing is reachable without a token. The two actions
 * (redrive, replay) are POSTs that also need the confirmation the function minted for that action
 * and that user. Stage throttling and access logs as the content API's (./content-api.ts).
 *
 * The function holds exactly the actions of its description (shared/pipeline/description.ts):
 * reads of the table and the quarantine, depths and redrive of the pipeline's and the partners'
 * queues, replays to the topics, the stack's alarms by name prefix, and the partners' delivery figures
 * (Logs Insights on the topics' success delivery logs, GetMetricData on the pipeline's metrics).
 */
import { ArnFormat, Aws, Fn, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSOLE_PARTNERS_FILE, consolePartnersDocument } from '../../shared/console/partners-file.js';
import type { Partner } from '../../shared/partners/registry.js';
import { partnerQueueName } from '../../shared/partners/topology.js';
import { consoleApi as description, type QueueRole } from '../../shared/pipeline/description.js';
import { DEFAULT_API_THROTTLE } from './content-api.js';
import { httpApiAccessLogFormat } from './http-api-access-log.js';
import { type BindableResource, PipelineFunction } from './pipeline-function.js';
import { bucketResource, DATA_KEY_ACTIONS, tableResource, topicsResource } from './pipeline-resources.js';

/** One of the pipeline's own queues, by role (partner queues come from the registry). */
export interface ConsoleQueue {
  readonly role: QueueRole;
  readonly queue: IQueue;
  /** Its dead-letter queue, where it has one: a redrive of that queue moves messages back here. */
  readonly deadLetterQueue?: IQueue;
}

/** Every route of the console API: the local console's (local/console/server.ts) under /api. */
export const CONSOLE_ROUTES: readonly { readonly method: HttpMethod; readonly path: string }[] = [
  { method: HttpMethod.GET, path: '/api/articles' },
  { method: HttpMethod.GET, path: '/api/article' },
  { method: HttpMethod.GET, path: '/api/diff' },
  { method: HttpMethod.GET, path: '/api/rejections' },
  { method: HttpMethod.GET, path: '/api/rejections/original' },
  { method: HttpMethod.GET, path: '/api/partners' },
  { method: HttpMethod.GET, path: '/api/health' },
  { method: HttpMethod.POST, path: '/api/actions/prepare' },
  { method: HttpMethod.POST, path: '/api/actions/run' },
];

export interface ConsoleApiProps {
  /** Who may sign in: the API accepts only ID or access tokens this pool issued to `userPoolClient`. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly stage: string;
  readonly table: ITable;
  readonly quarantineBucket: IBucket;
  /** Claim-check documents of replays, and documents the index keeps out of its items. */
  readonly contentBucket: IBucket;
  /** The articles topics, their routes (JSON of each payload variant's topic ARNs) and their key. */
  readonly topics: readonly ITopic[];
  readonly topicRoutes: string;
  readonly topicKey: IKey;
  /** The pipeline's own queues (ingest and its DLQ, stream failures, release failures). */
  readonly queues: readonly ConsoleQueue[];
  /** The key of the partner queues (SNS delivers to them encrypted); the pipeline's own are SQS-managed. */
  readonly partnerQueueKey?: IKey;
  /** The partner registry (validated): its partners' queues are named from it and the stage. */
  readonly partners: readonly Partner[];
  readonly contentLinkExpirySeconds: number;
  /**
   * SNS delivery status logging of the partner topics (./delivery-status-logging.ts): the partners
   * page counts the logged successes and scales them by 100 / the sample rate.
   */
  readonly deliveryLogging: {
    readonly successLogGroups: readonly ILogGroup[];
    readonly successSampleRate: number;
  };
  /** The stack's alarms are those whose name starts with this. @default `<stack name>-` */
  readonly alarmNamePrefix?: string;
  /** Origins of the console page when it is not served from the API's own domain. @default none (no CORS) */
  readonly allowedOrigins?: readonly string[];
  readonly serviceName: string;
  readonly removalPolicy: RemovalPolicy;
  /** @default DEFAULT_API_THROTTLE */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** The pipeline's queues and every partner queue of the stage (named `syn-<stage>-…`), with their keys. */
function queuesResource(props: ConsoleApiProps, scope: Construct): BindableResource {
  const stack = Stack.of(scope);
  const listed = props.queues.map(({ role, queue, deadLetterQueue }) => ({
    role,
    url: queue.queueUrl,
    ...(deadLetterQueue ? { deadLetterQueueUrl: deadLetterQueue.queueUrl } : {}),
  }));
  const arns = [
    ...new Set(
      props.queues
        .flatMap(({ queue, deadLetterQueue }) => [queue, ...(deadLetterQueue ? [deadLetterQueue] : [])])
        .map((queue) => queue.queueArn),
    ),
  ];
  // Every partner queue of the stage: one pattern, not one ARN per partner (a role policy holds 10 KB).
  const partnerPattern = `arn:${Aws.PARTITION}:sqs:${Aws.REGION}:${Aws.ACCOUNT_ID}:${partnerQueueName(props.stage, { name: '' }, 'queue')}*`;
  return {
    reference: stack.toJsonString(listed),
    grantTargets: () => [...arns, ...(props.partners.length > 0 ? [partnerPattern] : [])],
    wildcardFindings: () =>
      props.partners.length > 0
        ? [
            `IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:${partnerQueueName(props.stage, { name: '' }, 'queue')}*]`,
          ]
        : [],
    // The pipeline's own queues use SQS-managed encryption (./queues.ts); partner queues SNS delivers
    // to use the topics' key: receiving decrypts, sending (redrive, one-partner replay) encrypts.
    ...(props.partnerQueueKey
      ? { key: { key: props.partnerQueueKey, actions: () => DATA_KEY_ACTIONS } }
      : {}),
  };
}

/** The stack's alarms: DescribeAlarms on the alarms whose name starts with `prefix`. */
function alarmsResource(prefix: string): BindableResource {
  return {
    reference: prefix,
    grantTargets: () => [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${prefix}*`],
    wildcardFindings: () => [
      `IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${prefix}*]`,
    ],
  };
}

/**
 * The partner topics' success log groups, for Logs Insights: StartQuery and GetQueryResults on each
 * group (its ARN with and without the `:*` suffix CloudWatch Logs evaluates some actions against);
 * StopQuery takes no resource, a query being named by its id.
 */
function deliveryLogsResource(groups: readonly ILogGroup[], scope: Construct): BindableResource {
  const stack = Stack.of(scope);
  const arns = groups.flatMap((group) => [
    stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: group.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    group.logGroupArn,
  ]);
  return {
    reference: '',
    grantTargets: (use) => (use.actions.includes('logs:StopQuery') ? ['*'] : arns),
    wildcardFindings: () => [],
  };
}

/** GetMetricData takes no resource: `*` is the only target IAM accepts for it. */
const DELIVERY_METRICS_RESOURCE: BindableResource = {
  reference: '',
  grantTargets: () => ['*'],
  wildcardFindings: () => [],
};

export class ConsoleApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly function: PipelineFunction;
  readonly accessLogs: LogGroup;
  readonly authorizer: HttpJwtAuthorizer;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com`: the base of every route. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.function = new PipelineFunction(this, 'Function', {
      describedBy: description,
      serviceName: props.serviceName,
      logRemovalPolicy: props.removalPolicy,
      bundledFiles: { [CONSOLE_PARTNERS_FILE]: consolePartnersDocument(props.stage, props.partners) },
    });
    const alarmNamePrefix = props.alarmNamePrefix ?? `${stack.stackName}-`;
    this.function.configure('contentLinkExpirySeconds', String(props.contentLinkExpirySeconds));
    this.function.configure('stackName', stack.stackName);
    this.function.configure('deliveryLogSampleRate', String(props.deliveryLogging.successSampleRate));
    this.function.configure(
      'queueUrlPrefix',
      `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/`,
    );
    // The stack id's random part: the same for every instance and deployment of this stack, unknown
    // outside the account, so a confirmation one instance minted is checked by any other.
    this.function.configure('confirmationKey', Fn.select(2, Fn.split('/', Aws.STACK_ID)));
    this.function.bindAll({
      articlesTable: tableResource(props.table),
      quarantineBucket: bucketResource(props.quarantineBucket),
      contentBucket: bucketResource(props.contentBucket),
      articleTopics: topicsResource(props.topics, props.topicRoutes, props.topicKey),
      pipelineQueues: queuesResource(props, this),
      stackAlarms: alarmsResource(alarmNamePrefix),
      deliveryLogs: deliveryLogsResource(props.deliveryLogging.successLogGroups, this),
      deliveryMetrics: DELIVERY_METRICS_RESOURCE,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'The operator console: articles, partners, rejections, health, redrive and replay',
      createDefaultStage: false,
      ...(props.allowedOrigins && props.allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.allowedOrigins],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
              allowHeaders: ['authorization', 'content-type', 'x-console-token'],
            },
          }
        : {}),
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // Who: the token's subject (operators act on the pipeline; the log says which one).
        format: httpApiAccessLogFormat(
          { user: '$context.authorizer.claims.sub' },
          { authorizerError: '$context.authorizer.error' },
        ),
      },
    });
    this.authorizer = new HttpJwtAuthorizer(
      'Operators',
      `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`,
      { jwtAudience: [props.userPoolClient.userPoolClientId] },
    );
    const integration = new HttpLambdaIntegration('Integration', this.function);
    for (const { method, path } of CONSOLE_ROUTES) {
      const routeId = `${method}${path
        .split('/')
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join('')}`;
      new HttpRoute(this, routeId, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(path, method),
        integration,
        authorizer: this.authorizer,
      });
    }
    this.url = `https://${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}
