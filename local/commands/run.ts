/** `syndicate run FILE...`: files through a fresh local pipeline; their journeys as JSON. */
import type { Parsed } from '../cli.js';
import { CliError, distinctKeys, readInput, say, warn } from '../cli-support.js';
import { startPipeline } from './session.js';

export async function commandRun({ values, positionals }: Parsed): Promise<number> {
  const inputs = distinctKeys(positionals, {
    ...(typeof values.root === 'string' ? { root: values.root } : {}),
    ...(typeof values.source === 'string' ? { source: values.source } : {}),
  });
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
      for (const { file, key } of readable) {
        const journey = await tracker.journeyOf(key);
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
