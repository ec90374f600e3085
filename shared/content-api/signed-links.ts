/**
 * Signed document links: `<api>/documents/<id>/v<version>?expires=<unix seconds>[&partner=<name>]&sig=<mac>`,
 * where `id` is the article uri in base64url and `mac` is HMAC-SHA256, in base64url, over the uri, the
 * version, the expiry and the partner (empty when the link is for anyone holding it). The key is the
 * stack's own secret, not a role's temporary credentials, so a link is valid exactly until `expires`.
 *
 * Plain node:crypto, no SDK: the publish use case signs, the content API verifies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The path prefix of documents in the content API. */
export const DOCUMENTS_PATH = '/documents/';

/** What a link names and until when it is valid. */
export interface LinkClaims {
  readonly uri: string;
  readonly version: number;
  /** Whole seconds since the epoch; the link is refused from this second on. */
  readonly expires: number;
  /** The only partner who may fetch the link; undefined: whoever holds it. */
  readonly partner?: string;
}

/** Why a link was refused (the problem `title` of the 403/404 answer). */
export type LinkRefusal = 'malformed-link' | 'bad-signature' | 'expired';

export type LinkCheck =
  | { readonly ok: true; readonly claims: LinkClaims }
  | { readonly ok: false; readonly reason: LinkRefusal; readonly detail: string };

/** A signing key must carry at least as many bits as the MAC (RFC 2104: less weakens it). */
export const MIN_KEY_BYTES = 32;

function checkKey(key: Uint8Array): Uint8Array {
  if (key.byteLength < MIN_KEY_BYTES) {
    throw new RangeError(`a link signing key needs at least ${MIN_KEY_BYTES} bytes, not ${key.byteLength}`);
  }
  return key;
}

/**
 * The bytes signed: a version tag, then each claim on its own line. Neither a uri nor a partner name
 * holds a line feed (the uri is checked below), so no two claim sets share a text.
 */
function signedText(claims: LinkClaims): string {
  return `syndicate-link-1\n${claims.uri}\n${claims.version}\n${claims.expires}\n${claims.partner ?? ''}`;
}

function mac(key: Uint8Array, claims: LinkClaims): Buffer {
  return createHmac('sha256', key).update(signedText(claims), 'utf8').digest();
}

/** The path of one version's document: `/documents/<uri in base64url>/v<version>`. */
export function documentPath(uri: string, version: number): string {
  return `${DOCUMENTS_PATH}${Buffer.from(uri, 'utf8').toString('base64url')}/v${version}`;
}

/** The uri and version a document path names; undefined when it names none. */
export function parseDocumentPath(path: string): { uri: string; version: number } | undefined {
  if (!path.startsWith(DOCUMENTS_PATH)) return undefined;
  const match = /^([A-Za-z0-9_-]+)\/v([1-9]\d{0,9})$/.exec(path.slice(DOCUMENTS_PATH.length));
  if (!match) return undefined;
  const uri = Buffer.from(match[1] as string, 'base64url').toString('utf8');
  // base64url decoding ignores stray bits: only the canonical spelling of a uri names it.
  if (Buffer.from(uri, 'utf8').toString('base64url') !== match[1] || uri.includes('\n')) return undefined;
  return { uri, version: Number(match[2]) };
}

/** Signs links with one key; verifies them in constant time. */
export class LinkSigner {
  private readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    this.key = checkKey(key);
  }

  /** The absolute link to a document, under `baseUrl` (the API's scheme, authority and stage path). */
  link(baseUrl: string, claims: LinkClaims): string {
    if (claims.uri.includes('\n')) throw new RangeError('a uri with a line feed cannot be linked');
    if (claims.partner !== undefined && !/^[^\n]+$/.test(claims.partner)) {
      throw new RangeError('a link is bound to a named partner or to none');
    }
    if (!Number.isSafeInteger(claims.expires) || claims.expires < 0) {
      throw new RangeError(`link expiry must be whole seconds since the epoch, not ${claims.expires}`);
    }
    const query = new URLSearchParams({ expires: String(claims.expires) });
    if (claims.partner !== undefined) query.set('partner', claims.partner);
    query.set('sig', mac(this.key, claims).toString('base64url'));
    let base = baseUrl;
    while (base.endsWith('/')) base = base.slice(0, -1);
    return `${base}${documentPath(claims.uri, claims.version)}?${query}`;
  }

  /**
   * Whether a request for `path` with `query` carries a valid link at `now`. The signature is checked
   * before the expiry, so a changed expiry is reported as tampering, not as a still-valid link.
   */
  verify(path: string, query: Readonly<Record<string, string | undefined>>, now: Date): LinkCheck {
    const target = parseDocumentPath(path);
    const { expires, sig, partner } = query;
    const badPartner = partner !== undefined && !/^[^\n]+$/.test(partner);
    if (!target || expires === undefined || sig === undefined || !/^\d{1,15}$/.test(expires) || badPartner) {
      return {
        ok: false,
        reason: 'malformed-link',
        detail: 'a document link is /documents/<id>/v<version>?expires=<seconds>&sig=<signature>',
      };
    }
    const claims: LinkClaims = {
      ...target,
      expires: Number(expires),
      ...(partner !== undefined ? { partner } : {}),
    };
    const expected = mac(this.key, claims);
    const given = Buffer.from(sig, 'base64url');
    // Only the canonical spelling: base64url decoding ignores a last character's spare bits.
    const canonical = given.toString('base64url') === sig;
    if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        reason: 'bad-signature',
        detail: 'the link was not signed by this service as given',
      };
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (nowSeconds >= claims.expires) {
      return {
        ok: false,
        reason: 'expired',
        detail: `the link expired at ${new Date(claims.expires * 1000).toISOString()}`,
      };
    }
    return { ok: true, claims };
  }
}
