/**
 * `syndicate` — the local runtime's command line. This module only parses arguments and prints help
 * and errors; each command's code (and the AWS SDK, the emulators, the normalisers behind it) is
 * imported when that command runs, so `syndicate --help` or a usage mistake loads almost nothing.
 *
 * Every user mistake is one line on stderr, `syndicate: <what> (<hint>)`, and a non-zero exit (2 for
 * a usage mistake, 1 when some input could not be processed); `--debug` adds the stack trace.
 */
import { parseArgs } from 'node:util';
import { FEED_COMMAND, ROTATE_KEY_COMMAND } from './commands/feed-specs.js';
import { CliError, fileProblem, type Parsed, say, warn } from './support.js';

type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  multiple?: boolean;
};

interface Command {
  readonly name: string;
  /** The arguments after the command's name, as the usage line shows them. */
  readonly usage: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec & { readonly help: string }>>;
  /** Positional arguments: at least `min`, at most `max` (undefined: any number). */
  readonly positionals: { readonly min: number; readonly max?: number };
  readonly operator?: boolean;
  readonly run: (parsed: Parsed) => Promise<number>;
}

/** Where operator commands act (./targets.ts). */
const TARGET_OPTIONS = {
  stack: { type: 'string', help: 'act on this deployed stack instead of the local runtime' },
  profile: { type: 'string', help: 'AWS profile for --stack' },
  region: { type: 'string', help: 'AWS region for --stack' },
} as const;

const KEY_OPTIONS = {
  root: {
    type: 'string',
    help: 'key files by their path under DIR, whose first folder names the source (default: the current folder)',
  },
  source: { type: 'string', help: 'key files as NAME/<file name> (source NAME) instead' },
} as const;

const COMMANDS: readonly Command[] = [
  {
    name: 'start',
    usage: '[--articles DIR] [--drop DIR] [--once] [--relay PARTNER=URL]',
    summary: 'the whole pipeline on local emulators: ingest the samples, then watch drop/',
    options: {
      articles: { type: 'string', help: 'sample articles to ingest first (default: events/articles)' },
      drop: { type: 'string', help: "folder to watch (default: the project's drop/)" },
      once: { type: 'boolean', help: 'ingest the samples and the drop folder, then exit' },
      relay: {
        type: 'string',
        help: "post an HTTPS partner's notifications to a receiver on this machine (e.g. breaking-alerts=http://127.0.0.1:8443/sns)",
      },
    },
    positionals: { min: 0, max: 0 },
    run: async (parsed) => (await import('./commands/start.js')).commandStart(parsed),
  },
  {
    name: 'run',
    usage: 'FILE|FOLDER... [--root DIR | --source NAME]',
    summary:
      'files (a folder: its first level names the source) through a fresh local pipeline; journeys and receipts as JSON',
    options: KEY_OPTIONS,
    positionals: { min: 1 },
    run: async (parsed) => (await import('./commands/run.js')).commandRun(parsed),
  },
  {
    name: 'normalise',
    usage: 'FILE... [--format F] [--out DIR] [--explain] [--root DIR | --source NAME]',
    summary: 'the ninjs 3.2 document each file becomes (no emulators)',
    options: {
      format: { type: 'string', help: 'read every file as this format instead of detecting it' },
      out: { type: 'string', help: 'write <key>.json files into DIR instead of printing' },
      explain: { type: 'boolean', help: 'add how each heuristic value was decided' },
      ...KEY_OPTIONS,
    },
    positionals: { min: 1 },
    run: async (parsed) => (await import('./commands/normalise.js')).commandNormalise(parsed),
  },
  {
    name: 'invoke',
    usage: 'normalise|publish EVENT.json',
    summary: 'run one handler on an event of its shape (samples in events/)',
    options: {},
    positionals: { min: 2, max: 2 },
    run: async (parsed) => (await import('./commands/invoke.js')).commandInvoke(parsed),
  },
  {
    name: 'partners list',
    usage: '',
    summary: 'partners: delivery, filters, payload, SNS filter policy',
    options: {},
    positionals: { min: 0, max: 0 },
    run: async () => (await import('./commands/partners.js')).commandPartnersList(),
  },
  {
    name: 'partners preview',
    usage: 'PARTNER FILE [--event TYPE] [--root DIR | --source NAME]',
    summary: 'would PARTNER receive FILE, by which rule, as which message',
    options: {
      event: {
        type: 'string',
        default: 'article.published',
        help: 'event type (default: article.published)',
      },
      ...KEY_OPTIONS,
    },
    positionals: { min: 2, max: 2 },
    run: async (parsed) => (await import('./commands/partners.js')).commandPartnersPreview(parsed),
  },
  ROTATE_KEY_COMMAND,
  {
    name: 'status',
    usage: '[--json] [--since TIME]',
    summary: 'counts, queue and dead-letter depths, latest rejections, per-partner deliveries',
    options: {
      json: { type: 'boolean', help: 'print JSON' },
      since: {
        type: 'string',
        help: 'with --stack: per-partner figures since TIME (date-time or 6h, 7d; default: 24h)',
      },
      ...TARGET_OPTIONS,
    },
    positionals: { min: 0, max: 0 },
    operator: true,
    run: async (parsed) => (await import('./operator-commands.js')).commandStatus(parsed),
  },
  {
    name: 'ingest',
    usage: 'FILE|FOLDER... [--source NAME]',
    summary: 'upload files to the ingest bucket (a folder: keyed by its paths)',
    options: {
      source: { type: 'string', help: 'put every file under NAME/ (source NAME)' },
      concurrency: { type: 'string', default: '8', help: 'uploads at a time (default: 8)' },
      ...TARGET_OPTIONS,
    },
    positionals: { min: 1 },
    operator: true,
    run: async (parsed) => (await import('./operator-commands.js')).commandIngest(parsed),
  },
  {
    name: 'rejects',
    usage: '[--limit N] [--json]',
    summary: 'rejected files, newest first, with code and reason',
    options: {
      limit: { type: 'string', default: '50', help: 'show at most N (default: 50)' },
      json: { type: 'boolean', help: 'print JSON' },
      ...TARGET_OPTIONS,
    },
    positionals: { min: 0, max: 0 },
    operator: true,
    run: async (parsed) => (await import('./operator-commands.js')).commandRejects(parsed),
  },
  {
    name: 'receipts',
    usage: '--source NAME [--limit N] [--json]',
    summary: "a publisher's receipts, newest first: published (uri, version) or rejected (code, what to fix)",
    options: {
      source: { type: 'string', help: 'the publisher (the first folder of its keys)' },
      limit: { type: 'string', default: '50', help: 'show at most N (default: 50)' },
      json: { type: 'boolean', help: 'print JSON' },
      ...TARGET_OPTIONS,
    },
    positionals: { min: 0, max: 0 },
    operator: true,
    run: async (parsed) => (await import('./commands/receipts.js')).commandReceipts(parsed),
  },
  {
    name: 'redrive',
    usage: '[DLQ...] [--limit N]',
    summary: 'move dead-lettered messages back (all DLQs by default)',
    options: { limit: { type: 'string', help: 'move at most N messages per queue' }, ...TARGET_OPTIONS },
    positionals: { min: 0 },
    operator: true,
    run: async (parsed) => (await import('./operator-commands.js')).commandRedrive(parsed),
  },
  {
    name: 'replay',
    usage: 'URI... | --since TIME [--partner NAME]',
    summary: 'send current versions again (TIME: a date-time, or 1h)',
    options: {
      since: {
        type: 'string',
        help: 'every article changed since TIME: 2026-11-25T09:00Z, or 90m, 1h, 2d ago',
      },
      partner: { type: 'string', help: 'to this partner only' },
      ...TARGET_OPTIONS,
    },
    positionals: { min: 0 },
    operator: true,
    run: async (parsed) => (await import('./operator-commands.js')).commandReplay(parsed),
  },
  FEED_COMMAND,
];

const GLOBAL_OPTIONS = {
  debug: { type: 'boolean', help: 'print the stack trace of an error' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const;

function usageLine(command: Command): string {
  return `syndicate ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
}

function overview(): string {
  const line = (command: Command) => {
    const head = `  ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
    return head.length <= 47
      ? `${head.padEnd(49)}${command.summary}`
      : `${head}\n${' '.repeat(49)}${command.summary}`;
  };
  return [
    'usage: syndicate <command> [options]     (syndicate <command> --help for its options)',
    '',
    ...COMMANDS.filter((command) => !command.operator).map(line),
    '',
    'operator commands: against the running local runtime (npm start, found from any folder of the',
    'project), or a deployed stack with --stack NAME [--profile P] [--region R]:',
    ...COMMANDS.filter((command) => command.operator).map(line),
    '',
    'every command takes --debug (stack traces) and --help',
  ].join('\n');
}

/** What an option's value is called in help, as the usage lines call it. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  articles: 'DIR',
  drop: 'DIR',
  out: 'DIR',
  root: 'DIR',
  source: 'NAME',
  partner: 'NAME',
  stack: 'NAME',
  profile: 'P',
  region: 'R',
  limit: 'N',
  concurrency: 'N',
  format: 'F',
  event: 'TYPE',
  since: 'TIME',
  relay: 'PARTNER=URL',
};

function commandHelp(command: Command): string {
  const options: Record<string, OptionSpec & { readonly help: string }> = {
    ...command.options,
    ...GLOBAL_OPTIONS,
  };
  return [
    `usage: ${usageLine(command)}`,
    '',
    command.summary,
    '',
    'options:',
    ...Object.entries(options).map(([name, spec]) => {
      const flag = `--${name}${spec.type === 'string' ? ` ${PLACEHOLDERS[name] ?? name.toUpperCase()}` : ''}${spec.short ? `, -${spec.short}` : ''}`;
      return `  ${flag.padEnd(22)}${spec.help}`;
    }),
  ].join('\n');
}

/** The command `argv` names, and the arguments after its name. */
function findCommand(argv: readonly string[]): { command?: Command; rest: string[] } {
  const [first, second, ...others] = argv;
  const name = first === 'normalize' ? 'normalise' : first;
  if (name === 'partners') {
    const command = COMMANDS.find((candidate) => candidate.name === `partners ${second}`);
    if (command) return { command, rest: others };
    if (second !== undefined && !second.startsWith('-'))
      throw new CliError(
        `unknown partners command '${second}'`,
        'use syndicate partners list, partners preview or partners rotate-key',
      );
    if (argv.includes('--help') || argv.includes('-h')) {
      say(
        COMMANDS.filter((c) => c.name.startsWith('partners '))
          .map(commandHelp)
          .join('\n\n'),
      );
      return { rest: [] };
    }
    throw new CliError(
      'partners needs a subcommand',
      'syndicate partners list | partners preview PARTNER FILE | partners rotate-key PARTNER',
    );
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  return command ? { command, rest: argv.slice(1) } : { rest: argv.slice(1) };
}

/** node:util's parse errors, as one line that names the command. */
function parseProblem(command: Command, error: unknown): CliError | undefined {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const help = `see syndicate ${command.name} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new CliError(`unknown option '${quoted}' for ${command.name}`, help);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = quoted.split(' ')[0] ?? quoted;
    return /argument missing/.test(message)
      ? new CliError(`${option} needs a value`, help)
      : new CliError(`${option} takes no value`, help);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new CliError(`${command.name} takes no argument '${quoted}'`, help);
  return undefined;
}

function parse(command: Command, args: string[]): Parsed {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  try {
    const { values, positionals } = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([name, { help: _help, ...spec }]) => [name, spec]),
      ),
      allowPositionals: command.positionals.max !== 0,
      strict: true,
    });
    const { min, max } = command.positionals;
    const help = `usage: ${usageLine(command)}`;
    if (positionals.length < min) {
      const missing = command.usage.split(' ')[positionals.length] ?? 'an argument';
      throw new CliError(`${command.name} needs ${missing.replace(/\.\.\.$/, '')}`, help);
    }
    if (max !== undefined && positionals.length > max)
      throw new CliError(
        `${command.name} takes ${max} argument${max === 1 ? '' : 's'}, not ${positionals.length}`,
        help,
      );
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw parseProblem(command, error) ?? error;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    warn(overview());
    return 2;
  }
  const [first] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    const { command } = argv[1] ? findCommand(argv.slice(1)) : {};
    say(command ? commandHelp(command) : overview());
    return 0;
  }
  const { command, rest } = findCommand(argv);
  if (!command) {
    if (first === 'partners') return 0; // `partners --help` printed both subcommands' help
    throw new CliError(`unknown command '${first}'`, 'syndicate --help lists the commands');
  }
  // Help wins over everything else on the line (an unknown option beside it, a missing argument).
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    say(commandHelp(command));
    return 0;
  }
  return command.run(parse(command, rest));
}

/** Errors that are the user's to fix, whatever module threw them, as one line. */
async function explain(error: unknown): Promise<CliError | undefined> {
  if (error instanceof CliError) return error;
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  if (path) {
    const problem = fileProblem(path, error);
    if (problem) return problem;
  }
  // The domain's configuration errors (config/partners.json) are named, not imported here.
  if ((error as Error | undefined)?.name === 'ConfigurationError')
    return new CliError((error as Error).message, 'fix config/partners.json');
  return undefined;
}

// Output piped into a program that stops reading (`| head`) ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
try {
  // --debug may stand anywhere, before the command too.
  process.exitCode = await main(argv.filter((arg) => arg !== '--debug'));
} catch (error) {
  const known = await explain(error);
  if (known) {
    warn(`syndicate: ${known.what} (${known.hint})`);
    if (debug) warn((error as Error).stack ?? String(error));
    process.exitCode = known.exitCode;
  } else {
    const message = (error as Error | undefined)?.message ?? String(error);
    warn(
      `syndicate: ${message.split('\n')[0]} (${debug ? 'stack trace below' : 'run again with --debug for the stack trace'})`,
    );
    if (debug) warn((error as Error).stack ?? String(error));
    process.exitCode = 1;
  }
  // A command that failed while starting the emulators may have left their thread running, which
  // would keep the process alive: the error is reported, so end here (stderr writes are synchronous).
  process.exit(process.exitCode);
}
