/**
 * `syndicate start` as a program: what its console says for each kind of change, operator commands
 * run from another folder of the project, and a clean stop on SIGTERM or when its parent dies
 * (emulator ports closed, runtime file removed). Waits are generous and only bound a hang; nothing
 * here asserts a duration.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuiltCli, SYNDICATE, syndicate } from '../helpers/cli.js';
import { SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const WAIT_MS = 120_000;
const scratch: string[] = [];
after(() => {
  for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
});

/** A project folder of its own (package.json marks its root), so the runtime file lands there. */
function project(): string {
  const folder = mkdtempSync(join(tmpdir(), 'syndicate-runtime-'));
  scratch.push(folder);
  writeFileSync(join(folder, 'package.json'), '{}\n');
  return folder;
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

function output(child: ChildProcess): { text: () => string } {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { text: () => text };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Whether something still accepts connections at `endpoint` (http://127.0.0.1:PORT). */
function listening(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function occurrences(text: string, line: string): number {
  return text.split('\n').filter((candidate) => candidate === line).length;
}

interface RuntimeFile {
  pid: number;
  endpoints: { s3: string; dynamodb: string; messaging: string };
  manifest: { queues: { role: string; url: string; partner?: string }[] };
}

describe('syndicate start', () => {
  test('reports each change once by what it did, serves operator commands from a subfolder, stops on SIGTERM', async () => {
    ensureBuiltCli();
    const root = project();
    mkdirSync(join(root, 'drop', 'reuters'), { recursive: true });
    copyFileSync(WIRE_ARTICLE, join(root, 'drop', 'reuters', 'pre.txt'));
    const subfolder = join(root, 'notes', 'today');
    mkdirSync(subfolder, { recursive: true });
    const child = spawn(process.execPath, [SYNDICATE, 'start'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = output(child);
    try {
      await until('the runtime to watch the drop folder', () => log.text().includes('Watching drop/'));
      const text = () => log.text();
      // The file already in drop/ at start is processed and shown.
      assert.equal(
        occurrences(text(), 'reuters/pre.txt → urn:syndicate:reuters/pre.txt v1 published'),
        1,
        text(),
      );
      const runtimeFile = join(root, '.syndicate', 'runtime.json');
      const runtime = JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeFile;
      assert.equal(runtime.pid, child.pid);

      // Operator commands from a subfolder find the runtime by walking up.
      const status = syndicate(['status', '--json'], { cwd: subfolder });
      assert.equal(status.status, 0, status.stderr);
      const report = JSON.parse(status.stdout) as { articles: unknown; queues: { visible: unknown }[] };
      // Two sample articles published (the third sample is empty, rejected) and the drop folder's one.
      assert.equal(report.articles, 3);
      assert.equal(typeof report.queues[0]?.visible, 'number');

      const sport = join(SAMPLE_ARTICLES, 'sportswire', 'harbour-city-cup-final.txt');
      const published =
        'blog/harbour-city-cup-final.txt → urn:syndicate:blog/harbour-city-cup-final.txt v1 published';
      assert.equal(syndicate(['ingest', sport, '--source', 'blog'], { cwd: subfolder }).status, 0);
      await until('the ingested file to be reported', () => text().includes(published));
      const unchanged =
        'blog/harbour-city-cup-final.txt → urn:syndicate:blog/harbour-city-cup-final.txt v1 unchanged (same content as the current version; nothing sent)';
      assert.equal(syndicate(['ingest', sport, '--source', 'blog'], { cwd: subfolder }).status, 0);
      await until('the unchanged upload to be reported', () => text().includes(unchanged));

      appendFileSync(join(root, 'drop', 'reuters', 'pre.txt'), '\nA paragraph added in an update.\n');
      const updated = 'reuters/pre.txt → urn:syndicate:reuters/pre.txt v2 updated';
      await until('the edit to be reported', () => text().includes(updated));
      rmSync(join(root, 'drop', 'reuters', 'pre.txt'));
      const withdrawn = 'reuters/pre.txt → urn:syndicate:reuters/pre.txt v3 withdrawn';
      await until('the deletion to be reported', () => text().includes(withdrawn));

      const replay = syndicate(['replay', 'urn:syndicate:wire/trump-putin-syria.txt'], { cwd: subfolder });
      assert.equal(replay.status, 0, replay.stderr);
      assert.match(
        replay.stdout,
        /^replayed urn:syndicate:wire\/trump-putin-syria\.txt v1 to all-news-wire, politics-conflict-en$/m,
      );
      assert.doesNotMatch(replay.stdout, /\/summary/);
      const unknown = syndicate(['replay', 'urn:syndicate:no/such.txt'], { cwd: subfolder });
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /not replayed urn:syndicate:no\/such\.txt: no such article/);

      // To one partner: straight to its queue, found by its partner in the runtime's manifest.
      const politics = 'urn:syndicate:wire/trump-putin-syria.txt';
      const replayedTo = (partner: string) => `  ${partner} ← article.replayed ${politics} v1`;
      await until('the replay through the topic to be reported', () =>
        text().includes(replayedTo('politics-conflict-en')),
      );
      const toOne = syndicate(['replay', politics, '--partner', 'politics-conflict-en'], { cwd: subfolder });
      assert.equal(toOne.status, 0, toOne.stderr);
      assert.match(
        toOne.stdout,
        /^replayed urn:syndicate:wire\/trump-putin-syria\.txt v1 to politics-conflict-en$/m,
      );
      await until(
        'the replay to one partner to be reported',
        () => occurrences(text(), replayedTo('politics-conflict-en')) === 2,
      );
      assert.equal(occurrences(text(), replayedTo('all-news-wire')), 1);

      const since = syndicate(['replay', '--since', '1h'], { cwd: subfolder });
      assert.equal(since.status, 0, since.stderr);
      assert.match(since.stdout, /^replayed urn:syndicate:blog\/harbour-city-cup-final\.txt v1 to /m);

      // Every queue with its role; every dead-letter queue redriven by what its role calls for.
      const manifest = (JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeFile).manifest;
      const roles = (role: string) => manifest.queues.filter((queue) => queue.role === role);
      assert.equal(roles('ingest').length, 1);
      assert.equal(roles('ingest-dead-letter').length, 1);
      assert.equal(roles('stream-failures').length, 1);
      // The five partners of config/partners.json, each with its queue and its dead-letter queue.
      assert.deepEqual(
        roles('partner').map((queue) => queue.partner),
        ['all-news-wire', 'politics-conflict-en', 'sports-desk', 'headline-ticker', 'breaking-alerts'],
      );
      assert.equal(roles('partner-dead-letter').length, 5);
      const redrive = syndicate(['redrive'], { cwd: subfolder });
      assert.equal(redrive.status, 0, redrive.stderr);
      assert.match(redrive.stdout, /^IngestDlq: 0 moved back$/m);
      assert.match(redrive.stdout, /^StreamDlq: 0 failure records, 0 articles republished$/m);
      assert.match(redrive.stdout, /^PartnerSportsDeskQueueDlq: 0 moved back$/m);
      // A dead-letter queue by its own name too; a queue that is not one is refused.
      const byOwnName = syndicate(['redrive', 'partner-sports-desk-dlq'], { cwd: subfolder });
      assert.equal(byOwnName.status, 0, byOwnName.stderr);
      assert.equal(byOwnName.stdout, 'PartnerSportsDeskQueueDlq: 0 moved back\n');
      const unknownDlq = syndicate(['redrive', 'PartnerSportsDeskQueue'], { cwd: subfolder });
      assert.equal(unknownDlq.status, 2);
      assert.match(
        unknownDlq.stderr,
        /^syndicate: no dead-letter queue 'PartnerSportsDeskQueue' in local runtime/,
      );

      // Each change is reported once, under its own label.
      for (const line of [published, unchanged, updated, withdrawn])
        assert.equal(occurrences(text(), line), 1, line);
      assert.doesNotMatch(text(), /reuters\/pre\.txt v2 published/);

      child.kill('SIGTERM');
      const end = await exited(child);
      assert.deepEqual(end, { code: 0, signal: null });
      assert.match(text(), /Stopping \(SIGTERM\)/);
      assert.equal(existsSync(runtimeFile), false);
      for (const endpoint of Object.values(runtime.endpoints))
        assert.equal(await listening(endpoint), false, endpoint);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test("status ends with each partner's deliveries, failures and latency, as the console counts them", async () => {
    ensureBuiltCli();
    const root = project();
    const child = spawn(process.execPath, [SYNDICATE, 'start'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = output(child);
    try {
      // Watching starts once the samples are delivered and counted.
      await until('the runtime to watch the drop folder', () => log.text().includes('Watching drop/'));
      // The two sample articles: the politics story goes to all-news-wire, politics-conflict-en and
      // headline-ticker; the sports story to all-news-wire, sports-desk and headline-ticker; neither is
      // urgent enough for breaking-alerts. The third sample is empty, rejected, sent to nobody.
      assert.match(
        log.text(),
        /all-news-wire 2, politics-conflict-en 1, sports-desk 1, headline-ticker 2, breaking-alerts 0/,
      );

      const status = syndicate(['status'], { cwd: root });
      assert.equal(status.status, 0, status.stderr);
      const table = status.stdout.slice(status.stdout.indexOf('\n  partners:\n'));
      assert.match(table, /^ {4}partner +payload +deliveries +failures +p50 ms +p95 ms +last delivery$/m);
      const received = /^ {4}all-news-wire +full +2 +0 +(\d+) +(\d+) +(\S+)$/m.exec(table);
      assert.ok(received, table);
      const [, p50, p95, last] = received;
      assert.ok(Number(p50) <= Number(p95), table);
      assert.match(last ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(table, /^ {4}politics-conflict-en +full +1 +0 +\d+ +\d+ +\S+Z$/m);
      assert.match(table, /^ {4}sports-desk +full +1 +0 +\d+ +\d+ +\S+Z$/m);
      assert.match(table, /^ {4}headline-ticker +summary +2 +0 +\d+ +\d+ +\S+Z$/m);
      assert.match(table, /^ {4}breaking-alerts +summary +0 +0 +– +– +–$/m);

      const json = syndicate(['status', '--json'], { cwd: root });
      assert.equal(json.status, 0, json.stderr);
      const { partners } = JSON.parse(json.stdout) as {
        partners: {
          partner: string;
          payload: string;
          deliveries: number;
          failures: number;
          latency: { p50Ms: number | null; p95Ms: number | null };
          lastDeliveryAt: string | null;
        }[];
      };
      assert.deepEqual(
        partners.map(({ partner, deliveries, failures }) => [partner, deliveries, failures]),
        [
          ['all-news-wire', 2, 0],
          ['politics-conflict-en', 1, 0],
          ['sports-desk', 1, 0],
          ['headline-ticker', 2, 0],
          ['breaking-alerts', 0, 0],
        ],
      );
      assert.equal(typeof partners[0]?.latency.p50Ms, 'number');
      assert.equal(typeof partners[0]?.lastDeliveryAt, 'string');
      assert.deepEqual(partners[4]?.latency, { p50Ms: null, p95Ms: null });
      assert.equal(partners[4]?.lastDeliveryAt, null);

      child.kill('SIGTERM');
      assert.deepEqual(await exited(child), { code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('Ctrl-C under npm (SIGINT from the terminal and from npm at once) still stops cleanly', async () => {
    ensureBuiltCli();
    const root = project();
    const child = spawn(process.execPath, [SYNDICATE, 'start'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = output(child);
    try {
      await until('the runtime to start', () => log.text().includes('Watching drop/'));
      const runtime = JSON.parse(
        readFileSync(join(root, '.syndicate', 'runtime.json'), 'utf8'),
      ) as RuntimeFile;
      child.kill('SIGINT');
      child.kill('SIGINT');
      assert.deepEqual(await exited(child), { code: 0, signal: null });
      assert.match(log.text(), /Stopping \(SIGINT\)/);
      assert.equal(existsSync(join(root, '.syndicate', 'runtime.json')), false);
      for (const endpoint of Object.values(runtime.endpoints))
        assert.equal(await listening(endpoint), false, endpoint);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('stops with its emulators when the process that started it is killed outright', async () => {
    ensureBuiltCli();
    const root = project();
    // A shell between, as `npm start` has: killing the shell with SIGKILL re-parents the runtime.
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${SYNDICATE}" start & echo "pid $!"; wait`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = output(shell);
    let pid: number | undefined;
    try {
      await until('the runtime to start', () => log.text().includes('Watching drop/'));
      pid = Number(/^pid (\d+)$/m.exec(log.text())?.[1]);
      const runtime = JSON.parse(
        readFileSync(join(root, '.syndicate', 'runtime.json'), 'utf8'),
      ) as RuntimeFile;
      assert.equal(runtime.pid, pid);
      shell.kill('SIGKILL');
      await until('the runtime to exit', () => {
        try {
          process.kill(pid as number, 0);
          return false;
        } catch {
          return true;
        }
      });
      for (const endpoint of Object.values(runtime.endpoints))
        assert.equal(await listening(endpoint), false, endpoint);
      assert.equal(existsSync(join(root, '.syndicate', 'runtime.json')), false);
    } finally {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
});
