import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../../../shared/adapters/sns-notifier.js';
import type { OutboundMessage } from '../../../shared/domain/message.js';

const FULL_1 = 'arn:aws:sns:eu-west-1:111122223333:ArticlesTopic';
const FULL_2 = 'arn:aws:sns:eu-west-1:111122223333:ArticlesTopic2';
const SUMMARY = 'arn:aws:sns:eu-west-1:111122223333:SummaryTopic';
const LINKED = 'arn:aws:sns:eu-west-1:111122223333:LinkedSummaryTopic';

const message = (id: string, payload?: 'full' | 'summary' | 'summary-linked'): OutboundMessage => ({
  id,
  body: `{"id":"${id}"}`,
  attributes: {
    eventType: { dataType: 'String', value: 'article.published' },
    ...(payload ? { payload: { dataType: 'String', value: payload } } : {}),
  },
});

/** An SNS client that records PublishBatch calls and refuses every call to `failing`. */
function recordingSns(failing?: string) {
  const calls: { topic: string; ids: string[] }[] = [];
  const client = {
    send: async (command: PublishBatchCommand) => {
      const { TopicArn, PublishBatchRequestEntries } = command.input;
      calls.push({
        topic: TopicArn as string,
        ids: (PublishBatchRequestEntries ?? []).map((entry) => JSON.parse(entry.Message as string).id),
      });
      if (TopicArn === failing) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { Successful: [], Failed: [] };
    },
  } as unknown as SNSClient;
  return { client, calls };
}

describe('SnsNotifier with topics per payload variant', () => {
  test('each message goes to every topic of its variant and to no other', async () => {
    const { client, calls } = recordingSns();
    const notifier = new SnsNotifier(client, {
      full: [FULL_1, FULL_2],
      summary: [SUMMARY],
      'summary-linked': [LINKED],
    });
    const result = await notifier.publish([
      message('a', 'full'),
      message('b', 'summary'),
      message('c'),
      message('d', 'summary-linked'),
    ]);
    assert.deepEqual(result.failedIds, []);
    const byTopic = Object.fromEntries(calls.map(({ topic, ids }) => [topic, ids]));
    // A message without a payload attribute is a full document.
    assert.deepEqual(byTopic, {
      [FULL_1]: ['a', 'c'],
      [FULL_2]: ['a', 'c'],
      [SUMMARY]: ['b'],
      [LINKED]: ['d'],
    });
  });

  test('a message fails when any of its topics refused it; the others of its variant do not matter to the rest', async () => {
    const { client } = recordingSns(FULL_2);
    const notifier = new SnsNotifier(client, {
      full: [FULL_1, FULL_2],
      summary: [SUMMARY],
      'summary-linked': [LINKED],
    });
    const result = await notifier.publish([message('a', 'full'), message('b', 'summary')]);
    assert.deepEqual(result.failedIds, ['a']);
  });

  test('one topic ARN takes every variant (the local runtime of a single-topic registry)', async () => {
    const { client, calls } = recordingSns();
    await new SnsNotifier(client, FULL_1).publish([message('a', 'full'), message('b', 'summary')]);
    assert.deepEqual(calls, [
      { topic: FULL_1, ids: ['a'] },
      { topic: FULL_1, ids: ['b'] },
    ]);
  });
});
