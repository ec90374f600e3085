/**
 * What every consumer of the syndication feed does with a message, whatever the transport:
 * check it against the published contract, skip what it has already handled (delivery is at least
 * once: deduplicate on `idempotencyKey`), and get the complete ninjs document, fetching it from the
 * claim-check link when the message carries a summary.
 */
import { createHash } from 'node:crypto';
import type { ArticleEnvelope, Ninjs } from '../contract/article-envelope.js';
import { envelopeProblems } from '../contract/validate.js';

/**
 * Remembers handled idempotency keys. In production use a shared, durable store with a TTL longer
 * than the queue's retention (e.g. a DynamoDB table with a conditional put), so that several
 * consumers and restarts agree.
 */
export interface IdempotencyStore {
  has(key: string): Promise<boolean>;
  add(key: string): Promise<void>;
}

/** Keeps the most recent `capacity` keys in memory: enough for one process and for these examples. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  async has(key: string): Promise<boolean> {
    return this.keys.has(key);
  }

  async add(key: string): Promise<void> {
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}

/** The message does not follow the contract: retrying cannot fix it (let it go to the DLQ). */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** Parses a message body and checks it against the envelope JSON Schema (and ninjs 3.2). */
export function parseEnvelope(body: string): ArticleEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidMessageError('the message body is not JSON');
  }
  const problems = envelopeProblems(parsed);
  if (problems.length > 0) {
    throw new InvalidMessageError(
      `not a valid article envelope: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`,
    );
  }
  return parsed as ArticleEnvelope;
}

/**
 * The complete document: inline, or fetched from the link (which expires: fetch on receipt) and
 * checked against the size and SHA-256 the message states.
 */
export async function completeDocument(envelope: ArticleEnvelope): Promise<Ninjs> {
  const { link } = envelope;
  if (!link) return envelope.ninjs;
  const response = await fetch(link.href, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${envelope.idempotencyKey}: document link answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== link.sizeInBytes || sha256 !== link.sha256) {
    throw new Error(
      `${envelope.idempotencyKey}: the fetched document does not match the link's size and SHA-256`,
    );
  }
  return JSON.parse(bytes.toString('utf8')) as Ninjs;
}

export type ArticleHandler = (envelope: ArticleEnvelope, document: Ninjs) => Promise<void>;

export type Outcome = 'handled' | 'duplicate';

/**
 * Handles one message exactly once per idempotency key: a key is recorded only after the handler
 * succeeded, so a failure leaves the message to be delivered again. (Two consumers racing on the
 * same duplicate can both handle it: a store with a conditional "claim" closes that window.)
 */
export async function handleOnce(
  envelope: ArticleEnvelope,
  seen: IdempotencyStore,
  handle: ArticleHandler,
): Promise<Outcome> {
  if (await seen.has(envelope.idempotencyKey)) return 'duplicate';
  await handle(envelope, await completeDocument(envelope));
  await seen.add(envelope.idempotencyKey);
  return 'handled';
}
