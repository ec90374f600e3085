/**
 * What every format parser extracts from its input before the common assembly into ninjs.
 */
export interface ArticleParts {
  readonly headline: string;
  readonly paragraphs: readonly string[];
  readonly byline?: string;
  readonly located?: string;
  readonly language?: string;
}
