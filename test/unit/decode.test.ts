import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { decodeObject } from '../../shared/formats/decode.js';

const options = { maxDecompressedBytes: 1024 * 1024 };
const decode = (bytes: Uint8Array, contentType?: string) =>
  decodeObject(bytes, contentType ? { ...options, contentType } : options);

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RejectedInputError, String(error));
    return error.code;
  }
  assert.fail('expected a rejection');
}

const SAMPLE = 'Erdoğan said: “café” — naïve';

describe('decoding stored bytes to Unicode', () => {
  test('UTF-8 with and without a byte order mark', () => {
    assert.equal(decode(Buffer.from(SAMPLE)).text, SAMPLE);
    const withBom = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]));
    assert.equal(withBom.text, SAMPLE);
    assert.equal(withBom.provenance.rule, 'byte-order-mark');
  });

  test('UTF-16 little and big endian with a byte order mark', () => {
    assert.equal(
      decode(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(SAMPLE, 'utf-16le')])).text,
      SAMPLE,
    );
    assert.equal(
      decode(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(SAMPLE, 'utf-16be')])).text,
      SAMPLE,
    );
  });

  test('Windows-1252 curly quotes and euro sign, undeclared, are detected and decoded right', () => {
    const text =
      'The \u201cbudget\u201d rose to \u20ac5m, the minister\u2019s office said in a statement on Tuesday.';
    const decoded = decode(iconv.encode(text, 'windows-1252'));
    assert.equal(decoded.text, text);
    assert.equal(decoded.encoding, 'windows-1252');
  });

  test('a declared ISO-8859-1 XML document is decoded by its declaration', () => {
    const xml =
      '<?xml version="1.0" encoding="ISO-8859-1"?><nitf><hl1>Zürich: Bürger stimmen ab</hl1></nitf>';
    const decoded = decode(iconv.encode(xml, 'latin1'));
    assert.equal(decoded.text, xml);
    assert.equal(decoded.provenance.rule, 'declared:ISO-8859-1');
  });

  test('an HTML meta charset and a Content-Type charset are honoured', () => {
    const html =
      '<html><head><meta charset="windows-1252"></head><body><p>\u201cQuote\u201d</p></body></html>';
    assert.equal(decode(iconv.encode(html, 'windows-1252')).text, html);
    assert.equal(
      decode(iconv.encode('Gr\u00fc\u00dfe', 'latin1'), 'text/plain; charset=iso-8859-1').text,
      'Gr\u00fc\u00dfe',
    );
  });

  test('text is returned in NFC', () => {
    assert.equal(decode(Buffer.from('Erdog\u0306an')).text, 'Erdoğan');
  });

  test('gzip is decompressed, and what it decodes to is handled as usual', () => {
    const decoded = decode(gzipSync(Buffer.from(SAMPLE)));
    assert.equal(decoded.text, SAMPLE);
    assert.equal(decoded.compressed, true);
  });

  test('a gzip bomb stops at the decompressed-size limit', () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    assert.ok(bomb.length < 100 * 1024);
    assert.equal(
      rejection(() => decode(bomb)),
      'TOO_LARGE',
    );
  });

  test('corrupt gzip, nested gzip and zip archives are refused with their own reasons', () => {
    assert.equal(
      rejection(() => decode(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]))),
      'MALFORMED',
    );
    assert.equal(
      rejection(() => decode(gzipSync(gzipSync(Buffer.from(SAMPLE))))),
      'UNSUPPORTED_FORMAT',
    );
    assert.equal(
      rejection(() => decode(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))),
      'UNSUPPORTED_FORMAT',
    );
  });

  test('binary data is refused, wire-format control characters are not', () => {
    assert.equal(
      rejection(() => decode(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]))),
      'BINARY',
    );
    const anpa = Buffer.from(
      '\u0016\u0016\u0001z6715\u001f-----\r\n\u0002Heat beat Hawks\u0003\r\n',
      'latin1',
    );
    assert.match(decode(anpa).text, /Heat beat Hawks/);
  });
});
