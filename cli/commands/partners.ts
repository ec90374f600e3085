/** `syndicate partners list` and `partners preview PARTNER FILE`. */
import { InMemoryContentStore } from '../../shared/adapters/in-memory-content-store.js';
import { EVENT_TYPES, type EventType } from '../../shared/domain/message.js';
import { previewDelivery } from '../../shared/partners/preview.js';
import { type Partner, subscriptionFilterPolicyFor } from '../../shared/partners/registry.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import type { Parsed } from '../support.js';
import { CliError, objectKeyFor, readInput, say, warn } from '../support.js';
import { dryRunIngest } from './dry-run.js';

/** How a partner's delivery and filters read in `partners list`. */
function describePartner(partner: Partner): string[] {
  const { delivery, filters } = partner;
  const where =
    delivery.type === 'sqs'
      ? delivery.queueArn
        ? `their queue ${delivery.queueArn}`
        : `a queue we create${delivery.accountId ? `, readable by account ${delivery.accountId}` : ''}`
      : delivery.type === 'https'
        ? `HTTPS POST to ${delivery.endpoint}`
        : delivery.type === 'email'
          ? `email to ${delivery.address}`
          : `Lambda ${delivery.functionArn}`;
  const wants = [
    filters.subjects ? `subjects ${filters.subjects.join(' | ')} (and their sub-topics)` : undefined,
    filters.languages ? `languages ${filters.languages.join(' | ')}` : undefined,
    filters.sources ? `sources ${filters.sources.join(' | ')}` : undefined,
    filters.minUrgency !== undefined ? `urgency ${filters.minUrgency} or more urgent (1 = most)` : undefined,
    filters.eventTypes ? `events ${filters.eventTypes.join(' | ')}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return [
    `${partner.name} (${delivery.type})${partner.description ? ` — ${partner.description}` : ''}`,
    `    delivery: ${where}`,
    `    payload: ${partner.payload === 'full' ? 'full ninjs document (a link instead when over 256 KiB)' : partner.fullTextLink ? 'summary and a link to the full document (fullTextLink)' : 'summary only: no bodies, no link to the full text'}`,
    `    filters: ${wants.length > 0 ? wants.join('; ') : 'none (every article)'}`,
    `    SNS filter policy: ${JSON.stringify(subscriptionFilterPolicyFor(partner))}`,
  ];
}

export async function commandPartnersList(): Promise<number> {
  for (const partner of loadPartnerRegistry()) for (const line of describePartner(partner)) say(line);
  return 0;
}

export async function commandPartnersPreview({ values, positionals }: Parsed): Promise<number> {
  const [name, file] = positionals as [string, string];
  const partners = loadPartnerRegistry();
  const partner = partners.find((candidate) => candidate.name === name);
  if (!partner)
    throw new CliError(`no partner '${name}'`, `known: ${partners.map((known) => known.name).join(', ')}`);
  const eventType = values.event as EventType;
  if (!EVENT_TYPES.includes(eventType))
    throw new CliError(`--event '${eventType}' is not an event type`, `use one of ${EVENT_TYPES.join(', ')}`);
  // Keyed like a drop (its first folder, or --source, names the source) so that source filters apply.
  const key = objectKeyFor(file, {
    ...(typeof values.root === 'string' ? { root: values.root } : {}),
    ...(typeof values.source === 'string' ? { source: values.source } : {}),
  });
  const result = await dryRunIngest(key, await readInput(file));
  if ('rejected' in result) {
    warn(
      `${file}: rejected (${result.rejected.code}): ${result.rejected.reason}; no partner would receive it`,
    );
    return 1;
  }
  const { head, stored } = result;
  const preview = await previewDelivery(
    partner,
    partners,
    head,
    stored.ninjs,
    eventType,
    new InMemoryContentStore(),
  );
  say(
    `${partner.name} ${preview.receives ? 'WOULD RECEIVE' : 'would NOT receive'} ${key} (${head.uri} v${head.version}) as ${eventType}`,
  );
  for (const reason of preview.reasons) say(`    ${reason}`);
  const attributes = Object.entries(preview.message.attributes).map(([attribute, { value }]) => [
    attribute,
    value,
  ]);
  say(`message attributes: ${JSON.stringify(Object.fromEntries(attributes))}`);
  if (preview.envelope.link)
    say('(link: in AWS a pre-signed URL to the content bucket; here an in-memory placeholder)');
  say(`message (${Buffer.byteLength(preview.message.body)} bytes):`);
  say(JSON.stringify(preview.envelope, null, 2));
  return preview.receives ? 0 : 1;
}
