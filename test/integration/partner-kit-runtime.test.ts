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
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuiltCli, SYNDICATE, syndicate } from '../helpers/cli.js';
import { REPO_ROOT, SAMPLE_ARTICLES } from '../helpers/paths.js';

const WAIT_MS = 120_000;
const CONSUMER = join(REPO_ROOT, 'examples', 'sqs-consumer.ts');
const RECEIVER = join(REPO_ROOT, 'examples', 'https-receiver.ts');
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

/** A port nothing listens on right now (the receiver takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Every number in a JSON report is a JSON number, never digits in a string. */
function numericStrings(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => numericStrings(item, `${path}[${index}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => numericStrings(item, `${path}.${key}`));
  return [];
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
  const report = JSON.parse(result.stdout) as { articles: number; queues: StatusQueue[] };
  assert.deepEqual(numericStrings(report), [], 'numbers are JSON numbers');
  return report;
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
    const unknown = started(['--import', TSX, CONSUMER, '--local', 'nobody'], root);
    assert.deepEqual(await exited(unknown.child), { code: 2, signal: null });
    assert.match(
      unknown.stderr(),
      /^sqs-consumer: the local runtime has no partner nobody \(SQS partners: all-news-wire, politics-conflict-en, sports-desk, headline-ticker\)$/m,
    );

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

  test('the HTTPS receiver gets an urgent article through the relay with `start --relay`', async () => {
    ensureBuiltCli();
    const root = project();
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/sns`;
    const runtime = started([SYNDICATE, 'start', '--relay', `breaking-alerts=${endpoint}`], root);
    const console = () => runtime.stdout() + runtime.stderr();
    await until('the runtime to start', () => console().includes('Watching drop/'), console);
    assert.match(console(), new RegExp(`breaking-alerts \\(https, summary\\): .*relayed to ${endpoint}`));

    const receiver = started(['--import', TSX, RECEIVER, '--local', '--port', String(port)], root);
    const both = () => receiver.stdout() + receiver.stderr();
    await until(
      'the receiver to confirm the subscription',
      () => both().includes('subscription confirmed'),
      both,
    );
    // A Canadian Press NITF story of urgency 3: breaking-alerts takes urgency 1-3.
    const story = join(REPO_ROOT, 'test', 'fixtures', 'nitf', 'cp-placeholder-release.xml');
    const ingest = syndicate(['ingest', story, '--source', 'wire'], { cwd: root });
    assert.equal(ingest.status, 0, ingest.stderr);
    const handled =
      'article.published urn:syndicate:wire/cp-placeholder-release.xml v1: Bank of Canada holds key interest rate steady at five per cent';
    await until('the receiver to handle the story', () => receiver.stdout().includes(handled), both);
    await until(
      'the console to report the delivery',
      () => console().includes('    delivered to: all-news-wire (1), breaking-alerts (1)'),
      console,
    );

    receiver.child.kill('SIGINT');
    assert.deepEqual(await exited(receiver.child), { code: 0, signal: null });
    runtime.child.kill('SIGTERM');
    assert.deepEqual(await exited(runtime.child), { code: 0, signal: null });
  });

  test('`start --relay` takes only an HTTPS partner and a URL on this machine', () => {
    const root = project();
    const notHttps = syndicate(['start', '--relay', 'all-news-wire=http://127.0.0.1:8443/'], { cwd: root });
    assert.equal(notHttps.status, 2);
    assert.equal(
      notHttps.stderr,
      'syndicate: --relay all-news-wire=http://127.0.0.1:8443/: all-news-wire is not an HTTPS partner (HTTPS partners: breaking-alerts)\n',
    );
    const remote = syndicate(['start', '--relay', 'breaking-alerts=https://alerts.example/'], { cwd: root });
    assert.equal(remote.status, 2);
    assert.match(
      remote.stderr,
      /^syndicate: --relay breaking-alerts=https:\/\/alerts\.example\/: expected PARTNER=URL with a URL on this machine/,
    );
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
