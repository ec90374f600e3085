/**
 * Signing in to the console deployed in AWS: OAuth 2.0 authorization code with PKCE (S256) against
 * the operators' Cognito user pool (infra/constructs/operator-auth.ts), settings from `/config.json`
 * (written by infra/constructs/operator-console-site.ts).
 *
 * Without that file — the local console on 127.0.0.1, which answers every unknown path with its
 * page — nothing here runs and no request carries a token.
 *
 * Tokens live in sessionStorage: they last as long as the tab, are not sent by the browser on its
 * own (unlike cookies, so no CSRF), and the strict Content-Security-Policy keeps foreign scripts from
 * reading them. The API is called with the ACCESS token: it is the token meant for resource servers,
 * and an HTTP API JWT authorizer accepts it by its `client_id` claim (an ID token carries `aud`
 * instead; both name the app client, which is the authorizer's audience). On a 401 the page uses
 * the refresh token once, and signs in again when that fails too.
 */
import { challengeOf, randomOctets, verifierFrom } from './pkce.js';

export interface AuthConfig {
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly cognitoDomainUrl: string;
  readonly clientId: string;
  /** Exactly the callback URL registered on the app client. */
  readonly redirectUri: string;
}

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  /** The page the operator was on (the hash route), restored after signing in. */
  readonly hash: string;
}

const TOKENS_KEY = 'syndication-console.tokens';
const PENDING_KEY = 'syndication-console.sign-in';
/** Refresh this long before the access token expires, so a request never leaves with a stale one. */
const EXPIRY_MARGIN_MS = 30_000;
const SCOPES = 'openid email profile';

export class SignInProblem extends Error {}

let config: AuthConfig | undefined;

/** True when the page runs behind Cognito (deployed), false on the local console. */
export const authEnabled = () => config !== undefined;

/** The settings in a `/config.json` answer, or undefined when it is not ours (the local page). */
export function authConfigFrom(body: unknown): AuthConfig | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { cognitoDomainUrl, clientId, redirectUri } = body as Record<string, unknown>;
  if (typeof cognitoDomainUrl !== 'string' || typeof clientId !== 'string' || typeof redirectUri !== 'string')
    return undefined;
  for (const [name, value] of [
    ['cognitoDomainUrl', cognitoDomainUrl],
    ['redirectUri', redirectUri],
  ] as const) {
    const url = parseUrl(value);
    const loopback = url?.hostname === '127.0.0.1' || url?.hostname === 'localhost';
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
      throw new SignInProblem(`config.json: ${name} must be an https URL, not '${value}'`);
  }
  return { cognitoDomainUrl: cognitoDomainUrl.replace(/\/+$/, ''), clientId, redirectUri };
}

const readJson = <T>(key: string): T | undefined => {
  const text = sessionStorage.getItem(key);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    sessionStorage.removeItem(key);
    return undefined;
  }
};

/**
 * Reads `/config.json` and, when it configures Cognito, makes sure the operator is signed in:
 * finishes a sign-in coming back from the managed login, or starts one. `redirecting` means the page
 * is leaving for the login and should render nothing.
 */
export async function startSession(): Promise<'local' | 'signed-in' | 'redirecting'> {
  const response = await fetch('/config.json', {
    cache: 'no-store',
    headers: { accept: 'application/json' },
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !/\bjson\b/.test(type)) return 'local';
  config = authConfigFrom(await response.json());
  if (!config) return 'local';

  const here = new URL(location.href);
  if (here.searchParams.has('error'))
    throw new SignInProblem(
      `the sign-in was refused: ${here.searchParams.get('error_description') ?? here.searchParams.get('error')}`,
    );
  const code = here.searchParams.get('code');
  if (code !== null) {
    await finishSignIn(code, here.searchParams.get('state') ?? '');
    return 'signed-in';
  }
  if (readJson<Tokens>(TOKENS_KEY)) return 'signed-in';
  await beginSignIn();
  return 'redirecting';
}

/** Requests of every page fail together when a token expires: one refresh, one sign-in for all. */
let refreshing: Promise<boolean> | undefined;
let signingIn: Promise<void> | undefined;

/** Sends the operator to the managed login with a fresh state and PKCE challenge. */
export function beginSignIn(): Promise<void> {
  signingIn ??= redirectToSignIn();
  return signingIn;
}

async function redirectToSignIn(): Promise<void> {
  const settings = required();
  const verifier = verifierFrom(randomOctets());
  const pending: PendingSignIn = { state: verifierFrom(randomOctets()), verifier, hash: location.hash };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const authorize = new URL(`${settings.cognitoDomainUrl}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: SCOPES,
    state: pending.state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(authorize.toString());
}

async function finishSignIn(code: string, state: string): Promise<void> {
  const settings = required();
  const pending = readJson<PendingSignIn>(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  // The state binds the answer to the request this tab made: anything else is someone else's code.
  if (!pending || pending.state !== state)
    throw new SignInProblem('this sign-in answer does not match a sign-in started here: sign in again');
  await tokenRequest({
    grant_type: 'authorization_code',
    client_id: settings.clientId,
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: pending.verifier,
  });
  // The code is single-use and must not stay in the address bar or the history.
  history.replaceState(null, '', `${new URL(settings.redirectUri).pathname}${pending.hash}`);
}

async function tokenRequest(form: Record<string, string>): Promise<void> {
  const settings = required();
  const response = await fetch(`${settings.cognitoDomainUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string')
    throw new SignInProblem(
      `the token endpoint refused (${response.status}${typeof body.error === 'string' ? ` ${body.error}` : ''})`,
    );
  const previous = readJson<Tokens>(TOKENS_KEY);
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : previous?.refreshToken;
  const tokens: Tokens = {
    accessToken: body.access_token,
    expiresAt: Date.now() + (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000,
    ...(refreshToken ? { refreshToken } : {}),
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
}

/** Uses the refresh token; false when there is none or Cognito refuses it (revoked, expired). */
function refresh(): Promise<boolean> {
  refreshing ??= refreshOnce().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function refreshOnce(): Promise<boolean> {
  const refreshToken = readJson<Tokens>(TOKENS_KEY)?.refreshToken;
  if (!refreshToken) return false;
  try {
    await tokenRequest({
      grant_type: 'refresh_token',
      client_id: required().clientId,
      refresh_token: refreshToken,
    });
    return true;
  } catch {
    sessionStorage.removeItem(TOKENS_KEY);
    return false;
  }
}

/** The Authorization header for an API call (none on the local console). */
export async function authorization(): Promise<Record<string, string>> {
  if (!config) return {};
  let tokens = readJson<Tokens>(TOKENS_KEY);
  if (tokens && tokens.expiresAt - EXPIRY_MARGIN_MS < Date.now() && (await refresh()))
    tokens = readJson<Tokens>(TOKENS_KEY);
  return tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {};
}

/**
 * After a 401: true when a refreshed token is there to retry with; otherwise the page leaves for
 * the login (and the caller should stop).
 */
export async function recoverFromUnauthorized(): Promise<boolean> {
  if (!config) return false;
  if (await refresh()) return true;
  sessionStorage.removeItem(TOKENS_KEY);
  await beginSignIn();
  return false;
}

/** Revokes the refresh token, forgets the tokens and ends the managed login's session too. */
export async function signOut(): Promise<void> {
  const settings = required();
  const refreshToken = readJson<Tokens>(TOKENS_KEY)?.refreshToken;
  sessionStorage.removeItem(TOKENS_KEY);
  if (refreshToken)
    await fetch(`${settings.cognitoDomainUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, client_id: settings.clientId }),
    }).catch(() => undefined);
  const logout = new URL(`${settings.cognitoDomainUrl}/logout`);
  logout.search = new URLSearchParams({
    client_id: settings.clientId,
    logout_uri: settings.redirectUri,
  }).toString();
  location.assign(logout.toString());
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function required(): AuthConfig {
  if (!config) throw new SignInProblem('sign-in is not configured (no config.json)');
  return config;
}
