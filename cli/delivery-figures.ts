/**
 * `syndicate status --stack NAME`: the per-partner figures of a deployed stack, read from CloudWatch
 * (shared/adapters/cloudwatch-delivery-metrics.ts) over a window ending now: the last 24 hours unless
 * `--since` says otherwise.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import { deliveryMetricsOfStack } from '../shared/adapters/cloudwatch-delivery-metrics.js';
import type { Partner } from '../shared/partners/registry.js';
import type { PipelineManifest } from '../shared/pipeline/manifest.js';
import type { DeliveryMetricsReader, DeliveryWindow } from '../shared/ports/delivery-metrics.js';
import { type PartnerRow, partnerRowsFromFigures } from './partner-table.js';
import { CliError, pointInTime } from './support.js';

/** How far back `status` looks unless `--since` says. */
export const DEFAULT_STATUS_HOURS = 24;

/**
 * The window `status` reads: from `since` (a date-time or a duration back from now) or 24 hours ago,
 * to now, as one bucket (status shows totals, not a chart: one bucket scans the logs once).
 */
export function statusWindow(since: string | undefined, now: Date): DeliveryWindow {
  const from = since
    ? pointInTime('since', since, now)
    : new Date(now.getTime() - DEFAULT_STATUS_HOURS * 3_600_000);
  if (from.getTime() >= now.getTime())
    throw new CliError(
      `--since ${since} is not in the past`,
      'e.g. --since 6h or --since 2026-12-01T00:00:00Z',
    );
  const seconds = Math.ceil((now.getTime() - from.getTime()) / 60_000) * 60;
  return { from, to: now, bucketSeconds: seconds };
}

export interface StackReaderInput {
  readonly manifest: PipelineManifest;
  readonly partners: readonly Partner[];
  readonly sns: Pick<SNSClient, 'send'>;
  readonly region?: string;
}

/** A reader of the stack's figures, with CloudWatch clients of its own (closed by `close`). */
export async function cloudWatchReaderOf(
  input: StackReaderInput,
): Promise<{ reader: DeliveryMetricsReader; close(): void }> {
  const config = input.region ? { region: input.region } : {};
  const cloudWatch = new CloudWatchClient(config);
  const logs = new CloudWatchLogsClient(config);
  let reader: DeliveryMetricsReader;
  try {
    reader = await deliveryMetricsOfStack({ ...input, cloudWatch, logs });
  } catch (error) {
    cloudWatch.destroy();
    logs.destroy();
    throw error;
  }
  return {
    reader,
    close: () => {
      cloudWatch.destroy();
      logs.destroy();
    },
  };
}

export type StackPartnerFigures =
  | { readonly rows: PartnerRow[]; readonly notes: string[] }
  | { readonly problem: string };

/**
 * The table's rows from `reader`, with what they rest on as notes (each distinct basis once, naming
 * the partners when not all share it); a problem, not an exception, when the figures cannot be read.
 */
export async function stackPartnerFigures(
  reader: DeliveryMetricsReader,
  window: DeliveryWindow,
  payloadOf: (partner: string) => string | undefined,
): Promise<StackPartnerFigures> {
  let figures: Awaited<ReturnType<DeliveryMetricsReader['perPartner']>>;
  try {
    figures = await reader.perPartner(window);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const bases = new Map<string, string[]>();
  for (const figure of figures) bases.set(figure.basis, [...(bases.get(figure.basis) ?? []), figure.partner]);
  const notes = [`over ${window.from.toISOString()} to ${window.to.toISOString()}`];
  for (const [basis, partners] of bases)
    notes.push(bases.size === 1 ? basis : `${partners.join(', ')}: ${basis}`);
  return { rows: partnerRowsFromFigures(figures, payloadOf), notes };
}
