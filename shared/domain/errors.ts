/**
 * Named errors. A `RejectedInputError` is permanent: the input itself is wrong, retrying cannot help,
 * so it is recorded as a rejection and the feed moves on. Anything else is treated as transient and
 * the record is retried (and eventually lands in a dead-letter queue).
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
  TOO_LARGE: 'the object is larger than the ingest limit',
  TOO_DEEP: 'the document is nested deeper than the limit',
  UNSAFE: 'the document uses a construct that is refused for safety (DTD, external entity...)',
  INVALID_FIELD: 'an essential field of the input (headline, body) has a value of the wrong shape',
  INVALID_NINJS: 'the normalised document does not validate against ninjs 3.2',
} as const;

export type RejectionCode = keyof typeof REJECTION_CODES;

export class RejectedInputError extends Error {
  override readonly name = 'RejectedInputError';
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
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}
