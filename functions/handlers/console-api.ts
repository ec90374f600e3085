/**
 * The console API's Lambda handler: an API Gateway HTTP API request (payload format 2.0) routed to
 * the console service (shared/console/api.ts), the answer as JSON. The same routes and answers as
 * the local console (local/console/server.ts), so the same page works against either.
 *
 * API Gateway lets a request through only with a valid Cognito JWT (infra/constructs/console-api.ts);
 * the handler still refuses one without the token's subject, because an action is bound to who
 * prepared it. Actions are POSTs in two steps: `prepare` describes the action and returns a
 * confirmation (an HMAC of exactly that action and that user under the stack's confirmation key);
 * `run` needs it back. A bearer token in a header, unlike a cookie, is never sent by another site's
 * page, so no other anti-forgery token is needed here.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, type ConsoleAction, type ConsoleService } from '../../shared/console/api.js';
import { confirmationFor, isConfirmed } from '../../shared/console/confirmation.js';
import { QueryError } from '../../shared/console/search.js';
import { InvalidRequestError } from '../../shared/domain/errors.js';

export type ConsoleApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ConsoleApiResult = APIGatewayProxyStructuredResultV2;

/** Largest request body accepted: actions are a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

export interface ConsoleHandlerOptions {
  /** Keys the confirmations; the same for every instance of the function, so any of them can check one. */
  readonly confirmationKey: string;
  /** A request that failed for a reason that is not the caller's (logged; the caller gets a 500). */
  readonly onError?: (error: unknown, request: { method: string; path: string }) => void;
  /** An action that was run, with who ran it (an audit line in the log). */
  readonly onAction?: (action: ConsoleAction, caller: string, result: unknown) => void;
}

function json(status: number, value: unknown): ConsoleApiResult {
  return {
    statusCode: status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
    isBase64Encoded: false,
  };
}

function problem(status: number, detail: string): ConsoleApiResult {
  return {
    statusCode: status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/problem+json' },
    body: JSON.stringify({ status, detail }),
    isBase64Encoded: false,
  };
}

type Query = Readonly<Record<string, string | undefined>>;

function integerParameter(query: Query, name: string, fallback?: number): number {
  const value = query[name];
  if (value === undefined) {
    if (fallback === undefined) throw new ApiError(400, `missing parameter ${name}`);
    return fallback;
  }
  if (!/^\d{1,9}$/.test(value)) throw new ApiError(400, `${name} must be a whole number, not '${value}'`);
  return Number(value);
}

function requiredParameter(query: Query, name: string): string {
  const value = query[name];
  if (!value) throw new ApiError(400, `missing parameter ${name}`);
  return value;
}

function bodyOf(event: ConsoleApiEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, `request body over ${MAX_BODY_BYTES} bytes`);
  if (!/^application\/json\b/.test(headerOf(event, 'content-type') ?? ''))
    throw new ApiError(415, 'send the action as application/json');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError(400, 'the request body is not JSON');
  }
}

function headerOf(event: ConsoleApiEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The signed-in user: the JWT's subject, as API Gateway's authoriser passes its claims. */
function callerOf(event: ConsoleApiEvent): string {
  const subject = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof subject !== 'string' || subject === '')
    throw new ApiError(401, 'no signed-in user: the request carries no verified token subject');
  return subject;
}

const GET_ROUTES = new Set([
  '/api/articles',
  '/api/article',
  '/api/diff',
  '/api/rejections',
  '/api/rejections/original',
  '/api/partners',
  '/api/health',
]);
const POST_ROUTES = new Set(['/api/actions/prepare', '/api/actions/run']);

export function createConsoleApiHandler(service: ConsoleService, options: ConsoleHandlerOptions) {
  // Bound to the user as well: a confirmation prepared by one operator does not run as another.
  const keyFor = (caller: string) => `${options.confirmationKey}\n${caller}`;

  const route = async (event: ConsoleApiEvent, method: string, path: string): Promise<ConsoleApiResult> => {
    const caller = callerOf(event);
    const query: Query = event.queryStringParameters ?? {};
    if (method === 'GET') {
      switch (path) {
        case '/api/articles':
          return json(200, await service.articles(query));
        case '/api/article':
          return json(200, await service.article(requiredParameter(query, 'uri')));
        case '/api/diff':
          return json(
            200,
            await service.diff(
              requiredParameter(query, 'uri'),
              integerParameter(query, 'from'),
              integerParameter(query, 'to'),
            ),
          );
        case '/api/rejections':
          return json(200, await service.rejections(integerParameter(query, 'limit', 50)));
        case '/api/rejections/original': {
          const key = requiredParameter(query, 'key');
          const bytes = await service.quarantined(key);
          // Bytes as the publisher sent them: a download, never rendered (they may be hostile HTML).
          return {
            statusCode: 200,
            headers: {
              ...SECURITY_HEADERS,
              'content-type': 'application/octet-stream',
              'content-disposition': `attachment; filename="${key.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
              'content-security-policy': 'sandbox',
            },
            body: Buffer.from(bytes).toString('base64'),
            isBase64Encoded: true,
          };
        }
        case '/api/partners':
          return json(200, await service.partners(integerParameter(query, 'bucket', 60)));
        case '/api/health':
          return json(200, await service.health());
      }
    }
    if (method === 'POST' && path === '/api/actions/prepare') {
      const { action, summary } = await service.describe(bodyOf(event));
      return json(200, { action, summary, confirmation: confirmationFor(keyFor(caller), action) });
    }
    if (method === 'POST' && path === '/api/actions/run') {
      const body = bodyOf(event) as { action?: unknown; confirmation?: unknown } | null;
      const { action } = await service.describe(body?.action);
      if (typeof body?.confirmation !== 'string' || !isConfirmed(keyFor(caller), action, body.confirmation))
        throw new ApiError(
          403,
          'this action was not confirmed: prepare it, then confirm exactly that action',
        );
      const result = await service.run(action);
      options.onAction?.(action, caller, result);
      return json(200, result);
    }
    const known = GET_ROUTES.has(path) || POST_ROUTES.has(path);
    if (known) {
      const allowed = GET_ROUTES.has(path) ? 'GET' : 'POST';
      return {
        ...problem(405, `${path} takes ${allowed}, not ${method}`),
        headers: { ...SECURITY_HEADERS, 'content-type': 'application/problem+json', allow: allowed },
      };
    }
    return problem(404, `no route ${method} ${path}`);
  };

  return async (event: ConsoleApiEvent): Promise<ConsoleApiResult> => {
    const method = event.requestContext.http.method;
    const path = event.rawPath || '/';
    try {
      return await route(event, method, path);
    } catch (error) {
      if (error instanceof ApiError) return problem(error.status, error.message);
      if (error instanceof QueryError || error instanceof InvalidRequestError)
        return problem(400, error.message);
      options.onError?.(error, { method, path });
      return problem(
        500,
        `the console failed (request ${event.requestContext.requestId}): see the function's log`,
      );
    }
  };
}
