/**
 * The partners document the content API function reads from its bundle: a damaged one fails the
 * cold start naming every problem, instead of a feed request failing later.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { parseFeedPartners } from '../../../shared/feeds/feed-partners.js';

describe('feed partners document', () => {
  test('reads what the stack writes', () => {
    const text =
      '{"partners":[{"name":"sports-desk","filters":{"subjects":["medtop:15000000"]},"payload":"full","delivery":{"type":"lambda","accountId":"111122223333"}}]}';
    assert.deepEqual(parseFeedPartners(text), [
      {
        name: 'sports-desk',
        filters: { subjects: ['medtop:15000000'] },
        payload: 'full',
        delivery: { type: 'lambda', accountId: '111122223333' },
      },
    ]);
  });

  test('a damaged document names every problem', () => {
    assert.throws(() => parseFeedPartners('{"partners":'), ConfigurationError);
    assert.throws(() => parseFeedPartners('{"partner":[]}'), /"partners" must be an array/);
    const text = JSON.stringify({
      partners: [
        'sports-desk',
        { name: 7, filters: {}, payload: 'full', delivery: { type: 'sqs' } },
        { name: 'ticker', filters: [], payload: 'headlines', delivery: { type: 'sqs', accountId: '1111' } },
        { name: 'wire', filters: {}, payload: 'summary', delivery: { type: 'ftp' } },
      ],
    });
    assert.throws(
      () => parseFeedPartners(text),
      (error: Error) => {
        assert.ok(error instanceof ConfigurationError);
        for (const problem of [
          'partners[0] is not an object',
          'partners[1].name is not a string',
          'partners[2].filters is not an object',
          'partners[2].payload is not one of',
          'partners[2].delivery.accountId is not a 12-digit account id',
          'partners[3].delivery.type is not one of sqs, https, email, lambda',
        ]) {
          assert.ok(error.message.includes(problem), `${problem} in ${error.message}`);
        }
        return true;
      },
    );
  });
});
