/** `syndicate partners list` and `partners preview` as a user runs them (a separate process). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ArticleEnvelope } from '../../contract/article-envelope.js';
import { envelopeProblems } from '../../contract/validate.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';
import { syndicate as run } from '../helpers/cli.js';
import { SAMPLE_ARTICLES, WIRE_ARTICLE } from '../helpers/paths.js';

const syndicate = (...args: string[]) => run(args);

/** The message `preview` prints after its explanation. */
function printedMessage(stdout: string): ArticleEnvelope {
  return JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1)) as ArticleEnvelope;
}

describe('syndicate partners', () => {
  test('list shows each partner of config/partners.json with its delivery, filters, payload and SNS policy', () => {
    const { status, stdout } = syndicate('partners', 'list');
    assert.equal(status, 0);
    for (const partner of loadPartnerRegistry()) {
      assert.match(stdout, new RegExp(`^${partner.name} \\(${partner.delivery.type}\\)`, 'm'));
    }
    assert.match(stdout, /delivery: a queue we create/);
    assert.match(stdout, /payload: summary only: no bodies, no link to the full text/);
    // The payload variant is a topic of its own, not a filter key.
    assert.match(stdout, /SNS filter policy: \{"subjects":\["medtop:15000000"\]\}\n/);
  });

  test('preview says a matching partner would receive the file, under which rules, and prints a valid message', () => {
    const { status, stdout } = syndicate(
      'partners',
      'preview',
      'politics-conflict-en',
      WIRE_ARTICLE,
      '--source',
      'wire',
    );
    assert.equal(status, 0);
    assert.match(stdout, /^politics-conflict-en WOULD RECEIVE wire\/trump-putin-syria\.txt/);
    assert.match(stdout, /subjects: "medtop:16000000" matched \(conflict, war and peace\)/);
    assert.match(stdout, /language: "en" matched by "en"/);
    const envelope = printedMessage(stdout);
    assert.deepEqual(envelopeProblems(envelope), []);
    assert.equal(envelope.source, 'wire');
  });

  test('preview says why a partner would not receive it, and exits 1', () => {
    const { status, stdout } = syndicate(
      'partners',
      'preview',
      'politics-conflict-en',
      `${SAMPLE_ARTICLES}sportswire/harbour-city-cup-final.txt`,
    );
    assert.equal(status, 1);
    assert.match(stdout, /would NOT receive/);
    assert.match(stdout, /subjects: no condition matched \(message has \[.*medtop:15000000/);
  });

  test('preview of a summary partner not entitled to the full text shows the summary variant with no link and no bodies', () => {
    const { status, stdout } = syndicate('partners', 'preview', 'headline-ticker', WIRE_ARTICLE);
    assert.equal(status, 0);
    const envelope = printedMessage(stdout);
    assert.equal(envelope.payload, 'summary');
    assert.equal(envelope.link, undefined);
    assert.equal(envelope.ninjs.bodies, undefined);
    assert.deepEqual(envelopeProblems(envelope), []);
  });

  test('an unknown partner or a missing file argument is a usage error', () => {
    assert.equal(syndicate('partners', 'preview', 'nobody', WIRE_ARTICLE).status, 2);
    const { status, stderr } = syndicate('partners', 'preview', 'sports-desk');
    assert.equal(status, 2);
    assert.match(
      stderr,
      /^syndicate: partners preview needs FILE \(usage: syndicate partners preview PARTNER FILE/,
    );
  });
});
