/**
 * `GET /documents/<id>/v<version>?expires=…&sig=…`: one article version's ninjs, exactly the bytes
 * whose size and SHA-256 the message's link announced, read through the index (which reads documents
 * too large for an item from where it keeps them).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ArticleIndex } from '../ports/article-index.js';
import { type ApiRequest, type ApiResponse, problem, type RouteHandler } from './http.js';
import type { LinkSigner } from './signed-links.js';

/** How long a client may reuse a fetched document without asking again (capped by the link's life). */
export const DOCUMENT_MAX_AGE_SECONDS = 300;
/** Documents from this size on go gzip-compressed to a client that accepts it. */
export const COMPRESS_FROM_BYTES = 1024;
/**
 * The largest body a document answer may have: Lambda returns at most 6 MB (6,291,456 bytes) to API
 * Gateway, a binary body base64-encoded (4 bytes per 3), and headers share the limit.
 */
export const MAX_ANSWER_BODY_BYTES = Math.floor(((6 * 1024 * 1024 - 16 * 1024) * 3) / 4);

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
    // A document's JSON compresses several times over: the largest articles fit the carrier's limit
    // only compressed, and every answer costs less transfer.
    if (bytes.length >= COMPRESS_FROM_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
      const compressed = gzipSync(bytes);
      if (compressed.length <= MAX_ANSWER_BODY_BYTES) {
        return {
          status: 200,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            vary: 'accept-encoding',
          },
          body: compressed,
        } satisfies ApiResponse;
      }
    }
    if (bytes.length > MAX_ANSWER_BODY_BYTES) {
      return problem(
        406,
        'too-large-uncompressed',
        `the document is ${bytes.length} bytes: request it with accept-encoding: gzip`,
      );
    }
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json', vary: 'accept-encoding' },
      body: bytes,
    } satisfies ApiResponse;
  };
}

/** Whether an Accept-Encoding header (RFC 9110) admits gzip: listed without `q=0`, or `*` without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const codings = new Map(
    header.split(',').map((part) => {
      const [coding = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = parameters.find((parameter) => parameter.startsWith('q='));
      return [coding, q === undefined ? 1 : Number(q.slice(2))] as const;
    }),
  );
  const q = codings.get('gzip') ?? codings.get('x-gzip') ?? codings.get('*') ?? 0;
  return q > 0;
}

/** RFC 9110 If-None-Match: `*` or a list of entity tags, compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
