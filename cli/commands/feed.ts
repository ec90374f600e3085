/**
 * `syndicate feed PARTNER` and `syndicate partners rotate-key PARTNER`, against the local runtime or a
 * deployed stack (--stack). The feed is answered by the route itself (shared/feeds/route.ts) over the
 * target's table, exactly as the content API answers `GET /feeds/PARTNER.atom|.json`.
 */
import { DynamoDbApiKeyStore } from '../../shared/adapters/dynamodb-api-keys.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3ClaimCheck } from '../../shared/adapters/s3-claim-check.js';
import { rotateApiKey } from '../../shared/feeds/api-keys.js';
import { FEED_SETTLE_MS, LOCAL_FEED_SETTLE_MS } from '../../shared/feeds/entries.js';
import { feedRoute } from '../../shared/feeds/route.js';
import { partnerResourceId } from '../../shared/partners/registry.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import type { Parsed } from '../support.js';
import { CliError, say, warn } from '../support.js';
import { resolveTarget } from '../targets.js';

/** How long the links in a feed (summaries entitled to the full text) last when the CLI makes them. */
const LINK_EXPIRY_SECONDS = 3_600;

function targetOptions(values: Parsed['values']) {
  return {
    ...(typeof values.stack === 'string' ? { stack: values.stack } : {}),
    ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
    ...(typeof values.region === 'string' ? { region: values.region } : {}),
  };
}

function partnerNamed(name: string) {
  const partners = loadPartnerRegistry();
  const partner = partners.find((candidate) => candidate.name === name);
  if (!partner)
    throw new CliError(`no partner '${name}'`, `known: ${partners.map((known) => known.name).join(', ')}`);
  return { partner, partners };
}

export async function commandFeed({ values, positionals }: Parsed): Promise<number> {
  const [name] = positionals as [string];
  const format = String(values.format);
  if (format !== 'atom' && format !== 'json')
    throw new CliError(`--format '${format}' is not a feed format`, 'use --format atom or --format json');
  const { partners } = partnerNamed(name);
  const key = typeof values.key === 'string' ? values.key : process.env.SYNDICATE_FEED_KEY;
  const target = await resolveTarget(targetOptions(values));
  try {
    const route = feedRoute({
      index: new DynamoDbArticleIndex(target.dynamoDb, target.table),
      keys: new DynamoDbApiKeyStore(target.dynamoDb, target.table),
      partners,
      now: Date.now,
      settleMs: values.stack ? FEED_SETTLE_MS : LOCAL_FEED_SETTLE_MS,
      ...(target.contentBucket
        ? { contentStore: new S3ClaimCheck(target.s3, target.contentBucket, LINK_EXPIRY_SECONDS) }
        : {}),
      // Without a key the operator reads any feed: the CLI already holds the table it is read from.
      ...(key ? {} : { trustCaller: true }),
    });
    const response = await route({
      method: 'GET',
      path: `/feeds/${name}.${format}`,
      query: {
        ...(typeof values.since === 'string' ? { since: values.since } : {}),
        ...(typeof values.page === 'string' ? { page: values.page } : {}),
      },
      headers: key ? { authorization: `Bearer ${key}` } : {},
      baseUrl: 'http://127.0.0.1',
    });
    if (values.headers) {
      warn(`HTTP ${response.status}`);
      for (const [header, value] of Object.entries(response.headers)) warn(`${header}: ${value}`);
    }
    const body =
      typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
    if (response.status !== 200) {
      const { title, detail } = JSON.parse(body) as { title?: string; detail?: string };
      throw new CliError(
        `the feed answered ${response.status} ${title ?? ''}`.trim(),
        detail ?? 'see --headers',
        // Refused, not misused: the command line was right.
        1,
      );
    }
    process.stdout.write(body);
    return 0;
  } finally {
    target.close();
  }
}

export async function commandRotateKey({ values, positionals }: Parsed): Promise<number> {
  const [name] = positionals as [string];
  const { partner } = partnerNamed(name);
  const graceText = String(values['grace-hours']);
  const graceHours = Number(graceText);
  if (!/^\d+(\.\d+)?$/.test(graceText.trim()) || !Number.isFinite(graceHours))
    throw new CliError(
      `--grace-hours must be a number of hours, not '${graceText}'`,
      'e.g. --grace-hours 24',
    );
  const target = await resolveTarget(targetOptions(values));
  try {
    const rotation = await rotateApiKey(
      new DynamoDbApiKeyStore(target.dynamoDb, target.table),
      partnerResourceId(partner),
      {
        now: Date.now,
        graceMs: graceHours * 3_600_000,
      },
    );
    say(rotation.key);
    warn(
      `new feed API key for ${partner.name} in ${target.description}: shown once, only its SHA-256 digest is stored`,
    );
    warn(
      rotation.previousValidUntil
        ? `the key it replaces works until ${rotation.previousValidUntil}`
        : 'no earlier key works any more',
    );
    return 0;
  } finally {
    target.close();
  }
}
