/**
 * The content API on this machine: node:http on 127.0.0.1 serving the same router as the Lambda
 * function (shared/content-api/service.ts) over the local index. Links that publish signs with the
 * same key fetch from it as they would from the HTTP API in AWS.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest, RouteHandler } from '../shared/content-api/http.js';
import { type ContentApiDependencies, contentApi } from '../shared/content-api/service.js';

export interface ContentApiServerOptions extends Omit<ContentApiDependencies, 'now'> {
  readonly now?: () => Date;
  /** @default 0 (any free port) */
  readonly port?: number;
}

export interface ContentApiServer {
  /** `http://127.0.0.1:<port>`: the base URL links point to. */
  readonly url: string;
  close(): Promise<void>;
}

/** A signing key for one local run (links die with it, as they would when the stack's key is rotated). */
export function localSigningKey(): Uint8Array {
  return randomBytes(32);
}

function apiRequestOf(request: IncomingMessage, baseUrl: string): ApiRequest {
  const url = new URL(request.url ?? '/', baseUrl);
  const query: Record<string, string> = {};
  // As API Gateway does, a repeated parameter's values are joined with commas.
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: request.method ?? 'GET', path: url.pathname, query, headers, baseUrl };
}

async function answer(
  api: RouteHandler,
  baseUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  request.resume(); // the API reads no request bodies
  try {
    const result = await api(apiRequestOf(request, baseUrl));
    const body = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
    response.writeHead(result.status, { ...result.headers, 'content-length': String(body.byteLength) });
    response.end(body);
  } catch {
    // The router answers route failures itself; this is a failure of the carrier (a malformed URL…).
    response.writeHead(400, { 'content-type': 'application/problem+json' });
    response.end(
      JSON.stringify({ status: 400, title: 'bad-request', detail: 'the request could not be read' }),
    );
  }
}

export async function startContentApiServer(options: ContentApiServerOptions): Promise<ContentApiServer> {
  const { port = 0, now = () => new Date(), ...dependencies } = options;
  const api = contentApi({ ...dependencies, now });
  let baseUrl = '';
  const server = createServer((request, response) => {
    void answer(api, baseUrl, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
