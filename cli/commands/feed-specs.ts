/**
 * How `syndicate feed` and `syndicate partners rotate-key` are called: their usage, options and the
 * module that runs them (imported only when they run, like every command's code).
 */
import type { Parsed } from '../support.js';

const TARGET = {
  stack: { type: 'string', help: 'act on this deployed stack instead of the local runtime' },
  profile: { type: 'string', help: 'AWS profile for --stack' },
  region: { type: 'string', help: 'AWS region for --stack' },
} as const;

export const FEED_COMMAND = {
  name: 'feed',
  usage: 'PARTNER [--format atom|json] [--since CURSOR | --page CURSOR] [--key KEY]',
  summary: "a partner's pull feed, as GET /feeds/PARTNER.atom|.json answers it",
  options: {
    format: { type: 'string', default: 'atom', help: 'atom (default) or json' },
    since: {
      type: 'string',
      help: 'every entry after CURSOR (a cursor from the feed, or a date-time), oldest first',
    },
    page: { type: 'string', help: 'newest first, continuing below CURSOR (a next link)' },
    key: {
      type: 'string',
      help: "send the partner's API key (default: $SYNDICATE_FEED_KEY; none: read as the operator)",
    },
    headers: { type: 'boolean', help: 'print the status and headers to stderr' },
    ...TARGET,
  },
  positionals: { min: 1, max: 1 },
  operator: true,
  run: async (parsed: Parsed) => (await import('./feed.js')).commandFeed(parsed),
} as const;

export const ROTATE_KEY_COMMAND = {
  name: 'partners rotate-key',
  usage: 'PARTNER [--grace-hours N]',
  summary: 'issue PARTNER a new feed API key (printed once; only its digest is stored)',
  options: {
    'grace-hours': {
      type: 'string',
      default: '24',
      help: 'hours the replaced key keeps working (default: 24; 0 revokes it at once)',
    },
    ...TARGET,
  },
  positionals: { min: 1, max: 1 },
  operator: true,
  run: async (parsed: Parsed) => (await import('./feed.js')).commandRotateKey(parsed),
} as const;
