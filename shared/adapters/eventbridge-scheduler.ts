import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { EmbargoRelease, EmbargoScheduler } from '../ports/embargo-scheduler.js';
import { isAwsError } from './errors.js';

export interface SchedulerTarget {
  /** The release function's ARN. */
  readonly functionArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  readonly groupName?: string;
  /** Where failed invocations go after the scheduler's retries. */
  readonly deadLetterArn?: string;
}

/**
 * One-time EventBridge Scheduler schedules (`at(...)`) that invoke the release function with the
 * uri and version, and delete themselves after running. The name is derived from uri and version,
 * so scheduling the same release twice (a retried stream batch) is a harmless conflict.
 */
export class EventBridgeEmbargoScheduler implements EmbargoScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async schedule(release: EmbargoRelease): Promise<void> {
    const name = `embargo-${createHash('sha256').update(`${release.uri}#${release.version}`).digest('hex').slice(0, 40)}`;
    // Scheduler's at() takes yyyy-mm-ddThh:mm:ss in UTC, without zone or milliseconds.
    const at = new Date(release.at).toISOString().slice(0, 19);
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          ...(this.target.groupName ? { GroupName: this.target.groupName } : {}),
          ScheduleExpression: `at(${at})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(release),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
            ...(this.target.deadLetterArn ? { DeadLetterConfig: { Arn: this.target.deadLetterArn } } : {}),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConflictException || isAwsError(error, 'ConflictException')) return;
      throw error;
    }
  }
}
