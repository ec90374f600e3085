/**
 * Partner kit: an HTTPS endpoint for the syndication feed's SNS subscription.
 *
 * - Every request's SNS signature is verified with `sns-validator` (AWS's own validator for Node,
 *   no dependencies): the signing certificate must come over HTTPS from an SNS host
 *   (`sns.<region>.amazonaws.com`), and the signature (SignatureVersion 1 or 2) must match the
 *   signed fields. Messages from any topic but ours are refused too.
 * - A `SubscriptionConfirmation` is confirmed by visiting its SubscribeURL (after the checks above).
 * - A `Notification`'s `Message` is the envelope: checked against the contract, handled once per
 *   `idempotencyKey`, its full document fetched from the link when it carries a summary.
 * - Answers 200 when handled or a duplicate, 403 when the signature or topic is wrong, 400 for
 *   a body that is not an SNS message, 500 when handling failed (SNS retries, then dead-letters).
 *
 *   npx tsx examples/https-receiver.ts --topic-arn ARN [--port 8443]
 *
 * Put it behind your TLS terminator: SNS only delivers to https:// endpoints with a certificate
 * from a public CA.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { globalAgent } from 'node:https';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import MessageValidator from 'sns-validator';
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

  const receive = async (request: IncomingMessage): Promise<string> => {
    if (request.method !== 'POST') throw new RejectedRequest(405, 'POST only');
    const body = await readBody(request);
    try {
      JSON.parse(body);
    } catch {
      throw new RejectedRequest(400, 'not JSON');
    }
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'topic-arn': { type: 'string' }, port: { type: 'string', default: '8443' } },
  });
  const topicArn = values['topic-arn'];
  if (!topicArn) throw new Error('usage: npx tsx examples/https-receiver.ts --topic-arn ARN [--port 8443]');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await startSnsReceiver(
    {
      topicArn,
      log,
      handle: async (envelope, document) => {
        // Replace with your own. Versions can arrive out of order: keep the highest per `uri`.
        log(
          `${envelope.eventType} ${envelope.uri} v${envelope.version}: ${document.headlines?.[0]?.value ?? ''}`,
        );
      },
    },
    Number(values.port),
    '0.0.0.0',
  );
  log(`listening on port ${values.port}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
