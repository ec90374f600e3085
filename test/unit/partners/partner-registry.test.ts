import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { filterPolicyFor, parsePartnerRegistry } from '../../../shared/partners/registry.js';
import { loadPartnerRegistry } from '../../../shared/partners/registry-file.js';

function problemsOf(document: unknown): string {
  try {
    parsePartnerRegistry(document);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.message;
  }
  assert.fail('expected the registry to be rejected');
}

describe('partner registry', () => {
  test('the shipped registry is valid and has a catch-all, a politics and a sport partner', () => {
    const partners = loadPartnerRegistry();
    const policies = Object.fromEntries(partners.map((partner) => [partner.name, filterPolicyFor(partner)]));
    assert.ok(Object.values(policies).some((policy) => Object.keys(policy).length === 0));
    assert.ok(Object.values(policies).some((policy) => policy.subjects?.includes('medtop:15000000')));
    assert.ok(Object.values(policies).some((policy) => policy.subjects?.includes('medtop:11000000')));
  });

  test('filters become an SNS filter policy: OR within a key, AND across keys', () => {
    const [partner] = parsePartnerRegistry({
      partners: [
        {
          name: 'desk',
          delivery: { type: 'sqs' },
          filters: {
            subjects: ['medtop:11000000'],
            languages: ['en', 'fr'],
            sources: ['wire'],
            eventTypes: ['article.published'],
          },
        },
      ],
    });
    assert.ok(partner);
    assert.deepEqual(filterPolicyFor(partner), {
      subjects: ['medtop:11000000'],
      language: ['en', 'fr'],
      source: ['wire'],
      // A withdrawal always reaches the partner, whatever its event-type filter lists.
      eventType: ['article.published', 'article.withdrawn'],
    });
  });

  test('every problem is reported at once, naming the partner', () => {
    const message = problemsOf({
      partners: [
        { name: 'ok-partner', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:99999999'] } },
        { name: 'ok-partner', delivery: { type: 'sqs' }, filters: {} },
        { name: 'Bad Name', delivery: { type: 'sqs' } },
        {
          name: 'second',
          delivery: { type: 'carrier-pigeon' },
          filters: { languages: ['english'], colour: ['red'] },
        },
      ],
    });
    assert.match(message, /'medtop:99999999' is not a live IPTC Media Topic code/);
    assert.match(message, /partner 'ok-partner' is defined twice/);
    assert.match(message, /partners\[2\]\.name must be/);
    assert.match(message, /partner 'second': delivery\.type must be 'sqs'/);
    assert.match(message, /'english' is not a BCP 47 language tag/);
    assert.match(message, /filters\.colour is not a known filter/);
  });

  test('a filter over the SNS limit of 150 value combinations is refused', () => {
    const subjects = [
      'medtop:01000000',
      'medtop:02000000',
      'medtop:03000000',
      'medtop:04000000',
      'medtop:05000000',
      'medtop:06000000',
      'medtop:07000000',
      'medtop:08000000',
    ];
    const languages = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'sv', 'no', 'da'];
    const sources = ['a', 'b'];
    const message = problemsOf({
      partners: [{ name: 'greedy', delivery: { type: 'sqs' }, filters: { subjects, languages, sources } }],
    });
    assert.match(message, /160 value combinations, SNS allows 150/);
  });

  test('a registry without a partners array is refused', () => {
    assert.match(problemsOf({}), /"partners" must be an array/);
  });
});
