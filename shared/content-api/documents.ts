/**
 * `GET /documents/<id>/v<version>?expires=…&sig=…`: one article version's ninjs, exactly the bytes
 * whose size and SHA-256 the message's link announced, read through the index (which reads documents
 * too large for an item from where it keeps them).
 */
import { createHash } from 'node:crypto';
import type { ArticleIndex } from '../ports/article-index.js';
import { type ApiRequest, type ApiResponse, problem, type RouteHandler } from './http.js';
import type { LinkSigner } from './signed-links.js';

/** How long a client may reuse a fetched document without asking again (capped by the link's life). */
export const DOCUMENT_MAX_AGE_SECONDS = 300;

export interface DocumentRouteDependencies {
  readonly index: Pick<ArticleIndex, 'current' | 'version'>;
  readonly signer: LinkSigner;
  readonly now: () => Date;
  /**
   * The partner the request authenticates as (an API key or an IAM caller), for links bound to one
   * partner; undefined when the request names none. Absent: partner-bound links are refused.
   */
  readonly callerPartner?: (request: ApiRequest) => Promise<string | undefined>;
}

export function documentRoute(deps: DocumentRouteDependencies): RouteHandler {
  return async (request) => {
    const now = deps.now();
    const check = deps.signer.verify(request.path, request.query, now);
    if (!check.ok) return problem(check.reason === 'malformed-link' ? 404 : 403, check.reason, check.detail);
    const { uri, version, partner, expires } = check.claims;
    if (partner !== undefined) {
      const caller = deps.callerPartner ? await deps.callerPartner(request) : undefined;
      if (caller !== partner) {
        return problem(403, 'other-partner', `this link was issued to partner ${partner} only`);
      }
    }
    const head = await deps.index.current(uri);
    if (!head || version > head.version) {
      return problem(404, 'not-found', `${uri} has no version ${version}`);
    }
    // A withdrawal takes every version with it: partners were told to delete the article.
    if (head.pubStatus === 'canceled') {
      return problem(410, 'withdrawn', `${uri} was withdrawn at version ${head.version}`);
    }
    const stored = await deps.index.version(uri, version);
    if (stored?.ninjs.pubStatus !== 'usable') {
      return problem(404, 'not-found', `${uri} version ${version} is not published`);
    }
    const bytes = Buffer.from(JSON.stringify(stored.ninjs), 'utf8');
    const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
    const maxAge = Math.max(
      0,
      Math.min(DOCUMENT_MAX_AGE_SECONDS, expires - Math.floor(now.getTime() / 1000)),
    );
    const headers = {
      // Private: a shared cache would go on serving a document after its article is withdrawn.
      'cache-control': `private, max-age=${maxAge}`,
      etag,
      'last-modified': new Date(stored.ninjs.versionCreated ?? head.versionCreated).toUTCString(),
    };
    if (matchesEtag(request.headers['if-none-match'], etag)) return { status: 304, headers, body: '' };
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json' },
      body: bytes,
    } satisfies ApiResponse;
  };
}

/** RFC 9110 If-None-Match: `*` or a list of entity tags, compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
