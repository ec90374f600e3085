/**
 * The content API's requests and answers, independent of what carries them (API Gateway or a
 * function URL in AWS, node:http locally), so each route is a plain function tested without either.
 */

export interface ApiRequest {
  readonly method: string;
  /** The path without the query, e.g. `/feeds/all-news-wire.atom`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Scheme and authority the client used (`https://api.example.com`), for absolute links. */
  readonly baseUrl: string;
  /** Set when the carrier authenticated the caller with IAM (SigV4). */
  readonly iamCaller?: { readonly accountId: string; readonly arn: string };
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

/** An error answer as RFC 9457 problem details: a machine-readable `reason` and a sentence for people. */
export function problem(status: number, reason: string, detail: string): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status, title: reason, detail }),
  };
}
