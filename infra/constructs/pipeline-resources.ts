/**
 * The stack's resources as functions bind them (`PipelineFunction.bind`): for each kind, what the
 * setting naming it carries, what its grants name and the key its users need. Grants name exactly the
 * resource (a bucket's objects only under the use's prefix), never more.
 */
import { Aws } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ResourceUse } from '../../shared/pipeline/description.js';
import { logicalIdOf, wildcardFinding } from '../nag.js';
import type { BindableResource } from './pipeline-function.js';

/** What a reader or writer of SSE-KMS objects or of an encrypted topic needs on the key (SNS and S3 document no more). */
export const DATA_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** Named by its name, no grant of its own: a resource a function only passes on (an ARN for schedules). */
function referenceOnly(reference: string, target: string): BindableResource {
  return { reference, grantTargets: () => [target], wildcardFindings: () => [] };
}

/** A bucket: its name; object actions on the use's prefix (`objects`), bucket actions on the bucket. */
export function bucketResource(bucket: IBucket): BindableResource {
  return {
    reference: bucket.bucketName,
    grantTargets: (use: ResourceUse) =>
      use.objects === undefined ? [bucket.bucketArn] : [bucket.arnForObjects(use.objects)],
    wildcardFindings: (use: ResourceUse) =>
      use.objects?.includes('*') ? [wildcardFinding(bucket, `/${use.objects}`)] : [],
    // A reader of SSE-KMS objects needs Decrypt only; a writer also GenerateDataKey.
    ...(bucket.encryptionKey
      ? {
          key: {
            key: bucket.encryptionKey,
            actions: (use: ResourceUse) =>
              use.actions.some((action) => action === 's3:PutObject') ? DATA_KEY_ACTIONS : ['kms:Decrypt'],
          },
        }
      : {}),
  };
}

/**
 * The table: its actions on the table itself, or, for a use naming an `index`, on that index only
 * (`<table arn>/index/<name>`, never `index/*`).
 */
export function tableResource(table: ITable): BindableResource {
  return {
    reference: table.tableName,
    grantTargets: (use: ResourceUse) =>
      use.index === undefined ? [table.tableArn] : [`${table.tableArn}/index/${use.index}`],
    wildcardFindings: () => [],
  };
}

/**
 * Every topic of the pipeline, named by `routes` (JSON of the topic ARNs of each payload variant),
 * encrypted with `key`.
 */
export function topicsResource(topics: readonly ITopic[], routes: string, key: IKey): BindableResource {
  return {
    reference: routes,
    grantTargets: () => topics.map((topic) => topic.topicArn),
    wildcardFindings: () => [],
    key: { key, actions: () => DATA_KEY_ACTIONS },
  };
}

/**
 * The schedules of one group. Pseudo parameters (not the stack's env), so the ARN and its cdk-nag
 * finding are the same whether or not synth knows the account and region.
 */
export function scheduleGroupResource(group: CfnScheduleGroup): BindableResource {
  return {
    reference: group.ref,
    grantTargets: () => [
      `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${group.ref}/*`,
    ],
    wildcardFindings: () => [
      `IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${logicalIdOf(group)}>/*]`,
    ],
  };
}

export function roleResource(role: IRole): BindableResource {
  return referenceOnly(role.roleArn, role.roleArn);
}

export function functionResource(fn: IFunction): BindableResource {
  return referenceOnly(fn.functionArn, fn.functionArn);
}

export function queueResource(queue: IQueue): BindableResource {
  return referenceOnly(queue.queueArn, queue.queueArn);
}

/**
 * The secret that signs content API links, read by name through Parameter Store's Secrets Manager
 * reference (`/aws/reference/secretsmanager/<name>`), which needs both services' read actions.
 */
export function linkSigningSecretResource(
  secret: ISecret,
  name: string,
  referenceArn: string,
): BindableResource {
  return {
    reference: name,
    grantTargets: (use: ResourceUse) => [
      ...new Set(use.actions.map((action) => (action.startsWith('ssm:') ? referenceArn : secret.secretArn))),
    ],
    wildcardFindings: () => [],
  };
}
