/**
 * The operator console's AWS side in a small stack of its own: OperatorAuth, a plain HttpApi standing
 * in for the console API, and OperatorConsoleSite serving a fixture page. Expectations are AWS's own
 * values: CloudFront's managed policy ids, CloudFormation property names and enum strings as the
 * resource reference documents them, the service principal of OAC.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OperatorAuth } from '../../infra/constructs/operator-auth.js';
import { OperatorConsoleSite, readBuiltPage } from '../../infra/constructs/operator-console-site.js';
import { FIXTURES } from '../helpers/paths.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = {
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

const PAGE = `${FIXTURES}console-site/`;
/** CloudFront's managed policies, by the ids AWS documents for them. */
const MANAGED_CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const MANAGED_CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

interface Built {
  stack: Stack;
  auth: OperatorAuth;
  api: HttpApi;
  site: OperatorConsoleSite;
  resources: Record<string, Resource>;
}

function build(options: { env?: boolean; removalPolicy: RemovalPolicy; customDomain?: boolean }): Built {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(
    app,
    'ConsoleSiteTest',
    options.env ? { env: { account: '123456789012', region: 'eu-west-1' } } : {},
  );
  const auth = new OperatorAuth(stack, 'OperatorAuth', {
    domainPrefix: 'syndication-test-123456789012',
    removalPolicy: options.removalPolicy,
    deletionProtection: options.removalPolicy === RemovalPolicy.RETAIN,
  });
  const api = new HttpApi(stack, 'FakeConsoleApi');
  const site = new OperatorConsoleSite(stack, 'ConsoleSite', {
    auth,
    api,
    removalPolicy: options.removalPolicy,
    assets: PAGE,
    ...(options.customDomain
      ? {
          customDomain: {
            domainName: 'console.example.com',
            certificate: Certificate.fromCertificateArn(
              stack,
              'Certificate',
              'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
            ),
          },
        }
      : {}),
  });
  const resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
  return { stack, auth, api, site, resources };
}

const ofType = (built: Built, type: string) =>
  Object.entries(built.resources).filter(([, resource]) => resource.Type === type);
const only = (built: Built, type: string): [string, Resource] => {
  const found = ofType(built, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0] as [string, Resource];
};
const idOf = (built: Built, construct: { node: { defaultChild?: unknown } }) =>
  built.stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;

/** Findings of cdk-nag outside the stand-in API (the real console API is another construct's). */
function nagFindings(stack: Stack): string[] {
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((violation) =>
      violation.violatingResources
        .filter((resource) => !(resource.constructPath ?? '').includes('/FakeConsoleApi/'))
        .map((resource) => `${violation.ruleName} ${resource.constructPath}`),
    );
}

let built: Built;
let distributionId: string;
let distribution: Record<string, unknown>;

before(() => {
  built = build({ env: true, removalPolicy: RemovalPolicy.RETAIN });
  const [id, resource] = only(built, 'AWS::CloudFront::Distribution');
  distributionId = id;
  distribution = resource.Properties.DistributionConfig as Record<string, unknown>;
});

describe('console bucket: private, read by this distribution only', () => {
  test('public access is blocked, objects are encrypted and owned by the bucket owner', () => {
    const bucket = built.resources[idOf(built, built.site.bucket)]?.Properties ?? {};
    assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.deepEqual(bucket.BucketEncryption, {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    assert.deepEqual(bucket.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.equal(bucket.WebsiteConfiguration, undefined, 'not an S3 website endpoint');
  });

  test('its policy denies plain HTTP and lets CloudFront GetObject only for this distribution', () => {
    const [, policy] = only(built, 'AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const insecure = statements.find(
      (statement) => statement.Condition?.Bool?.['aws:SecureTransport'] === 'false',
    );
    assert.equal(insecure?.Effect, 'Deny');
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    assert.equal(allows.length, 1, 'one Allow: CloudFront');
    const [read] = allows as [Statement];
    assert.deepEqual(read.Principal, { Service: 'cloudfront.amazonaws.com' });
    assert.equal(read.Action, 's3:GetObject');
    assert.deepEqual(read.Condition, {
      StringEquals: {
        'AWS:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudfront::',
              { Ref: 'AWS::AccountId' },
              ':distribution/',
              { Ref: distributionId },
            ],
          ],
        },
      },
    });
    assert.ok(!statements.some((statement) => statement.Effect === 'Allow' && statement.Principal === '*'));
  });

  test('the distribution reaches it through an Origin Access Control that signs every request', () => {
    const [oacId, oac] = only(built, 'AWS::CloudFront::OriginAccessControl');
    assert.deepEqual(oac.Properties.OriginAccessControlConfig, {
      Name: (oac.Properties.OriginAccessControlConfig as { Name: string }).Name,
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origins = distribution.Origins as Record<string, unknown>[];
    const s3 = origins.find((origin) => origin.S3OriginConfig !== undefined);
    assert.deepEqual(s3?.OriginAccessControlId, { 'Fn::GetAtt': [oacId, 'Id'] });
    assert.deepEqual(s3?.S3OriginConfig, { OriginAccessIdentity: '' }, 'no legacy OAI');
    assert.deepEqual(s3?.DomainName, {
      'Fn::GetAtt': [idOf(built, built.site.bucket), 'RegionalDomainName'],
    });
  });
});

describe('distribution', () => {
  test('serves index.html at the root and redirects HTTP to HTTPS', () => {
    assert.equal(distribution.DefaultRootObject, 'index.html');
    const page = distribution.DefaultCacheBehavior as Record<string, unknown>;
    assert.equal(page.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(page.AllowedMethods, ['GET', 'HEAD']);
    assert.equal(page.CachePolicyId, MANAGED_CACHING_OPTIMIZED);
  });

  test('/api/* goes to the API over HTTPS, uncached, every method, viewer headers but Host forwarded', () => {
    const behaviours = distribution.CacheBehaviors as Record<string, unknown>[];
    assert.equal(behaviours.length, 1);
    const api = behaviours[0] as Record<string, unknown>;
    assert.equal(api.PathPattern, '/api/*');
    assert.equal(api.ViewerProtocolPolicy, 'https-only');
    assert.deepEqual([...(api.AllowedMethods as string[])].sort(), [
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PATCH',
      'POST',
      'PUT',
    ]);
    // Authorization reaches the origin through an origin request policy only on an uncached behaviour.
    assert.equal(api.CachePolicyId, MANAGED_CACHING_DISABLED);
    assert.equal(api.OriginRequestPolicyId, MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER);
    const origin = (distribution.Origins as Record<string, unknown>[]).find(
      (candidate) => candidate.Id === api.TargetOriginId,
    );
    assert.deepEqual(origin?.CustomOriginConfig, {
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    // The host of the API's endpoint, https://<api-id>.execute-api.<region>.amazonaws.com.
    assert.deepEqual(origin?.DomainName, {
      'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [idOf(built, built.api), 'ApiEndpoint'] }] }],
    });
  });

  test('every answer carries a strict CSP that lets the page reach only itself and Cognito', () => {
    const [policyId, policy] = only(built, 'AWS::CloudFront::ResponseHeadersPolicy');
    const behaviours = [
      distribution.DefaultCacheBehavior,
      ...(distribution.CacheBehaviors as unknown[]),
    ] as Record<string, unknown>[];
    for (const behaviour of behaviours)
      assert.deepEqual(behaviour.ResponseHeadersPolicyId, { Ref: policyId });
    const headers = (policy.Properties.ResponseHeadersPolicyConfig as Record<string, Record<string, unknown>>)
      .SecurityHeadersConfig as Record<string, Record<string, unknown>>;
    const csp = (
      built.stack.resolve(built.site.contentSecurityPolicy) as { 'Fn::Join': [string, unknown[]] }
    )['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`))
      .join('');
    const directives = Object.fromEntries(
      csp.split('; ').map((directive) => {
        const [name, ...values] = directive.split(' ');
        return [name, values];
      }),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'self'"]);
    assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
    assert.deepEqual(directives['connect-src'], [
      "'self'",
      `https://<${JSON.stringify({ Ref: idOf(built, built.auth.domain) })}>.auth.eu-west-1.amazoncognito.com`,
    ]);
    assert.doesNotMatch(csp, /unsafe-eval|\*/);
    assert.equal(headers.ContentSecurityPolicy?.Override, true);
    assert.deepEqual(headers.StrictTransportSecurity, {
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    assert.deepEqual(headers.FrameOptions, { FrameOption: 'DENY', Override: true });
    assert.deepEqual(headers.ReferrerPolicy, { ReferrerPolicy: 'no-referrer', Override: true });
    assert.deepEqual(headers.ContentTypeOptions, { Override: true });
  });

  test('the page is deployed with its config.json and the whole distribution invalidated', () => {
    const [, deployment] = only(built, 'Custom::CDKBucketDeployment');
    assert.deepEqual(deployment.Properties.DestinationBucketName, { Ref: idOf(built, built.site.bucket) });
    assert.deepEqual(deployment.Properties.DistributionId, { Ref: distributionId });
    assert.deepEqual(deployment.Properties.DistributionPaths, ['/*']);
    assert.equal(deployment.Properties.Prune, true);
    assert.deepEqual(built.stack.resolve(built.site.config), {
      region: 'eu-west-1',
      cognitoDomainUrl: {
        'Fn::Join': [
          '',
          ['https://', { Ref: idOf(built, built.auth.domain) }, '.auth.eu-west-1.amazoncognito.com'],
        ],
      },
      clientId: { Ref: idOf(built, built.auth.userPoolClient) },
      redirectUri: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] },
      apiBase: '/api',
    });
  });

  test('the deployed page has no local console token placeholder; a missing build is a clear error', () => {
    const page = readBuiltPage(PAGE);
    assert.deepEqual(Object.keys(page).sort(), ['assets/app.css', 'assets/app.js', 'index.html']);
    assert.doesNotMatch(page['index.html'] as string, /console-token|%CONSOLE_TOKEN%/);
    assert.match(page['index.html'] as string, /<script type="module" src="\/assets\/app.js"><\/script>/);
    assert.throws(
      () => readBuiltPage(`${FIXTURES}no-such-build/`),
      /not built \(no index\.html .*npm run build/,
    );
  });
});

describe('operators (Cognito)', () => {
  test('the pool is invitation-only, requires TOTP MFA and a strong password, and is retained', () => {
    const [id, pool] = only(built, 'AWS::Cognito::UserPool');
    const properties = pool.Properties;
    assert.deepEqual(properties.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true });
    assert.equal(properties.MfaConfiguration, 'ON');
    assert.deepEqual(properties.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
    assert.deepEqual((properties.Policies as Record<string, unknown>).PasswordPolicy, {
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
      PasswordHistorySize: 5,
    });
    assert.equal(properties.UserPoolTier, 'ESSENTIALS');
    assert.equal(properties.DeletionProtection, 'ACTIVE');
    assert.equal(built.resources[id]?.DeletionPolicy, 'Retain');
  });

  test('the console client is public: no secret, code grant only, back to the distribution alone', () => {
    const [, client] = only(built, 'AWS::Cognito::UserPoolClient');
    const properties = client.Properties;
    assert.equal(properties.GenerateSecret, false);
    assert.deepEqual(properties.AllowedOAuthFlows, ['code']);
    assert.equal(properties.AllowedOAuthFlowsUserPoolClient, true);
    assert.deepEqual(properties.SupportedIdentityProviders, ['COGNITO']);
    const console = [
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] },
    ];
    assert.deepEqual(properties.CallbackURLs, console);
    assert.deepEqual(properties.LogoutURLs, console);
    // Never a password sent to the API in clear: SRP and refresh only.
    assert.deepEqual([...(properties.ExplicitAuthFlows as string[])].sort(), [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    assert.equal(properties.EnableTokenRevocation, true);
    assert.equal(properties.PreventUserExistenceErrors, 'ENABLED');
  });

  test('the managed login runs on the domain prefix, branded with Cognito’s own style', () => {
    const [, domain] = only(built, 'AWS::Cognito::UserPoolDomain');
    assert.equal(domain.Properties.Domain, 'syndication-test-123456789012');
    assert.equal(domain.Properties.ManagedLoginVersion, 2);
    const [, branding] = only(built, 'AWS::Cognito::ManagedLoginBranding');
    assert.equal(branding.Properties.UseCognitoProvidedValues, true);
    assert.deepEqual(branding.Properties.ClientId, { Ref: idOf(built, built.auth.userPoolClient) });
  });

  test('the stack outputs the console address and the pool operators are added to', () => {
    const outputs = Template.fromStack(built.stack);
    outputs.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] },
    });
    outputs.hasOutput('OperatorUserPoolId', { Value: { Ref: idOf(built, built.auth.userPool) } });
  });

  test('a domain prefix Cognito would refuse fails at synth', () => {
    const stack = new Stack(new App(), 'Prefixes');
    const make = (id: string, domainPrefix: string) =>
      new OperatorAuth(stack, id, {
        domainPrefix,
        removalPolicy: RemovalPolicy.DESTROY,
        deletionProtection: false,
      });
    assert.throws(() => make('Upper', 'Syndication'), /lower case letters/);
    assert.throws(() => make('Hyphen', 'syndication-'), /lower case letters/);
    assert.throws(() => make('Reserved', 'my-cognito-login'), /containing 'cognito'/);
    assert.throws(() => make('Long', 'a'.repeat(64)), /1 to 63 characters/);
  });

  test('a pool whose console address was never given does not synthesise', () => {
    const stack = new Stack(new App(), 'NoConsole');
    new OperatorAuth(stack, 'OperatorAuth', {
      domainPrefix: 'syndication-test',
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    assert.throws(() => Template.fromStack(stack), /no console address: call allowConsoleAt/);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  test('no unacknowledged finding in the console site and its auth', () => {
    assert.deepEqual(nagFindings(built.stack), []);
  });

  test('with a custom domain: TLS 1.2 for viewers, the name as callback, still no finding', () => {
    const custom = build({ removalPolicy: RemovalPolicy.DESTROY, customDomain: true });
    const [id, resource] = only(custom, 'AWS::CloudFront::Distribution');
    const config = resource.Properties.DistributionConfig as Record<string, unknown>;
    assert.deepEqual(config.Aliases, ['console.example.com']);
    assert.equal(
      (config.ViewerCertificate as Record<string, unknown>).MinimumProtocolVersion,
      'TLSv1.2_2021',
    );
    assert.equal((config.ViewerCertificate as Record<string, unknown>).SslSupportMethod, 'sni-only');
    const [, client] = only(custom, 'AWS::Cognito::UserPoolClient');
    assert.deepEqual(client.Properties.CallbackURLs, ['https://console.example.com/']);
    assert.ok(id);
    assert.deepEqual(nagFindings(custom.stack), []);
  });
});
