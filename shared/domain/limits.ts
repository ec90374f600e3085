/**
 * The caps on the free-text and list fields of an article, whatever its format: what a partner can
 * rely on receiving, sized so that the summary message (identity, headlines, summary, subjects,
 * byline, rights, ids) stays far below SNS's 262,144 bytes per message even when every capped field
 * is at its cap and written in 3-byte UTF-8 characters. The normaliser applies them
 * (../normaliser/field-limits.ts); they are the domain's, so that no other layer imports the
 * normaliser to know them.
 */

/** Longest value of each free-text field, in UTF-16 code units (JavaScript string length). */
export const FIELD_CHAR_LIMITS = {
  headline: 1_000,
  subheadline: 1_000,
  summary: 2_000,
  byline: 500,
  located: 300,
  copyrightHolder: 500,
  copyrightNotice: 1_000,
  usageTerms: 1_000,
  /** Names, codes and uris of subjects and entities, keywords, alternative id values. */
  name: 200,
  code: 100,
  uri: 500,
  keyword: 100,
  altIdValue: 500,
} as const;

/** Most entries kept of each list field (the input's order is kept). */
export const FIELD_COUNT_LIMITS = {
  subjects: 50,
  keywords: 200,
  parties: 200,
  altIds: 20,
} as const;
