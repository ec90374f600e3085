/**
 * How the index stores JSON it keeps as bytes (a version's ninjs and provenance, a feed entry's head):
 * compressed, because DynamoDB bills a write unit per started KB of item. Brotli makes the sample
 * article's document about a fifth smaller than gzip, one write unit less per version.
 *
 * Items written before brotli hold gzip and carry no encoding attribute, so the encoding is always
 * named by the item (absent = gzip) and never guessed from the bytes: a brotli stream has no magic
 * number, and a guess that read one format as the other would fail on a document it should serve.
 * A feed entry's head is read from the feed index, which does not project the item's attribute, so
 * it names its encoding itself (dynamodb-article-index.ts, feedHeadAttribute).
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';

export const DOCUMENT_ENCODINGS = ['gzip', 'br'] as const;
export type DocumentEncoding = (typeof DOCUMENT_ENCODINGS)[number];

/** What new items are written with (`encodeJson`). */
export const WRITE_ENCODING: DocumentEncoding = 'br';

/**
 * Brotli quality for documents up to LARGE_DOCUMENT_BYTES of JSON: 10 is the lowest that keeps the
 * sample article's version item under three write units (qualities 5 to 9 compress little better
 * than gzip); 11 compresses a few per cent further at about three times the CPU, and normalise's
 * CPU is its Lambda bill and its throughput. scripts/measure-document-compression.ts measures both;
 * the figures are in the commit that chose them.
 */
export const BROTLI_QUALITY = 10;

/**
 * Quality 10's time grows with the input faster than the write units it saves matter (a 700 KB
 * document would take about a second): larger documents use quality 5, about gzip's speed and
 * still smaller than gzip.
 */
export const LARGE_DOCUMENT_BYTES = 64 * 1024;
export const LARGE_DOCUMENT_BROTLI_QUALITY = 5;

/**
 * The window brotli may refer back over: 2^22 bytes (4 MiB) is brotli's default, and the decoder
 * needs as much memory; a document is at most a few hundred KB, so a 1 MiB window (2^20) loses
 * nothing and bounds what a reader allocates.
 */
const BROTLI_WINDOW_BITS = 20;

/** The encoding an item names in its encoding attribute: absent means gzip (items written before brotli). */
export function encodingOf(attribute: string | undefined): DocumentEncoding {
  if (attribute === undefined) return 'gzip';
  if ((DOCUMENT_ENCODINGS as readonly string[]).includes(attribute)) return attribute as DocumentEncoding;
  throw new UnknownDocumentEncodingError(attribute);
}

export class UnknownDocumentEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`unknown document encoding ${JSON.stringify(encoding)} (known: ${DOCUMENT_ENCODINGS.join(', ')})`);
    this.name = 'UnknownDocumentEncodingError';
  }
}

/** JSON of `value` in WRITE_ENCODING; `quality` (else chosen by size) is for the measuring script. */
export function encodeJson(value: unknown, quality?: number): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]:
        quality ?? (bytes.length > LARGE_DOCUMENT_BYTES ? LARGE_DOCUMENT_BROTLI_QUALITY : BROTLI_QUALITY),
      [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

export function decodeJson<T>(bytes: Uint8Array, encoding: DocumentEncoding): T {
  const json = encoding === 'br' ? brotliDecompressSync(bytes) : gunzipSync(bytes);
  return JSON.parse(json.toString('utf8')) as T;
}
