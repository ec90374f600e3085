/**
 * `syndicate status --stack`: the window it reads, the sample rate it learns from the topic, and the
 * per-partner table it prints from a delivery metrics reader (faked here; the AWS reader has its own
 * tests in test/unit/adapters).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SNSClient } from '@aws-sdk/client-sns';
import { stackPartnerFigures, statusWindow } from '../../../cli/delivery-figures.js';
import { formatPartnerTable } from '../../../cli/partner-table.js';
import { CliError } from '../../../cli/support.js';
import {
  DeliveryMetricsError,
  partnerTopicArns,
  serviceNameOf,
  successSampleRateOf,
} from '../../../shared/adapters/cloudwatch-delivery-metrics.js';
import type {
  DeliveryMetricsReader,
  PartnerDeliveryFigures,
} from '../../../shared/ports/delivery-metrics.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const BASIS = 'AWS: deliveries: the successes SNS logged (a 10% sample) x 10, an estimate';

const FIGURES: PartnerDeliveryFigures[] = [
  {
    partner: 'all-news-wire',
    deliveries: 400,
    failures: 0,
    latency: { p50Ms: 970, p95Ms: 2881, samples: 40 },
    overTime: [],
    lastDelivery: '2026-12-07T11:58:01.250Z',
    basis: BASIS,
  },
  {
    partner: 'breaking-alerts',
    deliveries: 0,
    failures: 5,
    latency: { p50Ms: null, p95Ms: null, samples: 0 },
    overTime: [],
    lastDelivery: null,
    basis: BASIS,
  },
  {
    partner: 'desk-mailer',
    deliveries: null,
    failures: 0,
    latency: { p50Ms: null, p95Ms: null, samples: 0 },
    overTime: [],
    lastDelivery: null,
    basis: 'no delivery status logs: SNS logs no email deliveries',
  },
];

const PAYLOADS: Record<string, string> = {
  'all-news-wire': 'full',
  'breaking-alerts': 'summary',
  'desk-mailer': 'summary',
};

describe('syndicate status against a stack', () => {
  test('the window: the last 24 hours, or since --since, as one bucket', () => {
    assert.deepEqual(statusWindow(undefined, NOW), {
      from: new Date('2026-12-06T12:00:00Z'),
      to: NOW,
      bucketSeconds: 86_400,
    });
    assert.deepEqual(statusWindow('6h', NOW), {
      from: new Date('2026-12-07T06:00:00Z'),
      to: NOW,
      bucketSeconds: 21_600,
    });
    // 11 h 59 min 30 s (43,170 s): rounded up to whole minutes (720), as CloudWatch periods are.
    assert.equal(statusWindow('2026-12-07T00:00:30Z', NOW).bucketSeconds, 43_200);
    assert.throws(() => statusWindow('2026-12-08T00:00:00Z', NOW), CliError);
    assert.throws(() => statusWindow('yesterday', NOW), CliError);
  });

  test("the sample rate comes from the topic's delivery status logging attributes", async () => {
    const asked: unknown[] = [];
    // GetTopicAttributes answers every attribute as a string.
    const sns = {
      send: async (command: { input: unknown }) => {
        asked.push(command.input);
        return {
          Attributes: {
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:syn-prod-articles',
            SQSSuccessFeedbackSampleRate: '10',
            SQSFailureFeedbackRoleArn: 'arn:aws:iam::123456789012:role/delivery-logs',
            HTTPSuccessFeedbackSampleRate: '10',
            LambdaSuccessFeedbackSampleRate: '10',
          },
        };
      },
    } as unknown as SNSClient;
    assert.equal(await successSampleRateOf(sns, 'arn:aws:sns:eu-west-1:123456789012:syn-prod-articles'), 10);
    assert.deepEqual(asked, [{ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:syn-prod-articles' }]);
    const unlogged = { send: async () => ({ Attributes: { DisplayName: '' } }) } as unknown as SNSClient;
    await assert.rejects(
      successSampleRateOf(unlogged, 'arn:aws:sns:eu-west-1:123456789012:t'),
      (error: Error) =>
        error instanceof DeliveryMetricsError && /no delivery status logging/.test(error.message),
    );
  });

  test('the topics partners subscribe to, once each', () => {
    assert.deepEqual(
      partnerTopicArns({
        topicRoutes: {
          full: ['arn:aws:sns:eu-west-1:123456789012:syn-prod-articles'],
          summary: ['arn:aws:sns:eu-west-1:123456789012:syn-prod-summaries'],
          'summary-linked': ['arn:aws:sns:eu-west-1:123456789012:syn-prod-summaries'],
        },
      }),
      [
        'arn:aws:sns:eu-west-1:123456789012:syn-prod-articles',
        'arn:aws:sns:eu-west-1:123456789012:syn-prod-summaries',
      ],
    );
    assert.equal(serviceNameOf('prod'), 'content-syndication-prod');
  });

  test('the table: deliveries, failures, p50/p95 and the last delivery per partner, then what they rest on', async () => {
    const windows: unknown[] = [];
    const reader: DeliveryMetricsReader = {
      perPartner: async (window) => {
        windows.push(window);
        return FIGURES;
      },
    };
    const window = statusWindow(undefined, NOW);
    const figures = await stackPartnerFigures(reader, window, (name) => PAYLOADS[name]);
    assert.deepEqual(windows, [window]);
    assert.ok('rows' in figures);
    assert.deepEqual(formatPartnerTable(figures.rows, figures.notes), [
      'partner          payload  deliveries  failures  p50 ms  p95 ms  last delivery',
      'all-news-wire    full            400         0     970    2881  2026-12-07T11:58:01.250Z',
      'breaking-alerts  summary           0         5       –       –  –',
      'desk-mailer      summary         n/a         0       –       –  n/a',
      'over 2026-12-06T12:00:00.000Z to 2026-12-07T12:00:00.000Z',
      `all-news-wire, breaking-alerts: ${BASIS}`,
      'desk-mailer: no delivery status logs: SNS logs no email deliveries',
    ]);
  });

  test('a reader that fails gives the reason, not a crash', async () => {
    const reader: DeliveryMetricsReader = {
      perPartner: async () => {
        throw new Error(
          'the Logs Insights query q-1 on sns/eu-west-1/123456789012/syn-prod-articles ended Failed',
        );
      },
    };
    assert.deepEqual(await stackPartnerFigures(reader, statusWindow(undefined, NOW), () => 'full'), {
      problem: 'the Logs Insights query q-1 on sns/eu-west-1/123456789012/syn-prod-articles ended Failed',
    });
  });
});
