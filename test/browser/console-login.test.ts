/**
 * The deployed console's sign-in in a real browser: Debian's Chromium (playwright-core) against two
 * loopback servers standing in for AWS — a "distribution" serving the built page with the deployed
 * Content-Security-Policy, its config.json and an `/api/*` that answers 401 without the expected
 * bearer token, as an HTTP API JWT authorizer does; and a "Cognito" with the managed login's
 * endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/logout`), which checks the
 * PKCE verifier against the challenge with Node's own SHA-256, independently of the page.
 *
 *   npm run test:browser          (needs Chromium: apt-get install -y chromium; SYNDICATE_CHROMIUM=path overrides)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { contentSecurityPolicy, readBuiltPage } from '../../infra/constructs/operator-console-site.js';
import { buildConsole, CONSOLE_OUT } from '../../scripts/build-console.js';

const CHROMIUM = process.env.SYNDICATE_CHROMIUM ?? '/usr/bin/chromium';
const CLIENT_ID = '4example0client0id0console';
const SEEN_WITHIN_MS = 15_000;
/** What an HTTP API JWT authorizer answers without a valid token. */
const UNAUTHORIZED_BODY = '{"message":"Unauthorized"}';

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set SYNDICATE_CHROMIUM`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

describe('console sign-in (Cognito, authorization code + PKCE) in Chromium', { skip }, () => {
  let site: Server;
  let cognito: Server;
  let siteUrl: string;
  let cognitoUrl: string;
  let browser: Browser;
  /** The access token the API accepts now; changing it makes the page's token stale. */
  let validAccessToken = 'access-1';
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const revoked: string[] = [];
  const logouts: URLSearchParams[] = [];
  const apiAuthorizations: string[] = [];
  const partnerQueries: URLSearchParams[] = [];
  const issuedCodes = new Map<string, { challenge: string; redirectUri: string }>();

  before(async () => {
    await buildConsole();
    const page = readBuiltPage(CONSOLE_OUT);

    cognito = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://cognito');
      const json = (status: number, body: unknown) => {
        response.writeHead(status, {
          'content-type': 'application/json',
          'access-control-allow-origin': siteUrl,
        });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
        authorizeRequests.push(url.searchParams);
        const code = `code-${authorizeRequests.length}`;
        issuedCodes.set(code, {
          challenge: url.searchParams.get('code_challenge') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') ?? '',
        });
        // The operator signs in on the managed login; then Cognito sends the browser back.
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        response.writeHead(302, { location: back.toString() });
        response.end();
        return;
      }
      if (request.method === 'POST' && url.pathname === '/oauth2/token') {
        const form = await formOf(request);
        tokenRequests.push(form);
        if (form.get('client_id') !== CLIENT_ID) return json(400, { error: 'invalid_client' });
        if (form.get('grant_type') === 'authorization_code') {
          const issued = issuedCodes.get(form.get('code') ?? '');
          issuedCodes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
          if (!issued || issued.redirectUri !== form.get('redirect_uri') || issued.challenge !== challenge)
            return json(400, { error: 'invalid_grant' });
          return json(200, {
            access_token: 'access-1',
            id_token: 'id-1',
            refresh_token: 'refresh-1',
            token_type: 'Bearer',
            expires_in: 3600,
          });
        }
        if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1')
          // Cognito returns no new refresh token on a refresh.
          return json(200, {
            access_token: 'access-2',
            id_token: 'id-2',
            token_type: 'Bearer',
            expires_in: 3600,
          });
        return json(400, { error: 'invalid_grant' });
      }
      if (request.method === 'POST' && url.pathname === '/oauth2/revoke') {
        revoked.push((await formOf(request)).get('token') ?? '');
        return json(200, {});
      }
      if (request.method === 'GET' && url.pathname === '/logout') {
        logouts.push(url.searchParams);
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>Signed out</title><p>Signed out</p>');
        return;
      }
      json(404, { error: 'not found' });
    });
    cognitoUrl = await listen(cognito);

    site = createServer((request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://site');
      const headers = {
        'content-security-policy': contentSecurityPolicy(cognitoUrl),
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      };
      const send = (status: number, type: string, body: string) => {
        response.writeHead(status, { ...headers, 'content-type': type });
        response.end(body);
      };
      if (url.pathname.startsWith('/api/')) {
        apiAuthorizations.push(request.headers.authorization ?? '');
        if (request.headers.authorization !== `Bearer ${validAccessToken}`)
          return send(401, 'application/json', UNAUTHORIZED_BODY);
        if (url.pathname === '/api/health')
          return send(
            200,
            'application/json',
            JSON.stringify({
              target: 'stack Syndication-test',
              queues: [{ name: 'IngestQueue', role: 'ingest', waiting: 0, inFlight: 0 }],
              deadLetterMessages: 0,
              alarms: { state: 'OK', detail: 'every alarm OK' },
              withheld: 0,
              deliveries: 7,
            }),
          );
        if (url.pathname === '/api/article')
          return send(200, 'application/json', JSON.stringify(AWS_ARTICLE));
        if (url.pathname === '/api/partners') {
          partnerQueries.push(url.searchParams);
          return send(200, 'application/json', JSON.stringify(AWS_PARTNERS));
        }
        return send(404, 'application/json', '{"message":"Not Found"}');
      }
      if (url.pathname === '/config.json')
        return send(
          200,
          'application/json',
          JSON.stringify({
            region: 'eu-west-1',
            cognitoDomainUrl: cognitoUrl,
            clientId: CLIENT_ID,
            redirectUri: `${siteUrl}/`,
            apiBase: '/api',
          }),
        );
      if (url.pathname === '/') return send(200, 'text/html', page['index.html'] as string);
      const asset = page[url.pathname.slice(1)];
      if (asset !== undefined)
        return send(200, url.pathname.endsWith('.css') ? 'text/css' : 'text/javascript', asset);
      // S3 behind OAC answers 403 for a key it does not have.
      send(403, 'application/xml', '<Error><Code>AccessDenied</Code></Error>');
    });
    siteUrl = await listen(site);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    site?.closeAllConnections();
    cognito?.closeAllConnections();
    await Promise.all([site, cognito].map((server) => new Promise((resolve) => server?.close(resolve))));
  });

  const newPage = async (): Promise<{ page: Page; violations: string[] }> => {
    const page = await browser.newPage();
    page.setDefaultTimeout(SEEN_WITHIN_MS);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    return { page, violations };
  };

  test('signs in with PKCE, calls the API with the access token, refreshes it on a 401, signs out', async () => {
    const { page, violations } = await newPage();
    await page.goto(`${siteUrl}/#/health`);
    await page.getByRole('heading', { name: 'Pipeline health' }).waitFor();
    await page.getByText('stack Syndication-test').waitFor();

    // The authorization request: code flow with an S256 challenge, back to the registered URL.
    assert.equal(authorizeRequests.length, 1);
    const authorize = authorizeRequests[0] as URLSearchParams;
    assert.equal(authorize.get('response_type'), 'code');
    assert.equal(authorize.get('client_id'), CLIENT_ID);
    assert.equal(authorize.get('redirect_uri'), `${siteUrl}/`);
    assert.equal(authorize.get('code_challenge_method'), 'S256');
    assert.match(authorize.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(authorize.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual((authorize.get('scope') ?? '').split(' ').sort(), ['email', 'openid', 'profile']);
    // The exchange carried the verifier of that challenge (the fake Cognito refused otherwise).
    const exchange = tokenRequests[0] as URLSearchParams;
    assert.equal(exchange.get('grant_type'), 'authorization_code');
    assert.equal(exchange.get('code'), 'code-1');
    assert.equal(exchange.get('client_id'), CLIENT_ID);
    assert.equal(exchange.get('client_secret'), null);
    // The code left the address bar; the page the operator asked for is back.
    assert.equal(page.url(), `${siteUrl}/#/health`);
    assert.deepEqual(new Set(apiAuthorizations), new Set(['Bearer access-1']));
    const stored = await page.evaluate(() => Object.keys(sessionStorage).sort());
    assert.deepEqual(stored, ['syndication-console.tokens']);

    // The access token goes stale: the API answers 401, the page refreshes once and carries on.
    validAccessToken = 'access-2';
    await waitUntil(() => apiAuthorizations.includes('Bearer access-2'));
    const refresh = tokenRequests.find((form) => form.get('grant_type') === 'refresh_token');
    assert.equal(refresh?.get('refresh_token'), 'refresh-1');
    assert.equal(authorizeRequests.length, 1, 'no new sign-in while the refresh token works');
    await page.getByText('stack Syndication-test').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${cognitoUrl}/logout?**`);
    assert.deepEqual(revoked, ['refresh-1']);
    assert.equal(logouts[0]?.get('client_id'), CLIENT_ID);
    assert.equal(logouts[0]?.get('logout_uri'), `${siteUrl}/`);
    assert.deepEqual(violations, [], 'the page runs under the deployed Content-Security-Policy');
    await page.close();
  });

  test('AWS answers: routed rows say they are not confirmed, figures show what they rest on', async () => {
    const { page } = await newPage();
    await page.goto(`${siteUrl}/#/article?uri=${encodeURIComponent(AWS_ARTICLE.head.uri)}`);
    await page.getByRole('heading', { name: AWS_ARTICLE.head.headline }).waitFor();
    await page.getByText('Routed to all-news-wire.').waitFor();
    await page.getByText(AWS_ARTICLE.deliveriesBasis).waitFor();
    const row = page.locator('table.deliveries tr[data-partner="all-news-wire"]');
    assert.match((await row.textContent()) ?? '', /routed \(not confirmed\)/);

    await page.goto(`${siteUrl}/#/partners`);
    await page.getByRole('heading', { name: 'Partners' }).waitFor();
    await page.getByText(AWS_PARTNERS[0]?.basis ?? '').waitFor();
    const cells = await page.locator('tr[data-partner="all-news-wire"] td').allTextContents();
    // deliveries unknown (null) shows as a dash, failures as counted.
    assert.deepEqual(cells.slice(6, 8), ['–', '2']);
    // A day of delivery logs in 15-minute buckets: 96 rows a partner, inside Logs Insights' 10,000.
    assert.equal(partnerQueries.at(-1)?.get('bucket'), '900');
    await page.close();
  });

  test('a code that this tab did not ask for is refused, and never sent to the token endpoint', async () => {
    const { page } = await newPage();
    const exchangesBefore = tokenRequests.length;
    await page.goto(`${siteUrl}/?code=forged-code&state=forged-state`);
    await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
    assert.match(
      (await page.getByRole('alert').textContent()) ?? '',
      /does not match a sign-in started here/,
    );
    assert.equal(tokenRequests.length, exchangesBefore);
    await page.close();
  });

  test('a refused sign-in says why', async () => {
    const { page } = await newPage();
    await page.goto(`${siteUrl}/?error=access_denied&error_description=User+is+disabled.`);
    await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /refused: User is disabled\./);
    await page.close();
  });
});

/** An article as the deployed API answers it: the partners SNS routes the version to, unconfirmed. */
const AWS_ARTICLE = {
  head: {
    uri: 'urn:newsml:example.com:20261207:wire-1',
    version: 1,
    headline: 'Ministers agree on a ceasefire plan',
    source: 'wire',
    language: 'en',
    pubStatus: 'usable',
    origin: { key: 'wire/ceasefire.txt' },
    subjectCodes: [],
    firstCreated: '2026-12-07T22:10:00.000Z',
    versionCreated: '2026-12-07T22:10:00.000Z',
  },
  versions: [
    {
      version: 1,
      contentHash: 'c0ffee0123456789abcdef',
      pubStatus: 'usable',
      versionCreated: '2026-12-07T22:10:00.000Z',
      ninjs: {},
      provenance: {},
    },
  ],
  deliveries: [
    {
      partner: 'all-news-wire',
      uri: 'urn:newsml:example.com:20261207:wire-1',
      version: 1,
      eventType: 'created',
      payload: 'full',
      receivedAt: null,
      uploadedAt: null,
      latencyMs: null,
      confirmed: false,
    },
  ],
  deliveriesBasis:
    'routed, not confirmed: the partners whose filter policy takes this version; SNS keeps no per-delivery record to confirm receipt (see the partners page for delivery figures)',
};

/** The partners page as the deployed API answers it: deliveries unknown, with the basis of the figures. */
const AWS_PARTNERS = [
  {
    name: 'all-news-wire',
    description: null,
    delivery: 'sqs',
    endpoint: null,
    filters: {},
    payload: 'full',
    fullTextLink: false,
    queue: { name: 'syn-test-all-news-wire', role: 'partner', waiting: 0, inFlight: 0 },
    deadLetterQueue: {
      name: 'syn-test-all-news-wire-dlq',
      role: 'partner-dead-letter',
      waiting: 0,
      inFlight: 0,
    },
    deliveries: null,
    failures: 2,
    latency: { samples: 0, p50Ms: null, p95Ms: null, bucketSeconds: 900, overTime: [] },
    recent: [],
    basis:
      'AWS: failures: every failed SNS delivery (metric DeliveryFailures by destination); successes are not logged (sample rate 0%), so no deliveries or latency',
  },
];

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < SEEN_WITHIN_MS / 100; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('the condition did not hold in time');
}
