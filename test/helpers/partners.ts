/**
 * The partner registry most pipeline tests publish to: one partner takes everything, one English
 * politics and conflict (Media Topics 11000000 and 16000000), one sport (15000000). Between them
 * the sample wire story (politics and conflict, English) and the sample sports story each reach
 * two of the three, so a test sees both a match and a miss. A test that needs another partner
 * passes it, in the registry file's shape.
 */
import type { Partner } from '../../shared/partners/registry.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';

export const THREE_PARTNERS = [
  { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
  {
    name: 'politics-en',
    delivery: { type: 'sqs' },
    filters: { subjects: ['medtop:11000000', 'medtop:16000000'], languages: ['en'] },
  },
  { name: 'sport-only', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
] as const;

/** The three partners, then `more`, validated as the registry file is. */
export function threePartnerRegistry(...more: readonly object[]): Partner[] {
  return parsePartnerRegistry({ partners: [...THREE_PARTNERS, ...more] });
}
