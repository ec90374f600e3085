import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queuesFromManifests } from '../../cli/targets.js';

const PREFIX = 'https://sqs.eu-west-1.amazonaws.com/111122223333/';

describe('partner queues from the shard manifests (npx syndicate --stack)', () => {
  test('names and URLs as the stack makes them, DLQs redriving to the partner queue', () => {
    const queues = queuesFromManifests(
      [
        {
          shard: 7,
          queueUrlPrefix: PREFIX,
          partners: [
            { name: 'sports-desk', queues: ['queue', 'queueDlq', 'deliveryDlq'] },
            { name: 'new-name', id: 'old-name', queues: ['deliveryDlq'] },
          ],
        },
      ],
      'prod',
    );
    assert.deepEqual(queues, [
      { name: 'PartnerSportsDeskQueue', url: `${PREFIX}syn-prod-sports-desk`, role: 'partner' },
      {
        name: 'PartnerSportsDeskQueueDlq',
        url: `${PREFIX}syn-prod-sports-desk-dlq`,
        role: 'dead-letter',
        redrivesTo: `${PREFIX}syn-prod-sports-desk`,
      },
      {
        name: 'PartnerSportsDeskDeliveryDlq',
        url: `${PREFIX}syn-prod-sports-desk-delivery-dlq`,
        role: 'dead-letter',
        redrivesTo: `${PREFIX}syn-prod-sports-desk`,
      },
      // Named after the permanent id, and with no queue of ours to redrive to.
      {
        name: 'PartnerOldNameDeliveryDlq',
        url: `${PREFIX}syn-prod-old-name-delivery-dlq`,
        role: 'dead-letter',
      },
    ]);
  });
});
