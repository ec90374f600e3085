/**
 * What survives a `cdk destroy`, a replacement or a partner rename; how much concurrency each
 * function may take; how SNS signs. One App holds the stacks these tests compare and is synthesised
 * once, a second one the renamed registry's deployment; no bundling (nothing here reads the code).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { App, type CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { stageConfigFrom } from '../../infra/config.js';
import {
  partnerConstructId,
  SyndicationStack,
  stackPropsFrom,
} from '../../infra/stacks/syndication-stack.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { type Partner, parsePartnerRegistry } from '../../shared/partners/registry.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

const PARTNER_ACCOUNT = '210987654321';

/** A queue partner read cross-account, an HTTPS partner, and one whose id is not its name. */
function registry(renamed: boolean): Partner[] {
  return parsePartnerRegistry({
    partners: [
      { name: 'everything-feed', delivery: { type: 'sqs', accountId: PARTNER_ACCOUNT }, filters: {} },
      {
        name: 'alerts-hook',
        delivery: { type: 'https', endpoint: 'https://alerts.partner.example/sns' },
        filters: { minUrgency: 2 },
        payload: 'summary',
      },
      {
        id: 'partner-0042',
        name: renamed ? 'nordic-sports-network' : 'nordic-sports',
        description: renamed ? 'Sports desk of the merged Nordic network' : 'Sports site, Nordics',
        delivery: { type: 'sqs' },
        filters: { subjects: ['medtop:15000000'] },
      },
    ],
  });
}

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** Everything that holds data or decrypts it: what a deletion or replacement must not lose. */
const STATEFUL_TYPES = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SQS::Queue'];

/** The feature flags `cdk synth` runs with, so the tests see the template that deploys. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** A stack built from context values as infra/app.ts builds one. */
function stackFromContext(app: App, id: string, context: Record<string, unknown>, partners: Partner[]) {
  return new SyndicationStack(app, id, {
    ...stackPropsFrom(
      stageConfigFrom((key) => context[key]),
      partners,
    ),
    consoleAssets: CONSOLE_PAGE,
  });
}

let retained: SyndicationStack;
let ephemeral: SyndicationStack;
let renamed: SyndicationStack;
let tuned: SyndicationStack;
let unreserved: SyndicationStack;
const templates = new Map<SyndicationStack, Template>();
const resourcesOf = (stack: SyndicationStack) =>
  templates.get(stack)?.toJSON().Resources as Record<string, Resource>;
const templateOf = (stack: SyndicationStack) => {
  const template = templates.get(stack);
  assert.ok(template);
  return template;
};

before(() => {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  // No stage is called prod: a stage's name must not decide what it keeps.
  retained = stackFromContext(app, 'Retained', { stage: 'live' }, registry(false));
  ephemeral = stackFromContext(app, 'Ephemeral', { stage: 'pr-123', ephemeral: 'true' }, registry(false));
  // The same stack deployed again from a registry where the partner was renamed: logical ids
  // include the stack's own name in places, so it needs an App of its own to keep that name.
  const nextDeployment = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  renamed = stackFromContext(nextDeployment, 'Retained', { stage: 'live' }, registry(true));
  tuned = stackFromContext(
    app,
    'Tuned',
    { ingestMaxConcurrency: '37', publishReservedConcurrency: '12', releaseReservedConcurrency: 3 },
    registry(false),
  );
  unreserved = stackFromContext(
    app,
    'Unreserved',
    { publishReservedConcurrency: 'none', releaseReservedConcurrency: 'none' },
    registry(false),
  );
  for (const stack of [retained, ephemeral, renamed, tuned, unreserved])
    templates.set(stack, Template.fromJSON(flattenedTemplate(stack)));
});

describe('data retention', () => {
  test('without ephemeral, every bucket, table, key and queue is retained on delete and on replacement', () => {
    const resources = resourcesOf(retained);
    for (const type of STATEFUL_TYPES) {
      const ofType = Object.entries(resources).filter(([, resource]) => resource.Type === type);
      assert.ok(ofType.length > 0, `the stack has a ${type}`);
      for (const [id, resource] of ofType) {
        assert.equal(resource.DeletionPolicy, 'Retain', `${id} DeletionPolicy`);
        assert.equal(resource.UpdateReplacePolicy, 'Retain', `${id} UpdateReplacePolicy`);
      }
    }
    const template = templateOf(retained);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('the ingest queue, every DLQ and every partner queue and DLQ are among the retained queues', () => {
    const resources = resourcesOf(retained);
    const partner = retained.partnerDeliveries.get('nordic-sports');
    const external = retained.partnerDeliveries.get('alerts-hook');
    assert.ok(partner?.queue && partner.queueDlq && external);
    for (const queue of [
      retained.ingestQueue,
      retained.ingestDlq,
      retained.streamDlq,
      retained.releaseDlq,
      partner.queue,
      partner.queueDlq,
      partner.deliveryDlq,
      external.deliveryDlq,
    ]) {
      assert.equal(resources[logicalId(queue)]?.DeletionPolicy, 'Retain', queue.node.path);
    }
  });

  test('an ephemeral stage deletes them all, emptying its buckets first', () => {
    const resources = resourcesOf(ephemeral);
    for (const [id, resource] of Object.entries(resources)) {
      if (!STATEFUL_TYPES.includes(resource.Type)) continue;
      assert.equal(resource.DeletionPolicy, 'Delete', `${id} DeletionPolicy`);
    }
    const template = templateOf(ephemeral);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    for (const bucket of [
      ephemeral.ingestBucket,
      ephemeral.quarantineBucket,
      ephemeral.contentBucket,
      ephemeral.accessLogsBucket,
    ]) {
      template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
        BucketName: { Ref: logicalId(bucket) },
      });
    }
  });
});

describe('partner identity', () => {
  test('renaming a partner (name and description) keeps every logical id of its resources', () => {
    const before = retained.partnerDeliveries.get('nordic-sports');
    const after = renamed.partnerDeliveries.get('nordic-sports-network');
    assert.ok(before && after);
    assert.equal(before.node.id, 'PartnerPartner0042');
    assert.equal(after.node.id, 'PartnerPartner0042');
    const idsUnder = (scope: IConstruct) =>
      scope.node
        .findAll()
        .filter(CfnResource.isCfnResource)
        .map((resource) => Stack.of(resource).resolve(resource.logicalId) as string)
        .sort();
    const beforeIds = idsUnder(before);
    // Queue, its DLQ, the delivery DLQ, the subscription and the queue policies.
    assert.ok(beforeIds.length >= 5, beforeIds.join(', '));
    assert.deepEqual(idsUnder(after), beforeIds);
    // The same queues, as CloudFormation sees them: same logical id, same type.
    const beforeResources = resourcesOf(retained);
    const afterResources = resourcesOf(renamed);
    for (const id of beforeIds) assert.equal(afterResources[id]?.Type, beforeResources[id]?.Type, id);
  });

  test('the renamed partner is still tagged with its new name and its permanent id', () => {
    const after = renamed.partnerDeliveries.get('nordic-sports-network');
    assert.ok(after?.queue);
    templateOf(renamed).hasResourceProperties('AWS::SQS::Queue', {
      Tags: Match.arrayWith([
        { Key: 'partner', Value: 'nordic-sports-network' },
        { Key: 'partner-id', Value: 'partner-0042' },
      ]),
    });
  });

  test('a partner without an id is named after its name', () => {
    assert.equal(partnerConstructId({ name: 'everything-feed' }), 'PartnerEverythingFeed');
    assert.equal(partnerConstructId({ id: 'partner-0042', name: 'everything-feed' }), 'PartnerPartner0042');
  });

  test('two partners with one id (or one id spelt with a doubled hyphen) are refused', () => {
    const partner = (name: string, id?: string) => ({
      ...(id ? { id } : {}),
      name,
      delivery: { type: 'sqs' },
      filters: {},
    });
    assert.throws(
      () =>
        parsePartnerRegistry({
          partners: [partner('first-one', 'shared-id'), partner('second-one', 'shared-id')],
        }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.message.includes("partners 'first-one' and 'second-one' have the same id 'shared-id'"),
    );
    assert.throws(
      () => parsePartnerRegistry({ partners: [partner('news-feed'), partner('news--feed')] }),
      /partners 'news-feed' and 'news--feed' have the same id/,
    );
    assert.throws(
      () => parsePartnerRegistry({ partners: [partner('old-name'), partner('new-name', 'old-name')] }),
      /have the same id 'old-name'/,
    );
    assert.throws(
      () => parsePartnerRegistry({ partners: [partner('good-name', 'Bad Id')] }),
      /partner 'good-name': id must be 3-40 characters/,
    );
  });
});

describe('concurrency', () => {
  test('the ingest event source runs at most ingestMaxConcurrency normalise instances (default 20)', () => {
    templateOf(tuned).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(tuned.ingestQueue), 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 37 },
    });
    templateOf(retained).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(retained.ingestQueue), 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  test('publish and release get their reservations from context (defaults 10 and 5); normalise none', () => {
    const reservation = (stack: SyndicationStack, fn: IConstruct) =>
      resourcesOf(stack)[logicalId(fn)]?.Properties?.ReservedConcurrentExecutions;
    assert.equal(reservation(tuned, tuned.publishFunction), 12);
    assert.equal(reservation(tuned, tuned.releaseFunction), 3);
    assert.equal(reservation(retained, retained.publishFunction), 10);
    assert.equal(reservation(retained, retained.releaseFunction), 5);
    // normalise is bounded by its event source instead, and may use what the account has left.
    assert.equal(reservation(tuned, tuned.normaliseFunction), undefined);
  });

  test("'none' reserves nothing", () => {
    assert.equal(
      resourcesOf(unreserved)[logicalId(unreserved.publishFunction)]?.Properties
        ?.ReservedConcurrentExecutions,
      undefined,
    );
    assert.equal(
      resourcesOf(unreserved)[logicalId(unreserved.releaseFunction)]?.Properties
        ?.ReservedConcurrentExecutions,
      undefined,
    );
  });

  test('SQS maximum concurrency outside 2-1000 is refused, with every other problem', () => {
    const problems = (context: Record<string, unknown>) => {
      try {
        stageConfigFrom((key) => context[key]);
        return '';
      } catch (error) {
        assert.ok(error instanceof ConfigurationError);
        return error.message;
      }
    };
    assert.equal(problems({ ingestMaxConcurrency: 2 }), '');
    assert.equal(problems({ ingestMaxConcurrency: 1000 }), '');
    assert.match(
      problems({ ingestMaxConcurrency: 1 }),
      /ingestMaxConcurrency must be a whole number from 2 to 1000/,
    );
    assert.match(
      problems({ ingestMaxConcurrency: 1001 }),
      /ingestMaxConcurrency must be a whole number from 2 to 1000/,
    );
    assert.match(problems({ ingestMaxConcurrency: '2.5' }), /not '2\.5'/);
  });

  test('reservations must leave 100 of the account concurrency unreserved, as Lambda requires', () => {
    const config = (context: Record<string, unknown>) => () => stageConfigFrom((key) => context[key]);
    // 1,000 (the default quota) - 895 - 5 = 100: allowed; one more is not.
    assert.doesNotThrow(config({ publishReservedConcurrency: 895 }));
    assert.throws(
      config({ publishReservedConcurrency: 896 }),
      /\(901\) must leave at least 100 of accountConcurrency \(1000\) unreserved/,
    );
    assert.doesNotThrow(config({ publishReservedConcurrency: 896, accountConcurrency: 5000 }));
    assert.doesNotThrow(
      config({
        publishReservedConcurrency: 'none',
        releaseReservedConcurrency: 'none',
        accountConcurrency: 100,
      }),
    );
    assert.throws(config({ accountConcurrency: 50 }), /accountConcurrency must be a whole number from 100/);
  });
});

describe('SNS message signing', () => {
  test('every topic signs with SignatureVersion 2 (SHA256)', () => {
    const topics = Object.entries(resourcesOf(retained)).filter(
      ([, resource]) => resource.Type === 'AWS::SNS::Topic',
    );
    assert.equal(topics.length > 0, true);
    for (const [id, topic] of topics) assert.equal(topic.Properties?.SignatureVersion, '2', id);
    assert.equal(resourcesOf(retained)[logicalId(retained.articlesTopic)]?.Properties?.SignatureVersion, '2');
  });
});
