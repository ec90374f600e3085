/**
 * The per-partner table of `syndicate status`: deliveries, failures (what the partner's dead-letter
 * queues hold), upload-to-delivery latency and the last delivery. Locally the rows come from the
 * running console's JSON API (`GET /api/partners`), which already computes them from what the runtime
 * recorded, so the CLI and the console never disagree; in AWS they come from CloudWatch (SNS delivery
 * status logs and the metrics derived from them, ./delivery-figures.ts).
 */
import type { PartnerDeliveryFigures } from '../shared/ports/delivery-metrics.js';

export interface PartnerRow {
  readonly partner: string;
  readonly payload: string;
  /** null where deliveries are not measured (an endpoint SNS does not log, successes not logged). */
  readonly deliveries: number | null;
  readonly failures: number;
  /** null where latency is not measured; a null percentile: nothing delivered with a known upload time. */
  readonly latency: { readonly p50Ms: number | null; readonly p95Ms: number | null } | null;
  /** ISO 8601; null when nothing was delivered or deliveries are not measured. */
  readonly lastDeliveryAt: string | null;
}

/** What a stack's table says in place of the figures only the local runtime measures. */
export const NOT_DEPLOYED = 'n/a (per-partner delivery metrics are not deployed yet)';

/** No value: nothing delivered (or nothing with a known upload time). */
const NONE = '–';
/** Not measured where the pipeline runs. */
const UNMEASURED = 'n/a';

const HEADINGS = ['partner', 'payload', 'deliveries', 'failures', 'p50 ms', 'p95 ms', 'last delivery'];
/** Numbers read best right-aligned under their heading; names and times left-aligned. */
const RIGHT_ALIGNED = [false, false, true, true, true, true, false];

function cellsOf(row: PartnerRow): string[] {
  const count = (value: number | null) => (value === null ? UNMEASURED : String(value));
  const latency = (value: number | null | undefined) =>
    row.latency === null ? UNMEASURED : value === null || value === undefined ? NONE : String(value);
  const last = row.deliveries === null ? UNMEASURED : (row.lastDeliveryAt ?? NONE);
  return [
    row.partner,
    row.payload,
    count(row.deliveries),
    String(row.failures),
    latency(row.latency?.p50Ms),
    latency(row.latency?.p95Ms),
    last,
  ];
}

/**
 * The table as lines (no indentation, no trailing spaces), a heading line first; then `notes` (what
 * the figures rest on), or, with none, a last line saying why when some figures are not measured.
 */
export function formatPartnerTable(rows: readonly PartnerRow[], notes: readonly string[] = []): string[] {
  if (rows.length === 0) return ['no partners'];
  const table = [HEADINGS, ...rows.map(cellsOf)];
  const widths = HEADINGS.map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
  const lines = table.map((cells) =>
    cells
      .map((cell, column) =>
        RIGHT_ALIGNED[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
  if (notes.length > 0) lines.push(...notes);
  else if (rows.some((row) => row.latency === null || row.deliveries === null))
    lines.push(`deliveries, latency, last delivery: ${NOT_DEPLOYED}`);
  return lines;
}

/**
 * Rows from a delivery metrics reader (shared/ports/delivery-metrics.ts), as a deployed stack's are
 * read: deliveries null where nothing records them (n/a), percentiles null where nothing was measured.
 */
export function partnerRowsFromFigures(
  figures: readonly PartnerDeliveryFigures[],
  payloadOf: (partner: string) => string | undefined,
): PartnerRow[] {
  return figures.map((figure) => ({
    partner: figure.partner,
    payload: payloadOf(figure.partner) ?? 'unknown',
    deliveries: figure.deliveries,
    failures: figure.failures,
    latency: { p50Ms: figure.latency.p50Ms, p95Ms: figure.latency.p95Ms },
    lastDeliveryAt: figure.lastDelivery,
  }));
}

/** The console answered something that is not its partners list: a version mismatch to report. */
export class ConsoleAnswerError extends Error {}

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isMs = (value: unknown): value is number | null =>
  value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0);

/**
 * The rows in the console's `GET /api/partners` answer (local/console/api.ts `partners()`), checked
 * field by field: a console of another version is reported, not shown as zeros.
 */
export function partnerRowsFromConsole(answer: unknown): PartnerRow[] {
  if (!Array.isArray(answer)) throw new ConsoleAnswerError('the partners answer is not a list');
  return answer.map((entry: unknown, position) => {
    const item = (entry ?? {}) as Record<string, unknown>;
    const latency = (item.latency ?? {}) as Record<string, unknown>;
    const recent = item.recent;
    const newest = Array.isArray(recent) ? ((recent[0] ?? {}) as Record<string, unknown>) : undefined;
    const where = `partner ${typeof item.name === 'string' ? `'${item.name}'` : `#${position + 1}`}`;
    if (typeof item.name !== 'string' || typeof item.payload !== 'string')
      throw new ConsoleAnswerError(`${where}: no name or payload`);
    if (!isCount(item.deliveries) || !isCount(item.failures))
      throw new ConsoleAnswerError(`${where}: deliveries and failures must be counts`);
    if (!isMs(latency.p50Ms) || !isMs(latency.p95Ms))
      throw new ConsoleAnswerError(`${where}: latency p50Ms and p95Ms must be milliseconds or null`);
    if (newest === undefined) throw new ConsoleAnswerError(`${where}: no recent deliveries list`);
    // The console lists recent deliveries newest first.
    const lastDeliveryAt = typeof newest.receivedAt === 'string' ? newest.receivedAt : null;
    return {
      partner: item.name,
      payload: item.payload,
      deliveries: item.deliveries,
      failures: item.failures,
      latency: { p50Ms: latency.p50Ms, p95Ms: latency.p95Ms },
      lastDeliveryAt,
    };
  });
}

/** A queue of the target with its depth, as `status` reads them. */
export interface QueueWithDepth {
  readonly role: string;
  readonly partner?: string;
  readonly visible: number;
  readonly inFlight: number;
}

const PARTNER_DEAD_LETTER_ROLES = new Set(['partner-dead-letter', 'delivery-dead-letter']);

/**
 * Rows for a target where only the queues are measured (a deployed stack): every partner the queues
 * name, in their order, with failures = what its dead-letter queues hold (its queue's, and SNS's
 * delivery DLQ), the rest not measured. `payloadOf` gives a partner's payload from the registry.
 */
export function partnerRowsFromQueues(
  queues: readonly QueueWithDepth[],
  payloadOf: (partner: string) => string | undefined,
): PartnerRow[] {
  const failures = new Map<string, number>();
  for (const queue of queues) {
    if (queue.partner === undefined) continue;
    const held = PARTNER_DEAD_LETTER_ROLES.has(queue.role) ? queue.visible + queue.inFlight : 0;
    failures.set(queue.partner, (failures.get(queue.partner) ?? 0) + held);
  }
  return [...failures].map(([partner, failed]) => ({
    partner,
    payload: payloadOf(partner) ?? 'unknown',
    deliveries: null,
    failures: failed,
    latency: null,
    lastDeliveryAt: null,
  }));
}
