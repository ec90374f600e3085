/**
 * The ingest use case on in-memory ports: the document the pipeline would index for a first upload
 * of a file under a given key, with no emulator and no AWS (`normalise`, `partners preview`).
 */
import { InMemoryArticleIndex, InMemoryObjectStore } from '../../shared/adapters/memory/in-memory.js';
import type { ArticleHead, ArticleVersion } from '../../shared/domain/article.js';
import type { Format } from '../../shared/normaliser/detect.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';

export type DryRun =
  | { readonly rejected: { readonly code: string; readonly reason: string } }
  | { readonly head: ArticleHead; readonly stored: ArticleVersion };

export async function dryRunIngest(key: string, bytes: Buffer, format?: Format): Promise<DryRun> {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  objects.put('local', { key, bytes });
  const outcome = await ingestObject(
    { objects, index, now: () => new Date(), ...(format ? { normaliseOptions: { format } } : {}) },
    { bucket: 'local', key },
  );
  if (outcome.status === 'rejected') return { rejected: { code: outcome.code, reason: outcome.reason } };
  const head = 'uri' in outcome ? await index.current(outcome.uri) : undefined;
  const stored = head ? await index.version(head.uri, head.version) : undefined;
  if (!head || !stored) throw new Error(`${key}: nothing was indexed (${outcome.status})`);
  return { head, stored };
}
