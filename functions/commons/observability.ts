/**
 * The handlers' observability in Lambda (Powertools for AWS Lambda): structured JSON logs, CloudWatch
 * metrics in Embedded Metric Format, X-Ray traces of the SDK calls. Service name and log level come
 * from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL (set by the stack), read by Powertools itself.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../shared/pipeline/description.js';
import type { Log, MetricsSink, Observability } from '../handlers/observability.js';

const DEFAULT_SERVICE_NAME = 'content-syndication';

type Environment = Readonly<Record<string, string | undefined>>;

/** Whether this process is a Lambda function (the runtime sets AWS_LAMBDA_FUNCTION_NAME). */
function inLambda(environment: Environment): boolean {
  return Boolean(environment.AWS_LAMBDA_FUNCTION_NAME);
}

/**
 * X-Ray subsegments for every SDK call, in Lambda only: the X-Ray SDK switches on async hooks as soon
 * as it is loaded, which costs ~7% of a local process's CPU even with tracing off, so outside Lambda
 * it is not loaded at all.
 */
const tracer = inLambda(process.env)
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
    })
  : undefined;

/** Traces the calls of the SDK clients a function uses (in Lambda; a no-op elsewhere). */
export function traceClients(...clients: readonly object[]): void {
  for (const client of clients) tracer?.captureAWSv3Client(client);
}

/** Powertools' metrics as a sink: EMF printed at each flush, in Lambda only. */
class EmbeddedMetricFormatSink implements MetricsSink {
  constructor(private readonly metrics: Metrics) {}

  add(...[name, unit, value, dimensions]: Parameters<MetricsSink['add']>): void {
    if (!dimensions || Object.keys(dimensions).length === 0) {
      this.metrics.addMetric(name, unit, value);
      return;
    }
    // A metric with dimensions of its own goes out on its own, not under the invocation's dimensions.
    const single = this.metrics.singleMetric();
    single.addDimensions({ ...dimensions });
    single.addMetric(name, unit, value);
  }

  flush(): void {
    this.metrics.publishStoredMetrics();
  }
}

/** Outside Lambda EMF would print JSON into the output of whatever runs the bundle (a CLI, a bench). */
const NO_METRICS: MetricsSink = { add: () => undefined, flush: () => undefined };

/** The logger and metrics of a function running in Lambda (logs only, elsewhere). */
export function lambdaObservability(environment: Environment = process.env): Observability {
  const serviceName = environment.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
  const logger: Log = new Logger({ serviceName });
  const metrics = inLambda(environment)
    ? new EmbeddedMetricFormatSink(new Metrics({ serviceName, namespace: METRICS_NAMESPACE }))
    : NO_METRICS;
  return { logger, metrics };
}

export { METRICS_NAMESPACE };
