/** The local pipeline as the CLI's commands start it (start, run, invoke). */

import { JourneyTracker, type Outcome } from '../../local/journeys.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { isLocalEndpoint } from '../../local/resources.js';
import type { Partner } from '../../shared/partners/registry.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import { DEFAULT_CONTENT_LINK_EXPIRY_SECONDS } from '../../shared/pipeline/description.js';
import { CliError, warn } from '../support.js';

/** An HTTPS partner whose notifications go, locally, to a receiver on this machine instead. */
export interface LocalEndpoint {
  readonly partner: string;
  readonly endpoint: string;
}

/** Parses `PARTNER=URL` (`syndicate start --relay`): an HTTPS partner, and a URL on this machine. */
export function parseLocalEndpoint(text: string, partners: readonly Partner[]): LocalEndpoint {
  const split = text.indexOf('=');
  const partner = text.slice(0, split);
  const endpoint = text.slice(split + 1);
  if (split < 1 || !isLocalEndpoint(endpoint))
    throw new CliError(
      `--relay ${text}: expected PARTNER=URL with a URL on this machine`,
      'e.g. --relay breaking-alerts=http://127.0.0.1:8443/sns',
    );
  const https = partners.filter(({ delivery }) => delivery.type === 'https').map(({ name }) => name);
  if (!https.includes(partner))
    throw new CliError(
      `--relay ${text}: ${partner} is not an HTTPS partner`,
      https.length > 0 ? `HTTPS partners: ${https.join(', ')}` : 'config/partners.json has none',
    );
  return { partner, endpoint };
}

/**
 * Settings of a local pipeline that a deployment chooses too, at the stack's defaults: what the
 * runtime's manifest records.
 */
export const LOCAL_PIPELINE_SETTINGS = {
  contentLinkExpirySeconds: DEFAULT_CONTENT_LINK_EXPIRY_SECONDS,
} as const;

export async function startPipeline(
  options: { relay?: string } = {},
): Promise<{ pipeline: LocalPipeline; tracker: JourneyTracker }> {
  // Locally an https partner may be a receiver on 127.0.0.1 (synth stays strict: https only).
  let partners = loadPartnerRegistry(undefined, { allowLoopbackHttp: true });
  if (options.relay !== undefined) {
    const { partner, endpoint } = parseLocalEndpoint(options.relay, partners);
    partners = partners.map((candidate) =>
      candidate.name === partner
        ? { ...candidate, delivery: { type: 'https' as const, endpoint } }
        : candidate,
    );
  }
  const pipeline = await LocalPipeline.start(partners, {
    linkExpirySeconds: LOCAL_PIPELINE_SETTINGS.contentLinkExpirySeconds,
  });
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
