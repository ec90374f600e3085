/**
 * Named errors of the normaliser. Each says whether a retry can help (`retryable`), as the domain's do
 * (../domain/errors.ts). An input the normaliser cannot use is refused with the domain's
 * RejectedInputError, re-exported here: a rejection is an outcome of the domain (recorded, told to the
 * publisher in a receipt), not a failure of the normaliser. What the libraries under the parsers throw
 * (JSON.parse, saxes, htmlparser2, markdown-it, yaml, smol-toml, iconv-lite) never leaves a parser:
 * each becomes a RejectedInputError with the position and the reason a publisher needs.
 */
export { REJECTION_CODES, RejectedInputError, type RejectionCode } from '../domain/errors.js';

/**
 * Limits beyond what the normaliser can honour safely: a nesting depth at which its tree walkers,
 * which recurse per level, would risk the stack instead of refusing the input cleanly. Retryable, as
 * a configuration error is: records wait until a deployment gives sane limits, then go through.
 */
export class UnsafeLimitsError extends RangeError {
  override readonly name = 'UnsafeLimitsError';
  readonly retryable = true;
}
