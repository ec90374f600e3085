/**
 * Who may do what, decided by an IAM policy simulator on the synthesised template's own policies:
 * each publisher writes and deletes under its own prefix, through its own access point, and nothing
 * else; a partner account reads its own queue and no other; partner accounts subscribe only where
 * their delivery needs it; subscription changes reach the operators.
 *
 * The simulator is @cloud-copilot/iam-simulate, licensed AGPL-3.0: a test-only devDependency, never
 * imported by code that is bundled or deployed.
 *
 * Publishers are given an identity policy that allows everything: what their own administrators
 * grant is not ours to decide, so every refusal here comes from our resource policies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { stageConfigFrom } from '../../infra/config.js';
import { addNagChecks } from '../../infra/nag.js';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { parsePublisherRegistry } from '../../shared/publishers/registry.js';
import { loadPublisherRegistry } from '../../shared/publishers/registry-file.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ALPHA_ACCOUNT = '111111111111';
const BETA_ROLE = 'arn:aws:iam::222222222222:role/beta-feed';
const PARTNER_A = '333333333333';
const PARTNER_B = '444444444444';
const THEIR_QUEUE = 'arn:aws:sqs:eu-west-1:555555555555:their-articles';
const THEIR_FUNCTION = 'arn:aws:lambda:eu-west-1:666666666666:function:archive';

const publishers = parsePublisherRegistry({
  publishers: [
    { name: 'alpha', writers: [ALPHA_ACCOUNT] },
    { name: 'beta', writers: [BETA_ROLE], limits: { maxObjectBytes: 1_048_576 } },
  ],
});
const partners = parsePartnerRegistry({
  partners: [
    { name: 'partner-a', delivery: { type: 'sqs', accountId: PARTNER_A }, filters: {} },
    { name: 'partner-b', delivery: { type: 'sqs', accountId: PARTNER_B }, filters: {} },
    { name: 'own-queue', delivery: { type: 'sqs', queueArn: THEIR_QUEUE }, filters: {} },
    { name: 'archive-fn', delivery: { type: 'lambda', functionArn: THEIR_FUNCTION }, filters: {} },
  ],
});

type Resource = { Type: string; Properties?: Record<string, unknown> };
let stack: SyndicationStack;
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;

/** Physical names the template's references stand for, as CloudFormation would make them. */
function physical(id: string, attribute?: string): string {
  const resource = resources[id];
  assert.ok(resource, `no resource ${id}`);
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (resource.Type) {
    case 'AWS::S3::Bucket':
      return attribute === 'Arn' ? `arn:aws:s3:::bucket-${id.toLowerCase()}` : `bucket-${id.toLowerCase()}`;
    case 'AWS::SQS::Queue':
      return attribute === 'Arn' ? arn('sqs', id) : `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
    case 'AWS::SNS::Topic':
      return arn('sns', id);
    case 'AWS::DynamoDB::Table':
      return attribute === 'Arn' ? arn('dynamodb', `table/${id}`) : id;
    case 'AWS::S3::AccessPoint':
      if (attribute === 'Alias')
        return `${String(resource.Properties?.Name)}-abcdefghijklmnopqrstuvwxyz012-s3alias`;
      return arn('s3', `accesspoint/${String(resource.Properties?.Name)}`);
    case 'AWS::Events::Rule':
      return arn('events', `rule/${id}`);
    default:
      return attribute ? arn('unknown', `${id}/${attribute}`) : id;
  }
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Syndication-test',
};

/** Resolves Ref, Fn::GetAtt and Fn::Join the way CloudFormation would, everywhere in a value. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if ('Ref' in record) {
    const ref = String(record.Ref);
    return PSEUDO[ref] ?? physical(ref);
  }
  if ('Fn::GetAtt' in record) {
    const [id, attribute] = record['Fn::GetAtt'] as [string, string];
    return physical(id, attribute);
  }
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolve(part))).join(separator);
  }
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, resolve(inner)]));
}

function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as import('aws-cdk-lib').CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** The resolved policy document of the resource-policy resource that governs `target`. */
function policyOf(type: string, property: string, targetKey: string, target: IConstruct): unknown {
  const id = logicalId(target);
  const found = Object.values(resources).find(
    (resource) =>
      resource.Type === type && JSON.stringify(resource.Properties?.[targetKey]).includes(`"${id}"`),
  );
  assert.ok(found, `no ${type} for ${id}`);
  return resolve(found.Properties?.[property]);
}

const ALLOW_EVERYTHING = {
  name: 'their-own-admin-allows-everything',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The keys AWS sets from the caller on every request (the simulator leaves them to us). */
function principalContext(principal: string): Record<string, string> {
  const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
  return account ? { 'aws:PrincipalAccount': account, 'aws:PrincipalArn': principal } : {};
}

async function simulate(
  principal: string,
  action: string,
  resource: string,
  resourcePolicy: unknown,
  context: Record<string, string> = {},
  { keepEveryContextKey = false } = {},
): Promise<Verdict> {
  const simulation: Simulation = {
    request: {
      principal,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { 'aws:SecureTransport': 'true', ...principalContext(principal), ...context },
    },
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
    // Every bucket and access point of the stack blocks all public access (RestrictPublicBuckets
    // included): a policy S3 judged public would be refused to other accounts. The simulator's
    // judgement omits s3:DataAccessPointArn/Account, which S3 counts as limiting (Amazon S3 User
    // Guide, 'The meaning of "public"'), so the bucket's side is judged by its own test below.
    additionalSettings: { s3: { blockPublicAccess: !keepEveryContextKey } },
  };
  // The validating entry point also checks every policy, action and resource ARN: always run it.
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') assert.fail(JSON.stringify(response.errors));
  if (!keepEveryContextKey) return response.overallResult as Verdict;
  // It also drops context keys that AWS's Service Authorization Reference does not list for the
  // action's resource type; s3:DataAccessPointArn and s3:DataAccessPointAccount are listed for
  // access point resources only, yet S3 sets them on every request that arrives through an access
  // point and evaluates bucket policies with them (AWS's "delegate access control to access points"
  // bucket policy relies on it). The bucket's side of such a request keeps them.
  return runUnsafeSimulation(simulation, {}) as Verdict;
}

/**
 * A request through an access point is allowed only if the access point's policy and the bucket's
 * policy both allow it (Amazon S3 User Guide, "Configuring IAM policies for using access points").
 */
async function throughAccessPoint(principal: string, action: string, publisher: string, key: string) {
  const access = stack.publisherAccess.get(publisher);
  assert.ok(access);
  const name = `synd-test-${publisher}`;
  const accessPointArn = `arn:aws:s3:${REGION}:${ACCOUNT}:accesspoint/${name}`;
  const accessPointPolicy = resolve(resources[logicalId(access.accessPoint)]?.Properties?.Policy);
  const atAccessPoint = await simulate(
    principal,
    action,
    `${accessPointArn}/object/${key}`,
    accessPointPolicy,
  );
  const bucket = physical(logicalId(stack.ingestBucket));
  const atBucket = await simulate(
    principal,
    action,
    `arn:aws:s3:::${bucket}/${key}`,
    ingestBucketPolicy(),
    { 's3:DataAccessPointArn': accessPointArn, 's3:DataAccessPointAccount': ACCOUNT },
    { keepEveryContextKey: true },
  );
  return { atAccessPoint, atBucket, allowed: atAccessPoint === 'Allowed' && atBucket === 'Allowed' };
}

const ingestBucketPolicy = () =>
  policyOf('AWS::S3::BucketPolicy', 'PolicyDocument', 'Bucket', stack.ingestBucket);

const ALPHA_UPLOADER = `arn:aws:iam::${ALPHA_ACCOUNT}:role/uploader`;

before(() => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  stack = new SyndicationStack(app, 'Syndication-test', {
    consoleAssets: CONSOLE_PAGE,
    stage: 'test',
    partners,
    publishers,
    operatorEmails: ['oncall@example.com'],
  });
  const template = flattenedTemplate(stack) as {
    Resources: Record<string, Resource>;
    Outputs: Record<string, { Value: unknown }>;
  };
  resources = template.Resources;
  outputs = template.Outputs;
});

describe('publishers write only under their own prefix', () => {
  test('publisher alpha may put and delete alpha/x through its access point', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']) {
      const verdict = await throughAccessPoint(ALPHA_UPLOADER, action, 'alpha', 'alpha/x');
      assert.deepEqual(verdict, { atAccessPoint: 'Allowed', atBucket: 'Allowed', allowed: true }, action);
    }
  });

  test('publisher alpha may not put beta/x, through its own access point or through beta’s', async () => {
    const own = await throughAccessPoint(ALPHA_UPLOADER, 's3:PutObject', 'alpha', 'beta/x');
    assert.equal(own.atAccessPoint, 'ImplicitlyDenied');
    assert.equal(own.allowed, false);
    const theirs = await throughAccessPoint(ALPHA_UPLOADER, 's3:PutObject', 'beta', 'beta/x');
    assert.equal(theirs.atAccessPoint, 'ImplicitlyDenied');
    const deleteTheirs = await throughAccessPoint(ALPHA_UPLOADER, 's3:DeleteObject', 'beta', 'beta/x');
    assert.equal(deleteTheirs.allowed, false);
  });

  test('a publisher whose writer is a role: that role may write, another role of its account may not', async () => {
    assert.equal(
      (await throughAccessPoint(BETA_ROLE, 's3:PutObject', 'beta', 'beta/story.txt')).allowed,
      true,
    );
    const other = await throughAccessPoint(
      'arn:aws:iam::222222222222:role/someone-else',
      's3:PutObject',
      'beta',
      'beta/story.txt',
    );
    assert.equal(other.atAccessPoint, 'ImplicitlyDenied');
  });

  test('publisher alpha may not read, nor delete old versions, in its own prefix', async () => {
    for (const action of ['s3:GetObject', 's3:DeleteObjectVersion', 's3:PutObjectAcl']) {
      const verdict = await throughAccessPoint(ALPHA_UPLOADER, action, 'alpha', 'alpha/x');
      assert.equal(verdict.atAccessPoint, 'ImplicitlyDenied', action);
      assert.equal(verdict.atBucket, 'ImplicitlyDenied', action);
    }
  });

  test('publisher alpha may read its receipts, receipts/alpha/..., through its own access point only', async () => {
    const own = await throughAccessPoint(
      ALPHA_UPLOADER,
      's3:GetObject',
      'alpha',
      'receipts/alpha/x.txt@1.json',
    );
    assert.deepEqual(own, { atAccessPoint: 'Allowed', atBucket: 'Allowed', allowed: true });
    const others = await throughAccessPoint(
      ALPHA_UPLOADER,
      's3:GetObject',
      'alpha',
      'receipts/beta/x.txt@1.json',
    );
    assert.equal(others.atAccessPoint, 'ImplicitlyDenied');
    const throughBeta = await throughAccessPoint(
      ALPHA_UPLOADER,
      's3:GetObject',
      'beta',
      'receipts/beta/x.txt@1.json',
    );
    assert.equal(throughBeta.atAccessPoint, 'ImplicitlyDenied');
    // Receipts are the pipeline's: a publisher cannot write or delete them.
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      const write = await throughAccessPoint(ALPHA_UPLOADER, action, 'alpha', 'receipts/alpha/x.txt@1.json');
      assert.equal(write.atAccessPoint, 'ImplicitlyDenied', action);
    }
  });

  test('normalise is told the registered publishers (PUBLISHERS), to reject UNKNOWN_SOURCE', () => {
    const fn = resources[logicalId(stack.normaliseFunction)];
    const environment = fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    assert.equal(environment?.Variables?.PUBLISHERS, 'alpha,beta');
  });

  test("normalise is told each publisher's own object limit (PUBLISHER_OBJECT_LIMITS), only where one is set", () => {
    const fn = resources[logicalId(stack.normaliseFunction)];
    const environment = fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    assert.equal(environment?.Variables?.PUBLISHER_OBJECT_LIMITS, 'beta=1048576');
  });

  test('ingest notifications cover the publishers’ prefixes only, never receipts/', () => {
    const notifications = Object.values(resources).filter(
      (resource) => resource.Type === 'Custom::S3BucketNotifications',
    );
    assert.equal(notifications.length, 1);
    const configuration = notifications[0]?.Properties?.NotificationConfiguration as {
      QueueConfigurations: {
        Events: string[];
        Filter?: { Key: { FilterRules: { Name: string; Value: string }[] } };
      }[];
    };
    const covered = configuration.QueueConfigurations.map(
      (queue) =>
        `${queue.Events.join()} ${queue.Filter?.Key.FilterRules.map((rule) => `${rule.Name}=${rule.Value}`).join() ?? 'everything'}`,
    );
    assert.deepEqual(covered.sort(), [
      's3:ObjectCreated:* prefix=alpha/',
      's3:ObjectCreated:* prefix=beta/',
      's3:ObjectRemoved:* prefix=alpha/',
      's3:ObjectRemoved:* prefix=beta/',
    ]);
  });

  test('publisher alpha may list receipts/alpha/ through its access point, and no other prefix', async () => {
    const access = stack.publisherAccess.get('alpha');
    assert.ok(access);
    const policy = resolve(resources[logicalId(access.accessPoint)]?.Properties?.Policy);
    const arn = `arn:aws:s3:${REGION}:${ACCOUNT}:accesspoint/synd-test-alpha`;
    const list = (prefix: string) =>
      simulate(ALPHA_UPLOADER, 's3:ListBucket', arn, policy, { 's3:prefix': prefix });
    assert.equal(await list('receipts/alpha/'), 'Allowed');
    assert.equal(await list('receipts/beta/'), 'ImplicitlyDenied');
    assert.equal(await list('alpha/'), 'ImplicitlyDenied');
  });

  test('the bucket itself, addressed without an access point, refuses publishers', async () => {
    const bucket = physical(logicalId(stack.ingestBucket));
    assert.equal(
      await simulate(ALPHA_UPLOADER, 's3:PutObject', `arn:aws:s3:::${bucket}/alpha/x`, ingestBucketPolicy()),
      'ImplicitlyDenied',
    );
    // Nor does an access point of ours that is not a publisher's of this stage (another stage's, or
    // one made by hand for something else), nor one of another account.
    for (const other of ['synd-prod-alpha', 'analytics']) {
      assert.equal(
        await simulate(
          ALPHA_UPLOADER,
          's3:PutObject',
          `arn:aws:s3:::${bucket}/alpha/x`,
          ingestBucketPolicy(),
          {
            's3:DataAccessPointArn': `arn:aws:s3:${REGION}:${ACCOUNT}:accesspoint/${other}`,
            's3:DataAccessPointAccount': ACCOUNT,
          },
          { keepEveryContextKey: true },
        ),
        'ImplicitlyDenied',
        other,
      );
    }
    assert.equal(
      await simulate(
        ALPHA_UPLOADER,
        's3:PutObject',
        `arn:aws:s3:::${bucket}/alpha/x`,
        ingestBucketPolicy(),
        {
          's3:DataAccessPointArn': `arn:aws:s3:${REGION}:${ALPHA_ACCOUNT}:accesspoint/synd-test-alpha`,
          's3:DataAccessPointAccount': ALPHA_ACCOUNT,
        },
        { keepEveryContextKey: true },
      ),
      'ImplicitlyDenied',
    );
  });

  test('the bucket policy is not public by S3’s rules, so Block Public Access leaves the delegation working', () => {
    // AWS: a bucket policy is non-public when each grant to "*" is limited to fixed values of, among
    // others, s3:DataAccessPointAccount (and s3:DataAccessPointArn, whose access point name may be a
    // wildcard when the account is fixed).
    const statements = (ingestBucketPolicy() as { Statement: Record<string, unknown>[] }).Statement;
    const publicGrants = statements.filter(
      (statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal).includes('"*"'),
    );
    const bucket = physical(logicalId(stack.ingestBucket));
    const delegated = {
      StringEquals: { 's3:DataAccessPointAccount': '123456789012' },
      ArnLike: { 's3:DataAccessPointArn': 'arn:aws:s3:eu-west-1:123456789012:accesspoint/synd-test-*' },
    };
    assert.deepEqual(publicGrants, [
      {
        Sid: 'DelegatePublisherWritesToTheirAccessPoints',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: delegated,
      },
      {
        Sid: 'DelegatePublisherReceiptReadsToTheirAccessPoints',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/receipts/*`,
        Condition: delegated,
      },
      {
        Sid: 'DelegatePublisherReceiptListingToTheirAccessPoints',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: delegated,
      },
    ]);
  });

  test('publisher alpha may not read the articles table', async () => {
    const table = physical(logicalId(stack.articlesTable), 'Arn');
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']) {
      assert.equal(await simulate(ALPHA_UPLOADER, action, table, undefined), 'ImplicitlyDenied', action);
    }
  });

  test('publisher alpha may not publish to, subscribe to or read the articles topic', async () => {
    const topic = physical(logicalId(stack.articlesTopic));
    const topicPolicy = policyOf('AWS::SNS::TopicPolicy', 'PolicyDocument', 'Topics', stack.articlesTopic);
    assert.equal(await simulate(ALPHA_UPLOADER, 'sns:Publish', topic, topicPolicy), 'ImplicitlyDenied');
    assert.equal(
      await simulate(ALPHA_UPLOADER, 'sns:GetTopicAttributes', topic, topicPolicy),
      'ImplicitlyDenied',
    );
    assert.equal(
      await simulate(ALPHA_UPLOADER, 'sns:Subscribe', topic, topicPolicy, {
        'sns:Protocol': 'sqs',
        'sns:Endpoint': `arn:aws:sqs:${REGION}:${ALPHA_ACCOUNT}:mine`,
      }),
      'ExplicitlyDenied',
    );
  });
});

describe('partner accounts', () => {
  const queueOf = (name: string) => {
    const queue = stack.partnerDeliveries.get(name)?.queue;
    assert.ok(queue, `no queue for ${name}`);
    return queue;
  };
  const queuePolicy = (name: string) =>
    policyOf('AWS::SQS::QueuePolicy', 'PolicyDocument', 'Queues', queueOf(name));

  test('a partner account may receive from its own queue and not from another partner’s', async () => {
    const reader = `arn:aws:iam::${PARTNER_A}:role/consumer`;
    const own = physical(logicalId(queueOf('partner-a')), 'Arn');
    const other = physical(logicalId(queueOf('partner-b')), 'Arn');
    assert.equal(await simulate(reader, 'sqs:ReceiveMessage', own, queuePolicy('partner-a')), 'Allowed');
    assert.equal(await simulate(reader, 'sqs:DeleteMessage', own, queuePolicy('partner-a')), 'Allowed');
    assert.equal(
      await simulate(reader, 'sqs:ReceiveMessage', other, queuePolicy('partner-b')),
      'ImplicitlyDenied',
    );
    // Reading is all: it cannot put messages into its own queue.
    assert.equal(
      await simulate(reader, 'sqs:SendMessage', own, queuePolicy('partner-a')),
      'ImplicitlyDenied',
    );
  });

  test('only the cross-account Lambda partner may subscribe, and only its function', async () => {
    const topic = physical(logicalId(stack.articlesTopic));
    const topicPolicy = policyOf('AWS::SNS::TopicPolicy', 'PolicyDocument', 'Topics', stack.articlesTopic);
    const subscribe = (principal: string, protocol: string, endpoint: string) =>
      simulate(principal, 'sns:Subscribe', topic, topicPolicy, {
        'sns:Protocol': protocol,
        'sns:Endpoint': endpoint,
      });
    assert.equal(
      await subscribe('arn:aws:iam::666666666666:role/deployer', 'lambda', THEIR_FUNCTION),
      'Allowed',
    );
    assert.equal(
      await subscribe('arn:aws:iam::666666666666:role/deployer', 'https', 'https://example.org/all'),
      'ImplicitlyDenied',
    );
    // The partner with its own queue: the subscription is ours, it only confirms it.
    assert.equal(
      await subscribe('arn:aws:iam::555555555555:role/deployer', 'sqs', THEIR_QUEUE),
      'ExplicitlyDenied',
    );
    assert.equal(
      await subscribe(
        `arn:aws:iam::${PARTNER_A}:role/consumer`,
        'sqs',
        physical(logicalId(queueOf('partner-a')), 'Arn'),
      ),
      'ExplicitlyDenied',
    );
  });
});

describe('what publishers are told, and what operators are told', () => {
  test('one PublisherAccess output holds every publisher’s prefix and access point as JSON', () => {
    const value = JSON.parse(String(resolve(outputs.PublisherAccess?.Value)));
    assert.deepEqual(value, {
      alpha: {
        prefix: 'alpha/',
        accessPointArn: 'arn:aws:s3:eu-west-1:123456789012:accesspoint/synd-test-alpha',
        accessPointAlias: 'synd-test-alpha-abcdefghijklmnopqrstuvwxyz012-s3alias',
      },
      beta: {
        prefix: 'beta/',
        accessPointArn: 'arn:aws:s3:eu-west-1:123456789012:accesspoint/synd-test-beta',
        accessPointAlias: 'synd-test-beta-abcdefghijklmnopqrstuvwxyz012-s3alias',
      },
    });
    assert.equal(
      Object.keys(outputs).filter((name) => /alpha|beta/i.test(name)).length,
      0,
      'no output per publisher',
    );
  });

  test('each access point is private, attached to the ingest bucket and named within S3’s 50 characters', () => {
    const points = Object.values(resources).filter((resource) => resource.Type === 'AWS::S3::AccessPoint');
    assert.deepEqual(points.map((point) => point.Properties?.Name).sort(), [
      'synd-test-alpha',
      'synd-test-beta',
    ]);
    for (const point of points) {
      assert.deepEqual(point.Properties?.Bucket, { Ref: logicalId(stack.ingestBucket) });
      assert.deepEqual(point.Properties?.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const ingest = resources[logicalId(stack.ingestBucket)];
    assert.deepEqual(ingest?.Properties?.OwnershipControls, {
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
  });

  test('names that differ only in hyphens (x-y, x--y) get an access point each', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const other = new SyndicationStack(app, 'Syndication-hyphens', {
      consoleAssets: CONSOLE_PAGE,
      stage: 'hyphens',
      partners: [],
      publishers: parsePublisherRegistry({
        publishers: [
          { name: 'x-y', writers: [ALPHA_ACCOUNT] },
          { name: 'x--y', writers: [ALPHA_ACCOUNT] },
        ],
      }),
    });
    const names = Object.values(Template.fromStack(other).findResources('AWS::S3::AccessPoint')).map(
      (point) => (point as Resource).Properties?.Name,
    );
    assert.deepEqual(names.sort(), ['synd-hyphens-x--y', 'synd-hyphens-x-y']);
  });

  test('subscription changes of the topics reach the operator topic, which lets only that rule publish', async () => {
    const rule = resolve(resources[logicalId(stack.subscriptionChanges.rule)]?.Properties) as {
      EventPattern: Record<string, unknown>;
      Targets: { Arn: string }[];
    };
    const articles = physical(logicalId(stack.articlesTopic));
    const operators = physical(logicalId(stack.alerts.topic));
    assert.deepEqual(rule.EventPattern, {
      source: ['aws.sns'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['sns.amazonaws.com'],
        eventName: ['Subscribe', 'ConfirmSubscription', 'Unsubscribe', 'SetSubscriptionAttributes'],
        $or: [
          { requestParameters: { topicArn: [articles, operators] } },
          {
            requestParameters: {
              subscriptionArn: [{ prefix: `${articles}:` }, { prefix: `${operators}:` }],
            },
          },
        ],
      },
    });
    assert.deepEqual(
      rule.Targets.map((target) => target.Arn),
      [operators],
    );
    const operatorPolicy = policyOf('AWS::SNS::TopicPolicy', 'PolicyDocument', 'Topics', stack.alerts.topic);
    const ruleArn = physical(logicalId(stack.subscriptionChanges.rule));
    const fromEvents = (sourceArn: string) =>
      simulate('events.amazonaws.com', 'sns:Publish', operators, operatorPolicy, {
        'aws:SourceArn': sourceArn,
        'aws:SourceAccount': ACCOUNT,
      });
    assert.equal(await fromEvents(ruleArn), 'Allowed');
    assert.equal(
      await fromEvents(`arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`),
      'ImplicitlyDenied',
    );
  });
});

describe('-c publishersFile', () => {
  const settings = (values: Record<string, unknown>) => (key: string) => values[key];

  test('names the registry to deploy; absent, config/publishers.json is read', () => {
    assert.equal(stageConfigFrom(settings({})).publishersFile, undefined);
    const config = stageConfigFrom(settings({ publishersFile: 'test/fixtures/publishers/two.json' }));
    assert.equal(config.publishersFile, 'test/fixtures/publishers/two.json');
    assert.deepEqual(
      loadPublisherRegistry(config.publishersFile).map((publisher) => publisher.name),
      ['alpha', 'beta'],
    );
  });

  test('a value that is not a path is listed with the other problems', () => {
    assert.throws(
      () => stageConfigFrom(settings({ publishersFile: '  ', stage: 'Prod' })),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /stage 'Prod'/.test(error.message) &&
        /publishersFile must be the path of a JSON file, not ' {2}'/.test(error.message),
    );
  });
});
