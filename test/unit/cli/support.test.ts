/** The CLI's argument helpers: object keys as a drop gives them, points in time, counts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CliError, distinctKeys, objectKeyFor, pointInTime, positiveInteger } from '../../../cli/support.js';
import { sourceForKey } from '../../../shared/domain/article.js';

describe('objectKeyFor', () => {
  test('the path under the root, whose first folder is the source', () => {
    const key = objectKeyFor('/drop/reuters/2026/story.txt', { root: '/drop' });
    assert.equal(key, 'reuters/2026/story.txt');
    assert.equal(sourceForKey(key), 'reuters');
  });

  test('a file at the top of the root, or outside it, is keyed by its name (source direct)', () => {
    assert.equal(objectKeyFor('/drop/story.txt', { root: '/drop' }), 'story.txt');
    assert.equal(objectKeyFor('/elsewhere/story.txt', { root: '/drop' }), 'story.txt');
    assert.equal(sourceForKey('story.txt'), 'direct');
  });

  test('--source puts the file name under that source', () => {
    assert.equal(objectKeyFor('/any/where/story.txt', { source: 'ap', root: '/any' }), 'ap/story.txt');
  });

  test('inputs with the same key get distinct ones, so no output overwrites another', () => {
    assert.deepEqual(
      distinctKeys(['/a/story.txt', '/b/story.txt', '/a/story.txt'], { source: 'wire' }).map(
        ({ key }) => key,
      ),
      ['wire/story.txt', 'wire/2-story.txt', 'wire/3-story.txt'],
    );
  });
});

describe('pointInTime', () => {
  const now = new Date('2026-12-07T12:00:00.000Z');

  test('a duration counts back from now', () => {
    assert.equal(pointInTime('since', '1h', now).toISOString(), '2026-12-07T11:00:00.000Z');
    assert.equal(pointInTime('since', '90m', now).toISOString(), '2026-12-07T10:30:00.000Z');
    assert.equal(pointInTime('since', '2d', now).toISOString(), '2026-12-05T12:00:00.000Z');
    assert.equal(pointInTime('since', '30s', now).toISOString(), '2026-12-07T11:59:30.000Z');
  });

  test('an ISO 8601 date-time or date is taken as given', () => {
    assert.equal(pointInTime('since', '2026-11-25T09:00:00Z', now).toISOString(), '2026-11-25T09:00:00.000Z');
    assert.equal(pointInTime('since', '2026-11-25', now).toISOString(), '2026-11-25T00:00:00.000Z');
  });

  test('anything else is a mistake that names the option and shows both forms', () => {
    for (const value of ['yesterday', '1', '1w', 'March 7', '']) {
      assert.throws(
        () => pointInTime('since', value, now),
        (error: unknown) =>
          error instanceof CliError &&
          error.what === `--since '${value}' is neither a date-time nor a duration` &&
          /--since 1h/.test(error.hint),
      );
    }
  });
});

describe('positiveInteger', () => {
  test('whole numbers of 1 or more', () => {
    assert.equal(positiveInteger('limit', '20'), 20);
    assert.equal(positiveInteger('limit', '1'), 1);
  });

  test('refuses what is not one', () => {
    for (const value of ['abc', '0', '-3', '2.5', '1e3', '', ' ']) {
      assert.throws(() => positiveInteger('limit', value), CliError, value);
    }
  });
});
