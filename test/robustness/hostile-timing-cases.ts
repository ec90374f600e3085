/**
 * Inputs that took super-linear time before the normaliser bounded them, each beside a legitimate
 * input of the same shape just under the limit. Built here byte by byte so that the regression
 * tests (./hostile-timing.test.ts) and the timing script (bench/hostile-timing.ts) run the same files.
 */

const STORY = [
  'The finance minister said on Tuesday that the new budget would raise spending on schools and hospitals by ten percent over the next three years.',
  'Opposition leaders called the plan unrealistic and said it would add to the national debt, promising to fight it in parliament next month.',
  'Economists were divided, with some welcoming the investment in public services and others warning about the cost of higher borrowing.',
];
export const HEADLINE = 'Budget raises spending on schools and hospitals';
export const FIRST_WORDS = 'The finance minister said on Tuesday';

const paragraphs = STORY.map((paragraph) => `<p>${paragraph}</p>`).join('');

/** `<!DOCTYPE ` and `groups` times `[]]`, never closed: 10 + 3 × groups bytes. */
export function unclosedDoctype(groups: number): string {
  return `<!DOCTYPE ${'[]]'.repeat(groups)}`;
}

/** `levels` nested `<div>`s holding the story, closed again. */
export function nestedDivs(levels: number): string {
  return `${'<div>'.repeat(levels)}${paragraphs}${'</div>'.repeat(levels)}`;
}

/** `count` sibling paragraphs of one short sentence each, no nesting. */
export function flatParagraphs(count: number): string {
  return `${paragraphs}${'<p>More details.</p>'.repeat(Math.max(0, count - STORY.length))}`;
}

/** A generic CMS export whose `body_html` is `html`. */
export function cmsJson(html: string): string {
  return JSON.stringify({ title: HEADLINE, published_at: '2024-03-05T10:00:00Z', body_html: html });
}

/** A ninjs 3 document whose HTML summary (a description with contentType text/html) is `html`. */
export function ninjsWithHtmlSummary(html: string): string {
  return JSON.stringify({
    uri: 'urn:example:budget',
    headlines: [{ role: 'main', value: HEADLINE }],
    descriptions: [{ role: 'summary', contentType: 'text/html', value: html }],
    bodies: [{ role: 'main', contentType: 'text/html', value: paragraphs }],
  });
}

/** Markdown whose body is the story and then `html` as a raw HTML block. */
export function markdownWithRawHtml(html: string): string {
  return `# ${HEADLINE}\n\n${STORY.join('\n\n')}\n\n${html}\n`;
}

/** YAML front matter of `keys` fields (`title` and `field1`...), then the story. */
export function yamlFrontMatter(keys: number): string {
  const lines = [`title: ${HEADLINE}`];
  for (let index = 1; index < keys; index++) lines.push(`field${index}: value ${index}`);
  return `---\n${lines.join('\n')}\n---\n\n${STORY.join('\n\n')}\n`;
}

/** TOML front matter of `keys` fields, then the story. */
export function tomlFrontMatter(keys: number): string {
  const lines = [`title = "${HEADLINE}"`];
  for (let index = 1; index < keys; index++) lines.push(`field${index} = "value ${index}"`);
  return `+++\n${lines.join('\n')}\n+++\n\n${STORY.join('\n\n')}\n`;
}

/** A NITF 3.x document whose body.content is `content` (XHTML). */
export function nitfWithBody(content: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<nitf><head><title>Budget</title></head><body>',
    `<body.head><hedline><hl1>${HEADLINE}</hl1></hedline></body.head>`,
    `<body.content>${content}</body.content>`,
    '</body></nitf>',
  ].join('\n');
}

/**
 * A NewsML-G2 newsItem whose inlineData (escaped) is `html`, declared `contentType`: `text/html`, or
 * `text/plain` as some providers label HTML.
 */
export function newsmlWithInlineHtml(html: string, contentType = 'text/html'): string {
  const escaped = html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:example:budget" version="1" standard="NewsML-G2" standardversion="2.29">',
    '<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:example"/><versionCreated>2024-03-05T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>',
    `<contentMeta><headline>${HEADLINE}</headline></contentMeta>`,
    `<contentSet><inlineData contenttype="${contentType}">${escaped}</inlineData></contentSet>`,
    '</newsItem>',
  ].join('\n');
}
