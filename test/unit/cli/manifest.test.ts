import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { partnerQueuesFromShards, targetQueues } from '../../../cli/manifest.js';

const PREFIX = 'https://sqs.eu-west-1.amazonaws.com/111122223333/';

describe('partner queues from the shard manifests (npx syndicate --stack)', () => {
  test('names and URLs as the stack makes them, DLQs redriving to the partner queue', () => {
    const queues = targetQueues({
      queues: partnerQueuesFromShards(
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
      ),
    });
    assert.deepEqual(queues, [
      {
        label: 'PartnerSportsDeskQueue',
        name: 'syn-prod-sports-desk',
        url: `${PREFIX}syn-prod-sports-desk`,
        role: 'partner',
        partner: 'sports-desk',
      },
      {
        label: 'PartnerSportsDeskQueueDlq',
        name: 'syn-prod-sports-desk-dlq',
        url: `${PREFIX}syn-prod-sports-desk-dlq`,
        role: 'partner-dead-letter',
        partner: 'sports-desk',
        redrivesTo: `${PREFIX}syn-prod-sports-desk`,
      },
      {
        label: 'PartnerSportsDeskDeliveryDlq',
        name: 'syn-prod-sports-desk-delivery-dlq',
        url: `${PREFIX}syn-prod-sports-desk-delivery-dlq`,
        role: 'delivery-dead-letter',
        partner: 'sports-desk',
        redrivesTo: `${PREFIX}syn-prod-sports-desk`,
      },
      // Named after the permanent id, and with no queue of ours to redrive to.
      {
        label: 'PartnerOldNameDeliveryDlq',
        name: 'syn-prod-old-name-delivery-dlq',
        url: `${PREFIX}syn-prod-old-name-delivery-dlq`,
        role: 'delivery-dead-letter',
        partner: 'new-name',
      },
    ]);
  });
});
