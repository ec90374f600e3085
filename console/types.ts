/** The API's answers, as the page reads them (local/console/api.ts builds them). */

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
}

export interface DeliveryRow {
  partner: string;
  uri: string;
  version: number;
  eventType: string;
  payload: string;
  receivedAt: string;
  uploadedAt: string | null;
  latencyMs: number | null;
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
  localDelivery: string;
  filters: Record<string, unknown>;
  payload: string;
  fullTextLink: boolean;
  queue: QueueDepth;
  deadLetterQueue: QueueDepth;
  deliveries: number;
  failures: number;
  latency: {
    samples: number;
    p50Ms: number | null;
    p95Ms: number | null;
    bucketSeconds: number;
    overTime: { start: number; deliveries: number; p50Ms: number; p95Ms: number }[];
  };
  recent: DeliveryRow[];
}

export interface Health {
  target: string;
  queues: QueueDepth[];
  deadLetterMessages: number;
  alarms: { state: string; detail: string };
  withheld: number;
  deliveries: number;
}

export type Action =
  | { action: 'redrive'; queue: string }
  | { action: 'replay'; uri: string; partner?: string };

export interface Prepared {
  action: Action;
  summary: string;
  confirmation: string;
}
