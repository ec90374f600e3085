/**
 * A local stand-in for Amazon EventBridge Scheduler's one-time schedules (no emulator on npm has it):
 * an HTTP server on 127.0.0.1 that speaks the subset of the Scheduler REST API the pipeline uses
 * (CreateSchedule, GetSchedule, DeleteSchedule), so the production adapter and SDK client run
 * unchanged. At a schedule's `at(...)` time it invokes the target — here the production release
 * handler, in process — with the schedule's Input, retrying failures with backoff as the
 * schedule's RetryPolicy says, and deletes one-time schedules after they ran.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-event-bridge.js';

interface ScheduleRequest {
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  ActionAfterCompletion?: 'DELETE' | 'NONE';
  Target: { Arn: string; RoleArn: string; Input?: string; RetryPolicy?: { MaximumRetryAttempts?: number } };
}

interface Schedule {
  readonly name: string;
  readonly request: ScheduleRequest;
  readonly at: number;
  timer?: NodeJS.Timeout;
}

export type ScheduleTarget = (input: unknown) => Promise<unknown>;

export class SchedulerEmulator {
  private readonly schedules = new Map<string, Schedule>();
  private readonly running = new Set<Promise<void>>();
  private server: Server | undefined;
  readonly fired: { name: string; input: unknown; attempts: number; ok: boolean }[] = [];

  /** `targets` maps a target ARN to the function that plays it. */
  constructor(
    private readonly targets: ReadonlyMap<string, ScheduleTarget>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) =>
        this.reply(response, 500, { Message: String(error) }, 'InternalServerException'),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Schedules not yet fired, and targets still running. */
  get pending(): number {
    return this.schedules.size + this.running.size;
  }

  /** True when nothing is due within `withinMs` and no target is running. */
  idleFor(withinMs: number): boolean {
    const horizon = Date.now() + withinMs;
    return this.running.size === 0 && [...this.schedules.values()].every((schedule) => schedule.at > horizon);
  }

  private notFound(response: ServerResponse, name: string): void {
    this.reply(response, 404, { Message: `Schedule ${name} does not exist.` }, 'ResourceNotFoundException');
  }

  private reply(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
    response.writeHead(status, {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    response.end(JSON.stringify(body));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = url.pathname.match(/^\/schedules\/([^/]+)$/);
    if (!match?.[1]) return this.reply(response, 404, { Message: 'not found' }, 'ResourceNotFoundException');
    const name = decodeURIComponent(match[1]);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);

    if (request.method === 'POST') {
      if (this.schedules.has(name))
        return this.reply(
          response,
          409,
          { Message: `Schedule ${name} already exists.` },
          'ConflictException',
        );
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScheduleRequest;
      const at = body.ScheduleExpression.match(/^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/)?.[1];
      if (!at)
        return this.reply(
          response,
          400,
          { Message: 'only one-time at(...) schedules are emulated' },
          'ValidationException',
        );
      const schedule: Schedule = { name, request: body, at: Date.parse(`${at}Z`) };
      this.schedules.set(name, schedule);
      this.arm(schedule);
      return this.reply(response, 200, {
        ScheduleArn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${name}`,
      });
    }
    if (request.method === 'GET') {
      const schedule = this.schedules.get(name);
      if (!schedule) return this.notFound(response, name);
      return this.reply(response, 200, { Name: name, ...schedule.request, State: 'ENABLED' });
    }
    if (request.method === 'DELETE') {
      const schedule = this.schedules.get(name);
      if (!schedule) return this.notFound(response, name);
      clearTimeout(schedule.timer);
      this.schedules.delete(name);
      return this.reply(response, 200, {});
    }
    return this.reply(response, 405, { Message: 'method not allowed' }, 'ValidationException');
  }

  private arm(schedule: Schedule): void {
    // setTimeout cannot wait longer than ~24.8 days; re-arm in steps.
    const delay = Math.min(Math.max(0, schedule.at - Date.now()), 2 ** 31 - 1);
    schedule.timer = setTimeout(() => {
      if (Date.now() < schedule.at) return this.arm(schedule);
      const run = this.fire(schedule).finally(() => this.running.delete(run));
      this.running.add(run);
    }, delay);
  }

  private async fire(schedule: Schedule): Promise<void> {
    const target = this.targets.get(schedule.request.Target.Arn);
    const input: unknown = schedule.request.Target.Input ? JSON.parse(schedule.request.Target.Input) : {};
    const retries = schedule.request.Target.RetryPolicy?.MaximumRetryAttempts ?? 185;
    if (schedule.request.ActionAfterCompletion !== 'NONE') this.schedules.delete(schedule.name);
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      try {
        if (!target) throw new Error(`no local target for ${schedule.request.Target.Arn}`);
        await target(input);
        this.fired.push({ name: schedule.name, input, attempts: attempt, ok: true });
        return;
      } catch (error) {
        if (attempt > retries) {
          this.fired.push({ name: schedule.name, input, attempts: attempt, ok: false });
          this.onError(error);
          return;
        }
        await sleep(Math.min(5000, 50 * 2 ** attempt));
      }
    }
  }

  async stop(): Promise<void> {
    for (const schedule of this.schedules.values()) clearTimeout(schedule.timer);
    this.schedules.clear();
    await Promise.allSettled([...this.running]);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
