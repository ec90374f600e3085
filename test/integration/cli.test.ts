/** The `syndicate` CLI as a user runs it: a separate process, its stdout, stderr and exit code. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Ninjs } from '../../shared/ninjs/types.js';
import { ninjsProblems } from '../../shared/ninjs/validate.js';
import { syndicate } from '../helpers/cli.js';
import { REPO_ROOT, SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'syndicate-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A user mistake: exactly one line on stderr, `syndicate: <what> (<hint>)`, and no stack trace. */
function assertOneLineMistake(stderr: string, what: RegExp): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0] as string, /^syndicate: .+ \(.+\)$/);
  assert.match(lines[0] as string, what);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('syndicate CLI', () => {
  test('normalise prints schema-valid ninjs keyed like a drop: the first folder under --root is the source', () => {
    const { status, stdout } = syndicate(['normalise', WIRE_ARTICLE, '--root', SAMPLE_ARTICLES]);
    assert.equal(status, 0);
    const ninjs = JSON.parse(stdout) as Ninjs;
    assert.equal(ninjs.uri, 'urn:syndicate:wire/trump-putin-syria.txt');
    assert.deepEqual(ninjs.infoSources, [{ name: 'wire', role: 'publisher' }]);
    assert.equal(ninjs.headlines?.[0]?.value, 'Trump, Putin signal new effort to cooperate on Syria');
    assert.equal(ninjs.by, 'Leroy Wright');
    assert.equal(ninjs.language, 'en');
    assert.equal(ninjs.version, '1');
    assert.deepEqual(ninjsProblems(ninjs), []);
  });

  test('normalise keys by the path under the current folder by default, or by --source', () => {
    const byCwd = syndicate(['normalise', 'events/articles/wire/trump-putin-syria.txt']);
    assert.equal(
      (JSON.parse(byCwd.stdout) as Ninjs).uri,
      'urn:syndicate:events/articles/wire/trump-putin-syria.txt',
    );
    const bySource = syndicate(['normalise', WIRE_ARTICLE, '--source', 'reuters']);
    const ninjs = JSON.parse(bySource.stdout) as Ninjs;
    assert.equal(ninjs.uri, 'urn:syndicate:reuters/trump-putin-syria.txt');
    assert.deepEqual(ninjs.infoSources, [{ name: 'reuters', role: 'publisher' }]);
  });

  test('normalise --out writes one file per input, even when two inputs have the same name', () => {
    for (const source of ['a', 'b']) {
      mkdirSync(join(scratch, 'in', source), { recursive: true });
      writeFileSync(join(scratch, 'in', source, 'story.txt'), readFileSync(WIRE_ARTICLE));
    }
    const out = join(scratch, 'out');
    const { status, stdout } = syndicate(
      ['normalise', 'in/a/story.txt', 'in/b/story.txt', '--root', 'in', '--out', out],
      { cwd: scratch },
    );
    assert.equal(status, 0);
    assert.match(stdout, /2 normalised, 0 not/);
    assert.equal(
      (JSON.parse(readFileSync(join(out, 'a/story.txt.json'), 'utf8')) as Ninjs).uri,
      'urn:syndicate:a/story.txt',
    );
    assert.equal(
      (JSON.parse(readFileSync(join(out, 'b/story.txt.json'), 'utf8')) as Ninjs).uri,
      'urn:syndicate:b/story.txt',
    );
  });

  test('normalise explains on stderr why a file cannot be read, and exits non-zero', () => {
    const empty = join(scratch, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const { status, stdout, stderr } = syndicate(['normalise', empty]);
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /empty\.txt: rejected \(EMPTY\): the object is empty/);
  });

  test('normalise goes on after a missing file and exits 1 at the end', () => {
    const { status, stdout, stderr } = syndicate(['normalise', 'missing.txt', WIRE_ARTICLE]);
    assert.equal(status, 1);
    assert.equal(stdout.trim().split('\n').length, 1);
    assert.equal(
      (JSON.parse(stdout) as Ninjs).headlines?.[0]?.value,
      'Trump, Putin signal new effort to cooperate on Syria',
    );
    assert.match(stderr, /^syndicate: missing\.txt: no such file \(check the path\)$/m);
    assert.match(stderr, /^1 normalised, 1 not$/m);
  });

  test('run reports each file: published with deliveries, rejected with a reason, unreadable', () => {
    const binary = join(scratch, 'photo.txt');
    writeFileSync(binary, Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 0x10]));
    const { status, stdout, stderr } = syndicate([
      'run',
      WIRE_ARTICLE,
      binary,
      'missing.txt',
      '--root',
      SAMPLE_ARTICLES,
    ]);
    // The missing file makes the run fail, after the other two went through.
    assert.equal(status, 1);
    assert.match(stderr, /^syndicate: missing\.txt: no such file \(check the path\)$/m);
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
    assert.equal(articles.length, 3);
    const [wire, photo, missing] = articles;
    assert.equal(wire?.status, 'published');
    assert.equal(wire?.uri, 'urn:syndicate:wire/trump-putin-syria.txt');
    assert.equal(wire?.version, 1);
    assert.equal(wire?.deliveries['politics-conflict-en'], 1);
    assert.equal(photo?.status, 'rejected');
    assert.match(photo?.reason ?? '', /a JPEG image/);
    assert.ok(Object.values(photo?.deliveries ?? {}).every((count) => count === 0));
    assert.equal(missing?.status, 'unreadable');
  });

  test('invoke runs the publish handler on the sample stream event and reports no failures', () => {
    const { status, stdout, stderr } = syndicate([
      'invoke',
      'publish',
      join(REPO_ROOT, 'events/dynamodb-stream-batch.json'),
    ]);
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), { batchItemFailures: [] });
    assert.match(
      stderr,
      /delivered to all-news-wire: article\.published urn:syndicate:wire\/trump-putin-syria\.txt v1/,
    );
  });

  test('invoke runs the normalise handler on the sample S3 notification', () => {
    const { status, stdout, stderr } = syndicate([
      'invoke',
      'normalise',
      join(REPO_ROOT, 'events/s3-put-via-sqs.json'),
    ]);
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(stdout), { batchItemFailures: [] });
    assert.match(stderr, /delivered to politics-conflict-en: article\.published/);
  });

  test('invoke normalise on the shipped delete sample withdraws the sample article', () => {
    const { status, stderr } = syndicate([
      'invoke',
      'normalise',
      join(REPO_ROOT, 'events/s3-delete-via-sqs.json'),
    ]);
    assert.equal(status, 0);
    assert.match(
      stderr,
      /delivered to politics-conflict-en: article\.withdrawn urn:syndicate:wire\/trump-putin-syria\.txt v2/,
    );
  });

  test('invoke on the wrong event shape says which function takes it, and exits 2', () => {
    const { status, stdout, stderr } = syndicate(['invoke', 'publish', 'events/s3-put-via-sqs.json']);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assertOneLineMistake(
      stderr,
      /S3 notifications through SQS.*\(run syndicate invoke normalise events\/s3-put-via-sqs\.json\)/,
    );
  });

  test('every command answers --help with its usage, on stdout, exit 0', () => {
    const commands = [
      ['start'],
      ['run'],
      ['normalise'],
      ['invoke'],
      ['partners', 'list'],
      ['partners', 'preview'],
      ['status'],
      ['ingest'],
      ['rejects'],
      ['redrive'],
      ['replay'],
    ];
    for (const command of commands) {
      const { status, stdout, stderr } = syndicate([...command, '--help']);
      assert.equal(status, 0, `${command.join(' ')} --help: ${stderr}`);
      assert.match(stdout, new RegExp(`^usage: syndicate ${command.join(' ')}\\b`));
      assert.match(stdout, /--debug/);
    }
    const top = syndicate(['--help']);
    assert.equal(top.status, 0);
    for (const [name] of commands) assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'));
  });

  test('user mistakes are one line, syndicate: <what> (<hint>), with a non-zero exit', () => {
    const mistakes: [string[], number, RegExp][] = [
      [['normalise', 'missing.txt'], 1, /missing\.txt: no such file/],
      [['normalise', 'events'], 1, /events is a folder, not a file/],
      [
        ['receipts'],
        2,
        /^syndicate: receipts needs --source NAME \(e\.g\. syndicate receipts --source wire\)$/m,
      ],
      [['ingest', 'missing.txt'], 2, /no such file or folder: missing\.txt .*nothing was uploaded/],
      [['invoke', 'normalise', 'missing.json'], 1, /missing\.json: no such file/],
      [['invoke', 'normalise', 'events'], 1, /events is a folder/],
      [['invoke', 'frobnicate', 'events/s3-put-via-sqs.json'], 2, /no function 'frobnicate'/],
      [['partners', 'preview', 'sports-desk', 'missing.txt'], 1, /missing\.txt: no such file/],
      [['partners', 'preview', 'sports-desk', 'events'], 1, /events is a folder/],
      [['partners', 'preview', 'nobody', WIRE_ARTICLE], 2, /no partner 'nobody' \(known: all-news-wire, /],
      [
        ['partners', 'preview', 'sports-desk'],
        2,
        /partners preview needs FILE \(usage: syndicate partners preview/,
      ],
      [['rejects', '--limit', 'abc'], 2, /--limit must be a whole number of 1 or more, not 'abc'/],
      [['replay', '--since', 'yesterday'], 2, /--since 'yesterday' is neither a date-time nor a duration/],
      [['replay'], 2, /replay needs URIs or --since TIME/],
      [
        ['replay', '--frobnicate'],
        2,
        /unknown option '--frobnicate' for replay \(see syndicate replay --help\)/,
      ],
      [['normalise', '--out'], 2, /--out needs a value/],
      [['normalise', WIRE_ARTICLE, '--format', 'docx'], 2, /--format 'docx' is not a format/],
      [['status', 'now'], 2, /status takes no argument 'now'/],
      [['frobnicate'], 2, /unknown command 'frobnicate' \(syndicate --help lists the commands\)/],
      [['partners', 'frobnicate'], 2, /unknown partners command 'frobnicate'/],
    ];
    for (const [args, exit, what] of mistakes) {
      const { status, stderr } = syndicate(args, { cwd: REPO_ROOT });
      assert.equal(status, exit, `${args.join(' ')}: ${stderr}`);
      assertOneLineMistake(stderr, what);
    }
  });

  test('an operator command with no runtime running says how to start one', () => {
    // A folder with no runtime file at or above it.
    const { status, stderr } = syndicate(['status'], { cwd: scratch });
    assert.equal(status, 2);
    assertOneLineMistake(stderr, /no local runtime is running for this project \(start one with `npm start`/);
  });

  test('a runtime started by an older version, with no manifest in its file, is named as such', () => {
    const project = join(scratch, 'old-runtime');
    mkdirSync(join(project, '.syndicate'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}\n');
    // A live process (this test's) and the fields an older runtime wrote, without `manifest`.
    writeFileSync(
      join(project, '.syndicate', 'runtime.json'),
      JSON.stringify({
        pid: process.pid,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        endpoints: {
          s3: 'http://127.0.0.1:9',
          dynamodb: 'http://127.0.0.1:9',
          messaging: 'http://127.0.0.1:9',
        },
        resources: {},
      }),
    );
    const { status, stderr } = syndicate(['status'], { cwd: project });
    assert.equal(status, 2);
    assertOneLineMistake(
      stderr,
      new RegExp(
        `^syndicate: the local runtime \\(pid ${process.pid}\\) wrote no usable manifest: .*\\(it was started by an older version: stop it and run \`npm start\` again\\)$`,
      ),
    );
  });

  test('--debug adds the stack trace to the one line', () => {
    const { status, stderr } = syndicate(['invoke', 'publish', 'events/s3-put-via-sqs.json', '--debug']);
    assert.equal(status, 2);
    assert.match(stderr, /^syndicate: events\/s3-put-via-sqs\.json is S3 notifications through SQS/);
    // Source maps: the trace names the TypeScript source.
    assert.match(stderr, /^\s+at .*cli\/commands\/invoke\.ts:\d+/m);
  });
});
