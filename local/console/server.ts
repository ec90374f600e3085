/**
 * The operator console, served on 127.0.0.1 only: the web app (built into dist/console/ by
 * scripts/build-console.ts) and its JSON API (./api.ts) over a running LocalPipeline.
 *
 *   const console = await startConsole({ pipeline });   // console.url: http://127.0.0.1:PORT/
 *
 * GETs read; the two actions (redrive, replay) are POSTs that need the token minted at start and a
 * confirmation bound to the action (./guard.ts). Every answer forbids framing and sniffing.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { QueryError } from '../../shared/console/search.js';
import type { PipelineManifest } from '../../shared/pipeline/manifest.js';
import type { LocalPipeline } from '../pipeline.js';
import { ApiError, ConsoleApi } from './api.js';
import { confirmationFor, isConfirmed, newSecret, refusal } from './guard.js';

/** Two folders below the repository root, as the sources are and the CLI's chunks (dist/cli/) are. */
export const CONSOLE_ASSETS = fileURLToPath(new URL('../../dist/console/', import.meta.url));

export interface ConsoleOptions {
  readonly pipeline: LocalPipeline;
  /** The pipeline's queues by role (shared/pipeline/manifest.ts); read from the pipeline's resources when absent. */
  readonly manifest?: Pick<PipelineManifest, 'queues'>;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Where the built web app is. @default dist/console/ */
  readonly assets?: string;
}

export interface RunningConsole {
  readonly url: string;
  /** The token POSTs need (the page reads it from its own HTML). */
  readonly token: string;
  close(): Promise<void>;
}

/** Largest request body accepted: actions are a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const ASSET_TYPES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  extra: Record<string, string> = {},
) {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': 'no-store',
    ...extra,
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown) {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function sendProblem(response: ServerResponse, status: number, detail: string) {
  send(response, status, 'application/problem+json', JSON.stringify({ status, detail }));
}

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? ''))
    throw new ApiError(415, 'send the action as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'the request body is not JSON');
  }
}

function integerParameter(url: URL, name: string, fallback?: number): number {
  const value = url.searchParams.get(name);
  if (value === null) {
    if (fallback === undefined) throw new ApiError(400, `missing parameter ${name}`);
    return fallback;
  }
  if (!/^\d{1,9}$/.test(value)) throw new ApiError(400, `${name} must be a whole number, not '${value}'`);
  return Number(value);
}

function requiredParameter(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new ApiError(400, `missing parameter ${name}`);
  return value;
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const api = new ConsoleApi(options.pipeline, options.manifest);
  const assets = options.assets ?? CONSOLE_ASSETS;
  const token = newSecret();
  // The confirmations' key: never sent to the page, so only the server can mint a confirmation.
  const confirmationSecret = newSecret();
  let port = 0;

  const page = async () => {
    const html = await readFile(`${assets}index.html`, 'utf8').catch(() => undefined);
    if (html === undefined) return undefined;
    return html.replace('%CONSOLE_TOKEN%', token);
  };

  const routes = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const { pathname } = url;
    if (
      request.method === 'GET' &&
      (pathname === '/' || (!pathname.startsWith('/api/') && !pathname.startsWith('/assets/')))
    ) {
      const html = await page();
      if (html === undefined) {
        sendProblem(response, 503, 'the console web app is not built: run `npm run build`');
        return;
      }
      send(response, 200, 'text/html; charset=utf-8', html);
      return;
    }
    if (request.method === 'GET' && pathname.startsWith('/assets/')) {
      const name = pathname.slice('/assets/'.length);
      const type = ASSET_TYPES[name];
      const content = type ? await readFile(`${assets}${name}`).catch(() => undefined) : undefined;
      if (!type || content === undefined) {
        sendProblem(response, 404, `no asset ${name}`);
        return;
      }
      send(response, 200, type, content);
      return;
    }
    if (request.method === 'GET') {
      switch (pathname) {
        case '/api/articles':
          sendJson(response, 200, await api.articles(Object.fromEntries(url.searchParams)));
          return;
        case '/api/article':
          sendJson(response, 200, await api.article(requiredParameter(url, 'uri')));
          return;
        case '/api/diff':
          sendJson(
            response,
            200,
            await api.diff(
              requiredParameter(url, 'uri'),
              integerParameter(url, 'from'),
              integerParameter(url, 'to'),
            ),
          );
          return;
        case '/api/rejections':
          sendJson(response, 200, await api.rejections(integerParameter(url, 'limit', 50)));
          return;
        case '/api/rejections/original': {
          const key = requiredParameter(url, 'key');
          // Bytes as the publisher sent them: a download, never rendered (they may be hostile HTML).
          send(response, 200, 'application/octet-stream', await api.quarantined(key), {
            'content-disposition': `attachment; filename="${key.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
            'content-security-policy': 'sandbox',
          });
          return;
        }
        case '/api/partners':
          sendJson(response, 200, await api.partners(integerParameter(url, 'bucket', 60)));
          return;
        case '/api/health':
          sendJson(response, 200, await api.health());
          return;
      }
    }
    if (request.method === 'POST' && pathname === '/api/actions/prepare') {
      const { action, summary } = await api.describe(await bodyOf(request));
      sendJson(response, 200, { action, summary, confirmation: confirmationFor(confirmationSecret, action) });
      return;
    }
    if (request.method === 'POST' && pathname === '/api/actions/run') {
      const body = (await bodyOf(request)) as { action?: unknown; confirmation?: unknown };
      const { action } = await api.describe(body.action);
      if (
        typeof body.confirmation !== 'string' ||
        !isConfirmed(confirmationSecret, action, body.confirmation)
      )
        throw new ApiError(
          403,
          'this action was not confirmed: prepare it, then confirm exactly that action',
        );
      sendJson(response, 200, await api.run(action));
      return;
    }
    sendProblem(
      response,
      request.method === 'GET' || request.method === 'POST' ? 404 : 405,
      `no route ${request.method} ${pathname}`,
    );
  };

  const server = createServer((request, response) => {
    const refused = refusal(
      {
        method: request.method ?? 'GET',
        ...(request.headers.host !== undefined ? { host: request.headers.host } : {}),
        ...(request.headers.origin !== undefined ? { origin: request.headers.origin } : {}),
        ...(typeof request.headers['x-console-token'] === 'string'
          ? { token: request.headers['x-console-token'] }
          : {}),
      },
      port,
      token,
    );
    if (refused) {
      sendProblem(response, 403, refused);
      request.resume();
      return;
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    routes(request, response, url).catch((error: unknown) => {
      if (error instanceof ApiError) sendProblem(response, error.status, error.message);
      else if (error instanceof QueryError) sendProblem(response, 400, error.message);
      else sendProblem(response, 500, `the console failed: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: async () => {
      api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
