/**
 * Fault injection for the local runtime: S3, DynamoDB, SNS (and Scheduler) calls made by the
 * production handlers fail, time out or are throttled a given fraction of the time, so that retries,
 * partial batch failures, dead-letter queues and redrive are exercised as AWS exercises them. Nothing
 * under test changes: a middleware is added to the SDK clients a local pipeline built its handlers
 * on (`LocalPipeline.attachFaults`) and removed again by `detach()`. The harness's own clients
 * (uploads, event sources, inboxes) are separate instances and never see a fault.
 *
 * The switch is an environment variable, `SYNDICATE_FAULTS`, read by `faultConfigFromEnvironment`:
 *
 *   SYNDICATE_FAULTS='s3:GetObject=0.2,dynamodb:PutItem=0.1:throttle,sns:PublishBatch=20%,seed=7'
 *
 * Each rule is `service:Operation=rate[:kind]`: the service (`s3`, `dynamodb`, `sns`, `scheduler`),
 * the API operation name (or `*` for all of the service's operations), the fraction of calls (0-1,
 * or a percentage) and what happens:
 * - `fail` (default): the service answers 500 (InternalError);
 * - `throttle`: the service's throttling error (S3 SlowDown, DynamoDB
 *   ProvisionedThroughputExceededException, SNS ThrottledException...);
 * - `timeout`: the request never gets an answer (a socket timeout), nothing happens;
 * - `lost`: the request is carried out, then the answer is lost (a socket timeout) — the caller
 *   cannot tell it from `timeout`, and a retry repeats something that already happened.
 * Rules for the same operation share one random draw: their rates add up (at most 1).
 *
 * Options: `seed=N` fixes the sequence of random draws (the seed used is in `stats()`; concurrent
 * calls may still meet them in another order); `scope=call` (default) fails the call the handler
 * makes, whatever the SDK's own retries would have done; `scope=attempt` fails each HTTP attempt
 * inside the SDK's retry loop instead, as a flaky service does (with the SDK's 3 attempts, a rate r
 * then fails about r³ of the calls).
 *
 * A `lost` DynamoDB write still reaches the emulated stream with either scope: the capture in
 * local/aws-event-bridge.ts reads each HTTP attempt's answer, inside the SDK's retry loop.
 */

export const FAULTS_ENVIRONMENT_VARIABLE = 'SYNDICATE_FAULTS';

export const FAULT_SERVICES = ['s3', 'dynamodb', 'sns', 'scheduler'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export const FAULT_KINDS = ['fail', 'throttle', 'timeout', 'lost'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultScope = 'call' | 'attempt';

export interface FaultRule {
  readonly service: FaultService;
  /** The API operation (`GetObject`, `PutItem`, `PublishBatch`...), or `*` for every operation. */
  readonly operation: string;
  /** Fraction of matching calls that get this fault, 0-1. */
  readonly rate: number;
  readonly kind: FaultKind;
}

export interface FaultConfig {
  readonly rules: readonly FaultRule[];
  readonly seed: number;
  readonly scope: FaultScope;
}

/** A fault specification that cannot be read; the message lists every problem. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const RULE = /^([a-z0-9-]+):([A-Za-z][A-Za-z0-9]*|\*)=([0-9]*\.?[0-9]+)(%?)(?::([a-z]+))?$/;

/** `s3:GetObject=0.2:fail`: how a rule is written, and how it is named in `stats()`. */
export function ruleLabel(rule: FaultRule): string {
  return `${rule.service}:${rule.operation}=${rule.rate}:${rule.kind}`;
}

/**
 * Reads a fault specification (see the module comment). Entries are separated by commas, semicolons
 * or spaces; every problem is reported at once.
 */
export function parseFaultSpec(text: string): FaultConfig {
  const problems: string[] = [];
  const rules: FaultRule[] = [];
  let seed: number | undefined;
  let scope: FaultScope = 'call';
  for (const entry of text.split(/[\s,;]+/).filter(Boolean)) {
    const option = /^(seed|scope)=(.*)$/.exec(entry);
    if (option) {
      const value = option[2] ?? '';
      if (option[1] === 'seed') {
        if (/^\d{1,10}$/.test(value)) seed = Number(value) >>> 0;
        else problems.push(`'${entry}': the seed must be a whole number`);
      } else if (value === 'call' || value === 'attempt') scope = value;
      else problems.push(`'${entry}': scope must be 'call' or 'attempt'`);
      continue;
    }
    const match = RULE.exec(entry);
    if (!match) {
      problems.push(`'${entry}' is not service:Operation=rate[:kind] (e.g. s3:GetObject=0.2:throttle)`);
      continue;
    }
    const [, service = '', operation = '', number = '', percent, kind = 'fail'] = match;
    const rate = Number(number) / (percent ? 100 : 1);
    if (!(FAULT_SERVICES as readonly string[]).includes(service))
      problems.push(`'${entry}': unknown service '${service}' (one of ${FAULT_SERVICES.join(', ')})`);
    if (!(rate >= 0 && rate <= 1))
      problems.push(`'${entry}': the rate must be between 0 and 1 (or 0% and 100%)`);
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      problems.push(`'${entry}': unknown kind '${kind}' (one of ${FAULT_KINDS.join(', ')})`);
    rules.push({ service: service as FaultService, operation, rate, kind: kind as FaultKind });
  }
  // One draw per call: the rates of the rules that can apply to one operation must not exceed 1.
  const operations = new Set(rules.map((rule) => `${rule.service}:${rule.operation}`));
  for (const operation of operations) {
    const [service, name] = operation.split(':');
    const total = rules
      .filter((rule) => rule.service === service && (rule.operation === name || rule.operation === '*'))
      .reduce((sum, rule) => sum + rule.rate, 0);
    if (total > 1 + 1e-9)
      problems.push(`${operation}: the rates of its rules add up to ${total}, more than 1`);
  }
  if (problems.length > 0)
    throw new FaultSpecError(`${FAULTS_ENVIRONMENT_VARIABLE} is invalid:\n  - ${problems.join('\n  - ')}`);
  return { rules, seed: seed ?? Date.now() >>> 0, scope };
}

/** The configuration the environment asks for, or undefined when the switch is off. */
export function faultConfigFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): FaultConfig | undefined {
  const spec = environment[FAULTS_ENVIRONMENT_VARIABLE]?.trim();
  return spec ? parseFaultSpec(spec) : undefined;
}

/**
 * An error shaped like the SDK's own service exceptions (name, `$fault`, `$metadata.httpStatusCode`,
 * `$retryable`), so that the SDK's retry strategy and the handlers classify it as they would a real one.
 */
export class InjectedFaultError extends Error {
  readonly injected = true;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
  readonly $retryable?: { throttling: boolean };
  readonly code?: string;

  constructor(
    name: string,
    message: string,
    options: { status?: number; fault: 'client' | 'server'; throttling?: boolean; code?: string },
  ) {
    super(message);
    this.name = name;
    this.$fault = options.fault;
    this.$metadata = options.status === undefined ? {} : { httpStatusCode: options.status };
    if (options.throttling) this.$retryable = { throttling: true };
    if (options.code) this.code = options.code;
  }
}

/** The error each service answers with, by kind, as the SDK names them. */
const SERVICE_ERRORS: Record<FaultService, Record<'fail' | 'throttle', readonly [string, number]>> = {
  s3: { fail: ['InternalError', 500], throttle: ['SlowDown', 503] },
  dynamodb: {
    fail: ['InternalServerError', 500],
    throttle: ['ProvisionedThroughputExceededException', 400],
  },
  sns: { fail: ['InternalErrorException', 500], throttle: ['ThrottledException', 429] },
  scheduler: { fail: ['InternalServerException', 500], throttle: ['ThrottlingException', 429] },
};

function faultError(rule: FaultRule, operation: string): InjectedFaultError {
  const what = `${rule.service}:${operation}`;
  if (rule.kind === 'timeout' || rule.kind === 'lost') {
    return new InjectedFaultError(
      'TimeoutError',
      `injected fault (${rule.kind}): ${what} ${rule.kind === 'lost' ? 'was carried out but its response was lost' : 'timed out'}`,
      { fault: 'client', code: 'ETIMEDOUT' },
    );
  }
  const [name, status] = SERVICE_ERRORS[rule.service][rule.kind];
  return new InjectedFaultError(name, `injected fault (${rule.kind}): ${what}`, {
    status,
    fault: status >= 500 ? 'server' : 'client',
    throttling: rule.kind === 'throttle',
  });
}

/** mulberry32: small, fast and seedable, which Math.random is not. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RuleStats {
  /** Calls (or attempts, with `scope=attempt`) the rule could apply to. */
  readonly calls: number;
  readonly injected: number;
}

export interface FaultStats {
  readonly seed: number;
  readonly scope: FaultScope;
  /** By rule label (`s3:GetObject=0.2:fail`). */
  readonly rules: Readonly<Record<string, RuleStats>>;
  readonly injected: number;
}

export interface FaultInjection {
  readonly config: FaultConfig;
  stats(): FaultStats;
  /** Replaces the rules (the random sequence carries on, the counts start again). */
  reconfigure(config: FaultConfig | string): void;
  /** Removes the middleware from every client: calls behave normally again. */
  detach(): void;
}

/** What the middleware reads of the SDK's handler context. */
interface MiddlewareContext {
  readonly commandName?: string;
}

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: MiddlewareContext,
) => (args: unknown) => Promise<unknown>;

/** The part of an SDK client this module touches (every v3 client has it). */
export interface FaultTarget {
  readonly middlewareStack: {
    add(middleware: Middleware, options: Record<string, unknown>): void;
    remove(toRemove: string): boolean;
  };
}

export type FaultTargets = Partial<Record<FaultService, FaultTarget>>;

let attachments = 0;

/**
 * Adds the fault middleware to the SDK clients of `targets`. With `scope=call` it sits
 * outermost (step `initialize`, high priority): a fault replaces the whole call, SDK retries
 * included, before any other middleware (such as the local stream capture) sees it. With
 * `scope=attempt` it sits inside the SDK's retry loop (step `finalizeRequest`, low priority).
 */
export async function attachFaultInjection(
  config: FaultConfig | string,
  targets: FaultTargets,
): Promise<FaultInjection> {
  let current = typeof config === 'string' ? parseFaultSpec(config) : config;
  const random = randomSource(current.seed);
  let counts = new Map<string, { calls: number; injected: number }>();
  const clients = targets;
  const name = `syndicateFaultInjection${++attachments}`;

  const middlewareFor =
    (service: FaultService): Middleware =>
    (next, context) =>
    async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const rules = current.rules.filter(
        (rule) => rule.service === service && (rule.operation === operation || rule.operation === '*'),
      );
      if (rules.length === 0) return next(args);
      const draw = random();
      let threshold = 0;
      let chosen: FaultRule | undefined;
      for (const rule of rules) {
        const count = counts.get(ruleLabel(rule)) ?? { calls: 0, injected: 0 };
        count.calls++;
        counts.set(ruleLabel(rule), count);
        threshold += rule.rate;
        if (!chosen && draw < threshold) {
          chosen = rule;
          count.injected++;
        }
      }
      if (!chosen) return next(args);
      if (chosen.kind === 'lost') await next(args);
      throw faultError(chosen, operation);
    };

  const attached: FaultTarget[] = [];
  const attach = (clientsToUse: FaultTargets) => {
    for (const service of FAULT_SERVICES) {
      const client = clientsToUse[service];
      if (!client) continue;
      client.middlewareStack.add(
        middlewareFor(service),
        current.scope === 'call'
          ? { step: 'initialize', priority: 'high', name, tags: ['FAULT_INJECTION'] }
          : { step: 'finalizeRequest', priority: 'low', name, tags: ['FAULT_INJECTION'] },
      );
      attached.push(client);
    }
  };
  const detach = () => {
    for (const client of attached.splice(0)) client.middlewareStack.remove(name);
  };
  attach(clients);

  return {
    get config() {
      return current;
    },
    stats() {
      const rules: Record<string, RuleStats> = {};
      let injected = 0;
      for (const rule of current.rules) {
        const count = counts.get(ruleLabel(rule)) ?? { calls: 0, injected: 0 };
        rules[ruleLabel(rule)] = { ...count };
        injected += count.injected;
      }
      return { seed: current.seed, scope: current.scope, rules, injected };
    },
    reconfigure(next) {
      const parsed = typeof next === 'string' ? parseFaultSpec(next) : next;
      const scopeChanged = parsed.scope !== current.scope;
      current = { ...parsed, seed: current.seed };
      counts = new Map();
      if (scopeChanged) {
        detach();
        attach(clients);
      }
    },
    detach,
  };
}
