/**
 * Partners on the local emulators: for a matrix of articles x partners, what each partner's local
 * queue receives equals what the registry says it should (subjects with parent codes, languages,
 * urgency, sources, event types, payload variants, every delivery type), equals what our own
 * filter-policy evaluator predicts, and every message follows the published contract. A ~400 KB
 * article goes by claim check and its link resolves (on 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ENVELOPE_FIELDS, envelopeProblems } from '../../contract/validate.js';
import { type Delivery, LocalPipeline } from '../../local/pipeline.js';
import type { MessageAttribute } from '../../shared/domain/message.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { evaluateFilterPolicy } from '../../shared/partners/filter-policy.js';
import {
  parsePartnerRegistry,
  payloadVariantOf,
  subscriptionFilterPolicyFor,
} from '../../shared/partners/registry.js';

const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    { name: 'politics', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:11000000'] } },
    { name: 'elections-only', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:20000574'] } },
    {
      name: 'sport-fr',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:15000000'], languages: ['fr'] },
    },
    {
      name: 'english-summaries',
      delivery: { type: 'sqs' },
      filters: { languages: ['en'] },
      payload: 'summary',
      fullTextLink: true,
    },
    { name: 'urgent', delivery: { type: 'sqs', accountId: '210987654321' }, filters: { minUrgency: 2 } },
    {
      name: 'changes-only',
      delivery: { type: 'sqs' },
      filters: { eventTypes: ['article.updated', 'article.withdrawn'] },
    },
    { name: 'wire-only', delivery: { type: 'sqs' }, filters: { sources: ['wire'] } },
    {
      name: 'email-desk',
      delivery: { type: 'email', address: 'desk@partner.example' },
      filters: { eventTypes: ['article.published'] },
      payload: 'summary',
    },
    {
      name: 'archive-fn',
      delivery: { type: 'lambda', functionArn: 'arn:aws:lambda:us-east-1:210987654321:function:archive' },
      filters: {},
    },
  ],
});

interface Article {
  readonly key: string;
  readonly language: string;
  readonly urgency?: number;
  readonly subject: string;
  readonly headline: string;
}

const ARTICLES: Record<string, Article> = {
  election: {
    key: 'wire/election.json',
    language: 'en',
    urgency: 1,
    subject: 'medtop:20000574', // election, under politics (medtop:11000000)
    headline: 'Run-off date set for the presidential election',
  },
  match: {
    key: 'agency/match.json',
    language: 'fr',
    urgency: 4,
    subject: 'medtop:20000822', // competition discipline, under sport (medtop:15000000)
    headline: 'Le club sanctionné après la finale',
  },
  economy: {
    key: 'agency/economy.json',
    language: 'de',
    subject: 'medtop:04000000',
    headline: 'Exporte steigen im dritten Quartal',
  },
  cabinet: {
    key: 'wire/cabinet.json',
    language: 'fr',
    urgency: 2,
    subject: 'medtop:11000000',
    headline: 'Le gouvernement présente son budget',
  },
};

const BODIES: Record<string, string> = {
  en: 'Officials confirmed the date on Monday after a week of talks between the parties. Turnout is expected to be high.',
  fr: 'La décision a été annoncée lundi après une semaine de discussions. Les réactions ont été nombreuses.',
  de: 'Die Zahlen wurden am Montag veröffentlicht. Ökonomen hatten mit einem kleineren Anstieg gerechnet.',
};

function ninjsFile(
  article: Article,
  headline = article.headline,
  body = BODIES[article.language] ?? '',
): string {
  return JSON.stringify({
    uri: `urn:newsroom:${article.key}`,
    standard: { name: 'ninjs', version: '3.2' },
    language: article.language,
    ...(article.urgency !== undefined ? { urgency: article.urgency } : {}),
    headlines: [{ role: 'main', value: headline }],
    subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${article.subject.slice('medtop:'.length)}` }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: body }],
  });
}

const ALL = (names: string[]) => names;
/** What each partner should receive: `article:eventType`, worked out by hand from the registry. */
const EXPECTED: Record<string, string[]> = {
  everything: ALL([
    'election:article.published',
    'match:article.published',
    'economy:article.published',
    'cabinet:article.published',
    'election:article.updated',
    'match:article.withdrawn',
  ]),
  politics: ['election:article.published', 'cabinet:article.published', 'election:article.updated'],
  'elections-only': ['election:article.published', 'election:article.updated'],
  'sport-fr': ['match:article.published', 'match:article.withdrawn'],
  'english-summaries': ['election:article.published', 'election:article.updated'],
  urgent: ['election:article.published', 'cabinet:article.published', 'election:article.updated'],
  'changes-only': ['election:article.updated', 'match:article.withdrawn'],
  'wire-only': ['election:article.published', 'cabinet:article.published', 'election:article.updated'],
  // Lists only article.published, yet receives the withdrawal of what it received.
  'email-desk': [
    'election:article.published',
    'match:article.published',
    'economy:article.published',
    'cabinet:article.published',
    'match:article.withdrawn',
  ],
  'archive-fn': [
    'election:article.published',
    'match:article.published',
    'economy:article.published',
    'cabinet:article.published',
    'election:article.updated',
    'match:article.withdrawn',
  ],
};

/** The attribute types a raw SQS delivery no longer carries (String.Array arrives as String). */
function typed(attributes: Record<string, string>): Record<string, MessageAttribute> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: name === 'urgency' ? 'Number' : value.startsWith('[') ? 'String.Array' : 'String',
        value,
      } satisfies MessageAttribute,
    ]),
  );
}

describe('partner filters and the message contract on the local emulators', () => {
  let pipeline: LocalPipeline;
  const errors: unknown[] = [];
  const articleOf = (delivery: Delivery) =>
    Object.entries(ARTICLES).find(
      ([, article]) => delivery.envelope.ninjs.headlines?.[0]?.value === article.headline,
    )?.[0];
  const received = (partner: string) =>
    pipeline.deliveries
      .filter((delivery) => delivery.partner === partner && articleOf(delivery))
      .map((delivery) => `${articleOf(delivery)}:${delivery.envelope.eventType}`)
      .sort();

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    pipeline.on('error', (error) => errors.push(error));
    for (const article of Object.values(ARTICLES)) await pipeline.upload(article.key, ninjsFile(article));
    await pipeline.waitForIdle();
    // A correction of the election story (version 2), and the match story taken down.
    const { election, match } = ARTICLES;
    assert.ok(election && match);
    await pipeline.upload(
      election.key,
      ninjsFile(election, election.headline, `${BODIES.en} Correction: the count starts at 8pm.`),
    );
    await pipeline.remove(match.key);
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline.stop();
  });

  for (const partner of partners) {
    test(`${partner.name} receives exactly what its filters select`, () => {
      assert.deepEqual(received(partner.name), [...(EXPECTED[partner.name] ?? [])].sort());
    });
  }

  test('every partner has a local queue; email and Lambda ones are said to be stand-ins, with inbox counts', () => {
    assert.deepEqual(
      pipeline.resources.partnerQueues.map(({ partner }) => partner.name),
      partners.map((partner) => partner.name),
    );
    const lines = pipeline.describePartners().join('\n');
    assert.match(
      lines,
      /email-desk \(email, summary\): queue partner-email-desk takes .* \(no email delivery locally\)/,
    );
    assert.match(
      lines,
      /archive-fn \(lambda, full\): queue partner-archive-fn takes .* \(no lambda delivery locally\)/,
    );
    const counts = pipeline.inboxCounts();
    assert.ok((counts['sport-fr'] ?? 0) >= 2 && (counts.everything ?? 0) >= 6);
  });

  test('our filter-policy evaluator predicts the same deliveries as the emulator made', () => {
    // Every message published once, with its attributes as the catch-all partner received them.
    const published = pipeline.deliveries.filter(
      (delivery) => delivery.partner === 'everything' && articleOf(delivery),
    );
    for (const partner of partners) {
      const predicted = published
        .filter(
          (delivery) =>
            evaluateFilterPolicy(
              subscriptionFilterPolicyFor(partner),
              typed({ ...delivery.attributes, payload: payloadVariantOf(partner) }),
            ).matches,
        )
        .map((delivery) => `${articleOf(delivery)}:${delivery.envelope.eventType}`)
        .sort();
      assert.deepEqual(predicted, received(partner.name), partner.name);
    }
  });

  test('every message follows the published contract and is the variant its partner asked for', () => {
    assert.ok(pipeline.deliveries.length >= 30);
    for (const delivery of pipeline.deliveries) {
      const partner = partners.find((candidate) => candidate.name === delivery.partner);
      assert.ok(partner);
      const { envelope } = delivery;
      assert.deepEqual(envelopeProblems(envelope), [], `${delivery.partner} ${envelope.idempotencyKey}`);
      for (const field of Object.keys(envelope)) assert.ok(ENVELOPE_FIELDS.includes(field), field);
      assert.equal(envelope.payload, partner.payload);
      assert.equal(delivery.attributes.payload, payloadVariantOf(partner));
      if (partner.payload === 'summary') {
        // Only a partner entitled to the full text gets a link to it.
        assert.equal(envelope.link !== undefined, partner.fullTextLink === true, partner.name);
        assert.equal(envelope.ninjs.bodies, undefined);
      } else {
        assert.equal(envelope.link, undefined);
        assert.ok(envelope.ninjs.bodies?.length);
      }
    }
    assert.deepEqual(errors, []);
  });

  test('a ~400 KB article goes by claim check to full-payload partners, and the link resolves', async () => {
    const paragraphs = Array.from(
      { length: 3100 },
      (_, n) =>
        `${n + 1}. The harbour committee met again on Tuesday to weigh proposal ${n}, which would change how the port is run and who pays for it.`,
    );
    const key = 'wire/harbour-long-read.txt';
    const text = `Harbour plan goes back to committee\n\nBy Ana Lima\n\n${paragraphs.join('\n\n')}`;
    assert.ok(Buffer.byteLength(text) > 400_000, `${Buffer.byteLength(text)} bytes`);
    const since = Date.now();
    await pipeline.upload(key, text);
    await pipeline.waitForIdle();
    const deliveries = pipeline.deliveries.filter(
      (delivery) =>
        delivery.receivedAt >= since && delivery.envelope.uri === 'urn:syndicate:wire/harbour-long-read.txt',
    );
    const full = deliveries.find((delivery) => delivery.partner === 'everything');
    assert.ok(full, 'the catch-all partner received it');
    const { envelope } = full;
    assert.deepEqual(envelopeProblems(envelope), []);
    assert.equal(envelope.payload, 'full');
    assert.ok(envelope.link, 'claim check: a link instead of the document');
    assert.equal(envelope.ninjs.bodies, undefined);
    assert.ok(envelope.link.sizeInBytes > 256 * 1024, `${envelope.link.sizeInBytes} bytes`);
    // A signed link to the content API, which serves the indexed document (nothing is copied for it).
    const url = new URL(envelope.link.href);
    assert.equal(url.origin, new URL(pipeline.contentApi.url).origin);
    assert.match(url.pathname, /^\/documents\/[A-Za-z0-9_-]+\/v1$/);
    assert.match(url.searchParams.get('sig') ?? '', /^[A-Za-z0-9_-]{43}$/, 'an HMAC-SHA256 signature');
    // Valid for the link expiry the pipeline was started with: 3,600 s from the time it was signed.
    const validFor = Number(url.searchParams.get('expires')) - Math.floor(since / 1000);
    assert.ok(validFor >= 3600 && validFor <= 3600 + 60, `valid for ${validFor} s`);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.length, envelope.link.sizeInBytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), envelope.link.sha256);
    const document = JSON.parse(bytes.toString('utf8'));
    assert.deepEqual(ninjsProblems(document), []);
    assert.equal(document.uri, envelope.uri);
    assert.ok(document.bodies.length > 0);
    // Every partner whose filter matches got the same envelope shape: full ones by claim check,
    // summary ones their summary; none a message over the SNS limit.
    assert.deepEqual(
      deliveries.map((delivery) => `${delivery.partner}:${delivery.envelope.payload}`).sort(),
      [
        'archive-fn:full',
        'email-desk:summary',
        'english-summaries:summary',
        'everything:full',
        'wire-only:full',
      ],
    );
    for (const delivery of deliveries) {
      assert.deepEqual(envelopeProblems(delivery.envelope), []);
      // The summary partner without fullTextLink gets its summary and no link.
      const linked = delivery.partner !== 'email-desk';
      assert.equal(
        delivery.envelope.link?.sha256,
        linked ? envelope.link.sha256 : undefined,
        delivery.partner,
      );
    }
  });
});
