/**
 * Our SNS filter-policy evaluator (used by `partners preview` and registry validation) against the
 * SNS documentation's semantics, case by case. (test/integration/partners-matrix.test.ts checks that
 * it agrees with what the patched local emulator delivers.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageAttribute } from '../../shared/domain/message.js';
import {
  evaluateFilterPolicy,
  type FilterPolicy,
  filterPolicyProblems,
} from '../../shared/partners/filter-policy.js';

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
