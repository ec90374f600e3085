/**
 * Message queues as the redrive use cases see them (SQS in AWS, an in-memory fake in tests): receive,
 * send copies, delete. Queue ids are opaque strings (SQS queue URLs).
 */

/** A message attribute as SQS carries it (String, Number or Binary, possibly with a custom suffix). */
export interface LetterAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

/** One message received from a queue, with what is needed to send it again and to delete it. */
export interface Letter {
  readonly id: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, LetterAttribute>>;
  /** Opaque: whatever the queue needs to delete this receipt of the message. */
  readonly receipt: string;
}

/** Queues as redrive uses them (SQS in AWS): queue ids are opaque strings (SQS queue URLs). */
export interface MessageQueues {
  /** Up to `max` messages, hidden from other consumers for a while; an empty list when there are none. */
  receive(queue: string, max: number): Promise<Letter[]>;
  /** Sends copies of the letters; returns the ids of those that were not accepted. */
  send(queue: string, letters: readonly Letter[]): Promise<{ readonly failedIds: readonly string[] }>;
  delete(queue: string, letters: readonly Letter[]): Promise<void>;
}
