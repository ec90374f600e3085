/** Receipts: what each outcome tells the publisher, and where it is kept. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isReceiptKey, receiptFor, receiptKey } from '../../../shared/domain/receipt.js';

const AT = '2026-12-07T19:23:00.123Z';

describe('receipts', () => {
  test('published: uri, version and where it went', () => {
    assert.deepEqual(
      receiptFor(
        'created',
        'reuters/rates.txt',
        { status: 'published', uri: 'urn:syndicate:reuters/rates.txt', version: 1 },
        AT,
      ),
      {
        source: 'reuters',
        objectKey: 'reuters/rates.txt',
        event: 'created',
        status: 'published',
        at: AT,
        uri: 'urn:syndicate:reuters/rates.txt',
        version: 1,
        delivery: 'published to the topic: every partner whose filter matches receives it',
      },
    );
  });

  test('rejected: the code, the message and what to fix', () => {
    const receipt = receiptFor(
      'created',
      'evil/x.json',
      {
        status: 'rejected',
        code: 'FOREIGN_ID',
        reason: "the document's id names an article of another publisher",
      },
      AT,
    );
    assert.equal(receipt?.code, 'FOREIGN_ID');
    assert.equal(receipt?.message, "the document's id names an article of another publisher");
    assert.equal(
      receipt?.fix,
      'remove the id or use one of your own: an id can only update articles you published',
    );
  });

  test('stale and missing notifications get no receipt (the event that matters gets one)', () => {
    assert.equal(receiptFor('created', 'wire/x.txt', { status: 'stale' }, AT), undefined);
    assert.equal(receiptFor('created', 'wire/x.txt', { status: 'missing' }, AT), undefined);
  });

  test('kept under receipts/<key>@<time>.json; path tricks never repeated; no folder, no receipt', () => {
    assert.equal(
      receiptKey({ objectKey: 'reuters/rates.txt', at: AT }),
      'receipts/reuters/rates.txt@20261207T192300123Z.json',
    );
    assert.match(
      receiptKey({ objectKey: 'wire/../../etc/passwd', at: AT }) ?? '',
      /^receipts\/wire\/invalid-key-[0-9a-f]{16}@20261207T192300123Z\.json$/,
    );
    assert.equal(receiptKey({ objectKey: '../etc/passwd', at: AT }), undefined);
    assert.equal(receiptKey({ objectKey: 'top-level.txt', at: AT }), undefined);
    assert.equal(isReceiptKey('receipts/reuters/rates.txt@20261207T192300123Z.json'), true);
    assert.equal(isReceiptKey('reuters/receipts/x.txt'), false);
  });
});
