/**
 * Fine-grained assertions on the synthesised stack. One App holds a dev and a prod stack, runs the
 * cdk-nag AwsSolutions checks like `cdk synth` does, and is synthesised once; bundling is skipped
 * (asset hashes therefore differ from `cdk synth`, so nothing here compares whole templates).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Acknowledgment, CfnElement } from 'aws-cdk-lib';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CONFIG_DEFAULTS, stageConfigFrom } from '../../infra/config.js';
import {
  type PipelineFunction,
  resolveEntry,
  UNSCOPED_ACTIONS,
} from '../../infra/constructs/pipeline-function.js';
import { METRICS_NAMESPACE } from '../../infra/constructs/pipeline-monitoring.js';
import { addNagChecks } from '../../infra/nag.js';
import { SyndicationStack, stackPropsFrom } from '../../infra/stacks/syndication-stack.js';
import { INDEX_NAMES } from '../../shared/adapters/table-layout.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import {
  type Partner,
  parsePartnerRegistry,
  subscriptionFilterPolicyFor,
} from '../../shared/partners/registry.js';
import { emittedMetrics, FUNCTIONS } from '../../shared/pipeline/description.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

const PARTNER_ACCOUNT = '210987654321';
const OTHER_ACCOUNT = '123456789012';
const THEIR_QUEUE = `arn:aws:sqs:eu-west-1:${OTHER_ACCOUNT}:their-articles`;
const THEIR_FUNCTION = `arn:aws:lambda:eu-west-1:${PARTNER_ACCOUNT}:function:archive-ingest`;

/**
 * The test's own registry: a catch-all partner, a subject+language partner, a multi-filter one read
 * cross-account and taking summaries, and one of each other delivery type.
 */
const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything-feed', delivery: { type: 'sqs' }, filters: {} },
    {
      name: 'politics-en',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:11000000'], languages: ['en'] },
    },
    {
      name: 'sport-wire',
      delivery: { type: 'sqs', accountId: PARTNER_ACCOUNT },
      filters: { subjects: ['medtop:15000000'], sources: ['wire-a', 'wire-b'], minUrgency: 4 },
      payload: 'summary',
    },
    { name: 'own-queue', delivery: { type: 'sqs', queueArn: THEIR_QUEUE }, filters: { languages: ['fr'] } },
    {
      name: 'alerts-hook',
      delivery: { type: 'https', endpoint: 'https://alerts.partner.example/sns' },
      filters: { minUrgency: 2 },
      payload: 'summary',
    },
    {
      name: 'desk-email',
      delivery: { type: 'email', address: 'desk@partner.example' },
      filters: { eventTypes: ['article.published'] },
      payload: 'summary',
    },
    { name: 'archive-fn', delivery: { type: 'lambda', functionArn: THEIR_FUNCTION }, filters: {} },
  ],
});

const OPERATORS = ['oncall@example.com', 'desk-lead@example.com'];

/** Partners with a queue we create for them. */
const queuePartners = partners.filter(
  (partner) => partner.delivery.type === 'sqs' && !partner.delivery.queueArn,
);

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };
/** An acknowledgement as the stack makes it, with the path of the construct it is made on. */
type RecordedAcknowledgement = Acknowledgment & { path: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let dev: SyndicationStack;
let prod: SyndicationStack;
let template: Template;
let prodTemplate: Template;
let resources: Record<string, Resource>;
let prodResources: Record<string, Resource>;

/** A partner topic of the dev stack by construct id (`ArticlesTopic`, `SummaryTopic`...). */
function topicNamed(id: string): IConstruct {
  const topic = dev.topics.get(id);
  assert.ok(topic, `dev has a topic ${id}`);
  return topic;
}

/** The logical id of a construct's CloudFormation resource. */
function logicalId(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.resolve(element.logicalId) as string;
}

const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
const refOf = (construct: IConstruct) => ({ Ref: logicalId(construct) });

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** Every statement of the inline policies attached to a function's role. */
function roleStatements(fn: PipelineFunction): Statement[] {
  const role = fn.role;
  assert.ok(role, 'function has a role');
  const roleId = logicalId(role);
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

const tlsOnlyStatement = Match.objectLike({
  Effect: 'Deny',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/** The feature flags `cdk synth` runs with, so the tests see the template that deploys. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** An app like `cdk synth` builds: the feature flags of cdk.json, the nag checks, no bundling. */
function testApp(): App {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  return app;
}

before(() => {
  const app = testApp();
  // dev disposable, otherwise with the defaults (and operators); prod with every retention configured.
  dev = new SyndicationStack(app, 'Syndication-dev', {
    stage: 'dev',
    ephemeral: true,
    partners,
    operatorEmails: OPERATORS,
    consoleAssets: CONSOLE_PAGE,
  });
  prod = new SyndicationStack(app, 'Syndication-prod', {
    stage: 'prod',
    partners,
    noncurrentVersionRetention: Duration.days(45),
    quarantineRetention: Duration.days(10),
    accessLogRetention: Duration.days(400),
    consoleAssets: CONSOLE_PAGE,
  });
  // Synthesis runs the AwsSolutions checks: an unacknowledged finding fails here already.
  template = Template.fromJSON(flattenedTemplate(dev));
  prodTemplate = Template.fromJSON(flattenedTemplate(prod));
  resources = template.toJSON().Resources as Record<string, Resource>;
  prodResources = prodTemplate.toJSON().Resources as Record<string, Resource>;
});

/**
 * Builds a stack while recording its acknowledgements instead of applying them, so cdk-nag reports
 * every raw finding: each acknowledgement must answer one of them.
 */
function buildWithoutAcknowledgements(): {
  stack: SyndicationStack;
  acknowledgements: RecordedAcknowledgement[];
} {
  const acknowledgements: RecordedAcknowledgement[] = [];
  const original = Validations.prototype.acknowledge;
  Validations.prototype.acknowledge = function (this: Validations, ...rules: Acknowledgment[]) {
    const { scope } = this as unknown as { scope: IConstruct };
    for (const rule of rules) acknowledgements.push({ ...rule, path: scope.node.path });
  };
  try {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new SyndicationStack(app, 'Syndication-raw', {
      stage: 'prod',
      partners,
      consoleAssets: CONSOLE_PAGE,
    });
    return { stack, acknowledgements };
  } finally {
    Validations.prototype.acknowledge = original;
  }
}

/** Every statement of every identity policy in a template. */
function allPolicyStatements(from: Record<string, Resource>): [string, Statement][] {
  return Object.entries(from)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
    .flatMap(([id, policy]) =>
      ((policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []).map(
        (statement): [string, Statement] => [id, statement],
      ),
    );
}

const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

describe('ingest bucket', () => {
  test('is encrypted, versioned and blocks all public access', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  test('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: refOf(dev.ingestBucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:*',
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('notifies the ingest queue of created and removed objects', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: refOf(dev.ingestBucket),
      NotificationConfiguration: {
        QueueConfigurations: Match.arrayWith([
          { Events: ['s3:ObjectCreated:*'], QueueArn: arnOf(dev.ingestQueue) },
          { Events: ['s3:ObjectRemoved:*'], QueueArn: arnOf(dev.ingestQueue) },
        ]),
      },
    });
  });
});

describe('queues', () => {
  test('S3 may send the ingest bucket notifications to the ingest queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [refOf(dev.ingestQueue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': arnOf(dev.ingestBucket) } },
          }),
        ]),
      },
    });
  });

  test('the ingest queue redrives to its DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: arnOf(dev.ingestDlq), maxReceiveCount: 5 },
    });
    assert.deepEqual(resources[logicalId(dev.ingestQueue)]?.Properties?.RedrivePolicy, {
      deadLetterTargetArn: arnOf(dev.ingestDlq),
      maxReceiveCount: 5,
    });
  });

  test('the ingest queue hides a message for at least 6x the normalise timeout', () => {
    const visibility = resources[logicalId(dev.ingestQueue)]?.Properties?.VisibilityTimeout;
    const timeout = resources[logicalId(dev.normaliseFunction)]?.Properties?.Timeout;
    assert.equal(typeof visibility, 'number');
    assert.equal(typeof timeout, 'number');
    assert.ok((visibility as number) >= 6 * (timeout as number), `${visibility} < 6 x ${timeout}`);
  });

  test('every queue is encrypted (partner queues with the messaging key, others SQS-managed) and TLS-only', () => {
    const queues = resourcesOfType('AWS::SQS::Queue');
    assert.ok(queues.length > 0);
    const partnerQueueIds = new Set(
      [...dev.partnerDeliveries.values()].flatMap((delivery) =>
        [delivery.queue, delivery.queueDlq, delivery.deliveryDlq].flatMap((queue) =>
          queue ? [logicalId(queue)] : [],
        ),
      ),
    );
    for (const [id, queue] of queues) {
      if (partnerQueueIds.has(id))
        assert.deepEqual(queue.Properties?.KmsMasterKeyId, arnOf(dev.messagingKey), id);
      else assert.equal(queue.Properties?.SqsManagedSseEnabled, true, `${id} is not encrypted`);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: Match.arrayWith([{ Ref: id }]),
        PolicyDocument: { Statement: Match.arrayWith([tlsOnlyStatement]) },
      });
    }
  });
});

describe('articles table', () => {
  test('has pk/sk keys, on-demand billing, a new-and-old-images stream, encryption and PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('functions', () => {
  test('run on Node.js 22 or newer, arm64, traced, with source maps and a log group with retention', () => {
    for (const fn of [dev.normaliseFunction, dev.publishFunction]) {
      const properties = resources[logicalId(fn)]?.Properties ?? {};
      const runtime = String(properties.Runtime);
      const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
      assert.ok(major >= 22, `${runtime} is older than nodejs22.x`);
      assert.deepEqual(properties.Architectures, ['arm64']);
      assert.deepEqual(properties.TracingConfig, { Mode: 'Active' });
      assert.equal(properties.MemorySize, 512);
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
      assert.equal(variables.NODE_OPTIONS, '--enable-source-maps');
      // Per stage, so two stages in one account never mix their metrics (the `service` dimension).
      assert.equal(variables.POWERTOOLS_SERVICE_NAME, 'content-syndication-dev');
      const logGroup = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup;
      assert.equal(resources[logGroup.Ref]?.Type, 'AWS::Logs::LogGroup');
      assert.equal(resources[logGroup.Ref]?.Properties?.RetentionInDays, 30);
    }
  });

  test('every Node.js Lambda in the stack (ours and CDK helpers) is nodejs22.x or newer', () => {
    for (const [id, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const runtime = fn.Properties?.Runtime;
      if (typeof runtime !== 'string' || !runtime.startsWith('nodejs')) continue;
      assert.ok(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]) >= 22, `${id} runs ${runtime}`);
    }
  });

  test('get their resource names from construct references', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: refOf(dev.articlesTable) }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TOPIC_ROUTES: {
            'Fn::Join': [
              '',
              [
                '{"full":["',
                refOf(dev.articlesTopic),
                '"],"summary":["',
                refOf(topicNamed('SummaryTopic')),
                '"],"summary-linked":[]}',
              ],
            ],
          },
        }),
      },
    });
  });

  test("each function's environment is its description's settings, and only them", () => {
    // The variables every function has besides its settings (the runtime's and Powertools').
    const platform = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
    // This registry has no publishers: normalise is given neither PUBLISHERS nor PUBLISHER_OBJECT_LIMITS.
    const expected = {
      normalise: ['CONTENT_BUCKET', 'QUARANTINE_BUCKET', 'TABLE_NAME'],
      publish: [
        'CONTENT_API_URL',
        'CONTENT_BUCKET',
        'CONTENT_LINK_EXPIRY_SECONDS',
        'LINK_SECRET_NAME',
        'PUBLISH_LINKED_SUMMARIES',
        'PUBLISH_SUMMARIES',
        'RELEASE_DLQ_ARN',
        'RELEASE_FUNCTION_ARN',
        'SCHEDULER_ROLE_ARN',
        'SCHEDULE_GROUP',
        'TABLE_NAME',
        'TOPIC_ROUTES',
      ],
      release: ['CONTENT_BUCKET', 'TABLE_NAME'],
    };
    for (const [name, fn] of [
      ['normalise', dev.normaliseFunction],
      ['publish', dev.publishFunction],
      ['release', dev.releaseFunction],
    ] as const) {
      const environment = resources[logicalId(fn)]?.Properties?.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      const variables = environment?.Variables ?? {};
      const settings = Object.entries(FUNCTIONS[name].settings)
        .filter(([key]) => key !== 'publishers' && key !== 'publisherObjectLimits')
        .map(([, setting]) => setting.env)
        .sort();
      assert.deepEqual(settings, expected[name], `${name}: the description's settings`);
      assert.deepEqual(Object.keys(variables).sort(), [...platform, ...expected[name]].sort(), name);
    }
  });

  test('normalise reads the ingest queue in batches of up to 10, without waiting for a batch to fill, and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(dev.ingestQueue),
      FunctionName: refOf(dev.normaliseFunction),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('publish reads the table stream without a batching window, bisects, retries 5 times and sends failures to the stream DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(dev.articlesTable), 'StreamArn'] },
      FunctionName: refOf(dev.publishFunction),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(dev.streamDlq) } },
    });
  });

  test('an entry outside functions/ is refused', () => {
    assert.throws(() => resolveEntry('shared/partners/registry.ts'), /under functions\//);
    assert.throws(() => resolveEntry('functions/../infra/app.ts'), /under functions\//);
    assert.match(resolveEntry('functions/normalise.ts'), /functions[\\/]normalise\.ts$/);
  });
});

describe('IAM', () => {
  test('normalise may read ingest objects and use named table actions, nothing wildcarded', () => {
    const statements = roleStatements(dev.normaliseFunction);
    assert.ok(
      statements.some(
        (statement) =>
          statement.Effect === 'Allow' &&
          actionsOf([statement]).includes('s3:GetObject') &&
          JSON.stringify(statement.Resource) ===
            JSON.stringify({ 'Fn::Join': ['', [arnOf(dev.ingestBucket), '/*']] }),
      ),
      's3:GetObject on the ingest bucket objects',
    );
    const actions = actionsOf(statements);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem'])
      assert.ok(actions.includes(action), action);
    for (const action of actions) {
      assert.ok(!action.endsWith('*') || action.startsWith('xray:'), `wildcard action ${action}`);
      assert.ok(!/^dynamodb:(Delete|Batch|Scan|DescribeStream)/.test(action), `unexpected ${action}`);
    }
    assert.ok(!actions.includes('s3:*') && !actions.includes('dynamodb:*'));
    assert.ok(!actions.some((action) => action.startsWith('s3:Delete')));
    // The only writes: copying rejected originals into the quarantine bucket, receipts under the
    // ingest bucket's receipts/ (nowhere else in it), and keeping documents too large for a table
    // item in the content bucket.
    const writes = statements.filter((candidate) =>
      actionsOf([candidate]).some((action) => action.startsWith('s3:Put')),
    );
    assert.deepEqual(
      writes.map((statement) => [JSON.stringify(statement.Resource), actionsOf([statement]).sort()]),
      [
        [
          JSON.stringify([
            { 'Fn::Join': ['', [arnOf(dev.ingestBucket), '/receipts/*']] },
            { 'Fn::Join': ['', [arnOf(dev.quarantineBucket), '/*']] },
          ]),
          ['s3:PutObject'],
        ],
        [
          JSON.stringify({ 'Fn::Join': ['', [arnOf(dev.contentBucket), '/index-documents/*']] }),
          ['s3:GetObject', 's3:PutObject'],
        ],
      ],
    );
  });

  test('publish may create schedules only in its schedule group and pass only the scheduler role', () => {
    const statements = roleStatements(dev.publishFunction);
    const create = statements.find((statement) =>
      actionsOf([statement]).includes('scheduler:CreateSchedule'),
    );
    assert.ok(create, 'scheduler:CreateSchedule');
    assert.match(JSON.stringify(create.Resource), /schedule/);
    const passRole = statements.find((statement) => actionsOf([statement]).includes('iam:PassRole'));
    assert.ok(passRole, 'iam:PassRole');
    assert.ok(!JSON.stringify(passRole.Resource).includes('"*"'));
  });

  test('release reads and rewrites only the articles table and its kept-out documents', () => {
    const statements = roleStatements(dev.releaseFunction);
    const actions = actionsOf(statements);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem'])
      assert.ok(actions.includes(action), action);
    assert.ok(!actions.some((action) => action.startsWith('sns:')));
    const s3 = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('s3:')),
    );
    assert.deepEqual(
      s3.map((statement) => JSON.stringify(statement.Resource)),
      [JSON.stringify({ 'Fn::Join': ['', [arnOf(dev.contentBucket), '/index-documents/*']] })],
    );
  });

  test('publish may publish to the partner topics (full and summary), and only to them', () => {
    const statements = roleStatements(dev.publishFunction);
    const publishing = statements.filter(
      (statement) => statement.Effect === 'Allow' && actionsOf([statement]).includes('sns:Publish'),
    );
    assert.equal(publishing.length, 1);
    // This registry has full and summary partners, few enough for one topic each.
    assert.deepEqual(publishing[0]?.Resource, [refOf(dev.articlesTopic), refOf(topicNamed('SummaryTopic'))]);
    const actions = actionsOf(statements);
    assert.ok(!actions.includes('sns:*') && !actions.includes('dynamodb:*'));
    assert.ok(
      !actions.some((action) => /^dynamodb:(Put|Update|Delete|Batch)/.test(action)),
      'publish only reads',
    );
  });
});

describe('partner subscriptions', () => {
  const deliveryOf = (partner: Partner) => {
    const delivery = dev.partnerDeliveries.get(partner.name);
    assert.ok(delivery, `no delivery for ${partner.name}`);
    return delivery;
  };
  const keyStatements = () =>
    (resources[logicalId(dev.messagingKey)]?.Properties?.KeyPolicy as { Statement: Statement[] } | undefined)
      ?.Statement ?? [];
  const topicStatements = () =>
    resourcesOfType('AWS::SNS::TopicPolicy').flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );

  test('the articles topic refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [refOf(dev.articlesTopic)],
      PolicyDocument: { Statement: Match.arrayWith([tlsOnlyStatement]) },
    });
  });

  test('the topic is encrypted with a customer-managed key that rotates', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(dev.topicKey) });
    for (const key of [dev.topicKey, dev.messagingKey])
      assert.equal(resources[logicalId(key)]?.Properties?.EnableKeyRotation, true);
  });

  test('the key lets SNS encrypt for the partner queues, only on behalf of the partner topics', () => {
    const sns = keyStatements().filter(
      (statement) => JSON.stringify(statement).includes('sns.amazonaws.com') && statement.Effect === 'Allow',
    );
    assert.ok(sns.length > 0, 'a statement for sns.amazonaws.com');
    for (const statement of sns) {
      assert.ok(actionsOf([statement]).includes('kms:GenerateDataKey'));
      assert.ok(actionsOf([statement]).includes('kms:Decrypt'));
      assert.deepEqual(statement.Condition, {
        ArnEquals: { 'aws:SourceArn': [refOf(dev.articlesTopic), refOf(topicNamed('SummaryTopic'))] },
      });
    }
  });

  test("each partner has one subscription of its delivery type, on its payload's topic, with its filter policy and a delivery DLQ", () => {
    const topicRefs = [refOf(dev.articlesTopic), refOf(topicNamed('SummaryTopic'))].map((ref) =>
      JSON.stringify(ref),
    );
    const subscriptions = resourcesOfType('AWS::SNS::Subscription').filter(([, subscription]) =>
      topicRefs.includes(JSON.stringify(subscription.Properties?.TopicArn)),
    );
    assert.equal(subscriptions.length, partners.length);
    const expected: Record<string, { protocol: string; endpoint: unknown; raw?: boolean }> = {
      'own-queue': { protocol: 'sqs', endpoint: THEIR_QUEUE, raw: true },
      'alerts-hook': { protocol: 'https', endpoint: 'https://alerts.partner.example/sns', raw: false },
      'desk-email': { protocol: 'email', endpoint: 'desk@partner.example' },
      'archive-fn': { protocol: 'lambda', endpoint: THEIR_FUNCTION },
    };
    for (const partner of queuePartners) {
      expected[partner.name] = {
        protocol: 'sqs',
        endpoint: arnOf(deliveryOf(partner).queue as Queue),
        raw: true,
      };
    }
    for (const partner of partners) {
      const want = expected[partner.name];
      assert.ok(want, partner.name);
      const matching = subscriptions.filter(
        ([, subscription]) =>
          JSON.stringify(subscription.Properties?.Endpoint) === JSON.stringify(want.endpoint),
      );
      assert.equal(matching.length, 1, `one subscription for ${partner.name}`);
      const properties = matching[0]?.[1].Properties ?? {};
      assert.equal(properties.Protocol, want.protocol, partner.name);
      assert.deepEqual(
        properties.TopicArn,
        refOf(topicNamed(partner.payload === 'summary' ? 'SummaryTopic' : 'ArticlesTopic')),
        `${partner.name} subscribes to a topic of its payload (${partner.payload})`,
      );
      assert.equal(properties.RawMessageDelivery, want.raw, `${partner.name} raw delivery`);
      assert.deepEqual(properties.RedrivePolicy, {
        deadLetterTargetArn: arnOf(deliveryOf(partner).deliveryDlq),
      });
      // A partner without filters subscribes without a policy (SNS: every message).
      assert.deepEqual(properties.FilterPolicy ?? {}, subscriptionFilterPolicyFor(partner));
      assert.equal((properties.FilterPolicy as Record<string, unknown> | undefined)?.payload, undefined);
      assert.ok(
        properties.FilterPolicyScope === undefined || properties.FilterPolicyScope === 'MessageAttributes',
      );
    }
  });

  test('minimum urgency becomes a numeric filter; HTTPS retries with backoff', () => {
    const hook = resourcesOfType('AWS::SNS::Subscription').find(
      ([, subscription]) => subscription.Properties?.Protocol === 'https',
    )?.[1];
    assert.deepEqual((hook?.Properties?.FilterPolicy as Record<string, unknown> | undefined)?.urgency, [
      { numeric: ['<=', 2] },
    ]);
    assert.match(JSON.stringify(hook?.Properties?.DeliveryPolicy), /healthyRetryPolicy/);
  });

  test("the partner's topic (and only it) may send to its queue and its delivery DLQ", () => {
    for (const partner of partners) {
      const delivery = deliveryOf(partner);
      const topic = topicNamed(partner.payload === 'summary' ? 'SummaryTopic' : 'ArticlesTopic');
      for (const queue of [delivery.queue, delivery.deliveryDlq]) {
        if (!queue) continue;
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [refOf(queue)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Action: 'sqs:SendMessage',
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Condition: { ArnEquals: { 'aws:SourceArn': refOf(topic) } },
                Resource: arnOf(queue),
              },
            ]),
          },
        });
      }
    }
  });

  test("a partner account may read (not send to) its own queue and decrypt only through SQS; nobody else's", () => {
    const sport = partners.find((partner) => partner.name === 'sport-wire');
    assert.ok(sport);
    const delivery = deliveryOf(sport);
    const principal = {
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${PARTNER_ACCOUNT}:root`]] },
    };
    for (const queue of [delivery.queue, delivery.queueDlq]) {
      assert.ok(queue);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [refOf(queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Allow', Principal: principal, Resource: arnOf(queue) }),
          ]),
        },
      });
    }
    const queuePolicies = resourcesOfType('AWS::SQS::QueuePolicy').map(([, policy]) =>
      JSON.stringify(policy),
    );
    const withAccount = queuePolicies.filter((policy) => policy.includes(PARTNER_ACCOUNT));
    assert.equal(withAccount.length, 2, 'only the partner queue and its DLQ name the partner account');
    for (const policy of withAccount) {
      assert.ok(
        !policy.includes(`"sqs:SendMessage","Effect":"Allow","Principal":${JSON.stringify(principal)}`),
      );
    }
    const decrypt = keyStatements().find((statement) =>
      JSON.stringify(statement.Condition ?? {}).includes('kms:ViaService'),
    );
    assert.ok(decrypt, 'kms:Decrypt for the partner account');
    assert.deepEqual(actionsOf([decrypt]), ['kms:Decrypt']);
    assert.match(JSON.stringify(decrypt), new RegExp(PARTNER_ACCOUNT));
  });

  test('only a cross-account Lambda partner may subscribe, and only its own function', () => {
    const statements = topicStatements();
    const allows = statements.filter(
      (statement) => statement.Effect === 'Allow' && actionsOf([statement]).includes('sns:Subscribe'),
    );
    const byEndpoint = Object.fromEntries(
      allows.map((statement) => [
        (statement.Condition as { StringEquals: Record<string, string> }).StringEquals['sns:Endpoint'],
        (statement.Condition as { StringEquals: Record<string, string> }).StringEquals['sns:Protocol'],
      ]),
    );
    // A partner's own queue needs no grant: the stack subscribes it and the partner confirms.
    assert.deepEqual(byEndpoint, { [THEIR_FUNCTION]: 'lambda' });
    const deny = statements.find(
      (statement) => statement.Effect === 'Deny' && actionsOf([statement]).includes('sns:Subscribe'),
    );
    assert.ok(deny, 'a Deny for everyone else');
    assert.deepEqual(deny.Condition, {
      StringNotEquals: {
        'aws:PrincipalAccount': [{ Ref: 'AWS::AccountId' }, PARTNER_ACCOUNT],
      },
    });
  });

  test('each partner queue we create redrives to its own DLQ', () => {
    for (const partner of queuePartners) {
      const delivery = deliveryOf(partner);
      assert.ok(delivery.queue && delivery.queueDlq);
      assert.deepEqual(resources[logicalId(delivery.queue)]?.Properties?.RedrivePolicy, {
        deadLetterTargetArn: arnOf(delivery.queueDlq),
        maxReceiveCount: 5,
      });
    }
  });

  test('outputs name the main resources; partner queues are in the manifest, one SSM parameter per shard', () => {
    template.hasOutput('IngestBucketName', { Value: refOf(dev.ingestBucket) });
    template.hasOutput('ArticlesTableName', { Value: refOf(dev.articlesTable) });
    template.hasOutput('ArticlesTopicArn', { Value: refOf(dev.articlesTopic) });
    template.hasOutput('ContentBucketName', { Value: refOf(dev.contentBucket) });
    template.hasOutput('IngestQueueUrl', { Value: refOf(dev.ingestQueue) });
    template.hasOutput('IngestDlqUrl', { Value: refOf(dev.ingestDlq) });
    template.hasOutput('StreamDlqUrl', { Value: refOf(dev.streamDlq) });
    template.hasOutput('PartnerManifestPath', { Value: '/syndication/dev/partner-shards/' });
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    assert.ok(!outputs.some((output) => output.startsWith('Partner') && output !== 'PartnerManifestPath'));
    const manifests = resourcesOfType('AWS::SSM::Parameter').map(
      ([, parameter]) => parameter.Properties ?? {},
    );
    assert.equal(manifests.length, dev.partnerShards.size);
    const listed = new Map<string, unknown>();
    for (const manifest of manifests) {
      assert.match(String(manifest.Name), /^\/syndication\/dev\/partner-shards\/\d\d$/);
      const value = manifest.Value as { 'Fn::Join': [string, unknown[]] };
      // The queue URL prefix is joined from the region and account; the partner list is literal text.
      const text = value['Fn::Join'][1].filter((part) => typeof part === 'string').join('');
      for (const match of text.matchAll(
        /\{"name":"([a-z0-9-]+)"(?:,"id":"[a-z0-9-]+")?,"queues":(\[[^\]]*\])\}/g,
      ))
        listed.set(match[1] as string, JSON.parse(match[2] as string));
    }
    assert.deepEqual(Object.fromEntries(listed), {
      'everything-feed': ['queue', 'queueDlq', 'deliveryDlq'],
      'politics-en': ['queue', 'queueDlq', 'deliveryDlq'],
      'sport-wire': ['queue', 'queueDlq', 'deliveryDlq'],
      'own-queue': ['deliveryDlq'],
      'alerts-hook': ['deliveryDlq'],
      'desk-email': ['deliveryDlq'],
      'archive-fn': ['deliveryDlq'],
    });
    // The names the manifest's readers derive: syn-<stage>-<partner id>[-dlq|-delivery-dlq].
    assert.equal(
      resources[logicalId(deliveryOf(partners[0] as Partner).queue as Queue)]?.Properties?.QueueName,
      'syn-dev-everything-feed',
    );
    assert.equal(
      resources[logicalId(deliveryOf(partners[0] as Partner).queueDlq as Queue)]?.Properties?.QueueName,
      'syn-dev-everything-feed-dlq',
    );
    assert.equal(
      resources[logicalId(deliveryOf(partners[0] as Partner).deliveryDlq)]?.Properties?.QueueName,
      'syn-dev-everything-feed-delivery-dlq',
    );
  });
});

describe('claim check (content bucket)', () => {
  test('is private, TLS-only, encrypted with the messaging key and expires its documents', () => {
    const bucket = resources[logicalId(dev.contentBucket)];
    assert.ok(bucket?.Properties?.PublicAccessBlockConfiguration);
    assert.match(JSON.stringify(bucket?.Properties?.BucketEncryption), /aws:kms/);
    assert.match(
      JSON.stringify(bucket?.Properties?.BucketEncryption),
      new RegExp(logicalId(dev.messagingKey)),
    );
    const lifecycle = bucket?.Properties?.LifecycleConfiguration as
      | { Rules: Record<string, unknown>[] }
      | undefined;
    const rules = lifecycle?.Rules ?? [];
    const expiring = rules.filter((rule) => rule.ExpirationInDays !== undefined);
    // Only claim-check documents expire: a document kept out of an oversized index item must live as
    // long as the version that points to it.
    assert.deepEqual(
      expiring.map((rule) => [rule.Prefix, rule.ExpirationInDays]),
      [['documents/', 8]],
    );
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: refOf(dev.contentBucket),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*' })]) },
    });
  });

  test('publish knows the bucket, the link expiry and that summaries are wanted', () => {
    const environment = resources[logicalId(dev.publishFunction)]?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    assert.deepEqual(variables.CONTENT_BUCKET, refOf(dev.contentBucket));
    assert.equal(variables.CONTENT_LINK_EXPIRY_SECONDS, String(6 * 3600));
    assert.equal(variables.PUBLISH_SUMMARIES, 'true');
  });

  const s3StatementsOf = (fn: PipelineFunction) =>
    roleStatements(fn).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('s3:')),
    );
  const contentObjects = (prefix: string) => ({ 'Fn::Join': ['', [arnOf(dev.contentBucket), prefix]] });

  test('publish reads index documents and uses the key, and writes no claim-check copy', () => {
    const statements = roleStatements(dev.publishFunction);
    const s3 = s3StatementsOf(dev.publishFunction);
    // Links point at the content API, which serves the indexed document: no per-version PUT.
    assert.deepEqual(
      s3.map((statement) => [statement.Resource, actionsOf([statement]).sort()]),
      [[contentObjects('/index-documents/*'), ['s3:GetObject']]],
    );
    const kms = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('kms:')),
    );
    const keys = [arnOf(dev.topicKey), arnOf(dev.messagingKey)].map((arn) => JSON.stringify(arn));
    for (const statement of kms) {
      for (const resource of resourcesOf(statement)) assert.ok(keys.includes(JSON.stringify(resource)));
    }
    assert.deepEqual([...new Set(actionsOf(kms))].sort(), ['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  for (const [name, fn] of [
    ['normalise', () => dev.normaliseFunction],
    ['release', () => dev.releaseFunction],
  ] as const) {
    test(`${name} knows the bucket and may keep index documents there, nothing else of it`, () => {
      const environment = resources[logicalId(fn())]?.Properties?.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      assert.deepEqual(environment?.Variables.CONTENT_BUCKET, refOf(dev.contentBucket));
      const onContent = s3StatementsOf(fn()).filter((statement) =>
        JSON.stringify(statement.Resource).includes(logicalId(dev.contentBucket)),
      );
      assert.deepEqual(
        onContent.map((statement) => [statement.Resource, actionsOf([statement]).sort()]),
        [[contentObjects('/index-documents/*'), ['s3:GetObject', 's3:PutObject']]],
      );
      const kms = roleStatements(fn()).filter((statement) =>
        resourcesOf(statement).some(
          (resource) => JSON.stringify(resource) === JSON.stringify(arnOf(dev.messagingKey)),
        ),
      );
      assert.deepEqual([...new Set(actionsOf(kms))].sort(), ['kms:Decrypt', 'kms:GenerateDataKey']);
    });
  }

  test('a link expiry beyond what SigV4 allows is refused at synth', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    assert.throws(
      () =>
        new SyndicationStack(app, 'TooLong', { stage: 'dev', partners, contentLinkExpiry: Duration.days(8) }),
      /contentLinkExpiry must be 1 minute to 7 days/,
    );
  });
});

describe('partner registry', () => {
  test('config/partners.json is a valid registry', () => {
    const document: unknown = JSON.parse(
      readFileSync(new URL('../../config/partners.json', import.meta.url), 'utf8'),
    );
    const registry: Partner[] = parsePartnerRegistry(document);
    assert.ok(registry.length > 0);
  });

  test('an invalid registry is rejected before any stack can be built from it', () => {
    assert.throws(
      () =>
        parsePartnerRegistry({
          partners: [
            { name: 'bad-topics', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:99999999'] } },
          ],
        }),
      (error: unknown) => error instanceof ConfigurationError && /medtop:99999999/.test(error.message),
    );
  });
});

describe('stages', () => {
  test('prod retains the bucket, the table and the logs, and protects the table', () => {
    prodTemplate.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    prodTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    prodTemplate.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    prodTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('an ephemeral dev deletes the bucket (emptying it first), the table and the logs', () => {
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: refOf(dev.ingestBucket) });
  });

  const deliveryLogGroup = (resource: Resource) =>
    resource.Type === 'AWS::Logs::LogGroup' &&
    JSON.stringify(resource.Properties?.LogGroupName ?? '').startsWith('{"Fn::Join":["",["sns/"');
  test('no resource has a hard-coded physical name but partner queues (named after stage and partner); alarms and the dashboard are named after the stack', () => {
    const nameProperty: Record<string, string> = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::KMS::Key': 'KeyName',
    };
    const stackNamed: Record<string, string> = {
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::CloudWatch::Dashboard': 'DashboardName',
    };
    for (const [stack, from] of [
      [dev, resources],
      [prod, prodResources],
    ] as const) {
      for (const [id, resource] of Object.entries(from)) {
        const property = nameProperty[resource.Type];
        const partnerQueue = resource.Type === 'AWS::SQS::Queue' && id.startsWith('Partner');
        if (partnerQueue)
          assert.match(
            String(resource.Properties?.QueueName),
            new RegExp(`^syn-${stack === dev ? 'dev' : 'prod'}-`),
            id,
          );
        else if (deliveryLogGroup(resource))
          // SNS chooses these names (sns/<region>/<account>/<topic>[/Failure]): they follow the
          // topic's generated name, so two stages never share one.
          assert.match(JSON.stringify(resource.Properties?.LogGroupName), /"TopicName"/, id);
        else if (property) assert.equal(resource.Properties?.[property], undefined, `${id} sets ${property}`);
        const named = stackNamed[resource.Type];
        if (named) {
          assert.match(JSON.stringify(resource.Properties?.[named]), new RegExp(`"${stack.stackName}-`), id);
        }
      }
    }
  });

  test('two stages synthesise side by side with distinct names', () => {
    assert.notEqual(dev.stackName, prod.stackName);
    const namesOf = (from: Record<string, Resource>, type: string, property: string) =>
      Object.values(from)
        .filter((resource) => resource.Type === type)
        .map((resource) => JSON.stringify(resource.Properties?.[property]));
    for (const [type, property] of [
      ['AWS::CloudWatch::Alarm', 'AlarmName'],
      ['AWS::CloudWatch::Dashboard', 'DashboardName'],
    ] as const) {
      const devNames = namesOf(resources, type, property);
      const prodNames = new Set(namesOf(prodResources, type, property));
      assert.ok(devNames.length > 0, type);
      assert.equal(new Set(devNames).size, devNames.length, `${type} names are unique within a stage`);
      for (const name of devNames) assert.ok(!prodNames.has(name), `${name} is used by both stages`);
    }
    // Metrics are told apart by the service dimension, so dev's rejections never trip prod's alarm.
    const services = [dev, prod].map((stack) => stack.serviceName);
    assert.deepEqual(services, ['content-syndication-dev', 'content-syndication-prod']);
  });

  test('retention periods come from configuration (defaults in dev, configured in prod)', () => {
    const rules = (from: Record<string, Resource>, bucket: IConstruct) =>
      JSON.stringify(from[logicalId(bucket)]?.Properties?.LifecycleConfiguration);
    assert.match(
      rules(resources, dev.ingestBucket),
      new RegExp(`"NoncurrentDays":${CONFIG_DEFAULTS.noncurrentVersionDays}`),
    );
    assert.match(rules(prodResources, prod.ingestBucket), /"NoncurrentDays":45/);
    assert.match(
      rules(resources, dev.quarantineBucket),
      new RegExp(`"ExpirationInDays":${CONFIG_DEFAULTS.quarantineDays}`),
    );
    assert.match(rules(prodResources, prod.quarantineBucket), /"ExpirationInDays":10/);
    assert.match(
      rules(resources, dev.accessLogsBucket),
      new RegExp(`"ExpirationInDays":${CONFIG_DEFAULTS.accessLogDays}`),
    );
    assert.match(rules(prodResources, prod.accessLogsBucket), /"ExpirationInDays":400/);
  });

  test('a retention that is not a whole number of days is refused', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    assert.throws(
      () =>
        new SyndicationStack(app, 'HalfDay', {
          stage: 'dev',
          partners,
          noncurrentVersionRetention: Duration.hours(12),
        }),
      /noncurrentVersionRetention must be a whole number of days/,
    );
  });
});

describe('article lifecycle resources', () => {
  test('the table has the access-pattern indexes the adapter queries', () => {
    const table = resources[logicalId(dev.articlesTable)];
    const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      KeySchema: unknown;
    }[];
    assert.deepEqual(indexes.map((index) => index.IndexName).sort(), Object.values(INDEX_NAMES).sort());
    for (const index of indexes) {
      assert.deepEqual(index.KeySchema, [
        { AttributeName: `${index.IndexName}Pk`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}Sk`, KeyType: 'RANGE' },
      ]);
    }
  });

  test('the quarantine bucket is private, TLS-only, expires its objects and has no notifications', () => {
    const bucket = resources[logicalId(dev.quarantineBucket)];
    assert.ok(bucket?.Properties?.PublicAccessBlockConfiguration);
    assert.match(JSON.stringify(bucket?.Properties?.LifecycleConfiguration), /"ExpirationInDays":30/);
    const notifications = resourcesOfType('Custom::S3BucketNotifications').map(([, resource]) =>
      JSON.stringify(resource.Properties),
    );
    assert.ok(notifications.every((properties) => !properties.includes(logicalId(dev.quarantineBucket))));
  });

  test('the scheduler role can only be assumed by EventBridge Scheduler of this account', () => {
    const roles = resourcesOfType('AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    assert.equal(roles.length, 1);
    assert.match(JSON.stringify(roles[0]?.[1].Properties?.AssumeRolePolicyDocument), /aws:SourceAccount/);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  const describeViolations = (stack: Stack) =>
    new AwsSolutionsChecks()
      .validateScope(stack)
      .violations.map(
        (violation) =>
          `${violation.ruleName} on ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
      );

  test('dev and prod have no unacknowledged findings', () => {
    for (const stack of [dev, prod]) assert.deepEqual(describeViolations(stack), [], stack.stackName);
  });

  test('each acknowledgement is on one resource, names its finding, says why, and answers a real finding', () => {
    const { stack, acknowledgements } = buildWithoutAcknowledgements();
    const raw = new AwsSolutionsChecks().validateScope(stack).violations;
    assert.ok(acknowledgements.length > 0, 'some acknowledgements are made');
    for (const { id, reason, path } of acknowledgements) {
      assert.notEqual(path, stack.node.path, `${id} is acknowledged on the whole stack`);
      assert.match(id, /^AwsSolutions-[A-Z]+\d+/, id);
      if (/^AwsSolutions-IAM[45]/.test(id)) assert.match(id, /\[(Action|Resource|Policy)::.+\]$/, id);
      assert.ok(reason.length >= 60, `${id} on ${path}: the reason is too short to say why`);
      const answered = raw.some(
        (violation) =>
          violation.ruleName === id &&
          violation.violatingResources.some(
            (resource) =>
              resource.constructPath === path || (resource.constructPath ?? '').startsWith(`${path}/`),
          ),
      );
      assert.ok(answered, `${id} on ${path} acknowledges nothing cdk-nag reports`);
    }
    // And every raw finding has its acknowledgement: nothing else keeps the stack clean.
    for (const violation of raw) {
      for (const resource of violation.violatingResources) {
        assert.ok(
          acknowledgements.some(
            ({ id, path }) =>
              id === violation.ruleName &&
              (resource.constructPath === path || (resource.constructPath ?? '').startsWith(`${path}/`)),
          ),
          `${violation.ruleName} on ${resource.constructPath} is not acknowledged`,
        );
      }
    }
  });

  test('the checks make a synth fail on an unacknowledged finding', () => {
    const app = new App();
    addNagChecks(app);
    new Bucket(new Stack(app, 'Careless'), 'Unlogged');
    assert.throws(() => app.synth(), /Validation failed/);
  });
});

describe('data protection', () => {
  const buckets = () => resourcesOfType('AWS::S3::Bucket');

  test('every bucket is encrypted, private and TLS-only; all but the log bucket log their access to it', () => {
    const logBucket = logicalId(dev.accessLogsBucket);
    // Ingest, quarantine, content, access logs and the console page's.
    assert.equal(buckets().length, 5);
    for (const [id, bucket] of buckets()) {
      const encryption = JSON.stringify(bucket.Properties?.BucketEncryption);
      assert.match(encryption, /"SSEAlgorithm":"(AES256|aws:kms)"/, `${id} is not encrypted`);
      assert.deepEqual(
        bucket.Properties?.PublicAccessBlockConfiguration,
        {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        id,
      );
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      if (id === logBucket) assert.equal(bucket.Properties?.LoggingConfiguration, undefined);
      else
        assert.deepEqual(
          (bucket.Properties?.LoggingConfiguration as { DestinationBucketName?: unknown } | undefined)
            ?.DestinationBucketName,
          { Ref: logBucket },
          `${id} has no server access logs`,
        );
    }
  });

  test('the access log bucket is SSE-S3 (all log delivery supports), owner-enforced, written by a bucket policy', () => {
    const bucket = resources[logicalId(dev.accessLogsBucket)];
    assert.match(JSON.stringify(bucket?.Properties?.BucketEncryption), /"SSEAlgorithm":"AES256"/);
    assert.deepEqual(bucket?.Properties?.OwnershipControls, {
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    assert.equal(bucket?.Properties?.AccessControl, undefined);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: refOf(dev.accessLogsBucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });

  test('the ingest bucket expires noncurrent versions and leftover delete markers', () => {
    const lifecycle = resources[logicalId(dev.ingestBucket)]?.Properties?.LifecycleConfiguration as
      | { Rules: Record<string, unknown>[] }
      | undefined;
    const rules = lifecycle?.Rules ?? [];
    assert.ok(
      rules.some(
        (rule) =>
          JSON.stringify(rule.NoncurrentVersionExpiration) === JSON.stringify({ NoncurrentDays: 30 }) &&
          rule.ExpiredObjectDeleteMarker === true,
      ),
      'a rule for noncurrent versions and delete markers',
    );
  });

  test('every topic is encrypted with a customer-managed key that rotates, and refuses requests without TLS', () => {
    const topics = resourcesOfType('AWS::SNS::Topic');
    // Full documents, summaries (one topic each for this registry) and the operators'.
    assert.equal(topics.length, 3);
    for (const [id, topic] of topics) {
      const keyId = (topic.Properties?.KmsMasterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
        'Fn::GetAtt'
      ]?.[0];
      assert.ok(keyId, `${id} has no customer-managed key`);
      assert.equal(resources[keyId]?.Type, 'AWS::KMS::Key');
      assert.equal(resources[keyId]?.Properties?.EnableKeyRotation, true, `${keyId} does not rotate`);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([tlsOnlyStatement]) },
      });
    }
  });

  test('every key rotates', () => {
    for (const [id, key] of resourcesOfType('AWS::KMS::Key'))
      assert.equal(key.Properties?.EnableKeyRotation, true, id);
  });
});

describe('least privilege', () => {
  /**
   * The handler aws-cdk-lib creates for the console's BucketDeployment: its role and its S3 grants are
   * CDK's (read the asset bucket, sync into the console bucket), acknowledged in
   * infra/constructs/operator-console-site.ts, which narrows its invalidation grant to the distribution.
   */
  const bucketDeploymentHandler = (id: string) => id.startsWith('CustomCDKBucketDeployment');

  test("no role of ours carries a managed policy (only CDK's own handlers do)", () => {
    for (const [id, role] of resourcesOfType('AWS::IAM::Role')) {
      if (
        id.startsWith('BucketNotificationsHandler') ||
        id.startsWith('CustomS3AutoDeleteObjects') ||
        bucketDeploymentHandler(id)
      )
        continue;
      assert.equal(role.Properties?.ManagedPolicyArns, undefined, `${id} has managed policies`);
    }
  });

  test('no statement grants a wildcard action, and only actions IAM cannot scope are granted on *', () => {
    const statements = allPolicyStatements(resources);
    assert.ok(statements.length > 0, 'there are policies');
    for (const [policy, statement] of statements) {
      assert.equal(statement.Effect, 'Allow');
      // The page deployment handler's S3 actions are CDK's (s3:GetObject*…), on its two buckets only.
      if (!bucketDeploymentHandler(policy))
        for (const action of actionsOf([statement]))
          assert.ok(!action.includes('*'), `${policy} grants ${action}`);
      if (resourcesOf(statement).includes('*')) {
        for (const action of actionsOf([statement]))
          assert.ok(UNSCOPED_ACTIONS.includes(action), `${policy} grants ${action} on *`);
      }
    }
  });

  test('each function writes logs to its own log group only', () => {
    for (const fn of [dev.normaliseFunction, dev.publishFunction, dev.releaseFunction]) {
      const logs = roleStatements(fn).filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('logs:')),
      );
      assert.equal(logs.length, 1, fn.node.id);
      assert.deepEqual(actionsOf(logs).sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
      const logging = resources[logicalId(fn)]?.Properties?.LoggingConfig as
        | { LogGroup: { Ref: string } }
        | undefined;
      const logGroup = logging?.LogGroup.Ref;
      assert.ok(logGroup, `${fn.node.id} has a log group`);
      assert.deepEqual(logs[0]?.Resource, { 'Fn::GetAtt': [logGroup, 'Arn'] });
    }
  });

  test('table actions are granted on the table itself, not on its indexes', () => {
    for (const fn of [dev.normaliseFunction, dev.publishFunction, dev.releaseFunction]) {
      for (const statement of roleStatements(fn)) {
        if (!actionsOf([statement]).some((action) => /^dynamodb:(Get|Put)Item$/.test(action))) continue;
        assert.deepEqual(statement.Resource, arnOf(dev.articlesTable), fn.node.id);
      }
    }
  });

  test('the scheduler role may invoke the unqualified release function and send to the release DLQ, nothing else', () => {
    const role = resourcesOfType('AWS::IAM::Role').find(([, candidate]) =>
      JSON.stringify(candidate.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    assert.ok(role, 'a scheduler role');
    const statements = allPolicyStatements(resources)
      .filter(
        ([id]) => JSON.stringify(resources[id]?.Properties?.Roles) === JSON.stringify([{ Ref: role[0] }]),
      )
      .map(([, statement]) => ({ Action: statement.Action, Resource: statement.Resource }));
    assert.deepEqual(statements, [
      { Action: 'lambda:InvokeFunction', Resource: arnOf(dev.releaseFunction) },
      { Action: 'sqs:SendMessage', Resource: arnOf(dev.releaseDlq) },
    ]);
  });
});

describe('event sources', () => {
  const mappings = () => resourcesOfType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping);

  test('every SQS source reports partial batch failures and reads a queue that redrives to a DLQ', () => {
    const sqs = mappings().filter((mapping) =>
      JSON.stringify(mapping.Properties?.EventSourceArn).includes('Queue'),
    );
    assert.ok(sqs.length > 0, 'an SQS event source');
    for (const mapping of sqs) {
      assert.deepEqual(mapping.Properties?.FunctionResponseTypes, ['ReportBatchItemFailures']);
      const source = mapping.Properties?.EventSourceArn as { 'Fn::GetAtt': [string, string] } | undefined;
      const queueId = source?.['Fn::GetAtt'][0] ?? '';
      assert.ok(resources[queueId]?.Properties?.RedrivePolicy, `${queueId} has no DLQ`);
    }
  });

  test('every stream source bisects, retries a bounded number of times, reports partial failures and has an on-failure DLQ', () => {
    const streams = mappings().filter((mapping) => mapping.Properties?.StartingPosition !== undefined);
    assert.ok(streams.length > 0, 'a stream event source');
    for (const mapping of streams) {
      const properties = mapping.Properties ?? {};
      assert.equal(properties.BisectBatchOnFunctionError, true);
      assert.ok(
        typeof properties.MaximumRetryAttempts === 'number' && properties.MaximumRetryAttempts <= 10,
        'a bounded number of retries',
      );
      assert.deepEqual(properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.ok(
        (properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure
          ?.Destination,
        'an on-failure destination',
      );
    }
  });
});

describe('alarms', () => {
  const alarms = () => resourcesOfType('AWS::CloudWatch::Alarm');
  const operatorTopic = () => refOf(dev.alerts.topic);

  /** Queues that are dead-letter queues, read from the template: every queue without a DLQ of its own. */
  function deadLetterQueueIds(): string[] {
    return resourcesOfType('AWS::SQS::Queue')
      .filter(([, queue]) => queue.Properties?.RedrivePolicy === undefined)
      .map(([id]) => id)
      .sort();
  }

  test('every queue without a DLQ of its own is one: something dead-letters into it', () => {
    const targets = new Set<string>();
    const note = (arn: unknown) => {
      const id = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      if (id) targets.add(id);
    };
    for (const [, resource] of Object.entries(resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type === 'AWS::SQS::Queue' || resource.Type === 'AWS::SNS::Subscription')
        note(
          (properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
        );
      if (resource.Type === 'AWS::Lambda::EventSourceMapping')
        note(
          (properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure
            ?.Destination,
        );
      if (resource.Type === 'AWS::Lambda::Function')
        note(
          (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
            ?.RELEASE_DLQ_ARN,
        );
    }
    assert.deepEqual(deadLetterQueueIds(), [...targets].sort());
    const partnerDlqs = [...dev.partnerDeliveries.values()].flatMap((delivery) => [
      delivery.deliveryDlq,
      ...(delivery.queueDlq ? [delivery.queueDlq] : []),
    ]);
    assert.deepEqual(
      deadLetterQueueIds(),
      [...dev.deadLetterQueues.map(({ queue }) => queue), ...partnerDlqs].map(logicalId).sort(),
      'the stack describes every DLQ (partner DLQs: their shard)',
    );
  });

  test('every DLQ has exactly one alarm on any visible message (partner DLQs: ten to a metric-math alarm)', () => {
    const dlqs = deadLetterQueueIds();
    // ingest, stream, release; per partner a delivery DLQ, and a queue DLQ where we create the queue.
    assert.equal(dlqs.length, 3 + partners.length + queuePartners.length);
    const partnerDlqIds = new Set(
      [...dev.partnerDeliveries.values()].flatMap((delivery) =>
        [delivery.deliveryDlq, delivery.queueDlq].flatMap((queue) => (queue ? [logicalId(queue)] : [])),
      ),
    );
    type MathMetric = {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: Record<string, unknown>; Period: number; Stat: string };
    };
    for (const id of dlqs.filter((dlq) => partnerDlqIds.has(dlq))) {
      const dimensions = JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]);
      const matching = alarms().filter(([, alarm]) =>
        ((alarm.Properties?.Metrics as MathMetric[] | undefined) ?? []).some(
          (metric) => JSON.stringify(metric.MetricStat?.Metric.Dimensions) === dimensions,
        ),
      );
      assert.equal(matching.length, 1, `alarms on ${id}`);
      const properties = matching[0]?.[1].Properties ?? {};
      const metrics = properties.Metrics as MathMetric[];
      const read = metrics.filter((metric) => metric.MetricStat);
      // CloudWatch allows at most 10 metrics in one alarm's math.
      assert.ok(read.length <= 10, `${read.length} metrics`);
      for (const metric of read) {
        assert.equal(metric.MetricStat?.Metric.Namespace, 'AWS/SQS');
        assert.equal(metric.MetricStat?.Metric.MetricName, 'ApproximateNumberOfMessagesVisible');
        assert.equal(metric.MetricStat?.Stat, 'Maximum');
      }
      assert.equal(
        metrics.find((metric) => metric.Expression)?.Expression,
        `MAX([${read.map((metric) => metric.Id).join(',')}])`,
      );
      assert.equal(properties.Threshold, 1);
      assert.equal(properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(properties.TreatMissingData, 'notBreaching');
    }
    for (const id of dlqs.filter((dlq) => !partnerDlqIds.has(dlq))) {
      const matching = alarms().filter(
        ([, alarm]) =>
          JSON.stringify(alarm.Properties?.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      assert.equal(matching.length, 1, `alarms on ${id}`);
      const properties = matching[0]?.[1].Properties ?? {};
      assert.equal(properties.Namespace, 'AWS/SQS');
      assert.equal(properties.MetricName, 'ApproximateNumberOfMessagesVisible');
      assert.equal(properties.Statistic, 'Maximum');
      assert.equal(properties.Threshold, 1);
      assert.equal(properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(properties.TreatMissingData, 'notBreaching');
    }
  });

  test('each function has an errors alarm', () => {
    for (const fn of [dev.normaliseFunction, dev.publishFunction, dev.releaseFunction]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: refOf(fn) }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
  });

  test('publish iterator age, oldest ingest message and failed SNS deliveries alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(dev.publishFunction) }],
      Statistic: 'Maximum',
      Threshold: 5 * 60 * 1000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dev.ingestQueue), 'QueueName'] } }],
      Threshold: 20 * 60,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [
        { Name: 'TopicName', Value: { 'Fn::GetAtt': [logicalId(dev.articlesTopic), 'TopicName'] } },
      ],
      Statistic: 'Sum',
    });
    // Every partner topic has its failed-deliveries alarm, the summary topic too.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [
        { Name: 'TopicName', Value: { 'Fn::GetAtt': [logicalId(topicNamed('SummaryTopic')), 'TopicName'] } },
      ],
      Statistic: 'Sum',
    });
  });

  test("the rejection-rate alarm reads this stage's ArticlesRejected among all files processed", () => {
    const rate = resources[logicalId(dev.monitoring.rejectionRateAlarm)];
    const metrics = rate?.Properties?.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown } };
    }[];
    const stats = metrics.filter((metric) => metric.MetricStat).map((metric) => metric.MetricStat?.Metric);
    assert.deepEqual(stats.map((metric) => metric?.MetricName).sort(), [
      'ArticlesNormalised',
      'ArticlesRejected',
      'ArticlesUnchanged',
    ]);
    for (const metric of stats) {
      assert.equal(metric?.Namespace, METRICS_NAMESPACE);
      assert.deepEqual(metric?.Dimensions, [{ Name: 'service', Value: 'content-syndication-dev' }]);
    }
    assert.match(metrics.find((metric) => metric.Expression)?.Expression ?? '', /100 \* FILL\(rejected, 0\)/);
  });

  test('every alarm notifies the operators on ALARM and on OK, and says what it means and what to do', () => {
    const shardAlarms = [...dev.partnerShards.values()].flatMap((shard) => shard.dlqAlarms);
    // ingest, stream and release DLQs, the others, and the shards' aggregated DLQ alarms.
    assert.ok(alarms().length >= 3 + 7 + shardAlarms.length, 'an alarm per DLQ and the others');
    assert.ok(shardAlarms.length >= 1);
    for (const [id, alarm] of alarms()) {
      const properties = alarm.Properties ?? {};
      assert.deepEqual(properties.AlarmActions, [operatorTopic()], id);
      assert.deepEqual(properties.OKActions, [operatorTopic()], id);
      const description = properties.AlarmDescription;
      assert.equal(typeof description, 'string', id);
      assert.ok((description as string).length <= 1024, `${id}: CloudWatch takes 1024 characters at most`);
      assert.match(description as string, /What to do: /, id);
    }
  });

  test('the operator topic takes its subscribers from configuration and lets only CloudWatch of this account publish', () => {
    const topicId = logicalId(dev.alerts.topic);
    const emails = resourcesOfType('AWS::SNS::Subscription')
      .filter(
        ([, subscription]) =>
          JSON.stringify(subscription.Properties?.TopicArn) === JSON.stringify({ Ref: topicId }),
      )
      .map(([, subscription]) => [subscription.Properties?.Protocol, subscription.Properties?.Endpoint]);
    assert.deepEqual(
      emails,
      OPERATORS.map((email) => ['email', email]),
    );
    prodTemplate.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { TopicArn: refOf(prod.alerts.topic) },
      0,
    );
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    const keyPolicy = JSON.stringify(resources[logicalId(dev.alerts.key)]?.Properties?.KeyPolicy);
    assert.match(keyPolicy, /cloudwatch\.amazonaws\.com/);
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboards = resourcesOfType('AWS::CloudWatch::Dashboard');
    assert.equal(dashboards.length, 1);
    return JSON.stringify(dashboards[0]?.[1].Properties?.DashboardBody);
  };

  test('shows ingest, outcomes, rejections by code, deliveries, lag, durations, queue depths and every DLQ', () => {
    const text = body();
    for (const needle of [
      'NumberOfMessagesSent',
      ...emittedMetrics().map((metric) => metric.name),
      'NumberOfMessagesPublished',
      'NumberOfNotificationsDelivered',
      'NumberOfNotificationsFailed',
      'IteratorAge',
      'Duration',
      'Throttles',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'content-syndication-dev',
    ])
      assert.ok(text.includes(needle), `the dashboard does not show ${needle}`);
    for (const { id, queue } of dev.deadLetterQueues)
      assert.ok(text.includes(`"${logicalId(queue)}","QueueName"`), `the dashboard does not show ${id}`);
  });

  test('draws the worst partner queues and endpoints, found by SEARCH so it scales past any list', () => {
    // The body is JSON inside JSON: its inner double quotes read here unescaped.
    const text = body().replace(/\\+"/g, '"');
    // Partner queues are named syn-<stage>-<id>; SEARCH matches the tokens of a name.
    for (const metric of ['ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible'])
      assert.ok(
        text.includes(
          `SORT(SEARCH('{AWS/SQS,QueueName} MetricName="${metric}" QueueName=syn QueueName=dev NOT QueueName=dlq', 'Maximum', 60), MAX, DESC, 20)`,
        ),
        `the dashboard does not search partner queues' ${metric}`,
      );
    assert.ok(
      text.includes(
        `SORT(SEARCH('{ContentSyndication,destination} MetricName="DeliveryFailures"', 'Sum', 300), SUM, DESC, 20)`,
      ),
      'the dashboard does not draw failed deliveries by endpoint',
    );
    // The Logs Insights widget: logged successes by endpoint, x 10 at the default 10 % sample.
    assert.ok(
      text.includes('stats count(*) as logged, pct(dwell, 50) as p50, pct(dwell, 95) as p95 by destination'),
    );
    assert.ok(text.includes('10% of successes: x 10 for all'));
    assert.ok(text.includes('filter status = "SUCCESS"'));
  });

  test('each shard alarms when a message waits 6 hours in one of its partner queues, ten queues an alarm', () => {
    for (const shard of dev.partnerShards.values()) {
      const queues = [...shard.deliveries.values()].filter((delivery) => delivery.queue).length;
      assert.equal(shard.messageAgeAlarms.length, Math.ceil(queues / 10));
    }
    const alarmsHere = resourcesOfType('AWS::CloudWatch::Alarm').filter(([id]) =>
      id.includes('PartnerMessageAge'),
    );
    assert.ok(alarmsHere.length >= 1);
    for (const [, alarm] of alarmsHere) {
      const properties = alarm.Properties ?? {};
      // 6 hours in seconds, for three 5-minute periods.
      assert.equal(properties.Threshold, 21_600);
      assert.equal(properties.EvaluationPeriods, 3);
      assert.equal(properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      const metrics = properties.Metrics as {
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string }; Period: number; Stat: string };
      }[];
      const stats = metrics.filter((metric) => metric.MetricStat);
      assert.ok(stats.length >= 1 && stats.length <= 10, 'CloudWatch allows 10 metrics in an alarm');
      for (const metric of stats) {
        assert.equal(metric.MetricStat?.Metric.Namespace, 'AWS/SQS');
        assert.equal(metric.MetricStat?.Metric.MetricName, 'ApproximateAgeOfOldestMessage');
        assert.equal(metric.MetricStat?.Stat, 'Maximum');
        assert.equal(metric.MetricStat?.Period, 300);
      }
      assert.match(metrics.find((metric) => metric.Expression)?.Expression ?? '', /^MAX\(\[m0(,m\d)*\]\)$/);
      assert.match(String(properties.AlarmDescription), /What to do: /);
    }
  });

  test('-c partnerMessageAgeHours sets the partner queue alarms', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const config = stageConfigFrom((key) => ({ stage: 'age', partnerMessageAgeHours: '12' })[key]);
    const stack = new SyndicationStack(app, 'Syndication-age', stackPropsFrom(config, partners));
    const merged = flattenedTemplate(stack).Resources as Record<string, Resource>;
    const alarms = Object.entries(merged).filter(([id]) => id.includes('PartnerMessageAge'));
    assert.ok(alarms.length >= 1);
    for (const [, alarm] of alarms) assert.equal(alarm.Properties?.Threshold, 43_200);
  });

  test("lists the state of every alarm of the parent stack (partner shards' alarms are theirs)", () => {
    const text = body();
    const shardAlarms = new Set(
      [...dev.partnerShards.values()]
        .flatMap((shard) => [...shard.dlqAlarms, ...shard.messageAgeAlarms])
        .map((alarm) => logicalId(alarm)),
    );
    for (const [id] of resourcesOfType('AWS::CloudWatch::Alarm').filter(([id]) => !shardAlarms.has(id)))
      assert.ok(text.includes(`"${id}","Arn"`), `${id} is not on the dashboard`);
  });

  test('every custom metric it or an alarm reads is emitted by a function, in the namespace they use', () => {
    // The functions and the monitoring both take the namespace from the description.
    assert.equal(METRICS_NAMESPACE, 'ContentSyndication');
    const emitted = new Set(emittedMetrics().map((metric) => metric.name));
    // What the monitoring construct read, and what the template's alarms and dashboard name.
    for (const name of dev.monitoring.metricsRead) assert.ok(emitted.has(name), `${name} is not emitted`);
    /** Metric names of the ContentSyndication namespace in a resource's properties (objects or dashboard text). */
    const customMetricNames = (value: unknown): string[] => {
      if (Array.isArray(value)) return value.flatMap(customMetricNames);
      if (typeof value === 'string') {
        return [
          // A dashboard's metric: ["ContentSyndication","Name",...]; a search: MetricName="Name".
          ...value.matchAll(/"ContentSyndication","([A-Za-z0-9]+)"/g),
          ...value.matchAll(/\{ContentSyndication,[a-zA-Z,]+\} MetricName=\\*"([A-Za-z0-9]+)\\*"/g),
        ].map((match) => match[1] as string);
      }
      if (typeof value !== 'object' || value === null) return [];
      const record = value as Record<string, unknown>;
      const own =
        record.Namespace === METRICS_NAMESPACE && typeof record.MetricName === 'string'
          ? [record.MetricName]
          : [];
      return [...own, ...Object.values(record).flatMap(customMetricNames)];
    };
    const alarmed = resourcesOfType('AWS::CloudWatch::Alarm').flatMap(([, alarm]) =>
      customMetricNames(alarm.Properties),
    );
    // The rejection rate and the permanent failures alarms read custom metrics.
    for (const name of ['ArticlesRejected', 'ArticlesNormalised', 'ArticlesUnchanged', 'PermanentFailures'])
      assert.ok(alarmed.includes(name), `an alarm reads ${name}`);
    for (const name of alarmed) assert.ok(emitted.has(name), `an alarm reads ${name}, which nothing emits`);
    const drawn = customMetricNames(
      resourcesOfType('AWS::CloudWatch::Dashboard')[0]?.[1].Properties?.DashboardBody,
    );
    // Besides the functions, the delivery log groups' metric filters emit metrics of the namespace.
    const filtered = new Set(
      resourcesOfType('AWS::Logs::MetricFilter').flatMap(([, filter]) =>
        (
          (filter.Properties?.MetricTransformations ?? []) as {
            MetricNamespace: string;
            MetricName: string;
          }[]
        )
          .filter((transformation) => transformation.MetricNamespace === METRICS_NAMESPACE)
          .map((transformation) => transformation.MetricName),
      ),
    );
    for (const name of drawn)
      assert.ok(emitted.has(name) || filtered.has(name), `the dashboard reads ${name}, which nothing emits`);
    for (const name of emitted) assert.ok(drawn.includes(name), `the dashboard does not draw ${name}`);
  });
});

describe('deployment settings (context)', () => {
  const from = (context: Record<string, unknown>) => stageConfigFrom((key) => context[key]);

  test('defaults: dev, retained, no operators, 30 / 30 / 90 days, ingest 20 at once, 10 and 5 reserved, 200 filter policies a topic', () => {
    assert.deepEqual(from({}), {
      filterPoliciesPerTopic: 200,
      stage: 'dev',
      ephemeral: false,
      operatorEmails: [],
      noncurrentVersionDays: 30,
      quarantineDays: 30,
      accessLogDays: 90,
      ingestMaxConcurrency: 20,
      publishReservedConcurrency: 10,
      releaseReservedConcurrency: 5,
      deliveryLogSampleRate: 10,
      partnerMessageAgeHours: 6,
      console: true,
    });
  });

  test('reads -c strings and cdk.json values alike', () => {
    const config = from({
      stage: 'prod',
      operatorEmails: 'Oncall@Example.com, desk@example.com;oncall@example.com',
      noncurrentVersionDays: '45',
      quarantineDays: 7,
      accessLogDays: '365',
      ephemeral: 'true',
      ingestMaxConcurrency: '50',
      publishReservedConcurrency: 25,
      releaseReservedConcurrency: 'none',
      filterPoliciesPerTopic: '1000',
      deliveryLogSampleRate: '25',
      partnerMessageAgeHours: '12',
      console: 'false',
    });
    assert.deepEqual(config, {
      filterPoliciesPerTopic: 1000,
      stage: 'prod',
      ephemeral: true,
      operatorEmails: ['oncall@example.com', 'desk@example.com'],
      noncurrentVersionDays: 45,
      quarantineDays: 7,
      accessLogDays: 365,
      ingestMaxConcurrency: 50,
      publishReservedConcurrency: 25,
      releaseReservedConcurrency: 'none',
      deliveryLogSampleRate: 25,
      partnerMessageAgeHours: 12,
      console: false,
    });
    assert.equal(from({ ephemeral: false }).ephemeral, false);
    assert.equal(from({ ephemeral: 'false' }).ephemeral, false);
    assert.deepEqual(from({ operatorEmails: '["a@example.com","b@example.org"]' }).operatorEmails, [
      'a@example.com',
      'b@example.org',
    ]);
    assert.deepEqual(from({ operatorEmails: ['a@example.com'] }).operatorEmails, ['a@example.com']);
  });

  test('lists every problem at once', () => {
    assert.throws(
      () =>
        from({
          stage: 'Prod_1',
          operatorEmails: 'oncall@example.com,not-an-address',
          noncurrentVersionDays: '0',
          quarantineDays: '1.5',
          accessLogDays: 'forever',
          ephemeral: 'yes',
          ingestMaxConcurrency: '1',
          publishReservedConcurrency: '0',
          releaseReservedConcurrency: 'some',
          partnerMessageAgeHours: '96',
          console: 'off',
        }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        [
          'stage',
          'not-an-address',
          'noncurrentVersionDays',
          'quarantineDays',
          'accessLogDays',
          "ephemeral must be true or false, not 'yes'",
          "ingestMaxConcurrency must be a whole number from 2 to 1000, not '1'",
          'a reservation of 0 stops the function',
          "releaseReservedConcurrency must be a whole number of at least 1, or 'none'",
          "partnerMessageAgeHours must be a whole number from 1 to 95, not '96'",
          "console must be true or false, not 'off'",
        ].every((word) => error.message.includes(word)),
    );
  });
});
