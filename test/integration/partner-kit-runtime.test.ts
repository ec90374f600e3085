/**
 * The partner kit against `npm start`, as the README's Partners section runs it: `syndicate start`
 * in a project, then `npx tsx examples/sqs-consumer.ts --local all-news-wire` in another terminal.
 * The runtime no longer reads partner queues, so the consumer gets every message, `syndicate status`
 * shows the real depths (the messages wait until the consumer reads them), and the runtime's console
 * still reports each delivery. Waits only bound a hang; nothing here asserts a duration.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuiltCli, SYNDICATE, syndicate } from '../helpers/cli.js';
import { REPO_ROOT, SAMPLE_ARTICLES } from '../helpers/paths.js';

const WAIT_MS = 120_000;
const CONSUMER = join(REPO_ROOT, 'examples', 'sqs-consumer.ts');
/** tsx by URL: the consumer runs from the scratch project, which has no node_modules of its own. */
const TSX = import.meta.resolve('tsx');

const scratch: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
});

/** A project folder of its own (package.json marks its root), so the runtime file lands there. */
function project(): string {
  const folder = mkdtempSync(join(tmpdir(), 'syndicate-kit-'));
  scratch.push(folder);
  writeFileSync(join(folder, 'package.json'), '{}\n');
  return folder;
}

function started(args: readonly string[], cwd: string) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function until(what: string, check: () => boolean, context: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}:\n${context()}`);
    await sleep(100);
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

interface StatusQueue {
  name: string;
  role: string;
  visible: number;
  inFlight: number;
}

function status(cwd: string): { articles: number; queues: StatusQueue[] } {
  const result = syndicate(['status', '--json'], { cwd });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { articles: number; queues: StatusQueue[] };
}

function depthOf(report: { queues: StatusQueue[] }, name: string): [number, number] {
  const queue = report.queues.find((candidate) => candidate.name === name);
  assert.ok(queue, `status lists ${name}`);
  return [queue.visible, queue.inFlight];
}

describe('partner kit against `syndicate start`', () => {
  test('the SQS consumer receives every message of its partner queue while the console still reports it', async () => {
    ensureBuiltCli();
    const root = project();
    const runtime = started([SYNDICATE, 'start'], root);
    const console = () => runtime.stdout() + runtime.stderr();
    await until('the runtime to start', () => console().includes('Watching drop/'), console);
    assert.match(console(), /npx tsx examples\/sqs-consumer\.ts --local all-news-wire/);

    // The two sample articles (both English; one sport, one politics) wait in the queues of the
    // partners whose filters take them: nothing reads them before the partner's consumer does.
    const before = status(root);
    assert.equal(before.articles, 2);
    assert.deepEqual(depthOf(before, 'partner-all-news-wire'), [2, 0]);
    assert.deepEqual(depthOf(before, 'partner-headline-ticker'), [2, 0]);
    assert.deepEqual(depthOf(before, 'partner-sports-desk'), [1, 0]);
    assert.deepEqual(depthOf(before, 'partner-politics-conflict-en'), [1, 0]);
    for (const queue of before.queues) {
      assert.equal(typeof queue.visible, 'number', queue.name);
      assert.equal(typeof queue.inFlight, 'number', queue.name);
    }

    const consumer = started(['--import', TSX, CONSUMER, '--local', 'all-news-wire'], root);
    const handled = () => consumer.stdout();
    const both = () => handled() + consumer.stderr();
    const politics =
      'article.published urn:syndicate:wire/trump-putin-syria.txt v1: Trump, Putin signal new effort to cooperate on Syria';
    const sport =
      'article.published urn:syndicate:sportswire/harbour-city-cup-final.txt v1: Harbour City win the cup final on penalties after a 2-2 draw';
    await until('the consumer to handle the two samples', () => handled().includes(sport), both);
    await until('the consumer to handle the two samples', () => handled().includes(politics), both);

    // A file ingested while the consumer runs reaches it, and the console reports its delivery.
    const ingest = syndicate(
      ['ingest', join(SAMPLE_ARTICLES, 'sportswire', 'harbour-city-cup-final.txt'), '--source', 'blog'],
      { cwd: root },
    );
    assert.equal(ingest.status, 0, ingest.stderr);
    const blog =
      'article.published urn:syndicate:blog/harbour-city-cup-final.txt v1: Harbour City win the cup final on penalties after a 2-2 draw';
    await until('the consumer to handle the ingested file', () => handled().includes(blog), both);
    const reported =
      'blog/harbour-city-cup-final.txt → urn:syndicate:blog/harbour-city-cup-final.txt v1 published\n' +
      '    delivered to: all-news-wire (1), sports-desk (1), headline-ticker (1)';
    await until('the console to report the delivery', () => console().includes(reported), console);
    assert.equal(handled().split('\n').filter(Boolean).length, 3, handled());

    // The consumer deleted what it handled; the other partners' messages still wait for theirs.
    await until(
      'the consumer to delete what it handled',
      () => depthOf(status(root), 'partner-all-news-wire').join() === '0,0',
      both,
    );
    const afterwards = status(root);
    assert.deepEqual(depthOf(afterwards, 'partner-sports-desk'), [2, 0]);
    assert.deepEqual(depthOf(afterwards, 'partner-headline-ticker'), [3, 0]);

    consumer.child.kill('SIGINT');
    assert.deepEqual(await exited(consumer.child), { code: 0, signal: null });
    runtime.child.kill('SIGTERM');
    assert.deepEqual(await exited(runtime.child), { code: 0, signal: null });
  });

  test('the consumer says in one line what is wrong with `--local`', async () => {
    const root = project();
    const consumer = started(['--import', TSX, CONSUMER, '--local', 'all-news-wire'], root);
    assert.deepEqual(await exited(consumer.child), { code: 2, signal: null });
    assert.equal(
      consumer.stderr(),
      'sqs-consumer: no local runtime is running for this project (start one with `npm start` in another terminal)\n',
    );
  });
});
