/**
 * Bytes to Unicode text. The skeleton reads UTF-8 (with or without BOM) and UTF-16 with a BOM;
 * anything else is rejected with a specific code rather than guessed at.
 */
import { RejectedInputError } from '../domain/errors.js';

export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return decodeStrict('utf-16le', bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return decodeStrict('utf-16be', bytes.subarray(2));
  const body =
    bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      ? bytes.subarray(3)
      : bytes;
  // A NUL byte never occurs in UTF-8 text; it marks a binary file (or UTF-16 without a BOM).
  if (body.includes(0)) throw new RejectedInputError('BINARY', 'the object contains NUL bytes');
  return decodeStrict('utf-8', body);
}

function decodeStrict(encoding: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes).normalize('NFC');
  } catch {
    throw new RejectedInputError('ENCODING', `not valid ${encoding}`);
  }
}
