/**
 * The message contract as the publisher builds it: variants (full, summary), the claim check for
 * documents over the SNS limit, and schema validity of every message, on in-memory ports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ENVELOPE_FIELDS, envelopeProblems } from '../../../contract/validate.js';
import { InMemoryContentStore } from '../../../shared/adapters/in-memory-content-store.js';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import type { ArticleEnvelope, OutboundMessage } from '../../../shared/domain/message.js';
import { messageSize, SNS_MAX_MESSAGE_BYTES } from '../../../shared/domain/message.js';
import { previewDelivery } from '../../../shared/partners/preview.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';
import type { Notifier, PublishResult } from '../../../shared/ports/notifier.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { publishChanges } from '../../../shared/usecases/publish-changes.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

/** Ingests a file into in-memory ports and returns what publish needs. */
async function indexed(key: string, bytes: Buffer | string) {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  objects.put('ingest', { key, bytes: Buffer.from(bytes) });
  const outcome = await ingestObject(
    { objects, index, now: () => new Date('2026-11-25T10:00:00Z') },
    { bucket: 'ingest', key },
  );
  assert.equal(outcome.status, 'published');
  const head = 'uri' in outcome ? await index.current(outcome.uri) : undefined;
  assert.ok(head);
  return { index, head };
}

function bigArticle(paragraphs: number): string {
  const paragraph =
    'The committee met again on Tuesday to weigh the proposal, which would change how the harbour is run, who pays for it and when the work could begin. ';
  return `Harbour plan goes back to committee\n\n${Array.from({ length: paragraphs }, (_, n) => `${n + 1}. ${paragraph.repeat(3)}`).join('\n\n')}`;
}

const parse = (message: OutboundMessage | undefined) => JSON.parse(message?.body ?? '{}') as ArticleEnvelope;

function assertContract(message: OutboundMessage | undefined): ArticleEnvelope {
  const envelope = parse(message);
  assert.deepEqual(envelopeProblems(envelope), []);
  for (const field of Object.keys(envelope))
    assert.ok(ENVELOPE_FIELDS.includes(field), `undeclared field ${field}`);
  assert.ok(messageSize(message as OutboundMessage) <= SNS_MAX_MESSAGE_BYTES);
  return envelope;
}

describe('message variants and claim check', () => {
  test('without summary partners, one full message; its payload attribute is full', async () => {
    const { index, head } = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const notifier = new InMemoryNotifier();
    const deps = {
      notifier,
      index,
      scheduler: new InMemoryScheduler(),
      now: () => new Date(),
      contentStore: new InMemoryContentStore(),
    };
    assert.deepEqual(await publishChanges(deps, [{ id: 's1', after: head }]), {
      failedIds: [],
      abandoned: [],
      published: 1,
    });
    assert.equal(notifier.published.length, 1);
    const envelope = assertContract(notifier.published[0]);
    assert.equal(envelope.payload, 'full');
    assert.equal(envelope.link, undefined);
    assert.ok(envelope.ninjs.bodies && envelope.ninjs.bodies.length > 0);
    assert.deepEqual(notifier.published[0]?.attributes.payload, { dataType: 'String', value: 'full' });
  });

  test('with summary partners, summary variants too: no bodies, a link to the whole document only in the entitled variant', async () => {
    const { index, head } = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const notifier = new InMemoryNotifier();
    const contentStore = new InMemoryContentStore();
    const deps = {
      notifier,
      index,
      scheduler: new InMemoryScheduler(),
      now: () => new Date(),
      contentStore,
      summaries: true,
      linkedSummaries: true,
    };
    assert.deepEqual(await publishChanges(deps, [{ id: 's1', after: head }]), {
      failedIds: [],
      abandoned: [],
      published: 1,
    });
    const [full, summary, linked] = notifier.published;
    assert.equal(summary?.id, 's1/summary');
    assert.deepEqual(summary?.attributes.payload, { dataType: 'String', value: 'summary' });
    // Same filter attributes otherwise: a summary partner is filtered like a full one.
    const { payload: _full, ...fullRest } = full?.attributes ?? {};
    const { payload: _summary, ...summaryRest } = summary?.attributes ?? {};
    assert.deepEqual(summaryRest, fullRest);
    const envelope = assertContract(summary);
    assert.equal(envelope.payload, 'summary');
    assert.equal(envelope.idempotencyKey, parse(full).idempotencyKey);
    assert.equal(envelope.ninjs.representationType, 'partial');
    assert.equal(envelope.ninjs.bodies, undefined);
    assert.equal(
      envelope.ninjs.headlines?.[0]?.value,
      'Trump, Putin signal new effort to cooperate on Syria',
    );
    assert.ok(envelope.ninjs.descriptions?.[0]?.value);
    assert.ok(envelope.ninjs.subjects && envelope.ninjs.subjects.length > 0);
    // Not entitled: no link, no document stored for it, and no field carrying the text.
    assert.equal(envelope.link, undefined);
    assert.equal(contentStore.documents.size, 1);
    const plain = parse(full).ninjs.bodies?.find((body) => body.contentType === 'text/plain')?.value ?? '';
    const secondParagraph = plain.split('\n\n')[1] ?? '';
    assert.ok(secondParagraph.length > 40);
    assert.ok(!summary?.body.includes(secondParagraph.slice(0, 40)));
    // Entitled: the same summary with a link to the stored whole document.
    assert.equal(linked?.id, 's1/summary-linked');
    assert.deepEqual(linked?.attributes.payload, { dataType: 'String', value: 'summary-linked' });
    const linkedEnvelope = assertContract(linked);
    assert.equal(linkedEnvelope.payload, 'summary');
    assert.deepEqual(linkedEnvelope.ninjs, envelope.ninjs);
    const stored = contentStore.documents.get(linkedEnvelope.link?.href ?? '');
    assert.deepEqual(JSON.parse(stored ?? '{}'), parse(full).ninjs);
  });

  test('a document over 256 KiB goes by claim check: the same envelope shape, a summary and a link', async () => {
    const text = bigArticle(900);
    assert.ok(Buffer.byteLength(text) > 400_000);
    const { index, head } = await indexed('wire/long-read.txt', text);
    const notifier = new InMemoryNotifier();
    const contentStore = new InMemoryContentStore();
    const deps = { notifier, index, scheduler: new InMemoryScheduler(), now: () => new Date(), contentStore };
    assert.deepEqual(await publishChanges(deps, [{ id: 's1', after: head }]), {
      failedIds: [],
      abandoned: [],
      published: 1,
    });
    const envelope = assertContract(notifier.published[0]);
    assert.equal(envelope.payload, 'full');
    assert.ok(envelope.link);
    assert.equal(envelope.ninjs.bodies, undefined);
    const document = contentStore.documents.get(envelope.link.href) ?? '';
    assert.equal(Buffer.byteLength(document), envelope.link.sizeInBytes);
    assert.ok(envelope.link.sizeInBytes > SNS_MAX_MESSAGE_BYTES);
  });

  test('without a content store an oversized document fails its change alone, permanently (not retried)', async () => {
    const big = await indexed('wire/long-read.txt', bigArticle(900));
    const small = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const smallVersion = await small.index.version(small.head.uri, small.head.version);
    assert.ok(smallVersion);
    await big.index.saveVersion(small.head, smallVersion, undefined);
    const notifier = new InMemoryNotifier();
    const result = await publishChanges(
      { notifier, index: big.index, scheduler: new InMemoryScheduler(), now: () => new Date() },
      [
        { id: 'big', after: big.head },
        { id: 'small', after: small.head },
      ],
    );
    assert.deepEqual(result.failedIds, []);
    assert.equal(result.published, 1);
    assert.deepEqual(
      result.abandoned.map((change) => [change.id, change.error.name]),
      [['big', 'MessageTooLargeError']],
    );
  });

  test('a change counts as failed when either of its variants was not accepted', async () => {
    const { index, head } = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const failingSummaries: Notifier = {
      async publish(messages: readonly OutboundMessage[]): Promise<PublishResult> {
        return {
          failedIds: messages
            .filter((message) => message.id.endsWith('/summary'))
            .map((message) => message.id),
        };
      },
    };
    const deps = {
      notifier: failingSummaries,
      index,
      scheduler: new InMemoryScheduler(),
      now: () => new Date(),
      contentStore: new InMemoryContentStore(),
      summaries: true,
    };
    assert.deepEqual(await publishChanges(deps, [{ id: 's1', after: head }]), {
      failedIds: ['s1'],
      abandoned: [],
      published: 0,
    });
  });
});

describe('partners preview', () => {
  const registry = parsePartnerRegistry({
    partners: [
      {
        name: 'politics-en',
        delivery: { type: 'sqs' },
        filters: { subjects: ['medtop:11000000', 'medtop:16000000'], languages: ['en'] },
      },
      { name: 'urgent-only', delivery: { type: 'sqs' }, filters: { minUrgency: 2 }, payload: 'summary' },
    ],
  });

  test('says which rule let the article through, and shows the message', async () => {
    const { index, head } = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const stored = await index.version(head.uri, head.version);
    assert.ok(stored && registry[0]);
    const preview = await previewDelivery(
      registry[0],
      registry,
      head,
      stored.ninjs,
      'article.published',
      new InMemoryContentStore(),
    );
    assert.equal(preview.receives, true);
    assert.match(
      preview.reasons.join('\n'),
      /subjects: "medtop:16000000" matched \(conflict, war and peace\)/,
    );
    assert.match(preview.reasons.join('\n'), /language: "en" matched/);
    assert.equal(preview.envelope.payload, 'full');
    assert.deepEqual(envelopeProblems(preview.envelope), []);
  });

  test('says why not: an article without urgency never passes a minimum-urgency filter', async () => {
    const { index, head } = await indexed('wire/story.txt', readFileSync(WIRE_ARTICLE));
    const stored = await index.version(head.uri, head.version);
    assert.ok(stored && registry[1]);
    const preview = await previewDelivery(
      registry[1],
      registry,
      head,
      stored.ninjs,
      'article.published',
      new InMemoryContentStore(),
    );
    assert.equal(preview.receives, false);
    assert.match(
      preview.reasons.join('\n'),
      /urgency: no condition matched \(message has no such attribute\)/,
    );
    assert.equal(preview.envelope.payload, 'summary');
  });
});
