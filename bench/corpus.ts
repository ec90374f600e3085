/**
 * Benchmark corpora: the public fixtures (`test/fixtures/<format>/`), IPTC's ninjs examples
 * (`test/fixtures/ninjs-examples/`) and the sample articles (`events/articles/`), replicated to the size
 * a run needs. Each copy has one word changed, so that no two documents are byte-identical (content
 * hashes, caches and string interning see distinct inputs) while the structure stays the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `bench/`). */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export const BENCH_FORMATS = ['text', 'markdown', 'html', 'json', 'nitf', 'newsml'] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];

/** Where each format's documents come from, relative to the repository root. */
export const CORPUS_SOURCES: Record<BenchFormat, readonly string[]> = {
  text: ['test/fixtures/text', 'events/articles'],
  markdown: ['test/fixtures/markdown'],
  html: ['test/fixtures/html'],
  json: ['test/fixtures/ninjs', 'test/fixtures/ninjs-examples'],
  nitf: ['test/fixtures/nitf'],
  newsml: ['test/fixtures/newsml-g2'],
};

export interface SourceDocument {
  /** Path relative to the repository root, for reports. */
  readonly name: string;
  readonly bytes: Buffer;
}

export interface CorpusDocument {
  /** The source document this copy was made from. */
  readonly source: string;
  readonly key: string;
  readonly bytes: Buffer;
}

function walk(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

function belongsTo(format: BenchFormat, path: string): boolean {
  const name = basename(path);
  if (name === 'SOURCES.md') return false;
  // An HTML fixture folder holds the page and the expected extraction: only the page is input.
  if (format === 'html') return name === 'source.html';
  return true;
}

/** The distinct source documents of a format, in a stable order. */
export function sourceDocuments(format: BenchFormat): SourceDocument[] {
  return CORPUS_SOURCES[format].flatMap((directory) =>
    walk(join(REPO_ROOT, directory))
      .filter((path) => belongsTo(format, path))
      .map((path) => ({ name: relative(REPO_ROOT, path), bytes: readFileSync(path) })),
  );
}

/** a, b, …, z, ba, bb, … — a suffix that keeps the changed word a word. */
function letters(index: number): string {
  let value = index;
  let out = '';
  do {
    out = String.fromCharCode(97 + (value % 26)) + out;
    value = Math.floor(value / 26);
  } while (value > 0);
  return out;
}

const WORD = /(?<=[\s>])([a-z]{5,})(?=[\s.,;:<])/g;

/**
 * The document with one word of running text lengthened by a suffix (copy 0 is unchanged). Bytes
 * are handled as Latin-1 so that any charset survives untouched: only ASCII letters are matched.
 * The word is taken after the first paragraph tag past a third of the document (markup), else past
 * its middle, so it is body text rather than a script, a style or a field name.
 */
export function variantOf(bytes: Buffer, copy: number): Buffer {
  if (copy === 0) return bytes;
  const text = bytes.toString('latin1');
  const paragraph = text.indexOf('<p', Math.floor(text.length / 3));
  const starts = [paragraph >= 0 ? paragraph : Math.floor(text.length / 2), 0];
  for (const start of starts) {
    WORD.lastIndex = start;
    const match = WORD.exec(text);
    if (!match) continue;
    const end = match.index + (match[1] as string).length;
    return Buffer.from(`${text.slice(0, end)}q${letters(copy)}${text.slice(end)}`, 'latin1');
  }
  return bytes;
}

/** `count` documents made from the sources in turn, each copy with its own changed word and key. */
export function replicate(
  sources: readonly SourceDocument[],
  count: number,
  keyPrefix: string,
): CorpusDocument[] {
  if (sources.length === 0) throw new Error(`no source documents for ${keyPrefix}`);
  return Array.from({ length: count }, (_, index) => {
    const source = sources[index % sources.length] as SourceDocument;
    const copy = Math.floor(index / sources.length);
    return {
      source: source.name,
      key: `${keyPrefix}/${copy}/${source.name.replace(/^(\.\.\/)+/, '')}`,
      bytes: variantOf(source.bytes, copy),
    };
  });
}
