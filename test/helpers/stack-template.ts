/**
 * A syndication stack and its partner shards (nested stacks) as one template, for tests whose
 * assertions were written against one stack.
 */
import assert from 'node:assert/strict';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SyndicationStack } from '../../infra/stacks/syndication-stack.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Replaces each `{ Ref: parameter }` by what the parent passes for it, everywhere in a value. */
function substituteParameters(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituteParameters(item, parameters));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === 'Ref' && typeof only[1] === 'string' && only[1] in parameters)
    return parameters[only[1]];
  return Object.fromEntries(entries.map(([key, item]) => [key, substituteParameters(item, parameters)]));
}

/**
 * The stack and its partner shards (nested stacks) as one template: each shard's resources with the
 * parameters the parent passes substituted, so a shard's reference to the parent's topic or key reads
 * as it would in one stack. The assertions below mean what they meant before partners were sharded.
 */
export function flattenedTemplate(stack: SyndicationStack): Record<string, unknown> {
  const parent = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
  const merged: Record<string, Resource> = {};
  for (const [id, resource] of Object.entries(parent.Resources))
    if (resource.Type !== 'AWS::CloudFormation::Stack') merged[id] = resource;
  for (const shard of stack.partnerShards.values()) {
    const nestedResource = shard.nestedStackResource;
    assert.ok(nestedResource, 'a shard is a nested stack');
    const passed = (parent.Resources[Stack.of(nestedResource).resolve(nestedResource.logicalId) as string]
      ?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const nested = Template.fromStack(shard).toJSON() as { Resources: Record<string, Resource> };
    for (const [id, resource] of Object.entries(nested.Resources)) {
      assert.ok(!(id in merged), `logical id ${id} of a shard is also in the parent`);
      merged[id] = substituteParameters(resource, passed) as Resource;
    }
  }
  return { ...parent, Resources: merged };
}
