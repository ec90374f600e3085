/**
 * Bytes as stored to Unicode text (NFC): gzip first (with a cap on the decompressed size), then the
 * charset — byte order mark, then the charset the document declares (XML declaration, HTML meta,
 * Content-Type), then UTF-8 if the bytes are valid UTF-8, then statistical detection (chardet).
 *
 * Charsets are decoded by the platform's `TextDecoder` (Node has full ICU, on Lambda too), which
 * knows the WHATWG Encoding Standard's charsets and labels — what browsers read — with two
 * exceptions handled here: windows-1252 (see `decodeWindows1252`) and UTF-32, which WHATWG dropped
 * but chardet still reports. ISO-8859-1 and ASCII labels mean windows-1252, as in browsers, because
 * that is what "Latin-1" files really contain. Charsets outside WHATWG (UTF-7, EBCDIC, old DOS code
 * pages) are not decoded: browsers refuse them too, and UTF-7 is a known way to smuggle markup.
 *
 * What is valid is kept: mostly-valid UTF-8 stays UTF-8 with its bad sequences replaced by U+FFFD
 * (rather than read as a single-byte charset, which would garble every accented letter), and a stray
 * NUL or other control character that no text format uses is removed. Only an object that is
 * binary by its magic number (./magic.ts) or by its proportion of such bytes is refused.
 */
import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import chardet from 'chardet';
import type { Provenance } from '../domain/provenance.js';
import { RejectedInputError } from './errors.js';
import { nonTextFormat } from './magic.js';

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
  /** Set when the text was repaired: invalid UTF-8 sequences replaced, stray control characters removed. */
  readonly repairs?: Provenance;
}

const GZIP_MAGIC = [0x1f, 0x8b];

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

/**
 * WHATWG index-windows-1252 for bytes 0x80-0x9F (https://encoding.spec.whatwg.org/index-windows-1252.txt);
 * every other byte is its own code point. The five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F,
 * 0x90, 0x9D) map to the C1 control of the same value, as the index says.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * windows-1252 (and so ISO-8859-1), the commonest legacy charset in news. Not `TextDecoder`: Node 20
 * decodes it as ISO-8859-1, so curly quotes, dashes and the euro sign (0x80-0x9F) become C1 controls
 * (nodejs/node#56542). Latin-1 bytes map 1:1 to code points; only that 32-byte gap needs the index.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c1) => WINDOWS_1252_C1[c1.charCodeAt(0) - 0x80] as string);
}

/** UTF-32 (not in WHATWG, so not in `TextDecoder`): one code unit of four bytes per code point. */
function decodeUtf32(bytes: Uint8Array, encoding: 'utf-32le' | 'utf-32be'): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = encoding === 'utf-32le';
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) {
    const codePoint = view.getUint32(offset, littleEndian);
    const valid = codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
    chunk.push(valid ? codePoint : 0xfffd);
    // String.fromCodePoint takes its code points as arguments: keep each call well under the stack limit.
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (bytes.byteLength % 4 !== 0) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

function decodeAs(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return decodeUtf32(bytes, encoding);
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * The WHATWG name of a charset label (`latin1` -> `windows-1252`, `sjis` -> `shift_jis`), or
 * undefined when it names no charset we decode.
 */
function canonicalCharset(label: string): string | undefined {
  const name = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  if (name === 'utf-32' || name === 'utf-32le' || name === 'utf32' || name === 'utf32le') return 'utf-32le';
  if (name === 'utf-32be' || name === 'utf32be') return 'utf-32be';
  try {
    return new TextDecoder(name).encoding;
  } catch {
    // ERR_ENCODING_NOT_SUPPORTED, also for the labels WHATWG maps to its "replacement" decoder.
    return undefined;
  }
}

/** How far into an HTML page its `<meta>` charset is looked for (head scripts and styles come first). */
const META_SCAN_BYTES = 64 * 1024;

/**
 * The charset the document declares about itself, read from its first bytes as ASCII: the XML
 * declaration, else an HTML `<meta>` charset anywhere in the head (pages put analytics scripts and
 * styles before it, beyond the 1 KB a browser's prescan reads, and statistical detection then
 * guesses a charset that can garble the text enough to look like no article).
 */
function declaredCharset(bytes: Uint8Array, contentType: string | undefined): string | undefined {
  // A view, not a copy: only the string is made.
  const start = Buffer.from(
    bytes.buffer,
    bytes.byteOffset,
    Math.min(bytes.byteLength, META_SCAN_BYTES),
  ).toString('latin1');
  const xml = start.slice(0, 2048).match(/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i);
  if (xml?.[1]) return xml[1];
  const headEnd = start.search(/<\/head[\s>]|<body[\s>]/i);
  const head = headEnd === -1 ? start : start.slice(0, headEnd);
  const meta = metaCharset(head);
  if (meta) return meta;
  return contentType?.match(CHARSET_PARAMETER)?.[1];
}

const CHARSET_PARAMETER = /charset\s*=\s*["']?([\w.:-]+)/i;
const META_TAG = /<meta\b/gi;
/** Longer than any real meta tag: the charset is looked for in this much of each tag. */
const MAX_META_TAG_CHARS = 1024;

/**
 * The charset of the first `<meta>` that names one. Each tag is cut at its `>` (or the bound) before
 * it is searched, so a head of many unclosed `<meta` costs one pass, not one pass per tag.
 */
function metaCharset(head: string): string | undefined {
  for (const tag of head.matchAll(META_TAG)) {
    const end = head.indexOf('>', tag.index);
    const text = head.slice(
      tag.index,
      Math.min(end === -1 ? head.length : end, tag.index + MAX_META_TAG_CHARS),
    );
    const charset = CHARSET_PARAMETER.exec(text)?.[1];
    if (charset) return charset;
  }
  return undefined;
}

/**
 * ASCII controls that text files use: tab, line feed, form feed, carriage return, and those of wire
 * transmission formats (ANPA 1312, IPTC 7901: SOH, STX, ETX, EOT, DC1-DC4, SYN, ESC, record and unit
 * separators), which the text reader recognises. Every other C0 control, NUL first, is suspicious.
 */
const TEXT_CONTROLS = [
  0x09, 0x0a, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04, 0x11, 0x12, 0x13, 0x14, 0x16, 0x1b, 0x1e, 0x1f,
];
const SUSPICIOUS_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte++) if (!TEXT_CONTROLS.includes(byte)) SUSPICIOUS_BYTE[byte] = 1;
/** The suspicious byte values, each searched for with `indexOf` (memchr) rather than a loop in JavaScript. */
const SUSPICIOUS_BYTES = [...SUSPICIOUS_BYTE.keys()].filter((byte) => SUSPICIOUS_BYTE[byte] === 1);
/** The same controls as characters, to remove them from decoded text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these controls are what it removes
const SUSPICIOUS_CHARACTER = /[\x00\x05-\x08\x0b\x0e-\x10\x15\x17-\x1a\x1c\x1d]/g;

/**
 * Bytes that look binary: more than 2% suspicious controls (NUL among them) in the first 8 KB. A
 * stray NUL or control in a text is removed instead; binary formats with a text-like start are known
 * by their magic number (./magic.ts).
 */
function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  // Nearly every object has no suspicious byte at all: that is known from a few native scans.
  if (!hasSuspiciousByte(bytes.subarray(0, end))) return false;
  // Counted through a table rather than tested byte by byte: this runs over every object.
  let suspicious = 0;
  for (let index = 0; index < end; index++) suspicious += SUSPICIOUS_BYTE[bytes[index] as number] as number;
  return suspicious > end * 0.02;
}

/** Whether any byte is a suspicious control: most objects have none, and are not scanned as text. */
function hasSuspiciousByte(bytes: Uint8Array): boolean {
  // One native search per value (memchr, which reads many bytes at a time) instead of a JavaScript
  // loop over every byte: the object is scanned 16 times, but each scan is far cheaper than a loop.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const byte of SUSPICIOUS_BYTES) if (view.indexOf(byte) !== -1) return true;
  return false;
}

/** U+FFFD encoded in UTF-8. */
const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);
/** Invalid sequences may be at most this share of the non-ASCII characters for UTF-8 to win. */
const MAX_INVALID_SHARE = 1 / 3;

/**
 * The text of bytes that are UTF-8 but for a few invalid sequences, those replaced by U+FFFD, and how
 * many were replaced; undefined when the invalid sequences are too many (a single-byte charset such
 * as windows-1252 makes nearly every accented letter one) or there is no valid multi-byte character.
 */
function mostlyUtf8(bytes: Uint8Array): { text: string; replaced: number } | undefined {
  const text = new TextDecoder('utf-8').decode(bytes);
  let replacements = 0;
  let valid = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x80) continue;
    if (code === 0xfffd) replacements++;
    else if (code < 0xdc00 || code > 0xdfff) valid++;
  }
  // U+FFFD written in the document itself is valid UTF-8, not a replacement.
  let literal = 0;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(REPLACEMENT_BYTES); at >= 0; at = buffer.indexOf(REPLACEMENT_BYTES, at + 3))
    literal++;
  const replaced = replacements - literal;
  valid += literal;
  if (valid === 0 || replaced > (valid + replaced) * MAX_INVALID_SHARE) return undefined;
  return { text, replaced };
}

function binary(): RejectedInputError {
  return new RejectedInputError(
    'BINARY',
    'more than 2% of the first 8 KB are NUL bytes or control characters no text format uses',
  );
}

/** Reused: a decoder that is not streaming keeps no state from one call to the next. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function validUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The decoded text, without a leading byte order mark, in NFC. ASCII text is NFC already: knowing
 * that from the bytes (a SIMD scan) saves normalising, which costs about a nanosecond a character.
 */
function finish(
  text: string,
  encoding: string,
  compressed: boolean,
  provenance: Provenance,
  options: { ascii?: boolean; replaced?: number; controls?: boolean } = {},
): DecodedText {
  let unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let removed = 0;
  if (options.controls !== false) {
    unmarked = unmarked.replace(SUSPICIOUS_CHARACTER, () => {
      removed++;
      return '';
    });
  }
  const repairs = [
    ...(options.replaced ? [`${options.replaced}-invalid-sequences-replaced-by-U+FFFD`] : []),
    ...(removed ? [`${removed}-control-characters-removed`] : []),
  ];
  return {
    text: options.ascii ? unmarked : unmarked.normalize('NFC'),
    encoding,
    compressed,
    provenance,
    ...(repairs.length > 0 ? { repairs: { rule: repairs.join(';'), confidence: 100 } } : {}),
  };
}

function refuseKnownFormat(bytes: Uint8Array): void {
  const format = nonTextFormat(bytes);
  if (format) {
    throw new RejectedInputError(
      'UNSUPPORTED_FORMAT',
      `the object is ${format.name}, not a text article format${format.hint ? `; ${format.hint}` : ''}`,
    );
  }
}

export function decodeObject(stored: Uint8Array, options: DecodeOptions): DecodedText {
  const compressed = startsWith(stored, GZIP_MAGIC);
  if (!compressed) refuseKnownFormat(stored);
  const bytes = compressed ? gunzip(stored, options.maxDecompressedBytes) : stored;
  if (compressed && startsWith(bytes, GZIP_MAGIC)) {
    throw new RejectedInputError('UNSUPPORTED_FORMAT', 'gzip inside gzip is not read; compress once');
  }
  if (compressed) refuseKnownFormat(bytes);

  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const text = validUtf8(bytes.subarray(3));
    if (text !== undefined)
      return finish(text, 'utf-8', compressed, { rule: 'byte-order-mark', confidence: 100 });
    const mostly = mostlyUtf8(bytes.subarray(3));
    if (!mostly)
      throw new RejectedInputError(
        'ENCODING',
        'a UTF-8 byte order mark is followed by bytes that are mostly not UTF-8',
      );
    return finish(
      mostly.text,
      'utf-8',
      compressed,
      { rule: 'byte-order-mark', confidence: 100 },
      { replaced: mostly.replaced },
    );
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    return finish(decodeAs(bytes.subarray(2), encoding), encoding, compressed, {
      rule: 'byte-order-mark',
      confidence: 100,
    });
  }

  const declared = declaredCharset(bytes, options.contentType);
  const declaredEncoding = declared ? canonicalCharset(declared) : undefined;
  if (declaredEncoding && declaredEncoding !== 'utf-8') {
    const wide = declaredEncoding.startsWith('utf-16') || declaredEncoding.startsWith('utf-32');
    if (!wide && looksBinary(bytes)) throw binary();
    return finish(decodeAs(bytes, declaredEncoding), declaredEncoding, compressed, {
      rule: `declared:${declared}`,
      confidence: 95,
    });
  }

  const utf8 = validUtf8(bytes);
  if (utf8 !== undefined) {
    if (looksBinary(bytes)) throw binary();
    return finish(
      utf8,
      'utf-8',
      compressed,
      { rule: declared ? `declared:${declared}` : 'valid-utf-8', confidence: 100 },
      // Text without a stray control (nearly all) is not scanned for one again.
      { ascii: isAscii(bytes), controls: hasSuspiciousByte(bytes) },
    );
  }

  // A few bad sequences in UTF-8 text (a truncated character, one pasted Latin-1 byte) are replaced,
  // not taken for another charset.
  const mostly = looksBinary(bytes) ? undefined : mostlyUtf8(bytes);
  if (mostly) {
    return finish(
      mostly.text,
      'utf-8',
      compressed,
      { rule: declared ? `declared:${declared};mostly-valid-utf-8` : 'mostly-valid-utf-8', confidence: 80 },
      { replaced: mostly.replaced },
    );
  }

  // Not UTF-8 although it may say so: let the bytes speak (UTF-16 without BOM, windows-1252, ...).
  const detected = chardet.detect(bytes);
  const encoding = detected ? canonicalCharset(detected) : undefined;
  if (encoding?.startsWith('utf-16') || encoding?.startsWith('utf-32')) {
    return finish(decodeAs(bytes, encoding), encoding, compressed, {
      rule: 'chardet',
      confidence: 70,
    });
  }
  if (looksBinary(bytes)) throw binary();
  if (!encoding || encoding === 'utf-8') {
    throw new RejectedInputError(
      'ENCODING',
      `the bytes are not valid UTF-8 and no other charset fits${declared ? ` (declared ${declared})` : ''}`,
    );
  }
  return finish(decodeAs(bytes, encoding), encoding, compressed, {
    rule: declared ? `declared:${declared}-but-invalid;chardet` : 'chardet',
    confidence: 70,
  });
}
