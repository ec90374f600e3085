/**
 * What a withdrawal carries for partner filters: the union of every version's values, the most urgent
 * urgency, and a bounded size whatever the history.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryContentStore } from '../../../shared/adapters/in-memory-content-store.js';
import { InMemoryArticleIndex, InMemoryObjectStore } from '../../../shared/adapters/memory/in-memory.js';
import type { ArticleHead } from '../../../shared/domain/article.js';
import { attributesFor, envelopeFor, messageSize } from '../../../shared/domain/message.js';
import { evaluateFilterPolicy } from '../../../shared/partners/filter-policy.js';
import {
  type Partner,
  parsePartnerRegistry,
  subscriptionFilterPolicyFor,
} from '../../../shared/partners/registry.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { partnerMessagesFor } from '../../../shared/usecases/publish-changes.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';

const [urgent, firstOnly] = parsePartnerRegistry({
  partners: [
    { name: 'urgent', delivery: { type: 'sqs' }, filters: { minUrgency: 3 } },
    { name: 'first-only', delivery: { type: 'sqs' }, filters: { eventTypes: ['article.published'] } },
  ],
});

function head(fields: Partial<ArticleHead>): ArticleHead {
  return {
    uri: 'urn:newsroom:1',
    version: 3,
    contentHash: 'h3',
    pubStatus: 'canceled',
    headline: 'x',
    origin: { key: 'wire/x.txt' },
    source: 'wire',
    language: 'en',
    urgency: 6,
    subjectCodes: ['medtop:04000000'],
    everSubjectCodes: ['medtop:04000000', 'medtop:11000000'],
    everLanguages: ['en', 'fr'],
    everUrgency: 2,
    everPublished: true,
    firstCreated: '2026-11-25T10:00:00Z',
    versionCreated: '2026-11-25T10:00:00Z',
    ...fields,
  };
}

describe('withdrawal attributes', () => {
  test('a withdrawal carries the most urgent urgency of any version; other events their own', () => {
    assert.deepEqual(attributesFor(head({}), 'article.withdrawn').urgency, {
      dataType: 'Number',
      value: '2',
    });
    assert.deepEqual(attributesFor(head({}), 'article.updated').urgency, { dataType: 'Number', value: '6' });
  });

  test('SNS filters: minUrgency 3 and an article.published-only partner both take the withdrawal', () => {
    const attributes = attributesFor(head({}), 'article.withdrawn');
    for (const partner of [urgent, firstOnly]) {
      assert.ok(partner);
      assert.equal(evaluateFilterPolicy(subscriptionFilterPolicyFor(partner), attributes).matches, true);
    }
    const update = attributesFor(head({}), 'article.updated');
    assert.equal(evaluateFilterPolicy(subscriptionFilterPolicyFor(urgent as Partner), update).matches, false);
  });

  test('every source any version came from is a String.Array on a withdrawal', () => {
    const attributes = attributesFor(head({ everSources: ['wire', 'agency'] }), 'article.withdrawn');
    assert.deepEqual(attributes.source, { dataType: 'String.Array', value: '["wire","agency"]' });
    assert.deepEqual(attributesFor(head({}), 'article.withdrawn').source, {
      dataType: 'String',
      value: 'wire',
    });
  });

  test('ingest keeps the lowest urgency across versions, and a version without one keeps it', async () => {
    const objects = new InMemoryObjectStore();
    const index = new InMemoryArticleIndex();
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    const deps = { objects, index, now };
    const drop = (urgency: number | undefined, body: string) => {
      objects.put('b', {
        key: 'wire/x.json',
        bytes: Buffer.from(
          JSON.stringify({ headlines: [{ value: 'Headline' }], bodies: [{ value: body }], urgency }),
        ),
      });
      return ingestObject(deps, { bucket: 'b', key: 'wire/x.json' });
    };
    await drop(4, 'First text of the story.');
    await drop(2, 'Second text of the story.');
    await drop(7, 'Third text of the story.');
    await drop(undefined, 'Fourth text of the story.');
    const current = await index.current('urn:syndicate:wire/x.json');
    assert.equal(current?.urgency, undefined);
    assert.equal(current?.everUrgency, 2);
    objects.delete('b', 'wire/x.json');
    await withdrawObject(deps, { bucket: 'b', key: 'wire/x.json' });
    const withdrawn = await index.current('urn:syndicate:wire/x.json');
    assert.equal(withdrawn?.pubStatus, 'canceled');
    assert.deepEqual(attributesFor(withdrawn as ArticleHead, 'article.withdrawn').urgency, {
      dataType: 'Number',
      value: '2',
    });
  });

  test('a history of 10,000 subject codes is capped: the withdrawal fits SNS (262,144 bytes) with the current codes kept', async () => {
    const objects = new InMemoryObjectStore();
    const index = new InMemoryArticleIndex();
    const history = Array.from(
      { length: 10_000 },
      (_, n) => `publisher-scheme:${String(n).padStart(80, '0')}`,
    );
    const previous = head({
      uri: 'urn:syndicate:wire/x.json',
      version: 1,
      contentHash: 'old',
      pubStatus: 'usable',
      origin: { key: 'wire/x.json' },
      everSubjectCodes: history,
    });
    index.heads.set(previous.uri, previous);
    objects.put('b', {
      key: 'wire/x.json',
      bytes: Buffer.from(
        JSON.stringify({
          headlines: [{ value: 'Election results' }],
          bodies: [{ value: 'The election results were announced by the electoral commission.' }],
          subjects: [{ uri: 'http://cv.iptc.org/newscodes/mediatopic/20000574' }],
        }),
      ),
    });
    await ingestObject(
      { objects, index, now: () => new Date('2026-11-25T11:00:00Z') },
      {
        bucket: 'b',
        key: 'wire/x.json',
      },
    );
    const current = (await index.current('urn:syndicate:wire/x.json')) as ArticleHead;
    assert.ok(Buffer.byteLength(JSON.stringify(current.everSubjectCodes)) <= 64 * 1024);
    for (const code of current.subjectCodes) assert.ok(current.everSubjectCodes.includes(code), code);
    assert.ok(current.everSubjectCodes.includes(history[0] as string));
    const killed = { ...current, version: 3, pubStatus: 'canceled' as const };
    const document = (await index.version(current.uri, current.version))?.ninjs;
    assert.ok(document);
    const envelope = envelopeFor(killed, document, 'article.withdrawn', '2026-11-25T12:00:00Z');
    const messages = await partnerMessagesFor('1', killed, document, envelope, {
      contentStore: new InMemoryContentStore(),
      summaries: true,
    });
    for (const message of messages) assert.ok(messageSize(message) <= 262_144, String(messageSize(message)));
  });
});
