/** The console's pages: articles, one article, rejections, partners, health. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { download, get } from './api.js';
import { authEnabled } from './auth.js';
import type {
  ArticleDetail,
  ArticleList,
  DeliveryRow,
  DiffView,
  FieldChange,
  Health,
  PartnerView,
  Rejection,
} from './types.js';
import { ActionButton, DeadLetterTable, html, ms, Problem, time, usePolled } from './ui.js';

const SEARCH_FIELDS = ['q', 'source', 'subject', 'language', 'status', 'from', 'to'] as const;

export function ArticlesPage({ query, go }: { query: URLSearchParams; go: (hash: string) => void }) {
  const filters = Object.fromEntries(SEARCH_FIELDS.map((name) => [name, query.get(name) ?? '']));
  const next = query.get('next') ?? undefined;
  const { data, error } = usePolled<ArticleList>('/api/articles', { ...filters, next });
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const search = new URLSearchParams();
    for (const name of SEARCH_FIELDS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) search.set(name, value);
    }
    go(`#/articles?${search}`);
  };
  const page = (offset: number) => {
    const search = new URLSearchParams(query);
    search.set('next', String(offset));
    return `#/articles?${search}`;
  };
  return html`<section>
    <h1>Articles</h1>
    <form class="search" onSubmit=${submit}>
      <input name="q" placeholder="headline or uri words" value=${filters.q} />
      <input name="source" placeholder="source" value=${filters.source} />
      <input name="subject" placeholder="subject (medtop:…)" value=${filters.subject} />
      <input name="language" placeholder="language" size="6" value=${filters.language} />
      <select name="status" value=${filters.status}>
        <option value="">any status</option><option>usable</option><option>withheld</option><option>canceled</option>
      </select>
      <label>from <input name="from" type="date" value=${filters.from} /></label>
      <label>to <input name="to" type="date" value=${filters.to} /></label>
      <button type="submit">Search</button>
    </form>
    <${Problem} text=${error} />
    ${
      data &&
      html`<p class="count">${data.total} article${data.total === 1 ? '' : 's'}</p>
      ${data.basis ? html`<p class="hint basis">${data.basis}</p>` : ''}
      <table class="articles">
        <thead><tr><th>headline</th><th>source</th><th>lang</th><th>status</th><th>v</th><th>version created</th><th>deliveries</th></tr></thead>
        <tbody>
          ${data.items.map(
            (row) => html`<tr key=${row.uri}>
              <td><a href=${`#/article?uri=${encodeURIComponent(row.uri)}`}>${row.headline}</a><div class="uri">${row.uri}</div></td>
              <td>${row.source}</td><td>${row.language ?? '–'}</td>
              <td><span class=${`status ${row.pubStatus}`}>${row.pubStatus}</span></td>
              <td class="number">${row.version}</td><td>${time(row.versionCreated)}</td><td class="number">${row.deliveries}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <nav class="pages">
        ${next && Number(next) > 0 ? html`<a href=${page(0)}>First page</a>` : ''}
        ${data.next !== undefined ? html`<a href=${page(data.next)}>Next page</a>` : ''}
      </nav>`
    }
  </section>`;
}

function ChangeRow({ change }: { change: FieldChange }) {
  if (change.kind === 'added')
    return html`<tr><th>${change.path}</th><td><ins>${change.after}</ins></td></tr>`;
  if (change.kind === 'removed')
    return html`<tr><th>${change.path}</th><td><del>${change.before}</del></td></tr>`;
  return html`<tr><th>${change.path}</th><td>${change.parts.map((part) =>
    part.added ? html`<ins>${part.text}</ins>` : part.removed ? html`<del>${part.text}</del>` : part.text,
  )}</td></tr>`;
}

function VersionDiff({ uri, from, to }: { uri: string; from: number; to: number }) {
  const [diff, setDiff] = useState<DiffView | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setDiff(undefined);
    get<DiffView>('/api/diff', { uri, from, to }).then(setDiff, (failure: Error) =>
      setError(failure.message),
    );
  }, [uri, from, to]);
  return html`<div class="diff">
    <h3>Changes from v${from} to v${to}</h3>
    <${Problem} text=${error} />
    ${diff && (diff.changes.length === 0 ? html`<p>No differences.</p>` : html`<table class="changes"><tbody>${diff.changes.map((change) => html`<${ChangeRow} key=${change.path} change=${change} />`)}</tbody></table>`)}
  </div>`;
}

export function ArticlePage({ uri }: { uri: string }) {
  const { data, error } = usePolled<ArticleDetail>('/api/article', { uri });
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const [shown, setShown] = useState<number | undefined>();
  if (!data)
    return html`<section><h1>Article</h1><${Problem} text=${error} /><p>${error ? '' : 'Loading…'}</p></section>`;
  const { head, versions, deliveries } = data;
  const latest = versions.at(-1)?.version ?? head.version;
  const diffFrom = from ?? Math.max(1, latest - 1);
  const diffTo = to ?? latest;
  const open = versions.find((version) => version.version === (shown ?? latest));
  const partners = [...new Set(deliveries.map((delivery) => delivery.partner))];
  // In AWS the rows say where SNS routes the version (confirmed: false), not that it arrived.
  const routedOnly = deliveries.length > 0 && deliveries.every((delivery) => delivery.confirmed === false);
  return html`<section>
    <h1>${head.headline}</h1>
    <dl class="facts">
      <dt>uri</dt><dd class="uri">${head.uri}</dd>
      <dt>object</dt><dd>${head.origin.key}</dd>
      <dt>source</dt><dd>${head.source}</dd>
      <dt>language</dt><dd>${head.language ?? '–'}</dd>
      <dt>status</dt><dd><span class=${`status ${head.pubStatus}`}>${head.pubStatus}</span> (v${head.version})</dd>
      <dt>subjects</dt><dd>${head.subjectCodes.join(', ') || '–'}</dd>
      <dt>first created</dt><dd>${time(head.firstCreated)}</dd>
    </dl>
    <p class="replays">
      <${ActionButton} action=${{ action: 'replay', uri: head.uri }} label="Replay to all partners" />
      ${partners.map(
        (partner) =>
          html`<${ActionButton} key=${partner} action=${{ action: 'replay', uri: head.uri, partner }} label=${`Replay to ${partner}`} />`,
      )}
    </p>
    <h2>Versions</h2>
    <table class="versions">
      <thead><tr><th>v</th><th>status</th><th>created</th><th>content hash</th><th>diff from</th><th>diff to</th><th></th></tr></thead>
      <tbody>${versions.map(
        (version) => html`<tr key=${version.version} data-version=${version.version}>
          <td class="number">${version.version}</td><td>${version.pubStatus ?? '–'}</td><td>${time(version.versionCreated)}</td>
          <td class="hash">${version.contentHash.slice(0, 12)}</td>
          <td><input type="radio" name="from" aria-label=${`diff from v${version.version}`} checked=${diffFrom === version.version} onChange=${() => setFrom(version.version)} /></td>
          <td><input type="radio" name="to" aria-label=${`diff to v${version.version}`} checked=${diffTo === version.version} onChange=${() => setTo(version.version)} /></td>
          <td><button type="button" onClick=${() => setShown(version.version)}>ninjs v${version.version}</button></td>
        </tr>`,
      )}</tbody>
    </table>
    ${versions.length > 1 && diffFrom !== diffTo ? html`<${VersionDiff} uri=${head.uri} from=${diffFrom} to=${diffTo} />` : ''}
    <h2>Deliveries</h2>
    ${
      deliveries.length === 0
        ? html`<p>No partner has received this article.</p>`
        : html`<p>${routedOnly ? 'Routed to' : 'Received by'} ${partners.join(', ')}.</p>
          ${data.deliveriesBasis ? html`<p class="hint basis">${data.deliveriesBasis}</p>` : ''}
          <table class="deliveries">
          <thead><tr><th>partner</th><th>v</th><th>event</th><th>payload</th><th>received</th><th>upload → delivery</th></tr></thead>
          <tbody>${deliveries.map(
            (delivery) =>
              html`<tr data-partner=${delivery.partner}><td>${delivery.partner}</td><td class="number">${delivery.version}</td><td>${delivery.eventType}</td><td>${delivery.payload}</td><td>${received(delivery)}</td><td class="number">${ms(delivery.latencyMs)}</td></tr>`,
          )}</tbody></table>`
    }
    ${
      open &&
      html`<h2>Provenance of v${open.version}</h2>
      <table class="provenance">
        <thead><tr><th>field</th><th>rule</th><th>confidence</th><th>value as written</th></tr></thead>
        <tbody>${Object.entries(open.provenance).map(
          ([field, entry]) =>
            html`<tr><td>${field}</td><td>${entry.rule}</td><td class="number">${entry.confidence}</td><td>${entry.original ?? ''}</td></tr>`,
        )}</tbody>
      </table>
      <h2>ninjs of v${open.version}</h2>
      <pre class="ninjs">${JSON.stringify(open.ninjs, null, 2)}</pre>`
    }
  </section>`;
}

/**
 * Deployed, a link to the API cannot carry the operator's token: the click fetches the file with it.
 * Links elsewhere (a pre-signed URL) and the local console keep the plain download.
 */
function withToken(href: string, objectKey: string) {
  if (!authEnabled() || !href.startsWith('/api/')) return undefined;
  return (event: Event) => {
    event.preventDefault();
    download(href, objectKey.split('/').pop() || 'original').catch((error: Error) => alert(error.message));
  };
}

export function RejectionsPage() {
  const { data, error } = usePolled<Rejection[]>('/api/rejections');
  const health = usePolled<Health>('/api/health');
  return html`<section>
    <h1>Rejections</h1>
    <${Problem} text=${error} />
    ${
      data &&
      (data.length === 0
        ? html`<p>No rejected files.</p>`
        : html`<table class="rejections">
          <thead><tr><th>rejected</th><th>object</th><th>code</th><th>reason</th><th>size</th><th>original</th></tr></thead>
          <tbody>${data.map(
            (
              rejection,
            ) => html`<tr key=${`${rejection.objectKey}${rejection.rejectedAt}`} data-key=${rejection.objectKey}>
              <td>${time(rejection.rejectedAt)}</td><td>${rejection.objectKey}</td><td><code>${rejection.code}</code></td>
              <td class="message">${rejection.message}</td><td class="number">${rejection.sizeBytes} B</td>
              <td>${rejection.original ? html`<a href=${rejection.original} download onClick=${withToken(rejection.original, rejection.objectKey)}>download</a>` : '–'}</td>
            </tr>`,
          )}</tbody></table>`)
    }
    <h2>Dead-letter queues</h2>
    <p>What kept failing after its retries. Fix the cause, then redrive.</p>
    ${health.data && html`<${DeadLetterTable} queues=${health.data.queues.filter((queue) => queue.role === 'dead-letter')} onDone=${health.reload} />`}
  </section>`;
}

function LatencyChart({ partner }: { partner: PartnerView }) {
  const box = useRef<HTMLDivElement>(null);
  const points = partner.latency.overTime;
  useEffect(() => {
    if (!box.current || points.length === 0) return;
    const chart = new uPlot(
      {
        width: Math.min(900, box.current.clientWidth || 900),
        height: 240,
        title: `${partner.name}: upload → delivery latency per ${partner.latency.bucketSeconds} s`,
        // One bucket alone would make uPlot stretch the axis over years: a bucket's margin each side.
        scales: {
          x: {
            time: true,
            auto: false,
            range: [
              (points[0]?.start ?? 0) / 1000 - partner.latency.bucketSeconds,
              (points.at(-1)?.start ?? 0) / 1000 + 2 * partner.latency.bucketSeconds,
            ],
          },
        },
        axes: [{}, { label: 'ms', size: 60 }],
        series: [
          {},
          { label: 'p50', stroke: '#2b6cb0', width: 2, points: { show: true } },
          { label: 'p95', stroke: '#c05621', width: 2, points: { show: true } },
        ],
      },
      [
        points.map((point) => point.start / 1000),
        points.map((point) => point.p50Ms),
        points.map((point) => point.p95Ms),
      ],
      box.current,
    );
    return () => chart.destroy();
  }, [partner.name, JSON.stringify(points)]);
  return points.length === 0
    ? html`<p>No deliveries with a known upload time yet.</p>`
    : html`<div class="chart" ref=${box}></div>`;
}

/** When a delivery arrived; a routed row (AWS) says so instead of an empty time. */
function received(delivery: DeliveryRow) {
  return delivery.confirmed === false ? 'routed (not confirmed)' : time(delivery.receivedAt);
}

/**
 * Chart buckets of the deployed console: the partners page reads a day of delivery logs, and a
 * Logs Insights query returns at most 10,000 rows (buckets x partners); 15 minutes is 96 a day.
 */
const DEPLOYED_BUCKET_SECONDS = 900;

export function PartnersPage() {
  const { data, error } = usePolled<PartnerView[]>(
    '/api/partners',
    authEnabled() ? { bucket: DEPLOYED_BUCKET_SECONDS } : {},
  );
  const bases = [...new Set((data ?? []).flatMap((partner) => (partner.basis ? [partner.basis] : [])))];
  const [selected, setSelected] = useState<string | undefined>();
  const chosen =
    data?.find((partner) => partner.name === selected) ??
    data?.find((partner) => partner.latency.samples > 0) ??
    data?.[0];
  return html`<section>
    <h1>Partners</h1>
    <${Problem} text=${error} />
    ${
      data &&
      html`<table class="partners">
        <thead><tr><th>partner</th><th>delivery</th><th>payload</th><th>filters</th><th>queue</th><th>DLQ</th><th>deliveries</th><th>failures</th><th>p50</th><th>p95</th></tr></thead>
        <tbody>${data.map(
          (
            partner,
          ) => html`<tr key=${partner.name} data-partner=${partner.name} class=${partner.name === chosen?.name ? 'chosen' : ''} onClick=${() => setSelected(partner.name)}>
            <td><strong>${partner.name}</strong>${partner.description ? html`<div class="uri">${partner.description}</div>` : ''}</td>
            <td>${partner.delivery}${partner.endpoint ? html`<div class="uri">${partner.endpoint}</div>` : ''}</td>
            <td>${partner.payload}${partner.fullTextLink ? ' + link' : ''}</td>
            <td><code>${JSON.stringify(partner.filters)}</code></td>
            <td class="number">${partner.queue.waiting}</td><td class="number">${partner.deadLetterQueue.waiting}</td>
            <td class="number">${partner.deliveries ?? '–'}</td><td class="number">${partner.failures}</td>
            <td class="number">${ms(partner.latency.p50Ms)}</td><td class="number">${ms(partner.latency.p95Ms)}</td>
          </tr>`,
        )}</tbody>
      </table>
      ${
        bases.length > 0
          ? bases.map((basis) => html`<p class="hint basis">${basis}</p>`)
          : html`<p class="hint">Latency: from the object's upload to the message reaching the partner (replays not counted).</p>`
      }
      <p class="hint">Click a partner for its chart.</p>
      ${chosen && html`<${LatencyChart} partner=${chosen} />`}
      ${
        chosen &&
        chosen.recent.length > 0 &&
        html`<h2>Latest deliveries to ${chosen.name}</h2>
        <table class="recent">
          <thead><tr><th>article</th><th>v</th><th>event</th><th>received</th><th>upload → delivery</th></tr></thead>
          <tbody>${chosen.recent.map(
            (delivery) => html`<tr>
              <td><a href=${`#/article?uri=${encodeURIComponent(delivery.uri)}`}>${delivery.uri}</a></td>
              <td class="number">${delivery.version}</td><td>${delivery.eventType}</td>
              <td>${received(delivery)}</td><td class="number">${ms(delivery.latencyMs)}</td>
            </tr>`,
          )}</tbody>
        </table>`
      }`
    }
  </section>`;
}

export function HealthPage() {
  const { data, error, reload } = usePolled<Health>('/api/health');
  return html`<section>
    <h1>Pipeline health</h1>
    <${Problem} text=${error} />
    ${
      data &&
      html`<dl class="facts">
        <dt>target</dt><dd>${data.target}</dd>
        <dt>alarms</dt><dd class="alarms">${data.alarms.state} <span class="hint">(${data.alarms.detail})</span></dd>
        <dt>dead letters</dt><dd class=${data.deadLetterMessages > 0 ? 'attention' : ''}>${data.deadLetterMessages}</dd>
        <dt>withheld (embargoed)</dt><dd>${data.withheld}</dd>
        <dt>deliveries so far</dt><dd>${data.deliveries ?? html`– <span class="hint">(not counted here: see Partners)</span>`}</dd>
      </dl>
      <h2>Ingest queue</h2>
      ${data.queues.filter((queue) => queue.role === 'ingest').map((queue) => html`<p>${queue.name}: ${queue.waiting} waiting, ${queue.inFlight} in flight</p>`)}
      <h2>Dead-letter queues</h2>
      <${DeadLetterTable} queues=${data.queues.filter((queue) => queue.role === 'dead-letter')} onDone=${reload} />`
    }
  </section>`;
}
