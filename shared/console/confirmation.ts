/**
 * Confirmations of operator actions: the server describes an action, the operator confirms it, and
 * the run carries an HMAC of exactly that action under a key only the server holds, so a run can
 * neither skip the description nor swap the action after it was shown. Shared by the local console
 * (a key minted at start) and the deployed one (a key fixed per stack, bound to the signed-in user).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Keys sorted at every level, so the same action always serialises the same way. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Constant-time comparison of two secrets (different lengths are simply unequal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The confirmation for one action: an HMAC of it under `secret`, so it confirms that action only. */
export function confirmationFor(secret: string, action: unknown): string {
  return createHmac('sha256', secret).update(canonical(action)).digest('base64url');
}

export function isConfirmed(secret: string, action: unknown, confirmation: string): boolean {
  return sameSecret(confirmation, confirmationFor(secret, action));
}
