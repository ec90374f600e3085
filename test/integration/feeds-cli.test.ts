/**
 * `syndicate partners rotate-key` and `syndicate feed` against a running local runtime (`syndicate
 * start`), as an operator and a partner use them. Waits only bound a hang; nothing asserts a duration.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAtomFeed } from 'feedsmith';
import { ensureBuiltCli, SYNDICATE, syndicate } from '../helpers/cli.js';

const WAIT_MS = 120_000;
let root: string | undefined;
let child: ChildProcess | undefined;

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}

describe('syndicate feed and partners rotate-key', () => {
  test('a rotated key reads its own feed of the sample articles, not another partner’s', async () => {
    ensureBuiltCli();
    root = mkdtempSync(join(tmpdir(), 'syndicate-feeds-'));
    writeFileSync(join(root, 'package.json'), '{}\n');
    const cwd = root;
    child = spawn(process.execPath, [SYNDICATE, 'start'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
    });
    await until('the runtime to watch the drop folder', () =>
      log.includes('Watching drop/') ? true : undefined,
    );

    const rotated = syndicate(['partners', 'rotate-key', 'all-news-wire'], { cwd });
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /^syn_[A-Za-z0-9_-]{43}\n$/);
    assert.match(rotated.stderr, /only its SHA-256 digest is stored/);
    const key = rotated.stdout.trim();

    // The two sample articles that are published (the third sample is empty and rejected), once
    // their entries have settled.
    const ids = await until('both sample articles in the feed', () => {
      const feed = syndicate(['feed', 'all-news-wire', '--format', 'json', '--key', key], { cwd });
      assert.equal(feed.status, 0, feed.stderr);
      const items = (JSON.parse(feed.stdout) as { items: { id: string }[] }).items.map((item) => item.id);
      return items.length === 2 ? items : undefined;
    });
    assert.deepEqual(ids.sort(), [
      'urn:syndicate:sportswire/harbour-city-cup-final.txt',
      'urn:syndicate:wire/trump-putin-syria.txt',
    ]);

    const sport = syndicate(['feed', 'sports-desk', '--key', key], { cwd });
    assert.equal(sport.status, 1);
    assert.match(sport.stderr, /the feed answered 403 not-your-feed/);

    // The operator, with no key, reads any feed; sports-desk takes the sport story only.
    const operator = syndicate(['feed', 'sports-desk'], { cwd });
    assert.equal(operator.status, 0, operator.stderr);
    assert.deepEqual(
      parseAtomFeed(operator.stdout).entries?.map((entry) => entry.id),
      ['urn:syndicate:sportswire/harbour-city-cup-final.txt'],
    );

    const again = syndicate(['partners', 'rotate-key', 'all-news-wire', '--grace-hours', '0'], { cwd });
    assert.equal(again.status, 0, again.stderr);
    const revoked = syndicate(['feed', 'all-news-wire', '--key', key], { cwd });
    assert.equal(revoked.status, 1);
    assert.match(revoked.stderr, /401 unknown-key/);
    assert.equal(syndicate(['feed', 'all-news-wire', '--key', again.stdout.trim()], { cwd }).status, 0);
  });
});
