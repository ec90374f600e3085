/**
 * The content API Lambda function: its settings read and checked all at once at cold start, its AWS
 * clients created, and the API Gateway event (payload format 2.0) answered by the content API
 * (signed documents read through the index, partner feeds). Read-only on the table and the index
 * documents.
 *
 * The partners whose feeds it serves are in FEED_PARTNERS_FILE beside this module in the deployed
 * bundle (infra/constructs/content-api.ts writes it): read here, at cold start, so that a missing or
 * damaged file fails the first call with its reason rather than a feed request later.
 */
import { readFileSync } from 'node:fs';
import { FEED_PARTNERS_FILE, parseFeedPartners } from '../shared/feeds/feed-partners.js';
import { contentApi } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { awsDependencies } from './aws/content-api.js';

export const handler = awsDependencies(
  loadSettings(contentApi.settings, process.env),
  parseFeedPartners(readFileSync(new URL(`./${FEED_PARTNERS_FILE}`, import.meta.url), 'utf8')),
);
