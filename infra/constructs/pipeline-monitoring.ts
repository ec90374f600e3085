/**
 * Alarms and the CloudWatch dashboard of the pipeline. Every alarm goes to the operators (ALARM and OK)
 * and its description says what it means and what to do: it is the runbook an operator reads in the
 * notification email, and the README's alarm table says the same.
 *
 * Custom metrics are those the pipeline's description says its functions emit
 * (shared/pipeline/description.ts, `emittedMetrics`: Powertools, namespace `ContentSyndication`,
 * dimension `service` = the stage's service name, so two stages in one account never mix). The
 * dashboard draws every one of them; an alarm or graph can read no other (`custom` refuses a name
 * the description lacks), so a metric renamed in a function and its description cannot leave an
 * alarm watching a metric nobody emits.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  emittedMetrics,
  FUNCTIONS,
  METRICS_NAMESPACE,
  type MetricDescription,
} from '../../shared/pipeline/description.js';
import { CONFIG_DEFAULTS } from '../config.js';
import type { OperatorAlerts } from './operator-alerts.js';

/** Every custom metric the functions emit, by name. */
const EMITTED: ReadonlyMap<string, MetricDescription> = new Map(
  emittedMetrics().map((metric) => [metric.name, metric]),
);

export interface AlarmThresholds {
  /** Function errors (crashes, timeouts, init failures) in 5 minutes. */
  readonly functionErrors: number;
  /** Age of the oldest unprocessed table change, sustained for 3 minutes. */
  readonly iteratorAge: Duration;
  /** Age of the oldest S3 notification in the ingest queue, sustained for 3 minutes. */
  readonly ingestMessageAge: Duration;
  /** Failed SNS deliveries of the articles topic per 5 minutes, two periods in a row. */
  readonly deliveryFailures: number;
  /** Share of processed files rejected, in percent, over three 5-minute periods in a row... */
  readonly rejectedPercent: number;
  /** ...counted only in periods with at least this many files. */
  readonly rejectedMinimumFiles: number;
  /**
   * Age of the oldest message in a partner's queue, sustained for 15 minutes: its consumer stopped
   * (alarmed in the partner shards, ten queues to an alarm).
   */
  readonly partnerMessageAge: Duration;
}

/**
 * A message retried to exhaustion is at most ~15 minutes old (5 receives x 181 s visibility): 20 minutes
 * means a backlog, not one bad file (that one trips the ingest DLQ alarm).
 */
export const ALARM_DEFAULTS: AlarmThresholds = {
  functionErrors: 1,
  iteratorAge: Duration.minutes(5),
  ingestMessageAge: Duration.minutes(20),
  deliveryFailures: 5,
  rejectedPercent: 25,
  rejectedMinimumFiles: 20,
  // A consumer that polls every few hours stays below it; SQS drops messages after 4 days, its default
  // retention (partner queues keep it), so the partner has days left when it fires.
  partnerMessageAge: Duration.hours(CONFIG_DEFAULTS.partnerMessageAgeHours),
};

/** What delivery status logging writes (./delivery-status-logging.ts): what the dashboard reads. */
export interface DeliveryLogging {
  readonly successLogGroups: readonly ILogGroup[];
  /** Percent of successful deliveries logged. */
  readonly successSampleRate: number;
}

/** How many partner queues and endpoints the dashboard draws: the worst ones. */
export const DASHBOARD_TOP_PARTNERS = 20;

/**
 * SEARCH terms for a stage's partner queues: they are named `syn-<stage>-<partner id>[-dlq|-delivery-dlq]`
 * (shared/partners/topology.ts) and SEARCH matches names by their tokens (split at non-alphanumeric
 * characters), so the terms are `syn` and each token of the stage, and not `dlq`.
 */
export function partnerQueueSearchTerms(stage: string): string {
  const tokens = ['syn', ...stage.split(/[^A-Za-z0-9]+/).filter((token) => token.length > 0)];
  return `${tokens.map((token) => `QueueName=${token}`).join(' ')} NOT QueueName=dlq`;
}

/** A dead-letter queue and what an operator needs to know about it. */
export interface MonitoredDeadLetterQueue {
  /** Construct and output id prefix, e.g. `IngestDlq`, `PartnerSportsDeskDeliveryDlq`. */
  readonly id: string;
  readonly queue: IQueue;
  /** What a message in it means, one or two sentences. */
  readonly meaning: string;
  /** What to do, one or two sentences. */
  readonly action: string;
}

export interface MonitoredFunction {
  readonly id: string;
  readonly fn: IFunction;
  /** What an error of this function means for the pipeline. */
  readonly impact: string;
}

export interface PipelineMonitoringProps {
  readonly alerts: OperatorAlerts;
  /** Powertools service name of this stage's functions (the `service` metric dimension). */
  readonly serviceName: string;
  readonly ingestQueue: IQueue;
  readonly normalise: MonitoredFunction;
  readonly publish: MonitoredFunction;
  readonly release: MonitoredFunction;
  readonly articlesTopic: ITopic;
  /** The other partner topics (summary, and more of each variant at scale), by construct id: an alarm each. */
  readonly otherTopics?: ReadonlyMap<string, ITopic>;
  readonly partnerQueues: readonly { readonly name: string; readonly queue: IQueue }[];
  /**
   * The stage, whose partner queues (in the shards, up to thousands) the dashboard finds by name with
   * SEARCH expressions and draws the worst of.
   */
  readonly stage?: string;
  /** Delivery status logging: the dashboard draws deliveries and failures per partner endpoint. */
  readonly deliveryLogging?: DeliveryLogging;
  readonly deadLetterQueues: readonly MonitoredDeadLetterQueue[];
  readonly thresholds?: Partial<AlarmThresholds>;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

export class PipelineMonitoring extends Construct {
  readonly dashboard: Dashboard;
  /** One alarm per dead-letter queue, by the queue's id. */
  readonly deadLetterAlarms: ReadonlyMap<string, Alarm>;
  readonly functionErrorAlarms: ReadonlyMap<string, Alarm>;
  readonly iteratorAgeAlarm: Alarm;
  readonly ingestAgeAlarm: Alarm;
  readonly deliveryFailuresAlarm: Alarm;
  readonly rejectionRateAlarm: Alarm;
  readonly permanentFailuresAlarm: Alarm;

  private readonly props: PipelineMonitoringProps;
  private readonly read = new Set<string>();
  private readonly stackName: string;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    this.props = props;
    this.stackName = Stack.of(this).stackName;
    const limits = { ...ALARM_DEFAULTS, ...props.thresholds };
    const stack = `--stack ${this.stackName}`;

    // --- Dead letters: anything in any DLQ is work the pipeline gave up on ---------------------------
    const deadLetterAlarms = new Map<string, Alarm>();
    for (const dlq of props.deadLetterQueues) {
      deadLetterAlarms.set(
        dlq.id,
        this.alarm(`${dlq.id}NotEmpty`, {
          metric: dlq.queue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: Stats.MAXIMUM,
          }),
          threshold: 1,
          evaluationPeriods: 1,
          description: `${dlq.id} has messages. ${dlq.meaning} What to do: ${dlq.action} Output ${dlq.id}Url names the queue.`,
        }),
      );
    }
    this.deadLetterAlarms = deadLetterAlarms;

    // --- Function errors -----------------------------------------------------------------------------
    const functionErrorAlarms = new Map<string, Alarm>();
    for (const monitored of [props.normalise, props.publish, props.release]) {
      functionErrorAlarms.set(
        monitored.id,
        this.alarm(`${monitored.id}Errors`, {
          metric: monitored.fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
          threshold: limits.functionErrors,
          evaluationPeriods: 1,
          description:
            `The ${monitored.id.toLowerCase()} function failed (uncaught error, timeout, out of memory or a missing ` +
            `setting at cold start) at least ${limits.functionErrors} time(s) in 5 minutes. ${monitored.impact} ` +
            'What to do: run the Logs Insights query "errors" on its log group; if a deployment just happened, ' +
            'roll it back; check Throttles and Duration on the dashboard.',
        }),
      );
    }
    this.functionErrorAlarms = functionErrorAlarms;

    // --- Stream lag: publish falling behind the table --------------------------------------------------
    const iteratorMinutes = limits.iteratorAge.toMinutes();
    this.iteratorAgeAlarm = this.alarm('PublishIteratorAge', {
      metric: props.publish.fn.metric('IteratorAge', { period: ONE_MINUTE, statistic: Stats.MAXIMUM }),
      threshold: limits.iteratorAge.toMilliseconds(),
      evaluationPeriods: 3,
      description:
        `publish is more than ${iteratorMinutes} minutes behind the articles table stream (for 3 minutes): ` +
        'partners receive new versions late, and a change not read within 24 hours is lost from the stream. ' +
        'What to do: look at publish Errors, Throttles and Duration and the "errors" query on its log group ' +
        '(a batch being retried holds its shard); the lag drains by itself once publish succeeds. If changes ' +
        `were lost or landed in StreamDlq, redrive it or run \`npx syndicate replay --since <time> ${stack}\`.`,
    });

    // --- Ingest backlog --------------------------------------------------------------------------------
    const ingestMinutes = limits.ingestMessageAge.toMinutes();
    this.ingestAgeAlarm = this.alarm('IngestMessageAge', {
      metric: props.ingestQueue.metricApproximateAgeOfOldestMessage({
        period: ONE_MINUTE,
        statistic: Stats.MAXIMUM,
      }),
      threshold: limits.ingestMessageAge.toSeconds(),
      evaluationPeriods: 3,
      description:
        `A dropped file has waited more than ${ingestMinutes} minutes in the ingest queue (for 3 minutes): ` +
        'normalise is not keeping up or not running, and new files are not indexed. What to do: check ' +
        'normalise Errors and Throttles on the dashboard and that its SQS trigger is enabled; ' +
        `\`npx syndicate status ${stack}\` shows the queue depth. A burst drains by itself.`,
    });

    // --- SNS deliveries --------------------------------------------------------------------------------
    const deliveryFailures = (id: string, topic: ITopic, name: string) =>
      this.alarm(id, {
        metric: topic.metricNumberOfNotificationsFailed({
          period: FIVE_MINUTES,
          statistic: Stats.SUM,
        }),
        threshold: limits.deliveryFailures,
        evaluationPeriods: 2,
        description:
          `SNS failed at least ${limits.deliveryFailures} deliveries of the ${name} in each of the last ` +
          'two 5-minute periods. HTTPS endpoints count every failed attempt, retries included; other endpoints ' +
          "count messages SNS gave up on (they are in that partner's DeliveryDlq). What to do: find the partner " +
          'whose DeliveryDlq fills or whose endpoint fails (HTTPS down, their queue policy or key refusing ' +
          `SNS, a deleted subscription) and contact them; then redrive or \`npx syndicate replay ... --partner NAME ${stack}\`.`,
      });
    this.deliveryFailuresAlarm = deliveryFailures(
      'ArticleDeliveryFailures',
      props.articlesTopic,
      'articles topic',
    );
    // Few topics even for thousands of partners (one per 200 filter policies and variant): one alarm each.
    for (const [id, topic] of props.otherTopics ?? [])
      deliveryFailures(`ArticleDeliveryFailures${id}`, topic, `${id} topic`);

    // --- Rejections ------------------------------------------------------------------------------------
    const files = 'FILL(rejected, 0) + FILL(normalised, 0) + FILL(unchanged, 0)';
    this.rejectionRateAlarm = this.alarm('RejectionRate', {
      metric: new MathExpression({
        expression: `IF((${files}) >= ${limits.rejectedMinimumFiles}, 100 * FILL(rejected, 0) / (${files}), 0)`,
        usingMetrics: {
          rejected: this.custom('ArticlesRejected'),
          normalised: this.custom('ArticlesNormalised'),
          unchanged: this.custom('ArticlesUnchanged'),
        },
        label: 'Rejected files (%)',
        period: FIVE_MINUTES,
      }),
      threshold: limits.rejectedPercent,
      evaluationPeriods: 3,
      description:
        `More than ${limits.rejectedPercent}% of the files processed were rejected for 15 minutes (periods with ` +
        `${limits.rejectedMinimumFiles}+ files only): a publisher changed its format or a release broke a ` +
        `parser. What to do: \`npx syndicate rejects ${stack}\` and the Logs Insights query "rejections by ` +
        'code" show which source and code; tell the publisher, or fix and roll back. Originals are kept in ' +
        'the quarantine bucket: copy them back to the ingest bucket to ingest them again.',
    });

    // --- Records acknowledged without success: retrying them could never help -------------------------
    this.permanentFailuresAlarm = this.alarm('PermanentFailures', {
      metric: this.custom('PermanentFailures'),
      threshold: 1,
      evaluationPeriods: 1,
      description:
        'A function acknowledged a record that can never succeed instead of retrying it into a dead-letter ' +
        'queue: a queue message that is not an S3 event, a version missing from the index, a message that ' +
        'cannot be made small enough for SNS, an invalid embargo release. Those articles or changes were ' +
        'not processed. What to do: run the Logs Insights query "errors" (message "permanent failure") on the ' +
        `three log groups; fix the cause, then \`npx syndicate replay URI ${stack}\` for the uris it names.`,
    });

    this.dashboard = this.buildDashboard();
  }

  /**
   * A custom metric of this stage's functions (the sum of counts, the average of durations): only one
   * the description says a function emits.
   */
  custom(metricName: string): Metric {
    const metric = EMITTED.get(metricName);
    if (!metric) {
      throw new Error(
        `monitoring reads ${metricName}, which no function emits (shared/pipeline/description.ts)`,
      );
    }
    this.read.add(metricName);
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.props.serviceName },
      statistic: metric.unit === 'Count' ? Stats.SUM : Stats.AVERAGE,
      period: FIVE_MINUTES,
    });
  }

  /** Every custom metric the alarms and the dashboard read, by name. */
  get metricsRead(): ReadonlySet<string> {
    return this.read;
  }

  private alarm(
    id: string,
    options: { metric: IMetric; threshold: number; evaluationPeriods: number; description: string },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.stackName}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return this.props.alerts.notify(alarm);
  }

  /**
   * Partners, however many: SEARCH finds every partner queue and endpoint at view time (no widget
   * lists them, so the dashboard does not change as partners come and go) and SORT keeps the worst
   * twenty, since a graph of a thousand lines shows nothing (and SEARCH returns at most 500 series).
   */
  private partnerWidgets(): (GraphWidget | LogQueryWidget)[] {
    const { stage, deliveryLogging } = this.props;
    const top = DASHBOARD_TOP_PARTNERS;
    const widgets: (GraphWidget | LogQueryWidget)[] = [];
    const sorted = (title: string, search: string, order: 'MAX' | 'SUM', period: Duration) =>
      new GraphWidget({
        title,
        left: [
          new MathExpression({
            expression: `SORT(${search}, ${order}, DESC, ${top})`,
            label: '',
            period,
          }),
        ],
        width: 8,
        height: 6,
      });
    if (stage !== undefined) {
      const queues = (metric: string) =>
        `SEARCH('{AWS/SQS,QueueName} MetricName="${metric}" ${partnerQueueSearchTerms(stage)}', 'Maximum', 60)`;
      widgets.push(
        sorted(
          `Partner queues: oldest message (s), the ${top} oldest`,
          queues('ApproximateAgeOfOldestMessage'),
          'MAX',
          ONE_MINUTE,
        ),
        sorted(
          `Partner queues: messages waiting, the ${top} deepest`,
          queues('ApproximateNumberOfMessagesVisible'),
          'MAX',
          ONE_MINUTE,
        ),
      );
    }
    widgets.push(
      sorted(
        `Failed deliveries by partner endpoint, the ${top} most`,
        `SEARCH('{${METRICS_NAMESPACE},destination} MetricName="DeliveryFailures"', 'Sum', 300)`,
        'SUM',
        FIVE_MINUTES,
      ),
    );
    if (
      deliveryLogging &&
      deliveryLogging.successSampleRate > 0 &&
      deliveryLogging.successLogGroups.length > 0
    ) {
      const rate = deliveryLogging.successSampleRate;
      const scale = Number((100 / rate).toFixed(4));
      // Logs Insights allows arithmetic in fields and filter, not on a stats result: the title scales.
      widgets.push(
        new LogQueryWidget({
          title:
            rate === 100
              ? `Deliveries by partner endpoint, dwell ms (p50, p95), the ${top} busiest`
              : `Logged deliveries by partner endpoint (${rate}% of successes: x ${scale} for all), dwell ms (p50, p95), the ${top} busiest`,
          logGroupNames: deliveryLogging.successLogGroups.map((group) => group.logGroupName),
          queryLines: [
            'fields delivery.destination as destination, delivery.dwellTimeMs as dwell',
            'filter status = "SUCCESS"',
            'stats count(*) as logged, pct(dwell, 50) as p50, pct(dwell, 95) as p95 by destination',
            'sort logged desc',
            `limit ${top}`,
          ],
          width: 24,
          height: 6,
        }),
      );
    }
    return widgets;
  }

  private buildDashboard(): Dashboard {
    const { props } = this;
    const functions = [props.normalise, props.publish, props.release];
    const perFunction = (make: (monitored: MonitoredFunction) => IMetric) => functions.map(make);
    // One line per value of its dimensions (publisher, code, field, event type): each is bounded.
    const search = (metric: MetricDescription) => {
      this.custom(metric.name);
      const dimensions = [...(metric.dimensions ?? []), 'service'].sort().join(',');
      const statistic = metric.unit === 'Count' ? 'Sum' : 'Average';
      return new MathExpression({
        expression:
          `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${metric.name}" ` +
          `service="${props.serviceName}"', '${statistic}', 300)`,
        label: '',
        period: FIVE_MINUTES,
      });
    };
    const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = 8) =>
      new GraphWidget({ title, left, right, width, height: 6 });

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# Content syndication: ${this.stackName}\n` +
          'S3 ingest bucket → ingest queue → **normalise** → articles table → stream → **publish** → articles ' +
          "topic → partners. Each alarm's description says what it means and what to do.",
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alerts.alarms], width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      graph('Ingest: files in (S3 notifications)', [
        props.ingestQueue.metricNumberOfMessagesSent({ period: FIVE_MINUTES, label: 'notifications' }),
      ]),
    );
    // Every metric the description says a function emits: its counts, its durations, and one graph
    // for each metric with dimensions of its own. A metric several functions emit (one name, one
    // `service` dimension: their sum) is drawn once, for them all.
    const emitters = new Map<string, number>();
    for (const fn of Object.values(FUNCTIONS))
      for (const metric of fn.metrics) emitters.set(metric.name, (emitters.get(metric.name) ?? 0) + 1);
    const shared = emittedMetrics().filter((metric) => (emitters.get(metric.name) ?? 0) > 1);
    const groups: [string, readonly MetricDescription[]][] = [
      ...Object.entries(FUNCTIONS).map(([name, fn]): [string, readonly MetricDescription[]] => [
        name,
        fn.metrics.filter((metric) => emitters.get(metric.name) === 1),
      ]),
      ['every function', shared],
    ];
    const line = (metric: MetricDescription) => this.custom(metric.name).with({ label: metric.name });
    for (const [name, metrics] of groups) {
      const plain = (unit: MetricDescription['unit']) =>
        metrics.filter((metric) => (metric.dimensions ?? []).length === 0 && metric.unit === unit);
      const widgets = [
        ...(plain('Count').length > 0 ? [graph(`${name}: counts`, plain('Count').map(line))] : []),
        ...(plain('Milliseconds').length > 0
          ? [graph(`${name}: ms (average)`, plain('Milliseconds').map(line))]
          : []),
        ...metrics
          .filter((metric) => (metric.dimensions ?? []).length > 0)
          .map((metric) =>
            graph(`${name}: ${metric.name} by ${metric.dimensions?.join(', ')}`, [search(metric)]),
          ),
      ];
      if (widgets.length > 0) dashboard.addWidgets(...widgets);
    }
    dashboard.addWidgets(
      graph('Articles topic (messages published = versions sent)', [
        props.articlesTopic.metricNumberOfMessagesPublished({ period: FIVE_MINUTES, label: 'published' }),
        props.articlesTopic.metricNumberOfNotificationsDelivered({
          period: FIVE_MINUTES,
          label: 'delivered',
        }),
        props.articlesTopic.metricNumberOfNotificationsFilteredOut({
          period: FIVE_MINUTES,
          label: 'filtered out',
        }),
        props.articlesTopic.metricNumberOfNotificationsFailed({ period: FIVE_MINUTES, label: 'failed' }),
      ]),
      graph('Publish lag (stream iterator age, max)', [
        props.publish.fn.metric('IteratorAge', { period: ONE_MINUTE, statistic: Stats.MAXIMUM, label: 'ms' }),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Durations (p50 / p99, ms)',
        [
          ...perFunction(({ id, fn }) =>
            fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.p(50), label: `${id} p50` }),
          ),
          ...perFunction(({ id, fn }) =>
            fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.p(99), label: `${id} p99` }),
          ),
        ],
        [],
        12,
      ),
      graph(
        'Waiting: oldest ingest message (s)',
        [
          props.ingestQueue.metricApproximateAgeOfOldestMessage({
            period: ONE_MINUTE,
            statistic: Stats.MAXIMUM,
            label: 'ingest queue',
          }),
        ],
        [],
        12,
      ),
    );
    dashboard.addWidgets(
      graph(
        'Invocations',
        perFunction(({ id, fn }) => fn.metricInvocations({ period: FIVE_MINUTES, label: id })),
      ),
      graph('Errors and throttles', [
        ...perFunction(({ id, fn }) => fn.metricErrors({ period: FIVE_MINUTES, label: `${id} errors` })),
        ...perFunction(({ id, fn }) =>
          fn.metricThrottles({ period: FIVE_MINUTES, label: `${id} throttles` }),
        ),
      ]),
      graph(
        'Concurrent executions (max)',
        perFunction(({ id, fn }) =>
          fn.metric('ConcurrentExecutions', { period: ONE_MINUTE, statistic: Stats.MAXIMUM, label: id }),
        ),
      ),
    );
    const depth = (queue: IQueue, label: string) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: Stats.MAXIMUM, label });
    dashboard.addWidgets(
      graph(
        'Queue depths (visible / in flight)',
        [
          depth(props.ingestQueue, 'ingest visible'),
          props.ingestQueue.metricApproximateNumberOfMessagesNotVisible({
            period: ONE_MINUTE,
            statistic: Stats.MAXIMUM,
            label: 'ingest in flight',
          }),
          ...props.partnerQueues.map(({ name, queue }) => depth(queue, name)),
        ],
        [],
        12,
      ),
      graph(
        'Dead-letter queues (messages; anything above 0 alarms)',
        props.deadLetterQueues.map(({ id, queue }) => depth(queue, id)),
        [],
        12,
      ),
    );
    dashboard.addWidgets(...this.partnerWidgets());
    return dashboard;
  }
}

export { METRICS_NAMESPACE };
