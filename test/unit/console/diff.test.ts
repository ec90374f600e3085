import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentDiff, leavesOf } from '../../../shared/console/diff.js';

const v1 = {
  uri: 'urn:syndicate:wire/story.txt',
  version: 1,
  headlines: [{ role: 'main', value: 'Storm closes the harbour' }],
  bodies: [{ role: 'main', contentType: 'text/plain', value: 'Ships stayed in port on Monday.' }],
  subjects: [{ uri: 'http://cv.iptc.org/newscodes/mediatopic/06000000' }],
};
const v2 = {
  uri: 'urn:syndicate:wire/story.txt',
  version: 2,
  headlines: [{ role: 'main', value: 'Storm closes the harbour for a second day' }],
  bodies: [{ role: 'main', contentType: 'text/plain', value: 'Ships stayed in port on Tuesday.' }],
  urgency: 3,
};

describe('version diff', () => {
  test('leaves are named by their path', () => {
    assert.deepEqual(
      [...leavesOf({ a: [{ b: 'x' }, 2], c: {}, d: [] }).entries()],
      [
        ['a[0].b', 'x'],
        ['a[1]', '2'],
        ['c', '{}'],
        ['d', '[]'],
      ],
    );
  });

  test('changed texts by words, then added and removed fields', () => {
    const changes = documentDiff(v1, v2);
    assert.deepEqual(
      changes.map((change) => [change.path, change.kind]),
      [
        ['version', 'changed'],
        ['headlines[0].value', 'changed'],
        ['bodies[0].value', 'changed'],
        ['urgency', 'added'],
        ['subjects[0].uri', 'removed'],
      ],
    );
    const headline = changes[1];
    assert.ok(headline?.kind === 'changed');
    assert.deepEqual(headline.parts, [
      { text: 'Storm closes the harbour' },
      { text: ' for a second day', added: true },
    ]);
    const body = changes[2];
    assert.ok(body?.kind === 'changed');
    assert.deepEqual(
      body.parts.filter((part) => part.added || part.removed),
      [
        { text: 'Monday', removed: true },
        { text: 'Tuesday', added: true },
      ],
    );
    assert.deepEqual(changes[3], { path: 'urgency', kind: 'added', after: '3' });
    assert.deepEqual(changes[4], {
      path: 'subjects[0].uri',
      kind: 'removed',
      before: 'http://cv.iptc.org/newscodes/mediatopic/06000000',
    });
  });

  test('the same document has no differences', () => {
    assert.deepEqual(documentDiff(v1, structuredClone(v1)), []);
  });
});
