/**
 * The one way this project defines a Lambda function, so every function gets the same runtime,
 * architecture, bundling, tracing and log settings instead of a copied block of props.
 *
 * Each function gets its own execution role with no managed policy: instead of
 * AWSLambdaBasicExecutionRole (logs on every log group of the account) it may write to its own log
 * group only. Grants made later (`grant*`, `addToRolePolicy`, event sources) land in the role's
 * default policy as usual.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { functionBuildOptions } from '../bundling.js';
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
 * tracing) and `dynamodb:ListStreams` (stream event sources). The infra tests hold the stack to this list.
 */
export const UNSCOPED_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
];

/** Memory of every function unless its props say otherwise (the benchmark's cost estimate reads it). */
export const DEFAULT_MEMORY_MB = 512;

export interface PipelineFunctionProps {
  /** The handler module, relative to the repository root and under `functions/`, e.g. `functions/normalise.ts`. */
  readonly entry: string;
  readonly description?: string;
  /** @default DEFAULT_MEMORY_MB */
  readonly memorySize?: Size;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Extra environment variables (set them from construct references, never from literal resource names). */
  readonly environment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** What happens to the function's log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Powertools service name: the `service` dimension of every custom metric. @default 'content-syndication' */
  readonly serviceName?: string;
  /** Concurrent executions reserved for this function, also its ceiling. @default none (the unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
}

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

  constructor(entry: string) {
    this.entry = relative(REPO_ROOT, entry);
  }

  tryBundle(outputDir: string): boolean {
    buildSync(functionBuildOptions(resolve(REPO_ROOT, this.entry), outputDir));
    return true;
  }
}

/**
 * The function's code: its entry bundled locally by esbuild. `cdk synth` bundles; stacks excluded
 * from bundling (`aws:cdk:bundling-stacks`, as the infra tests set it) get a placeholder asset. The
 * asset hash is the bundle's, so an unchanged bundle is not uploaded again.
 */
function bundledCode(entry: string): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used if local bundling were refused; esbuild is a dependency, so it never is.
      image: FUNCTION_RUNTIME.bundlingImage,
      local: new EsbuildBundling(entry),
    },
  });
}

export class PipelineFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
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
      code: bundledCode(resolveEntry(props.entry)),
      // The `handler` export of index.mjs (FUNCTION_ENTRY_FILE).
      handler: 'index.handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      role,
      architecture: Architecture.ARM_64,
      memorySize: (props.memorySize ?? Size.mebibytes(DEFAULT_MEMORY_MB)).toMebibytes(),
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? DEFAULT_SERVICE_NAME,
        ...props.environment,
      },
    });
    // The log grant created the default policy; active tracing has added its X-Ray statement to it.
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      acknowledge(
        defaultPolicy,
        'IAM5[Resource::*]',
        `Only actions without resource-level permissions are granted on '*': ${UNSCOPED_ACTIONS.join(', ')} ` +
          '(X-Ray for active tracing; ListStreams for a stream event source). Every other statement names its ' +
          'resource; test/infra fails if any other action is granted on *.',
      );
    }
  }
}
