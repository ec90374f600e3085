/**
 * Partner kit: an SQS consumer of the syndication feed.
 *
 * Reads the partner queue (raw delivery: each message body is the envelope), handles each article
 * once per `idempotencyKey`, and deletes what it handled or recognised as a duplicate. A message whose
 * handling failed is left in the queue: SQS makes it visible again after the visibility timeout, and
 * after 5 receives the queue's redrive policy moves it to the partner's dead-letter queue.
 *
 *   npx tsx examples/sqs-consumer.ts QUEUE_URL [--endpoint URL] [--region REGION]
 *   npx tsx examples/sqs-consumer.ts --local PARTNER
 *
 * Credentials and region come from the standard AWS environment (a role of the partner account that
 * the queue policy lets read). `--local PARTNER` reads that partner's queue in the local runtime
 * (`npm start` in another terminal), with the endpoint, region and credentials it records.
 * Each article handled is printed on stdout; problems on stderr.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { localQueueUrl, localRuntime, localSqsConfig, UsageError } from './local-runtime.js';
import {
  type ArticleHandler,
  handleOnce,
  type IdempotencyStore,
  InMemoryIdempotencyStore,
  InvalidMessageError,
  parseEnvelope,
} from './partner-kit.js';

export interface SqsConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handle: ArticleHandler;
  readonly seen?: IdempotencyStore;
  /** Long-poll wait per receive (0-20 s). @default 20 */
  readonly waitTimeSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface BatchResult {
  readonly handled: number;
  readonly duplicates: number;
  /** Left in the queue for another try (handler failure) or for the DLQ (invalid message). */
  readonly failed: number;
}

async function processMessage(message: Message, options: SqsConsumerOptions, seen: IdempotencyStore) {
  try {
    const envelope = parseEnvelope(message.Body ?? '');
    return await handleOnce(envelope, seen, options.handle);
  } catch (error) {
    const kind = error instanceof InvalidMessageError ? 'invalid message' : 'handling failed';
    options.log?.(`${message.MessageId}: ${kind}: ${(error as Error).message}`);
    return 'failed' as const;
  }
}

/**
 * One receive: up to 10 messages, handled in order, the settled ones deleted in one call. `signal`
 * cuts the long poll short (nothing received is lost: it becomes visible again).
 */
export async function consumeBatch(
  options: SqsConsumerOptions,
  seen: IdempotencyStore = options.seen ?? new InMemoryIdempotencyStore(),
  signal?: AbortSignal,
): Promise<BatchResult> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 20,
    }),
    signal ? { abortSignal: signal } : {},
  );
  const counts = { handled: 0, duplicate: 0, failed: 0 };
  const settled: Message[] = [];
  for (const message of Messages) {
    const outcome = await processMessage(message, options, seen);
    counts[outcome]++;
    if (outcome !== 'failed') settled.push(message);
  }
  if (settled.length > 0) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: settled.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  return { handled: counts.handled, duplicates: counts.duplicate, failed: counts.failed };
}

/** Consumes until the signal aborts. */
export async function runSqsConsumer(options: SqsConsumerOptions, signal: AbortSignal): Promise<void> {
  const seen = options.seen ?? new InMemoryIdempotencyStore();
  while (!signal.aborted) {
    try {
      await consumeBatch(options, seen, signal);
    } catch (error) {
      if (signal.aborted) break;
      options.log?.(`receive failed: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const USAGE =
  'npx tsx examples/sqs-consumer.ts QUEUE_URL [--endpoint URL] [--region REGION] | --local PARTNER';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { endpoint: { type: 'string' }, region: { type: 'string' }, local: { type: 'boolean' } },
  });
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new UsageError(`usage: ${USAGE}`);
  let sqs: SQSClient;
  let queueUrl = target;
  if (values.local) {
    const runtime = localRuntime();
    queueUrl = localQueueUrl(runtime, target);
    sqs = new SQSClient(localSqsConfig(runtime));
  } else {
    sqs = new SQSClient({
      ...(values.region ? { region: values.region } : {}),
      ...(values.endpoint ? { endpoint: values.endpoint, useQueueUrlAsEndpoint: false } : {}),
    });
  }
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`reading ${queueUrl} (Ctrl-C to stop)`);
  await runSqsConsumer(
    {
      sqs,
      queueUrl,
      log,
      handle: async (envelope, document) => {
        // Replace with your own: store or index the article. Versions can arrive out of order:
        // keep the highest `version` per `uri`; `article.withdrawn` means take it down.
        process.stdout.write(
          `${envelope.eventType} ${envelope.uri} v${envelope.version}: ${document.headlines?.[0]?.value ?? ''}\n`,
        );
      },
    },
    controller.signal,
  );
  sqs.destroy();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    process.stderr.write(`sqs-consumer: ${(error as Error).message}\n`);
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    process.exitCode = usage ? 2 : 1;
  });
}
