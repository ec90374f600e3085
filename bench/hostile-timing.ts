/**
 * How long the normaliser takes on each hostile input of test/robustness/hostile-timing-cases.ts and
 * on the legitimate input just under each limit, with the outcome. Each case runs in a child process
 * with a time limit, so an exponential case is reported as such instead of hanging the script.
 *
 *   node --import tsx bench/hostile-timing.ts [--limit-seconds 60] [--only NAME,NAME]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RejectedInputError } from '../shared/domain/errors.js';
import { detectFormat } from '../shared/normaliser/detect.js';
import { normaliseObject } from '../shared/normaliser/normalise.js';
import {
  cmsJson,
  flatParagraphs,
  markdownWithRawHtml,
  nestedDivs,
  newsmlWithInlineHtml,
  ninjsWithHtmlSummary,
  nitfWithBody,
  tomlFrontMatter,
  unclosedDoctype,
  yamlFrontMatter,
} from '../test/robustness/hostile-timing-cases.js';

interface TimingCase {
  readonly key: string;
  readonly text: () => string;
  /** Format detection alone rather than the whole normaliser. */
  readonly detectOnly?: boolean;
}

const CASES: Record<string, TimingCase> = {
  'doctype-16': { key: 'd.xml', text: () => unclosedDoctype(16), detectOnly: true },
  'doctype-18': { key: 'd.xml', text: () => unclosedDoctype(18), detectOnly: true },
  'doctype-20': { key: 'd.xml', text: () => unclosedDoctype(20), detectOnly: true },
  'doctype-22': { key: 'd.xml', text: () => unclosedDoctype(22), detectOnly: true },
  'doctype-22-normalise': { key: 'd.xml', text: () => unclosedDoctype(22) },
  'yaml-40k-keys': { key: 'a.md', text: () => yamlFrontMatter(40_000) },
  'yaml-10k-keys': { key: 'a.md', text: () => yamlFrontMatter(10_000) },
  'yaml-1k-keys': { key: 'a.md', text: () => yamlFrontMatter(1_000) },
  'toml-40k-keys': { key: 'a.md', text: () => tomlFrontMatter(40_000) },
  'json-100k-divs': { key: 'a.json', text: () => cmsJson(nestedDivs(100_000)) },
  'json-summary-100k-divs': { key: 'a.json', text: () => ninjsWithHtmlSummary(nestedDivs(100_000)) },
  'json-60-divs': { key: 'a.json', text: () => cmsJson(nestedDivs(60)) },
  'json-19k-paragraphs': { key: 'a.json', text: () => cmsJson(flatParagraphs(19_000)) },
  'markdown-100k-divs': { key: 'a.md', text: () => markdownWithRawHtml(nestedDivs(100_000)) },
  'nitf-100k-divs': { key: 'a.xml', text: () => nitfWithBody(nestedDivs(100_000)) },
  'newsml-inline-100k-divs': { key: 'a.xml', text: () => newsmlWithInlineHtml(nestedDivs(100_000)) },
  'newsml-plain-100k-divs': {
    key: 'a.xml',
    text: () => newsmlWithInlineHtml(nestedDivs(100_000), 'text/plain'),
  },
};

async function runOne(name: string): Promise<string> {
  const entry = CASES[name];
  if (!entry) throw new Error(`no case ${name}`);
  const text = entry.text();
  const bytes = Buffer.byteLength(text);
  const started = process.hrtime.bigint();
  let outcome: string;
  if (entry.detectOnly) {
    outcome = `detected ${detectFormat(text, { key: entry.key })}`;
  } else {
    try {
      const article = await normaliseObject({ key: entry.key, bytes: Buffer.from(text) });
      outcome = `accepted (${article.ninjs.bodies?.[0]?.value.length ?? 0} chars of HTML)`;
    } catch (error) {
      if (!(error instanceof RejectedInputError)) throw error;
      outcome = `rejected ${error.code}: ${error.message.slice(0, 100)}`;
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return `${name.padEnd(26)} ${String(bytes).padStart(9)} B ${ms.toFixed(1).padStart(9)} ms  ${outcome}`;
}

const { values } = parseArgs({
  options: {
    case: { type: 'string' },
    only: { type: 'string' },
    'limit-seconds': { type: 'string', default: '60' },
  },
});

if (values.case) {
  console.log(await runOne(values.case));
} else {
  const names = values.only ? values.only.split(',') : Object.keys(CASES);
  const limitMs = Number(values['limit-seconds']) * 1000;
  for (const name of names) {
    try {
      const line = execFileSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name],
        { timeout: limitMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      process.stdout.write(line);
    } catch (error) {
      const timedOut = (error as { signal?: string }).signal === 'SIGTERM';
      console.log(`${name.padEnd(26)} ${timedOut ? `did not finish in ${limitMs / 1000} s` : String(error)}`);
    }
  }
}
