/** Section 4: the local runtime end to end, in its own process (clean peak RSS). */
import type { Row } from '../lib/report.js';
import { fmt, fmtMb, quantile } from '../lib/stats.js';
import { Worker } from '../lib/worker.js';
import type { E2eReply, E2eRequest } from '../workers/e2e.js';

export const E2E_TARGET_PER_SECOND = 200;
export const E2E_TARGET_P95_MS = 250;
export const E2E_CONCURRENCY = 16;

/**
 * One run of the local pipeline: uploads as fast as `E2E_CONCURRENCY` uploaders go (a burst: the
 * throughput), or paced at `ratePerSecond` (the latency at that arrival rate).
 */
export async function runEndToEnd(articles: number, ratePerSecond?: number): Promise<E2eReply> {
  // Handlers log at INFO as deployed (the stack sets no level); the worker discards its stdout.
  const worker = Worker.start('workers/e2e.ts', 'e2e', { POWERTOOLS_LOG_LEVEL: 'INFO' });
  try {
    const request: E2eRequest = {
      articles,
      concurrency: E2E_CONCURRENCY,
      timeoutMs: Math.max(60_000, articles * 100),
      ...(ratePerSecond ? { ratePerSecond } : {}),
    };
    const reply = await worker.request<E2eReply>(request);
    await worker.close();
    return reply;
  } catch (error) {
    await worker.stop();
    throw error;
  }
}

/**
 * A third run, paced at half the rate the burst sustained (a multiple of 10, at least 10/s, at most
 * the target rate), about 10 s long: the latency of the pipeline when it keeps up, without the
 * queueing an arrival rate above its throughput builds. Printed, not judged.
 */
export function belowCapacityRun(burst: E2eReply, articles: number): { rate: number; articles: number } {
  const sustained = (burst.articles / burst.wallMs) * 1000;
  const rate = Math.min(E2E_TARGET_PER_SECOND, Math.max(10, Math.floor(sustained / 2 / 10) * 10));
  return { rate, articles: Math.min(articles, rate * 10) };
}

function problemsOf(reply: E2eReply): string[] {
  return [
    ...(reply.idleTimedOut ? ['the pipeline was still busy at the timeout'] : []),
    ...(reply.errors.length > 0 ? [`${reply.errors.length} pipeline errors`] : []),
  ];
}

function latencies(reply: E2eReply): string {
  return (
    `p50 ${fmt(quantile(reply.latencies, 0.5), 0)} / p95 ${fmt(quantile(reply.latencies, 0.95), 0)} ms per delivery; ` +
    `to an article's last partner p50 ${fmt(quantile(reply.lastDeliveryLatencies, 0.5), 0)} / p95 ${fmt(quantile(reply.lastDeliveryLatencies, 0.95), 0)} ms`
  );
}

/**
 * The target reads "≥ 200 articles/s with p95 ≤ 250 ms": throughput from the burst, latency with
 * articles arriving at 200 per second (`paced`). A burst's latency is mostly the wait behind the
 * articles uploaded before it, so it is printed but not judged.
 */
export function e2eRows(
  reply: E2eReply,
  paced?: E2eReply,
  belowCapacity?: E2eReply,
): { rows: Row[]; notes: string[] } {
  const perSecond = (reply.articles / reply.wallMs) * 1000;
  const runs = [reply, ...(paced ? [paced] : []), ...(belowCapacity ? [belowCapacity] : [])];
  const belowRate = belowCapacity ? belowCapacityRun(reply, belowCapacity.articles).rate : 0;
  const problems = runs.flatMap(problemsOf);
  const lost = runs.reduce((total, run) => total + run.lost.length, 0);
  const unexpected = runs.reduce((total, run) => total + run.unexpected.length, 0);
  const rows: Row[] = [
    {
      section: '4',
      item: `local end to end: ${reply.articles} articles, ${E2E_CONCURRENCY} concurrent uploads`,
      measured:
        `${fmt(perSecond, 0)} articles/s (uploads done after ${fmt(reply.uploadMs / 1000, 1)} s, last delivery after ${fmt(reply.wallMs / 1000, 1)} s); ` +
        `peak RSS ${fmtMb(reply.peakRssKb)}; CPU ${fmt(reply.cpuMs / reply.articles, 1)} ms per article (main thread busy ${fmt(reply.mainThreadBusyMs / reply.articles, 1)} ms)`,
      target: `≥ ${E2E_TARGET_PER_SECOND} articles/s`,
      pass: perSecond >= E2E_TARGET_PER_SECOND,
    },
    ...(paced
      ? [
          {
            section: '4',
            item: `local end to end: latency upload → partner queue, ${paced.articles} articles arriving at ${E2E_TARGET_PER_SECOND}/s`,
            measured: `${latencies(paced)}; last delivery ${fmt(paced.wallMs / 1000, 1)} s after the first upload (uploads took ${fmt(paced.uploadMs / 1000, 1)} s)`,
            target: `p95 ≤ ${E2E_TARGET_P95_MS} ms`,
            pass: quantile(paced.latencies, 0.95) <= E2E_TARGET_P95_MS,
          },
        ]
      : []),
    ...(belowCapacity
      ? [
          {
            section: '4',
            item: `local end to end: latency upload → partner queue, ${belowCapacity.articles} articles arriving at ${belowRate}/s (half the burst's throughput)`,
            measured: latencies(belowCapacity),
            target: '',
          },
        ]
      : []),
    {
      section: '4',
      item: 'local end to end: latency upload → partner queue in the burst (queueing included)',
      measured: latencies(reply),
      target: paced ? '' : `p95 ≤ ${E2E_TARGET_P95_MS} ms`,
      ...(paced ? {} : { pass: quantile(reply.latencies, 0.95) <= E2E_TARGET_P95_MS }),
    },
    {
      section: '4',
      item: `local end to end: nothing lost${runs.length > 1 ? ` (all ${runs.length} runs)` : ''}`,
      measured:
        runs
          .map(
            (run) =>
              `${run.deliveries} deliveries of ${run.expectedDeliveries} expected; lost ${run.lost.length}, unexpected ${run.unexpected.length}, duplicates ${run.duplicates}`,
          )
          .join(' | ') + (problems.length > 0 ? `; ${problems.join('; ')}` : ''),
      target: '0 lost',
      pass: lost === 0 && unexpected === 0,
    },
  ];
  const notes = [
    `End to end: partners from config/partners.json delivered through SQS (${reply.partners.join(', ')}${reply.leftOut.length > 0 ? `; left out: ${reply.leftOut.join(', ')}` : ''}); articles made in turn from ${reply.perTemplate
      .map((template) => `${template.name} → ${template.partners.join(' + ') || 'no partner'}`)
      .join('; ')}, each copy with one word changed and its own key. ` +
      'Expected deliveries: each article normalised again after the run, its message attributes (attributesFor) matched against each partner’s filter policy (filterPolicyFor). ' +
      `Throughput = articles ÷ (first upload → last delivery); the emulators, the handlers, the uploads and the partner inbox readers share one Node process (started in ${fmt(reply.startMs, 0)} ms): handlers, event sources, fauxqs and inbox readers on its main thread, s3rver and dynalite on a second thread, the uploads (their own S3 client) on a third. ` +
      'CPU per article = the process’s CPU time (user + system, all threads) from the first upload until idle ÷ articles: unlike the rates, it does not depend on what else the machine runs. ' +
      'Main thread busy = the time its event loop spent running callbacks (eventLoopUtilization), ÷ articles: the handlers’ thread, the critical path; it is wall time, so on a loaded machine it also counts time the OS gave the core to other processes.',
  ];
  if (paced)
    notes.push(
      `Latency run: a fresh pipeline, ${paced.articles} uploads started on a ${fmt(1000 / E2E_TARGET_PER_SECOND, 0)} ms schedule (${E2E_TARGET_PER_SECOND} articles/s, the target rate); latency = the time the upload was due → the partner's receive. When the pipeline is slower than the arrival rate, the articles queue and the latency grows with the run.`,
    );
  if (belowCapacity)
    notes.push(
      `Below-capacity run: a fresh pipeline, ${belowCapacity.articles} uploads at ${belowRate}/s, half the burst's throughput: the latency of the pipeline itself, when nothing queues (not judged; the target rate is ${E2E_TARGET_PER_SECOND}/s).`,
    );
  for (const run of runs) {
    for (const lostDelivery of run.lost.slice(0, 3)) notes.push(`lost: ${lostDelivery}`);
    for (const extra of run.unexpected.slice(0, 3)) notes.push(`unexpected delivery: ${extra}`);
    for (const error of run.errors.slice(0, 3)) notes.push(`pipeline error: ${error}`);
  }
  return { rows, notes };
}
