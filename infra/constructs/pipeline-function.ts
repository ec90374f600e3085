/**
 * The one way this project defines a Lambda function, so every function gets the same runtime,
 * architecture, bundling, tracing and log settings instead of a copied block of props.
 *
 * Each function gets its own execution role with no managed policy: instead of
 * AWSLambdaBasicExecutionRole (logs on every log group of the account) it may write to its own log
 * group only. Grants made later (`grant*`, `addToRolePolicy`, event sources) land in the role's
 * default policy as usual.
 *
 * A function built from its description (shared/pipeline/description.ts) gets its environment only
 * through `bind` (a resource it uses: the setting that names it and the grant, together, with the
 * cdk-nag acknowledgement of a wildcard next to the grant that makes it) and `configure` (a setting
 * that names no resource), and its event source through `connectSource`. A required setting left
 * unset fails the synth, so a function cannot deploy without what its handler reads at cold start.
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling, RemovalPolicy, Size, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Runtime,
  StartingPosition,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { buildSync } from 'esbuild';
import type {
  FunctionDescription,
  QueueName,
  ResourceName,
  ResourceUse,
} from '../../shared/pipeline/description.js';
import type { Setting } from '../../shared/pipeline/settings.js';
import { FUNCTION_ENTRY_FILE, functionBuildOptions } from '../bundling.js';
import { acknowledge } from '../nag.js';

/** The repository root (this file lives in `infra/constructs/`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS_DIR = resolve(REPO_ROOT, 'functions');

export const DEFAULT_SERVICE_NAME = 'content-syndication';

/**
 * The newest Node.js runtime aws-cdk-lib knows (cdk-nag's L1 flags anything older). Named, not
 * `NODEJS_LATEST`, so a CDK upgrade never changes the runtime without a code change and a test run.
 */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Actions IAM cannot scope to a resource, the only ones a function may hold on `*`: X-Ray's (active
 * tracing), `dynamodb:ListStreams` (stream event sources), and the console's reads of delivery
 * figures: `cloudwatch:GetMetricData` and `logs:StopQuery` take no resource (a query is named by its
 * id). The infra tests hold the stack to this list.
 */
export const UNSCOPED_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
  'cloudwatch:GetMetricData',
  'logs:StopQuery',
];

/** Memory of every function unless its props say otherwise (the benchmark's cost estimate reads it). */
export const DEFAULT_MEMORY_MB = 512;

/** A function's description, whatever its settings. */
export type AnyFunctionDescription = FunctionDescription<Record<string, Setting<unknown>>>;

/**
 * A resource as functions use it: what the setting naming it carries, what its grants name, and the
 * key a user of it needs (pipeline-resources.ts makes one for each kind of resource).
 */
export interface BindableResource {
  /** The value of the setting that names the resource: a name, an ARN, or JSON of ARNs. */
  readonly reference: string;
  /** The IAM resources `use.actions` are granted on (a bucket's objects under `use.objects`...). */
  grantTargets(use: ResourceUse): string[];
  /** The cdk-nag findings those targets make (wildcards of names chosen at run time). */
  wildcardFindings(use: ResourceUse): string[];
  /** The key that encrypts the resource, and what a use of it needs of the key. */
  readonly key?: { readonly key: IKey; readonly actions: (use: ResourceUse) => readonly string[] };
}

/** The resources a function may bind, by the name the description uses. */
export type BindableResources = Readonly<Partial<Record<ResourceName, BindableResource>>>;

interface FunctionShape {
  /** The handler module, relative to the repository root and under `functions/`, e.g. `functions/normalise.ts`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
}

export type PipelineFunctionProps = (
  | { readonly describedBy: AnyFunctionDescription }
  | (FunctionShape & { readonly describedBy?: undefined })
) & {
  /** @default DEFAULT_MEMORY_MB */
  readonly memorySize?: Size;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** What happens to the function's log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Powertools service name: the `service` dimension of every custom metric. @default 'content-syndication' */
  readonly serviceName?: string;
  /** Concurrent executions reserved for this function, also its ceiling. @default none (the unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Files written beside the bundle (`index.mjs`), name to content: configuration too large for the
   * environment's 4 KB, read by the function at cold start. Part of the asset, so a change of content
   * changes the asset hash and redeploys the function. @default none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
};

/** Resolves an entry path and refuses anything outside `functions/`. */
export function resolveEntry(entry: string): string {
  const absolute = resolve(REPO_ROOT, entry);
  const fromFunctions = relative(FUNCTIONS_DIR, absolute);
  if (
    isAbsolute(entry) ||
    fromFunctions === '' ||
    fromFunctions.startsWith('..') ||
    isAbsolute(fromFunctions)
  ) {
    throw new Error(
      `function entry '${entry}' must be a file under functions/, relative to the repository root`,
    );
  }
  return absolute;
}

/**
 * Bundles a function's entry with esbuild and the project's options (../bundling.ts) on this machine.
 * `entry` is an own property on purpose: CDK reuses a staged asset when the source path and the
 * bundling options compare equal, and compares the options' data, not their methods — without it,
 * every function would get the first function's bundle.
 */
class EsbuildBundling implements ILocalBundling {
  /** The entry, relative to the repository root. */
  readonly entry: string;
  /** Files written beside the bundle, by name; own data too, so that different files make different assets. */
  readonly files: Readonly<Record<string, string>>;

  constructor(entry: string, files: Readonly<Record<string, string>>) {
    this.entry = relative(REPO_ROOT, entry);
    this.files = files;
  }

  tryBundle(outputDir: string): boolean {
    buildSync(functionBuildOptions(resolve(REPO_ROOT, this.entry), outputDir));
    for (const [name, content] of Object.entries(this.files)) writeFileSync(join(outputDir, name), content);
    return true;
  }
}

/** A file name beside `index.mjs`: no directory, nothing the bundle itself writes. */
function checkBundledFileName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name === FUNCTION_ENTRY_FILE || name.endsWith('.map')) {
    throw new Error(`'${name}' cannot be written beside a function's bundle: give a plain file name`);
  }
}

/**
 * The function's code: its entry bundled locally by esbuild. `cdk synth` bundles; stacks excluded
 * from bundling (`aws:cdk:bundling-stacks`, as the infra tests set it) get a placeholder asset. The
 * asset hash is the bundle's, so an unchanged bundle is not uploaded again.
 */
function bundledCode(entry: string, files: Readonly<Record<string, string>>): Code {
  for (const name of Object.keys(files)) checkBundledFileName(name);
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used if local bundling were refused; esbuild is a dependency, so it never is.
      image: FUNCTION_RUNTIME.bundlingImage,
      local: new EsbuildBundling(entry, files),
    },
  });
}

/** Entry, description and timeout: from the description when there is one. */
function shapeOf(props: PipelineFunctionProps): FunctionShape {
  const described = props.describedBy;
  if (described === undefined) return props as FunctionShape;
  return {
    entry: described.entry,
    description: described.description,
    timeout: Duration.seconds(described.timeoutSeconds),
  };
}

export class PipelineFunction extends LambdaFunction {
  /** What this function is (absent for a function built from an entry alone, as the bundle test does). */
  readonly describedBy?: AnyFunctionDescription;
  /** The settings set so far, by key, with their values. */
  private readonly settingValues = new Map<string, string>();
  private readonly acknowledgedFindings = new Set<string>();
  /** Key actions already granted, per key: each is granted once, and only what some use needs. */
  private readonly grantedKeyActions = new Map<IKey, Set<string>>();

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const shape = shapeOf(props);
    // The log group and the role are siblings: a subclass cannot create children before calling super().
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      code: bundledCode(resolveEntry(shape.entry), props.bundledFiles ?? {}),
      // The `handler` export of index.mjs (FUNCTION_ENTRY_FILE).
      handler: 'index.handler',
      description: shape.description,
      runtime: FUNCTION_RUNTIME,
      role,
      architecture: Architecture.ARM_64,
      memorySize: (props.memorySize ?? Size.mebibytes(DEFAULT_MEMORY_MB)).toMebibytes(),
      timeout: shape.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? DEFAULT_SERVICE_NAME,
      },
    });
    this.describedBy = props.describedBy;
    this.node.addValidation({ validate: () => this.unsetSettings() });
    // The log grant created the default policy; active tracing has added its X-Ray statement to it.
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      acknowledge(
        defaultPolicy,
        'IAM5[Resource::*]',
        `Only actions without resource-level permissions are granted on '*': ${UNSCOPED_ACTIONS.join(', ')} ` +
          '(X-Ray for active tracing; ListStreams for a stream event source; GetMetricData and StopQuery for the ' +
          "console's delivery figures). Every other statement names its " +
          'resource; test/infra fails if any other action is granted on *.',
      );
    }
  }

  /** The description this function was built from. */
  get described(): AnyFunctionDescription {
    if (!this.describedBy) throw new Error(`${this.node.path} was built without a description`);
    return this.describedBy;
  }

  /**
   * One use of a resource: the environment variable of `use.setting` names it, and `use.actions` (and
   * no more) are granted on it, with what its key needs, in one place. A wildcard the grant makes is
   * acknowledged here, with the use's reason.
   */
  bind(use: ResourceUse, resource: BindableResource): void {
    const described = this.described;
    if (!described.uses.includes(use)) {
      throw new Error(`${described.entry} has no such use of ${use.resource} in its description`);
    }
    if (use.setting !== undefined) this.setSetting(use.setting, resource.reference);
    if (use.actions.length === 0) return;
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...use.actions], resources: resource.grantTargets(use) }),
    );
    for (const finding of resource.wildcardFindings(use)) {
      if (this.acknowledgedFindings.has(finding)) continue;
      this.acknowledgedFindings.add(finding);
      const where =
        use.objects === undefined
          ? 'this resource'
          : use.objects === '*'
            ? 'any key of this bucket'
            : `keys matching '${use.objects}' of this bucket`;
      acknowledge(
        this.defaultPolicy(),
        finding,
        `${this.node.id} ${use.why}: ${use.actions.join(', ')} only, on ${where} only; the names are chosen ` +
          'at run time, so no narrower pattern exists.',
      );
    }
    if (resource.key) {
      const granted = this.grantedKeyActions.get(resource.key.key) ?? new Set<string>();
      this.grantedKeyActions.set(resource.key.key, granted);
      const missing = resource.key.actions(use).filter((action) => !granted.has(action));
      for (const action of missing) granted.add(action);
      if (missing.length > 0) resource.key.key.grant(this, ...missing);
    }
  }

  /** Every use of the description, each on its resource in `resources` (a missing one is an error). */
  bindAll(resources: BindableResources): void {
    for (const use of this.described.uses) {
      const resource = resources[use.resource];
      if (!resource) throw new Error(`${this.described.entry} uses ${use.resource}, which was not given`);
      this.bind(use, resource);
    }
  }

  /**
   * A setting that names no resource (a limit, a flag, a list). A literal value is parsed as the
   * handler will parse it, so a value the handler would refuse fails the synth instead.
   */
  configure(settingKey: string, value: string): void {
    const setting = this.settingOf(settingKey);
    if (!Token.isUnresolved(value)) setting.parse(value);
    this.setSetting(settingKey, value);
  }

  /**
   * The event source of the description: an SQS queue (batch size, window, partial failures, at most
   * `maxConcurrency` at once) or the table's stream (batch size, starting position, bisect, retries,
   * on-failure queue). Schedules are created at run time by publish, not here.
   */
  connectSource(targets: EventSourceTargets): void {
    const source = this.described.source;
    const queueNamed = (name: QueueName): IQueue => {
      const queue = targets.queues[name];
      if (!queue) throw new Error(`${this.described.entry} needs queue ${name}, which was not given`);
      return queue;
    };
    switch (source.kind) {
      case 'sqs':
        this.addEventSource(
          new SqsEventSource(queueNamed(source.queue), {
            batchSize: source.batchSize,
            maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds),
            reportBatchItemFailures: source.reportBatchItemFailures,
            ...(targets.maxConcurrency !== undefined ? { maxConcurrency: targets.maxConcurrency } : {}),
          }),
        );
        return;
      case 'dynamodb-stream': {
        if (!targets.table) throw new Error(`${this.described.entry} reads a table stream: give the table`);
        this.addEventSource(
          new DynamoEventSource(targets.table, {
            startingPosition: StartingPosition[source.startingPosition],
            batchSize: source.batchSize,
            maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds),
            bisectBatchOnError: source.bisectBatchOnError,
            retryAttempts: source.retryAttempts,
            reportBatchItemFailures: source.reportBatchItemFailures,
            onFailure: new SqsDlq(queueNamed(source.onFailure)),
          }),
        );
        return;
      }
      case 'schedule':
        return;
    }
  }

  /** The role's default policy, where bound grants land (and their acknowledgements go). */
  defaultPolicy(): IConstruct {
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`${this.node.path} has no default policy`);
    return policy;
  }

  private settingOf(settingKey: string): Setting<unknown> {
    const setting = this.described.settings[settingKey];
    if (!setting) throw new Error(`${this.described.entry} has no setting ${settingKey}`);
    return setting;
  }

  private setSetting(settingKey: string, value: string): void {
    const setting = this.settingOf(settingKey);
    const previous = this.settingValues.get(settingKey);
    if (previous !== undefined && previous !== value) {
      throw new Error(`${this.described.entry}: ${setting.env} is bound to two different values`);
    }
    this.settingValues.set(settingKey, value);
    this.addEnvironment(setting.env, value);
  }

  /** Required settings never set: the handler would refuse its first call. */
  private unsetSettings(): string[] {
    if (!this.describedBy) return [];
    const problems: string[] = [];
    for (const [key, setting] of Object.entries(this.describedBy.settings)) {
      if (this.settingValues.has(key)) continue;
      try {
        setting.parse(undefined);
      } catch {
        problems.push(`${this.describedBy.entry}: ${setting.env} (${setting.describe}) is never set`);
      }
    }
    return problems;
  }
}

export interface EventSourceTargets {
  /** The pipeline's queues, by name (an SQS source reads one; a stream source sends failures to one). */
  readonly queues: Readonly<Partial<Record<QueueName, IQueue>>>;
  /** The table whose stream a stream source reads. */
  readonly table?: ITable;
  /** Most instances an SQS source runs at once (Lambda accepts 2-1000). */
  readonly maxConcurrency?: number;
}
