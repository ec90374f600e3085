/**
 * Bytes as stored to Unicode text (NFC): gzip first (with a cap on the decompressed size), then the
 * charset — byte order mark, then the charset the document declares (XML declaration, HTML meta,
 * Content-Type), then UTF-8 if the bytes are valid UTF-8, then statistical detection (chardet).
 *
 * Why not TextDecoder for legacy charsets: Node 20's windows-1252 decoder maps 0x80-0x9F to C1
 * controls (nodejs/node#56542); iconv-lite decodes them right. ISO-8859-1 is decoded as
 * windows-1252, as browsers do, because that is what "Latin-1" files really contain.
 */
import { gunzipSync } from 'node:zlib';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { RejectedInputError } from '../domain/errors.js';
import type { Provenance } from './parts.js';

export interface DecodeOptions {
  /** Largest size a compressed object may expand to. */
  readonly maxDecompressedBytes: number;
  /** The object's Content-Type, whose charset parameter is a hint. */
  readonly contentType?: string;
}

export interface DecodedText {
  readonly text: string;
  readonly encoding: string;
  readonly compressed: boolean;
  readonly provenance: Provenance;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

function gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new RejectedInputError('TOO_LARGE', `the gzip content expands beyond ${maxBytes} bytes`);
    }
    throw new RejectedInputError('MALFORMED', `the gzip stream is corrupt (${(error as Error).message})`);
  }
}

/** Canonical iconv-lite names; Latin-1 labels mean windows-1252 in practice (WHATWG Encoding). */
function canonicalCharset(label: string): string | undefined {
  const name = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  if (
    [
      'iso-8859-1',
      'iso8859-1',
      'latin1',
      'latin-1',
      'l1',
      'us-ascii',
      'ascii',
      'cp1252',
      'windows-1252',
      'x-cp1252',
    ].includes(name)
  ) {
    return 'windows-1252';
  }
  if (name === 'utf8' || name === 'utf-8') return 'utf-8';
  return iconv.encodingExists(name) ? name : undefined;
}

/** The charset the document declares about itself, read from its first bytes as ASCII. */
function declaredCharset(bytes: Uint8Array, contentType: string | undefined): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  const xml = head.match(/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i);
  if (xml?.[1]) return xml[1];
  const meta = head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i);
  if (meta?.[1]) return meta[1];
  return contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i)?.[1];
}

/**
 * Bytes that no text file holds. ASCII controls used by wire transmission formats (SOH, STX, ETX,
 * EOT, SYN, record and unit separators, device controls...) are legitimate; NUL is not.
 */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let suspicious = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (
      byte < 0x20 &&
      ![0x09, 0x0a, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04, 0x11, 0x12, 0x13, 0x16, 0x1b, 0x1e, 0x1f].includes(
        byte,
      )
    ) {
      suspicious++;
    }
  }
  return suspicious > sample.length * 0.02;
}

function validUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function finish(text: string, encoding: string, compressed: boolean, provenance: Provenance): DecodedText {
  return { text: text.replace(/^\uFEFF/, '').normalize('NFC'), encoding, compressed, provenance };
}

export function decodeObject(stored: Uint8Array, options: DecodeOptions): DecodedText {
  if (startsWith(stored, ZIP_MAGIC)) {
    throw new RejectedInputError(
      'UNSUPPORTED_FORMAT',
      'zip archives are not read; upload the files inside one by one',
    );
  }
  const compressed = startsWith(stored, GZIP_MAGIC);
  const bytes = compressed ? gunzip(stored, options.maxDecompressedBytes) : stored;
  if (compressed && startsWith(bytes, GZIP_MAGIC)) {
    throw new RejectedInputError('UNSUPPORTED_FORMAT', 'gzip inside gzip is not read; compress once');
  }

  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const text = validUtf8(bytes.subarray(3));
    if (text === undefined)
      throw new RejectedInputError(
        'ENCODING',
        'a UTF-8 byte order mark is followed by bytes that are not UTF-8',
      );
    return finish(text, 'utf-8', compressed, { rule: 'byte-order-mark', confidence: 100 });
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    return finish(iconv.decode(Buffer.from(bytes.subarray(2)), encoding), encoding, compressed, {
      rule: 'byte-order-mark',
      confidence: 100,
    });
  }

  const declared = declaredCharset(bytes, options.contentType);
  const declaredEncoding = declared ? canonicalCharset(declared) : undefined;
  if (declaredEncoding && declaredEncoding !== 'utf-8') {
    if (bytes.includes(0) && !declaredEncoding.startsWith('utf-16'))
      throw new RejectedInputError('BINARY', 'the object contains NUL bytes');
    return finish(iconv.decode(Buffer.from(bytes), declaredEncoding), declaredEncoding, compressed, {
      rule: `declared:${declared}`,
      confidence: 95,
    });
  }

  const utf8 = validUtf8(bytes);
  if (utf8 !== undefined) {
    // NUL anywhere (not just in the sampled start) means binary: no text format carries it.
    if (bytes.includes(0) || looksBinary(bytes)) {
      throw new RejectedInputError('BINARY', 'the object contains NUL bytes or control characters');
    }
    return finish(utf8, 'utf-8', compressed, {
      rule: declared ? `declared:${declared}` : 'valid-utf-8',
      confidence: 100,
    });
  }

  // Not UTF-8 although it may say so: let the bytes speak (UTF-16 without BOM, windows-1252, ...).
  const detected = chardet.detect(bytes);
  const encoding = detected ? canonicalCharset(detected) : undefined;
  if (encoding?.startsWith('utf-16') || encoding?.startsWith('utf-32')) {
    return finish(iconv.decode(Buffer.from(bytes), encoding), encoding, compressed, {
      rule: 'chardet',
      confidence: 70,
    });
  }
  if (looksBinary(bytes))
    throw new RejectedInputError('BINARY', 'the object contains NUL bytes or control characters');
  if (!encoding || encoding === 'utf-8') {
    throw new RejectedInputError(
      'ENCODING',
      `the bytes are not valid UTF-8 and no other charset fits${declared ? ` (declared ${declared})` : ''}`,
    );
  }
  return finish(iconv.decode(Buffer.from(bytes), encoding), encoding, compressed, {
    rule: declared ? `declared:${declared}-but-invalid;chardet` : 'chardet',
    confidence: 70,
  });
}
