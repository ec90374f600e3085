/**
 * The content API's routes: signed documents (`GET /documents/…`) and pull feeds (`GET /feeds/…`,
 * delegated to the feeds' own handler). Every other path is 404 and every other method 405, as
 * RFC 9457 problem details. Carriers (functions/content-api.ts, local/content-api-server.ts) turn
 * their requests into `ApiRequest`s and call the router.
 */

import { type ApiRequest, type ApiResponse, problem, type RouteHandler } from './http.js';
import { DOCUMENTS_PATH } from './signed-links.js';

export const FEEDS_PATH = '/feeds/';

export interface RouterRoutes {
  readonly documents: RouteHandler;
  /** The pull feeds; absent until a deployment has them (then `/feeds/…` is 404). */
  readonly feeds?: RouteHandler;
  /** Told of a route that failed unexpectedly (the index could not be read…); the client gets a 500. */
  readonly onError?: (error: unknown, request: ApiRequest) => void;
}

/** Methods a read-only API answers; HEAD is answered as GET without the body. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export function contentApiRouter(routes: RouterRoutes): RouteHandler {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const route = routeOf(request.path, routes);
    if (!route) return problem(404, 'not-found', `no resource at ${request.path}`);
    const method = request.method.toUpperCase();
    if (!READ_METHODS.has(method)) {
      const refused = problem(
        405,
        'method-not-allowed',
        `${method} is not allowed here: the API is read-only`,
      );
      return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
    }
    try {
      const response = await route({ ...request, method: 'GET' });
      return method === 'HEAD' ? { ...response, body: '' } : response;
    } catch (error) {
      routes.onError?.(error, request);
      return problem(500, 'internal-error', 'the service could not answer; retry later');
    }
  };
}

function routeOf(path: string, routes: RouterRoutes): RouteHandler | undefined {
  if (path.startsWith(DOCUMENTS_PATH)) return routes.documents;
  if (path.startsWith(FEEDS_PATH)) return routes.feeds;
  return undefined;
}
