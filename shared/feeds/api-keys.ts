/**
 * Partners' feed API keys: 256 random bits each, shown once when issued, stored only as their
 * SHA-256 digest (a table item keyed by the digest names the partner).
 *
 * Why a fast hash is enough. Slow password hashes (bcrypt, scrypt, Argon2) exist because people pick
 * passwords from a small space that a stolen digest can be tried against. A key drawn uniformly from
 * 2^256 values has no such space: whoever holds the digest still has 2^255 SHA-256 evaluations to do
 * on average, at any speed. A fast hash also keeps each request's check to microseconds, where a slow
 * one would cost every request tens of milliseconds of CPU and let anyone send work to the function.
 * The lookup is by digest, so a key is compared with nothing byte by byte that an attacker could time.
 *
 * Rotation issues a new key and keeps the one it replaces valid for a grace period (default a day),
 * so a partner can change its configuration without a gap; a rotation during another's grace period
 * revokes the oldest key at once (a partner never holds more than two).
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'syn_';
/** 32 random bytes in base64url: 43 characters. */
const API_KEY_PATTERN = /^syn_[A-Za-z0-9_-]{43}$/;

export const DEFAULT_KEY_GRACE_MS = 24 * 3_600_000;

export interface StoredApiKey {
  readonly partner: string;
  /** Hex SHA-256 of the key. */
  readonly hash: string;
  readonly createdAt: string;
  /** Set on a replaced key: it stops working at this time. */
  readonly validUntil?: string;
}

/** Where key digests are kept (the article table in AWS: ../adapters/dynamodb-api-keys.ts). */
export interface ApiKeyStore {
  byHash(hash: string): Promise<StoredApiKey | undefined>;
  put(key: StoredApiKey): Promise<void>;
  delete(hash: string): Promise<void>;
  /** The digests of a partner's current key and of the one it replaced. */
  keysOf(partner: string): Promise<{ readonly current?: string; readonly previous?: string }>;
  setKeysOf(partner: string, keys: { readonly current: string; readonly previous?: string }): Promise<void>;
}

export function newApiKey(random: (bytes: number) => Buffer = randomBytes): string {
  return `${API_KEY_PREFIX}${random(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(text: string): boolean {
  return API_KEY_PATTERN.test(text);
}

export interface RotationOptions {
  readonly now: () => number;
  /** How long the replaced key keeps working; 0 revokes it at once. */
  readonly graceMs?: number;
  readonly random?: (bytes: number) => Buffer;
}

export interface Rotation {
  /** The new key: shown once, never stored. */
  readonly key: string;
  /** When the key it replaced stops working; undefined when there was none. */
  readonly previousValidUntil?: string;
}

/**
 * Issues a new key for `partner`. The new key's item first, then the old key's deadline, then the
 * partner's record: stopped half-way, the old key still works and the partner never saw the new one.
 */
export async function rotateApiKey(
  store: ApiKeyStore,
  partner: string,
  options: RotationOptions,
): Promise<Rotation> {
  const now = options.now();
  const key = newApiKey(options.random);
  const hash = hashApiKey(key);
  await store.put({ partner, hash, createdAt: new Date(now).toISOString() });
  const { current, previous } = await store.keysOf(partner);
  if (previous) await store.delete(previous);
  const replaced = current ? await store.byHash(current) : undefined;
  const graceMs = options.graceMs ?? DEFAULT_KEY_GRACE_MS;
  let previousValidUntil: string | undefined;
  if (replaced) {
    if (graceMs > 0) {
      previousValidUntil = new Date(now + graceMs).toISOString();
      await store.put({ ...replaced, validUntil: previousValidUntil });
    } else {
      await store.delete(replaced.hash);
    }
  }
  await store.setKeysOf(partner, {
    current: hash,
    ...(replaced && graceMs > 0 ? { previous: replaced.hash } : {}),
  });
  return { key, ...(previousValidUntil ? { previousValidUntil } : {}) };
}

export type KeyCheck =
  | { readonly ok: true; readonly partner: string }
  | { readonly ok: false; readonly reason: 'malformed-key' | 'unknown-key' | 'expired-key' };

/** Whose key this is, if it is a valid one at `nowMs`. */
export async function checkApiKey(store: ApiKeyStore, key: string, nowMs: number): Promise<KeyCheck> {
  if (!looksLikeApiKey(key)) return { ok: false, reason: 'malformed-key' };
  const stored = await store.byHash(hashApiKey(key));
  if (!stored) return { ok: false, reason: 'unknown-key' };
  if (stored.validUntil !== undefined && nowMs >= Date.parse(stored.validUntil))
    return { ok: false, reason: 'expired-key' };
  return { ok: true, partner: stored.partner };
}

/** Keys in memory: for tests and the dry-run tools. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly keys = new Map<string, StoredApiKey>();
  readonly partners = new Map<string, { current?: string; previous?: string }>();

  async byHash(hash: string): Promise<StoredApiKey | undefined> {
    return this.keys.get(hash);
  }

  async put(key: StoredApiKey): Promise<void> {
    this.keys.set(key.hash, key);
  }

  async delete(hash: string): Promise<void> {
    this.keys.delete(hash);
  }

  async keysOf(partner: string): Promise<{ current?: string; previous?: string }> {
    return this.partners.get(partner) ?? {};
  }

  async setKeysOf(partner: string, keys: { current: string; previous?: string }): Promise<void> {
    this.partners.set(partner, { ...keys });
  }
}
