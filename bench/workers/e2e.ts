/**
 * End-to-end worker: N articles through the local runtime (`LocalPipeline`: emulators and the
 * production handlers in this one process), from upload to the partner queues, with a fixed number
 * of concurrent uploads. Then checks that every article reached every partner whose filter policy
 * (from `config/partners.json`) matches it, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ArticleHead } from '../../shared/domain/article.js';
import { REPO_ROOT, variantOf } from '../corpus.js';
import { peakRssKb } from '../lib/stats.js';
import { serve } from '../lib/worker.js';

export interface E2eRequest {
  readonly articles: number;
  readonly concurrency: number;
  /** Paced uploads (open loop, one every 1/rate s) instead of a burst: latency when the pipeline keeps up. */
  readonly ratePerSecond?: number;
  readonly timeoutMs: number;
}

/** Article templates: each matches a different set of the registry's partners. */
export const E2E_TEMPLATES = [
  {
    name: 'politics (text)',
    path: 'events/articles/wire/trump-putin-syria.txt',
    source: 'wire',
    extension: 'txt',
  },
  {
    name: 'sport (text)',
    path: 'events/articles/sportswire/harbour-city-cup-final.txt',
    source: 'sportswire',
    extension: 'txt',
  },
  {
    name: 'technology (Markdown)',
    path: 'test/fixtures/markdown/rustblog-trademark-update.md',
    source: 'blog',
    extension: 'md',
  },
] as const;

export interface E2eReply {
  readonly articles: number;
  readonly partners: readonly string[];
  /** Registry partners not delivered through a queue read locally. */
  readonly leftOut: readonly string[];
  readonly wallMs: number;
  /** From the first upload to the last upload's completion. */
  readonly uploadMs: number;
  /** Upload start (paced: the time the upload was due) to delivery, one per delivery, ms. */
  readonly latencies: readonly number[];
  /** The same, to the article's last delivery, one per delivered article, ms. */
  readonly lastDeliveryLatencies: readonly number[];
  readonly expectedDeliveries: number;
  readonly deliveries: number;
  readonly lost: readonly string[];
  readonly unexpected: readonly string[];
  readonly duplicates: number;
  /** Distinct payload variants (`envelope.payload`) delivered per article, on average: messages published per article. */
  readonly variantsPerArticle: number;
  readonly perTemplate: readonly {
    readonly name: string;
    readonly articles: number;
    readonly partners: readonly string[];
  }[];
  readonly errors: readonly string[];
  readonly idleTimedOut: boolean;
  readonly startMs: number;
  readonly peakRssKb: number;
  /** CPU time (user + system) of the runtime from the first upload until idle, ms: what the run cost whatever the machine's load. */
  readonly cpuMs: number;
  /** Time the main thread's event loop was busy over the same span, ms (the handlers' thread: the critical path). */
  readonly mainThreadBusyMs: number;
}

type Attribute = { readonly dataType: string; readonly value: string };

type Scalar = string | number;

/** A condition of an SNS filter policy (MessageAttributes scope), as the SNS documentation defines them. */
function conditionMatches(condition: unknown, values: readonly Scalar[], present: boolean): boolean {
  if (typeof condition === 'string' || typeof condition === 'number') return values.includes(condition);
  const rule = condition as Record<string, unknown>;
  if ('exists' in rule) return rule.exists === present;
  if (!present) return false;
  if ('prefix' in rule)
    return values.some((value) => typeof value === 'string' && value.startsWith(String(rule.prefix)));
  if ('suffix' in rule)
    return values.some((value) => typeof value === 'string' && value.endsWith(String(rule.suffix)));
  if ('anything-but' in rule) {
    const excluded = rule['anything-but'];
    const list = Array.isArray(excluded) ? excluded : [excluded];
    return values.some((value) => !list.some((item) => conditionMatches(item, [value], true)));
  }
  if ('numeric' in rule) {
    const terms = rule.numeric as readonly Scalar[];
    return values.some((value) => {
      if (typeof value !== 'number') return false;
      for (let index = 0; index + 1 < terms.length; index += 2) {
        const bound = Number(terms[index + 1]);
        const holds = {
          '=': value === bound,
          '<': value < bound,
          '<=': value <= bound,
          '>': value > bound,
          '>=': value >= bound,
        }[String(terms[index])];
        if (!holds) return false;
      }
      return true;
    });
  }
  throw new Error(`unsupported filter condition ${JSON.stringify(condition)}`);
}

/** Keys AND, conditions OR; a String.Array attribute matches when any element does, a Number only numerically. */
function policyMatches(
  policy: Record<string, readonly unknown[]>,
  attributes: Record<string, Attribute>,
): boolean {
  return Object.entries(policy).every(([name, conditions]) => {
    const attribute = attributes[name];
    const values: Scalar[] = !attribute
      ? []
      : attribute.dataType === 'Number'
        ? [Number(attribute.value)]
        : attribute.dataType === 'String.Array'
          ? (JSON.parse(attribute.value) as Scalar[])
          : [attribute.value];
    return conditions.some((condition) => conditionMatches(condition, values, attribute !== undefined));
  });
}

async function run(request: E2eRequest): Promise<E2eReply> {
  const startedAt = performance.now();
  const { LocalPipeline } = await import('../../local/pipeline.js');
  const { loadPartnerRegistry } = await import('../../shared/partners/registry-file.js');
  // Partners delivered through queues the runtime reads (its `deliveries`); other delivery types are
  // played differently locally and are left out of the check.
  const registry = loadPartnerRegistry();
  const partners = registry.filter((partner) => partner.delivery.type === 'sqs');
  const pipeline = await LocalPipeline.start(partners);
  const startMs = performance.now() - startedAt;
  const errors: string[] = [];
  pipeline.on('error', (error) => {
    if (errors.length < 20) errors.push(String(error).slice(0, 200));
  });

  const templates = E2E_TEMPLATES.map((template) => ({
    ...template,
    bytes: readFileSync(join(REPO_ROOT, template.path)),
  }));
  const articles = Array.from({ length: request.articles }, (_, index) => {
    const template = templates[index % templates.length] as (typeof templates)[number];
    return {
      template,
      key: `${template.source}/bench-${String(index).padStart(6, '0')}.${template.extension}`,
      // Copy 0 of a variant is the template itself: start at 1 so every body differs.
      body: variantOf(template.bytes, index + 1),
    };
  });
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const loopAtStart = performance.eventLoopUtilization();
  const uploaded = await uploadOnThread({
    articles: articles.map(({ key, body }) => ({ key, body })),
    concurrency: request.concurrency,
    bucket: pipeline.resources.bucket,
    environment: pipeline.awsEnvironment,
    ...(request.ratePerSecond ? { ratePerSecond: request.ratePerSecond } : {}),
  });
  const uploadedAt = new Map(uploaded.uploadedAt);
  const uploadMs = uploaded.doneAt - started;
  let idleTimedOut = false;
  try {
    await pipeline.waitForIdle(request.timeoutMs);
  } catch {
    idleTimedOut = true;
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const loop = performance.eventLoopUtilization(loopAtStart);
  const deliveries = [...pipeline.deliveries];
  const peakRss = peakRssKb();
  await pipeline.stop();

  // What should have arrived: each article as normalised, its message attributes, each partner's policy.
  const { normaliseObject } = await import('../../shared/normaliser/normalise.js');
  const { attributesFor } = await import('../../shared/domain/message.js');
  const { filterPolicyFor } = await import('../../shared/partners/registry.js');
  const policies = partners.map((partner) => ({
    name: partner.name,
    policy: filterPolicyFor(partner) as Record<string, readonly unknown[]>,
    // Where partners choose a payload variant, each variant is published with its own attributes.
    payload: (partner as { payload?: string }).payload,
  }));
  const attributesOf = attributesFor as (...args: unknown[]) => Record<string, Attribute>;
  const expected = new Map<string, { key: string; partners: string[] }>();
  const perTemplate = new Map<string, { articles: number; partners: Set<string> }>();
  for (const article of articles) {
    const normalised = await normaliseObject({ key: article.key, bytes: article.body });
    const head: ArticleHead = {
      uri: normalised.ninjs.uri,
      version: 1,
      contentHash: normalised.contentHash,
      pubStatus: 'usable',
      headline: '',
      origin: { key: article.key },
      source: normalised.source,
      ...(normalised.ninjs.language ? { language: normalised.ninjs.language } : {}),
      ...(normalised.ninjs.urgency !== undefined ? { urgency: normalised.ninjs.urgency } : {}),
      subjectCodes: normalised.subjectCodes,
      everSubjectCodes: normalised.subjectCodes,
      everLanguages: normalised.ninjs.language ? [normalised.ninjs.language] : [],
      everPublished: true,
      firstCreated: '',
      versionCreated: '',
    };
    const matching = policies
      .filter(({ policy, payload }) =>
        policyMatches(policy, attributesOf(head, 'article.published', ...(payload ? [payload] : []))),
      )
      .map(({ name }) => name);
    if (expected.has(normalised.ninjs.uri))
      throw new Error(`two benchmark articles share ${normalised.ninjs.uri}`);
    expected.set(normalised.ninjs.uri, { key: article.key, partners: matching });
    const entry = perTemplate.get(article.template.name) ?? { articles: 0, partners: new Set<string>() };
    entry.articles++;
    for (const name of matching) entry.partners.add(name);
    perTemplate.set(article.template.name, entry);
  }

  const seen = new Map<string, number>();
  const latencies: number[] = [];
  const lastDelivery = new Map<string, number>();
  const unexpected: string[] = [];
  let lastReceived = started;
  for (const delivery of deliveries) {
    const uri = delivery.envelope.uri;
    const want = expected.get(uri);
    const pair = `${uri} -> ${delivery.partner}`;
    seen.set(pair, (seen.get(pair) ?? 0) + 1);
    if (!want?.partners.includes(delivery.partner)) {
      unexpected.push(pair);
      continue;
    }
    const latency = delivery.receivedAt - (uploadedAt.get(want.key) ?? started);
    latencies.push(latency);
    lastDelivery.set(uri, Math.max(lastDelivery.get(uri) ?? 0, latency));
    lastReceived = Math.max(lastReceived, delivery.receivedAt);
  }
  const variants = new Map<string, Set<string>>();
  for (const delivery of deliveries) {
    const payload = (delivery.envelope as { payload?: string }).payload ?? 'full';
    const set = variants.get(delivery.envelope.uri) ?? new Set<string>();
    set.add(payload);
    variants.set(delivery.envelope.uri, set);
  }
  const lost: string[] = [];
  let expectedDeliveries = 0;
  for (const [uri, { partners: names }] of expected) {
    for (const name of names) {
      expectedDeliveries++;
      if (!seen.has(`${uri} -> ${name}`)) lost.push(`${uri} -> ${name}`);
    }
  }
  return {
    articles: articles.length,
    partners: partners.map((partner) => partner.name),
    leftOut: registry
      .filter((partner) => !partners.includes(partner))
      .map((partner) => `${partner.name} (${partner.delivery.type})`),
    wallMs: lastReceived - started,
    uploadMs,
    latencies,
    lastDeliveryLatencies: [...lastDelivery.values()],
    expectedDeliveries,
    deliveries: deliveries.length,
    lost,
    unexpected,
    variantsPerArticle:
      variants.size > 0
        ? [...variants.values()].reduce((total, set) => total + set.size, 0) / variants.size
        : 1,
    duplicates: [...seen.values()].reduce((total, count) => total + Math.max(0, count - 1), 0),
    perTemplate: [...perTemplate].map(([name, entry]) => ({
      name,
      articles: entry.articles,
      partners: [...entry.partners],
    })),
    errors,
    idleTimedOut,
    startMs,
    peakRssKb: peakRss,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainThreadBusyMs: loop.active,
  };
}

interface UploadRequest {
  readonly articles: readonly { readonly key: string; readonly body: Uint8Array }[];
  readonly concurrency: number;
  readonly ratePerSecond?: number;
  readonly bucket: string;
  /** The AWS environment (emulator endpoints, credentials) the thread's S3 client reads. */
  readonly environment: Readonly<Record<string, string>>;
}

interface UploadReply {
  /** Key and time its upload started (Date.now()). */
  readonly uploadedAt: readonly (readonly [string, number])[];
  readonly doneAt: number;
}

/**
 * Uploads on a thread of their own, with their own S3 client: the producers (partners' upload tools)
 * run elsewhere than the Lambda handlers in AWS, and here they would otherwise take CPU from the
 * runtime's main thread. Same process, so their CPU still counts in the figures.
 */
async function uploadOnThread(request: UploadRequest): Promise<UploadReply> {
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const thread = new Worker(bootstrap, {
    eval: true,
    workerData: request,
    env: { ...process.env, ...request.environment },
  });
  try {
    return await new Promise<UploadReply>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`uploader thread exited (${code})`)));
    });
  } finally {
    await thread.terminate();
  }
}

async function uploadThread(request: UploadRequest): Promise<void> {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ region: process.env.AWS_REGION ?? 'us-east-1' });
  const uploadedAt: [string, number][] = [];
  let next = 0;
  const firstAt = Date.now();
  const uploader = async () => {
    while (next < request.articles.length) {
      const index = next++;
      const article = request.articles[index] as UploadRequest['articles'][number];
      let arrivedAt = Date.now();
      if (request.ratePerSecond) {
        const due = firstAt + (index * 1000) / request.ratePerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        // Latency counts from when the article was due, not from when a busy uploader got to it:
        // a late upload is part of the delay (no coordinated omission).
        arrivedAt = due;
      }
      uploadedAt.push([article.key, arrivedAt]);
      await s3.send(new PutObjectCommand({ Bucket: request.bucket, Key: article.key, Body: article.body }));
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, uploader));
  s3.destroy();
  parentPort?.postMessage({ uploadedAt, doneAt: Date.now() } satisfies UploadReply);
}

if (isMainThread) serve(async (body) => run(body as E2eRequest));
else await uploadThread(workerData as UploadRequest);
