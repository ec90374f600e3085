import type { OutboundMessage } from '../domain/message.js';

export interface PublishResult {
  /** Ids of the messages that were not accepted and must be retried. */
  readonly failedIds: readonly string[];
}

/** Fans messages out to partners (SNS in AWS). */
export interface Notifier {
  publish(messages: readonly OutboundMessage[]): Promise<PublishResult>;
}
