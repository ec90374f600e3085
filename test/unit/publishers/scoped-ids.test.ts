/**
 * Ids are scoped to their publisher: an input id can only address articles of the source that
 * created them, whatever the format carrying it; keys that read as other paths name no article; with
 * a registry, only registered prefixes are sources.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../../shared/adapters/memory/in-memory.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { withdrawObject } from '../../../shared/usecases/withdraw-object.js';

const BUCKET = 'ingest';
const REUTERS_KEY = 'reuters/rates.txt';
const REUTERS_URI = 'urn:syndicate:reuters/rates.txt';
const REUTERS_TEXT = 'Central bank holds rates\n\nThe central bank left its main rate unchanged on Thursday.';

function setup(publishers?: readonly string[]) {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const quarantine = new InMemoryQuarantine();
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  const deps = {
    objects,
    index,
    quarantine,
    now,
    ...(publishers ? { publishers: new Set(publishers) } : {}),
  };
  let sequencer = 0;
  const drop = async (key: string, text: string) => {
    objects.put(BUCKET, { key, bytes: Buffer.from(text) });
    sequencer++;
    return ingestObject(deps, { bucket: BUCKET, key, sequencer: sequencer.toString(16).padStart(4, '0') });
  };
  const remove = async (key: string) => {
    objects.delete(BUCKET, key);
    sequencer++;
    return withdrawObject(deps, { bucket: BUCKET, key, sequencer: sequencer.toString(16).padStart(4, '0') });
  };
  return { index, quarantine, drop, remove };
}

const ninjs = (fields: Record<string, unknown>) =>
  JSON.stringify({
    headlines: [{ role: 'main', value: 'Rates cut to zero, says a fake' }],
    bodies: [{ role: 'main', contentType: 'text/plain', value: 'A story that is not what Reuters wrote.' }],
    ...fields,
  });

describe('ids are scoped to their publisher', () => {
  test("a urn:syndicate: id naming another source's article is FOREIGN_ID, quarantined, and the article untouched", async () => {
    const { index, quarantine, drop, remove } = setup();
    assert.deepEqual(await drop(REUTERS_KEY, REUTERS_TEXT), {
      status: 'published',
      uri: REUTERS_URI,
      version: 1,
      droppedFields: [],
    });
    const before = await index.current(REUTERS_URI);
    const outcome = await drop('evil/x.json', ninjs({ uri: REUTERS_URI }));
    assert.equal(outcome.status, 'rejected');
    assert.equal('code' in outcome && outcome.code, 'FOREIGN_ID');
    assert.match('reason' in outcome ? outcome.reason : '', /'reuters'/);
    assert.deepEqual(quarantine.kept, [{ key: 'evil/x.json', code: 'FOREIGN_ID' }]);
    assert.deepEqual(await index.current(REUTERS_URI), before);
    // The owner still updates and withdraws it.
    assert.deepEqual(await drop(REUTERS_KEY, `${REUTERS_TEXT} Markets had expected it.`), {
      status: 'published',
      uri: REUTERS_URI,
      version: 2,
      droppedFields: [],
    });
    assert.deepEqual(await remove(REUTERS_KEY), { status: 'withdrawn', uri: REUTERS_URI, version: 3 });
  });

  test('the urn:syndicate: prefix is matched case-insensitively, as URN namespace ids are', async () => {
    const { drop } = setup();
    await drop(REUTERS_KEY, REUTERS_TEXT);
    const outcome = await drop('evil/x.json', ninjs({ uri: 'URN:Syndicate:reuters/rates.txt' }));
    assert.equal('code' in outcome && outcome.code, 'FOREIGN_ID');
  });

  test('a ninjs pubStatus canceled from another source does not withdraw the article', async () => {
    const { index, drop } = setup();
    await drop(
      'reuters/a.json',
      ninjs({
        uri: 'https://news.example/rates',
        headlines: undefined,
        bodies: undefined,
        headline: 'Rates held',
        body_text: 'The bank held rates.',
      }),
    );
    const owned = await index.current('https://news.example/rates');
    assert.equal(owned?.source, 'reuters');
    const outcome = await drop(
      'evil/kill.json',
      ninjs({ uri: 'https://news.example/rates', pubStatus: 'canceled' }),
    );
    assert.equal('code' in outcome && outcome.code, 'FOREIGN_ID');
    const after = await index.current('https://news.example/rates');
    assert.equal(after?.pubStatus, 'usable');
    assert.equal(after?.version, 1);
    assert.equal(after?.source, 'reuters');
  });

  test('the same source updates its own article by id from another file, and withdraws it with pubStatus canceled', async () => {
    const { index, drop } = setup();
    await drop('wire/first.json', ninjs({ uri: 'https://wire.example/item/1' }));
    const update = await drop('wire/second.json', ninjs({ uri: 'https://wire.example/item/1', urgency: 2 }));
    assert.deepEqual(update, {
      status: 'published',
      uri: 'https://wire.example/item/1',
      version: 2,
      droppedFields: [],
    });
    await drop('wire/third.json', ninjs({ uri: 'https://wire.example/item/1', pubStatus: 'canceled' }));
    assert.equal((await index.current('https://wire.example/item/1'))?.pubStatus, 'canceled');
  });

  test("a urn:syndicate: id naming the publisher's own source is RESERVED_ID: the pipeline mints those", async () => {
    const { drop } = setup();
    const outcome = await drop('wire/x.json', ninjs({ uri: 'urn:syndicate:wire/other.txt' }));
    assert.equal('code' in outcome && outcome.code, 'RESERVED_ID');
  });

  test('NITF doc-id and NewsML-G2 guid are held to the same rule', async () => {
    const { drop } = setup();
    await drop(REUTERS_KEY, REUTERS_TEXT);
    const nitf = `<?xml version="1.0"?><nitf><head><docdata><doc-id id-string="${REUTERS_URI}"/></docdata></head><body><body.head><hedline><hl1>Fake rates story</hl1></hedline></body.head><body.content><p>Fake body text of the story.</p></body.content></body></nitf>`;
    const outcome = await drop('evil/x.xml', nitf);
    assert.equal('code' in outcome && outcome.code, 'FOREIGN_ID');
  });
});

describe('object keys that read as other paths', () => {
  for (const key of [
    'wire/../../etc/passwd',
    'wire/./story.txt',
    '../wire/story.txt',
    'wire//story.txt',
    '/wire/story.txt',
    'wire/story.txt/',
    'wi\\re/story.txt',
  ]) {
    test(`${JSON.stringify(key)} is rejected INVALID_KEY and yields no uri`, async () => {
      const { index, quarantine, drop } = setup();
      const outcome = await drop(key, REUTERS_TEXT);
      assert.equal(outcome.status, 'rejected');
      assert.equal('code' in outcome && outcome.code, 'INVALID_KEY');
      assert.deepEqual(quarantine.kept, [{ key, code: 'INVALID_KEY' }]);
      assert.equal(index.heads.size, 0);
      assert.equal((await index.objectState(key))?.uri, undefined);
    });
  }
});

describe('with a publisher registry', () => {
  test('objects outside every registered prefix, or at the top of the bucket, are UNKNOWN_SOURCE', async () => {
    const { drop } = setup(['reuters', 'wire']);
    for (const key of ['evil/x.txt', 'rates.txt', 'reuters-fake/x.txt']) {
      const outcome = await drop(key, REUTERS_TEXT);
      assert.equal('code' in outcome && outcome.code, 'UNKNOWN_SOURCE', key);
    }
    const accepted = await drop(REUTERS_KEY, REUTERS_TEXT);
    assert.equal(accepted.status, 'published');
  });

  test('without a registry every first-level folder is a source', async () => {
    const { drop } = setup();
    assert.equal((await drop('anyone/x.txt', REUTERS_TEXT)).status, 'published');
  });
});
