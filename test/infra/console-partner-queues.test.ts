/**
 * The console function finds partner queues by name, from the registry and the stage
 * (shared/console/partners-file.ts), not from the stack: this holds the two to each other. The
 * syndication stack, synthesised with an SQS partner, one with its own queue and an HTTPS partner,
 * names exactly the partner queues the console derives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { partnerManifestQueues } from '../../shared/console/partners-file.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };

test('the partner queues the console derives are the ones the stack creates', () => {
  const partners = parsePartnerRegistry({
    partners: [
      { name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} },
      {
        name: 'own-queue',
        delivery: { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:210987654321:their-queue' },
        filters: {},
      },
      {
        name: 'alerts',
        delivery: { type: 'https', endpoint: 'https://alerts.partner.example/sns' },
        filters: {},
      },
    ],
  });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SyndicationStack(app, 'ConsoleQueuesTest', {
    stage: 'dev',
    partners,
    consoleAssets: CONSOLE_PAGE,
  });
  const resources = (flattenedTemplate(stack) as { Resources: Record<string, Resource> }).Resources;
  const named = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::SQS::Queue')
    .map((resource) => resource.Properties?.QueueName)
    .filter((name): name is string => typeof name === 'string' && name.startsWith('syn-dev-'))
    .sort();
  const derived = partnerManifestQueues('', 'dev', partners)
    .map((queue) => queue.url)
    .sort();
  assert.deepEqual(derived, [
    'syn-dev-alerts-delivery-dlq',
    'syn-dev-all-news-wire',
    'syn-dev-all-news-wire-delivery-dlq',
    'syn-dev-all-news-wire-dlq',
    'syn-dev-own-queue-delivery-dlq',
  ]);
  assert.deepEqual(named, derived);
});
