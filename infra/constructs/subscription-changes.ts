/**
 * Tells the operators of every change to the subscriptions of the watched topics: an EventBridge
 * rule on the CloudTrail records of SNS's Subscribe, ConfirmSubscription, Unsubscribe and
 * SetSubscriptionAttributes calls, sent to the operator alerts topic with who did what.
 *
 * The stack creates every partner subscription itself, with the partner's filter policy. SNS cannot
 * make a filter policy a condition in IAM, and an endpoint that receives the unsubscribe link (HTTPS,
 * Lambda, email) can cancel its subscription and, where allowed to subscribe, subscribe again
 * without a filter; such a change must not go unnoticed. Deployments that change partners show up
 * too, as calls by the CloudFormation role.
 *
 * EventBridge receives "AWS API Call via CloudTrail" events only while a CloudTrail trail records
 * the account's management events in this Region (an organisation trail counts).
 */
import { Aws } from 'aws-cdk-lib';
import {
  EventField,
  type IRuleTarget,
  Rule,
  type RuleTargetConfig,
  RuleTargetInput,
} from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';

/** The SNS API calls that create, remove or change a subscription. */
export const SUBSCRIPTION_CHANGE_EVENTS = [
  'Subscribe',
  'ConfirmSubscription',
  'Unsubscribe',
  'SetSubscriptionAttributes',
];

/**
 * The operator topic as a rule target, without the grant `SnsTopic` adds (any rule of the account
 * could publish): the statements below let this rule alone publish.
 */
class OperatorTopicTarget implements IRuleTarget {
  constructor(
    private readonly topic: ITopic,
    private readonly input: RuleTargetInput,
  ) {}

  bind(): RuleTargetConfig {
    return { arn: this.topic.topicArn, input: this.input };
  }
}

export interface SubscriptionChangesProps {
  readonly alerts: OperatorAlerts;
  /** Topics whose subscriptions are watched. */
  readonly topics: readonly ITopic[];
}

export class SubscriptionChanges extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SubscriptionChangesProps) {
    super(scope, id);
    const topicArns = props.topics.map((topic) => topic.topicArn);
    const field = (path: string) => EventField.fromPath(`$.detail.${path}`);
    const message = RuleTargetInput.fromText(
      `SNS subscription change: ${field('eventName')} by ${field('userIdentity.arn')} ` +
        `(account ${field('userIdentity.accountId')}) at ${field('eventTime')}, ` +
        `topic ${field('requestParameters.topicArn')} subscription ${field('requestParameters.subscriptionArn')}` +
        `${field('responseElements.subscriptionArn')}. If no deployment of ${Aws.STACK_NAME} made it, ` +
        'list the subscriptions of the topic (aws sns list-subscriptions-by-topic) and delete any the stack does not manage.',
    );
    this.rule = new Rule(this, 'Rule', {
      description: 'Subscriptions of the articles and operator topics created, confirmed, removed or changed',
      eventPattern: {
        source: ['aws.sns'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['sns.amazonaws.com'],
          eventName: SUBSCRIPTION_CHANGE_EVENTS,
          // Subscribe and ConfirmSubscription name the topic; Unsubscribe and SetSubscriptionAttributes
          // name the subscription, whose ARN is the topic's followed by ':<id>'.
          $or: [
            { requestParameters: { topicArn: topicArns } },
            { requestParameters: { subscriptionArn: topicArns.map((arn) => ({ prefix: `${arn}:` })) } },
          ],
        },
      },
      targets: [new OperatorTopicTarget(props.alerts.topic, message)],
    });
    props.alerts.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SubscriptionChangeRulePublishes',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.alerts.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }),
    );
    // The key is the operator topic's alone: EventBridge may encrypt what it publishes there.
    props.alerts.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeEncryptsSubscriptionChangeNotices',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}
