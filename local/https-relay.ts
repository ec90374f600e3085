/**
 * HTTPS delivery for the local runtime. fauxqs delivers to SQS only, so an HTTPS partner's
 * subscription delivers to a local queue, and this relay plays SNS's HTTP(S) delivery from that queue
 * to the partner's URL:
 *
 * - it first posts a signed `SubscriptionConfirmation` and holds notifications until the receiver
 *   visits its `SubscribeURL` (served here, on 127.0.0.1), as SNS does;
 * - then each notification is posted as SNS posts it (JSON body, `x-amz-sns-*` headers), signed
 *   (SignatureVersion 2, RSA-SHA256) with a key generated at start, whose self-signed certificate is
 *   served over HTTPS at `SigningCertURL` on 127.0.0.1;
 * - a 2xx answer deletes the message; anything else leaves it to be retried and, after the queue's
 *   maxReceiveCount, dead-lettered, as an SNS delivery DLQ would get it.
 *
 * What this does not reproduce: AWS's certificate and its chain (a receiver checks ours only because
 * it is told to trust 127.0.0.1), SNS's retry timing and delivery policy, and raw delivery.
 */
import { createSign, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { generate } from 'selfsigned';
import type { QueueRef } from './resources.js';

const HOST = '127.0.0.1';
const CERT_PATH = '/SimpleNotificationService-local.pem';

/** The key the relay signs with and the certificate a receiver verifies signatures with. */
export interface SigningIdentity {
  readonly privateKey: string;
  readonly certificate: string;
}

export async function localSigningIdentity(): Promise<SigningIdentity> {
  const pems = await generate([{ name: 'commonName', value: 'local-sns.syndicate.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: HOST }] },
    ],
  });
  return { privateKey: pems.private, certificate: pems.cert };
}

/** The fields SNS signs, in its order, for each message type (AWS: "Verifying the signatures"). */
const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

export type SnsHttpMessage = Record<string, unknown> & { readonly Type: string };

/** Signs a message as SNS does with SignatureVersion 2 and returns it with the signature fields. */
export function signSnsMessage(message: SnsHttpMessage, privateKey: string, certUrl: string): SnsHttpMessage {
  const signer = createSign('RSA-SHA256');
  for (const field of SIGNED_FIELDS[message.Type] ?? []) {
    const value = message[field];
    if (value !== undefined && value !== null) signer.update(`${field}\n${String(value)}\n`, 'utf8');
  }
  return {
    ...message,
    SignatureVersion: '2',
    Signature: signer.sign(privateKey, 'base64'),
    SigningCertURL: certUrl,
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export interface RelayTarget {
  readonly partner: string;
  readonly endpoint: string;
  /** The local queue the partner's subscription delivers to (not raw: SNS JSON bodies). */
  readonly queue: QueueRef;
  readonly subscriptionArn: string;
}

export interface RelayedDelivery {
  readonly partner: string;
  /** The `Message` posted: the envelope, as a string. */
  readonly message: string;
  readonly attributes: Record<string, string>;
}

export interface RelayOptions {
  readonly onDelivered: (delivery: RelayedDelivery) => void;
  readonly onError: (error: unknown) => void;
}

interface RelayState {
  readonly target: RelayTarget;
  readonly token: string;
  confirmed: boolean;
}

/** Relays every HTTPS partner's local queue to its URL; one certificate and control server for all. */
export class HttpsRelay {
  private running = true;
  private busy = 0;
  private readonly loops: Promise<void>[] = [];
  private readonly states: RelayState[];

  private constructor(
    private readonly sqs: SQSClient,
    readonly identity: SigningIdentity,
    private readonly certServer: Server,
    private readonly controlServer: Server,
    /** Where the certificate is served (HTTPS, 127.0.0.1). */
    readonly certUrl: string,
    private readonly controlUrl: string,
    private readonly topicArn: string,
    targets: readonly RelayTarget[],
    private readonly options: RelayOptions,
  ) {
    this.states = targets.map((target) => ({
      target,
      token: randomUUID().replace(/-/g, ''),
      confirmed: false,
    }));
  }

  static async start(
    sqs: SQSClient,
    topicArn: string,
    targets: readonly RelayTarget[],
    options: RelayOptions,
  ): Promise<HttpsRelay> {
    const identity = await localSigningIdentity();
    const certServer = createHttpsServer(
      { key: identity.privateKey, cert: identity.certificate },
      (request, response) => {
        if (request.method === 'GET' && request.url === CERT_PATH) {
          response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(identity.certificate);
        } else {
          response.writeHead(404).end();
        }
      },
    );
    let relay: HttpsRelay | undefined;
    const controlServer = createHttpServer((request, response) =>
      relay?.control(request.url ?? '', response),
    );
    const [certPort, controlPort] = await Promise.all([listen(certServer), listen(controlServer)]);
    relay = new HttpsRelay(
      sqs,
      identity,
      certServer,
      controlServer,
      `https://${HOST}:${certPort}${CERT_PATH}`,
      `http://${HOST}:${controlPort}/`,
      topicArn,
      targets,
      options,
    );
    for (const state of relay.states) relay.loops.push(relay.run(state));
    return relay;
  }

  /** Nothing being posted, and every confirmed relay idle. */
  get idle(): boolean {
    return this.busy === 0;
  }

  isConfirmed(partner: string): boolean {
    return this.states.some((state) => state.target.partner === partner && state.confirmed);
  }

  /** SubscribeURL (and UnsubscribeURL) of the local "SNS": answers like SNS's ConfirmSubscription. */
  private control(url: string, response: import('node:http').ServerResponse): void {
    const query = new URL(url, this.controlUrl).searchParams;
    const state = this.states.find((candidate) => candidate.token === query.get('Token'));
    if (query.get('Action') === 'ConfirmSubscription' && state) {
      state.confirmed = true;
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${state.target.subscriptionArn}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
        );
      return;
    }
    response.writeHead(404).end();
  }

  private async post(endpoint: string, message: SnsHttpMessage, subscriptionArn: string): Promise<number> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': message.Type,
        'x-amz-sns-message-id': String(message.MessageId),
        'x-amz-sns-topic-arn': this.topicArn,
        ...(message.Type === 'Notification' ? { 'x-amz-sns-subscription-arn': subscriptionArn } : {}),
      },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  private async confirm(state: RelayState): Promise<void> {
    const { target, token } = state;
    const subscribeUrl = `${this.controlUrl}?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(this.topicArn)}&Token=${token}`;
    const message = signSnsMessage(
      {
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        Token: token,
        TopicArn: this.topicArn,
        Message: `You have chosen to subscribe to the topic ${this.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
      },
      this.identity.privateKey,
      this.certUrl,
    );
    await this.post(target.endpoint, message, target.subscriptionArn);
  }

  private async run(state: RelayState): Promise<void> {
    const { target } = state;
    let lastConfirmation = 0;
    while (this.running) {
      try {
        if (!state.confirmed) {
          // SNS posts the confirmation once (the owner can ask for it again); a local receiver is often
          // started after the runtime, so it is posted again every second until confirmed.
          if (Date.now() - lastConfirmation > 1_000) {
            lastConfirmation = Date.now();
            await this.confirm(state).catch(() => undefined);
          }
          await sleep(100);
          continue;
        }
        const { Messages } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: target.queue.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        for (const received of Messages ?? []) {
          this.busy++;
          try {
            await this.relay(target, received.Body ?? '{}', received.ReceiptHandle ?? '');
          } finally {
            this.busy--;
          }
        }
      } catch (error) {
        if (this.running) this.options.onError(error);
        await sleep(100);
      }
    }
  }

  private async relay(target: RelayTarget, body: string, receiptHandle: string): Promise<void> {
    const notification = JSON.parse(body) as {
      MessageId: string;
      Message: string;
      Timestamp: string;
      Subject?: string | null;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
    const message = signSnsMessage(
      {
        Type: 'Notification',
        MessageId: notification.MessageId,
        TopicArn: this.topicArn,
        ...(notification.Subject ? { Subject: notification.Subject } : {}),
        Message: notification.Message,
        Timestamp: notification.Timestamp,
        UnsubscribeURL: `${this.controlUrl}?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(target.subscriptionArn)}`,
        MessageAttributes: notification.MessageAttributes ?? {},
      },
      this.identity.privateKey,
      this.certUrl,
    );
    const status = await this.post(target.endpoint, message, target.subscriptionArn).catch(() => 0);
    if (status >= 200 && status < 300) {
      await this.sqs.send(
        new DeleteMessageCommand({ QueueUrl: target.queue.url, ReceiptHandle: receiptHandle }),
      );
      this.options.onDelivered({
        partner: target.partner,
        message: notification.Message,
        attributes: Object.fromEntries(
          Object.entries(notification.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
        ),
      });
      return;
    }
    // Retried soon; the queue's redrive policy dead-letters it after maxReceiveCount attempts.
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: target.queue.url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 1,
      }),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all([close(this.certServer), close(this.controlServer)]);
  }
}
