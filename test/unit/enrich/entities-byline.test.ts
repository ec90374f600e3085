import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findEntities } from '../../../shared/enrich/entities.js';

const BYLINES = [
  'By Jane Doe, Reuters',
  'Jane Doe and John Roe',
  'AP Sports Writer',
  'NITF Network News Online',
  'By Rex W. Tillerson',
];
const TEXTS = [
  'Jane Doe said on Tuesday that Vladimir Putin met officials in Moscow.',
  'John Roe of the Scottish National Party spoke in Paris. Roe said talks would go on.',
  'Rex Tillerson arrived in Washington. Tillerson said little.',
];

describe('entities from bylines', () => {
  test('a byline seen before (remembered) names the same entities as the first time', () => {
    const first = BYLINES.flatMap((byline) => TEXTS.map((text) => findEntities(text, { byline })));
    const again = BYLINES.flatMap((byline) => TEXTS.map((text) => findEntities(text, { byline })));
    assert.deepEqual(again, first);
    // Entities of one article are not shared with the next: marking one changes no other result.
    (first[0]?.people[0] as { rel?: string }).rel = 'changed';
    assert.notEqual(
      findEntities(TEXTS[0] as string, { byline: BYLINES[0] as string }).people[0]?.rel,
      'changed',
    );
  });
});
