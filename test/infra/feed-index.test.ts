/**
 * The article table's feed index as synthesised: keys as the adapter queries them, and a projection
 * that leaves the compressed documents out (an index write costs a unit per KB it holds).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';

describe('the byFeed index of the article table', () => {
  test('keys byFeedPk / byFeedSk, projecting only uri, version, feedEvent and feedHead, as first deployed', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const partners = parsePartnerRegistry({
      partners: [{ name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} }],
    });
    const stack = new SyndicationStack(app, 'Syndication-feeds', {
      stage: 'dev',
      partners,
      consoleAssets: CONSOLE_PAGE,
    });
    const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
    const indexes = Object.values(tables).flatMap(
      (table) =>
        ((table.Properties as { GlobalSecondaryIndexes?: unknown[] }).GlobalSecondaryIndexes ?? []) as {
          IndexName: string;
          KeySchema: unknown;
          Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
        }[],
    );
    const byFeed = indexes.find((index) => index.IndexName === 'byFeed');
    assert.ok(byFeed, 'the table has the byFeed index');
    assert.deepEqual(byFeed.KeySchema, [
      { AttributeName: 'byFeedPk', KeyType: 'HASH' },
      { AttributeName: 'byFeedSk', KeyType: 'RANGE' },
    ]);
    assert.equal(byFeed.Projection.ProjectionType, 'INCLUDE');
    // Exactly the list the index was first deployed with, in its order: CloudFormation refuses to
    // update a deployed GSI's projection ("Cannot update GSI's properties other than Provisioned
    // Throughput and Contributor Insights Specification"), so any change fails the next deployment.
    assert.deepEqual(byFeed.Projection.NonKeyAttributes, ['uri', 'version', 'feedEvent', 'feedHead']);
    // The status index still holds whole items, as before.
    assert.equal(indexes.find((index) => index.IndexName === 'byStatus')?.Projection.ProjectionType, 'ALL');
  });
});
