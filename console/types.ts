/**
 * The API's answers, as the page reads them (shared/console/api.ts builds them; locally through
 * local/console/api.ts, in AWS through functions/aws/console-api.ts). Fields only one of them gives are optional.
 */

export interface ArticleRow {
  uri: string;
  version: number;
  headline: string;
  source: string;
  language: string | null;
  pubStatus: string;
  subjects: string[];
  versionCreated: string;
  objectKey: string;
  deliveries: number;
}

export interface ArticleList {
  items: ArticleRow[];
  total: number;
  next?: number;
  /** In AWS: which part of the index the list searches (the newest changes), in words. */
  basis?: string;
}

export interface DeliveryRow {
  partner: string;
  uri: string;
  version: number;
  eventType: string;
  payload: string;
  /** Null on a row that says where SNS routes the version (AWS), not that it arrived. */
  receivedAt: string | null;
  uploadedAt: string | null;
  latencyMs: number | null;
  /** False on a routed row: the partner's filter takes the version; nothing confirms it arrived. */
  confirmed?: false;
}

export interface Provenance {
  rule: string;
  confidence: number;
  original?: string;
}

export interface VersionView {
  version: number;
  contentHash: string;
  pubStatus: string | null;
  versionCreated: string | null;
  ninjs: Record<string, unknown>;
  provenance: Record<string, Provenance>;
}

export interface ArticleDetail {
  head: {
    uri: string;
    version: number;
    headline: string;
    source: string;
    language?: string;
    pubStatus: string;
    origin: { key: string };
    subjectCodes: string[];
    firstCreated: string;
    versionCreated: string;
  };
  versions: VersionView[];
  deliveries: DeliveryRow[];
  /** In AWS: what the deliveries are (routed by the filter policies, not confirmed), in words to show. */
  deliveriesBasis?: string;
}

export type DiffPart = { text: string; added?: true; removed?: true };
export type FieldChange =
  | { path: string; kind: 'added'; after: string }
  | { path: string; kind: 'removed'; before: string }
  | { path: string; kind: 'changed'; before: string; after: string; parts: DiffPart[] };

export interface DiffView {
  uri: string;
  from: number;
  to: number;
  changes: FieldChange[];
}

export interface Rejection {
  objectKey: string;
  code: string;
  message: string;
  sizeBytes: number;
  rejectedAt: string;
  quarantineKey?: string;
  original: string | null;
}

export interface QueueDepth {
  name: string;
  role: string;
  waiting: number;
  inFlight: number;
  redrivable?: boolean;
}

export interface PartnerView {
  name: string;
  description: string | null;
  delivery: string;
  endpoint: string | null;
  /** Locally: how the runtime stands in for the partner's endpoint. */
  localDelivery?: string;
  filters: Record<string, unknown>;
  payload: string;
  fullTextLink: boolean;
  queue: QueueDepth;
  deadLetterQueue: QueueDepth;
  /** Null where nothing counts them (no delivery figures in the deployment). */
  deliveries: number | null;
  failures: number;
  latency: {
    samples: number;
    p50Ms: number | null;
    p95Ms: number | null;
    bucketSeconds: number;
    overTime: { start: number; deliveries: number; p50Ms: number; p95Ms: number }[];
  };
  recent: DeliveryRow[];
  /** In AWS: what the figures rest on (delivery status logs, their sampling), in words. */
  basis?: string;
}

export interface Health {
  target: string;
  queues: QueueDepth[];
  deadLetterMessages: number;
  alarms: {
    state: string;
    detail: string;
    /** In AWS: the stack's alarms, those in ALARM first. */
    alarms?: { name: string; state: string; reason: string; updatedAt: string | null }[];
  };
  withheld: number;
  /** Null in AWS, where no record counts every delivery (the partners page has the figures). */
  deliveries: number | null;
}

export type Action =
  | { action: 'redrive'; queue: string }
  | { action: 'replay'; uri: string; partner?: string };

export interface Prepared {
  action: Action;
  summary: string;
  confirmation: string;
}
