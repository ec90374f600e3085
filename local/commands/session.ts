/** The local pipeline as the CLI's commands start it (start, run, invoke). */
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import { warn } from '../cli-support.js';
import { JourneyTracker, type Outcome } from '../journeys.js';
import { LocalPipeline } from '../pipeline.js';

export async function startPipeline(): Promise<{ pipeline: LocalPipeline; tracker: JourneyTracker }> {
  // Locally an https partner may be a receiver on 127.0.0.1 (synth stays strict: https only).
  const partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: true });
  const pipeline = await LocalPipeline.start(partners);
  pipeline.on('error', (error) => warn(`local runtime: ${(error as Error).message ?? String(error)}`));
  return { pipeline, tracker: new JourneyTracker(pipeline) };
}

/** The lines `npm start` prints for one processed object. */
export function describeOutcome(outcome: Outcome): string {
  const { key, status, uri, version, deliveries } = outcome;
  const reached = Object.entries(deliveries).filter(([, count]) => count > 0);
  const missed = Object.entries(deliveries).filter(([, count]) => count === 0);
  const to = reached.map(([partner, count]) => `${partner} (${count})`).join(', ');
  switch (status) {
    case 'rejected':
    case 'failed':
    case 'unknown':
      return `${key} → ${status.toUpperCase()}${outcome.code ? ` ${outcome.code}` : ''}: ${outcome.reason}`;
    case 'unchanged':
      return `${key} → ${uri} v${version} unchanged (same content as the current version; nothing sent)`;
    case 'withdrawn':
      return `${key} → ${uri} v${version} withdrawn\n    withdrawal sent to: ${to || 'no partner (none had received it)'}`;
    case 'withheld':
      return `${key} → ${uri} v${version} withheld (embargoed: it is published at its embargo time)`;
    default: {
      const lines = [`${key} → ${uri} v${version} ${status}`, `    delivered to: ${to || 'no partner'}`];
      if (missed.length > 0) lines.push(`    filtered out: ${missed.map(([partner]) => partner).join(', ')}`);
      return lines.join('\n');
    }
  }
}
