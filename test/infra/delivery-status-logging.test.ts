/**
 * SNS delivery status logging of the partner topics: every topic logs SQS, HTTP/S and Lambda
 * deliveries through one role that may only write (CreateLogStream, PutLogEvents) to SNS's own log
 * groups (`sns/<region>/<account>/<topic>` and `.../Failure`) only; the groups exist
 * with a retention before any partner subscribes; the metric filters read the fields of SNS's
 * documented delivery log record (`status`, `delivery.destination`, `delivery.dwellTimeMs`,
 * `notification.topicArn`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { stageConfigFrom } from '../../infra/config.js';
import { DeliveryStatusLogging } from '../../infra/constructs/delivery-status-logging.js';
import { SyndicationStack, stackPropsFrom } from '../../infra/stacks/syndication-stack.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import { loadPublisherRegistry } from '../../shared/publishers/registry-file.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
};

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

function resourcesOf(stack: Stack, type: string): Array<[string, Resource]> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** `${AWS::Region}`-style tokens as CloudFormation renders them in a Fn::Join. */
const REGION = { Ref: 'AWS::Region' };
const ACCOUNT = { Ref: 'AWS::AccountId' };

/** A stack with two topics and the logging construct alone, at a given sample rate. */
function loggingStack(successSampleRate: number): Stack {
  const stack = new Stack(new App(), 'Logging');
  const topics = new Map([
    ['ArticlesTopic', new Topic(stack, 'ArticlesTopic')],
    ['SummaryTopic', new Topic(stack, 'SummaryTopic')],
  ]);
  new DeliveryStatusLogging(stack, 'DeliveryStatusLogging', {
    topics,
    successSampleRate,
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return stack;
}

describe('the deployed stack (no -c options)', () => {
  let stack: SyndicationStack;
  before(() => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    stack = new SyndicationStack(app, 'Syndication-dev', {
      consoleAssets: CONSOLE_PAGE,
      ...stackPropsFrom(
        stageConfigFrom(() => undefined),
        loadPartnerRegistry(),
        loadPublisherRegistry(),
      ),
    });
  });

  test('every partner topic logs SQS, HTTP/S and Lambda deliveries, 10 % of successes, with one role', () => {
    const [[roleId]] = resourcesOf(stack, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('DeliveryStatusLoggingRole'),
    ) as [[string, Resource]];
    const role = { 'Fn::GetAtt': [roleId, 'Arn'] };
    const partnerTopics = resourcesOf(stack, 'AWS::SNS::Topic').filter(
      ([id]) => id.startsWith('ArticlesTopic') || id.startsWith('SummaryTopic'),
    );
    assert.equal(partnerTopics.length, 2);
    for (const [, topic] of partnerTopics) {
      assert.deepEqual(
        topic.Properties.DeliveryStatusLogging,
        ['sqs', 'http/s', 'lambda'].map((protocol) => ({
          Protocol: protocol,
          SuccessFeedbackRoleArn: role,
          FailureFeedbackRoleArn: role,
          SuccessFeedbackSampleRate: '10',
        })),
      );
    }
  });

  test('the operator topic (email) does not log deliveries', () => {
    const [[, operatorTopic]] = resourcesOf(stack, 'AWS::SNS::Topic').filter(([id]) =>
      id.startsWith('OperatorAlertsTopic'),
    ) as [[string, Resource]];
    assert.equal(operatorTopic.Properties.DeliveryStatusLogging, undefined);
  });

  test("the role is SNS's, with CreateLogStream and PutLogEvents on the sns/<region>/<account>/ log groups only", () => {
    const [[, role]] = resourcesOf(stack, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('DeliveryStatusLoggingRole'),
    ) as [[string, Resource]];
    assert.deepEqual(role.Properties.AssumeRolePolicyDocument, {
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    assert.deepEqual(role.Properties.Policies, [
      {
        PolicyName: 'DeliveryStatusLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':logs:',
                    REGION,
                    ':',
                    ACCOUNT,
                    ':log-group:sns/',
                    REGION,
                    '/',
                    ACCOUNT,
                    '/*',
                  ],
                ],
              },
            },
          ],
        },
      },
    ]);
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
    const attached = resourcesOf(stack, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes('DeliveryStatusLoggingRole'),
    );
    assert.deepEqual(attached, []);
  });

  test("the log groups are SNS's names for each topic, kept 30 days", () => {
    const groups = resourcesOf(stack, 'AWS::Logs::LogGroup').filter(([id]) =>
      id.startsWith('DeliveryStatusLogging'),
    );
    const names = groups.map(([, group]) => group.Properties.LogGroupName);
    const topicName = (topicLogicalId: string) => ({ 'Fn::GetAtt': [topicLogicalId, 'TopicName'] });
    const expected = ['ArticlesTopic06E2D309', 'SummaryTopicCB81EE8C'].flatMap((topic) => [
      { 'Fn::Join': ['', ['sns/', REGION, '/', ACCOUNT, '/', topicName(topic)]] },
      { 'Fn::Join': ['', ['sns/', REGION, '/', ACCOUNT, '/', topicName(topic), '/Failure']] },
    ]);
    assert.equal(names.length, 4);
    for (const name of expected)
      assert.ok(names.some((actual) => JSON.stringify(actual) === JSON.stringify(name)));
    for (const [, group] of groups) assert.equal(group.Properties.RetentionInDays, 30);
  });

  test('every partner shard (its subscriptions) is created after the log groups', () => {
    const groupIds = resourcesOf(stack, 'AWS::Logs::LogGroup')
      .map(([id]) => id)
      .filter((id) => id.startsWith('DeliveryStatusLogging'));
    const shards = resourcesOf(stack, 'AWS::CloudFormation::Stack').filter(([id]) =>
      id.startsWith('PartnerShard'),
    );
    assert.ok(shards.length > 0);
    for (const [id, shard] of shards) {
      for (const group of groupIds) assert.ok(shard.DependsOn?.includes(group), `${id} after ${group}`);
    }
  });
});

describe('metric filters', () => {
  test('failures: one per failed delivery, by destination (the queue ARN or endpoint)', () => {
    const filters = resourcesOf(loggingStack(10), 'AWS::Logs::MetricFilter').filter(([id]) =>
      id.includes('DeliveryFailures'),
    );
    assert.equal(filters.length, 2);
    for (const [, filter] of filters) {
      assert.equal(filter.Properties.FilterPattern, '{ $.status = "FAILURE" }');
      assert.deepEqual(filter.Properties.MetricTransformations, [
        {
          MetricNamespace: 'ContentSyndication',
          MetricName: 'DeliveryFailures',
          MetricValue: '1',
          Dimensions: [{ Key: 'destination', Value: '$.delivery.destination' }],
        },
      ]);
      assert.match(JSON.stringify(filter.Properties.LogGroupName), /Failure/);
    }
  });

  test('successes at 25 %: each logged one counts 4 deliveries, and its dwell time, by topic', () => {
    const stack = loggingStack(25);
    for (const [, topic] of resourcesOf(stack, 'AWS::SNS::Topic')) {
      assert.deepEqual(
        (topic.Properties.DeliveryStatusLogging as Array<Record<string, unknown>>).map(
          (config) => config.SuccessFeedbackSampleRate,
        ),
        ['25', '25', '25'],
      );
    }
    const transformations = resourcesOf(stack, 'AWS::Logs::MetricFilter')
      .filter(([, filter]) => filter.Properties.FilterPattern === '{ $.status = "SUCCESS" }')
      .map(([, filter]) => filter.Properties.MetricTransformations);
    const byTopic = [{ Key: 'topic', Value: '$.notification.topicArn' }];
    assert.deepEqual(
      transformations.filter((t) => JSON.stringify(t).includes('"Deliveries"')),
      [1, 2].map(() => [
        {
          MetricNamespace: 'ContentSyndication',
          MetricName: 'Deliveries',
          MetricValue: '4',
          Dimensions: byTopic,
        },
      ]),
    );
    assert.deepEqual(
      transformations.filter((t) => JSON.stringify(t).includes('DeliveryDwellTime')),
      [1, 2].map(() => [
        {
          MetricNamespace: 'ContentSyndication',
          MetricName: 'DeliveryDwellTime',
          MetricValue: '$.delivery.dwellTimeMs',
          Unit: 'Milliseconds',
          Dimensions: byTopic,
        },
      ]),
    );
  });

  test('at 0 % no success is logged, so only the failure filters exist', () => {
    const stack = loggingStack(0);
    for (const [, topic] of resourcesOf(stack, 'AWS::SNS::Topic')) {
      for (const config of topic.Properties.DeliveryStatusLogging as Array<Record<string, unknown>>) {
        assert.equal(config.SuccessFeedbackSampleRate, '0');
        assert.ok(config.FailureFeedbackRoleArn);
      }
    }
    const names = resourcesOf(stack, 'AWS::Logs::MetricFilter').map(
      ([, filter]) =>
        (filter.Properties.MetricTransformations as Array<{ MetricName: string }>)[0]?.MetricName,
    );
    assert.deepEqual(names, ['DeliveryFailures', 'DeliveryFailures']);
  });

  test('the construct refuses a rate outside 0-100 or not whole', () => {
    assert.throws(() => loggingStack(101), /successSampleRate must be a whole percentage from 0 to 100/);
    assert.throws(() => loggingStack(-1), /from 0 to 100/);
    assert.throws(() => loggingStack(2.5), /from 0 to 100/);
  });
});

describe('-c deliveryLogSampleRate', () => {
  const rate = (value: unknown) =>
    stageConfigFrom((key) => (key === 'deliveryLogSampleRate' ? value : undefined)).deliveryLogSampleRate;

  test('defaults to 10 percent', () => {
    assert.equal(rate(undefined), 10);
  });

  test('takes a whole percentage from 0 to 100, as a string from the command line', () => {
    assert.equal(rate('0'), 0);
    assert.equal(rate('100'), 100);
    assert.equal(rate(' 25 '), 25);
    assert.equal(rate(50), 50);
  });

  test('refuses anything else, naming the setting and the value', () => {
    for (const value of ['101', '-1', '12.5', 'ten', true]) {
      assert.throws(
        () => rate(value),
        (error: Error) =>
          error.message.includes(
            `deliveryLogSampleRate must be a whole number from 0 to 100, not '${String(value)}'`,
          ),
        String(value),
      );
    }
  });
});
