/**
 * SNS delivery status logging on every partner topic, and per-partner delivery metrics from it.
 *
 * SNS writes one JSON record per logged delivery to `sns/<region>/<account>/<topic name>` (success)
 * and `.../<topic name>/Failure` (failure), for the protocols partners use (SQS, HTTP/S, Lambda).
 * Failures are always logged; successes are sampled (`successSampleRate` percent), since at 50
 * deliveries per article every success logged is a log line paid for.
 *
 * Metrics (namespace `ContentSyndication`), chosen so their count stays bounded as partners grow
 * (the cost argument is in the README, "Partners at scale"):
 *   DeliveryFailures   {destination}  one per failed delivery, per partner endpoint: CloudWatch bills a
 *                                     metric only for the hours it receives data, so only partners
 *                                     that fail cost anything
 *   Deliveries         {topic}        successes logged, scaled by 100 / sample rate (an estimate)
 *   DeliveryDwellTime  {topic}        milliseconds from publish to delivery, of the sampled successes
 * Per-partner volume and dwell time (p50/p95 by destination) are Logs Insights queries on the success
 * log groups (the dashboard's widget, and shared/adapters/cloudwatch-delivery-metrics.ts).
 *
 * The log groups are created here, with a retention, so they do not live forever as the groups SNS
 * creates on its own would.
 */
import { Aws, type RemovalPolicy } from 'aws-cdk-lib';
import { Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LoggingProtocol, type Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/pipeline/description.js';
import { acknowledge } from '../nag.js';

/** The protocols of partner endpoints that SNS can log (email has no delivery status logging). */
export const LOGGED_PROTOCOLS = [LoggingProtocol.SQS, LoggingProtocol.HTTP, LoggingProtocol.LAMBDA];

/**
 * What SNS needs to write delivery status logs into log groups that exist: the stack creates the
 * groups (with their retention), so SNS is not given CreateLogGroup (or the retention and metric
 * filter actions of the managed AmazonSNSRole). Without it, a delivery logged before its group
 * exists (the first deployment over a running stack) is dropped instead of creating the group under
 * CloudFormation's feet, which would then fail to create it.
 */
export const DELIVERY_LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

export const DELIVERY_METRICS = {
  deliveries: 'Deliveries',
  failures: 'DeliveryFailures',
  dwellTime: 'DeliveryDwellTime',
} as const;

export interface DeliveryStatusLoggingProps {
  readonly topics: ReadonlyMap<string, Topic>;
  /** Percent of successful deliveries logged, 0-100; failures are always logged. */
  readonly successSampleRate: number;
  readonly retention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class DeliveryStatusLogging extends Construct {
  /** The one role SNS assumes to write success and failure logs of every partner topic. */
  readonly role: Role;
  readonly logGroups: readonly LogGroup[];
  /** The success log group of each topic (what per-partner volume and dwell-time queries read). */
  readonly successLogGroups: readonly LogGroup[];
  /** Percent of successful deliveries logged. */
  readonly successSampleRate: number;

  constructor(scope: Construct, id: string, props: DeliveryStatusLoggingProps) {
    super(scope, id);
    const rate = props.successSampleRate;
    if (!Number.isInteger(rate) || rate < 0 || rate > 100) {
      throw new Error(`successSampleRate must be a whole percentage from 0 to 100, not ${rate}`);
    }
    const logGroupPrefix = `sns/${Aws.REGION}/${Aws.ACCOUNT_ID}/`;
    const logGroupsArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroupPrefix}*`;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description: 'SNS writes delivery status logs of the partner topics',
      inlinePolicies: {
        DeliveryStatusLogs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: DELIVERY_LOG_ACTIONS,
              resources: [logGroupsArn],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:sns/<AWS::Region>/<AWS::AccountId>/*]',
      'SNS names its delivery log groups after the topic (sns/<region>/<account>/<topic>[/Failure]) and ' +
        'writes streams it names itself: the wildcard is limited to the SNS log groups of this account and Region.',
    );

    const logGroups: LogGroup[] = [];
    const successLogGroups: LogGroup[] = [];
    for (const [topicId, topic] of props.topics) {
      for (const config of LOGGED_PROTOCOLS) {
        topic.addLoggingConfig({
          protocol: config,
          successFeedbackRole: this.role,
          failureFeedbackRole: this.role,
          successFeedbackSampleRate: rate,
        });
      }
      const success = new LogGroup(this, `${topicId}Success`, {
        logGroupName: `${logGroupPrefix}${topic.topicName}`,
        retention: props.retention,
        removalPolicy: props.removalPolicy,
      });
      const failure = new LogGroup(this, `${topicId}Failure`, {
        logGroupName: `${logGroupPrefix}${topic.topicName}/Failure`,
        retention: props.retention,
        removalPolicy: props.removalPolicy,
      });
      logGroups.push(success, failure);
      successLogGroups.push(success);
      new MetricFilter(this, `${topicId}DeliveryFailures`, {
        logGroup: failure,
        filterPattern: FilterPattern.stringValue('$.status', '=', 'FAILURE'),
        metricNamespace: METRICS_NAMESPACE,
        metricName: DELIVERY_METRICS.failures,
        metricValue: '1',
        dimensions: { destination: '$.delivery.destination' },
      });
      if (rate > 0) {
        const successes = FilterPattern.stringValue('$.status', '=', 'SUCCESS');
        new MetricFilter(this, `${topicId}Deliveries`, {
          logGroup: success,
          filterPattern: successes,
          metricNamespace: METRICS_NAMESPACE,
          metricName: DELIVERY_METRICS.deliveries,
          // Each logged success stands for 100 / rate deliveries.
          metricValue: String(Number((100 / rate).toFixed(4))),
          dimensions: { topic: '$.notification.topicArn' },
        });
        new MetricFilter(this, `${topicId}DeliveryDwellTime`, {
          logGroup: success,
          filterPattern: successes,
          metricNamespace: METRICS_NAMESPACE,
          metricName: DELIVERY_METRICS.dwellTime,
          metricValue: '$.delivery.dwellTimeMs',
          unit: Unit.MILLISECONDS,
          dimensions: { topic: '$.notification.topicArn' },
        });
      }
    }
    this.logGroups = logGroups;
    this.successLogGroups = successLogGroups;
    this.successSampleRate = rate;
  }
}
