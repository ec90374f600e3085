/**
 * Delivery latency per partner: from the object's upload to the message reaching the partner, as
 * percentiles overall and per time bucket (the console's chart). Pure: the samples come from
 * whatever records deliveries (the local runtime; SNS delivery status logs in AWS).
 */

export interface LatencySample {
  /** When the delivery happened (epoch ms). */
  readonly at: number;
  readonly latencyMs: number;
}

/**
 * The nearest-rank percentile (the smallest value with at least p% of the values at or below it),
 * the definition CloudWatch's pNN statistics follow for small samples; undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], not ${p}`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export interface LatencyBucket {
  /** Start of the bucket (epoch ms, a multiple of the bucket width). */
  readonly start: number;
  readonly deliveries: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** Buckets of `widthMs` holding at least one delivery, oldest first. */
export function latencyOverTime(samples: readonly LatencySample[], widthMs: number): LatencyBucket[] {
  if (!(Number.isInteger(widthMs) && widthMs > 0))
    throw new RangeError(`bucket width must be a positive integer, not ${widthMs}`);
  const buckets = new Map<number, number[]>();
  for (const { at, latencyMs } of samples) {
    const start = Math.floor(at / widthMs) * widthMs;
    const bucket = buckets.get(start) ?? [];
    bucket.push(latencyMs);
    buckets.set(start, bucket);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, values]) => ({
      start,
      deliveries: values.length,
      p50Ms: percentile(values, 50) as number,
      p95Ms: percentile(values, 95) as number,
    }));
}
