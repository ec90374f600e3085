/**
 * The partner kit (examples/) against the local runtime: the SQS consumer reads a partner queue the
 * runtime only watches (it records arrivals without receiving) and deduplicates on the idempotency key; the HTTPS receiver confirms its
 * subscription and verifies message signatures, posted by the local relay.
 *
 * What this proves and what it does not: the receiver checks signatures with sns-validator against a
 * certificate fetched over HTTPS, and refuses tampered messages, other topics and certificates from
 * hosts it does not trust. Here the certificate is the relay's self-signed one on 127.0.0.1, trusted
 * because the test says so; verification against AWS's real SNS certificate (sns.<region>.amazonaws.com)
 * cannot run without network access and is only as good as that library's production path.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { ArticleEnvelope, Ninjs } from '../../contract/article-envelope.js';
import { snsReceiver } from '../../examples/https-receiver.js';
import { InMemoryIdempotencyStore } from '../../examples/partner-kit.js';
import { consumeBatch } from '../../examples/sqs-consumer.js';
import { signSnsMessage } from '../../local/https-relay.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const LONG_READ = `Harbour plan goes back to committee\n\n${Array.from(
  { length: 3100 },
  (_, n) =>
    `${n + 1}. The harbour committee met again on Tuesday to weigh proposal ${n}, which would change how the port is run.`,
).join('\n\n')}`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('partner kit on the local runtime', () => {
  let pipeline: LocalPipeline;
  let receiverServer: Server;
  let endpoint: string;
  // The receiver is mounted once the runtime (and its relay's certificate) exists.
  let listener: RequestListener = (_request, response) => void response.writeHead(503).end();
  const received: { envelope: ArticleEnvelope; document: Ninjs }[] = [];
  const errors: unknown[] = [];

  before(async () => {
    receiverServer = createServer((request, response) => listener(request, response));
    endpoint = `http://127.0.0.1:${await listen(receiverServer)}/sns`;
    const partners = parsePartnerRegistry(
      {
        partners: [
          { name: 'kit-consumer', delivery: { type: 'sqs' }, filters: {} },
          { name: 'kit-hook', delivery: { type: 'https', endpoint }, filters: { languages: ['en'] } },
        ],
      },
      { allowLoopbackHttp: true },
    );
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    const relay = pipeline.relay;
    assert.ok(relay, 'the HTTPS partner is served by the relay');
    listener = snsReceiver({
      topicArn: pipeline.resources.topicArn,
      localSigner: { certificate: relay.identity.certificate },
      handle: async (envelope, document) => {
        received.push({ envelope, document });
      },
    });
    await until(() => relay.isConfirmed('kit-hook'), 'the receiver to confirm the subscription');
    await pipeline.upload('wire/trump-putin-syria.txt', readFileSync(WIRE_ARTICLE));
    await pipeline.upload('wire/harbour-long-read.txt', LONG_READ);
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline.stop();
    receiverServer.closeAllConnections();
    await new Promise((resolve) => receiverServer.close(resolve));
  });

  describe('SQS consumer', () => {
    const queueOf = () => {
      const queues = pipeline.resources.partnerQueues.find(({ partner }) => partner.name === 'kit-consumer');
      assert.ok(queues);
      return queues.queue;
    };
    const seen = new InMemoryIdempotencyStore();
    const handled: { envelope: ArticleEnvelope; document: Ninjs }[] = [];
    const options = () => ({
      sqs: pipeline.clients.sqs,
      queueUrl: queueOf().url,
      waitTimeSeconds: 1,
      seen,
      handle: async (envelope: ArticleEnvelope, document: Ninjs) => {
        handled.push({ envelope, document });
      },
    });

    test('the runtime recorded both deliveries and left both messages in the queue for the consumer', () => {
      const recorded = pipeline.deliveries.filter((delivery) => delivery.partner === 'kit-consumer');
      assert.deepEqual(recorded.map(({ envelope }) => envelope.uri).sort(), [
        'urn:syndicate:wire/harbour-long-read.txt',
        'urn:syndicate:wire/trump-putin-syria.txt',
      ]);
      const queue = pipeline.emulators.messaging.inspectQueue(queueOf().name);
      assert.equal(queue?.messages.ready.length, 2);
      assert.equal(queue?.messages.inflight.length, 0, 'nothing received by the runtime');
      // SQS's ApproximateReceiveCount: never received, so the consumer's first receive will be its first.
      assert.deepEqual(
        queue?.messages.ready.map(({ approximateReceiveCount }) => approximateReceiveCount),
        [0, 0],
      );
    });

    test('handles each article once, with the complete document even when it came by claim check', async () => {
      let total = 0;
      for (let attempt = 0; attempt < 5 && total < 2; attempt++)
        total += (await consumeBatch(options())).handled;
      assert.equal(total, 2);
      const uris = handled.map(({ envelope }) => envelope.uri).sort();
      assert.deepEqual(uris, [
        'urn:syndicate:wire/harbour-long-read.txt',
        'urn:syndicate:wire/trump-putin-syria.txt',
      ]);
      const longRead = handled.find(({ envelope }) => envelope.link);
      assert.ok(longRead, 'the long read came by claim check');
      assert.ok(longRead.document.bodies?.length, 'and the consumer fetched the whole document');
      assert.deepEqual(ninjsProblems(longRead.document), []);
    });

    test('a duplicate delivery is recognised by its idempotency key and deleted without handling', async () => {
      const first = handled[0]?.envelope;
      assert.ok(first);
      const recorded = () => pipeline.deliveries.filter(({ partner }) => partner === 'kit-consumer').length;
      const before = recorded();
      await pipeline.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: queueOf().url, MessageBody: JSON.stringify(first) }),
      );
      // A message sent straight to the queue (as `replay --partner` does) is seen too.
      assert.equal(recorded(), before + 1);
      const result = await consumeBatch(options());
      assert.deepEqual(result, { handled: 0, duplicates: 1, failed: 0 });
      assert.equal(handled.length, 2);
      const queue = pipeline.emulators.messaging.inspectQueue(queueOf().name);
      assert.equal((queue?.messages.ready.length ?? 0) + (queue?.messages.inflight.length ?? 0), 0);
    });

    test('a message that is not a valid envelope, or whose handling fails, stays in the queue for a retry', async () => {
      await pipeline.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: queueOf().url, MessageBody: '{"eventType":"article.published"}' }),
      );
      const logged: string[] = [];
      const result = await consumeBatch({ ...options(), log: (line) => logged.push(line) });
      assert.deepEqual(result, { handled: 0, duplicates: 0, failed: 1 });
      assert.match(logged.join('\n'), /invalid message: not a valid article envelope/);
      const queue = pipeline.emulators.messaging.inspectQueue(queueOf().name);
      assert.equal(queue?.messages.inflight.length, 1, 'not deleted: redelivered, then dead-lettered');
    });
  });

  describe('HTTPS receiver behind the relay', () => {
    const notification = (message: string, topicArn = pipeline.resources.topicArn) => {
      const relay = pipeline.relay;
      assert.ok(relay);
      return signSnsMessage(
        {
          Type: 'Notification',
          MessageId: `m-${Math.random()}`,
          TopicArn: topicArn,
          Message: message,
          Timestamp: new Date().toISOString(),
        },
        relay.identity.privateKey,
        relay.certUrl,
      );
    };
    const post = async (body: unknown) =>
      (
        await fetch(endpoint, {
          method: 'POST',
          body: typeof body === 'string' ? body : JSON.stringify(body),
        })
      ).status;
    const wireEnvelope = () => {
      const delivery = pipeline.deliveries.find((candidate) => candidate.partner === 'kit-hook');
      assert.ok(delivery);
      return delivery.envelope;
    };

    test('confirmed its subscription and received the English article, verified, as a valid envelope', () => {
      assert.equal(pipeline.relay?.isConfirmed('kit-hook'), true);
      const uris = received.map(({ envelope }) => envelope.uri).sort();
      assert.deepEqual(uris, [
        'urn:syndicate:wire/harbour-long-read.txt',
        'urn:syndicate:wire/trump-putin-syria.txt',
      ]);
      const delivered = pipeline.deliveries.filter((delivery) => delivery.partner === 'kit-hook');
      assert.equal(delivered.length, 2, 'the relay recorded what the endpoint accepted');
      assert.deepEqual(errors, []);
    });

    test('a correctly signed duplicate is accepted and not handled twice', async () => {
      const before = received.length;
      assert.equal(await post(notification(JSON.stringify(wireEnvelope()))), 200);
      assert.equal(received.length, before);
    });

    test('a tampered message, another topic or an untrusted certificate host is refused with 403', async () => {
      const genuine = notification(JSON.stringify(wireEnvelope()));
      const tampered = { ...genuine, Message: JSON.stringify({ ...wireEnvelope(), version: 99 }) };
      assert.equal(await post(tampered), 403);
      const otherTopic = notification(
        JSON.stringify(wireEnvelope()),
        'arn:aws:sns:us-east-1:000000000000:someone-else',
      );
      assert.equal(await post(otherTopic), 403);
      assert.equal(
        await post({ ...genuine, SigningCertURL: 'https://evil.example/SimpleNotificationService-x.pem' }),
        403,
      );
      assert.equal(await post({ ...genuine, SignatureVersion: '3' }), 403);
      assert.equal(await post('not json'), 400);
    });

    test('the production configuration refuses the local signer: only SNS hosts are trusted', async () => {
      const production = createServer(
        snsReceiver({ topicArn: pipeline.resources.topicArn, handle: async () => {} }),
      );
      const port = await listen(production);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          body: JSON.stringify(notification(JSON.stringify(wireEnvelope()))),
        });
        assert.equal(response.status, 403);
      } finally {
        production.close();
      }
    });
  });
});
