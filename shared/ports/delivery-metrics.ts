/**
 * What each partner received, how many deliveries failed and how long deliveries took, over a time
 * window: what `syndicate status` and the console show per partner. Locally the runtime records every
 * delivery; in AWS the figures come from SNS delivery status logs and the metrics derived from them,
 * so each answer says what it is based on.
 */

export interface DeliveryWindow {
  readonly from: Date;
  readonly to: Date;
  /** Width of the chart's buckets, seconds (a multiple of 60 in AWS, where metrics have minute periods). */
  readonly bucketSeconds: number;
}

export interface DeliveryBucket {
  /** Start of the bucket, epoch ms. */
  readonly start: number;
  readonly deliveries: number;
  readonly failures: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface PartnerDeliveryFigures {
  readonly partner: string;
  /** Deliveries in the window; null where nothing records them (an estimate where successes are sampled). */
  readonly deliveries: number | null;
  readonly failures: number;
  /**
   * Milliseconds from the object's upload to the delivery, over the window; null percentiles when no
   * delivery with a known upload time was recorded.
   */
  readonly latency: {
    readonly p50Ms: number | null;
    readonly p95Ms: number | null;
    readonly samples: number;
  };
  /** The window in buckets that hold at least one delivery or failure, oldest first. */
  readonly overTime: readonly DeliveryBucket[];
  /** ISO time of the last recorded delivery, if any. */
  readonly lastDelivery: string | null;
  /** What the figures rest on, in words for the operator (for example which sample of successes is logged). */
  readonly basis: string;
}

export interface DeliveryMetricsReader {
  /** One entry per partner of the registry, in the registry's order, partners with no delivery included. */
  perPartner(window: DeliveryWindow): Promise<PartnerDeliveryFigures[]>;
}
