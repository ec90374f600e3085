/**
 * Where alarms go: an SNS topic for operators, encrypted with its own customer-managed key and
 * TLS-only, with an email subscription per configured address (each address confirms once, as SNS
 * requires). Every alarm added here notifies on ALARM and again on OK, so the recovery is visible too.
 *
 * CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed `aws/sns` key (its policy
 * cannot be changed), hence the customer-managed key with a statement for cloudwatch.amazonaws.com.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperatorAlertsProps {
  /** Who receives alarms; none is allowed (subscribe later in the console), but nobody is told then. */
  readonly emails: readonly string[];
  /**
   * What happens to the topic's key when the stack is deleted. Alarm notifications are delivered in
   * seconds, never stored; the key follows the stack's data policy so that no key is deleted from a
   * stage that keeps its data (a key once deleted cannot be restored). @default RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

export class OperatorAlerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  private readonly action: SnsAction;
  private readonly registered: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperatorAlertsProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the operator alerts topic',
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // The topic's policy (below) decides which alarms may publish; the key only lets CloudWatch encrypt
    // what it publishes. The key is this topic's alone, so the statement reaches nothing else.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsEncryptNotifications',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      // The sender name of the notification emails.
      displayName: `${Stack.of(this).stackName} alarms`,
      masterKey: this.key,
      enforceSSL: true,
      // RSA-SHA256 signatures (SNS's default, '1', is SHA1) on anything a subscriber verifies.
      signatureVersion: '2',
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);
  }

  /** Sends the alarm's ALARM and OK transitions to the operators. */
  notify(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.registered.push(alarm);
    return alarm;
  }

  /** Every alarm that notifies the operators, in the order they were added. */
  get alarms(): readonly Alarm[] {
    return [...this.registered];
  }
}
