/**
 * How the operator commands find what they act on: one manifest, from a deployed stack (its
 * `PipelineManifest` output and the shards' SSM parameters, read through the SDK's own clients with
 * their `send` answered by the responses AWS documents) or from the local runtime; and each queue by
 * its role and partner, whatever its name looks like.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  checkManifest,
  partnerQueueOf,
  publishedVariants,
  redrivePlan,
  type TargetQueue,
  targetQueues,
} from '../../../cli/manifest.js';
import { stackManifest, TargetError } from '../../../cli/targets.js';
import { localManifest } from '../../../local/manifest.js';
import type { LocalResources } from '../../../local/resources.js';
import type { Partner } from '../../../shared/partners/registry.js';
import type { PipelineManifest } from '../../../shared/pipeline/manifest.js';

const SQS = 'https://sqs.eu-west-1.amazonaws.com/123456789012/';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Syndication-prod-ArticlesTopic';

/** What the stack's `PipelineManifest` output holds: the pipeline's own queues, no partner's. */
const STACK_MANIFEST = {
  manifestVersion: 1,
  stage: 'prod',
  buckets: {
    ingest: 'syndication-prod-ingestbucket-1a2b3c',
    quarantine: 'syndication-prod-quarantinebucket-4d5e6f',
    content: 'syndication-prod-contentbucket-7a8b9c',
  },
  table: 'Syndication-prod-ArticlesTable-ABC123',
  topicRoutes: { full: [TOPIC], summary: [`${TOPIC}Summary`], 'summary-linked': [] },
  queues: [
    {
      role: 'ingest',
      url: `${SQS}Syndication-prod-IngestQueue-AbC`,
      deadLetterQueueUrl: `${SQS}Syndication-prod-IngestDlq-DeF`,
    },
    { role: 'ingest-dead-letter', url: `${SQS}Syndication-prod-IngestDlq-DeF` },
    { role: 'stream-failures', url: `${SQS}Syndication-prod-StreamDlq-GhI` },
    { role: 'release-failures', url: `${SQS}Syndication-prod-ReleaseDlq-JkL` },
  ],
  contentLinkExpirySeconds: 21600,
};

type Send = (command: unknown) => Promise<unknown>;

/** The SDK's client, its `send` answered by `answer` and every command it was given kept in `sent`. */
function stubbed<C extends { send: unknown }>(client: C, answer: Send): { client: C; sent: unknown[] } {
  const sent: unknown[] = [];
  (client as unknown as { send: Send }).send = async (command) => {
    sent.push(command);
    return answer(command);
  };
  return { client, sent };
}

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' };

/** A DescribeStacks response as the SDK returns it (the documented DescribeStacksOutput). */
function describeStacksResponse(outputs: { OutputKey: string; OutputValue: string; Description?: string }[]) {
  return {
    $metadata: { httpStatusCode: 200, requestId: 'b9b4e5a1-0000-4000-8000-000000000000' },
    Stacks: [
      {
        StackId:
          'arn:aws:cloudformation:eu-west-1:123456789012:stack/Syndication-prod/6a1c7a40-9f3b-11ef-8a5e-0a1b2c3d4e5f',
        StackName: 'Syndication-prod',
        CreationTime: new Date('2026-11-02T10:15:00.000Z'),
        LastUpdatedTime: new Date('2026-12-01T08:00:00.000Z'),
        StackStatus: 'UPDATE_COMPLETE',
        DisableRollback: false,
        Outputs: outputs,
        Tags: [],
      },
    ],
  };
}

/** One shard's SSM parameter as GetParametersByPath returns it. */
function shardParameter(shard: string, value: object) {
  return {
    Name: `/syndication/prod/partner-shards/${shard}`,
    Type: 'String',
    Value: JSON.stringify(value),
    Version: 3,
    LastModifiedDate: new Date('2026-12-01T08:01:00.000Z'),
    ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter/syndication/prod/partner-shards/${shard}`,
    DataType: 'text',
  };
}

function awsClients(outputs: { OutputKey: string; OutputValue: string }[], ssmPages: object[] = []) {
  const cloudFormation = stubbed(new CloudFormationClient({ region: 'eu-west-1', credentials }), async () =>
    describeStacksResponse(outputs),
  );
  let page = 0;
  const ssm = stubbed(new SSMClient({ region: 'eu-west-1', credentials }), async () => ({
    $metadata: { httpStatusCode: 200 },
    ...ssmPages[page++],
  }));
  return { cloudFormation, ssm };
}

describe('the manifest of a deployed stack (--stack)', () => {
  test('its PipelineManifest output, with the partner queues of every shard in SSM, page after page', async () => {
    const { cloudFormation, ssm } = awsClients(
      [
        { OutputKey: 'IngestBucketName', OutputValue: 'syndication-prod-ingestbucket-1a2b3c' },
        { OutputKey: 'PipelineManifest', OutputValue: JSON.stringify(STACK_MANIFEST) },
      ],
      [
        {
          Parameters: [
            shardParameter('07', {
              shard: 7,
              queueUrlPrefix: SQS,
              partners: [{ name: 'sports-desk', queues: ['queue', 'queueDlq', 'deliveryDlq'] }],
            }),
          ],
          NextToken: 'AAEAAbC0ZGVmZ2hpams',
        },
        {
          Parameters: [
            shardParameter('41', {
              shard: 41,
              queueUrlPrefix: SQS,
              partners: [{ name: 'breaking-alerts', id: 'alerts', queues: ['deliveryDlq'] }],
            }),
          ],
        },
      ],
    );
    const manifest = await stackManifest('Syndication-prod', {
      cloudFormation: cloudFormation.client,
      ssm: ssm.client,
    });

    assert.equal(cloudFormation.sent.length, 1);
    assert.ok(cloudFormation.sent[0] instanceof DescribeStacksCommand);
    assert.deepEqual((cloudFormation.sent[0] as DescribeStacksCommand).input, {
      StackName: 'Syndication-prod',
    });
    assert.deepEqual(
      ssm.sent.map((command) => {
        assert.ok(command instanceof GetParametersByPathCommand);
        return command.input;
      }),
      [
        { Path: '/syndication/prod/partner-shards/', NextToken: undefined },
        { Path: '/syndication/prod/partner-shards/', NextToken: 'AAEAAbC0ZGVmZ2hpams' },
      ],
    );
    assert.equal(manifest.table, 'Syndication-prod-ArticlesTable-ABC123');
    assert.equal(manifest.contentLinkExpirySeconds, 21600);
    assert.deepEqual(manifest.queues.slice(4), [
      {
        role: 'partner',
        url: `${SQS}syn-prod-sports-desk`,
        partner: 'sports-desk',
        deadLetterQueueUrl: `${SQS}syn-prod-sports-desk-dlq`,
      },
      { role: 'partner-dead-letter', url: `${SQS}syn-prod-sports-desk-dlq`, partner: 'sports-desk' },
      {
        role: 'delivery-dead-letter',
        url: `${SQS}syn-prod-sports-desk-delivery-dlq`,
        partner: 'sports-desk',
      },
      // Named after the permanent id, not the name.
      {
        role: 'delivery-dead-letter',
        url: `${SQS}syn-prod-alerts-delivery-dlq`,
        partner: 'breaking-alerts',
        partnerId: 'alerts',
      },
    ]);
  });

  test('a stack deployed before the manifest output: one line saying to redeploy', async () => {
    const { cloudFormation, ssm } = awsClients([
      { OutputKey: 'IngestBucketName', OutputValue: 'syndication-prod-ingestbucket-1a2b3c' },
      { OutputKey: 'IngestQueueUrl', OutputValue: `${SQS}Syndication-prod-IngestQueue-AbC` },
      { OutputKey: 'PartnerManifestPath', OutputValue: '/syndication/prod/partner-shards/' },
    ]);
    await assert.rejects(
      stackManifest('Syndication-prod', { cloudFormation: cloudFormation.client, ssm: ssm.client }),
      (error: unknown) => {
        assert.ok(error instanceof TargetError);
        assert.equal(error.what, 'stack Syndication-prod has no output PipelineManifest');
        assert.match(error.hint, /redeploy/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
    assert.equal(ssm.sent.length, 0);
  });

  test('an output that is not a manifest is refused with every problem named', async () => {
    const broken = {
      ...STACK_MANIFEST,
      queues: [
        { role: 'dead-letter', url: `${SQS}x` },
        { role: 'partner', url: `${SQS}y` },
      ],
    };
    const { cloudFormation, ssm } = awsClients([
      { OutputKey: 'PipelineManifest', OutputValue: JSON.stringify(broken) },
    ]);
    await assert.rejects(
      stackManifest('Syndication-prod', { cloudFormation: cloudFormation.client, ssm: ssm.client }),
      (error: unknown) => {
        assert.ok(error instanceof TargetError);
        assert.match(error.what, /manifest\/queues\/0\/role must be equal to one of the allowed values/);
        assert.match(error.what, /manifest\/queues\/1 must have required property 'partner'/);
        return true;
      },
    );
  });

  test('a manifest of a newer version is refused as such, not misread', () => {
    assert.throws(
      () => checkManifest({ ...STACK_MANIFEST, manifestVersion: 2 }),
      /manifest version 2 is newer than this CLI reads \(1\)/,
    );
  });
});

const withPartners = (queues: PipelineManifest['queues']): PipelineManifest =>
  ({ ...STACK_MANIFEST, queues: [...STACK_MANIFEST.queues, ...queues] }) as PipelineManifest;

function byName(queues: readonly TargetQueue[]): Record<string, TargetQueue> {
  return Object.fromEntries(queues.map((queue) => [queue.label, queue]));
}

describe('queues by role, never by name', () => {
  test('names as status shows them, and where each dead-letter queue redrives to', () => {
    const queues = byName(
      targetQueues(
        withPartners([
          {
            role: 'partner',
            url: `${SQS}syn-prod-sports-desk`,
            partner: 'sports-desk',
            deadLetterQueueUrl: `${SQS}syn-prod-sports-desk-dlq`,
          },
          { role: 'partner-dead-letter', url: `${SQS}syn-prod-sports-desk-dlq`, partner: 'sports-desk' },
          {
            role: 'delivery-dead-letter',
            url: `${SQS}syn-prod-sports-desk-delivery-dlq`,
            partner: 'sports-desk',
          },
          {
            role: 'delivery-dead-letter',
            url: `${SQS}syn-prod-alerts-delivery-dlq`,
            partner: 'breaking-alerts',
            partnerId: 'alerts',
          },
        ]),
      ),
    );
    assert.deepEqual(Object.keys(queues), [
      'IngestQueue',
      'IngestDlq',
      'StreamDlq',
      'ReleaseDlq',
      'PartnerSportsDeskQueue',
      'PartnerSportsDeskQueueDlq',
      'PartnerSportsDeskDeliveryDlq',
      'PartnerAlertsDeliveryDlq',
    ]);
    assert.deepEqual(queues.IngestDlq, {
      label: 'IngestDlq',
      name: 'Syndication-prod-IngestDlq-DeF',
      url: `${SQS}Syndication-prod-IngestDlq-DeF`,
      role: 'ingest-dead-letter',
      redrivesTo: `${SQS}Syndication-prod-IngestQueue-AbC`,
    });
    assert.equal(queues.StreamDlq?.redrivesTo, undefined);
    assert.equal(queues.ReleaseDlq?.redrivesTo, undefined);
    assert.equal(queues.PartnerSportsDeskQueueDlq?.redrivesTo, `${SQS}syn-prod-sports-desk`);
    assert.equal(queues.PartnerSportsDeskDeliveryDlq?.redrivesTo, `${SQS}syn-prod-sports-desk`);
    assert.equal(queues.PartnerAlertsDeliveryDlq?.redrivesTo, undefined);
  });

  test("a partner named stream-news is not taken for the stream's failures", () => {
    const queues = targetQueues(
      withPartners([
        {
          role: 'partner',
          url: `${SQS}syn-prod-stream-news`,
          partner: 'stream-news',
          deadLetterQueueUrl: `${SQS}syn-prod-stream-news-dlq`,
        },
        { role: 'partner-dead-letter', url: `${SQS}syn-prod-stream-news-dlq`, partner: 'stream-news' },
        // An HTTPS partner has no queue of ours: nothing to move its failed deliveries back into.
        {
          role: 'delivery-dead-letter',
          url: `${SQS}syn-prod-stream-alerts-delivery-dlq`,
          partner: 'stream-alerts',
        },
      ]),
    );
    const actions = Object.fromEntries(
      redrivePlan(queues, []).steps.map(({ queue, action }) => [queue.name, action]),
    );
    assert.deepEqual(actions, {
      'Syndication-prod-IngestDlq-DeF': 'move-back',
      'Syndication-prod-StreamDlq-GhI': 'republish',
      'Syndication-prod-ReleaseDlq-JkL': 'leave',
      'syn-prod-stream-news-dlq': 'move-back',
      'syn-prod-stream-alerts-delivery-dlq': 'leave',
    });
    // Asked for by the name status shows or by its own name.
    assert.deepEqual(
      redrivePlan(queues, ['PartnerStreamNewsQueueDlq', 'syn-prod-stream-alerts-delivery-dlq']).steps.map(
        ({ queue }) => queue.url,
      ),
      [`${SQS}syn-prod-stream-news-dlq`, `${SQS}syn-prod-stream-alerts-delivery-dlq`],
    );
    assert.deepEqual(redrivePlan(queues, ['StreamDlq', 'stream']).unknown, ['stream']);
  });

  test('replay --partner tells partners a and ab apart, in either order', () => {
    const partner = (name: string) => ({
      role: 'partner' as const,
      url: `${SQS}syn-prod-${name}`,
      partner: name,
    });
    for (const order of [
      ['a', 'ab'],
      ['ab', 'a'],
    ]) {
      const queues = targetQueues(withPartners(order.map(partner)));
      assert.equal(partnerQueueOf(queues, 'a')?.url, `${SQS}syn-prod-a`);
      assert.equal(partnerQueueOf(queues, 'ab')?.url, `${SQS}syn-prod-ab`);
      assert.equal(partnerQueueOf(queues, 'b'), undefined);
      assert.equal(partnerQueueOf(queues, 'syn-prod-a'), undefined);
    }
  });

  test('the variants replayed are those the pipeline has topics for', () => {
    assert.deepEqual(publishedVariants(STACK_MANIFEST), ['full', 'summary']);
    assert.deepEqual(
      publishedVariants({
        topicRoutes: { full: [TOPIC], summary: [], 'summary-linked': [`${TOPIC}Linked`] },
      }),
      ['full', 'summary-linked'],
    );
    assert.deepEqual(publishedVariants({ topicRoutes: { full: [TOPIC] } }), ['full']);
  });
});

describe("the local runtime's manifest", () => {
  const LOCAL_SQS = 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/';
  const queueRef = (name: string) => ({
    name,
    url: `${LOCAL_SQS}${name}`,
    arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
  });
  const partner = (name: string, id?: string) =>
    ({ name, ...(id ? { id } : {}), delivery: { type: 'sqs' }, payload: 'full' }) as unknown as Partner;
  const partnerQueues = (name: string, id?: string) => ({
    partner: partner(name, id),
    queue: queueRef(`partner-${name}`),
    deadLetterQueue: queueRef(`partner-${name}-dlq`),
    subscriptionArn: `arn:aws:sns:us-east-1:000000000000:syndicate-articles:${name}`,
    raw: true,
    localDelivery: 'queue' as const,
    shard: 3,
    topicArn: 'arn:aws:sns:us-east-1:000000000000:syndicate-articles',
  });
  const resources: LocalResources = {
    bucket: 'syndicate-ingest',
    quarantineBucket: 'syndicate-quarantine',
    ingestQueue: queueRef('syndicate-ingest'),
    ingestDeadLetterQueue: queueRef('syndicate-ingest-dlq'),
    table: 'syndicate-articles',
    streamDeadLetterQueue: queueRef('syndicate-stream-dlq'),
    topicArn: 'arn:aws:sns:us-east-1:000000000000:syndicate-articles',
    topicRoutes: {
      full: ['arn:aws:sns:us-east-1:000000000000:syndicate-articles'],
      summary: [],
      'summary-linked': [],
    },
    contentBucket: 'syndicate-content',
    partnerQueues: [partnerQueues('stream-news'), partnerQueues('wire-two', 'wire')],
  };

  test('lists every queue with its role and partner, and reads back as a manifest', () => {
    const manifest = localManifest(resources, { contentLinkExpirySeconds: 21600 });
    // What `syndicate start` writes is what the CLI accepts.
    const read = checkManifest(JSON.parse(JSON.stringify(manifest)));
    assert.deepEqual(read.buckets, {
      ingest: 'syndicate-ingest',
      quarantine: 'syndicate-quarantine',
      content: 'syndicate-content',
    });
    assert.equal(read.contentLinkExpirySeconds, 21600);
    const queues = targetQueues(read);
    assert.deepEqual(
      queues.map(({ label, name, role, partner, redrivesTo }) => ({
        label,
        name,
        role,
        partner,
        redrivesTo,
      })),
      [
        {
          label: 'IngestQueue',
          name: 'syndicate-ingest',
          role: 'ingest',
          partner: undefined,
          redrivesTo: undefined,
        },
        {
          label: 'IngestDlq',
          name: 'syndicate-ingest-dlq',
          role: 'ingest-dead-letter',
          partner: undefined,
          redrivesTo: `${LOCAL_SQS}syndicate-ingest`,
        },
        {
          label: 'StreamDlq',
          name: 'syndicate-stream-dlq',
          role: 'stream-failures',
          partner: undefined,
          redrivesTo: undefined,
        },
        {
          label: 'PartnerStreamNewsQueue',
          name: 'partner-stream-news',
          role: 'partner',
          partner: 'stream-news',
          redrivesTo: undefined,
        },
        {
          label: 'PartnerStreamNewsQueueDlq',
          name: 'partner-stream-news-dlq',
          role: 'partner-dead-letter',
          partner: 'stream-news',
          redrivesTo: `${LOCAL_SQS}partner-stream-news`,
        },
        {
          label: 'PartnerWireQueue',
          name: 'partner-wire-two',
          role: 'partner',
          partner: 'wire-two',
          redrivesTo: undefined,
        },
        {
          label: 'PartnerWireQueueDlq',
          name: 'partner-wire-two-dlq',
          role: 'partner-dead-letter',
          partner: 'wire-two',
          redrivesTo: `${LOCAL_SQS}partner-wire-two`,
        },
      ],
    );
    assert.deepEqual(publishedVariants(read), ['full']);
  });
});
