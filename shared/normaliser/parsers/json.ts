/**
 * JSON articles: the text parsed safely (./json/syntax.ts), the article object and its dialect found
 * (./json/detect.ts), then either an IPTC ninjs document of any major version upgraded to
 * ArticleParts (./json/ninjs.ts) or a generic CMS export read by its common field names
 * (./json/cms.ts). Values are read by explicit name, never merged (./json/values.ts, ./json/dates.ts).
 */
import type { FormatParser } from '../parts.js';
import { parseCms } from './json/cms.js';
import { articleRecord, jsonDialectOf } from './json/detect.js';
import { parseNinjs } from './json/ninjs.js';
import { parseJsonText } from './json/syntax.js';

export const parseJson: FormatParser = (text, context) => {
  const record = articleRecord(parseJsonText(text, context));
  const dialect = jsonDialectOf(record);
  switch (dialect) {
    case 'ninjs1':
      return parseNinjs(record, 1, context.limits.maxDepth);
    case 'ninjs2':
      return parseNinjs(record, 2, context.limits.maxDepth);
    case 'ninjs3':
      return parseNinjs(record, 3, context.limits.maxDepth);
    case 'cms':
      return parseCms(record, context.limits.maxDepth);
  }
};
