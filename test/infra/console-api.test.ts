/**
 * The console API construct on a small stack of its own (a user pool, a table, buckets, a topic and
 * queues made here): every route needs the Cognito JWT, the stage is throttled and logged, and the
 * function may do exactly what its description says. Synthesised once, bundling skipped; cdk-nag run
 * on it as `cdk synth` does.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { App, type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ConsoleApi } from '../../infra/constructs/console-api.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let stack: Stack;
let consoleApi: ConsoleApi;
let resources: Record<string, Resource>;
let names: Record<string, string>;

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).resolve(((construct.node.defaultChild ?? construct) as CfnElement).logicalId) as string;
const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
const actions = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

function roleStatements(roleId: string): Statement[] {
  return ofType('AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (policy) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

before(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new Stack(app, 'ConsoleTest');
  const userPool = new UserPool(stack, 'Operators', { removalPolicy: RemovalPolicy.DESTROY });
  const userPoolClient = userPool.addClient('ConsoleClient');
  const table = new Table(stack, 'Articles', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const quarantine = new Bucket(stack, 'Quarantine');
  const content = new Bucket(stack, 'Content');
  const key = new Key(stack, 'MessagingKey', { enableKeyRotation: true });
  const topic = new Topic(stack, 'ArticlesTopic', { masterKey: key });
  const queue = (id: string) =>
    new Queue(stack, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  const ingestDlq = queue('IngestDlq');
  const ingest = queue('Ingest');
  const streamDlq = queue('StreamDlq');
  // SNS names a topic's success delivery log group sns/<region>/<account>/<topic name>.
  const successLogs = new LogGroup(stack, 'ArticlesTopicSuccess', {
    logGroupName: 'sns/eu-west-1/123456789012/ArticlesTopic',
  });
  consoleApi = new ConsoleApi(stack, 'Console', {
    userPool,
    userPoolClient,
    stage: 'dev',
    table,
    quarantineBucket: quarantine,
    contentBucket: content,
    topics: [topic],
    topicRoutes: stack.toJsonString({ full: [topic.topicArn] }),
    topicKey: key,
    partnerQueueKey: key,
    queues: [
      { role: 'ingest', queue: ingest, deadLetterQueue: ingestDlq },
      { role: 'ingest-dead-letter', queue: ingestDlq },
      { role: 'stream-failures', queue: streamDlq },
    ],
    partners: parsePartnerRegistry({
      partners: [{ name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} }],
    }),
    contentLinkExpirySeconds: 21_600,
    deliveryLogging: { successLogGroups: [successLogs], successSampleRate: 25 },
    serviceName: 'content-syndication',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
  names = {
    table: logicalId(table),
    quarantine: logicalId(quarantine),
    content: logicalId(content),
    key: logicalId(key),
    topic: logicalId(topic),
    ingest: logicalId(ingest),
    ingestDlq: logicalId(ingestDlq),
    streamDlq: logicalId(streamDlq),
    userPool: logicalId(userPool),
    client: logicalId(userPoolClient),
    successLogs: logicalId(successLogs),
  };
});

describe('console API (HTTP API behind Cognito)', () => {
  test('nine routes, each one behind the JWT authoriser: none without authorisation', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    assert.deepEqual(routes.map((route) => route.Properties?.RouteKey).sort(), [
      'GET /api/article',
      'GET /api/articles',
      'GET /api/diff',
      'GET /api/health',
      'GET /api/partners',
      'GET /api/rejections',
      'GET /api/rejections/original',
      'POST /api/actions/prepare',
      'POST /api/actions/run',
    ]);
    const authorizers = Object.entries(resources).filter(
      ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Authorizer',
    );
    assert.equal(authorizers.length, 1);
    const [authorizerId] = authorizers[0] as [string, Resource];
    for (const route of routes) {
      assert.equal(route.Properties?.AuthorizationType, 'JWT', String(route.Properties?.RouteKey));
      assert.deepEqual(route.Properties?.AuthorizerId, { Ref: authorizerId });
    }
  });

  test('the authoriser takes only tokens the stack’s user pool issued to the console’s client', () => {
    const authorizer = ofType('AWS::ApiGatewayV2::Authorizer')[0]?.Properties ?? {};
    assert.equal(authorizer.AuthorizerType, 'JWT');
    assert.deepEqual(authorizer.IdentitySource, ['$request.header.Authorization']);
    const jwt = authorizer.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    assert.deepEqual(jwt.Audience, [{ Ref: names.client }]);
    assert.deepEqual(jwt.Issuer, {
      'Fn::Join': [
        '',
        [
          'https://cognito-idp.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: names.userPool },
        ],
      ],
    });
  });

  test('the $default stage is throttled and logs who called, never the query string', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    assert.equal(stages.length, 1);
    const stage = stages[0]?.Properties ?? {};
    assert.equal(stage.StageName, '$default');
    assert.deepEqual(stage.DefaultRouteSettings, { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 });
    const logs = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    assert.deepEqual(logs.DestinationArn, arnOf(logicalId(consoleApi.accessLogs)));
    const format = JSON.parse(logs.Format) as Record<string, string>;
    assert.equal(format.user, '$context.authorizer.claims.sub');
    assert.equal(format.status, '$context.status');
    assert.doesNotMatch(logs.Format, /querystring/i);
  });

  test('its function holds exactly the described actions, each on its own resource', () => {
    const role = consoleApi.function.role;
    assert.ok(role);
    // Less its own log writes and X-Ray's tracing, which every function has.
    const statements = roleStatements(logicalId(role)).filter(
      (statement) =>
        !actions(statement).some((action) => action === 'logs:PutLogEvents' || action.startsWith('xray:')),
    );
    const granted = statements
      .map((statement) => ({ actions: actions(statement).sort(), resource: statement.Resource }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
    const expected = [
      {
        actions: ['cloudwatch:DescribeAlarms'],
        resource: join(
          'arn:',
          { Ref: 'AWS::Partition' },
          ':cloudwatch:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':alarm:ConsoleTest-*',
        ),
      },
      { actions: ['dynamodb:GetItem'], resource: arnOf(names.table as string) },
      { actions: ['dynamodb:Query'], resource: join(arnOf(names.table as string), '/index/byFeed') },
      { actions: ['dynamodb:Query'], resource: join(arnOf(names.table as string), '/index/byStatus') },
      { actions: ['dynamodb:Scan'], resource: arnOf(names.table as string) },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resource: arnOf(names.key as string) },
      { actions: ['s3:GetObject'], resource: join(arnOf(names.content as string), '/index-documents/*') },
      { actions: ['s3:GetObject'], resource: join(arnOf(names.quarantine as string), '/*') },
      {
        actions: ['s3:GetObject', 's3:PutObject'],
        resource: join(arnOf(names.content as string), '/documents/*'),
      },
      { actions: ['sns:Publish'], resource: { Ref: names.topic } },
      // Delivery figures: Logs Insights on the topic's success log group alone (ARN with and without
      // the ':*' suffix); StopQuery and GetMetricData take no resource in IAM, so '*'.
      {
        actions: ['logs:GetQueryResults', 'logs:StartQuery'],
        resource: [
          join(
            'arn:',
            { Ref: 'AWS::Partition' },
            ':logs:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':log-group:',
            // A log group's Ref is its name: sns/eu-west-1/123456789012/ArticlesTopic.
            { Ref: names.successLogs },
          ),
          arnOf(names.successLogs as string),
        ],
      },
      { actions: ['logs:StopQuery'], resource: '*' },
      { actions: ['cloudwatch:GetMetricData'], resource: '*' },
      {
        actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
        resource: [
          arnOf(names.ingest as string),
          arnOf(names.ingestDlq as string),
          arnOf(names.streamDlq as string),
          join(
            'arn:',
            { Ref: 'AWS::Partition' },
            ':sqs:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':syn-dev-*',
          ),
        ],
      },
    ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(granted, expected);
  });

  test('the function is told its queues by role, the partner queue prefix and the stack’s alarm prefix', () => {
    const fn = resources[logicalId(consoleApi.function)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const variables = fn.Environment.Variables;
    assert.equal(variables.ALARM_NAME_PREFIX, 'ConsoleTest-');
    assert.equal(variables.STACK_NAME, 'ConsoleTest');
    assert.equal(variables.CONTENT_LINK_EXPIRY_SECONDS, '21600');
    assert.equal(variables.DELIVERY_LOG_SAMPLE_RATE, '25');
    const queues = JSON.stringify(variables.PIPELINE_QUEUES);
    for (const role of ['"role\\":\\"ingest\\"', 'ingest-dead-letter', 'stream-failures'])
      assert.ok(queues.includes(role), `${role} in ${queues}`);
    assert.ok(queues.includes(names.ingest as string));
    assert.deepEqual(variables.QUEUE_URL_PREFIX, {
      'Fn::Join': [
        '',
        [
          'https://sqs.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'AWS::AccountId' },
          '/',
        ],
      ],
    });
    // The confirmation key is the stack id's random part: fixed per stack, not in the template as text.
    assert.deepEqual(variables.CONFIRMATION_KEY, {
      'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }],
    });
  });

  test('cdk-nag finds nothing unacknowledged in the console API', () => {
    const findings = new AwsSolutionsChecks()
      .validateScope(consoleApi)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} on ${resource.constructPath}`),
      );
    assert.deepEqual(findings, []);
  });
});
