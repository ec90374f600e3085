/**
 * Cold-start runner: bundled by the benchmark to plain JavaScript and run as a fresh `node` process,
 * like a Lambda execution environment. It loads one function bundle, then hands it the events of
 * an events file one by one: the first is the cold invocation, the others are warm ones.
 *
 *   node cold-start-runner.mjs BUNDLE EVENTS_JSON
 *
 * stdout: whatever the handler logs, a `@@bench-invocation N` line before each invocation and one
 * `@@bench-result {json}` line at the end.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface LoadedFunction {
  handler: (event: unknown) => Promise<unknown>;
}

function summary(result: unknown): unknown {
  const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  if (Array.isArray(failures)) return { batchItemFailures: failures.length };
  const status = (result as { status?: unknown } | undefined)?.status;
  return status !== undefined ? { status } : result;
}

async function main(): Promise<void> {
  const [bundle, eventsFile] = process.argv.slice(2);
  if (!bundle || !eventsFile) throw new Error('usage: cold-start-runner BUNDLE EVENTS_JSON');
  const events = JSON.parse(readFileSync(eventsFile, 'utf8')) as unknown[];
  // performance.now() counts from the process's time origin: this is Node's own start-up.
  const bootMs = performance.now();
  const loadStart = performance.now();
  const loaded = (await import(pathToFileURL(bundle).href)) as LoadedFunction;
  const loadMs = performance.now() - loadStart;
  const durations: number[] = [];
  const results: unknown[] = [];
  const errors: string[] = [];
  for (const [index, event] of events.entries()) {
    process.stdout.write(`@@bench-invocation ${index}\n`);
    const started = performance.now();
    try {
      results.push(summary(await loaded.handler(event)));
    } catch (error) {
      results.push({ error: String(error) });
      errors.push(String(error));
    }
    durations.push(performance.now() - started);
  }
  process.stdout.write(
    `@@bench-result ${JSON.stringify({ bootMs, loadMs, durations, results, errors, peakRssKb: process.resourceUsage().maxRSS })}\n`,
  );
}

main().then(
  () => {
    // The SDK clients keep sockets alive; a Lambda environment would be frozen here.
    setTimeout(() => process.exit(0), 10).unref();
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
