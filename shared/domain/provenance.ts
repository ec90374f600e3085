/**
 * Provenance: how a value of a normalised article was decided when it did not come from an explicit
 * field of the input. The normaliser and the enrichment write it, the article and the index carry it;
 * it lives in the domain so that none of them has to import another for it.
 */

/** How a value was decided when it did not come from an explicit field of the input. */
export interface Provenance {
  /** A short rule name, e.g. `trailing-bullet-line`, `tinyld`, `first-paragraph`, `json-ld:author`. */
  readonly rule: string;
  /** 0-100: how sure the rule is. Explicit input fields are 100. */
  readonly confidence: number;
  /**
   * Set when an optional input field was unusable and dropped: its value as written (shortened), so
   * that a publisher can see what was wrong. The rule then says which check it failed.
   */
  readonly original?: string;
}
