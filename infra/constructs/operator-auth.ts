/**
 * Who may use the operator console in AWS: a Cognito user pool of operators, its managed login
 * pages, and the console's app client.
 *
 * Why Cognito and not IAM: operators are people in a browser, not AWS principals. IAM would need
 * SigV4 signing inside the page and an identity pool to hand out AWS credentials anyway; a user pool
 * gives what the console needs directly — users created by an administrator only (no self sign-up),
 * MFA, Cognito's managed login pages (nothing of ours handles a password), and tokens that an API
 * Gateway HTTP API's JWT authorizer checks at the gateway at no per-request cost.
 *
 * Choices, each the strictest that costs nothing:
 * - MFA is REQUIRED, by TOTP (an authenticator app) only: every operator can redrive and replay
 *   to partners, so no account may sign in on a password alone; SMS is not offered (it costs per
 *   message, needs an SNS role and origination identity, and is open to SIM swapping). An operator
 *   sets up the authenticator at the first sign-in, on the managed login page.
 * - Feature plan ESSENTIALS: managed login and the stronger password settings, free for the first
 *   10,000 monthly active users (then $0.015 each). Threat protection (formerly "advanced
 *   security": compromised-credential checks, adaptive authentication) exists only in the PLUS plan,
 *   which has no free tier ($0.02 per monthly active user from the first), so it is not switched on.
 * - Passwords: 14 characters or more, with lower and upper case letters, digits and symbols; the
 *   last 5 may not be reused; a temporary password from an invitation is valid for 3 days.
 * - The app client is public (a page cannot keep a secret): no secret, the authorization-code grant
 *   only (no implicit grant, which puts tokens in URLs), to be used with PKCE (Cognito verifies the
 *   S256 challenge whenever the authorization request carries one; the console always sends it),
 *   SRP and refresh as its only API sign-in flows (never a plain password over the API), token
 *   revocation on sign-out, and sign-in errors that do not reveal whether a user exists.
 * - The pool holds the operators' accounts and their MFA secrets: it is deleted with the stack only
 *   when the stage is disposable, like the stack's other stateful resources.
 */
import { CfnOutput, Duration, type RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  type CfnUserPoolClient,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

/** Cognito's rule for a domain prefix (lower case letters, digits, inner hyphens; at most 63). */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses inside a domain prefix. */
const RESERVED_IN_PREFIX = ['aws', 'amazon', 'cognito'];

/** How long an operator's session lasts without signing in again (the refresh token's lifetime). */
export const OPERATOR_SESSION = Duration.hours(12);
/** How long an access or ID token is accepted; the page refreshes it when the API answers 401. */
export const OPERATOR_TOKEN_VALIDITY = Duration.hours(1);

export interface OperatorAuthProps {
  /**
   * The managed login's domain prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. Unique
   * in the region across all AWS accounts, so it should carry the stage and something of the
   * account (a token such as `Aws.ACCOUNT_ID` inside it is accepted and not checked here).
   */
  readonly domainPrefix: string;
  /** RETAIN unless the stage is disposable (the stack's `removalPolicy`). */
  readonly removalPolicy: RemovalPolicy;
  /** Refuse `DeleteUserPool` until switched off: true unless the stage is disposable. */
  readonly deletionProtection: boolean;
}

export class OperatorAuth extends Construct {
  readonly userPool: UserPool;
  /** The console's public client: authorization code with PKCE, no secret. */
  readonly userPoolClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the managed login, token and logout endpoints. */
  readonly domainUrl: string;
  private consoleUrl: string | undefined;

  constructor(scope: Construct, id: string, props: OperatorAuthProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.domainPrefix)) checkDomainPrefix(props.domainPrefix);

    this.userPool = new UserPool(this, 'UserPool', {
      // Operators are invited by an administrator (`aws cognito-idp admin-create-user`), never sign up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    acknowledge(
      this.userPool,
      'COG8',
      'Threat protection needs the Plus plan, which has no free tier ($0.02 per monthly active user); ' +
        'operators are a handful of invited accounts, each with a 14-character password and TOTP MFA required.',
    );

    this.userPoolClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        // Replaced by the console's own address (allowConsoleAt); synth fails if it never is.
        callbackUrls: ['https://console.invalid/'],
        logoutUrls: ['https://console.invalid/'],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: OPERATOR_TOKEN_VALIDITY,
      idTokenValidity: OPERATOR_TOKEN_VALIDITY,
      refreshTokenValidity: OPERATOR_SESSION,
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // The newer managed login shows its pages only for a client with a branding style: Cognito's own.
    const branding = new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);
    this.domainUrl = this.domain.baseUrl();

    // On the stack, so the output is named OperatorUserPoolId whatever this construct is called.
    new CfnOutput(Stack.of(this), 'OperatorUserPoolId', {
      value: this.userPool.userPoolId,
      description: 'Operators of the console: aws cognito-idp admin-create-user --user-pool-id <this> ...',
    });

    this.node.addValidation({
      validate: () =>
        this.consoleUrl === undefined
          ? ['OperatorAuth: no console address: call allowConsoleAt(url) with the console site URL']
          : [],
    });
  }

  /**
   * The console's address (`https://<distribution>/`): the only place the managed login may send an
   * operator back to after signing in or out. Cognito compares redirect URIs exactly.
   */
  allowConsoleAt(url: string): void {
    this.consoleUrl = url;
    const client = this.userPoolClient.node.defaultChild as CfnUserPoolClient;
    client.callbackUrLs = [url];
    client.logoutUrLs = [url];
  }
}

/** Throws unless Cognito accepts `prefix` as a domain prefix (its characters, length and words). */
export function checkDomainPrefix(prefix: string): void {
  if (!DOMAIN_PREFIX.test(prefix))
    throw new Error(
      `domainPrefix '${prefix}': lower case letters, digits and inner hyphens, 1 to 63 characters`,
    );
  const reserved = RESERVED_IN_PREFIX.find((word) => prefix.includes(word));
  if (reserved)
    throw new Error(`domainPrefix '${prefix}': Cognito refuses prefixes containing '${reserved}'`);
}
