import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queuesFromOutputs } from '../../cli/targets.js';

test('stack outputs name each queue, its role, and where a dead-letter queue redrives to', () => {
  const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
  const queues = queuesFromOutputs({
    IngestBucketName: 'bucket',
    IngestQueueUrl: url('ingest'),
    IngestDlqUrl: url('ingest-dlq'),
    StreamDlqUrl: url('stream-dlq'),
    PartnerSportsDeskQueueUrl: url('sports'),
    PartnerSportsDeskQueueDlqUrl: url('sports-dlq'),
    PartnerSportsDeskDeliveryDlqUrl: url('sports-delivery-dlq'),
  });
  const byName = Object.fromEntries(queues.map((queue) => [queue.name, queue]));
  assert.deepEqual(byName.IngestQueue, { name: 'IngestQueue', url: url('ingest'), role: 'ingest' });
  assert.deepEqual(byName.IngestDlq, {
    name: 'IngestDlq',
    url: url('ingest-dlq'),
    role: 'dead-letter',
    redrivesTo: url('ingest'),
  });
  assert.equal(byName.StreamDlq?.redrivesTo, undefined);
  assert.equal(byName.PartnerSportsDeskQueue?.role, 'partner');
  assert.equal(byName.PartnerSportsDeskQueueDlq?.redrivesTo, url('sports'));
  assert.equal(byName.PartnerSportsDeskDeliveryDlq?.redrivesTo, url('sports'));
  assert.equal(byName.IngestBucketName, undefined);
});
