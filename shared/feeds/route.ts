/**
 * `GET /feeds/{partner}.atom|.json?since=&page=`: a partner's pull feed (./feed-page.ts), with
 * conditional requests and per-partner authentication.
 *
 * Who may read a feed: the caller that presents a key issued to that partner (`Authorization: Bearer
 * <key>` or `x-api-key: <key>`), or a caller the carrier authenticated with IAM whose account is the
 * one the partner's registry entry names (`delivery.accountId`). A missing, unknown or expired key is
 * 401; a valid key or account of another partner is 403, whether or not the named feed exists, so
 * that a partner learns nothing about others.
 *
 * Conditional requests: the weak `ETag` changes whenever the page's entries, next link or cursor do
 * (signed links inside may differ from one answer to the next; the content does not), and
 * `Last-Modified` is the write time of the newest entry read, which only grows (see the visibility
 * rule in ./entries.ts). Both are answered from the index alone, before any document is read.
 */
import { type ApiRequest, type ApiResponse, problem, type RouteHandler } from '../content-api/http.js';
import { partnerResourceId } from '../partners/registry.js';
import type { ContentStore } from '../ports/content-store.js';
import type { FeedIndex } from '../ports/feed-index.js';
import { type ApiKeyStore, checkApiKey } from './api-keys.js';
import { FEED_SETTLE_MS, parseCursor } from './entries.js';
import { CursorExpiredError, type FeedSelection, loadFeedItems, selectFeedPage } from './feed-page.js';
import type { FeedPartner } from './feed-partners.js';
import {
  ATOM_CONTENT_TYPE,
  type FeedView,
  JSON_FEED_CONTENT_TYPE,
  renderAtom,
  renderJsonFeed,
} from './render.js';

export interface FeedRouteDependencies {
  readonly index: FeedIndex;
  readonly keys: ApiKeyStore;
  readonly partners: readonly FeedPartner[];
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** How long an entry takes to become visible (FEED_SETTLE_MS in AWS, LOCAL_FEED_SETTLE_MS locally). */
  readonly settleMs?: number;
  readonly pageSize?: number;
  readonly scanBudget?: number;
  /** Where documents are linked from (summaries for partners entitled to the full text, claim checks). */
  readonly contentStore?: ContentStore;
  /**
   * Answer without credentials: for the operator's own tools, which already hold the table the feed
   * is read from. Never set behind a public endpoint.
   */
  readonly trustCaller?: boolean;
}

export const FEED_PATH = /^\/feeds\/([a-z][a-z0-9-]{2,39})\.(atom|json)$/;

const PUBLIC_HEADERS = {
  'cache-control': 'private, no-cache',
  vary: 'authorization, x-api-key',
} as const;

function unauthorised(reason: string, detail: string): ApiResponse {
  const response = problem(401, reason, detail);
  return {
    ...response,
    headers: { ...response.headers, 'www-authenticate': 'Bearer realm="feeds"' },
  };
}

function presentedKey(request: ApiRequest): string | undefined {
  const authorization = request.headers.authorization;
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  return bearer ?? request.headers['x-api-key']?.trim();
}

/** Undefined when the caller may read `name`'s feed; otherwise the answer to give. */
async function refusal(
  deps: FeedRouteDependencies,
  request: ApiRequest,
  name: string,
): Promise<ApiResponse | undefined> {
  if (deps.trustCaller) return undefined;
  const partner = deps.partners.find((candidate) => candidate.name === name);
  const forbidden = problem(
    403,
    'not-your-feed',
    `these credentials do not give access to the feed of '${name}'`,
  );
  if (request.iamCaller) {
    const account =
      partner?.delivery.type === 'sqs' || partner?.delivery.type === 'lambda'
        ? partner.delivery.accountId
        : undefined;
    return account !== undefined && account === request.iamCaller.accountId ? undefined : forbidden;
  }
  const key = presentedKey(request);
  if (!key)
    return unauthorised(
      'missing-credentials',
      'send the API key as `Authorization: Bearer <key>` or `x-api-key`',
    );
  const check = await checkApiKey(deps.keys, key, deps.now());
  if (!check.ok)
    return unauthorised(
      check.reason,
      check.reason === 'expired-key'
        ? 'this key was replaced and its grace period is over; use the new key'
        : check.reason === 'malformed-key'
          ? 'this is not a feed API key (syn_ followed by 43 characters)'
          : 'no partner has this key',
    );
  return partner && check.partner === partnerResourceId(partner) ? undefined : forbidden;
}

/** `If-None-Match` holds `etag` (weak comparison, as GET uses) or `*`. */
function noneMatch(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

function linkTo(request: ApiRequest, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${request.baseUrl}${request.path}${search ? `?${search}` : ''}`;
}

export function feedRoute(deps: FeedRouteDependencies): RouteHandler {
  return async (request) => {
    const match = FEED_PATH.exec(request.path);
    if (!match)
      return problem(404, 'no-such-feed', 'feeds are at /feeds/{partner}.atom or /feeds/{partner}.json');
    const [, name, format] = match as unknown as [string, string, 'atom' | 'json'];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const response = problem(405, 'method-not-allowed', 'feeds are read with GET (or HEAD)');
      return { ...response, headers: { ...response.headers, allow: 'GET, HEAD' } };
    }
    const refused = await refusal(deps, request, name);
    if (refused) return refused;
    const partner = deps.partners.find((candidate) => candidate.name === name);
    if (!partner) return problem(404, 'no-such-partner', `no partner is named '${name}'`);

    const { since: sinceText, page: pageText } = request.query;
    if (sinceText !== undefined && pageText !== undefined)
      return problem(
        400,
        'bad-query',
        '`since` reads forward from a cursor and `page` backwards from the top: give one',
      );
    const since = sinceText === undefined ? undefined : parseCursor(sinceText);
    const page = pageText === undefined ? undefined : parseCursor(pageText);
    if ((sinceText !== undefined && !since) || (pageText !== undefined && !page))
      return problem(
        400,
        'bad-cursor',
        `'${sinceText ?? pageText}' is neither a cursor from this feed nor an RFC 3339 date-time`,
      );

    let selection: FeedSelection;
    try {
      selection = await selectFeedPage(
        {
          index: deps.index,
          now: deps.now,
          settleMs: deps.settleMs ?? FEED_SETTLE_MS,
          ...(deps.pageSize ? { pageSize: deps.pageSize } : {}),
          ...(deps.scanBudget ? { scanBudget: deps.scanBudget } : {}),
        },
        partner,
        { ...(since ? { since } : {}), ...(page ? { page } : {}) },
      );
    } catch (error) {
      if (error instanceof CursorExpiredError) return problem(410, 'cursor-expired', error.message);
      throw error;
    }
    const etag = `W/"${format}-${selection.validator}"`;
    const lastModified =
      selection.newestRead !== undefined ? new Date(selection.newestRead).toUTCString() : undefined;
    const validators = { etag, ...(lastModified ? { 'last-modified': lastModified } : {}) };
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const notModified =
      ifNoneMatch !== undefined
        ? noneMatch(ifNoneMatch, etag)
        : ifModifiedSince !== undefined &&
          selection.newestRead !== undefined &&
          !Number.isNaN(Date.parse(ifModifiedSince)) &&
          Math.floor(selection.newestRead / 1000) * 1000 <= Date.parse(ifModifiedSince);
    if (notModified) return { status: 304, headers: { ...PUBLIC_HEADERS, ...validators }, body: '' };

    const items = await loadFeedItems(deps.index, partner, selection.entries, deps.contentStore);
    const view: FeedView = {
      partner: partner.name,
      ...(partner.description ? { description: partner.description } : {}),
      selfUrl: linkTo(request, {
        ...(sinceText !== undefined ? { since: sinceText } : {}),
        ...(pageText !== undefined ? { page: pageText } : {}),
      }),
      ...(selection.next ? { nextUrl: linkTo(request, selection.next) } : {}),
      order: selection.order,
      ...(selection.cursor ? { cursor: selection.cursor } : {}),
      ...(selection.newestRead !== undefined
        ? { updated: new Date(selection.newestRead).toISOString() }
        : {}),
      items,
    };
    const body = format === 'atom' ? renderAtom(view) : renderJsonFeed(view);
    return {
      status: 200,
      headers: {
        'content-type': format === 'atom' ? ATOM_CONTENT_TYPE : JSON_FEED_CONTENT_TYPE,
        ...PUBLIC_HEADERS,
        ...validators,
      },
      body: request.method === 'HEAD' ? '' : body,
    };
  };
}
