/**
 * cdk-nag (AwsSolutions) for this project: the checks run in every synth (`infra/app.ts`) and in the
 * infrastructure tests, and a finding is either fixed or acknowledged here, one resource and one finding
 * at a time, with the reason next to the code that causes it.
 *
 * Acknowledgement ids are the finding as cdk-nag reports it, qualifiers included, e.g.
 * `AwsSolutions-IAM5[Resource::<IngestBucket2B3522FA.Arn>/*]`: a new wildcard on the same resource is a
 * new finding, not silently covered by an old acknowledgement.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const NAG_PACK = 'AwsSolutions';

/** Registers the AwsSolutions checks on an app: `cdk synth` fails on any unacknowledged finding. */
export function addNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges one finding on one construct (and the CloudFormation resources under it).
 * @param finding the rule and its qualifier, without the pack: `IAM5[Resource::*]`, `SQS3`
 */
export function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  if (scope instanceof Stack || scope.node.scope === undefined) {
    throw new Error(`acknowledge ${finding} on a resource, not on a stack or an app`);
  }
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}-${finding}`, reason });
}

/** The CloudFormation logical id of a construct's resource, as it appears in the template. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/**
 * The IAM5 finding for a wildcard below an attribute of a resource, as cdk-nag spells it:
 * `wildcardFinding(bucket, '/*')` -> `IAM5[Resource::<IngestBucket2B3522FA.Arn>/*]`.
 */
export function wildcardFinding(resource: IConstruct, suffix: string, attribute = 'Arn'): string {
  return `IAM5[Resource::<${logicalIdOf(resource)}.${attribute}>${suffix}]`;
}
