/**
 * The operator console wired into the whole stack (`-c console`, on by default): CloudFront sends
 * `/api/*` to the console's own HTTP API, every route of that API needs a token of the stack's
 * operator pool, Cognito sends operators back to the distribution only, the console function reads
 * the stack's own delivery logs; and with `console=false` none of it exists and nothing else moves.
 * Expectations are CloudFormation's property names, AWS's literal values ('JWT', the Authorization
 * header as identity source) and the references between the stack's own resources.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { stageConfigFrom } from '../../infra/config.js';
import { addNagChecks } from '../../infra/nag.js';
import { SyndicationStack, stackPropsFrom } from '../../infra/stacks/syndication-stack.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template_ = { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
type Statement = { Action: string | string[]; Resource: unknown };

const partners = parsePartnerRegistry({
  partners: [
    { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
    { name: 'desk-summaries', delivery: { type: 'sqs' }, filters: {}, payload: 'summary' },
  ],
});

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** A stack as `cdk synth -c ...` builds it from context (nag checks on, bundling off). */
function stackFromContext(
  id: string,
  context: Record<string, unknown>,
  env?: { account?: string; region?: string },
): SyndicationStack {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const stack = new SyndicationStack(app, id, {
    ...stackPropsFrom(
      stageConfigFrom((key) => ({ operatorEmails: 'oncall@example.com', ...context })[key]),
      partners,
    ),
    consoleAssets: CONSOLE_PAGE,
    ...(env ? { env } : {}),
  });
  // Synthesis runs the AwsSolutions checks: an unacknowledged finding fails here.
  app.synth();
  return stack;
}

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).resolve(((construct.node.defaultChild ?? construct) as CfnElement).logicalId) as string;

let withConsole: SyndicationStack;
let on: Template_;
let off: Template_;

const statementsOf = (policy: Resource): Statement[] =>
  (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];

const ofType = (template: Template_, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

before(() => {
  withConsole = stackFromContext('Syndication-dev', { deliveryLogSampleRate: '25' });
  on = Template.fromStack(withConsole).toJSON() as Template_;
  off = Template.fromStack(stackFromContext('Syndication-dev', { console: 'false' })).toJSON() as Template_;
});

describe('the operator console in the stack (console on, the default)', () => {
  test('CloudFront sends /api/* to the console HTTP API’s host, the rest to the page bucket', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_, 'the console is built by default');
    const distributions = ofType(on, 'AWS::CloudFront::Distribution');
    assert.equal(distributions.length, 1);
    const config = distributions[0]?.[1].Properties?.DistributionConfig as {
      Origins: { Id: string; DomainName: unknown; S3OriginConfig?: unknown }[];
      CacheBehaviors: { PathPattern: string; TargetOriginId: string }[];
      DefaultCacheBehavior: { TargetOriginId: string };
    };
    const api = config.CacheBehaviors.find((behaviour) => behaviour.PathPattern === '/api/*');
    assert.ok(api, 'a /api/* behaviour');
    const apiOrigin = config.Origins.find((origin) => origin.Id === api.TargetOriginId);
    // https://<id>.execute-api.<region>.amazonaws.com -> its host: the third part split on '/'.
    assert.deepEqual(apiOrigin?.DomainName, {
      'Fn::Select': [
        2,
        { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalId(console_.api.api), 'ApiEndpoint'] }] },
      ],
    });
    const pageOrigin = config.Origins.find(
      (origin) => origin.Id === config.DefaultCacheBehavior.TargetOriginId,
    );
    assert.deepEqual(pageOrigin?.DomainName, {
      'Fn::GetAtt': [logicalId(console_.site.bucket), 'RegionalDomainName'],
    });
  });

  test('every route of the console API needs a JWT of the operators’ pool, for the console’s client', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const apiId = logicalId(console_.api.api);
    const authorizers = ofType(on, 'AWS::ApiGatewayV2::Authorizer').filter(
      ([, authorizer]) => JSON.stringify(authorizer.Properties?.ApiId) === JSON.stringify({ Ref: apiId }),
    );
    assert.equal(authorizers.length, 1);
    const [authorizerId, authorizer] = authorizers[0] as [string, Resource];
    assert.equal(authorizer.Properties?.AuthorizerType, 'JWT');
    assert.deepEqual(authorizer.Properties?.IdentitySource, ['$request.header.Authorization']);
    const jwt = authorizer.Properties?.JwtConfiguration as { Audience: unknown; Issuer: unknown };
    assert.deepEqual(jwt.Audience, [{ Ref: logicalId(console_.auth.userPoolClient) }]);
    assert.ok(
      JSON.stringify(jwt.Issuer).includes(JSON.stringify({ Ref: logicalId(console_.auth.userPool) })),
      `issuer ${JSON.stringify(jwt.Issuer)} is the stack's operator pool`,
    );
    const routes = ofType(on, 'AWS::ApiGatewayV2::Route').filter(
      ([, route]) => JSON.stringify(route.Properties?.ApiId) === JSON.stringify({ Ref: apiId }),
    );
    assert.equal(routes.length, 9);
    for (const [, route] of routes) {
      assert.match(String(route.Properties?.RouteKey), /^(GET|POST) \/api\//);
      assert.equal(route.Properties?.AuthorizationType, 'JWT', String(route.Properties?.RouteKey));
      assert.deepEqual(route.Properties?.AuthorizerId, { Ref: authorizerId });
    }
    // The origin has no path prefix: the routes are served by the $default stage.
    const stages = ofType(on, 'AWS::ApiGatewayV2::Stage').filter(
      ([, stage]) => JSON.stringify(stage.Properties?.ApiId) === JSON.stringify({ Ref: apiId }),
    );
    assert.deepEqual(
      stages.map(([, stage]) => stage.Properties?.StageName),
      ['$default'],
    );
  });

  test('Cognito sends operators back to the distribution’s address alone, and the page is told so', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const url = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(console_.site.distribution), 'DomainName'] }, '/'],
      ],
    };
    const client = on.Resources[logicalId(console_.auth.userPoolClient)]?.Properties ?? {};
    assert.deepEqual(client.CallbackURLs, [url]);
    assert.deepEqual(client.LogoutURLs, [url]);
    assert.deepEqual(client.AllowedOAuthFlows, ['code']);
    assert.equal(client.GenerateSecret, false);
    assert.deepEqual(on.Outputs?.ConsoleUrl?.Value, url);
    assert.deepEqual(on.Outputs?.OperatorUserPoolId?.Value, { Ref: logicalId(console_.auth.userPool) });
  });

  test('the console function reads the stack’s own delivery logs, at the sample rate they are written', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const fn = on.Resources[logicalId(console_.api.function)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    assert.equal(fn.Environment.Variables.DELIVERY_LOG_SAMPLE_RATE, '25');
    // What the stack tells SNS: each partner topic logs 25% of its successful deliveries.
    const logging = ofType(on, 'AWS::SNS::Topic').flatMap(
      ([, topic]) =>
        (topic.Properties?.DeliveryStatusLogging ?? []) as { SuccessFeedbackSampleRate?: string }[],
    );
    assert.ok(logging.length > 0);
    assert.deepEqual([...new Set(logging.map((entry) => entry.SuccessFeedbackSampleRate))], ['25']);
    const role = console_.api.function.role;
    assert.ok(role);
    const statements = ofType(on, 'AWS::IAM::Policy')
      .filter(
        ([, policy]) =>
          JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: logicalId(role) }]),
      )
      .flatMap(([, policy]) => statementsOf(policy));
    const startQuery = statements.find((statement) => [statement.Action].flat().includes('logs:StartQuery'));
    const granted = JSON.stringify(startQuery?.Resource);
    const successGroups = withConsole.deliveryStatusLogging.successLogGroups;
    assert.equal(successGroups.length, 2, 'a full and a summary topic');
    for (const group of successGroups)
      assert.ok(granted.includes(JSON.stringify({ 'Fn::GetAtt': [logicalId(group), 'Arn'] })), granted);
    for (const failureGroup of withConsole.deliveryStatusLogging.logGroups.filter(
      (group) => !successGroups.includes(group),
    ))
      assert.ok(!granted.includes(logicalId(failureGroup)), `${granted} names a failure log group`);
  });

  test('the console’s alarm prefix names every alarm of the stack, its partner shards’ too', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const fn = on.Resources[logicalId(console_.api.function)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    assert.equal(fn.Environment.Variables.ALARM_NAME_PREFIX, 'Syndication-dev-');
    const whole = flattenedTemplate(withConsole) as Template_;
    const alarms = [
      ...ofType(whole, 'AWS::CloudWatch::Alarm'),
      ...ofType(whole, 'AWS::CloudWatch::CompositeAlarm'),
    ];
    assert.ok(alarms.length > 10);
    for (const [id, alarm] of alarms)
      assert.match(String(alarm.Properties?.AlarmName), /^Syndication-dev-/, id);
  });

  test('the page deployment may invalidate the console’s distribution and no other', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const invalidations = ofType(on, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('CustomCDKBucketDeployment'))
      .flatMap(([, policy]) => statementsOf(policy))
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('cloudfront:')));
    assert.deepEqual(
      invalidations.map((statement) => [[statement.Action].flat().sort(), statement.Resource]),
      [
        [
          ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudfront::',
                { Ref: 'AWS::AccountId' },
                ':distribution/',
                { Ref: logicalId(console_.site.distribution) },
              ],
            ],
          },
        ],
      ],
    );
  });

  test('the page deployment writes into the console bucket and no other', () => {
    const console_ = withConsole.operatorConsole;
    assert.ok(console_);
    const writes = ofType(on, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('CustomCDKBucketDeployment'))
      .flatMap(([, policy]) => statementsOf(policy))
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:Put')));
    assert.ok(writes.length > 0);
    const bucket = logicalId(console_.site.bucket);
    for (const statement of writes) {
      const targets = JSON.stringify(statement.Resource);
      const named = [...targets.matchAll(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)].map((match) => match[1]);
      assert.deepEqual([...new Set(named)], [bucket], targets);
    }
  });
});

describe('synth environments', () => {
  test('cdk-nag passes with the region known and the account not (a profile without credentials)', () => {
    // The page deployment's grants then name the asset bucket with a literal partition and region.
    assert.doesNotThrow(() => stackFromContext('Syndication-region', {}, { region: 'us-east-1' }));
    assert.doesNotThrow(() =>
      stackFromContext('Syndication-both', {}, { account: '123456789012', region: 'eu-west-1' }),
    );
  });
});

describe('the managed login’s domain prefix', () => {
  test('a stage Cognito would refuse in syndication-<stage>-<account> fails the synth, saying why', () => {
    // Cognito refuses domain prefixes containing aws, amazon or cognito.
    assert.throws(() => stackFromContext('Syndication-aws', { stage: 'awsome' }), /containing 'aws'/);
    assert.doesNotThrow(() => stackFromContext('Syndication-aws-off', { stage: 'awsome', console: 'false' }));
  });
});

describe('console=false', () => {
  const CONSOLE_TYPES = [
    'AWS::Cognito::UserPool',
    'AWS::Cognito::UserPoolClient',
    'AWS::Cognito::UserPoolDomain',
    'AWS::Cognito::ManagedLoginBranding',
    'AWS::CloudFront::Distribution',
    'AWS::CloudFront::OriginAccessControl',
    'AWS::ApiGatewayV2::Authorizer',
    'Custom::CDKBucketDeployment',
  ];

  test('builds none of the console: no pool, no distribution, no authorizer, no page, no outputs', () => {
    for (const type of CONSOLE_TYPES) {
      assert.ok(ofType(on, type).length > 0, `with the console, the stack has a ${type}`);
      assert.deepEqual(ofType(off, type), [], `without the console, no ${type}`);
    }
    // One HTTP API is left: the content API's.
    assert.equal(ofType(off, 'AWS::ApiGatewayV2::Api').length, 1);
    assert.equal(ofType(on, 'AWS::ApiGatewayV2::Api').length, 2);
    assert.equal(off.Outputs?.ConsoleUrl, undefined);
    assert.equal(off.Outputs?.OperatorUserPoolId, undefined);
  });

  test('moves nothing else: every resource it keeps has the id it has with the console', () => {
    const kept = Object.keys(off.Resources);
    const missing = kept.filter((id) => !(id in on.Resources));
    assert.deepEqual(missing, []);
  });
});
