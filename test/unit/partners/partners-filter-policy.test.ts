/**
 * Our SNS filter-policy evaluator (used by `partners preview` and registry validation) against the
 * SNS documentation's semantics, case by case. (test/integration/partners-matrix.test.ts checks that
 * it agrees with what the patched local emulator delivers.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageAttribute } from '../../../shared/domain/message.js';
import {
  evaluateFilterPolicy,
  type FilterPolicy,
  filterPolicyProblems,
} from '../../../shared/partners/filter-policy.js';
import { parsePartnerRegistry, subscriptionFilterPolicyFor } from '../../../shared/partners/registry.js';

const string = (value: string): MessageAttribute => ({ dataType: 'String', value });
const array = (values: unknown[]): MessageAttribute => ({
  dataType: 'String.Array',
  value: JSON.stringify(values),
});
const number = (value: number): MessageAttribute => ({ dataType: 'Number', value: String(value) });

const MESSAGE: Record<string, MessageAttribute> = {
  subjects: array(['medtop:11000000', 'medtop:20000574']),
  language: string('en'),
  urgency: number(3),
  eventType: string('article.published'),
  empty: array([]),
};

/** [policy, matches?] — each a rule from the SNS documentation. */
const CASES: [string, FilterPolicy, boolean][] = [
  ['exact string', { language: ['en'] }, true],
  ['exact string, other value', { language: ['fr'] }, false],
  ['values OR', { language: ['fr', 'en'] }, true],
  ['keys AND', { language: ['en'], eventType: ['article.updated'] }, false],
  ['array: any element matches', { subjects: ['medtop:20000574'] }, true],
  ['array: no element matches', { subjects: ['medtop:15000000'] }, false],
  ['array prefix', { subjects: [{ prefix: 'medtop:2000' }] }, true],
  [
    'array anything-but: an element is not excluded',
    { subjects: [{ 'anything-but': ['medtop:11000000'] }] },
    true,
  ],
  [
    'array anything-but: every element excluded',
    { subjects: [{ 'anything-but': ['medtop:11000000', 'medtop:20000574'] }] },
    false,
  ],
  ['numeric <=', { urgency: [{ numeric: ['<=', 3] }] }, true],
  ['numeric <', { urgency: [{ numeric: ['<', 3] }] }, false],
  ['numeric range', { urgency: [{ numeric: ['>', 1, '<=', 5] }] }, true],
  ['numeric exact', { urgency: [3] }, true],
  ['a number does not match a string condition', { urgency: ['3'] }, false],
  ['a string does not match a numeric condition', { language: [{ numeric: ['>', 0] }] }, false],
  ['numeric on an absent attribute', { priority: [{ numeric: ['<=', 3] }] }, false],
  ['exists true', { language: [{ exists: true }] }, true],
  ['exists false on an absent attribute', { priority: [{ exists: false }] }, true],
  ['exists true on an empty array', { empty: [{ exists: true }] }, false],
  ['anything-but string', { eventType: [{ 'anything-but': 'article.withdrawn' }] }, true],
  ['anything-but prefix', { eventType: [{ 'anything-but': { prefix: 'article.' } }] }, false],
  ['anything-but on an absent attribute', { priority: [{ 'anything-but': ['x'] }] }, false],
  ['empty policy', {}, true],
];

describe('filter policy evaluation', () => {
  for (const [name, policy, expected] of CASES) {
    test(`${name}: ${expected ? 'matches' : 'does not match'}`, () => {
      assert.equal(evaluateFilterPolicy(policy, MESSAGE).matches, expected);
    });
  }

  test('each key reports the condition and the value that matched, or what the message had', () => {
    const verdict = evaluateFilterPolicy(
      { subjects: ['medtop:15000000', 'medtop:11000000'], language: ['fr'] },
      MESSAGE,
    );
    assert.equal(verdict.matches, false);
    assert.deepEqual(verdict.keys[0], {
      key: 'subjects',
      matched: true,
      condition: 'medtop:11000000',
      value: 'medtop:11000000',
      attribute: MESSAGE.subjects?.value,
    });
    assert.deepEqual(verdict.keys[1], { key: 'language', matched: false, attribute: 'en' });
  });
});

describe('filter policy limits', () => {
  test('more than 5 keys and more than 150 combinations are refused, with numbers', () => {
    const keys = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => [key, ['x']]));
    assert.match(filterPolicyProblems(keys).join('\n'), /6 filter keys \(a, b, c, d, e, f\), SNS allows 5/);
    const wide = {
      a: Array.from({ length: 16 }, (_, i) => `v${i}`),
      b: Array.from({ length: 10 }, (_, i) => `w${i}`),
    };
    assert.match(filterPolicyProblems(wide).join('\n'), /160 value combinations, SNS allows 150/);
  });

  // SNS's documented limits ("Filter policy constraints"): at most 5 keys, and at most 150 value
  // combinations (the product of the number of values of every key). Written here as numbers, so a
  // change of the code's constants or comparisons shows.
  const values = (count: number, prefix = 'v') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

  test('149 and 150 value combinations are accepted, 151 is refused', () => {
    assert.deepEqual(filterPolicyProblems({ a: values(149) }), []);
    assert.deepEqual(filterPolicyProblems({ a: values(150) }), []);
    assert.deepEqual(filterPolicyProblems({ a: values(15), b: values(10) }), []);
    assert.deepEqual(filterPolicyProblems({ a: values(5), b: values(5), c: values(3), d: values(2) }), []);
    assert.deepEqual(filterPolicyProblems({ a: values(151) }), ['151 value combinations, SNS allows 150']);
    // 152 = 8 x 19: the product counts, not the longest list.
    assert.deepEqual(filterPolicyProblems({ a: values(8), b: values(19) }), [
      '152 value combinations, SNS allows 150',
    ]);
  });

  test('5 keys are accepted, 6 are refused', () => {
    const keys = (count: number) =>
      Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].slice(0, count).map((key) => [key, ['x']]));
    assert.deepEqual(filterPolicyProblems(keys(5)), []);
    assert.deepEqual(filterPolicyProblems(keys(6)), ['6 filter keys (a, b, c, d, e, f), SNS allows 5']);
  });

  test('through the registry: the payload takes no key (a topic per variant), so all 5 filters fit', () => {
    const partner = (filters: Record<string, unknown>) => ({
      partners: [{ name: 'wide-partner', delivery: { type: 'sqs' }, filters, payload: 'summary' }],
    });
    const five = {
      subjects: ['medtop:11000000'],
      languages: ['en'],
      sources: ['wire-a'],
      minUrgency: 3,
      eventTypes: ['article.published'],
    };
    assert.equal(parsePartnerRegistry(partner(five)).length, 1);
    // 10 subjects x 5 languages x 3 event types = 150; a sixth language makes 180.
    const subjects = [
      'medtop:01000000',
      'medtop:02000000',
      'medtop:03000000',
      'medtop:04000000',
      'medtop:05000000',
      'medtop:06000000',
      'medtop:07000000',
      'medtop:08000000',
      'medtop:09000000',
      'medtop:10000000',
    ];
    const eventTypes = ['article.published', 'article.updated', 'article.withdrawn'];
    const languages = ['en', 'fr', 'de', 'es', 'it'];
    assert.equal(parsePartnerRegistry(partner({ subjects, languages, eventTypes })).length, 1);
    assert.throws(
      () => parsePartnerRegistry(partner({ subjects, languages: [...languages, 'nl'], eventTypes })),
      /partner 'wide-partner': 180 value combinations, SNS allows 150/,
    );
  });

  test('malformed conditions are named (fauxqs would accept them silently)', () => {
    const problems = filterPolicyProblems({
      a: [],
      b: [{ numeric: ['<=', 'three'] }],
      c: [{ prefix: '' }],
      d: [{ wildcard: 'x*' } as unknown as string],
    }).join('\n');
    assert.match(problems, /'a' needs a non-empty list/);
    assert.match(problems, /numeric \["<=","three"\] is not an operator\/number list/);
    assert.match(problems, /prefix needs a non-empty string/);
    assert.match(problems, /'wildcard' is not a filter operator/);
  });
});

describe('kills always reach the subscription (article.withdrawn in every event-type filter)', () => {
  const subscriptionOf = (filters: Record<string, unknown>, payload = 'full') => {
    const [partner] = parsePartnerRegistry({
      partners: [{ name: 'kill-check', delivery: { type: 'sqs' }, filters, payload }],
    });
    assert.ok(partner);
    return subscriptionFilterPolicyFor(partner);
  };
  /** The attributes of a message as publish sets them for one event (see shared/domain/message.ts). */
  const messageOf = (eventType: string, payload = 'full') => ({
    eventType: string(eventType),
    payload: string(payload),
    language: string('en'),
  });

  test('a partner listing only article.published is subscribed to withdrawals too', () => {
    const policy = subscriptionOf({ eventTypes: ['article.published'] });
    assert.deepEqual(policy, { eventType: ['article.published', 'article.withdrawn'] });
    assert.equal(evaluateFilterPolicy(policy, messageOf('article.withdrawn')).matches, true);
    assert.equal(evaluateFilterPolicy(policy, messageOf('article.published')).matches, true);
    // It still narrows everything else: updates and replays stay out.
    assert.equal(evaluateFilterPolicy(policy, messageOf('article.updated')).matches, false);
    assert.equal(evaluateFilterPolicy(policy, messageOf('article.replayed')).matches, false);
  });

  test('a list that already names article.withdrawn is kept as written', () => {
    assert.deepEqual(
      subscriptionOf({
        languages: ['en'],
        eventTypes: ['article.published', 'article.updated', 'article.withdrawn'],
      }),
      {
        language: ['en'],
        eventType: ['article.published', 'article.updated', 'article.withdrawn'],
      },
    );
    assert.deepEqual(subscriptionOf({ eventTypes: ['article.withdrawn', 'article.updated'] }, 'summary'), {
      eventType: ['article.withdrawn', 'article.updated'],
    });
  });

  test('without an event-type filter there is no eventType key (every event already matches)', () => {
    const policy = subscriptionOf({ languages: ['en'] });
    assert.deepEqual(policy, { language: ['en'] });
    assert.equal(evaluateFilterPolicy(policy, messageOf('article.withdrawn')).matches, true);
  });

  test('the added withdrawal counts toward the 150 combinations SNS allows', () => {
    // 10 subjects x 5 languages x (published + the added withdrawn) = 100: accepted;
    // with updated as well, 10 x 5 x 3 = 150: accepted; 10 x 6 x 3 = 180: refused.
    const subjects = [
      'medtop:01000000',
      'medtop:02000000',
      'medtop:03000000',
      'medtop:04000000',
      'medtop:05000000',
      'medtop:06000000',
      'medtop:07000000',
      'medtop:08000000',
      'medtop:09000000',
      'medtop:10000000',
    ];
    const languages = ['en', 'fr', 'de', 'es', 'it'];
    assert.deepEqual(subscriptionOf({ subjects, languages, eventTypes: ['article.published'] }).eventType, [
      'article.published',
      'article.withdrawn',
    ]);
    const twoTypes = ['article.published', 'article.updated'];
    assert.deepEqual(subscriptionOf({ subjects, languages, eventTypes: twoTypes }).eventType, [
      'article.published',
      'article.updated',
      'article.withdrawn',
    ]);
    assert.throws(
      () => subscriptionOf({ subjects, languages: [...languages, 'nl'], eventTypes: twoTypes }),
      /partner 'kill-check': 180 value combinations, SNS allows 150/,
    );
  });
});
