/**
 * A stage of the pipeline (ingest, publish, embargo release): a construct that groups the stateless
 * resources of one step (its function, role, log group, event source) and their grants.
 *
 * A stage is a grouping in the construct tree only: the stack leaves it out of its resources'
 * logical ids (`logicalIdScopes`), so each resource keeps the id it has at the stack's top level.
 * Moving a resource into or out of a stage therefore replaces nothing on deploy — in particular not
 * the log groups (retained data) nor the table stream's event source mapping, which a replacement
 * would restart from the oldest record of the stream (TRIM_HORIZON), republishing a day of changes.
 */
import { type CfnElement, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import type { Reservation } from '../config.js';

const STAGE = Symbol.for('content-syndication.PipelineStage');

export class PipelineStage extends Construct {
  static isPipelineStage(construct: IConstruct): construct is PipelineStage {
    return (construct as unknown as Record<symbol, unknown>)[STAGE] === true;
  }

  constructor(scope: Construct, id: string) {
    super(scope, id);
    if (Stack.of(this) !== scope) throw new Error(`stage ${id} must be a direct child of its stack`);
    Object.defineProperty(this, STAGE, { value: true });
  }
}

/**
 * The scopes that name `element` in its stack's logical ids: its path without pipeline stages. A
 * stack passes this to its default logical-id allocation (see SyndicationStack.allocateLogicalId).
 */
export function logicalIdScopes(element: CfnElement): IConstruct[] {
  return element.node.scopes.filter((scope) => !PipelineStage.isPipelineStage(scope));
}

/** What every function of a stage shares. */
export interface FunctionDefaults {
  /** Powertools service name: the `service` dimension of the stage's metrics. */
  readonly serviceName: string;
  /** What happens to the function's log group when the stack deletes it. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/** A reservation as Lambda's ReservedConcurrentExecutions, or nothing for `none`. */
export function reservedConcurrency(reservation: Reservation): { reservedConcurrentExecutions?: number } {
  return reservation === 'none' ? {} : { reservedConcurrentExecutions: reservation };
}
