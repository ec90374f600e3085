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
  /**
   * How precisely the scheduler keeps time, in seconds. EventBridge Scheduler invokes a one-time
   * schedule at any moment within the minute it names (60 s precision), so a time within a minute
   * is rounded up to the next whole minute: a release then never runs before its embargo. The
   * local emulator fires at the second (1). @default 60
   */
  readonly precisionSeconds?: number;
}

/**
 * The `at(...)` time for `at`: EventBridge Scheduler's yyyy-mm-ddThh:mm:ss in UTC, without zone or
 * milliseconds, rounded up to a whole multiple of `precisionSeconds` (never earlier than `at`).
 */
export function scheduleTimeFor(at: Date, precisionSeconds = 60): string {
  const step = precisionSeconds * 1000;
  const rounded = new Date(Math.ceil(at.getTime() / step) * step);
  return rounded.toISOString().slice(0, 19);
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
    const at = scheduleTimeFor(new Date(release.at), this.target.precisionSeconds);
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
