/**
 * A feed page as Atom 1.0 (RFC 4287) and as JSON Feed 1.1, each item carrying the envelope the
 * partner's queue receives for that change (its ninjs in the partner's payload variant).
 *
 * Items are identified by the article's uri in both formats: each version is a revision of the same
 * entry (Atom: same `atom:id`, later `atom:updated`; JSON Feed: "if an item is ever updated, the id
 * should be unchanged"). A withdrawal is an RFC 6721 `at:deleted-entry` in Atom. JSON Feed has no
 * tombstone, so a withdrawal is an item whose `_syndicate.withdrawn` is true, whose `content_text`
 * says so, and whose envelope's `eventType` is `article.withdrawn`: readers that know the extension
 * remove the article, others show a notice rather than the story.
 *
 * Extension data is under the namespace `urn:syndicate:ns:feed:1` (Atom, prefix `syn`) and the
 * `_syndicate` object (JSON Feed): `cursor` (the entry's position, usable as `since`), `eventType`,
 * `version`, `idempotencyKey`, `withdrawn`, and `envelope` (the queue message body, JSON).
 */
import type { ArticleEnvelope } from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';
import type { FeedItem } from './feed-page.js';

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
export const JSON_FEED_CONTENT_TYPE = 'application/feed+json; charset=utf-8';
export const FEED_EXTENSION_NAMESPACE = 'urn:syndicate:ns:feed:1';
const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
const TOMBSTONE_NAMESPACE = 'http://purl.org/atompub/tombstones/1.0';
const WITHDRAWN_NOTE = 'Withdrawn by its publisher: remove this article.';
/** Before any entry: the time an empty feed reports as updated, stable so that its validators are. */
const EPOCH = '1970-01-01T00:00:00.000Z';

export interface FeedView {
  readonly partner: string;
  readonly description?: string;
  /** This page's URL, and the next one's. */
  readonly selfUrl: string;
  readonly nextUrl?: string;
  readonly order: 'newest-first' | 'oldest-first';
  readonly cursor?: string;
  /** ISO time of the newest entry read (`updated` of the feed). */
  readonly updated?: string;
  readonly items: readonly FeedItem[];
}

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlText(value: string): string {
  return value.replace(XML_FORBIDDEN, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttribute(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;');
}

function headlineOf(ninjs: Ninjs): string {
  return (
    ninjs.headlines?.find((headline) => headline.role === 'main')?.value ??
    ninjs.headlines?.[0]?.value ??
    ninjs.uri
  );
}

function summaryOf(ninjs: Ninjs): string | undefined {
  return (
    ninjs.descriptions?.find((description) => description.role === 'summary')?.value ??
    ninjs.descriptions?.[0]?.value
  );
}

/** The body to show: HTML when there is one, else plain text; none in summaries. */
function bodyOf(ninjs: Ninjs): { readonly html?: string; readonly text?: string } {
  const html = ninjs.bodies?.find((body) => body.contentType === 'text/html')?.value;
  if (html) return { html };
  const text = ninjs.bodies?.find(
    (body) => body.contentType === undefined || body.contentType === 'text/plain',
  )?.value;
  return text ? { text } : {};
}

function subjectTerms(ninjs: Ninjs): { readonly term: string; readonly label?: string }[] {
  const seen = new Set<string>();
  const terms: { term: string; label?: string }[] = [];
  for (const subject of ninjs.subjects ?? []) {
    const term = subject.literal ?? subject.uri ?? subject.name;
    if (!term || seen.has(term)) continue;
    seen.add(term);
    terms.push({ term, ...(subject.name ? { label: subject.name } : {}) });
  }
  return terms;
}

const isWithdrawal = (envelope: ArticleEnvelope) => envelope.eventType === 'article.withdrawn';

function updatedOf(item: FeedItem): string {
  return item.envelope.ninjs.versionCreated ?? item.envelope.publishedAt;
}

function atomEntry(item: FeedItem): string {
  const { envelope, entry } = item;
  const { ninjs } = envelope;
  const extension = [
    `<syn:cursor>${xmlText(entry.key)}</syn:cursor>`,
    `<syn:eventType>${xmlText(envelope.eventType)}</syn:eventType>`,
    `<syn:version>${envelope.version}</syn:version>`,
    `<syn:envelope>${xmlText(JSON.stringify(envelope))}</syn:envelope>`,
  ];
  if (isWithdrawal(envelope))
    return [
      `<at:deleted-entry ref="${xmlAttribute(envelope.uri)}" when="${xmlAttribute(updatedOf(item))}">`,
      `<at:comment>${xmlText(WITHDRAWN_NOTE)}</at:comment>`,
      ...extension,
      '</at:deleted-entry>',
    ].join('\n');
  const summary = summaryOf(ninjs);
  const body = bodyOf(ninjs);
  const content = body.html
    ? `<content type="html">${xmlText(body.html)}</content>`
    : `<content type="text">${xmlText(body.text ?? summary ?? headlineOf(ninjs))}</content>`;
  return [
    '<entry>',
    `<id>${xmlText(envelope.uri)}</id>`,
    `<title type="text">${xmlText(headlineOf(ninjs))}</title>`,
    `<updated>${xmlText(updatedOf(item))}</updated>`,
    ...(ninjs.firstCreated ? [`<published>${xmlText(ninjs.firstCreated)}</published>`] : []),
    ...(ninjs.by ? [`<author><name>${xmlText(ninjs.by)}</name></author>`] : []),
    ...subjectTerms(ninjs).map(
      ({ term, label }) =>
        `<category term="${xmlAttribute(term)}"${label ? ` label="${xmlAttribute(label)}"` : ''}/>`,
    ),
    ...(envelope.link
      ? [
          `<link rel="enclosure" type="application/json" length="${envelope.link.sizeInBytes}" href="${xmlAttribute(envelope.link.href)}"/>`,
        ]
      : []),
    ...(summary ? [`<summary type="text">${xmlText(summary)}</summary>`] : []),
    content,
    ...extension,
    '</entry>',
  ].join('\n');
}

export function renderAtom(view: FeedView): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NAMESPACE}" xmlns:at="${TOMBSTONE_NAMESPACE}" xmlns:syn="${FEED_EXTENSION_NAMESPACE}">`,
    `<id>urn:syndicate:feed:${xmlText(view.partner)}</id>`,
    `<title type="text">Articles for ${xmlText(view.partner)}</title>`,
    ...(view.description ? [`<subtitle type="text">${xmlText(view.description)}</subtitle>`] : []),
    `<updated>${xmlText(view.updated ?? EPOCH)}</updated>`,
    '<author><name>syndicate</name></author>',
    `<link rel="self" type="application/atom+xml" href="${xmlAttribute(view.selfUrl)}"/>`,
    ...(view.nextUrl
      ? [`<link rel="next" type="application/atom+xml" href="${xmlAttribute(view.nextUrl)}"/>`]
      : []),
    `<syn:order>${view.order}</syn:order>`,
    ...(view.cursor ? [`<syn:cursor>${xmlText(view.cursor)}</syn:cursor>`] : []),
    ...view.items.map(atomEntry),
    '</feed>',
    '',
  ].join('\n');
}

function jsonFeedItem(item: FeedItem): Record<string, unknown> {
  const { envelope, entry } = item;
  const { ninjs } = envelope;
  const withdrawn = isWithdrawal(envelope);
  const summary = summaryOf(ninjs);
  const body = bodyOf(ninjs);
  const tags = subjectTerms(ninjs).map(({ term }) => term);
  return {
    id: envelope.uri,
    title: headlineOf(ninjs),
    ...(withdrawn
      ? { content_text: WITHDRAWN_NOTE }
      : body.html
        ? { content_html: body.html }
        : { content_text: body.text ?? summary ?? headlineOf(ninjs) }),
    ...(summary && !withdrawn ? { summary } : {}),
    ...(ninjs.firstCreated ? { date_published: ninjs.firstCreated } : {}),
    date_modified: updatedOf(item),
    ...(ninjs.by ? { authors: [{ name: ninjs.by }] } : {}),
    ...(ninjs.language ? { language: ninjs.language } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(envelope.link
      ? {
          attachments: [
            {
              url: envelope.link.href,
              mime_type: 'application/json',
              size_in_bytes: envelope.link.sizeInBytes,
            },
          ],
        }
      : {}),
    _syndicate: {
      cursor: entry.key,
      eventType: envelope.eventType,
      version: envelope.version,
      idempotencyKey: envelope.idempotencyKey,
      withdrawn,
      envelope,
    },
  };
}

export function renderJsonFeed(view: FeedView): string {
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: `Articles for ${view.partner}`,
      ...(view.description ? { description: view.description } : {}),
      feed_url: view.selfUrl,
      ...(view.nextUrl ? { next_url: view.nextUrl } : {}),
      _syndicate: {
        about:
          'Each item carries the envelope its partner queue receives; `cursor` is a position to pass as `since`.',
        order: view.order,
        updated: view.updated ?? EPOCH,
        ...(view.cursor ? { cursor: view.cursor } : {}),
      },
      items: view.items.map(jsonFeedItem),
    },
    null,
    2,
  )}\n`;
}
