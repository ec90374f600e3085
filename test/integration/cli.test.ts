/** The `syndicate` CLI as a user runs it: a separate process, its stdout, stderr and exit code. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Ninjs } from '../../shared/ninjs/types.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { REPO_ROOT, WIRE_ARTICLE } from '../helpers/paths.js';

function syndicate(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/syndicate.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'syndicate-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('syndicate CLI', () => {
  test('normalise prints schema-valid ninjs with headline, byline and language', () => {
    const { status, stdout } = syndicate('normalise', WIRE_ARTICLE);
    assert.equal(status, 0);
    const ninjs = JSON.parse(stdout) as Ninjs;
    assert.equal(ninjs.headlines?.[0]?.value, 'Trump, Putin signal new effort to cooperate on Syria');
    assert.equal(ninjs.by, 'Leroy Wright');
    assert.equal(ninjs.language, 'en');
    assert.equal(ninjs.version, '1');
    assert.deepEqual(ninjsProblems(ninjs), []);
  });

  test('normalise explains on stderr why a file cannot be read, and exits non-zero', () => {
    const empty = join(scratch, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const { status, stdout, stderr } = syndicate('normalise', empty);
    assert.notEqual(status, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /empty\.txt: rejected \(EMPTY\): the object is empty/);
  });

  test('run reports each file: published with deliveries, or rejected with a reason', () => {
    const binary = join(scratch, 'photo.txt');
    writeFileSync(binary, Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 0x10]));
    const { status, stdout } = syndicate('run', WIRE_ARTICLE, binary);
    assert.equal(status, 0);
    const { articles } = JSON.parse(stdout) as {
      articles: {
        file: string;
        status: string;
        uri: string;
        version: number | null;
        reason: string | null;
        deliveries: Record<string, number>;
      }[];
    };
    assert.equal(articles.length, 2);
    const [wire, photo] = articles;
    assert.equal(wire?.status, 'published');
    assert.equal(wire?.version, 1);
    assert.ok(Object.values(wire?.deliveries ?? {}).some((count) => count > 0));
    assert.equal(photo?.status, 'rejected');
    assert.match(photo?.reason ?? '', /binary/);
    assert.ok(Object.values(photo?.deliveries ?? {}).every((count) => count === 0));
  });

  test('invoke runs the publish handler on the sample stream event and reports no failures', () => {
    const { status, stdout, stderr } = syndicate(
      'invoke',
      'publish',
      join(REPO_ROOT, 'events/dynamodb-stream-batch.json'),
    );
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), { batchItemFailures: [] });
    assert.match(
      stderr,
      /delivered to all-news-wire: article\.published urn:syndicate:wire\/trump-putin-syria\.txt v1/,
    );
  });

  test('invoke runs the normalise handler on the sample S3 notification', () => {
    const { status, stdout, stderr } = syndicate(
      'invoke',
      'normalise',
      join(REPO_ROOT, 'events/s3-put-via-sqs.json'),
    );
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), { batchItemFailures: [] });
    assert.match(stderr, /delivered to politics-conflict-en: article\.published/);
  });

  test('an unknown command prints the usage and exits non-zero', () => {
    const { status, stderr } = syndicate('frobnicate');
    assert.notEqual(status, 0);
    assert.match(stderr, /unknown command 'frobnicate'/);
  });
});
