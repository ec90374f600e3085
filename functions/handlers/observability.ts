/**
 * What a handler reports besides its answer, as ports: a structured logger and a sink of metrics.
 * In Lambda they are Powertools' (../commons/observability.ts: JSON logs, Embedded Metric Format);
 * the local runtime and the tests pass their own (a recording sink), so no handler depends on where
 * it runs. Never log article bodies: log keys, uris, versions and outcomes.
 */
import type { MetricDescription } from '../../shared/pipeline/description.js';

export type LogAttributes = Record<string, unknown>;

export interface Log {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
}

export type MetricUnitName = MetricDescription['unit'];

/**
 * Where a handler's metrics go. `Name` is the names the function's description lists
 * (`MetricNameOf<typeof normalise>`, shared/pipeline/description.ts): a handler cannot emit another.
 */
export interface MetricsSink<Name extends string = string> {
  /** One data point of `name`, with its dimensions besides `service`. */
  add(name: Name, unit: MetricUnitName, value: number, dimensions?: Readonly<Record<string, string>>): void;
  /** Publishes what the invocation added (once per invocation). */
  flush(): void;
}

export interface Observability<MetricName extends string = string> {
  readonly logger: Log;
  readonly metrics: MetricsSink<MetricName>;
}

export interface RecordedMetric {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Keeps every data point in memory: the local runtime's metrics, and what tests assert on. */
export class RecordingMetrics implements MetricsSink {
  readonly recorded: RecordedMetric[] = [];
  flushes = 0;

  add(
    name: string,
    unit: MetricUnitName,
    value: number,
    dimensions: Readonly<Record<string, string>> = {},
  ): void {
    this.recorded.push({ name, unit, value, dimensions: { ...dimensions } });
  }

  flush(): void {
    this.flushes++;
  }

  /** The sum of the values of `name` (every dimension combination together). */
  total(name: string): number {
    return this.recorded
      .filter((metric) => metric.name === name)
      .reduce((sum, metric) => sum + metric.value, 0);
  }
}

/** Logs nothing: for tests and for callers that do not want the handlers' logs. */
export const SILENT_LOG: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A record that can never succeed (see `isPermanent`): logged as an error with what identifies it and
 * counted in `PermanentFailures` (alarmed), then acknowledged by the caller rather than retried.
 */
export function recordPermanentFailure(
  { logger, metrics }: Observability<'PermanentFailures'>,
  what: LogAttributes,
  error: unknown,
): void {
  logger.error('permanent failure, acknowledged without retry', { ...what, error: error as Error });
  metrics.add('PermanentFailures', 'Count', 1);
}
