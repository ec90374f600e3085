/**
 * The stack at 1, 50, 200 and 1,000 partners (generated registries mixing every delivery type and
 * both payloads): every template, the parent's and each shard's, stays inside CloudFormation's
 * limits, no topic carries more filter policies than the configured quota, and the subscriptions
 * together are the registry: each partner once, on a topic of its payload, with its own filter.
 * cdk-nag runs in the synthesis; an unacknowledged finding on any stack fails it.
 *
 * Part of `npm test`: all four synthesise in about half a minute on a 2-core machine.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from '../../infra/nag.js';
import { SyndicationStack } from '../../infra/stacks/syndication-stack.js';
import { type GeneratedPartner, generatedRegistry } from '../../scripts/partner-registry-generator.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { partnerConstructId } from '../../shared/partners/topology.js';
import { CONSOLE_PAGE } from '../helpers/paths.js';
import { flattenedTemplate } from '../helpers/stack-template.js';

/** CloudFormation quotas (AWS documentation, "CloudFormation quotas"). */
const MAX_RESOURCES = 500;
const MAX_OUTPUTS = 200;
/** A template uploaded through S3 (as CDK does for nested stacks and large templates). */
const MAX_TEMPLATE_BYTES_VIA_S3 = 1_048_576;
/** SNS's default quota of filter policies per topic. */
const FILTER_POLICIES_PER_TOPIC = 200;

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** What the registry's filters mean as an SNS policy, written out from the registry's own fields. */
function expectedPolicy(partner: GeneratedPartner): Record<string, unknown> {
  const { subjects, languages, sources, minUrgency, eventTypes } = partner.filters as {
    subjects?: string[];
    languages?: string[];
    sources?: string[];
    minUrgency?: number;
    eventTypes?: string[];
  };
  return {
    ...(subjects ? { subjects } : {}),
    ...(languages ? { language: languages } : {}),
    ...(sources ? { source: sources } : {}),
    ...(minUrgency ? { urgency: [{ numeric: ['<=', minUrgency] }] } : {}),
    // Withdrawals reach every partner, whatever event types it asked for.
    ...(eventTypes
      ? {
          eventType: eventTypes.includes('article.withdrawn')
            ? eventTypes
            : [...eventTypes, 'article.withdrawn'],
        }
      : {}),
  };
}

for (const count of [1, 50, 200, 1000]) {
  describe(`${count} partner(s)`, () => {
    const registry = generatedRegistry(count).partners;
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    addNagChecks(app);
    const stack = new SyndicationStack(app, `Scale${count}`, {
      consoleAssets: CONSOLE_PAGE,
      stage: 'scale',
      partners: parsePartnerRegistry({ partners: registry }),
      filterPoliciesPerTopic: FILTER_POLICIES_PER_TOPIC,
    });
    const assembly = app.synth();

    test('every template (parent and shards) is inside CloudFormation limits', () => {
      const templates = readdirSync(assembly.directory).filter((file) => file.endsWith('.template.json'));
      // The parent and one nested template per shard.
      assert.equal(templates.length, 1 + stack.partnerShards.size);
      for (const file of templates) {
        const path = join(assembly.directory, file);
        const template = JSON.parse(readFileSync(path, 'utf8')) as {
          Resources?: object;
          Outputs?: object;
        };
        const resources = Object.keys(template.Resources ?? {}).length;
        const outputs = Object.keys(template.Outputs ?? {}).length;
        assert.ok(resources <= MAX_RESOURCES, `${file}: ${resources} resources`);
        assert.ok(outputs <= MAX_OUTPUTS, `${file}: ${outputs} outputs`);
        assert.ok(statSync(path).size <= MAX_TEMPLATE_BYTES_VIA_S3, `${file}: ${statSync(path).size} bytes`);
      }
    });

    test('the subscriptions are the registry: each partner once, on its payload topic, with its filter', () => {
      const resources = (flattenedTemplate(stack) as { Resources: Record<string, Resource> }).Resources;
      const topicIds = new Map(
        Object.entries(resources)
          .filter(([, resource]) => resource.Type === 'AWS::SNS::Topic')
          .map(([id]) => [id, id]),
      );
      const subscriptions = Object.entries(resources).filter(
        ([, resource]) =>
          resource.Type === 'AWS::SNS::Subscription' &&
          topicIds.has((resource.Properties?.TopicArn as { Ref?: string } | undefined)?.Ref ?? ''),
      );
      // No operator emails in this stack: every subscription on a partner topic is a partner's.
      assert.equal(subscriptions.length, count);
      const policiesPerTopic = new Map<string, number>();
      for (const partner of registry) {
        const prefix = `${partnerConstructId(partner)}Subscription`;
        const own = subscriptions.filter(([id]) => id.startsWith(prefix));
        assert.equal(own.length, 1, `${partner.name}: one subscription`);
        const properties = own[0]?.[1].Properties ?? {};
        const topic = (properties.TopicArn as { Ref: string }).Ref;
        assert.match(topic, partner.payload === 'summary' ? /^SummaryTopic/ : /^ArticlesTopic/, partner.name);
        assert.deepEqual(properties.FilterPolicy ?? {}, expectedPolicy(partner), partner.name);
        if (properties.FilterPolicy) policiesPerTopic.set(topic, (policiesPerTopic.get(topic) ?? 0) + 1);
      }
      for (const [topic, policies] of policiesPerTopic)
        assert.ok(policies <= FILTER_POLICIES_PER_TOPIC, `${topic}: ${policies} filter policies`);
    });
  });
}
