/** Small statistics and formatting helpers for the benchmark. */

/** The q-th quantile (0..1) of the values, nearest-rank on a sorted copy. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** A number with a fixed count of significant-looking decimals: 1234 -> "1,234", 12.34 -> "12.3". */
export function fmt(value: number, decimals?: number): string {
  if (!Number.isFinite(value)) return '–';
  const places = decimals ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

export const fmtMb = (kilobytes: number): string => `${fmt(kilobytes / 1024, 0)} MB`;
export const fmtKb = (bytes: number): string => `${fmt(bytes / 1024, 1)} KB`;
export const fmtUsd = (dollars: number): string =>
  `$${dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: dollars < 0.1 ? 3 : 2 })}`;

/** Peak resident set size of this process so far, in KB (Linux reports ru_maxrss in KB). */
export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** CPU time (user + system) in ms since `start` (a process.cpuUsage() value). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
