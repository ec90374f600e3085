/**
 * The console API as the page calls it: GETs read; actions carry the start's token (from the page's own
 * HTML, on the local console). Deployed, every call carries the operator's Cognito token (./auth.ts)
 * and is tried once more after a refresh when the API answers 401.
 */
import { authorization, recoverFromUnauthorized } from './auth.js';

const token = document.querySelector<HTMLMetaElement>('meta[name="console-token"]')?.content ?? '';

export class ApiProblem extends Error {}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok)
    throw new ApiProblem((body as { detail?: string } | undefined)?.detail ?? `HTTP ${response.status}`);
  return body as T;
}

/** fetch with the operator's token; after a 401, once more with a refreshed one. */
export async function authorisedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = async () =>
    fetch(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(await authorization()) },
    });
  const response = await send();
  if (response.status !== 401 || !(await recoverFromUnauthorized())) return response;
  return send();
}

export async function get<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<T> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const suffix = search.size > 0 ? `?${search}` : '';
  return answer<T>(await authorisedFetch(`${path}${suffix}`, { headers: { accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await authorisedFetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'x-console-token': token } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

/** Saves what an API path answers as a file: a plain link cannot carry the operator's token. */
export async function download(path: string, fileName: string): Promise<void> {
  const response = await authorisedFetch(path);
  if (!response.ok) throw new ApiProblem(`download failed: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
