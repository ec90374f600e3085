/**
 * Who may subscribe to the partner topics: this account (whose stack creates every subscription, with
 * the partner's filter policy) and, for a cross-account Lambda partner only, that account for its own
 * function. Everyone else is denied.
 */
import type { Stack } from 'aws-cdk-lib';
import { AnyPrincipal, ArnPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type Partner, partnerResourceId } from '../../shared/partners/registry.js';
import { partnerId } from './partner-delivery.js';

/**
 * Partner accounts get `sns:Subscribe` only where their delivery needs it, and then only for their
 * registered endpoint and protocol. Every subscription is created by this stack, with the
 * partner's filter policy; SNS cannot make a filter policy an IAM condition, so a grant to
 * subscribe is a way around the filter, and only the deliveries AWS documents as subscribed from
 * the endpoint's account get one:
 * - `lambda` in another account: AWS's cross-account procedure has the function's owner subscribe.
 * - `sqs` with their own queue: not needed. The subscription we create sends its confirmation to
 *   their queue and they confirm with the token (ConfirmSubscription needs no IAM grant).
 * - our queues, HTTPS and email: confirmation by the endpoint or none at all.
 * Everyone outside this account and the accounts granted here is denied outright; subscription
 * changes alarm (SubscriptionChanges).
 */
export function restrictSubscribers(
  stack: Stack,
  topics: ReadonlyMap<string, ITopic>,
  topicOf: (partner: Partner) => ITopic,
  partners: readonly Partner[],
): void {
  const accounts = new Map<string, Set<string>>();
  for (const partner of partners) {
    const { delivery } = partner;
    if (delivery.type !== 'lambda') continue;
    const { functionArn: endpoint, accountId: account } = delivery;
    const topic = topicOf(partner);
    const topicAccounts = accounts.get(topic.node.id) ?? new Set<string>();
    topicAccounts.add(account);
    accounts.set(topic.node.id, topicAccounts);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: `PartnerSubscribe${partnerId(partnerResourceId(partner))}`,
        principals: [new ArnPrincipal(`arn:${stack.partition}:iam::${account}:root`)],
        actions: ['sns:Subscribe'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'sns:Protocol': delivery.type, 'sns:Endpoint': endpoint } },
      }),
    );
  }
  for (const [id, topic] of topics) {
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyRegisteredPartnersSubscribe',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sns:Subscribe'],
        resources: [topic.topicArn],
        conditions: {
          StringNotEquals: {
            'aws:PrincipalAccount': [stack.account, ...[...(accounts.get(id) ?? [])].sort()],
          },
        },
      }),
    );
  }
}
