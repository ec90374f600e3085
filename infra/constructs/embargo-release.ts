/**
 * Embargo release: publish creates one one-time EventBridge Scheduler schedule per embargoed version
 * (in the schedule group, run as the scheduler role); at the embargo time the schedule invokes the
 * release function, which rewrites the article's head. Releases the scheduler cannot deliver go to
 * the release DLQ.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { release } from '../../shared/pipeline/description.js';
import type { Reservation } from '../config.js';
import { PipelineFunction } from './pipeline-function.js';
import { bucketResource, tableResource } from './pipeline-resources.js';
import { type FunctionDefaults, PipelineStage, reservedConcurrency } from './pipeline-stage.js';
import type { StatefulResources } from './stateful-resources.js';

export interface EmbargoReleaseProps {
  readonly resources: StatefulResources;
  readonly functionDefaults: FunctionDefaults;
  /** Concurrent executions reserved for release (its floor and ceiling), or `none`. */
  readonly reservedConcurrency: Reservation;
}

export class EmbargoRelease extends PipelineStage {
  readonly releaseFunction: PipelineFunction;
  /** The role embargo schedules run as. */
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: EmbargoReleaseProps) {
    super(scope, id);
    const { resources } = props;
    this.releaseFunction = new PipelineFunction(this, 'Release', {
      describedBy: release,
      ...props.functionDefaults,
      // Many embargoes lifting at one time cannot take the account's concurrency, and always find some.
      ...reservedConcurrency(props.reservedConcurrency),
    });
    this.releaseFunction.bindAll({
      articlesTable: tableResource(resources.articlesTable),
      contentBucket: bucketResource(resources.contentBucket),
    });
    this.schedulerRole = new Role(this, 'EmbargoSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the release function and dead-letter failures',
    });
    // The unqualified function only (schedules target RELEASE_FUNCTION_ARN), and only SendMessage on the DLQ.
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.releaseFunction.functionArn],
      }),
    );
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [resources.queues.releaseDlq.queueArn],
      }),
    );
  }
}
