/**
 * Named errors of the adapters. Each says whether a retry can help (`retryable`), as the domain's do
 * (../domain/errors.ts), so that the handlers decide by `isPermanent` alone. What the AWS SDK throws
 * (throttling, network, service errors) is not wrapped: it is transient unless an adapter knows
 * otherwise, and an adapter that knows translates it into a named error here or in the domain
 * (a lost conditional write becomes the domain's ConcurrentUpdateError).
 */

/** A version whose item, with its document, would exceed DynamoDB's item limit and has nowhere else to go. */
export class ItemTooLargeError extends Error {
  override readonly name = 'ItemTooLargeError';
  /** Retryable: a deployment that configures the document store (CONTENT_BUCKET) makes it fit. */
  readonly retryable = true;
}

/**
 * Redrive sent copies of some letters but could not delete them from the dead-letter queue. Retryable:
 * they reappear after the visibility timeout, and a rerun moves them again, which partners see as the
 * duplicate delivery SNS and SQS already allow.
 */
export class UndeletedLettersError extends Error {
  override readonly name = 'UndeletedLettersError';
  readonly retryable = true;
}

/**
 * Whether an AWS SDK v3 error is the service's exception `name` (e.g. `ConditionalCheckFailedException`).
 * The SDK gives every modelled service error that name; `instanceof` its class alone fails when two
 * copies of a client package are loaded (a bundled handler next to a layer, tests with a stubbed client).
 */
export function isAwsError(error: unknown, name: string): boolean {
  return (error as { name?: unknown } | null)?.name === name;
}
