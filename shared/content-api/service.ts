/**
 * The content API as one handler, whatever carries it: the router over the document route (signed
 * links, verified with the stack's key) and, when a deployment has them, the feeds. The Lambda entry
 * (functions/content-api.ts) and the local server (local/content-api-server.ts) both build it here.
 */
import type { ArticleIndex } from '../ports/article-index.js';
import { documentRoute } from './documents.js';
import type { ApiRequest, RouteHandler } from './http.js';
import { contentApiRouter } from './router.js';
import { LinkSigner } from './signed-links.js';

export interface ContentApiDependencies {
  readonly index: Pick<ArticleIndex, 'current' | 'version'>;
  /** The link signing key; read on the first document request and kept. */
  readonly signingKey: () => Promise<Uint8Array>;
  readonly now: () => Date;
  /** The pull feeds (shared/feeds); absent: `/feeds/…` is 404. */
  readonly feeds?: RouteHandler;
  /** Who a request authenticates as, for links bound to one partner. */
  readonly callerPartner?: (request: ApiRequest) => Promise<string | undefined>;
  readonly onError?: (error: unknown, request: ApiRequest) => void;
}

/** The signer of `key`, made once per key source (one HMAC key object per process). */
export function lazySigner(signingKey: () => Promise<Uint8Array>): () => Promise<LinkSigner> {
  let signer: Promise<LinkSigner> | undefined;
  return () => {
    signer ??= signingKey().then(
      (key) => new LinkSigner(key),
      (error: unknown) => {
        signer = undefined;
        throw error;
      },
    );
    return signer;
  };
}

export function contentApi(deps: ContentApiDependencies): RouteHandler {
  const signer = lazySigner(deps.signingKey);
  const documents: RouteHandler = async (request) =>
    documentRoute({
      index: deps.index,
      signer: await signer(),
      now: deps.now,
      ...(deps.callerPartner ? { callerPartner: deps.callerPartner } : {}),
    })(request);
  return contentApiRouter({
    documents,
    ...(deps.feeds ? { feeds: deps.feeds } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
