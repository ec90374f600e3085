/**
 * Formats that are not text articles, known by their magic number (the signature their
 * specifications put at the start of every file), whatever the rest holds: a PDF whose content
 * streams happen to be uncompressed text is still a PDF, and read as text it would publish
 * `%PDF-1.4` as its headline. Only signatures long or specific enough not to begin a news story are
 * listed (no two-letter ones such as BMP's `BM`, which starts "BMW recalls…", without more checks).
 *
 * Signatures as documented by each format's specification: PDF (ISO 32000-1 §7.5.2), OLE2 Compound
 * File (MS-CFB §2.2), ZIP (APPNOTE.TXT §4.3.7) and the Office Open XML / OpenDocument / EPUB
 * packages inside it, PNG (RFC 2083 §3.1), JPEG (JFIF/ITU T.81 SOI marker), GIF (GIF89a spec), WebP
 * and WAVE (RIFF), TIFF, ICO, PSD, ISO base media (`ftyp`, ISO/IEC 14496-12: HEIC, AVIF, MP4), 7z,
 * RAR, bzip2, xz, zstd (RFC 8878), tar (POSIX ustar), Ogg (RFC 3533), FLAC, MP3 with ID3v2, RTF.
 * gzip is not here: the decoder decompresses it and looks again at what it holds.
 */

export interface NonTextFormat {
  /** What it is, with its article: "a PDF document". */
  readonly name: string;
  /** What the publisher can do instead. */
  readonly hint?: string;
}

function ascii(text: string): number[] {
  return Array.from(text, (character) => character.charCodeAt(0));
}

function hasAt(bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  if (bytes.length < offset + signature.length) return false;
  for (let index = 0; index < signature.length; index++)
    if (bytes[offset + index] !== signature[index]) return false;
  return true;
}

const SEND_TEXT = 'send the article as text, HTML, NITF, NewsML-G2, ninjs or Markdown';

interface Signature {
  readonly offset: number;
  readonly bytes: readonly number[];
  readonly format: NonTextFormat;
  /** A further check when the signature alone is short. */
  readonly also?: (bytes: Uint8Array) => boolean;
}

const SIGNATURES: readonly Signature[] = [
  { offset: 0, bytes: ascii('%PDF-'), format: { name: 'a PDF document', hint: SEND_TEXT } },
  {
    offset: 0,
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    format: { name: 'an Office document (OLE2: .doc, .xls, .ppt or .msg)', hint: SEND_TEXT },
  },
  { offset: 0, bytes: ascii('{\\rtf'), format: { name: 'an RTF document', hint: SEND_TEXT } },
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], format: { name: 'a PNG image' } },
  { offset: 0, bytes: [0xff, 0xd8, 0xff], format: { name: 'a JPEG image' } },
  { offset: 0, bytes: ascii('GIF87a'), format: { name: 'a GIF image' } },
  { offset: 0, bytes: ascii('GIF89a'), format: { name: 'a GIF image' } },
  {
    offset: 0,
    bytes: ascii('RIFF'),
    format: { name: 'a WebP image' },
    also: (bytes) => hasAt(bytes, 8, ascii('WEBP')),
  },
  {
    offset: 0,
    bytes: ascii('RIFF'),
    format: { name: 'a WAVE or AVI media file' },
    also: (bytes) => hasAt(bytes, 8, ascii('WAVE')) || hasAt(bytes, 8, ascii('AVI ')),
  },
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00], format: { name: 'a TIFF image' } },
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a], format: { name: 'a TIFF image' } },
  {
    offset: 0,
    bytes: [0x00, 0x00, 0x01, 0x00],
    format: { name: 'an icon image' },
    also: (bytes) => (bytes[4] ?? 0) > 0 && bytes[5] === 0,
  },
  { offset: 0, bytes: ascii('8BPS'), format: { name: 'a Photoshop image' } },
  {
    offset: 4,
    bytes: ascii('ftyp'),
    format: { name: 'an image or video (ISO base media: HEIC, AVIF, MP4, MOV)' },
  },
  { offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], format: { name: 'a 7z archive' } },
  { offset: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], format: { name: 'a RAR archive' } },
  {
    offset: 0,
    bytes: ascii('BZh'),
    format: { name: 'a bzip2 archive' },
    // Block size digit, then the block magic (the digits of pi): not the start of a story.
    also: (bytes) =>
      (bytes[3] ?? 0) >= 0x31 &&
      (bytes[3] ?? 0) <= 0x39 &&
      hasAt(bytes, 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]),
  },
  { offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], format: { name: 'an xz archive' } },
  { offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], format: { name: 'a zstd archive' } },
  {
    offset: 257,
    bytes: ascii('ustar'),
    format: { name: 'a tar archive', hint: 'upload the files inside one by one' },
  },
  { offset: 0, bytes: ascii('OggS'), format: { name: 'an Ogg media file' } },
  { offset: 0, bytes: ascii('fLaC'), format: { name: 'a FLAC audio file' } },
  {
    offset: 0,
    bytes: ascii('ID3'),
    format: { name: 'an MP3 audio file' },
    // ID3v2 version byte (2-4) and revision 0: not "ID3 says…".
    also: (bytes) => (bytes[3] ?? 0) >= 2 && (bytes[3] ?? 0) <= 4 && bytes[4] === 0,
  },
];

const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08],
] as const;

/** What a ZIP package is, from the names and the `mimetype` entry at its start. */
function zipPackage(bytes: Uint8Array): NonTextFormat {
  // Package parts are named in the local headers near the start; 64 KB holds several.
  const start = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  if (start.includes('word/')) return { name: 'a Word document (.docx)', hint: SEND_TEXT };
  if (start.includes('xl/')) return { name: 'an Excel workbook (.xlsx)', hint: SEND_TEXT };
  if (start.includes('ppt/')) return { name: 'a PowerPoint presentation (.pptx)', hint: SEND_TEXT };
  if (start.includes('application/vnd.oasis.opendocument'))
    return { name: 'an OpenDocument file (.odt, .ods, .odp)', hint: SEND_TEXT };
  if (start.includes('application/epub+zip')) return { name: 'an EPUB book', hint: SEND_TEXT };
  return { name: 'a zip archive', hint: 'upload the files inside one by one' };
}

/** The format the bytes are by their magic number, when it is one that holds no text article. */
export function nonTextFormat(bytes: Uint8Array): NonTextFormat | undefined {
  if (ZIP_SIGNATURES.some((signature) => hasAt(bytes, 0, signature))) return zipPackage(bytes);
  for (const signature of SIGNATURES) {
    if (hasAt(bytes, signature.offset, signature.bytes) && (!signature.also || signature.also(bytes)))
      return signature.format;
  }
  return undefined;
}
