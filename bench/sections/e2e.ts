/** Section 4: the local runtime end to end, in its own process (clean peak RSS). */
import type { Row } from '../lib/report.js';
import { fmt, fmtMb, quantile } from '../lib/stats.js';
import { Worker } from '../lib/worker.js';
import type { E2eReply, E2eRequest } from '../workers/e2e.js';

export const E2E_TARGET_PER_SECOND = 200;
export const E2E_TARGET_P95_MS = 250;
export const E2E_CONCURRENCY = 16;

export async function runEndToEnd(articles: number): Promise<E2eReply> {
  // Handlers log at INFO as deployed (the stack sets no level); the worker discards its stdout.
  const worker = Worker.start('workers/e2e.ts', 'e2e', { POWERTOOLS_LOG_LEVEL: 'INFO' });
  try {
    const request: E2eRequest = {
      articles,
      concurrency: E2E_CONCURRENCY,
      timeoutMs: Math.max(60_000, articles * 100),
    };
    const reply = await worker.request<E2eReply>(request);
    await worker.close();
    return reply;
  } catch (error) {
    await worker.stop();
    throw error;
  }
}

export function e2eRows(reply: E2eReply): { rows: Row[]; notes: string[] } {
  const perSecond = (reply.articles / reply.wallMs) * 1000;
  const p95 = quantile(reply.latencies, 0.95);
  const problems = [
    ...(reply.idleTimedOut ? ['the pipeline was still busy at the timeout'] : []),
    ...(reply.errors.length > 0 ? [`${reply.errors.length} pipeline errors`] : []),
  ];
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
    {
      section: '4',
      item: 'local end to end: latency upload → partner queue',
      measured:
        `p50 ${fmt(quantile(reply.latencies, 0.5), 0)} / p95 ${fmt(p95, 0)} ms per delivery; ` +
        `to an article's last partner p50 ${fmt(quantile(reply.lastDeliveryLatencies, 0.5), 0)} / p95 ${fmt(quantile(reply.lastDeliveryLatencies, 0.95), 0)} ms`,
      target: `p95 ≤ ${E2E_TARGET_P95_MS} ms`,
      pass: p95 <= E2E_TARGET_P95_MS,
    },
    {
      section: '4',
      item: 'local end to end: nothing lost',
      measured:
        `${reply.deliveries} deliveries of ${reply.expectedDeliveries} expected; lost ${reply.lost.length}, unexpected ${reply.unexpected.length}, duplicates ${reply.duplicates}` +
        (problems.length > 0 ? `; ${problems.join('; ')}` : ''),
      target: '0 lost',
      pass: reply.lost.length === 0 && reply.unexpected.length === 0,
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
  for (const lost of reply.lost.slice(0, 3)) notes.push(`lost: ${lost}`);
  for (const unexpected of reply.unexpected.slice(0, 3)) notes.push(`unexpected delivery: ${unexpected}`);
  for (const error of reply.errors.slice(0, 3)) notes.push(`pipeline error: ${error}`);
  return { rows, notes };
}
