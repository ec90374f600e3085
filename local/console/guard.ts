/**
 * What keeps the console to its operator on this machine. It listens on 127.0.0.1 only, but a page
 * from anywhere can still make the operator's browser send requests there: a site whose name
 * resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host, a cross-site form or fetch sends
 * its own Origin. So every request must name a loopback host, any Origin must be this console's,
 * and every POST must carry the token minted at start (only the console's own page has it), plus, for
 * an action, a confirmation bound to exactly that action.
 */
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../../shared/console/confirmation.js';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a Host header names this console on a loopback address (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(\[::1\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!match) return false;
  // Browsers leave out the scheme's default port (80 for http).
  const named = match[2] === undefined ? 80 : Number(match[2]);
  return LOOPBACK_NAMES.has(match[1] as string) && named === port;
}

/** Whether an Origin header is this console's own (scheme http, loopback host, same port). */
export function isOwnOrigin(origin: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.pathname === '/' && isLoopbackHost(url.host, port);
}

/**
 * Why a request must be refused, or undefined when it may go on. `Origin: null` (sandboxed frames,
 * some redirects) is refused too: it cannot be this console's page.
 */
export function refusal(
  request: { method: string; host?: string; origin?: string; token?: string },
  port: number,
  token: string,
): string | undefined {
  if (!isLoopbackHost(request.host, port))
    return `the console answers only requests addressed to 127.0.0.1:${port} or localhost:${port}, not '${request.host ?? ''}'`;
  if (request.origin !== undefined && !isOwnOrigin(request.origin, port))
    return `requests from other origins are refused ('${request.origin}')`;
  if (request.method !== 'GET' && request.method !== 'HEAD' && !sameSecret(request.token ?? '', token))
    return 'missing or wrong console token: reload the console page';
  return undefined;
}

/** A random secret for one start of the console (256 bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export { confirmationFor, isConfirmed } from '../../shared/console/confirmation.js';
