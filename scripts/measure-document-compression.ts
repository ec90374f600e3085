/**
 * Compressed size and compress time per article of the documents the index stores (a version's
 * ninjs + provenance, and a feed entry's head), gzip as before and brotli at qualities 5..11, for the
 * sample articles (events/articles/**). A measuring aid for choosing BROTLI_QUALITY in
 * shared/adapters/document-encoding.ts, not a test: `npx tsx scripts/measure-document-compression.ts`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeJson } from '../shared/adapters/document-encoding.js';
import { normaliseObject } from '../shared/normaliser/normalise.js';

const ROOT = join(import.meta.dirname, '..');
const ARTICLES = join(ROOT, 'events/articles');
const ROUNDS = 400;

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Median time of one call, in ms, over ROUNDS calls after as many untimed. */
function medianMs(run: () => unknown): number {
  for (let round = 0; round < ROUNDS; round++) run();
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const now = new Date().toISOString();
for (const path of files(ARTICLES)) {
  const key = relative(ARTICLES, path);
  let normalised: Awaited<ReturnType<typeof normaliseObject>>;
  try {
    normalised = await normaliseObject({ key, bytes: readFileSync(path) });
  } catch (error) {
    console.log(`${key}: skipped (${(error as Error).message})`);
    continue;
  }
  const ninjs = {
    ...normalised.ninjs,
    version: '1',
    firstCreated: now,
    versionCreated: now,
    pubStatus: 'usable',
  };
  const document = { ninjs, provenance: normalised.provenance };
  const head = {
    uri: ninjs.uri,
    version: 1,
    contentHash: normalised.contentHash,
    pubStatus: 'usable',
    headline: ninjs.headlines?.[0]?.value ?? '',
    origin: { key, sequencer: '0018EB44CDAEFBDA01' },
    source: normalised.source,
    language: ninjs.language,
    subjectCodes: normalised.subjectCodes,
    everSubjectCodes: normalised.subjectCodes,
    everLanguages: ninjs.language ? [ninjs.language] : [],
    everSources: [normalised.source],
    everPublished: true,
    firstCreated: now,
    versionCreated: now,
  };
  const json = JSON.stringify(document);
  console.log(
    `${key}: document JSON ${Buffer.byteLength(json)} bytes, head JSON ${Buffer.byteLength(JSON.stringify(head))} bytes`,
  );
  console.log('  encoding     document B  head B  compress document ms (median)');
  const gzipMs = medianMs(() => gzipSync(JSON.stringify(document)));
  console.log(
    `  gzip (6)     ${String(gzipSync(json).length).padStart(10)}  ${String(gzipSync(JSON.stringify(head)).length).padStart(6)}  ${gzipMs.toFixed(3)}`,
  );
  for (let quality = 5; quality <= 11; quality++) {
    const ms = medianMs(() => encodeJson(document, quality));
    console.log(
      `  brotli q${String(quality).padEnd(3)} ${String(encodeJson(document, quality).length).padStart(10)}  ${String(encodeJson(head, quality).length).padStart(6)}  ${ms.toFixed(3)}`,
    );
  }
}
