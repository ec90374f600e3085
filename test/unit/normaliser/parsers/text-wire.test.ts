import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RejectedInputError } from '../../../../shared/domain/errors.js';
import { ninjsProblems } from '../../../../shared/ninjs/validate.js';
import { normaliseObject } from '../../../../shared/normaliser/normalise.js';
import { isAgencyTransmission, lineFeeds, parseText } from '../../../../shared/normaliser/parsers/text.js';
import { DEFAULT_PARSE_LIMITS, type ParseContext } from '../../../../shared/normaliser/parts.js';
import { FIXTURES, WIRE_ARTICLE } from '../../../helpers/paths.js';

const context: ParseContext = { key: 'wire/story.txt', limits: DEFAULT_PARSE_LIMITS };

function parse(text: string) {
  const parts = parseText(text, context);
  assert.equal(parts.body.kind, 'text');
  return { ...parts, paragraphs: parts.body.kind === 'text' ? [...parts.body.paragraphs] : [] };
}

const BODY = 'The storm arrived at dawn.\n\nPower is out across the region.';
const BODY_PARAGRAPHS = ['The storm arrived at dawn.', 'Power is out across the region.'];

describe('plain-text bylines', () => {
  const forms: Array<[string, string, string]> = [
    ['By Jane Doe', 'Jane Doe', 'by'],
    ['• Jane Doe', 'Jane Doe', 'bullet'],
    ['— Jane Doe', 'Jane Doe', 'dash'],
    ['Jane Doe, Reuters', 'Jane Doe, Reuters', 'name-agency'],
  ];
  for (const [line, byline, form] of forms) {
    test(`"${line}" before the body`, () => {
      const parts = parse(`Storm hits coast\n\n${line}\n\n${BODY}`);
      assert.equal(parts.byline, byline);
      assert.deepEqual(parts.paragraphs, BODY_PARAGRAPHS);
      assert.equal(parts.provenance?.by?.rule, `leading-${form}-line`);
    });
    test(`"${line}" after the body`, () => {
      const parts = parse(`Storm hits coast\n\n${BODY}\n\n${line}\n`);
      assert.equal(parts.byline, byline);
      assert.deepEqual(parts.paragraphs, BODY_PARAGRAPHS);
      assert.equal(parts.provenance?.by?.rule, `trailing-${form}-line`);
      assert.ok((parts.provenance?.by?.confidence ?? 0) >= 70);
    });
  }

  test('agency variants, capitals, several authors and the Reuters credit line', () => {
    assert.equal(parse(`H\n\nBy CHARLES ODUM\n\n${BODY}`).byline, 'Charles Odum');
    assert.equal(parse(`H\n\n${BODY}\n\n— Ana de la Cruz (AFP)`).byline, 'Ana de la Cruz, AFP');
    assert.equal(parse(`H\n\nBy Jane Doe and John Roe\n\n${BODY}`).byline, 'Jane Doe and John Roe');
    assert.equal(parse(`H\n\nBy The Associated Press\n\n${BODY}`).byline, 'The Associated Press');
    assert.equal(parse(`H\n\n${BODY}\n\nJohn Roe, AP Sports Writer`).byline, 'John Roe, AP Sports Writer');
    const credit = parse(`H\n\n${BODY}\n\n(Reporting by Jane Doe; Editing by John Roe)`);
    assert.equal(credit.byline, 'Jane Doe');
    assert.deepEqual(credit.paragraphs, BODY_PARAGRAPHS);
  });

  test('real one-line paragraphs are not taken for bylines', () => {
    const oneLiners = [
      '• The company will report its results next week.',
      '— and the talks went on.',
      'Trump, Putin and Erdogan.',
      'Moscow, Russia',
      'Jane Doe, a teacher',
      '• Read More',
      'By Sunday, the town had been evacuated.',
      'By the river, the town waited.',
    ];
    for (const line of oneLiners) {
      const trailing = parse(`Storm hits coast\n\n${BODY}\n\n${line}`);
      assert.equal(trailing.byline, undefined, line);
      assert.equal(trailing.paragraphs.length, 3, line);
      const leading = parse(`Storm hits coast\n\n${line}\n\n${BODY}`);
      assert.equal(leading.byline, undefined, line);
      assert.equal(leading.paragraphs.length, 3, line);
    }
    // A story of one paragraph keeps it, even when it looks like a name line.
    const single = parse('Headline\n\n— Jane Doe');
    assert.deepEqual(single.paragraphs, ['— Jane Doe']);
    // A wrapped last line that happens to be name-shaped stays in its paragraph.
    assert.equal(parse('Headline\n\nThe statement was signed by\nJane Doe, Reuters').byline, undefined);
  });
});

describe('plain-text datelines', () => {
  const datelines: Array<[string, string, string]> = [
    ['SOCHI, Russia (Reuters) — Putin met Erdogan.', 'Sochi, Russia', 'dateline-capitals-agency'],
    ['MOSCOW — Putin met Erdogan.', 'Moscow', 'dateline-capitals'],
    ['Luxembourg (dpa) - Putin met Erdogan.', 'Luxembourg', 'dateline-agency'],
    ['WASHINGTON (AP) _ Putin met Erdogan.', 'Washington', 'dateline-capitals-agency'],
    ['NEW YORK, Jan. 5 (Reuters) - Putin met Erdogan.', 'New York', 'dateline-capitals-agency'],
    ['RIO DE JANEIRO — Putin met Erdogan.', 'Rio de Janeiro', 'dateline-capitals'],
    ['ATLANTA, GA. (AP) -- Putin met Erdogan.', 'Atlanta, GA.', 'dateline-capitals-agency'],
  ];
  for (const [paragraph, located, rule] of datelines) {
    test(`"${paragraph.slice(0, 30)}…" gives located "${located}" and leaves the text`, () => {
      const parts = parse(`Headline\n\n${paragraph}\n\nSecond paragraph.`);
      assert.equal(parts.located, located);
      assert.deepEqual(parts.paragraphs, ['Putin met Erdogan.', 'Second paragraph.']);
      assert.equal(parts.provenance?.located?.rule, rule);
    });
  }

  test('prose that merely contains a dash is not a dateline', () => {
    for (const paragraph of [
      'Britain could - in theory - leave the bloc.',
      'BREAKING - Putin met Erdogan.',
      'US—China trade talks resumed.',
      'Putin (the president) - said nothing.',
      'UPDATE 2 - Putin met Erdogan.',
      'Moscow — a city of 12 million — voted.',
    ]) {
      const parts = parse(`Headline\n\n${paragraph}`);
      assert.equal(parts.located, undefined, paragraph);
      assert.equal(parts.paragraphs[0], paragraph);
    }
  });
});

describe('plain-text paragraphs', () => {
  test('with no blank lines, indented lines start paragraphs', () => {
    const parts = parse(
      'Headline\n\tFirst paragraph starts\nand goes on.\n\tSecond paragraph.\n    Third paragraph.',
    );
    assert.deepEqual(parts.paragraphs, [
      'First paragraph starts and goes on.',
      'Second paragraph.',
      'Third paragraph.',
    ]);
  });

  test('every line indented (agency copy): one paragraph per line', () => {
    const parts = parse('Headline\n   One paragraph.\n   Another paragraph.\n   A third.');
    assert.deepEqual(parts.paragraphs, ['One paragraph.', 'Another paragraph.', 'A third.']);
  });

  test('blank lines win over indentation; wrapped lines are joined', () => {
    const parts = parse('Headline\n\n  First paragraph\n  wrapped.\n\n  Second one.');
    assert.deepEqual(parts.paragraphs, ['First paragraph wrapped.', 'Second one.']);
  });

  test('end marks and control characters are dropped', () => {
    const parts = parse('Headline\n\nThe text.\x07\n\n###\n');
    assert.deepEqual(parts.paragraphs, ['The text.']);
  });
});

describe('robustness', () => {
  test('any mix of wire fragments parses to clean paragraphs or is rejected with a code', () => {
    const fragments = fc.constantFrom(
      ...[
        '\x01',
        '\x02',
        '\x03',
        '\x04',
        '\x16',
        '^',
        '<',
        '=',
        '\n',
        '\r\n',
        '\t',
        ' ',
        'By ',
        '• ',
        '— ',
        ' - ',
        ' _ ',
      ],
      ...[
        '(AP)',
        '(dpa)',
        'MOSCOW',
        'Moscow',
        ', Reuters',
        'Jane Doe',
        'eca00075 3 i 510 dpa 1003',
        '/politics/EU/',
      ],
      ...[
        '2ND LEAD',
        '# Notebook',
        'The talks went on.',
        'Putin',
        "Mr Putin's",
        'U.S.',
        'Erdoğan',
        '"',
        '(ECJ)',
      ],
    );
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 40 }), fc.string({ maxLength: 20 }), (pieces, tail) => {
        try {
          const { paragraphs } = parse(pieces.join('') + tail);
          for (const paragraph of paragraphs) {
            assert.ok(paragraph !== '' && paragraph === paragraph.trim(), JSON.stringify(paragraph));
            // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
            assert.doesNotMatch(paragraph, /[\x00-\x08\x0b-\x1f]/);
          }
        } catch (error) {
          if (!(error instanceof RejectedInputError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  test('150,000 short lines are one wrapped paragraph, not a stack overflow', () => {
    assert.equal(parse(`Headline\n${'word\n'.repeat(150_000)}`).paragraphs.length, 1);
  });
});

describe('ANPA 1312 (AP) transmission: ap_anpa-1.tst', () => {
  // ASCII with control characters and CRLF: latin1 keeps every byte as one character.
  const source = readFileSync(`${FIXTURES}text/ap_anpa-1.tst`, 'latin1');
  const parts = parse(source);

  test('headline, byline with its title, located and summary from the header lines', () => {
    assert.equal(parts.headline, 'Deng has 30 points, short-handed Heat beat Hawks 115-111');
    assert.equal(parts.byline, 'Charles Odum, AP Sports Writer');
    assert.equal(parts.located, 'Atlanta');
    assert.match(parts.summary ?? '', /^Luol Deng scored 30 points .* left knee\.$/);
    assert.deepEqual(parts.provenance?.by, { rule: 'anpa-byline', confidence: 95 });
  });

  test('a clean body: tab-indented lines are paragraphs, no codes, slug, notes or trailer', () => {
    assert.equal(parts.paragraphs.length, 18);
    assert.ok(parts.paragraphs[0]?.startsWith('Luol Deng scored 30 points and Josh McRoberts had 19'));
    assert.equal(parts.paragraphs.at(-1), 'Hawks: Host Milwaukee on Saturday night.');
    for (const paragraph of parts.paragraphs) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
      assert.doesNotMatch(paragraph, /[\x00-\x08\x0b-\x1f]|\^|<\s*$|AP-WF|BC-BKN|AP Photo|Eds:|___/);
      assert.equal(paragraph, paragraph.trim());
    }
  });

  test('slug, priority, category and take key from the header line before STX', () => {
    // `r z DC3 DC1 BC-BKN--Heat-Hawks 1stLd-Writethru   02-20 0500`: regular priority, category z.
    assert.equal(parts.slugline, 'BKN--Heat-Hawks');
    assert.equal(parts.urgency, 5);
    assert.deepEqual(parts.altIds, [
      { role: 'anpa:category', value: 'z' },
      { role: 'anpa:take-key', value: '1stLd-Writethru' },
    ]);
  });

  test('normalises to valid ninjs with the author and the dateline place', async () => {
    const { ninjs } = await normaliseObject({
      key: 'ap/ap_anpa-1.tst',
      bytes: readFileSync(`${FIXTURES}text/ap_anpa-1.tst`),
    });
    assert.deepEqual(ninjsProblems(ninjs), []);
    assert.equal(ninjs.by, 'Charles Odum, AP Sports Writer');
    assert.equal(ninjs.located, 'Atlanta');
    assert.ok(ninjs.people?.some((person) => person.name === 'Charles Odum' && person.rel === 'author'));
  });
});

describe('ANPA 1312 with control characters and no ^ format codes: anpa-controls-no-format-codes.tst (hand-made)', () => {
  const source = readFileSync(`${FIXTURES}text/anpa-controls-no-format-codes.tst`, 'latin1');
  const parts = parse(source);

  test('the headline after the slug line, the header fields, the dateline; no note, code or stamp in the body', () => {
    assert.equal(parts.headline, 'Parliament passes budget after all-night sitting');
    assert.equal(parts.slugline, 'Budget-Vote');
    assert.equal(parts.urgency, 3, 'priority u (urgent)');
    assert.deepEqual(parts.altIds, [
      { role: 'anpa:category', value: 'a' },
      { role: 'anpa:take-key', value: '2ndLd-Writethru' },
    ]);
    assert.equal(parts.located, 'Ottawa');
    assert.equal(parts.paragraphs.length, 4);
    assert.ok(parts.paragraphs[0]?.startsWith('Parliament passed the federal budget early Wednesday'));
    for (const paragraph of parts.paragraphs) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
      assert.doesNotMatch(paragraph, /[\x00-\x08\x0b-\x1f]|Eds:|BC-Budget|AP-NY|<$/);
    }
  });

  test('through the normaliser: published with the headline, slugline and urgency', async () => {
    const { ninjs } = await normaliseObject({
      key: 'ap/anpa-controls.tst',
      bytes: readFileSync(`${FIXTURES}text/anpa-controls-no-format-codes.tst`),
    });
    assert.deepEqual(ninjsProblems(ninjs), []);
    assert.equal(ninjs.headlines?.[0]?.value, 'Parliament passes budget after all-night sitting');
    assert.equal(ninjs.slugline, 'Budget-Vote');
    assert.equal(ninjs.urgency, 3);
  });
});

describe('IPTC 7901 framed by SOH/STX/ETX/EOT: iptc7901-framed.txt (hand-made)', () => {
  const parts = parse(readFileSync(`${FIXTURES}text/iptc7901-framed.txt`, 'latin1'));

  test('the headline on the STX line ends where the text starts (no blank line between)', () => {
    assert.equal(parts.headline, 'Bundestag beschließt Haushalt 2025');
    assert.equal(parts.located, 'Berlin');
    assert.equal(parts.urgency, 3);
    assert.deepEqual(parts.altIds, [{ role: 'iptc7901:category', value: 'pl' }]);
    assert.equal(parts.slugline, 'Politik/Deutschland/Haushalt');
    assert.deepEqual(parts.keywords, ['Politik', 'Deutschland', 'Haushalt']);
    assert.equal(parts.paragraphs.length, 2);
    assert.ok(parts.paragraphs[0]?.startsWith('Der Bundestag hat am Freitag den Haushalt'));
    assert.ok(!parts.paragraphs.join(' ').includes('Kontakt'), 'the note not for publication is left out');
  });
});

describe('IPTC 7901 (dpa) transmission: dpa.txt', () => {
  // UTF-8; the file already holds a U+FFFD in its editors' notes.
  const source = readFileSync(`${FIXTURES}text/dpa.txt`, 'utf8');
  const parts = parse(source);

  test('headline, byline, located and keywords from the header', () => {
    assert.equal(parts.headline, 'Top EU court: Britain can unilaterally reverse Brexit decision');
    assert.equal(parts.byline, 'Helen Maguire, dpa');
    assert.equal(parts.located, 'Luxembourg');
    assert.deepEqual(parts.keywords, ['politics', 'Britain', 'EU', 'Brexit', 'justice']);
  });

  test('priority, category, slug and take keys from the header (`eca00075 3 i 510    dpa 1003`)', () => {
    assert.equal(parts.urgency, 3);
    assert.equal(parts.slugline, 'politics/Britain/EU/Brexit/justice');
    assert.deepEqual(parts.altIds, [
      { role: 'iptc7901:category', value: 'i' },
      { role: 'iptc7901:take-key', value: '2ND LEAD; 3RD NET' },
    ]);
  });

  test('a clean body: no header line, take keys, notebook, notes not for publication or stamps', () => {
    assert.equal(parts.paragraphs.length, 18);
    assert.ok(
      parts.paragraphs[0]?.startsWith('Britain could unilaterally decide not to leave the European Union,'),
    );
    assert.ok(
      parts.paragraphs.at(-1)?.endsWith('while those in favour of a softer Brexit say it goes too far.'),
    );
    const body = parts.paragraphs.join('\n');
    for (const leftover of [
      'eca00075',
      '2ND LEAD',
      '3RD NET',
      '/politics/',
      'Notebook',
      'dpaq.de',
      'not intended for publication',
      'dpa hm',
      'GMT',
      '\uFFFD',
      ' =',
      'By Helen',
    ]) {
      assert.ok(!body.includes(leftover), leftover);
    }
  });

  test('the same format framed by SOH/STX/ETX/EOT control characters', () => {
    const framed = parse(
      '\x01abc00012 2 p 120 xyz\r\n\x02/sport/football/\r\nEIL\r\nCup final goes to penalties\r\nBy Ana de la Cruz, AFP =\r\n \r\n' +
        'MADRID (AFP) - The final went to penalties.\r\n\r\nThe home side won.\r\n\x03\x04',
    );
    assert.equal(framed.headline, 'Cup final goes to penalties');
    assert.equal(framed.urgency, 2);
    assert.deepEqual(framed.altIds, [
      { role: 'iptc7901:category', value: 'p' },
      { role: 'iptc7901:take-key', value: 'EIL' },
    ]);
    assert.equal(framed.byline, 'Ana de la Cruz, AFP');
    assert.equal(framed.located, 'Madrid');
    assert.deepEqual(framed.keywords, ['sport', 'football']);
    assert.deepEqual(framed.paragraphs, ['The final went to penalties.', 'The home side won.']);
  });

  test('is recognised as an agency transmission (for format detection)', () => {
    assert.equal(isAgencyTransmission(source), true);
    assert.equal(isAgencyTransmission(readFileSync(`${FIXTURES}text/ap_anpa-1.tst`, 'latin1')), true);
    assert.equal(isAgencyTransmission(readFileSync(WIRE_ARTICLE, 'utf8')), false);
    assert.equal(isAgencyTransmission('# Notes\n\n- a list\n- [link](http://example.com)'), false);
  });

  test('detection reads only the head of the text, with the same answer as the whole normalised text', () => {
    // The reference: the text normalised whole (BOM, line ends, control characters), as parseText does.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: transmission control characters are the point
    const controls = /[\x00-\x08\x0b-\x1f\x7f]/g;
    const header = /^[a-z]{1,4}\d{2,6}\s+\d\s+[a-z]{1,3}\s+\d{1,5}\b/i;
    const reference = (text: string) => {
      const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
      const first = source.replace(controls, '').trimStart().split('\n', 1)[0] ?? '';
      if (header.test(first)) return true;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANPA framing characters
      if (/^[\x16\x01]/.test(source)) return true;
      const stx = source.indexOf('\x02');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: STX before a format line
      return stx >= 0 && stx < 400 && /\n\x02?\^/.test(source.slice(0, 2000));
    };
    const piece = fc.constantFrom(
      'eca00075 3 i 510 dpa 1003',
      'abc00012 2 p 120',
      'Headline',
      ' ',
      '\t',
      '\u00a0',
      '\ufeff',
      '\r',
      '\n',
      '\r\n',
      '\x01',
      '\x02',
      '\x16',
      '\x1c',
      '^',
      'x'.repeat(700),
      '\r\n'.repeat(700),
    );
    const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, (input) => isAgencyTransmission(input) === reference(input)),
      { numRuns: 5_000 },
    );
  });

  test('normalises to valid ninjs when read as text', async () => {
    // Its trailer has Markdown headings and links, so detection alone would call it Markdown.
    const { ninjs } = await normaliseObject(
      { key: 'dpa/dpa.txt', bytes: readFileSync(`${FIXTURES}text/dpa.txt`) },
      { format: 'text' },
    );
    assert.deepEqual(ninjsProblems(ninjs), []);
    assert.equal(ninjs.by, 'Helen Maguire, dpa');
    assert.equal(ninjs.located, 'Luxembourg');
  });
});

describe('the reference wire article', () => {
  const text = readFileSync(WIRE_ARTICLE, 'utf8');
  const parts = parse(text);

  test('keeps its headline, trailing bullet byline and every paragraph', () => {
    assert.equal(parts.headline, 'Trump, Putin signal new effort to cooperate on Syria');
    assert.equal(parts.byline, 'Leroy Wright');
    assert.equal(parts.provenance?.by?.rule, 'trailing-bullet-line');
    assert.equal(parts.located, undefined);
    const blocks = text
      .split(/\n\s*\n/)
      .map((block) => block.trim())
      .filter(Boolean);
    assert.deepEqual(parts.paragraphs, blocks.slice(1, -1));
  });
});

describe('line endings', () => {
  test('CR LF and lone CR become LF; text without CR is returned as it is', () => {
    assert.equal(lineFeeds('a\r\nb\rc\n\r\nd'), 'a\nb\nc\n\nd');
    const plain = 'no carriage return\nhere';
    assert.equal(lineFeeds(plain), plain);
  });
});
