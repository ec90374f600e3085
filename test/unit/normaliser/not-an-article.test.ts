import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { RejectedInputError } from '../../../shared/domain/errors.js';
import { droppedFields } from '../../../shared/normaliser/lenient.js';
import { normaliseObject } from '../../../shared/normaliser/normalise.js';
import { FIXTURES } from '../../helpers/paths.js';

async function refusal(key: string, bytes: Uint8Array): Promise<RejectedInputError> {
  try {
    await normaliseObject({ key, bytes });
  } catch (error) {
    assert.ok(error instanceof RejectedInputError, String(error));
    return error;
  }
  assert.fail(`${key} was accepted`);
}

describe('what is not an article is refused, and says what it is', () => {
  test('a PDF whose content is all printable text (hand-made fixture) is UNSUPPORTED_FORMAT, named', async () => {
    const bytes = readFileSync(`${FIXTURES}pdf/text-only.pdf`);
    assert.equal(bytes.subarray(0, 8).toString('latin1'), '%PDF-1.4');
    const error = await refusal('cp/budget.txt', bytes);
    assert.equal(error.code, 'UNSUPPORTED_FORMAT');
    assert.match(error.message, /a PDF document/);
  });

  test('Office files by their signatures: OLE2 (D0 CF 11 E0 A1 B1 1A E1) and a docx zip package', async () => {
    const ole2 = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504, 0x20),
    ]);
    assert.match((await refusal('a/story.doc.txt', ole2)).message, /an Office document \(OLE2/);
    const docx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(26),
      Buffer.from('[Content_Types].xml...word/document.xml'),
    ]);
    assert.match((await refusal('a/story.md', docx)).message, /a Word document \(\.docx\)/);
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(26),
      Buffer.from('story.txt'),
    ]);
    assert.match(
      (await refusal('a/story.txt', zip)).message,
      /a zip archive, not a text article format; upload the files inside one by one/,
    );
  });

  test('text of only Unicode spaces, zero-width and format characters is EMPTY', async () => {
    const invisible = Buffer.from('\u200b\u00a0\u2003\n\u200c\u200d\u2060\u00ad\ufeff\u3000\n');
    assert.equal((await refusal('a/blank.txt', invisible)).code, 'EMPTY');
  });

  test('a JSON array at the top level is NO_ARTICLE, even with one article in it', async () => {
    const item = { headline: 'Council approves budget', body_text: 'The council voted on Tuesday.' };
    const error = await refusal('a/feed.json', Buffer.from(JSON.stringify([item])));
    assert.equal(error.code, 'NO_ARTICLE');
    assert.match(error.message, /JSON array/);
  });
});

describe('a dropped optional field is counted by field', () => {
  test('the Canadian-Press-style NITF (hand-made fixture) drops only its placeholder release time', async () => {
    const article = await normaliseObject({
      key: 'cp/bank-rate.xml',
      bytes: readFileSync(`${FIXTURES}nitf/cp-placeholder-release.xml`),
    });
    assert.deepEqual(droppedFields(article.provenance), ['embargoedUntil']);
    assert.equal(article.ninjs.pubStatus, 'usable');
  });
});
