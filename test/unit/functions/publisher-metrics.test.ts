/** The `source` dimension of per-publisher metrics stays within a bounded set of values. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { registeredPublishers, sourceDimension } from '../../../functions/handlers/publisher-dimension.js';
import { normalise } from '../../../shared/pipeline/description.js';
import { loadSettings } from '../../../shared/pipeline/settings.js';

describe('per-publisher metric dimension', () => {
  test('with a registry: the registered name, else unregistered', () => {
    const registry = new Set(['reuters', 'wire']);
    assert.equal(sourceDimension('reuters/rates.txt', registry), 'reuters');
    assert.equal(sourceDimension('evil/x.json', registry), 'unregistered');
    assert.equal(sourceDimension('top-level.txt', registry), 'unregistered');
  });

  test('without one: a publisher-shaped folder name, else other', () => {
    assert.equal(sourceDimension('blog/x.txt', undefined), 'blog');
    assert.equal(sourceDimension(`${'a'.repeat(25)}/x.txt`, undefined), 'other');
    assert.equal(sourceDimension('Sports Wire/x.txt', undefined), 'other');
    assert.equal(sourceDimension('x.txt', undefined), 'other');
  });

  test('PUBLISHERS (comma-separated, as the stack sets it) is the registry; unset means none', () => {
    const required = { TABLE_NAME: 'articles', QUARANTINE_BUCKET: 'quarantine' };
    const publishers = (environment: Record<string, string>) =>
      registeredPublishers(loadSettings(normalise.settings, { ...required, ...environment }).publishers);
    assert.deepEqual([...(publishers({ PUBLISHERS: 'reuters, wire' }) ?? [])], ['reuters', 'wire']);
    assert.equal(publishers({}), undefined);
    assert.equal(publishers({ PUBLISHERS: ' , ' }), undefined);
  });
});
