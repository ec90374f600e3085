/**
 * Generates a partner registry of any size, deterministically (the same count gives the same file),
 * for trying the stack and the local runtime at scale without editing config/partners.json:
 *
 *   npx tsx scripts/partner-registry-generator.ts 1000 > partners-1000.json
 *   npx cdk synth -c partnersFile=partners-1000.json
 *
 * Every delivery type appears (our queue, a partner's own queue, HTTPS, email, Lambda), both payload
 * variants, and filters on subjects, languages, sources, urgency and event types in varying mixes.
 */
import { pathToFileURL } from 'node:url';

/** Top-level IPTC Media Topics (live codes), which partners commonly filter on. */
const SUBJECTS = [
  'medtop:01000000',
  'medtop:02000000',
  'medtop:03000000',
  'medtop:04000000',
  'medtop:05000000',
  'medtop:06000000',
  'medtop:07000000',
  'medtop:08000000',
  'medtop:09000000',
  'medtop:10000000',
  'medtop:11000000',
  'medtop:12000000',
  'medtop:13000000',
  'medtop:14000000',
  'medtop:15000000',
  'medtop:16000000',
  'medtop:17000000',
];
const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'];
const SOURCES = ['wire', 'sportswire', 'reuters', 'blog', 'regional'];
const EVENT_TYPE_CHOICES = [
  ['article.published'],
  ['article.published', 'article.updated'],
  ['article.published', 'article.updated', 'article.replayed'],
];

export interface GeneratedPartner {
  readonly id?: string;
  readonly name: string;
  readonly delivery: Record<string, string>;
  readonly filters: Record<string, unknown>;
  readonly payload: 'full' | 'summary';
}

/** `n` picks from a list starting at `start`, wrapping around. */
function pick<T>(list: readonly T[], start: number, n: number): T[] {
  return Array.from({ length: n }, (_, offset) => list[(start + offset) % list.length] as T);
}

function account(index: number): string {
  return String(100_000_000_000 + index);
}

/** Partner number `index` (0-based): its delivery cycles through the types, its filters vary. */
export function generatedPartner(index: number): GeneratedPartner {
  const number = String(index + 1).padStart(4, '0');
  const name = `partner-${number}`;
  let delivery: Record<string, string>;
  switch (index % 10) {
    case 5:
      delivery = {
        type: 'sqs',
        queueArn: `arn:aws:sqs:eu-west-1:${account(index)}:syndication-in-${number}`,
      };
      break;
    case 6:
    case 7:
      delivery = { type: 'https', endpoint: `https://hooks.partner-${number}.example/sns` };
      break;
    case 8:
      delivery = { type: 'email', address: `desk@partner-${number}.example` };
      break;
    case 9:
      delivery = {
        type: 'lambda',
        functionArn: `arn:aws:lambda:eu-west-1:${account(index)}:function:syndication-in-${number}`,
      };
      break;
    default:
      delivery = index % 4 === 0 ? { type: 'sqs', accountId: account(index) } : { type: 'sqs' };
  }
  // At most four filters, each with few values: within SNS's 5 keys and 150 combinations with the
  // payload key some subscriptions add.
  const filters: Record<string, unknown> = {};
  if (index % 7 !== 0) filters.subjects = pick(SUBJECTS, index, 1 + (index % 3));
  if (index % 3 !== 0) filters.languages = pick(LANGUAGES, index, 1 + (index % 2));
  if (index % 5 === 1) filters.sources = pick(SOURCES, index, 2);
  if (index % 4 === 2) filters.minUrgency = 1 + (index % 9);
  if (index % 6 === 4 && Object.keys(filters).length < 4)
    filters.eventTypes = pick(EVENT_TYPE_CHOICES, index, 1)[0];
  return {
    // Every fifth partner was renamed once: its resources keep the old name as their id.
    ...(index % 5 === 3 ? { id: `renamed-${number}` } : {}),
    name,
    delivery,
    filters,
    payload: index % 3 === 2 ? 'summary' : 'full',
  };
}

/** A registry document of `count` partners. */
export function generatedRegistry(count: number): { partners: GeneratedPartner[] } {
  return { partners: Array.from({ length: count }, (_, index) => generatedPartner(index)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2]);
  if (!Number.isInteger(count) || count < 0) {
    process.stderr.write('usage: npx tsx scripts/partner-registry-generator.ts COUNT > partners.json\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(generatedRegistry(count), null, 2)}\n`);
}
