/**
 * The stack as the description wires it: the logical ids of everything that holds data (pinned, so
 * a refactoring of the stack cannot replace a bucket or a table on deploy), the pipeline manifest
 * output, and the function construct's rules for binding settings and grants.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { stageConfigFrom } from '../../infra/config.js';
import { PipelineFunction } from '../../infra/constructs/pipeline-function.js';
import { tableResource } from '../../infra/constructs/pipeline-resources.js';
import { secureQueue } from '../../infra/constructs/queues.js';
import { logicalIdOf } from '../../infra/nag.js';
import { SyndicationStack, stackPropsFrom } from '../../infra/stacks/syndication-stack.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import { publish, QUEUES, release } from '../../shared/pipeline/description.js';
import { loadPublisherRegistry } from '../../shared/publishers/registry-file.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Resource types that hold data, or whose replacement loses it or re-sends it. */
const STATEFUL_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::S3::AccessPoint',
  'AWS::DynamoDB::Table',
  'AWS::KMS::Key',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::Logs::LogGroup',
  'AWS::SSM::Parameter',
  'AWS::CloudFormation::Stack',
  // The operators' accounts and their MFA secrets.
  'AWS::Cognito::UserPool',
  // A new stream mapping would start again at TRIM_HORIZON and republish a day of changes.
  'AWS::Lambda::EventSourceMapping',
]);

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

let stack: SyndicationStack;

before(() => {
  // What `npx cdk synth` builds with no -c options: stage dev, the shipped registries.
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const config = stageConfigFrom(() => undefined);
  stack = new SyndicationStack(app, 'Syndication-dev', {
    ...stackPropsFrom(config, loadPartnerRegistry(), loadPublisherRegistry()),
    consoleAssets: CONSOLE_PAGE,
  });
});

function statefulIds(of: Stack): string[] {
  const resources = Template.fromStack(of).toJSON().Resources as Record<string, Resource>;
  return Object.entries(resources)
    .filter(([, resource]) => STATEFUL_TYPES.has(resource.Type))
    .map(([id, resource]) => `${resource.Type} ${id}`)
    .sort();
}

describe('logical ids of what holds data', () => {
  test('the stack keeps the ids its resources were deployed with', () => {
    assert.deepEqual(statefulIds(stack), [
      'AWS::CloudFormation::Stack PartnerShard01NestedStackPartnerShard01NestedStackResourceD03663CF',
      'AWS::CloudFormation::Stack PartnerShard08NestedStackPartnerShard08NestedStackResource0D05C8DF',
      'AWS::CloudFormation::Stack PartnerShard24NestedStackPartnerShard24NestedStackResourceFD1EFF02',
      'AWS::CloudFormation::Stack PartnerShard34NestedStackPartnerShard34NestedStackResourceDA8E8C79',
      'AWS::CloudFormation::Stack PartnerShard58NestedStackPartnerShard58NestedStackResourceEF413317',
      'AWS::Cognito::UserPool OperatorAuthUserPool43F3839A',
      'AWS::DynamoDB::Table ArticlesTableA36865D8',
      'AWS::KMS::Key MessagingKey9A79A2B1',
      'AWS::KMS::Key OperatorAlertsKeyFC80DF1A',
      'AWS::KMS::Key TopicKeyB2E0C9CB',
      'AWS::Lambda::EventSourceMapping NormaliseSqsEventSourceSyndicationdevIngestQueueCBEFAD6227C0F7C0',
      'AWS::Lambda::EventSourceMapping PublishDynamoDBEventSourceSyndicationdevArticlesTable61E182AF685C722C',
      'AWS::Logs::LogGroup ConsoleApiAccessLogs43DB5269',
      'AWS::Logs::LogGroup ConsoleApiFunctionLogGroup5B4E2F16',
      'AWS::Logs::LogGroup ContentApiAccessLogsF795A5C0',
      'AWS::Logs::LogGroup ContentApiFunctionLogGroup14CEF4E7',
      'AWS::Logs::LogGroup DeliveryStatusLoggingArticlesTopicFailure51355E70',
      'AWS::Logs::LogGroup DeliveryStatusLoggingArticlesTopicSuccessA82A7C53',
      'AWS::Logs::LogGroup DeliveryStatusLoggingSummaryTopicFailureB6909F78',
      'AWS::Logs::LogGroup DeliveryStatusLoggingSummaryTopicSuccess90E0AC02',
      'AWS::Logs::LogGroup NormaliseLogGroup264DD537',
      'AWS::Logs::LogGroup OperatorConsoleSiteDeploymentLogsA7AB9626',
      'AWS::Logs::LogGroup PublishLogGroup50157229',
      'AWS::Logs::LogGroup ReleaseLogGroupFDCE9CDF',
      'AWS::S3::AccessPoint PublishersportswireAccessPoint38B48193',
      'AWS::S3::AccessPoint PublisherwireAccessPoint93EBF9A3',
      'AWS::S3::Bucket AccessLogsBucket83982689',
      'AWS::S3::Bucket ContentBucket52D4B12C',
      'AWS::S3::Bucket IngestBucket2B3522FA',
      'AWS::S3::Bucket OperatorConsoleSiteAssets8A8E678E',
      'AWS::S3::Bucket QuarantineBucketFDBDA180',
      'AWS::SNS::Topic ArticlesTopic06E2D309',
      'AWS::SNS::Topic OperatorAlertsTopic73CF4831',
      'AWS::SNS::Topic SummaryTopicCB81EE8C',
      'AWS::SQS::Queue IngestDlqAD9CBE6D',
      'AWS::SQS::Queue IngestQueue2280FF4E',
      'AWS::SQS::Queue ReleaseDlqD34A2F88',
      'AWS::SQS::Queue StreamDlqF539A7E2',
      'AWS::Scheduler::ScheduleGroup EmbargoSchedules',
    ]);
  });

  test('each partner shard keeps the ids of its queues and its manifest', () => {
    const shards = Object.fromEntries(
      [...stack.partnerShards].map(([shard, shardStack]) => [shard, statefulIds(shardStack)]),
    );
    assert.deepEqual(shards, {
      1: [
        'AWS::SQS::Queue PartnerPoliticsConflictEnDeliveryDlq2729334D',
        'AWS::SQS::Queue PartnerPoliticsConflictEnQueueA03FFD1C',
        'AWS::SQS::Queue PartnerPoliticsConflictEnQueueDlq7742C89C',
        'AWS::SSM::Parameter Shard01ManifestA32CCF51',
      ],
      8: [
        'AWS::SQS::Queue PartnerSportsDeskDeliveryDlq6B63C84D',
        'AWS::SQS::Queue PartnerSportsDeskQueueBA791E41',
        'AWS::SQS::Queue PartnerSportsDeskQueueDlq63016444',
        'AWS::SSM::Parameter Shard08Manifest9B7753EA',
      ],
      24: [
        'AWS::SQS::Queue PartnerBreakingAlertsDeliveryDlq71C1C112',
        'AWS::SSM::Parameter Shard24ManifestC33E0F76',
      ],
      34: [
        'AWS::SQS::Queue PartnerAllNewsWireDeliveryDlqCA050BA9',
        'AWS::SQS::Queue PartnerAllNewsWireQueueDD16DD17',
        'AWS::SQS::Queue PartnerAllNewsWireQueueDlq3167854B',
        'AWS::SSM::Parameter Shard34Manifest3FC924B8',
      ],
      58: [
        'AWS::SQS::Queue PartnerHeadlineTickerDeliveryDlq2DDE5103',
        'AWS::SQS::Queue PartnerHeadlineTickerQueue0AB229FD',
        'AWS::SQS::Queue PartnerHeadlineTickerQueueDlqCF5F9397',
        'AWS::SSM::Parameter Shard58ManifestF7C058E7',
      ],
    });
  });

  test('functions keep their top-level ids inside their stage constructs', () => {
    assert.equal(stack.normaliseFunction.node.path, 'Syndication-dev/IngestStage/Normalise');
    assert.equal(logicalIdOf(stack.normaliseFunction), 'Normalise413D8734');
    assert.equal(logicalIdOf(stack.publishFunction), 'Publish2E9BDF73');
    assert.equal(logicalIdOf(stack.releaseFunction), 'Release6218179A');
  });
});

/** An output's Fn::Join as text, each token written as <Ref> or <GetAtt>, so its JSON can be parsed. */
function joinedText(value: unknown, name: (token: unknown) => string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  assert.ok(join, 'the output is a joined string');
  return join[1].map((part) => (typeof part === 'string' ? part : name(part))).join(join[0]);
}

describe('PipelineManifest output', () => {
  test("lists the pipeline's own queues by role, its buckets, table, topic routes, link expiry and stage", () => {
    const outputs = Template.fromStack(stack).toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = outputs.PipelineManifest?.Value;
    const text = joinedText(value, (token) => {
      const ref = (token as { Ref?: string }).Ref;
      if (ref) return `<Ref ${ref}>`;
      const [id, attribute] = (token as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      return `<GetAtt ${id}.${attribute}>`;
    });
    const ref = (construct: IConstruct) => `<Ref ${logicalIdOf(construct)}>`;
    const arn = (construct: IConstruct) => `<GetAtt ${logicalIdOf(construct)}.Arn>`;
    assert.deepEqual(JSON.parse(text), {
      manifestVersion: 1,
      stage: 'dev',
      buckets: {
        ingest: '<Ref IngestBucket2B3522FA>',
        quarantine: '<Ref QuarantineBucketFDBDA180>',
        content: '<Ref ContentBucket52D4B12C>',
      },
      table: '<Ref ArticlesTableA36865D8>',
      topicRoutes: {
        full: ['<Ref ArticlesTopic06E2D309>'],
        summary: ['<Ref SummaryTopicCB81EE8C>'],
        'summary-linked': [],
      },
      queues: [
        {
          role: 'ingest',
          url: ref(stack.ingestQueue),
          arn: arn(stack.ingestQueue),
          deadLetterQueueUrl: ref(stack.ingestDlq),
        },
        { role: 'ingest-dead-letter', url: ref(stack.ingestDlq), arn: arn(stack.ingestDlq) },
        { role: 'stream-failures', url: ref(stack.streamDlq), arn: arn(stack.streamDlq) },
        { role: 'release-failures', url: ref(stack.releaseDlq), arn: arn(stack.releaseDlq) },
      ],
      // The default link expiry: 6 hours.
      contentLinkExpirySeconds: 21_600,
    });
    // The queue URLs are the queues' Refs: the ingest queue is IngestQueue2280FF4E in the template.
    assert.equal(ref(stack.ingestQueue), '<Ref IngestQueue2280FF4E>');
  });

  test('the outputs the CLI reads today are still there', () => {
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs ?? {});
    for (const name of [
      'IngestBucketName',
      'IngestQueueUrl',
      'IngestDlqUrl',
      'StreamDlqUrl',
      'ReleaseDlqUrl',
      'ContentBucketName',
      'TopicRoutes',
      'PartnerManifestPath',
    ])
      assert.ok(outputs.includes(name), name);
  });
});

describe('PipelineFunction built from a description', () => {
  const scratch = () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const scope = new Stack(app, 'Scratch');
    const table = new Table(scope, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    return { app, scope, table };
  };

  test('takes its entry, description and timeout from the description', () => {
    const { scope, table } = scratch();
    const fn = new PipelineFunction(scope, 'Release', { describedBy: release });
    const use = release.uses.find((candidate) => candidate.resource === 'articlesTable');
    assert.ok(use);
    fn.bind(use, tableResource(table));
    const properties = Template.fromStack(scope).toJSON().Resources[logicalIdOf(fn)].Properties;
    assert.equal(properties.Description, 'Releases an embargoed article version at its embargo time');
    assert.equal(properties.Timeout, 30);
  });

  test('a use sets its environment variable and grants exactly its actions on the resource', () => {
    const { scope, table } = scratch();
    const fn = new PipelineFunction(scope, 'Release', { describedBy: release });
    const use = release.uses.find((candidate) => candidate.resource === 'articlesTable');
    assert.ok(use);
    fn.bind(use, tableResource(table));
    const template = Template.fromStack(scope).toJSON();
    const variables = template.Resources[logicalIdOf(fn)].Properties.Environment.Variables;
    assert.deepEqual(variables.TABLE_NAME, { Ref: logicalIdOf(table) });
    const statements = Object.values(template.Resources as Record<string, Resource>)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap(
        (policy) =>
          (
            policy.Properties?.PolicyDocument as
              | { Statement?: { Action: unknown; Resource: unknown }[] }
              | undefined
          )?.Statement ?? [],
      );
    assert.ok(
      statements.some(
        (statement) =>
          JSON.stringify(statement.Action) === JSON.stringify(['dynamodb:GetItem', 'dynamodb:PutItem']) &&
          JSON.stringify(statement.Resource) ===
            JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] }),
      ),
      'GetItem and PutItem on the table',
    );
  });

  test('one built from an entry alone (as the bundle test builds it) has only the platform variables', () => {
    const { scope } = scratch();
    const fn = new PipelineFunction(scope, 'Normalise', { entry: 'functions/normalise.ts' });
    const properties = Template.fromStack(scope).toJSON().Resources[logicalIdOf(fn)].Properties;
    assert.deepEqual(Object.keys(properties.Environment.Variables).sort(), [
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    assert.throws(() => fn.configure('tableName', 'x'), /built without a description/);
  });

  test("a use that is not in the function's description is refused", () => {
    const { scope, table } = scratch();
    const fn = new PipelineFunction(scope, 'Release', { describedBy: release });
    const publishUse = publish.uses.find((candidate) => candidate.resource === 'articlesTable');
    assert.ok(publishUse);
    assert.throws(() => fn.bind(publishUse, tableResource(table)), /functions\/release\.ts has no such use/);
    assert.throws(() => fn.bindAll({}), /uses articlesTable, which was not given/);
  });

  test('a required setting left unset fails the synth, naming the variable', () => {
    const { app, scope } = scratch();
    new PipelineFunction(scope, 'Release', { describedBy: release });
    assert.throws(() => app.synth(), /TABLE_NAME \(the articles table\) is never set/);
  });

  test('a literal setting the handler would refuse fails at synth', () => {
    const { scope } = scratch();
    const fn = new PipelineFunction(scope, 'Publish', { describedBy: publish });
    // SigV4 pre-signed URLs last at most 7 days: 604,800 seconds.
    assert.throws(() => fn.configure('contentLinkExpirySeconds', '604801'), /from 60 to 604800/);
    assert.throws(() => fn.configure('summaries', 'yes'), /'true' or 'false'/);
    assert.throws(() => fn.configure('noSuchSetting', 'x'), /has no setting noSuchSetting/);
    fn.configure('contentLinkExpirySeconds', '604800');
  });
});

describe('secureQueue', () => {
  test('a queue described as redriving is refused without its dead-letter queue', () => {
    const scope = new Stack(new App(), 'Queues');
    assert.throws(
      () => secureQueue(scope, 'IngestQueue', QUEUES.ingestQueue, { removalPolicy: RemovalPolicy.DESTROY }),
      /redrives to ingestDlq/,
    );
  });

  test('a DLQ keeps messages 14 days and a queue redrives after 5 receives, as described', () => {
    const scope = new Stack(new App(), 'Queues');
    const dlq = secureQueue(scope, 'Dlq', QUEUES.ingestDlq, { removalPolicy: RemovalPolicy.DESTROY });
    const queue = secureQueue(scope, 'Queue', QUEUES.ingestQueue, {
      removalPolicy: RemovalPolicy.DESTROY,
      deadLetterQueue: dlq,
    });
    const resources = Template.fromStack(scope).toJSON().Resources;
    // 14 days in seconds (SQS's maximum retention).
    assert.equal(resources[logicalIdOf(dlq)].Properties.MessageRetentionPeriod, 1_209_600);
    assert.equal(resources[logicalIdOf(queue)].Properties.RedrivePolicy.maxReceiveCount, 5);
    assert.equal(resources[logicalIdOf(queue)].Properties.SqsManagedSseEnabled, true);
    assert.ok(queue instanceof Queue);
  });
});
