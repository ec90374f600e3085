import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  consolePartnersDocument,
  parseConsolePartners,
  partnerManifestQueues,
} from '../../../shared/console/partners-file.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';

const PREFIX = 'https://sqs.eu-west-1.amazonaws.com/123456789012/';

const partners = parsePartnerRegistry({
  partners: [
    { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
    { name: 'renamed-desk', id: 'old-desk', delivery: { type: 'sqs' }, filters: {} },
    {
      name: 'own-queue',
      delivery: { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:210987654321:their-queue' },
      filters: {},
    },
    {
      name: 'alerts',
      delivery: { type: 'https', endpoint: 'https://alerts.partner.example/sns' },
      filters: {},
    },
  ],
});

describe('console partners file', () => {
  test('the registry and stage round-trip through the bundled file', () => {
    const file = parseConsolePartners(consolePartnersDocument('dev', partners));
    assert.equal(file.stage, 'dev');
    assert.deepEqual(file.partners, partners);
  });

  test('a damaged file fails with its reason', () => {
    assert.throws(() => parseConsolePartners('{"stage":"dev","partners":'), ConfigurationError);
    assert.throws(() => parseConsolePartners('{"partners":[]}'), /"stage" must be the stage's name/);
    assert.throws(
      () =>
        parseConsolePartners(
          '{"stage":"dev","partners":[{"name":"x","delivery":{"type":"pigeon"},"filters":{}}]}',
        ),
      ConfigurationError,
    );
  });

  test('partner queues by role, named syn-<stage>-<id> as the stack names them', () => {
    assert.deepEqual(partnerManifestQueues(PREFIX, 'dev', partners), [
      {
        role: 'partner',
        url: `${PREFIX}syn-dev-all-news-wire`,
        partner: 'all-news-wire',
        deadLetterQueueUrl: `${PREFIX}syn-dev-all-news-wire-dlq`,
      },
      { role: 'partner-dead-letter', url: `${PREFIX}syn-dev-all-news-wire-dlq`, partner: 'all-news-wire' },
      {
        role: 'delivery-dead-letter',
        url: `${PREFIX}syn-dev-all-news-wire-delivery-dlq`,
        partner: 'all-news-wire',
      },
      {
        role: 'partner',
        url: `${PREFIX}syn-dev-old-desk`,
        partner: 'renamed-desk',
        partnerId: 'old-desk',
        deadLetterQueueUrl: `${PREFIX}syn-dev-old-desk-dlq`,
      },
      {
        role: 'partner-dead-letter',
        url: `${PREFIX}syn-dev-old-desk-dlq`,
        partner: 'renamed-desk',
        partnerId: 'old-desk',
      },
      {
        role: 'delivery-dead-letter',
        url: `${PREFIX}syn-dev-old-desk-delivery-dlq`,
        partner: 'renamed-desk',
        partnerId: 'old-desk',
      },
      // A partner's own queue is theirs: only our delivery dead-letter queue is ours to show.
      { role: 'delivery-dead-letter', url: `${PREFIX}syn-dev-own-queue-delivery-dlq`, partner: 'own-queue' },
      { role: 'delivery-dead-letter', url: `${PREFIX}syn-dev-alerts-delivery-dlq`, partner: 'alerts' },
    ]);
  });
});
