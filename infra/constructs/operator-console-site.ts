/**
 * The operator console in AWS: the built page (scripts/build-console.ts) in a private S3 bucket, served
 * by CloudFront, with the console's API behind the same distribution under `/api/*`.
 *
 *   operator's browser --HTTPS--> CloudFront --(OAC, SigV4)--> private bucket: index.html, assets/, config.json
 *                                           \--/api/*, uncached, Authorization forwarded--> console HTTP API (JWT authorizer)
 *   the page --(authorization code + PKCE)--> Cognito managed login (OperatorAuth)
 *
 * What is public and what is not: the page's code and `config.json` (the Cognito domain, the public
 * client's id, the region) are readable without signing in, as for any single-page app — they hold
 * no secret and no data. Every datum and every action is behind the API, whose every route needs a
 * token from the operators' user pool (its JWT authorizer, checked at the gateway). The bucket itself
 * is reachable only through this distribution: public access blocked, and its policy lets
 * CloudFront read only on behalf of this distribution (Origin Access Control, the distribution's ARN
 * in the condition).
 *
 * Same origin for page and API: the page calls `/api/…` on its own host, so no CORS is needed, and
 * the Content-Security-Policy can say `connect-src 'self'` plus the Cognito domain (the token endpoint).
 * `/api/*` is never cached (CachingDisabled) and forwards every viewer header but Host (API Gateway
 * routes by its own host name), Authorization included: CloudFront forwards it through an origin
 * request policy only when the behaviour does not cache.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  Lazy,
  RemovalPolicy,
  Stack,
  Token,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge, logicalIdOf } from '../nag.js';

const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/** Where `npm run build` puts the page (git-ignored). */
export const CONSOLE_BUILD = fileURLToPath(new URL('../../dist/console/', import.meta.url));
/** The files of a built console, as index.html refers to them. */
const BUILT_FILES = { 'index.html': 'index.html', 'app.js': 'assets/app.js', 'app.css': 'assets/app.css' };

/** What the page reads from `/config.json` to sign in (see console/auth.ts). */
export interface ConsoleSiteConfig {
  readonly region: string;
  /** The managed login's base URL: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly cognitoDomainUrl: string;
  readonly clientId: string;
  /** Exactly the callback URL registered on the client. */
  readonly redirectUri: string;
  /** Same origin: the distribution sends `/api/*` to the console API. */
  readonly apiBase: string;
}

/** The part of OperatorAuth the site needs. */
export interface ConsoleSiteAuth {
  readonly userPoolClient: IUserPoolClient;
  readonly domainUrl: string;
  allowConsoleAt(url: string): void;
}

export interface OperatorConsoleSiteProps {
  readonly auth: ConsoleSiteAuth;
  /** The console's API (routes under `/api/`, served by its `$default` stage). */
  readonly api: IHttpApi;
  /**
   * The bucket holds only the built page, rebuilt by every deployment: with DESTROY its objects are
   * deleted with it; with RETAIN the bucket outlives the stack like the stack's other buckets.
   */
  readonly removalPolicy: RemovalPolicy;
  /** Receives the bucket's S3 server access logs (the stack's access log bucket). */
  readonly accessLogsBucket?: IBucket;
  /** The built page. @default dist/console/ (`npm run build`) */
  readonly assets?: string;
  /**
   * A custom host name with its ACM certificate (in us-east-1, as CloudFront requires). Without it
   * the console is at `https://<id>.cloudfront.net/` on CloudFront's default certificate.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificate: ICertificate };
}

export class OperatorConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<host>/`: the console's address, registered as the client's callback and logout URL. */
  readonly url: string;
  readonly config: ConsoleSiteConfig;
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: OperatorConsoleSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const page = readBuiltPage(props.assets ?? CONSOLE_BUILD);

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
      ...(props.accessLogsBucket
        ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 'console-site/' }
        : {}),
    });
    if (!props.accessLogsBucket)
      acknowledge(
        this.bucket,
        'S1',
        'Holds only the built console page, read by CloudFront alone; no access log bucket was given.',
      );

    this.contentSecurityPolicy = contentSecurityPolicy(props.auth.domainUrl);
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Operator console: strict CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The callback URL carries the authorization code: it must never leave as a Referer.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // `https://<id>.execute-api.<region>.amazonaws.com` -> its host name.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Operator console (${stack.stackName})`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // The cheapest edges (North America, Europe) serve operators anywhere: a 37 KiB page and a
      // regional API gain little from the others.
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            certificate: props.customDomain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          // No redirect: a POST redirected to HTTPS would have been sent in clear text already.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    this.url = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}/`;
    props.auth.allowConsoleAt(this.url);
    new CfnOutput(stack, 'ConsoleUrl', {
      value: this.url,
      description: 'The operator console (sign in with an operator of OperatorUserPoolId)',
    });

    this.config = {
      region: stack.region,
      cognitoDomainUrl: props.auth.domainUrl,
      clientId: props.auth.userPoolClient.userPoolClientId,
      redirectUri: this.url,
      apiBase: '/api',
    };
    new BucketDeployment(this, 'Deployment', {
      // Its handler's logs in a group of ours: kept a month, and deleted with a disposable stage like
      // every other log group (CDK's own group for it would be named and kept forever).
      logGroup: new LogGroup(this, 'DeploymentLogs', {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: props.removalPolicy,
      }),
      destinationBucket: this.bucket,
      sources: [
        ...Object.entries(page).map(([key, content]) => Source.data(key, content)),
        Source.jsonData('config.json', this.config),
      ],
      prune: true,
      // File names carry no hash: each deployment invalidates every path, and browsers revalidate
      // after five minutes.
      cacheControl: [CacheControl.fromString('max-age=300')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    this.narrowInvalidationGrant();
    this.acknowledgeFindings(props);
  }

  /**
   * aws-cdk-lib grants the BucketDeployment handler CloudFront's invalidation actions on `*`; both
   * take a distribution as their resource (as `Distribution.grantCreateInvalidation` grants them), so
   * the handler may invalidate this distribution and no other of the account.
   */
  private narrowInvalidationGrant(): void {
    const stack = Stack.of(this);
    const distributionArn = stack.formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'distribution',
      resourceName: this.distribution.distributionId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      const policy = child.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy');
      const cfnPolicy = policy?.node.defaultChild as CfnPolicy | undefined;
      if (!cfnPolicy) continue;
      const rendered = cfnPolicy.policyDocument;
      // The L1 property itself, so cdk-nag and the template see the same, narrowed, document.
      cfnPolicy.policyDocument = Lazy.any({
        produce: () => {
          const document = stack.resolve(rendered) as {
            Statement?: { Action: unknown; Resource: unknown }[];
          };
          return {
            ...document,
            Statement: (document.Statement ?? []).map((statement) =>
              [statement.Action].flat().every((action) => String(action).startsWith('cloudfront:'))
                ? { ...statement, Resource: distributionArn }
                : statement,
            ),
          };
        },
      });
    }
  }

  private acknowledgeFindings(props: OperatorConsoleSiteProps): void {
    acknowledge(
      this.distribution,
      'CFR1',
      'Operators may work from anywhere; every API call needs a Cognito token with MFA, which a country ' +
        'rule would not add to.',
    );
    acknowledge(
      this.distribution,
      'CFR2',
      'No WAF ($5 a month per web ACL plus rules and requests): the static page holds no data and every ' +
        'API route is refused at the gateway without an operator token; the API stage is throttled.',
    );
    acknowledge(
      this.distribution,
      'CFR3',
      'CloudFront standard logs need a bucket with ACLs (the stack keeps ACLs disabled); every API request ' +
        'is logged by the console API with the caller, and the static files hold nothing to audit.',
    );
    if (!props.customDomain)
      acknowledge(
        this.distribution,
        'CFR4',
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose security policy (TLSv1) cannot be changed; give customDomain (name + ACM certificate) to enforce TLSv1.2_2021.',
      );
    // BucketDeployment's handler: one function per stack, created and owned by aws-cdk-lib.
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledgeDeploymentHandler(child, this.bucket);
    }
  }
}

function acknowledgeDeploymentHandler(handler: IConstruct, bucket: Bucket): void {
  const role = handler.node.tryFindChild('ServiceRole');
  if (role) {
    acknowledge(
      role,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Role of the BucketDeployment handler aws-cdk-lib creates to copy the built console into its bucket ' +
        'at deploy time; CDK does not let it take another role.',
    );
    const stack = Stack.of(handler);
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    // Known with the region (cdk synth with a profile): then the ARN carries it as text.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const qualifier =
      (stack.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const wildcards = [
      // Reading the page's asset zips from the CDK asset bucket...
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      `Resource::arn:${partition}:s3:::cdk-${qualifier}-assets-${account}-${region}/*`,
      // ...writing and pruning every object of the console bucket...
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::<${logicalIdOf(bucket)}.Arn>/*`,
    ];
    for (const wildcard of wildcards)
      acknowledge(
        role,
        `IAM5[${wildcard}]`,
        'The BucketDeployment handler (aws-cdk-lib) copies the built console from the CDK asset bucket into ' +
          'the console bucket and deletes what the build no longer has: the grants CDK makes for exactly ' +
          'that (its invalidation grant is narrowed to this distribution).',
      );
  }
  acknowledge(
    handler,
    'L1',
    "The BucketDeployment handler's runtime is chosen by aws-cdk-lib (it bundles the AWS CLI layer for it).",
  );
}

/**
 * The console's Content-Security-Policy: the page's own files, its styles (uPlot sets inline styles),
 * charts drawn from data: URIs, and fetches to its own /api and to Cognito's token endpoint; nothing
 * may frame it, submit forms, or load plugins.
 */
export function contentSecurityPolicy(cognitoDomainUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${cognitoDomainUrl}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The built page as the bucket holds it, keyed by object key; a missing build is a clear error. */
export function readBuiltPage(directory: string): Record<string, string> {
  const page: Record<string, string> = {};
  for (const [file, key] of Object.entries(BUILT_FILES)) {
    let content: string;
    try {
      content = readFileSync(`${directory}${file}`, 'utf8');
    } catch {
      throw new Error(`the console page is not built (no ${file} in ${directory}): run \`npm run build\``);
    }
    // The local console's POST token: the deployed page is authorised by its Cognito token instead.
    page[key] = file === 'index.html' ? content.replace(/\s*<meta name="console-token"[^>]*>/, '') : content;
  }
  return page;
}
