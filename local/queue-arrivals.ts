/**
 * Sees every message as the SQS emulator puts it in a queue, without receiving it.
 *
 * The local runtime reports what each partner was sent, but a partner's queue belongs to the
 * partner's consumer (examples/sqs-consumer.ts): receiving from it, even to put a message back,
 * would take messages from that consumer and count receives toward the queue's dead-letter limit.
 * So the runtime listens to fauxqs's message spy instead, which is told of each message as it is
 * enqueued (SNS fan-out, or a direct SendMessage such as `replay --partner`). The spy has no
 * subscribe call: a waiter whose filter never matches is called for every event, synchronously,
 * and stays registered until the emulator stops.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { MessageSpyReader, SpyMessage } from 'fauxqs';

export interface QueueArrival {
  readonly queueName: string;
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

export interface ArrivalWatch {
  close(): void;
}

export function watchQueueArrivals(
  spy: MessageSpyReader,
  queueNames: Iterable<string>,
  onArrival: (arrival: QueueArrival) => void,
  onError: (error: unknown) => void,
): ArrivalWatch {
  const names = new Set(queueNames);
  let open = true;
  const filter = (event: SpyMessage): boolean => {
    if (open && event.service === 'sqs' && event.status === 'published' && names.has(event.queueName)) {
      // Runs inside the emulator's enqueue: a failure here must not fail the sender's request.
      try {
        onArrival({
          queueName: event.queueName,
          messageId: event.messageId,
          body: event.body,
          messageAttributes: event.messageAttributes as Record<string, MessageAttributeValue>,
        });
      } catch (error) {
        onError(error);
      }
    }
    return false;
  };
  // Rejected only when the spy is cleared (the emulator stopping): nothing left to watch.
  spy.waitForMessage(filter).catch(() => undefined);
  return {
    close() {
      open = false;
    },
  };
}
