/**
 * Partner kit: an HTTPS endpoint for the syndication feed's SNS subscription.
 *
 * - Every request's SNS signature is verified with `sns-validator` (AWS's own validator for Node,
 *   no dependencies): the signing certificate must come over HTTPS from an SNS host
 *   (`sns.<region>.amazonaws.com`), and the signature must match the signed fields. Only
 *   SignatureVersion 2 (RSA-SHA256) is accepted: the topic is configured to sign with it, so a
 *   version 1 (SHA1) message did not come from it. Messages from any topic but ours are refused too.
 * - The signed `Timestamp` must be recent (default: within the last hour, at most 5 minutes ahead
 *   of our clock): a captured message cannot be replayed later. SNS keeps a message's timestamp
 *   through its retries, which this stack spreads over about 20 minutes (20 retries, at most 60 s
 *   apart); an article refused as too old stays in the subscription's DLQ for a replay.
 * - A `SubscriptionConfirmation` is confirmed by visiting its SubscribeURL (after the checks above).
 * - A `Notification`'s `Message` is the envelope: checked against the contract, handled once per
 *   `idempotencyKey`, its full document fetched from the link when it carries a summary.
 * - Answers 200 when handled or a duplicate, 403 when the signature or topic is wrong, 400 for
 *   a body that is not an SNS message, 500 when handling failed (SNS retries, then dead-letters).
 *
 *   npx tsx examples/https-receiver.ts --topic-arn ARN [--port 8443]
 *   npx tsx examples/https-receiver.ts --local [--port 8443]
 *
 * Put it behind your TLS terminator: SNS only delivers to https:// endpoints with a certificate
 * from a public CA. `--local` receives from the local runtime instead (`npm start -- --relay
 * PARTNER=http://127.0.0.1:8443/sns`): its topic, and the certificate its relay signs with, are read
 * from the runtime's file; it listens on 127.0.0.1 only. Each article handled is printed on stdout.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import MessageValidator from 'sns-validator';
import { localRuntime, UsageError } from './local-runtime.js';
import {
  type ArticleHandler,
  handleOnce,
  type IdempotencyStore,
  InMemoryIdempotencyStore,
  InvalidMessageError,
  parseEnvelope,
} from './partner-kit.js';

/** Where SNS serves its signing certificates and confirmation URLs (commercial and China regions). */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
/** An envelope is at most 256 KiB; the SNS JSON around it adds a few KiB. */
const MAX_BODY_BYTES = 512 * 1024;
/** The only signature version accepted: RSA-SHA256, what the articles topic is configured to use. */
export const ACCEPTED_SIGNATURE_VERSION = '2';
/** How old a message may be: longer than SNS's retries of one delivery, short enough to stop a replay. */
export const DEFAULT_MAX_MESSAGE_AGE_MS = 60 * 60 * 1000;
/** How far ahead of our clock a timestamp may be (the clocks of two machines never agree exactly). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SnsReceiverOptions {
  /** The only topic we accept messages from (the stack output ArticlesTopicArn). */
  readonly topicArn: string;
  readonly handle: ArticleHandler;
  readonly seen?: IdempotencyStore;
  readonly log?: (line: string) => void;
  /**
   * Local testing only: trust a signing certificate served over HTTPS on 127.0.0.1 by the local
   * runtime's relay (its self-signed certificate), and confirmation URLs on 127.0.0.1.
   * Never set this in production: it is what would let anyone sign messages.
   */
  readonly localSigner?: { readonly certificate: string };
  /** The clock messages' timestamps are compared with. @default () => new Date() */
  readonly now?: () => Date;
  /** Messages whose signed Timestamp is older than this are refused. @default one hour */
  readonly maxMessageAgeMs?: number;
}

interface SnsMessage {
  readonly Type: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly MessageId: string;
  readonly SubscribeURL?: string;
}

class RejectedRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RejectedRequest(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function verify(validator: MessageValidator, body: string): Promise<SnsMessage> {
  return new Promise((resolve, reject) => {
    validator.validate(body, (error, message) => {
      if (error || !message)
        reject(new RejectedRequest(403, `signature not verified: ${error?.message ?? 'no message'}`));
      else resolve(message as unknown as SnsMessage);
    });
  });
}

/**
 * Why a message is refused before its signature is even checked: a signature version other than 2,
 * or a Timestamp that is missing, too old or too far ahead of `now`. Undefined when both are fine.
 */
export function staleOrWeakSignatureProblem(
  message: Readonly<Record<string, unknown>>,
  now: Date,
  maxAgeMs = DEFAULT_MAX_MESSAGE_AGE_MS,
): string | undefined {
  if (message.SignatureVersion !== ACCEPTED_SIGNATURE_VERSION) {
    return `SignatureVersion ${JSON.stringify(message.SignatureVersion ?? null)} refused: only version ${ACCEPTED_SIGNATURE_VERSION} (SHA256) is accepted`;
  }
  const stamp = message.Timestamp;
  const sent = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
  if (Number.isNaN(sent)) return `Timestamp ${JSON.stringify(stamp ?? null)} is not a date-time`;
  const age = now.getTime() - sent;
  if (age > maxAgeMs) {
    return `Timestamp ${stamp} is ${Math.floor(age / 1000)} s old, more than the ${Math.floor(maxAgeMs / 1000)} s accepted`;
  }
  if (-age > MAX_CLOCK_SKEW_MS) {
    return `Timestamp ${stamp} is ${Math.floor(-age / 1000)} s in the future, more than the ${MAX_CLOCK_SKEW_MS / 1000} s of clock skew accepted`;
  }
  return undefined;
}

function trustedConfirmationUrl(url: string, local: boolean): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' && SNS_HOST.test(parsed.hostname)) return true;
    return local && parsed.hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/** The request handler; mount it on any HTTP server (behind TLS). */
export function snsReceiver(options: SnsReceiverOptions): RequestListener {
  const local = options.localSigner !== undefined;
  if (options.localSigner) {
    // sns-validator fetches the certificate with https.get on the global agent: trust the local one.
    globalAgent.options.ca = [options.localSigner.certificate];
  }
  const validator = new MessageValidator(local ? /^127\.0\.0\.1:\d+$/ : SNS_HOST);
  const seen = options.seen ?? new InMemoryIdempotencyStore();
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const maxAgeMs = options.maxMessageAgeMs ?? DEFAULT_MAX_MESSAGE_AGE_MS;
  if (!(Number.isFinite(maxAgeMs) && maxAgeMs > 0))
    throw new RangeError(`maxMessageAgeMs must be a positive number of milliseconds, not ${maxAgeMs}`);

  const receive = async (request: IncomingMessage): Promise<string> => {
    if (request.method !== 'POST') throw new RejectedRequest(405, 'POST only');
    const body = await readBody(request);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new RejectedRequest(400, 'not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new RejectedRequest(400, 'not an SNS message');
    // Before the signature: a weak or stale message is refused without fetching any certificate.
    const problem = staleOrWeakSignatureProblem(parsed as Record<string, unknown>, now(), maxAgeMs);
    if (problem) throw new RejectedRequest(403, problem);
    const message = await verify(validator, body);
    if (message.TopicArn !== options.topicArn)
      throw new RejectedRequest(403, `unexpected topic ${message.TopicArn}`);
    switch (message.Type) {
      case 'SubscriptionConfirmation': {
        if (!message.SubscribeURL || !trustedConfirmationUrl(message.SubscribeURL, local))
          throw new RejectedRequest(403, 'SubscribeURL is not an SNS URL');
        const response = await fetch(message.SubscribeURL, { signal: AbortSignal.timeout(15_000) });
        if (!response.ok) throw new RejectedRequest(502, `confirmation answered ${response.status}`);
        return 'subscription confirmed';
      }
      case 'Notification': {
        let envelope: ReturnType<typeof parseEnvelope>;
        try {
          envelope = parseEnvelope(message.Message);
        } catch (error) {
          if (error instanceof InvalidMessageError) throw new RejectedRequest(400, error.message);
          throw error;
        }
        const outcome = await handleOnce(envelope, seen, options.handle);
        return `${outcome} ${envelope.idempotencyKey}`;
      }
      case 'UnsubscribeConfirmation':
        return 'unsubscribed (subscribe again from its SubscribeURL if that was a mistake)';
      default:
        throw new RejectedRequest(400, `unknown message type ${message.Type}`);
    }
  };

  return (request, response) => {
    receive(request).then(
      (result) => {
        log(result);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      },
      (error: unknown) => {
        const status = error instanceof RejectedRequest ? error.status : 500;
        log(`${status}: ${(error as Error).message}`);
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status === 500 ? 'error' : 'rejected');
      },
    );
  };
}

export function startSnsReceiver(options: SnsReceiverOptions, port = 0, host = '127.0.0.1'): Promise<Server> {
  const server = createServer(snsReceiver(options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const USAGE = 'npx tsx examples/https-receiver.ts --topic-arn ARN [--port 8443] | --local [--port 8443]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'topic-arn': { type: 'string' },
      port: { type: 'string', default: '8443' },
      local: { type: 'boolean' },
    },
  });
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new UsageError(`--port ${values.port} is not a port number`);
  let topicArn = values['topic-arn'];
  let localSigner: SnsReceiverOptions['localSigner'];
  if (values.local) {
    const runtime = localRuntime();
    if (!runtime.relayCertificate)
      throw new UsageError(
        `the local runtime posts to no endpoint on this machine (start it with \`npm start -- --relay breaking-alerts=http://127.0.0.1:${port}/sns\`)`,
      );
    topicArn = runtime.resources.topicArn;
    localSigner = { certificate: runtime.relayCertificate };
  }
  if (!topicArn) throw new UsageError(`usage: ${USAGE}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const server = await startSnsReceiver(
    {
      topicArn,
      log,
      ...(localSigner ? { localSigner } : {}),
      handle: async (envelope, document) => {
        // Replace with your own. Versions can arrive out of order: keep the highest per `uri`.
        process.stdout.write(
          `${envelope.eventType} ${envelope.uri} v${envelope.version}: ${document.headlines?.[0]?.value ?? ''}\n`,
        );
      },
    },
    port,
    localSigner ? '127.0.0.1' : '0.0.0.0',
  );
  log(`listening on port ${(server.address() as AddressInfo).port} for ${topicArn} (Ctrl-C to stop)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      server.closeAllConnections();
      server.close();
    });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    process.stderr.write(`https-receiver: ${(error as Error).message}\n`);
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    process.exitCode = usage ? 2 : 1;
  });
}
