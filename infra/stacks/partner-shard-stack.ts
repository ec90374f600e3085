/**
 * One shard of partner deliveries (shared/partners/topology.ts): a nested stack of the syndication
 * stack holding, for at most PARTNERS_PER_SHARD partners, their queues, DLQs, queue policies and
 * subscriptions; alarms on their DLQs, and on the oldest message of their queues (a consumer that
 * stopped), aggregated ten queues to an alarm; and the shard's entry of the
 * partner manifest (an SSM parameter the CLI reads to find partner queues).
 *
 * Nested rather than separate stacks: one `cdk deploy` of one stack name deploys everything, the
 * shard receives the topics, the key and the alarm topic as parameters (no cross-stack exports that
 * lock the parent), and a partner change rewrites only its shard's template.
 */
import { Aws, Duration, NestedStack, type NestedStackProps, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { Partner } from '../../shared/partners/registry.js';
import {
  manifestPath,
  type PartnerQueueKind,
  partnerQueueName,
  type ShardManifest,
} from '../../shared/partners/topology.js';
import {
  PARTNER_MAX_RECEIVE_COUNT,
  PartnerDelivery,
  partnerConstructId,
} from '../constructs/partner-delivery.js';

/** CloudWatch allows at most 10 metrics in one alarm's metric math. */
export const METRICS_PER_ALARM = 10;
/** SSM standard parameters hold 4 KB; advanced ones 8 KB. */
const STANDARD_PARAMETER_BYTES = 4096;

/** `7` -> `07`: shard ids sort in shard order. */
export function shardLabel(shard: number): string {
  return String(shard).padStart(2, '0');
}

export interface PartnerShardStackProps extends NestedStackProps {
  readonly shard: number;
  readonly stage: string;
  readonly partners: readonly Partner[];
  /** The topic a partner subscribes to (its payload variant's, see partnerTopology). */
  readonly topicOf: (partner: Partner) => ITopic;
  readonly key: IKey;
  readonly alarmTopic: ITopic;
  readonly removalPolicy: RemovalPolicy;
  /** Oldest message in a partner queue, sustained 15 minutes, that alarms: its consumer stopped. */
  readonly partnerMessageAge: Duration;
}

export class PartnerShardStack extends NestedStack {
  readonly shard: number;
  readonly deliveries: ReadonlyMap<string, PartnerDelivery>;
  readonly dlqAlarms: readonly Alarm[];
  /** One alarm per ten of our partner queues: the oldest message of any of them. */
  readonly messageAgeAlarms: readonly Alarm[];
  readonly manifest: StringParameter;

  constructor(scope: Construct, id: string, props: PartnerShardStackProps) {
    super(scope, id, {
      description: `Partner deliveries, shard ${props.shard}`,
      ...props,
    });
    this.shard = props.shard;
    const deliveries = new Map<string, PartnerDelivery>();
    for (const partner of props.partners) {
      deliveries.set(
        partner.name,
        new PartnerDelivery(this, partnerConstructId(partner), {
          topic: props.topicOf(partner),
          partner,
          key: props.key,
          removalPolicy: props.removalPolicy,
          queueName: (kind) => partnerQueueName(props.stage, partner, kind),
        }),
      );
    }
    this.deliveries = deliveries;
    this.dlqAlarms = this.alarmOnDeadLetterQueues(props);
    this.messageAgeAlarms = this.alarmOnStoppedConsumers(props);
    this.manifest = this.writeManifest(props);
  }

  /**
   * One alarm per ten DLQs (the most one alarm's metric math may read): the deepest of them has a
   * message. One alarm per queue would be 2,000 alarms for 1,000 partners; the alarm names the
   * partners it covers, and the shard's manifest says where their queues are.
   */
  private alarmOnDeadLetterQueues(props: PartnerShardStackProps): Alarm[] {
    const dlqs = [...this.deliveries.values()].flatMap((delivery) => [
      { partner: delivery.partner.name, queue: delivery.deliveryDlq },
      ...(delivery.queueDlq ? [{ partner: delivery.partner.name, queue: delivery.queueDlq }] : []),
    ]);
    const parentStackName = Stack.of(this.nestedStackParent ?? this).stackName;
    return this.alarmOnGroupsOfQueues(props, dlqs, {
      idPrefix: 'DeadLetterQueues',
      metricOf: (queue) =>
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      period: Duration.minutes(1),
      label: (number) => `deepest partner DLQ, shard ${props.shard} group ${number}`,
      threshold: 1,
      evaluationPeriods: 1,
      description: (partners, number) =>
        `Messages in a partner dead-letter queue (shard ${props.shard}, group ${number}) of: ` +
        `${[...new Set(partners)].join(', ')}. Delivery DLQs hold what SNS could not deliver, queue DLQs what the ` +
        `partner received ${PARTNER_MAX_RECEIVE_COUNT} times without deleting. What to do: ` +
        `\`npx syndicate queues --stack ${parentStackName}\` shows which queue holds messages; fix the ` +
        'endpoint or tell the partner, then `npx syndicate redrive <queue>` (our queues) or ' +
        '`npx syndicate replay --since <time> --partner <name>` (the others).',
    });
  }

  /**
   * A partner's queue whose oldest message keeps ageing: its consumer stopped (or cannot keep up),
   * and SQS deletes what it holds after the queue's retention. Ten queues to an alarm, like the DLQs
   * (the most one alarm's math may read), on `MAX()` of their oldest-message ages, for 15 minutes.
   */
  private alarmOnStoppedConsumers(props: PartnerShardStackProps): Alarm[] {
    const queues = [...this.deliveries.values()].flatMap((delivery) =>
      delivery.queue ? [{ partner: delivery.partner.name, queue: delivery.queue }] : [],
    );
    const parentStackName = Stack.of(this.nestedStackParent ?? this).stackName;
    const threshold = props.partnerMessageAge;
    return this.alarmOnGroupsOfQueues(props, queues, {
      idPrefix: 'PartnerMessageAge',
      metricOf: (queue) =>
        queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      period: Duration.minutes(5),
      label: (number) => `oldest partner message (s), shard ${props.shard} group ${number}`,
      threshold: threshold.toSeconds(),
      evaluationPeriods: 3,
      description: (partners, number) =>
        `A message has waited more than ${threshold.toHumanString()} (for 15 minutes) in the queue of one of: ` +
        `${partners.join(', ')} (shard ${props.shard}, group ${number}): that ` +
        "partner stopped reading, or reads slower than we send. SQS deletes messages after the queue's " +
        `retention (4 days). What to do: \`npx syndicate status --stack ${parentStackName}\` shows which queue ` +
        'waits; tell the partner. Nothing is lost until the retention runs out; after it, ' +
        '`npx syndicate replay --since <time> --partner <name>`.',
    });
  }

  /**
   * One alarm per `METRICS_PER_ALARM` queues on `MAX()` of a metric of each, named after the parent
   * stack (as the stack's other alarms: one stage's never meet another's), to the operators (ALARM and OK).
   */
  private alarmOnGroupsOfQueues(
    props: PartnerShardStackProps,
    queues: readonly { readonly partner: string; readonly queue: IQueue }[],
    alarmOf: {
      readonly idPrefix: string;
      readonly metricOf: (queue: IQueue) => Metric;
      readonly period: Duration;
      readonly label: (number: number) => string;
      readonly threshold: number;
      readonly evaluationPeriods: number;
      readonly description: (partners: readonly string[], number: number) => string;
    },
  ): Alarm[] {
    const action = new SnsAction(props.alarmTopic);
    const parentStackName = Stack.of(this.nestedStackParent ?? this).stackName;
    const alarms: Alarm[] = [];
    for (let start = 0; start < queues.length; start += METRICS_PER_ALARM) {
      const group = queues.slice(start, start + METRICS_PER_ALARM);
      const usingMetrics: Record<string, Metric> = {};
      group.forEach(({ queue }, index) => {
        usingMetrics[`m${index}`] = alarmOf.metricOf(queue);
      });
      const number = alarms.length + 1;
      const id = `Shard${shardLabel(props.shard)}${alarmOf.idPrefix}${number}`;
      const alarm = new Alarm(this, id, {
        alarmName: `${parentStackName}-${id}`,
        alarmDescription: alarmOf.description(
          group.map(({ partner }) => partner),
          number,
        ),
        metric: new MathExpression({
          expression: `MAX([${Object.keys(usingMetrics).join(',')}])`,
          usingMetrics,
          period: alarmOf.period,
          label: alarmOf.label(number),
        }),
        threshold: alarmOf.threshold,
        evaluationPeriods: alarmOf.evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.push(alarm);
    }
    return alarms;
  }

  private writeManifest(props: PartnerShardStackProps): StringParameter {
    const manifest: ShardManifest = {
      shard: props.shard,
      queueUrlPrefix: `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/`,
      partners: [...this.deliveries.values()].map(({ partner, queue, queueDlq }) => {
        const queues: PartnerQueueKind[] = [
          ...(queue ? (['queue'] as const) : []),
          ...(queueDlq ? (['queueDlq'] as const) : []),
          'deliveryDlq',
        ];
        return { name: partner.name, ...(partner.id ? { id: partner.id } : {}), queues };
      }),
    };
    const value = this.toJsonString(manifest);
    // The tokens (region, suffix, account) resolve to at most ~60 characters more than their placeholders.
    const bytes = Buffer.byteLength(JSON.stringify({ ...manifest, queueUrlPrefix: '' })) + 80;
    return new StringParameter(this, `Shard${shardLabel(props.shard)}Manifest`, {
      parameterName: `${manifestPath(props.stage)}${shardLabel(props.shard)}`,
      description: `Partners of shard ${props.shard} and their queues (read by npx syndicate --stack)`,
      stringValue: value,
      tier: bytes > STANDARD_PARAMETER_BYTES ? ParameterTier.ADVANCED : ParameterTier.STANDARD,
    });
  }
}
