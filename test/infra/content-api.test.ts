/**
 * The content API in the synthesised stack: its routes and how each is authorised, throttling,
 * access logging, and what its function may do (read-only). One stack, synthesised once, bundling
 * skipped; cdk-nag run on it as `cdk synth` does.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let stack: SyndicationStack;
let resources: Record<string, Resource>;

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).resolve(((construct.node.defaultChild ?? construct) as CfnElement).logicalId) as string;
const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
const actions = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

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
  stack = new SyndicationStack(app, 'ContentApiTest', {
    // The content API alone: the console's HTTP API would be a second one.
    console: false,
    stage: 'dev',
    partners: parsePartnerRegistry({
      partners: [
        { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
        { name: 'desk-summaries', delivery: { type: 'sqs' }, filters: {}, payload: 'summary' },
      ],
    }),
  });
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
});

describe('content API (HTTP API)', () => {
  test('one HTTP API, three GET routes: documents and feeds open to the function, /aws/feeds IAM-authorised', () => {
    const apis = ofType('AWS::ApiGatewayV2::Api');
    assert.equal(apis.length, 1);
    assert.equal(apis[0]?.Properties?.ProtocolType, 'HTTP');
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map((route) => [route.Properties?.RouteKey, route.Properties?.AuthorizationType ?? 'NONE'])
      .sort();
    assert.deepEqual(routes, [
      ['GET /aws/feeds/{feed}', 'AWS_IAM'],
      ['GET /documents/{proxy+}', 'NONE'],
      ['GET /feeds/{feed}', 'NONE'],
    ]);
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    assert.equal(integrations.length, 1);
    assert.equal(integrations[0]?.Properties?.IntegrationType, 'AWS_PROXY');
    assert.equal(integrations[0]?.Properties?.PayloadFormatVersion, '2.0');
  });

  test('the $default stage is throttled and writes an access log without query strings', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    assert.equal(stages.length, 1);
    const stage = stages[0]?.Properties ?? {};
    assert.equal(stage.StageName, '$default');
    assert.equal(stage.AutoDeploy, true);
    assert.deepEqual(stage.DefaultRouteSettings, { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 });
    const logs = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    assert.deepEqual(logs.DestinationArn, { 'Fn::GetAtt': [logicalId(stack.contentApi.accessLogs), 'Arn'] });
    const format = JSON.parse(logs.Format) as Record<string, string>;
    assert.equal(format.requestId, '$context.requestId');
    assert.equal(format.status, '$context.status');
    assert.equal(format.iamCaller, '$context.identity.userArn');
    // A link's signature is in its query: a bearer credential until it expires, never logged.
    assert.doesNotMatch(logs.Format, /querystring|\$context\.path\b.*\?/i);
  });

  test('its function reads items, the byFeed index, index documents and the signing key: nothing else', () => {
    const role = stack.contentApi.function.role;
    assert.ok(role);
    const granted = roleStatements(logicalId(role))
      .flatMap(actions)
      .filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))
      .sort();
    assert.deepEqual(granted, [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'kms:Decrypt',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameter',
    ]);
    const statements = roleStatements(logicalId(role));
    const s3 = statements.find((statement) => actions(statement).includes('s3:GetObject'));
    assert.deepEqual(s3?.Resource, {
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.contentBucket), 'Arn'] }, '/index-documents/*']],
    });
    const table = statements.find((statement) => actions(statement).includes('dynamodb:GetItem'));
    assert.deepEqual(actions(table as Statement), ['dynamodb:GetItem']);
    assert.deepEqual(table?.Resource, { 'Fn::GetAtt': [logicalId(stack.articlesTable), 'Arn'] });
    // Query on the feed index only: not on the table, not on `index/*` (byStatus is the operator's).
    const query = statements.filter((statement) => actions(statement).includes('dynamodb:Query'));
    assert.equal(query.length, 1);
    assert.deepEqual(actions(query[0] as Statement), ['dynamodb:Query']);
    assert.deepEqual(query[0]?.Resource, {
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.articlesTable), 'Arn'] }, '/index/byFeed']],
    });
    const ssm = statements.find((statement) => actions(statement).includes('ssm:GetParameter'));
    assert.match(
      JSON.stringify(ssm?.Resource),
      /:parameter\/aws\/reference\/secretsmanager\/content-syndication-dev\/content-api\/link-signing-key/,
    );
  });

  test('the signing key is a generated secret; publish signs with it and links to the API', () => {
    const secrets = ofType('AWS::SecretsManager::Secret');
    assert.equal(secrets.length, 1);
    const secret = secrets[0]?.Properties ?? {};
    assert.equal(secret.Name, 'content-syndication-dev/content-api/link-signing-key');
    assert.deepEqual(secret.GenerateSecretString, { ExcludePunctuation: true, PasswordLength: 64 });
    const publish = resources[logicalId(stack.publishFunction)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    assert.match(
      JSON.stringify(publish.Variables.CONTENT_API_URL),
      new RegExp(logicalId(stack.contentApi.api)),
    );
    assert.match(JSON.stringify(publish.Variables.CONTENT_API_URL), /execute-api/);
    assert.equal(publish.Variables.LINK_SECRET_NAME, 'content-syndication-dev/content-api/link-signing-key');
    const role = stack.publishFunction.role;
    assert.ok(role);
    const publishActions = roleStatements(logicalId(role)).flatMap(actions);
    assert.ok(publishActions.includes('secretsmanager:GetSecretValue'));
    assert.ok(publishActions.includes('ssm:GetParameter'));
    assert.ok(!publishActions.includes('s3:PutObject'), 'publish writes nothing to the content bucket');
    const onContentKey = roleStatements(logicalId(role)).filter(
      (statement) =>
        JSON.stringify(statement.Resource) ===
        JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.messagingKey), 'Arn'] }),
    );
    assert.deepEqual(onContentKey.flatMap(actions), ['kms:Decrypt']);
  });

  test('the stack outputs the API URL as ContentApiUrl', () => {
    const outputs = (Template.fromStack(stack).toJSON() as { Outputs: Record<string, { Value: unknown }> })
      .Outputs;
    assert.deepEqual(outputs.ContentApiUrl?.Value, {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: logicalId(stack.contentApi.api) },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
        ],
      ],
    });
  });

  test('cdk-nag finds nothing unacknowledged in the content API', () => {
    const findings = new AwsSolutionsChecks()
      .validateScope(stack)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} on ${resource.constructPath}`),
      );
    assert.deepEqual(findings, []);
  });
});
