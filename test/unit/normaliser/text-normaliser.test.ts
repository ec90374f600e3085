import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { RejectedInputError } from '../../../shared/domain/errors.js';
import { ninjsProblems } from '../../../shared/ninjs/validate.js';
import { isPlainlyEnglish, isRunningText } from '../../../shared/normaliser/assemble.js';
import { normaliseObject } from '../../../shared/normaliser/normalise.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const wireBytes = readFileSync(WIRE_ARTICLE);
const wireText = wireBytes.toString('utf8');

function textOf(text: string, key = 'wire/story.txt') {
  return normaliseObject({ key, bytes: Buffer.from(text, 'utf8') });
}

async function rejectionCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof RejectedInputError, `expected a RejectedInputError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected the input to be rejected');
}

describe('plain-text normaliser on the reference wire article', async () => {
  const { ninjs, contentHash, subjectCodes, source } = await normaliseObject({
    key: 'wire/trump-putin.txt',
    bytes: wireBytes,
  });
  const plain = ninjs.bodies?.find((body) => body.contentType === 'text/plain');
  const html = ninjs.bodies?.find((body) => body.contentType === 'text/html');

  test('is valid ninjs 3.2', () => {
    assert.deepEqual(ninjsProblems(ninjs), []);
  });

  test('takes the headline from the first line', () => {
    assert.deepEqual(ninjs.headlines?.[0]?.value, 'Trump, Putin signal new effort to cooperate on Syria');
  });

  test('takes the byline from the trailing bullet line and keeps it out of the body', () => {
    assert.equal(ninjs.by, 'Leroy Wright');
    assert.ok(plain && !plain.value.includes('Leroy Wright'));
    assert.ok(html && !html.value.includes('Leroy Wright'));
  });

  test('keeps every paragraph, in order, in both bodies', () => {
    // Blocks of the source separated by blank lines, minus the headline and the byline.
    const blocks = wireText
      .split(/\n\s*\n/)
      .map((block) => block.trim())
      .filter(Boolean);
    const paragraphs = blocks.slice(1, -1);
    assert.equal(plain?.value.split('\n\n').length, paragraphs.length);
    assert.equal(html?.value.match(/<p>/g)?.length, paragraphs.length);
    assert.ok(plain?.value.startsWith('The presidents of Russian Federation and Turkey'));
    assert.ok(plain?.value.endsWith('whoever was responsible should be punished.'));
    // Text is escaped for HTML, not changed.
    assert.ok(html?.value.includes("Mr Putin's continued support"));
  });

  test('counts words and characters of the body', () => {
    const words = plain?.value.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length ?? 0;
    assert.ok(
      plain?.wordCount && Math.abs(plain.wordCount - words) / words < 0.05,
      `${plain?.wordCount} vs ~${words}`,
    );
    assert.equal(plain?.charCount, plain?.value.length);
  });

  test('detects English and tags conflict subjects with their ancestors for filtering', () => {
    assert.equal(ninjs.language, 'en');
    assert.ok(
      ninjs.subjects?.some((subject) => subject.uri === 'http://cv.iptc.org/newscodes/mediatopic/16000000'),
    );
    assert.ok(subjectCodes.includes('medtop:16000000'));
  });

  test('derives a stable uri, the publisher and the object key from the key', () => {
    assert.equal(ninjs.uri, 'urn:syndicate:wire/trump-putin.txt');
    assert.equal(source, 'wire');
    assert.match(contentHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(ninjs.altIds, [
      { role: 'objectKey', value: 'wire/trump-putin.txt' },
      { role: 'contentHash', value: `sha256:${contentHash}` },
    ]);
  });
});

describe('plain-text normaliser on variations', () => {
  test('a leading "By" line is the byline', async () => {
    const { ninjs } = await textOf(
      'Storm hits coast\n\nBy Jane Doe\n\nThe storm arrived at dawn.\n\nPower is out.',
    );
    assert.equal(ninjs.by, 'Jane Doe');
    assert.equal(ninjs.bodies?.[1]?.value, 'The storm arrived at dawn.\n\nPower is out.');
  });

  test('an em-dash trailing line is the byline; CRLF and a UTF-8 BOM are handled', async () => {
    const { ninjs } = await textOf(
      '\uFEFFHeadline here\r\n\r\nFirst paragraph\r\nwrapped.\r\n\r\n— John Smith\r\n',
    );
    assert.equal(ninjs.by, 'John Smith');
    assert.equal(ninjs.headlines?.[0]?.value, 'Headline here');
    assert.equal(ninjs.bodies?.[1]?.value, 'First paragraph wrapped.');
  });

  test('markup in text is escaped in the HTML body', async () => {
    const { ninjs } = await textOf('Headline\n\nA <script>alert(1)</script> & more');
    assert.equal(ninjs.bodies?.[0]?.value, '<p>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>');
  });

  test('text is NFC-normalised', async () => {
    const decomposed = 'Erdog\u0306an visits\n\nErdog\u0306an met Putin.';
    const { ninjs } = await textOf(decomposed);
    assert.equal(ninjs.headlines?.[0]?.value, 'Erdoğan visits');
  });

  test('the same content gives the same hash; changed content a different one', async () => {
    const a = await textOf('Headline\n\nBody one.');
    const b = await textOf('Headline\n\nBody one.');
    const c = await textOf('Headline\n\nBody two.');
    assert.equal(a.contentHash, b.contentHash);
    assert.notEqual(a.contentHash, c.contentHash);
  });

  test('keys with spaces and unicode still give a valid uri', async () => {
    const { ninjs } = await textOf('Headline\n\nBody.', 'agence/été 2026/a+b %.txt');
    assert.equal(ninjs.uri, 'urn:syndicate:agence/%C3%A9t%C3%A9%202026/a%2Bb%20%25.txt');
    assert.deepEqual(ninjsProblems(ninjs), []);
  });
});

describe('language of text that states none', () => {
  test('plainly English text is English by its function words, without the statistical detector', async () => {
    const { ninjs, provenance } = await normaliseObject({ key: 'wire/trump-putin.txt', bytes: wireBytes });
    assert.equal(ninjs.language, 'en');
    assert.deepEqual(provenance.language, { rule: 'english-function-words', confidence: 90 });
  });

  test('other languages go to tinyld, also when they use "of" or "to"', async () => {
    const german = await textOf(
      'Bundestag beschließt neues Gesetz\n\nDer Bundestag hat am Donnerstag ein neues Gesetz zur Förderung der erneuerbaren Energien beschlossen. Die Abgeordneten stimmten mit großer Mehrheit für den Entwurf der Regierung.',
    );
    assert.equal(german.ninjs.language, 'de');
    assert.equal(german.provenance.language?.rule, 'tinyld');
    const dutch = await textOf(
      'Kabinet twijfelt over nieuwe regels\n\nHet kabinet weet nog niet of de nieuwe regels voor de woningmarkt op tijd klaar zijn. De minister zei dat hij het voorstel of volgende week of in maart naar de Kamer stuurt.',
    );
    assert.equal(dutch.ninjs.language, 'nl');
    assert.equal(dutch.provenance.language?.rule, 'tinyld');
  });

  test('a list of names is not running text: no language is detected from it', async () => {
    assert.equal(
      isRunningText('Mexico: Talavera, M. Herrera, I. Jimenez, Torres Nilo, Rivas, Jonathan, Guemez.'),
      false,
    );
    assert.equal(isRunningText('Der Trainer von Borussia Dortmund regte sich über den Elfmeter auf.'), true);
    assert.equal(isRunningText('رئيس الوزراء يزور العاصمة'), true);
    const lineUp = await textOf(
      'Cup final teams\n\nHarbour City: Smith, Jones, Brown, Taylor, Wilson, Evans, Thomas, Roberts, Walker, Wright, Green.\n\nRiverside United: Hall, Wood, Clarke, Hughes, Edwards, Turner, Hill, Moore, Cooper, Ward, King.',
    );
    assert.equal(lineUp.ninjs.language, undefined);
  });

  test('the function-word rule needs "the" and one function word every 100 characters', () => {
    assert.equal(isPlainlyEnglish('The talks of the two leaders went on to the evening.'), true);
    assert.equal(isPlainlyEnglish('Talks of leaders and ministers went on to evening.'), false);
    assert.equal(
      isPlainlyEnglish(`The result of ${'long words without any function word '.repeat(5)}`),
      false,
    );
    assert.equal(
      isPlainlyEnglish('To jest to, o czym mówił premier: to nie koniec, to dopiero początek.'),
      false,
    );
  });
});

describe('plain-text normaliser rejections', () => {
  test('empty and whitespace-only objects', async () => {
    assert.equal(await rejectionCode(() => textOf('')), 'EMPTY');
    assert.equal(await rejectionCode(() => textOf(' \n\t\n ')), 'EMPTY');
  });

  test('binary data', async () => {
    assert.equal(
      await rejectionCode(() =>
        normaliseObject({ key: 'a.txt', bytes: Uint8Array.from([0x89, 0x50, 0x00, 0x01]) }),
      ),
      'BINARY',
    );
  });

  test('a UTF-8 byte order mark followed by bytes that are not UTF-8', async () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x48, 0xe9, 0x0a, 0x0a, 0x41]);
    assert.equal(await rejectionCode(() => normaliseObject({ key: 'a.txt', bytes })), 'ENCODING');
  });

  test('a headline with no body', async () => {
    assert.equal(await rejectionCode(() => textOf('Only a headline\n')), 'NO_BODY');
  });

  test('a first line too long to be a headline', async () => {
    assert.equal(await rejectionCode(() => textOf(`${'word '.repeat(100)}\n\nBody.`)), 'NO_HEADLINE');
  });

  test('a page with no article and a JSON value that is not an article', async () => {
    assert.equal(await rejectionCode(() => textOf('<html><body><p>Hi</p></body></html>')), 'NO_ARTICLE');
    assert.equal(await rejectionCode(() => textOf('[1, 2]')), 'NO_ARTICLE');
  });

  test('objects over the size limit', async () => {
    assert.equal(
      await rejectionCode(() => normaliseObject({ key: 'a.txt', bytes: new Uint8Array(6 * 1024 * 1024) })),
      'TOO_LARGE',
    );
  });
});

describe('plain-text bylines at the end', () => {
  test('a trailing "By" line is the byline; prose that starts with "By" is not', async () => {
    assert.equal((await textOf('Headline\n\nThe text.\n\nBy Sam Reporter\n')).ninjs.by, 'Sam Reporter');
    assert.equal(
      (await textOf('Headline\n\nText.\n\nBy Ana de la Cruz, Reuters')).ninjs.by,
      'Ana de la Cruz, Reuters',
    );
    const prose = await textOf('Headline\n\nBy the river, the town waited.\n\nNobody came.');
    assert.equal(prose.ninjs.by, undefined);
    assert.equal(prose.ninjs.bodies?.[1]?.value.split('\n\n').length, 2);
  });
});
