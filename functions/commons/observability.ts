/**
 * One observability module for every function, configured once per process (Powertools for AWS
 * Lambda): structured JSON logs, CloudWatch metrics in Embedded Metric Format, X-Ray traces of the
 * SDK calls. Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL
 * (set by the stack). Never log article bodies: log keys, uris, versions and outcomes.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'content-syndication';

// Outside Lambda (the local runtime, tests) metrics would print EMF JSON into the CLI's output.
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'ContentSyndication' });
/**
 * X-Ray subsegments for every S3, DynamoDB, SNS and Scheduler call, in Lambda only: the X-Ray SDK
 * switches on async hooks as soon as it is loaded, which costs ~7% of the local runtime's CPU even
 * with tracing off, so outside Lambda it is not loaded at all.
 */
export const tracer = process.env.AWS_LAMBDA_FUNCTION_NAME
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName })
  : undefined;

/** Traces the calls of the SDK clients a function uses (in Lambda; a no-op elsewhere). */
export function traceClients(...clients: readonly object[]): void {
  for (const client of clients) tracer?.captureAWSv3Client(client);
}

/**
 * Flushes the invocation's metrics (EMF). Outside Lambda metrics are off, and Powertools would still
 * warn on every call that there is nothing to publish, in the middle of the CLI's output.
 */
export function flushMetrics(): void {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) metrics.publishStoredMetrics();
}

export { MetricUnit };

/**
 * A record that can never succeed (see `isPermanent`): logged as an error with what identifies it and
 * counted in `PermanentFailures` (alarmed), then acknowledged by the caller rather than retried.
 */
export function recordPermanentFailure(what: Record<string, unknown>, error: unknown): void {
  logger.error('permanent failure, acknowledged without retry', { ...what, error: error as Error });
  metrics.addMetric('PermanentFailures', MetricUnit.Count, 1);
}
