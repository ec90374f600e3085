/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, on WebCrypto: the pieces of the
 * console's sign-in that need no page, so that they run (and are tested) in Node as in the browser.
 */

/** base64url without padding (RFC 7636 Appendix A; RFC 4648 section 5). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A code verifier from random octets: RFC 7636 section 4.1 recommends 32 octets from a secure
 * random source, base64url-encoded into 43 characters of the unreserved set.
 */
export function verifierFrom(octets: Uint8Array): string {
  if (octets.length < 32 || octets.length > 96)
    throw new RangeError(
      `a code verifier needs 32 to 96 random octets (43 to 128 characters), not ${octets.length}`,
    );
  return base64url(octets);
}

/** 32 random octets from the platform's secure generator. */
export function randomOctets(count = 32): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** `code_challenge` for `code_challenge_method=S256`: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function challengeOf(verifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier))
    throw new RangeError('a code verifier is 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_", "~"');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
