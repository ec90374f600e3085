/**
 * The publisher registry: names that are safe as a key prefix, a source id and part of an access
 * point name; writers that IAM can name as principals; every problem of a file reported at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import {
  parsePublisherRegistry,
  publisherOfKey,
  publisherPrefix,
} from '../../../shared/publishers/registry.js';
import { loadPublisherRegistry } from '../../../shared/publishers/registry-file.js';

const ACCOUNT = '111122223333';
const ROLE = 'arn:aws:iam::444455556666:role/feeds/uploader';

function problemsOf(document: unknown): string[] {
  try {
    parsePublisherRegistry(document);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, String(error));
    const [first, ...rest] = error.message.split('\n  - ');
    assert.equal(first, 'publisher registry is invalid:');
    return rest;
  }
  assert.fail('expected the registry to be rejected');
}

describe('publisher registry', () => {
  test('a valid entry is read with its writers, contact and limits', () => {
    const publishers = parsePublisherRegistry({
      publishers: [
        {
          name: 'reuters',
          description: 'World news',
          writers: [ACCOUNT, ROLE],
          contact: 'desk@reuters.example',
          limits: { maxObjectBytes: 1_048_576 },
        },
        { name: 'ap', writers: ['arn:aws-cn:iam::777788889999:role/ap-feed'] },
      ],
    });
    assert.deepEqual(publishers, [
      {
        name: 'reuters',
        description: 'World news',
        writers: ['111122223333', 'arn:aws:iam::444455556666:role/feeds/uploader'],
        contact: 'desk@reuters.example',
        limits: { maxObjectBytes: 1048576 },
      },
      { name: 'ap', writers: ['arn:aws-cn:iam::777788889999:role/ap-feed'] },
    ]);
    assert.equal(publisherPrefix({ name: 'reuters' }), 'reuters/');
  });

  test('names that could be read as a path, or that S3 access points refuse, are named one by one', () => {
    const names = [
      '..',
      '.',
      'a/b',
      '',
      'Reuters',
      'wire_2',
      'x',
      '-wire',
      'wire-',
      'a'.repeat(25),
      'wire.co',
    ];
    const problems = problemsOf({
      publishers: names.map((name) => ({ name, writers: [ACCOUNT] })),
    });
    assert.equal(problems.length, names.length, problems.join('\n'));
    assert.match(problems[0] ?? '', /^publishers\[0\]\.name '\.\.' is a path segment of its own/);
    assert.match(problems[1] ?? '', /^publishers\[1\]\.name '\.' is a path segment of its own/);
    assert.match(problems[2] ?? '', /^publishers\[2\]\.name 'a\/b' holds a '\/'/);
    assert.match(problems[3] ?? '', /^publishers\[3\]\.name is empty/);
    for (const [index, name] of names.entries()) {
      if (index < 4) continue;
      assert.equal(
        problems[index],
        `publishers[${index}].name '${name}' must be 2-24 characters of a-z, 0-9 and '-', starting and ending with a letter or digit (it is the key prefix and the source id)`,
      );
    }
  });

  test('the longest and shortest names accepted: 24 and 2 characters', () => {
    const names = ['a'.repeat(24), 'ap', 'dpa-2'];
    assert.deepEqual(
      parsePublisherRegistry({ publishers: names.map((name) => ({ name, writers: [ACCOUNT] })) }).map(
        (publisher) => publisher.name,
      ),
      names,
    );
  });

  test('every problem of every entry is reported at once, duplicates included', () => {
    const problems = problemsOf({
      publishers: [
        { name: 'wire', writers: [ACCOUNT] },
        { name: 'wire', writers: ['12345'] },
        {
          name: 'sportswire',
          writers: [],
          contact: 'not-an-address',
          limits: { maxObjectBytes: 0, maxFiles: 3 },
          owner: 'x',
        },
        { name: 'evil/../etc', writers: ['arn:aws:iam::111122223333:user/alice', ACCOUNT, ACCOUNT] },
        'afp',
      ],
      version: 2,
    });
    assert.deepEqual(problems, [
      'version is not a known setting of the publisher registry',
      "publisher 'wire' is defined 2 times (one prefix, one owner)",
      "publisher 'wire': writers: '12345' is neither an AWS account id (12 digits) nor an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
      'publishers[2].owner is not a known setting',
      "publisher 'sportswire': writers must be a non-empty array of AWS account ids or IAM role ARNs (who may write under its prefix)",
      'publisher \'sportswire\': contact "not-an-address" is not an email address',
      "publisher 'sportswire': limits.maxFiles is not a known limit",
      "publisher 'sportswire': limits.maxObjectBytes must be a whole number of bytes from 1 to 5368709120 (S3's largest single PUT), not 0",
      "publishers[3].name 'evil/../etc' holds a '/', which would make it more than one key segment; it must be 2-24 characters of a-z, 0-9 and '-', starting and ending with a letter or digit (it is the key prefix and the source id)",
      "publishers[3]: writers: 'arn:aws:iam::111122223333:user/alice' is not a role: give an account id or an IAM role ARN (long-lived user keys are not accepted)",
      "publishers[3]: writers: '111122223333' is listed twice",
      'publishers[4] must be an object',
    ]);
  });

  test('a document without a publishers array is refused outright', () => {
    for (const document of [{}, { publishers: {} }, null, []]) {
      assert.throws(
        () => parsePublisherRegistry(document),
        (error: unknown) =>
          error instanceof ConfigurationError &&
          error.message === 'publisher registry: "publishers" must be an array',
      );
    }
  });

  test('maxObjectBytes up to 5 GiB (5,368,709,120 bytes) is accepted, one byte more is not', () => {
    const entry = (maxObjectBytes: number) => ({
      publishers: [{ name: 'wire', writers: [ACCOUNT], limits: { maxObjectBytes } }],
    });
    assert.equal(parsePublisherRegistry(entry(5_368_709_120))[0]?.limits?.maxObjectBytes, 5368709120);
    assert.match(problemsOf(entry(5_368_709_121))[0] ?? '', /not 5368709121$/);
    assert.match(problemsOf(entry(1.5))[0] ?? '', /not 1.5$/);
  });

  test('a key belongs to the publisher named by its first segment, and to nobody otherwise', () => {
    const publishers = parsePublisherRegistry({
      publishers: [
        { name: 'wire', writers: [ACCOUNT] },
        { name: 'sportswire', writers: [ACCOUNT] },
      ],
    });
    assert.equal(publisherOfKey(publishers, 'wire/rates.txt')?.name, 'wire');
    assert.equal(publisherOfKey(publishers, 'sportswire/2026/final.txt')?.name, 'sportswire');
    assert.equal(publisherOfKey(publishers, 'wires/rates.txt'), undefined);
    assert.equal(publisherOfKey(publishers, 'wire'), undefined);
    assert.equal(publisherOfKey(publishers, '/wire/rates.txt'), undefined);
    assert.equal(publisherOfKey(publishers, '../wire/rates.txt'), undefined);
  });
});

describe('publisher registry files', () => {
  test('config/publishers.json names the sources of the sample articles (events/articles/)', () => {
    assert.deepEqual(
      loadPublisherRegistry().map((publisher) => publisher.name),
      ['wire', 'sportswire'],
    );
  });

  test('a missing or malformed file is a configuration error naming the file', () => {
    const truncated = new URL('../../fixtures/publishers/truncated.json', import.meta.url);
    assert.throws(
      () => loadPublisherRegistry(truncated),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /^publisher registry \S+truncated\.json cannot be read: /.test(error.message),
    );
    const missing = new URL('../../fixtures/publishers/missing.json', import.meta.url);
    assert.throws(
      () => loadPublisherRegistry(missing),
      (error: unknown) =>
        error instanceof ConfigurationError && /missing\.json cannot be read: ENOENT/.test(error.message),
    );
  });
});
