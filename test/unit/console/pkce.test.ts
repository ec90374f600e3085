/**
 * The console's PKCE pieces against RFC 7636 Appendix B ("Example for the S256 code_challenge_method"),
 * its values written here as the RFC prints them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { base64url, challengeOf, randomOctets, verifierFrom } from '../../../console/pkce.js';

/** RFC 7636 Appendix B: the 32 random octets of the example... */
const APPENDIX_B_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
  240, 91, 88, 5, 88, 83, 132, 141, 121,
];
/** ...their base64url encoding, the code verifier... */
const APPENDIX_B_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
/** ...the SHA-256 of the verifier's ASCII octets... */
const APPENDIX_B_HASH = [
  19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86,
  110, 225, 137, 74, 203, 112, 249, 195,
];
/** ...and its base64url encoding, the code challenge. */
const APPENDIX_B_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636, S256)', () => {
  test('the Appendix B octets encode to the Appendix B verifier', () => {
    assert.equal(verifierFrom(new Uint8Array(APPENDIX_B_OCTETS)), APPENDIX_B_VERIFIER);
  });

  test('the Appendix B verifier hashes to the Appendix B challenge', async () => {
    assert.deepEqual(
      [...createHash('sha256').update(APPENDIX_B_VERIFIER, 'ascii').digest()],
      APPENDIX_B_HASH,
    );
    assert.equal(base64url(new Uint8Array(APPENDIX_B_HASH)), APPENDIX_B_CHALLENGE);
    assert.equal(await challengeOf(APPENDIX_B_VERIFIER), APPENDIX_B_CHALLENGE);
  });

  test('base64url uses "-" and "_" and no padding (RFC 4648 section 5)', () => {
    assert.equal(base64url(new Uint8Array([251, 255])), '-_8');
    assert.equal(base64url(new Uint8Array([0])), 'AA');
    assert.equal(base64url(new Uint8Array([])), '');
  });

  test('a fresh verifier is 43 unreserved characters (32 octets), different each time', () => {
    const first = verifierFrom(randomOctets());
    const second = verifierFrom(randomOctets());
    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(first, second);
  });

  test('a verifier shorter than 43 or longer than 128 characters is refused', async () => {
    assert.throws(() => verifierFrom(new Uint8Array(31)), /32 to 96 random octets/);
    assert.throws(() => verifierFrom(new Uint8Array(97)), /32 to 96 random octets/);
    await assert.rejects(challengeOf('a'.repeat(42)), /43 to 128 characters/);
    await assert.rejects(challengeOf('a'.repeat(129)), /43 to 128 characters/);
    await assert.rejects(challengeOf(`${'a'.repeat(42)}+`), /43 to 128 characters/);
    assert.match(await challengeOf('a'.repeat(128)), /^[A-Za-z0-9_-]{43}$/);
  });
});
