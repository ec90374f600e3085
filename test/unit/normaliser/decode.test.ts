import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { RejectedInputError } from '../../../shared/domain/errors.js';
import { decodeObject } from '../../../shared/normaliser/decode.js';

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

  test('every windows-1252 byte decodes as the WHATWG index says (0x80-0x9F included, unlike Node 20)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    const html = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), all.subarray(0x20)]);
    const decoded = decode(html).text.slice('<meta charset="windows-1252">'.length);
    // iconv-lite has the same table but maps the five bytes cp1252 leaves undefined to U+FFFD;
    // the WHATWG index (what browsers use) maps them to the C1 control of the same value.
    const undefinedBytes = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    const expected = [...iconv.decode(Buffer.from(all.subarray(0x20)), 'windows-1252')].map((char, index) =>
      undefinedBytes.includes(index + 0x20) ? String.fromCharCode(index + 0x20) : char,
    );
    assert.deepEqual([...decoded], expected);
    assert.equal(decoded.charAt(0x93 - 0x20), '\u201c');
    assert.equal(decoded.charAt(0x80 - 0x20), '\u20ac');
  });

  test('declared multi-byte and Cyrillic charsets are decoded', () => {
    const cases: [string, string][] = [
      ['shift_jis', '\u65e5\u672c\u8a9e\u306e\u8a18\u4e8b'],
      ['gbk', '\u4e2d\u6587\u65b0\u95fb'],
      ['big5', '\u7e41\u9ad4\u4e2d\u6587'],
      ['euc-kr', '\ud55c\uad6d\uc5b4 \uae30\uc0ac'],
      ['koi8-r', '\u041f\u0440\u0438\u043c\u0435\u0440'],
      ['windows-1251', '\u041f\u0440\u0438\u043c\u0435\u0440 \u0456'],
      ['iso-8859-2', 'Pr\u00edklad \u0159\u010de\u0161tina \u0141\u00f3d\u017a'],
    ];
    for (const [charset, text] of cases) {
      const decoded = decode(iconv.encode(text, charset), `text/plain; charset=${charset}`);
      assert.equal(decoded.text, text, charset);
      assert.equal(decoded.encoding, charset);
    }
    assert.equal(
      decode(iconv.encode('\u65e5\u672c', 'shift_jis'), 'text/plain; charset=SJIS').encoding,
      'shift_jis',
    );
  });

  test('UTF-32 without a byte order mark is detected and decoded', () => {
    const text = 'Caf\u00e9 cr\u00e8me \u00e0 Z\u00fcrich, M\u00fcnchen und Gen\u00e8ve \u{1f4f0}.';
    for (const encoding of ['utf-32le', 'utf-32be']) {
      const decoded = decode(iconv.encode(text, encoding));
      assert.equal(decoded.text, text);
      assert.equal(decoded.encoding, encoding);
    }
  });

  test('charsets browsers do not decode (UTF-7, EBCDIC) are not decoded either', () => {
    const page = '<meta charset="utf-7"><p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>';
    assert.equal(decode(Buffer.from(page)).text, page);
    assert.equal(decode(Buffer.from('plain words'), 'text/plain; charset=cp500').text, 'plain words');
  });

  test('text is returned in NFC', () => {
    assert.equal(decode(Buffer.from('Erdog\u0306an')).text, 'Erdoğan');
    // ASCII is NFC already (not normalised again); a decomposed letter after ASCII still is.
    assert.equal(decode(Buffer.from('plain ASCII \u0001 text')).text, 'plain ASCII \u0001 text');
    assert.equal(decode(Buffer.from(`${'a'.repeat(9000)}e\u0301`)).text, `${'a'.repeat(9000)}é`);
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

  test('binary data is refused, wire-format control characters are kept, stray controls removed', () => {
    // A PNG signature is an image whatever follows (named, not just "binary").
    assert.equal(
      rejection(() => decode(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]))),
      'UNSUPPORTED_FORMAT',
    );
    const anpa = Buffer.from(
      '\u0016\u0016\u0001z6715\u001f-----\r\n\u0002Heat beat Hawks\u0003\r\n',
      'latin1',
    );
    assert.equal(
      decode(anpa).text,
      anpa.toString('latin1'),
      'SYN, SOH, US, STX, ETX kept for the wire reader',
    );
    // More than 2% suspicious controls in the first 8 KB is binary; up to 2% are removed, as any beyond 8 KB.
    const controls = (count: number, length: number) =>
      Buffer.from(Array.from({ length }, (_, index) => (index < count ? '\u0007' : 'a')).join(''));
    assert.equal(
      rejection(() => decode(controls(21, 1000))),
      'BINARY',
    );
    const stray = decode(controls(20, 1000));
    assert.equal(stray.text, 'a'.repeat(980));
    assert.equal(stray.repairs?.rule, '20-control-characters-removed');
    assert.equal(decode(Buffer.concat([Buffer.alloc(8192, 'a'), controls(500, 500)])).text.length, 8192);
  });

  test('a stray NUL in a UTF-8 story is removed, not a reason to refuse it', () => {
    const story = 'Zürich voters approved the plan.\u0000 Turnout was 48 per cent.';
    const decoded = decode(Buffer.from(story));
    assert.equal(decoded.text, 'Zürich voters approved the plan. Turnout was 48 per cent.');
    assert.equal(decoded.encoding, 'utf-8');
    assert.equal(decoded.repairs?.rule, '1-control-characters-removed');
    // Declared Latin-1 too.
    const latin = decode(
      iconv.encode('<?xml version="1.0" encoding="ISO-8859-1"?><p>Gen\u00e8ve\u0000</p>', 'latin1'),
    );
    assert.equal(latin.text, '<?xml version="1.0" encoding="ISO-8859-1"?><p>Genève</p>');
  });

  test('mostly-valid UTF-8 stays UTF-8: bad sequences become U+FFFD and are counted, accents survive', () => {
    // UTF-8 copy with one pasted Latin-1 byte (0xE9, "é" in Latin-1) and one truncated sequence (0xC3).
    const bytes = Buffer.concat([
      Buffer.from('Erdoğan met Müller in Genève; the café '),
      Buffer.from([0xe9]),
      Buffer.from(' was closed, naïve résumé '),
      Buffer.from([0xc3]),
    ]);
    const decoded = decode(bytes);
    assert.equal(decoded.encoding, 'utf-8');
    assert.equal(
      decoded.text,
      'Erdoğan met Müller in Genève; the café \ufffd was closed, naïve résumé \ufffd',
    );
    assert.equal(decoded.provenance.rule, 'mostly-valid-utf-8');
    assert.equal(decoded.repairs?.rule, '2-invalid-sequences-replaced-by-U+FFFD');
    // U+FFFD the document itself holds is valid UTF-8, not a repair.
    const literal = decode(Buffer.from('A \ufffd in the source, and Zürich.'));
    assert.equal(literal.repairs, undefined);
  });

  test('windows-1252 text, whose accents are all invalid UTF-8, is still read as windows-1252', () => {
    const text = 'Les élèves de l\u2019école à Genève ont reçu leurs résultats.';
    const decoded = decode(iconv.encode(text, 'windows-1252'));
    assert.equal(decoded.text, text);
    assert.equal(decoded.repairs, undefined);
  });

  test('an HTML <meta charset> after long head scripts is still honoured', () => {
    const script = `<script>${'window.dataLayer = window.dataLayer || [];\n'.repeat(100)}</script>`;
    const html = `<html><head>${script}<meta charset="windows-1252"><title>Caf\u00e9</title></head><body><p>\u201cNa\u00efve\u201d</p></body></html>`;
    const decoded = decode(iconv.encode(html, 'windows-1252'));
    assert.ok(script.length > 4096);
    assert.equal(decoded.provenance.rule, 'declared:windows-1252');
    assert.equal(decoded.text, html);
    // A charset named in the body (an article quoting markup) is not a declaration.
    const quoted = Buffer.from(
      '<html><head></head><body><p>Write &lt;meta charset="koi8-r"&gt; or <meta charset="koi8-r"> – é</p></body></html>',
    );
    assert.equal(decode(quoted).provenance.rule, 'valid-utf-8');
  });
});
