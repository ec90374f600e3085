import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  EventBridgeEmbargoScheduler,
  scheduleTimeFor,
} from '../../../shared/adapters/eventbridge-scheduler.js';

/** A Scheduler client that records what it is sent. */
function recordingClient(): { client: SchedulerClient; sent: CreateScheduleCommand['input'][] } {
  const sent: CreateScheduleCommand['input'][] = [];
  const client = {
    send: async (command: CreateScheduleCommand) => {
      sent.push(command.input);
      return {};
    },
  } as unknown as SchedulerClient;
  return { client, sent };
}

const TARGET = {
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:release',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
};

describe('embargo schedules', () => {
  // EventBridge Scheduler: "if you set your schedule to run at 1:00, it will invoke the target API
  // between 1:00:00 and 1:00:59" (60 second precision), so a time within a minute is rounded up.
  test('a release within a minute is scheduled at the next whole minute, never before its time', async () => {
    const { client, sent } = recordingClient();
    const scheduler = new EventBridgeEmbargoScheduler(client, TARGET);
    await scheduler.schedule({ uri: 'urn:a', version: 2, at: '2026-12-07T12:00:30.500Z' });
    assert.equal(sent[0]?.ScheduleExpression, 'at(2026-12-07T12:01:00)');
    assert.equal(sent[0]?.ScheduleExpressionTimezone, 'UTC');
    assert.deepEqual(JSON.parse(sent[0]?.Target?.Input ?? '{}'), {
      uri: 'urn:a',
      version: 2,
      at: '2026-12-07T12:00:30.500Z',
    });
  });

  test('a release on a whole minute keeps its minute; the last millisecond of a day rolls over', () => {
    assert.equal(scheduleTimeFor(new Date('2026-12-07T12:00:00.000Z')), '2026-12-07T12:00:00');
    assert.equal(scheduleTimeFor(new Date('2026-12-07T12:00:00.001Z')), '2026-12-07T12:01:00');
    assert.equal(scheduleTimeFor(new Date('2026-12-31T23:59:59.999Z')), '2027-01-01T00:00:00');
  });

  test('a scheduler that keeps seconds (the local emulator) gets the second, rounded up', () => {
    assert.equal(scheduleTimeFor(new Date('2026-12-07T12:00:30.500Z'), 1), '2026-12-07T12:00:31');
    assert.equal(scheduleTimeFor(new Date('2026-12-07T12:00:30.000Z'), 1), '2026-12-07T12:00:30');
  });
});
