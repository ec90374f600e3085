/**
 * Fine-grained assertions on the synthesised stack. One App holds a dev and a prod stack and is
 * synthesised once; bundling is skipped (asset hashes therefore differ from `cdk synth`, so nothing
 * here compares whole templates).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { CfnElement } from 'aws-cdk-lib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { type PipelineFunction, resolveEntry } from '../../infra/constructs/pipeline-function.js';
import { partnerId, SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { INDEX_NAMES } from '../../shared/adapters/table-layout.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import {
  type Partner,
  parsePartnerRegistry,
  subscriptionFilterPolicyFor,
} from '../../shared/partners/registry.js';

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

/** Partners with a queue we create for them. */
const queuePartners = partners.filter(
  (partner) => partner.delivery.type === 'sqs' && !partner.delivery.queueArn,
);

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let dev: SyndicationStack;
let prod: SyndicationStack;
let template: Template;
let prodTemplate: Template;
let resources: Record<string, Resource>;

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

before(() => {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  dev = new SyndicationStack(app, 'Syndication-dev', { stage: 'dev', partners });
  prod = new SyndicationStack(app, 'Syndication-prod', { stage: 'prod', partners });
  template = Template.fromStack(dev);
  prodTemplate = Template.fromStack(prod);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

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
      assert.equal(variables.POWERTOOLS_SERVICE_NAME, 'content-syndication');
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
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: refOf(dev.articlesTopic) }) },
    });
  });

  test('normalise reads the ingest queue in batches of 10 and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(dev.ingestQueue),
      FunctionName: refOf(dev.normaliseFunction),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('publish reads the table stream, bisects, retries 5 times and sends failures to the stream DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(dev.articlesTable), 'StreamArn'] },
      FunctionName: refOf(dev.publishFunction),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
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
    // The only write: copying rejected originals into the quarantine bucket (never the ingest bucket).
    for (const statement of statements.filter((candidate) =>
      actionsOf([candidate]).some((action) => action.startsWith('s3:Put')),
    )) {
      assert.deepEqual(actionsOf([statement]), ['s3:PutObject']);
      assert.equal(
        JSON.stringify(statement.Resource),
        JSON.stringify({ 'Fn::Join': ['', [arnOf(dev.quarantineBucket), '/*']] }),
      );
    }
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

  test('release reads and rewrites only the articles table', () => {
    const actions = actionsOf(roleStatements(dev.releaseFunction));
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem'])
      assert.ok(actions.includes(action), action);
    assert.ok(!actions.some((action) => action.startsWith('s3:') || action.startsWith('sns:')));
  });

  test('publish may publish to the articles topic', () => {
    const statements = roleStatements(dev.publishFunction);
    assert.ok(
      statements.some(
        (statement) =>
          statement.Effect === 'Allow' &&
          actionsOf([statement]).includes('sns:Publish') &&
          JSON.stringify(statement.Resource) === JSON.stringify(refOf(dev.articlesTopic)),
      ),
      'sns:Publish on the topic',
    );
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

  test('the key lets SNS encrypt for the partner queues, only on behalf of the articles topic', () => {
    const sns = keyStatements().filter(
      (statement) => JSON.stringify(statement).includes('sns.amazonaws.com') && statement.Effect === 'Allow',
    );
    assert.ok(sns.length > 0, 'a statement for sns.amazonaws.com');
    for (const statement of sns) {
      assert.ok(actionsOf([statement]).includes('kms:GenerateDataKey'));
      assert.ok(actionsOf([statement]).includes('kms:Decrypt'));
      assert.deepEqual(statement.Condition, { ArnEquals: { 'aws:SourceArn': refOf(dev.articlesTopic) } });
    }
  });

  test('each partner has one subscription of its delivery type, with its filter policy, payload and a delivery DLQ', () => {
    const subscriptions = resourcesOfType('AWS::SNS::Subscription');
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
      assert.deepEqual(properties.TopicArn, refOf(dev.articlesTopic));
      assert.equal(properties.RawMessageDelivery, want.raw, `${partner.name} raw delivery`);
      assert.deepEqual(properties.RedrivePolicy, {
        deadLetterTargetArn: arnOf(deliveryOf(partner).deliveryDlq),
      });
      assert.deepEqual(properties.FilterPolicy, subscriptionFilterPolicyFor(partner));
      assert.deepEqual((properties.FilterPolicy as Record<string, unknown>).payload, [partner.payload]);
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

  test('the articles topic (and only it) may send to each partner queue and every delivery DLQ', () => {
    for (const partner of partners) {
      const delivery = deliveryOf(partner);
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
                Condition: { ArnEquals: { 'aws:SourceArn': refOf(dev.articlesTopic) } },
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

  test('only registered accounts may subscribe, each only its own endpoint and protocol', () => {
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
    assert.deepEqual(byEndpoint, { [THEIR_QUEUE]: 'sqs', [THEIR_FUNCTION]: 'lambda' });
    const deny = statements.find(
      (statement) => statement.Effect === 'Deny' && actionsOf([statement]).includes('sns:Subscribe'),
    );
    assert.ok(deny, 'a Deny for everyone else');
    assert.deepEqual(deny.Condition, {
      StringNotEquals: {
        'aws:PrincipalAccount': [{ Ref: 'AWS::AccountId' }, OTHER_ACCOUNT, PARTNER_ACCOUNT],
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

  test('outputs name every queue and subscription an operator needs', () => {
    template.hasOutput('IngestBucketName', { Value: refOf(dev.ingestBucket) });
    template.hasOutput('ArticlesTableName', { Value: refOf(dev.articlesTable) });
    template.hasOutput('ArticlesTopicArn', { Value: refOf(dev.articlesTopic) });
    template.hasOutput('ContentBucketName', { Value: refOf(dev.contentBucket) });
    template.hasOutput('IngestQueueUrl', { Value: refOf(dev.ingestQueue) });
    template.hasOutput('IngestDlqUrl', { Value: refOf(dev.ingestDlq) });
    template.hasOutput('StreamDlqUrl', { Value: refOf(dev.streamDlq) });
    for (const partner of partners) {
      const delivery = deliveryOf(partner);
      const prefix = `Partner${partnerId(partner.name)}`;
      template.hasOutput(`${prefix}DeliveryDlqUrl`, { Value: refOf(delivery.deliveryDlq) });
      if (delivery.queue && delivery.queueDlq) {
        template.hasOutput(`${prefix}QueueUrl`, { Value: refOf(delivery.queue) });
        template.hasOutput(`${prefix}QueueDlqUrl`, { Value: refOf(delivery.queueDlq) });
      } else {
        assert.ok(delivery.subscription);
        template.hasOutput(`${prefix}SubscriptionArn`, { Value: refOf(delivery.subscription) });
      }
    }
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
    assert.match(JSON.stringify(bucket?.Properties?.LifecycleConfiguration), /"ExpirationInDays":8/);
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

  test('publish may write and sign links to documents only, and use the key', () => {
    const statements = roleStatements(dev.publishFunction);
    const s3 = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('s3:')),
    );
    assert.equal(s3.length, 1);
    assert.deepEqual(actionsOf(s3).sort(), ['s3:GetObject', 's3:PutObject']);
    assert.deepEqual(s3[0]?.Resource, { 'Fn::Join': ['', [arnOf(dev.contentBucket), '/documents/*']] });
    const kms = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('kms:')),
    );
    const keys = [arnOf(dev.topicKey), arnOf(dev.messagingKey)].map((arn) => JSON.stringify(arn));
    assert.ok(kms.every((statement) => keys.includes(JSON.stringify(statement.Resource))));
    assert.ok(actionsOf(kms).includes('kms:GenerateDataKey'));
  });

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
    prodTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    prodTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    prodTemplate.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    prodTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('dev deletes the bucket (emptying it first), the table and the logs', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: refOf(dev.ingestBucket) });
  });

  test('no resource has a hard-coded physical name', () => {
    const nameProperty: Record<string, string> = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::IAM::Role': 'RoleName',
    };
    for (const [id, resource] of Object.entries(resources)) {
      const property = nameProperty[resource.Type];
      if (property) assert.equal(resource.Properties?.[property], undefined, `${id} sets ${property}`);
    }
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
