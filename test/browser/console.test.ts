/**
 * The operator console in a real browser: Debian's Chromium driven by playwright-core, against a
 * LocalPipeline and the console started here. An operator drops an article and sees it published and
 * delivered; edits it and reads the difference between the versions; drops a broken file and sees why
 * it was refused; finds a message in a dead-letter queue and redrives it from the page.
 * With SYNDICATE_SCREENSHOTS=1 the main pages are saved as screenshots into docs/console/ for the
 * README (off by default, so that a test run leaves the working tree as it found it).
 *
 *   npm run test:browser          (needs Chromium: apt-get install -y chromium; SYNDICATE_CHROMIUM=path overrides)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningConsole, startConsole } from '../../local/console/server.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { buildConsole } from '../../scripts/build-console.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { REPO_ROOT, WIRE_ARTICLE } from '../helpers/paths.js';

const CHROMIUM = process.env.SYNDICATE_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = `${REPO_ROOT}docs/console/`;
/** The page reads its data every 2 s: allow a few rounds on a busy machine. */
const SEEN_WITHIN_MS = 15_000;

const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    {
      name: 'politics-en',
      delivery: { type: 'sqs' },
      filters: { subjects: ['medtop:11000000', 'medtop:16000000'], languages: ['en'] },
    },
    { name: 'sport-only', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
  ],
});

const WIRE_KEY = 'wire/trump-putin-syria.txt';
const WIRE_URI = 'urn:syndicate:wire/trump-putin-syria.txt';
const WIRE_HEADLINE = 'Trump, Putin signal new effort to cooperate on Syria';
const EDITED_HEADLINE = 'Trump, Putin signal new effort to cooperate on Syria and Iraq';
const BROKEN_KEY = 'wire/blank.txt';

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set SYNDICATE_CHROMIUM`;

describe('operator console in Chromium', { skip }, () => {
  let pipeline: LocalPipeline;
  let consoleServer: RunningConsole;
  let browser: Browser;
  let page: Page;

  const screenshot = async (name: string) => {
    if (process.env.SYNDICATE_SCREENSHOTS === '1')
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  };

  before(async () => {
    await buildConsole();
    mkdirSync(SCREENSHOTS, { recursive: true });
    pipeline = await LocalPipeline.start(partners);
    consoleServer = await startConsole({ pipeline });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // No sandbox as root (CI); no background traffic, which a machine without network refuses.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(SEEN_WITHIN_MS);
  });

  after(async () => {
    await browser?.close();
    await consoleServer?.close();
    await pipeline?.stop();
  });

  test('a dropped article shows as published, and which partners it reached', async () => {
    await pipeline.upload(WIRE_KEY, readFileSync(WIRE_ARTICLE));
    await page.goto(consoleServer.url);
    const row = page.locator('table.articles tbody tr', { hasText: WIRE_HEADLINE });
    await row.waitFor();
    assert.equal(await row.locator('.status').textContent(), 'usable');
    // Delivered to the catch-all and the English politics partner: two deliveries.
    await row.locator('td.number').last().filter({ hasText: /^2$/ }).waitFor();
    await screenshot('articles');

    // Search: the source it came from finds it; another source does not.
    await page.getByPlaceholder('source').fill('sportswire');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('p.count', { hasText: '0 articles' }).waitFor();
    await page.getByPlaceholder('source').fill('wire');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('p.count', { hasText: '1 article' }).waitFor();
    assert.match(page.url(), /#\/articles\?source=wire$/);

    await row.getByRole('link', { name: WIRE_HEADLINE }).click();
    await page.getByRole('heading', { level: 1, name: WIRE_HEADLINE }).waitFor();
    // A politics story in English: the catch-all and the politics partner, not the sport one.
    await page.locator('table.deliveries tr[data-partner="everything"]').waitFor();
    await page.locator('table.deliveries tr[data-partner="politics-en"]').waitFor();
    assert.equal(await page.locator('table.deliveries tr[data-partner="sport-only"]').count(), 0);
    const first = page.locator('table.deliveries tr[data-partner="everything"] td');
    assert.equal(await first.nth(1).textContent(), '1');
    assert.equal(await first.nth(2).textContent(), 'article.published');
    // Provenance (what --explain shows) and the document of the open version.
    await page.locator('table.provenance').getByText('language', { exact: true }).waitFor();
    assert.match(
      (await page.locator('pre.ninjs').textContent()) ?? '',
      /"uri": "urn:syndicate:wire\/trump-putin-syria.txt"/,
    );
    await screenshot('article');
  });

  test('after an edit, the versions and the difference between them', async () => {
    const edited = readFileSync(WIRE_ARTICLE, 'utf8').replace(WIRE_HEADLINE, EDITED_HEADLINE);
    assert.notEqual(
      edited,
      readFileSync(WIRE_ARTICLE, 'utf8'),
      'the sample article starts with its headline',
    );
    await pipeline.upload(WIRE_KEY, edited);
    await page.goto(`${consoleServer.url}#/article?uri=${encodeURIComponent(WIRE_URI)}`);
    await page.locator('table.versions tr[data-version="2"]').waitFor();
    await page.getByRole('heading', { level: 1, name: EDITED_HEADLINE }).waitFor();
    const headlineChange = page.locator('.changes tr', { hasText: 'headlines[0].value' });
    await headlineChange.waitFor();
    assert.equal(await headlineChange.locator('ins').textContent(), ' and Iraq');
    assert.equal(await headlineChange.locator('del').count(), 0);
    // The update reached the same partners as version 1.
    await page
      .locator('table.deliveries tr[data-partner="everything"]', { hasText: 'article.updated' })
      .waitFor();
    await screenshot('article-diff');

    // Replay the current version to every partner whose filter takes it, after confirming.
    await page.getByRole('button', { name: 'Replay to all partners' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm' });
    await dialog
      .getByText(`Replay ${WIRE_URI} v2 (usable) to every partner whose filter takes it.`)
      .waitFor();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('output', { hasText: `replayed ${WIRE_URI}` }).waitFor();
    await page
      .locator('table.deliveries tr[data-partner="politics-en"]', { hasText: 'article.replayed' })
      .waitFor();
    assert.equal(
      await page.locator('table.deliveries tr[data-partner="sport-only"]').count(),
      0,
      'a replay goes through the filters as the original did',
    );
  });

  test('a broken file shows as a rejection with its code and reason', async () => {
    await pipeline.upload(BROKEN_KEY, ' \n\t \n');
    await page.goto(`${consoleServer.url}#/rejections`);
    const row = page.locator(`table.rejections tr[data-key="${BROKEN_KEY}"]`);
    await row.waitFor();
    assert.equal(await row.locator('code').textContent(), 'EMPTY');
    assert.equal(await row.locator('.message').textContent(), 'the object is empty or holds only whitespace');
    // The link serves the quarantined original's bytes as a download.
    const href = await row.getByRole('link', { name: 'download' }).getAttribute('href');
    const original = await page.request.get(new URL(href ?? '', consoleServer.url).toString());
    assert.equal(original.status(), 200);
    assert.equal(await original.text(), ' \n\t \n');
    assert.match(original.headers()['content-disposition'] ?? '', /^attachment/);
    await screenshot('rejections');
  });

  test('a message in a dead-letter queue is redriven from the page, after a confirmation', async () => {
    const everything = pipeline.resources.partnerQueues.find(({ partner }) => partner.name === 'everything');
    assert.ok(everything);
    const depth = async (url: string) => {
      const { Attributes } = await pipeline.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages);
    };
    const delivered = pipeline.deliveries.find((delivery) => delivery.partner === 'everything');
    assert.ok(delivered);
    await pipeline.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: everything.deadLetterQueue.url,
        MessageBody: JSON.stringify(delivered.envelope),
      }),
    );
    const queueBefore = await depth(everything.queue.url);
    assert.equal(await depth(everything.deadLetterQueue.url), 1);

    await page.goto(`${consoleServer.url}#/health`);
    await page.locator('.alarms', { hasText: 'n/a locally' }).waitFor();
    const row = page.locator(`tr[data-queue="${everything.deadLetterQueue.name}"]`);
    await row.locator('td.number').first().filter({ hasText: /^1$/ }).waitFor();
    await screenshot('health');
    await row.getByRole('button', { name: 'Redrive' }).click();
    const dialog = row.getByRole('dialog', { name: 'Confirm' });
    await dialog.getByText(`Redrive ${everything.deadLetterQueue.name} (1 waiting`).waitFor();
    // Nothing moves before the operator confirms.
    assert.equal(await depth(everything.deadLetterQueue.url), 1);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await row.locator('output', { hasText: `${everything.deadLetterQueue.name}: 1 moved back` }).waitFor();
    assert.equal(await depth(everything.deadLetterQueue.url), 0);
    assert.equal(await depth(everything.queue.url), queueBefore + 1);
  });

  test('the partners page shows filters, depths and the latency chart', async () => {
    await page.goto(`${consoleServer.url}#/partners`);
    const row = page.locator('table.partners tr[data-partner="everything"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /\{\}/);
    await page
      .locator('table.partners tr[data-partner="sport-only"]', { hasText: '"medtop:15000000"' })
      .waitFor();
    // uPlot draws into a canvas inside the chart box.
    await page.locator('.chart canvas').waitFor();
    await screenshot('partners');
  });
});
