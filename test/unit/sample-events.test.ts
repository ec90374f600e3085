/** The trigger events shipped in events/ are what scripts/generate-sample-events.ts writes, every time. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sampleEvents } from '../../scripts/generate-sample-events.js';
import { REPO_ROOT } from '../helpers/paths.js';

describe('sample events', () => {
  test('the generator is deterministic and the shipped samples are its output', async () => {
    const first = await sampleEvents();
    const second = await sampleEvents();
    assert.deepEqual(first, second);
    assert.deepEqual(Object.keys(first).sort(), [
      'dynamodb-stream-batch.json',
      's3-delete-via-sqs.json',
      's3-put-via-sqs.json',
    ]);
    for (const [name, content] of Object.entries(first)) {
      assert.equal(
        readFileSync(join(REPO_ROOT, 'events', name), 'utf8'),
        content,
        `events/${name} differs: run npx tsx scripts/generate-sample-events.ts`,
      );
    }
  });

  test('the delete sample removes the key the put sample created, later in S3 order', async () => {
    const events = await sampleEvents();
    const s3Object = (name: string) =>
      (
        JSON.parse(JSON.parse(events[name] as string).Records[0].body) as {
          Records: { eventName: string; s3: { object: { key: string; sequencer: string } } }[];
        }
      ).Records[0];
    const put = s3Object('s3-put-via-sqs.json');
    const remove = s3Object('s3-delete-via-sqs.json');
    assert.equal(put?.eventName, 'ObjectCreated:Put');
    assert.equal(remove?.eventName, 'ObjectRemoved:Delete');
    assert.equal(remove?.s3.object.key, 'wire/trump-putin-syria.txt');
    assert.equal(put?.s3.object.key, 'wire/trump-putin-syria.txt');
    // Sequencers of one key compare as hex strings of equal length (the S3 documentation).
    assert.ok((put?.s3.object.sequencer as string) < (remove?.s3.object.sequencer as string));
  });
});
