import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { normalise, publish } from '../../../shared/pipeline/description.js';
import { flag, integer, list, loadSettings, optionalText, text } from '../../../shared/pipeline/settings.js';

describe('pipeline settings', () => {
  it('reads every setting of a function from its environment variables', () => {
    const values = loadSettings(normalise.settings, {
      TABLE_NAME: 'articles',
      QUARANTINE_BUCKET: 'quarantine',
      PUBLISHERS: 'reuters, ap ,,afp',
    });
    assert.equal(values.tableName, 'articles');
    assert.equal(values.quarantineBucket, 'quarantine');
    assert.equal(values.contentBucket, undefined);
    assert.deepEqual(values.publishers, ['reuters', 'ap', 'afp']);
  });

  it('lists every problem at once, naming each variable', () => {
    assert.throws(
      () =>
        loadSettings(publish.settings, {
          TOPIC_ROUTES: '{"full": "not a list"}',
          CONTENT_LINK_EXPIRY_SECONDS: '604801',
          PUBLISH_SUMMARIES: 'yes',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        const message = (error as Error).message;
        for (const expected of [
          'TABLE_NAME is not set',
          'TOPIC_ROUTES: variant full: expected a list of topic ARNs',
          'RELEASE_FUNCTION_ARN is not set',
          'SCHEDULER_ROLE_ARN is not set',
          'CONTENT_BUCKET is not set',
          // SigV4 pre-signed URLs live at most 7 days = 604,800 seconds.
          'CONTENT_LINK_EXPIRY_SECONDS must be a whole number from 60 to 604800',
          "PUBLISH_SUMMARIES must be 'true' or 'false', not 'yes'",
        ]) {
          assert.ok(message.includes(expected), `missing "${expected}" in: ${message}`);
        }
        return true;
      },
    );
  });

  it('parses each kind of value within its bounds', () => {
    const settings = {
      count: integer('COUNT', 'a count', { min: 1, max: 10 }),
      on: flag('ON', 'a flag'),
      names: list('NAMES', 'names'),
      name: text('NAME', 'a name'),
      maybe: optionalText('MAYBE', 'optional'),
    };
    assert.deepEqual(loadSettings(settings, { COUNT: '10', ON: 'true', NAME: 'x', MAYBE: ' ' }), {
      count: 10,
      on: true,
      names: [],
      name: 'x',
      maybe: undefined,
    });
    for (const count of ['0', '11', '1.5', '1e1', ' ']) {
      assert.throws(() => loadSettings(settings, { COUNT: count, NAME: 'x' }), ConfigurationError, count);
    }
  });
});
