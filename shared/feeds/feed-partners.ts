/**
 * The part of the partner registry the pull feeds read (who may read which feed, and what it
 * admits), as a document of its own: the content API function reads it from a file shipped in its
 * bundle, because Lambda's 4 KB of environment variables cannot hold thousands of partners. Nothing
 * else of a partner goes there — endpoints and e-mail addresses are not the function's business.
 */
import { ConfigurationError } from '../domain/errors.js';
import { PAYLOADS } from '../domain/message.js';
import type { DeliveryType, Partner } from '../partners/registry.js';
import { DELIVERY_TYPES } from '../partners/registry.js';

/** The file, next to the function's `index.mjs`, that holds the document. */
export const FEED_PARTNERS_FILE = 'feed-partners.json';

/** A partner as the feeds see it: any registry `Partner` is one. */
export type FeedPartner = Pick<
  Partner,
  'id' | 'name' | 'description' | 'filters' | 'payload' | 'fullTextLink'
> & {
  /** Only the delivery type and, for SQS and Lambda partners, the account that may read over IAM. */
  readonly delivery: { readonly type: DeliveryType; readonly accountId?: string };
};

/** The document of `partners` (already validated by parsePartnerRegistry), as JSON text. */
export function feedPartnersDocument(partners: readonly Partner[]): string {
  const entries: FeedPartner[] = partners.map((partner) => ({
    ...(partner.id !== undefined ? { id: partner.id } : {}),
    name: partner.name,
    ...(partner.description !== undefined ? { description: partner.description } : {}),
    filters: partner.filters,
    payload: partner.payload,
    ...(partner.fullTextLink !== undefined ? { fullTextLink: partner.fullTextLink } : {}),
    delivery: {
      type: partner.delivery.type,
      ...(partner.delivery.type === 'sqs' || partner.delivery.type === 'lambda'
        ? partner.delivery.accountId !== undefined
          ? { accountId: partner.delivery.accountId }
          : {}
        : {}),
    },
  }));
  return JSON.stringify({ partners: entries });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a document feedPartnersDocument wrote. Its entries were validated when the stack was
 * synthesised; this checks the shape, so that a damaged file fails the cold start with every problem
 * named instead of failing one request later.
 */
export function parseFeedPartners(text: string): FeedPartner[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${FEED_PARTNERS_FILE} is not JSON: ${(error as Error).message}`);
  }
  const list = isRecord(document) ? document.partners : undefined;
  if (!Array.isArray(list))
    throw new ConfigurationError(`${FEED_PARTNERS_FILE}: "partners" must be an array`);
  const problems: string[] = [];
  for (const [position, entry] of list.entries()) {
    const where = `partners[${position}]`;
    if (!isRecord(entry)) {
      problems.push(`${where} is not an object`);
      continue;
    }
    if (typeof entry.name !== 'string') problems.push(`${where}.name is not a string`);
    if (entry.id !== undefined && typeof entry.id !== 'string') problems.push(`${where}.id is not a string`);
    if (!isRecord(entry.filters)) problems.push(`${where}.filters is not an object`);
    if (!PAYLOADS.includes(entry.payload as never))
      problems.push(`${where}.payload is not one of ${PAYLOADS.join(', ')}`);
    const delivery = entry.delivery;
    if (!isRecord(delivery) || !DELIVERY_TYPES.includes(delivery.type as never))
      problems.push(`${where}.delivery.type is not one of ${DELIVERY_TYPES.join(', ')}`);
    else if (delivery.accountId !== undefined && !/^\d{12}$/.test(String(delivery.accountId)))
      problems.push(`${where}.delivery.accountId is not a 12-digit account id`);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`${FEED_PARTNERS_FILE} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return list as FeedPartner[];
}
