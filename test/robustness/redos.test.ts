/**
 * Every regular expression in the code that runs in Lambda or locally (shared/, functions/, local/)
 * is checked for super-linear backtracking with recheck, read from the source itself
 * (./regex-sources.ts): a pattern added tomorrow is checked tomorrow. A vulnerable pattern fails the
 * test unless the allow-list below says why it cannot be attacked: it never sees untrusted input, or
 * it only ever runs on input of a stated, small bound.
 *
 * recheck's verdicts come from step counts, not from how long matching took (every time limit but an
 * overall safety net is off): the same source gets the same verdict on a loaded machine. Its native
 * backend (an optional dependency, used when installed) checks the source in tens of seconds; the
 * pure JavaScript backend it falls back to takes a few times longer. Hence a file of its own.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { check, type Diagnostics } from 'recheck';
import { REPO_ROOT } from '../helpers/paths.js';
import { type RegexSource, regexSources, sourceFiles } from './regex-sources.js';

const CHECKED_DIRECTORIES = ['shared', 'functions', 'local', 'cli'];

/**
 * Fewer patterns than this means the collector stopped finding them (a moved directory, a parser
 * change), not that the code lost two thirds of its regular expressions.
 */
const MIN_PATTERNS_FOUND = 200;
const MIN_PATTERNS_CHECKED = 150;

interface Allowed {
  readonly file: string;
  readonly source: string;
  /** Why no attacker can reach it with a long input: who writes its input, or the bound on it. */
  readonly reason: string;
}

const ALLOWED: readonly Allowed[] = [
  {
    file: 'shared/enrich/subject-phrases.ts',
    source: String.raw`\([^)]*\)`,
    reason:
      'runs on IPTC Media Topic labels when scripts/pack-enrich-data.ts builds the phrase list; articles never reach it',
  },
  {
    file: 'shared/partners/registry.ts',
    source: String.raw`^[^\s@]+@[^\s@]+\.[^\s@]+$`,
    reason: "runs on email addresses in the operator's own partner configuration, never on publisher input",
  },
  {
    file: 'local/fault-injection.ts',
    source: String.raw`^([a-z0-9-]+):([A-Za-z][A-Za-z0-9]*|\*)=([0-9]*\.?[0-9]+)(%?)(?::([a-z]+))?$`,
    reason: 'runs on the fault specification a developer gives the local runtime, never on publisher input',
  },
  {
    file: 'shared/normaliser/detect.ts',
    source: String.raw`^\s*[-*+]\s+\S`,
    reason: 'bounded: runs on the first 4,096 characters of the text only (detectFormat)',
  },
  {
    file: 'shared/normaliser/detect.ts',
    source: String.raw`\[[^\]]+\]\([^)]+\)`,
    reason: 'bounded: runs on the first 4,096 characters of the text only (detectFormat)',
  },
  {
    file: 'shared/normaliser/parsers/nitf.ts',
    source: String.raw`^(?:https?:\/\/(?:www\.)?(?:iptc|nitf)\.org\/[\w./-]*\/)?(?:[\w.-]+\/)*nitf[\w.-]*\.dtd$`,
    reason: 'bounded: runs on DOCTYPEs of at most 300 characters (MAX_DOCTYPE_CHARS in isNitfDtdReference)',
  },
  // text.ts reads lines and paragraphs through squash(), which leaves no run of two whitespace
  // characters: every attack recheck finds on these needs a long run of them.
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`\s*(?:,|\band\b|&)\s*`,
    reason: 'its input has passed squash() (no two whitespace characters in a row)',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`\s*=$`,
    reason: 'its input has passed squash() (no two whitespace characters in a row)',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`^\(?\s*(?:reporting|reported|writing|written)\s+by\s+([^;()]+?)\s*(?:;.*)?\)?\.?$`,
    reason: 'its input has passed squash() (no two whitespace characters in a row)',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`^(.{2,90}?)(?:\s+[—–]\s*|[—–]\s+|\s+(?:--?|_)\s+)(?=\S)`,
    reason:
      'anchored, at most 90 characters before the dash, on paragraphs that have passed squash() (no two whitespace characters in a row)',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`^(.+?)(?:\s*,\s*|\s*\/\s*|\s+\()([^,()/]+?)\)?$`,
    reason: 'bounded: bylineOf refuses lines over 120 characters before this runs',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`^(.*?)\s*\(([^()]{1,40})\)$`,
    reason: 'bounded: runs on the place of a dateline, at most 90 characters (DATELINE)',
  },
  {
    file: 'shared/normaliser/parsers/text.ts',
    source: String.raw`\s*,\s*`,
    reason: 'bounded: runs on the place of a dateline, at most 90 characters (DATELINE)',
  },
];

/** Step limits only: a verdict must not depend on how busy the machine is. */
const CHECK_PARAMETERS = {
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null,
  // A safety net for a pattern the checker cannot finish: reported as `unknown`, which fails.
  timeout: 120_000,
} as const;

const fileOf = (pattern: RegexSource) => pattern.where.slice(0, pattern.where.lastIndexOf(':'));
const allowedFor = (pattern: RegexSource) =>
  ALLOWED.find((entry) => entry.file === fileOf(pattern) && entry.source === pattern.source);

function describeVerdict(pattern: RegexSource, verdict: Diagnostics): string {
  const where = `${pattern.where} /${pattern.source}/${pattern.flags}`;
  if (verdict.status === 'vulnerable')
    return `${where}: ${verdict.complexity.summary}, e.g. ${verdict.attack.pattern}`;
  if (verdict.status === 'unknown') return `${where}: not decided (${JSON.stringify(verdict.error)})`;
  return where;
}

describe('regular expressions in the source are linear on hostile input (recheck)', () => {
  const files = CHECKED_DIRECTORIES.flatMap((directory) => sourceFiles(join(REPO_ROOT, directory)));
  const patterns = regexSources(REPO_ROOT, files);

  test('the collector reads every pattern of the source, and the allow-list names only existing ones', () => {
    const unreadable = patterns.filter((pattern) => pattern.source === undefined);
    assert.deepEqual(
      unreadable.map((pattern) => `${pattern.where}: ${pattern.code}`),
      [],
      'patterns built at run time cannot be checked: build them from constants of the file',
    );
    assert.ok(
      patterns.length >= MIN_PATTERNS_FOUND,
      `only ${patterns.length} patterns found in ${files.length} files`,
    );
    const stale = ALLOWED.filter(
      (entry) =>
        !patterns.some((pattern) => fileOf(pattern) === entry.file && pattern.source === entry.source),
    );
    assert.deepEqual(stale, [], 'allow-list entries whose pattern is gone: remove them');
  });

  test('no pattern is vulnerable unless the allow-list says why it cannot be attacked', async (t) => {
    const unique = new Map<string, RegexSource>();
    for (const pattern of patterns) {
      if (pattern.source === undefined || allowedFor(pattern)) continue;
      unique.set(`${pattern.flags}/${pattern.source}`, pattern);
    }
    const problems: string[] = [];
    for (const pattern of unique.values()) {
      const verdict = await check(pattern.source as string, pattern.flags, CHECK_PARAMETERS);
      if (verdict.status !== 'safe') problems.push(describeVerdict(pattern, verdict));
    }
    t.diagnostic(
      `${unique.size} distinct patterns checked (${patterns.length} in ${files.length} files, ${ALLOWED.length} allowed)`,
    );
    assert.ok(unique.size >= MIN_PATTERNS_CHECKED, `only ${unique.size} patterns checked`);
    assert.deepEqual(problems, []);
  });
});
