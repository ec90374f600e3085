/**
 * The partner kit's HTTPS receiver accepts SNS signature version 2 only, and only messages whose
 * signed Timestamp is recent, on an injected clock. Messages are signed here with a key whose
 * self-signed certificate is served over HTTPS on 127.0.0.1 (the receiver's local-signer mode trusts
 * it); AWS's own certificate cannot be fetched without network access.
 */
import assert from 'node:assert/strict';
import { createSign, createVerify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { snsReceiver, staleOrWeakSignatureProblem } from '../../examples/https-receiver.js';
import { localSigningIdentity, type SigningIdentity, signSnsMessage } from '../../local/https-relay.js';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:Syndication-live-ArticlesTopic';
/** When the test messages were published, and the clock readings the receiver is given. */
const SENT = '2026-03-01T12:00:00.000Z';

/** A minimal envelope that follows the contract (contract/article-envelope.schema.json). */
function envelope(version: number): string {
  return JSON.stringify({
    specVersion: '1.1',
    eventType: 'article.published',
    uri: 'urn:syndicate:wire/harbour.txt',
    version,
    idempotencyKey: `urn:syndicate:wire/harbour.txt#${version}`,
    source: 'wire',
    publishedAt: SENT,
    payload: 'full',
    ninjs: {
      uri: 'urn:syndicate:wire/harbour.txt',
      type: 'text',
      headlines: [{ role: 'main', value: 'Harbour plan goes back to committee' }],
      bodies: [{ role: 'main', contentType: 'text/plain', value: 'The committee met again on Tuesday.' }],
    },
  });
}

let identity: SigningIdentity;
let certServer: Server;
let certUrl: string;
let receiverServer: Server;
let endpoint: string;
let clock = new Date(SENT);
const handled: number[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function notification(version: number, timestamp = SENT) {
  return {
    Type: 'Notification',
    MessageId: `11111111-2222-3333-4444-${String(version).padStart(12, '0')}`,
    TopicArn: TOPIC_ARN,
    Message: envelope(version),
    Timestamp: timestamp,
  };
}

/** Signed as SNS signs with SignatureVersion 1: RSA-SHA1 over the same fields. */
function signVersion1(message: ReturnType<typeof notification>) {
  const signer = createSign('RSA-SHA1');
  for (const field of ['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type'] as const)
    signer.update(`${field}\n${message[field]}\n`, 'utf8');
  return {
    ...message,
    SignatureVersion: '1',
    Signature: signer.sign(identity.privateKey, 'base64'),
    SigningCertURL: certUrl,
  };
}

async function post(body: unknown): Promise<number> {
  const response = await fetch(endpoint, { method: 'POST', body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

before(async () => {
  identity = await localSigningIdentity();
  certServer = createHttpsServer(
    { key: identity.privateKey, cert: identity.certificate },
    (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(identity.certificate),
  );
  certUrl = `https://127.0.0.1:${await listen(certServer)}/SimpleNotificationService-local.pem`;
  receiverServer = createServer(
    snsReceiver({
      topicArn: TOPIC_ARN,
      localSigner: { certificate: identity.certificate },
      now: () => clock,
      handle: async (received) => {
        handled.push(received.version);
      },
    }),
  );
  endpoint = `http://127.0.0.1:${await listen(receiverServer)}/sns`;
});

after(async () => {
  for (const server of [certServer, receiverServer]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('signature version', () => {
  test('a version 2 (SHA256) message is verified and handled', async () => {
    clock = new Date('2026-03-01T12:00:30.000Z');
    assert.equal(await post(signSnsMessage(notification(1), identity.privateKey, certUrl)), 200);
    assert.deepEqual(handled, [1]);
  });

  test('a correctly signed version 1 (SHA1) message is refused with 403 and not handled', async () => {
    clock = new Date('2026-03-01T12:00:30.000Z');
    const message = signVersion1(notification(2));
    // The signature itself is genuine: only its version is refused.
    const verifier = createVerify('RSA-SHA1');
    for (const field of ['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type'] as const)
      verifier.update(`${field}\n${message[field]}\n`, 'utf8');
    assert.equal(verifier.verify(identity.certificate, message.Signature, 'base64'), true);
    assert.equal(await post(message), 403);
    assert.equal(handled.includes(2), false);
  });

  test('a message without a signature version, or with version 3, is refused', () => {
    const now = new Date(SENT);
    assert.match(
      staleOrWeakSignatureProblem({ ...notification(3) }, now) ?? '',
      /SignatureVersion null refused: only version 2 \(SHA256\) is accepted/,
    );
    assert.match(
      staleOrWeakSignatureProblem({ ...notification(3), SignatureVersion: '3' }, now) ?? '',
      /SignatureVersion "3" refused/,
    );
    assert.match(
      staleOrWeakSignatureProblem({ ...notification(3), SignatureVersion: 2 }, now) ?? '',
      /SignatureVersion 2 refused/,
    );
  });
});

describe('message age (default bound: one hour old, five minutes ahead)', () => {
  const signed = (version: number, timestamp = SENT) =>
    signSnsMessage(notification(version, timestamp), identity.privateKey, certUrl);

  test('exactly one hour old is accepted; one millisecond more is refused', async () => {
    clock = new Date('2026-03-01T13:00:00.000Z');
    assert.equal(await post(signed(10)), 200);
    clock = new Date('2026-03-01T13:00:00.001Z');
    assert.equal(await post(signed(11)), 403);
    assert.equal(handled.includes(11), false);
    assert.equal(
      staleOrWeakSignatureProblem({ ...signed(11) }, clock),
      'Timestamp 2026-03-01T12:00:00.000Z is 3600 s old, more than the 3600 s accepted',
    );
  });

  test('a day-old replay of a genuine message is refused', async () => {
    clock = new Date('2026-03-02T12:00:00.000Z');
    assert.equal(await post(signed(12)), 403);
    assert.equal(handled.includes(12), false);
  });

  test('five minutes ahead of the clock is accepted; more is refused', async () => {
    clock = new Date('2026-03-01T11:55:00.000Z');
    assert.equal(await post(signed(13)), 200);
    clock = new Date('2026-03-01T11:54:59.999Z');
    assert.equal(await post(signed(14)), 403);
    assert.match(staleOrWeakSignatureProblem({ ...signed(14) }, clock) ?? '', /in the future/);
  });

  test('a Timestamp that is missing or not a date-time is refused', () => {
    const now = new Date(SENT);
    const { Timestamp: _dropped, ...untimed } = signed(15);
    assert.match(staleOrWeakSignatureProblem(untimed, now) ?? '', /Timestamp null is not a date-time/);
    assert.match(
      staleOrWeakSignatureProblem({ ...signed(15), Timestamp: 'yesterday' }, now) ?? '',
      /Timestamp "yesterday" is not a date-time/,
    );
  });

  test('a shorter bound can be configured; a bound that is not positive is refused', () => {
    const sixtySeconds = 60_000;
    assert.equal(
      staleOrWeakSignatureProblem({ ...signed(16) }, new Date('2026-03-01T12:01:00.000Z'), sixtySeconds),
      undefined,
    );
    assert.match(
      staleOrWeakSignatureProblem({ ...signed(16) }, new Date('2026-03-01T12:01:00.001Z'), sixtySeconds) ??
        '',
      /60 s old, more than the 60 s accepted/,
    );
    assert.throws(
      () => snsReceiver({ topicArn: TOPIC_ARN, handle: async () => {}, maxMessageAgeMs: 0 }),
      /maxMessageAgeMs must be a positive number/,
    );
  });

  test('only the accepted messages were handled, each once', () => {
    assert.deepEqual(handled, [1, 10, 13]);
  });
});
