/**
 * `syndicate run FILE|FOLDER...`: files through a fresh local pipeline; their journeys (and the
 * receipts their publishers would read) as JSON. A folder is read as the drop folder is: keys are
 * paths inside it, whose first folder names the source, so one run can hold several publishers.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { S3Receipts } from '../../shared/adapters/s3-receipts.js';
import type { Receipt } from '../../shared/ports/receipts.js';
import type { Parsed } from '../support.js';
import { CliError, distinctKeys, readInput, say, warn } from '../support.js';
import { startPipeline } from './session.js';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A folder's files (hidden ones skipped, as the drop folder skips them), keyed by their path inside it. */
function folderInputs(folder: string, source: string | undefined): { file: string; key: string }[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      const path = relative(folder, file).split(sep).join('/');
      return { file, key: source ? `${source}/${path}` : path };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

export async function commandRun({ values, positionals }: Parsed): Promise<number> {
  const source = typeof values.source === 'string' ? values.source : undefined;
  const files = positionals.filter((path) => !isFolder(path));
  const inputs = [
    ...distinctKeys(files, {
      ...(typeof values.root === 'string' ? { root: values.root } : {}),
      ...(source ? { source } : {}),
    }),
    ...positionals.filter(isFolder).flatMap((folder) => folderInputs(folder, source)),
  ];
  if (inputs.length === 0)
    throw new CliError(`nothing to run in ${positionals.join(', ')}`, 'the folders hold no files');
  // Read every file first: a missing one is reported and skipped, and the others still run.
  const readable: { file: string; key: string; bytes: Buffer }[] = [];
  const unreadable: { file: string; reason: string }[] = [];
  for (const input of inputs) {
    try {
      readable.push({ ...input, bytes: await readInput(input.file) });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      warn(`syndicate: ${error.what} (${error.hint})`);
      unreadable.push({ file: input.file, reason: error.what });
    }
  }
  const articles: Record<string, unknown>[] = [];
  if (readable.length > 0) {
    const { pipeline, tracker } = await startPipeline();
    try {
      for (const { key, bytes } of readable) await pipeline.upload(key, bytes);
      await pipeline.waitForIdle();
      const receipts = new S3Receipts(pipeline.clients.s3);
      const receiptsBySource = new Map<string, Receipt[]>();
      const receiptOf = async (key: string): Promise<Receipt | undefined> => {
        const slash = key.indexOf('/');
        if (slash <= 0) return undefined;
        const keySource = key.slice(0, slash);
        let listed = receiptsBySource.get(keySource);
        if (!listed) {
          listed = await receipts.list(pipeline.resources.bucket, keySource, 1000);
          receiptsBySource.set(keySource, listed);
        }
        return listed.find((receipt) => receipt.objectKey === key);
      };
      for (const { file, key } of readable) {
        const journey = await tracker.journeyOf(key);
        const receipt = await receiptOf(key);
        // An embargoed article is accepted and indexed; it is published at its embargo time.
        const status = journey.status === 'withheld' ? 'published' : journey.status;
        articles.push({
          file,
          key,
          status,
          ...(journey.status === 'withheld' ? { withheld: true } : {}),
          uri: journey.uri,
          version: journey.version ?? null,
          reason: journey.reason ?? null,
          ...(journey.code ? { code: journey.code } : {}),
          deliveries: journey.deliveries,
          ...(receipt ? { receipt } : {}),
        });
      }
    } finally {
      await pipeline.stop();
    }
  }
  for (const { file, reason } of unreadable)
    articles.push({ file, status: 'unreadable', version: null, reason, deliveries: {} });
  say(JSON.stringify({ articles }, null, 2));
  // A rejection with its reason is the pipeline working; an unreadable or unsettled file is not.
  const settled = articles.every(
    (article) => article.status === 'published' || (article.status === 'rejected' && article.reason),
  );
  return settled ? 0 : 1;
}
