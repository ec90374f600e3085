/** The console API as the page calls it: GETs read; actions carry the start's token (from the page's own HTML). */

const token = document.querySelector<HTMLMetaElement>('meta[name="console-token"]')?.content ?? '';

export class ApiProblem extends Error {}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok)
    throw new ApiProblem((body as { detail?: string } | undefined)?.detail ?? `HTTP ${response.status}`);
  return body as T;
}

export async function get<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<T> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const suffix = search.size > 0 ? `?${search}` : '';
  return answer<T>(await fetch(`${path}${suffix}`, { headers: { accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-token': token },
      body: JSON.stringify(body),
    }),
  );
}
