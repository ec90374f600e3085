/**
 * Named errors. Each says whether a retry can help (`retryable`). A permanent one (`retryable: false`)
 * would fail the same way on every attempt: the handlers log it, count it (`PermanentFailures`) and
 * acknowledge the record instead of retrying it into a dead-letter queue that redrive could only
 * fill again. A `RejectedInputError` is permanent too, but is recorded as a rejection of the input.
 * Errors that are not named here (network, throttling, SDK) are treated as transient: retried, then
 * dead-lettered.
 */

export const REJECTION_CODES = {
  EMPTY: 'the object is empty or holds only whitespace',
  BINARY: 'the object holds binary data, not text',
  ENCODING: 'the bytes are not valid in any supported text encoding',
  UNSUPPORTED_FORMAT: 'the format of the object is not one the normaliser reads',
  MALFORMED: 'the document is not well-formed for its format',
  NO_HEADLINE: 'no headline could be found',
  NO_BODY: 'no body text could be found',
  NO_ARTICLE: 'the document holds no article content',
  TOO_LARGE: 'the object, or a part of it, is larger than its limit',
  OVER_PUBLISHER_LIMIT:
    "the object is larger than its publisher's own limit (limits.maxObjectBytes in the registry)",
  TOO_DEEP: 'the document is nested deeper than the limit',
  UNSAFE: 'the document uses a construct that is refused for safety (DTD, external entity...)',
  INVALID_FIELD: 'an essential field of the input (headline, body) has a value of the wrong shape',
  INVALID_NINJS: 'the normalised document does not validate against ninjs 3.2',
  INVALID_KEY: 'the object key cannot name an article',
  UNKNOWN_SOURCE: 'the object is not under the prefix of a registered publisher',
  FOREIGN_ID: "the document's id names an article of another publisher",
  RESERVED_ID: 'ids starting urn:syndicate: are minted by the pipeline and cannot be given in content',
} as const;

export type RejectionCode = keyof typeof REJECTION_CODES;

/** The question every handler asks of a failure: can trying the same record again ever succeed? */
export function isPermanent(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === false;
}

export class RejectedInputError extends Error {
  override readonly name = 'RejectedInputError';
  readonly retryable = false;
  constructor(
    readonly code: RejectionCode,
    readonly detail?: string,
  ) {
    super(detail ? `${REJECTION_CODES[code]}: ${detail}` : REJECTION_CODES[code]);
  }
}

/** A conditional write lost a race with another writer; the record must be retried. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
  readonly retryable = true;
}

/**
 * A missing or invalid setting. Retryable: the record cannot succeed until the deployment is fixed,
 * but then it can, so it belongs in the dead-letter queue for a redrive rather than acknowledged.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly retryable = true;
}

/** A queue message that is not an S3 event notification (or not JSON): it will never be one. */
export class UnreadableNotificationError extends Error {
  override readonly name = 'UnreadableNotificationError';
  readonly retryable = false;
}

/** A message that cannot be made small enough for SNS, even as a summary with a link. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  readonly retryable = false;
}

/** A version the index should hold and does not (its head names it; strongly consistent reads). */
export class MissingVersionError extends Error {
  override readonly name = 'MissingVersionError';
  readonly retryable = false;
}

/** An invocation whose input is not of the shape the function takes (e.g. a release without a uri). */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly retryable = false;
}

/** A release that arrives before its embargo ends: clock skew between the scheduler and us. */
export class EmbargoNotDueError extends Error {
  override readonly name = 'EmbargoNotDueError';
  /** A later attempt is on time. */
  readonly retryable = true;
}

/** A request a use case cannot carry out as asked (e.g. a redrive from a queue into itself). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  readonly retryable = false;
}
