/** Arranges for an embargoed version to be released at its embargo time (EventBridge Scheduler in AWS). */
export interface EmbargoScheduler {
  schedule(release: EmbargoRelease): Promise<void>;
}

export interface EmbargoRelease {
  readonly uri: string;
  /** The withheld version to release; a newer version makes this release a no-op. */
  readonly version: number;
  readonly at: string;
}
