/**
 * The normaliser: one stored object in, one ninjs 3.2 document (without index-assigned version
 * fields) out — or a RejectedInputError that says exactly why not.
 *
 * Steps: check size, decode bytes, detect the format from the content, parse it into ArticleParts,
 * enrich (language, subjects), assemble ninjs, hash the content, validate against the schema.
 */
import { createHash } from 'node:crypto';
import { detect as detectLanguage } from 'tinyld/light';
import { articleUriForKey, type NormalisedArticle, sourceForKey } from '../domain/article.js';
import { RejectedInputError } from '../domain/errors.js';
import { mediaTopicUri, withAncestors } from '../enrich/mediatopics.js';
import { tagSubjects } from '../enrich/subjects.js';
import { NINJS_STANDARD, type Ninjs, type Subject } from '../ninjs/types.js';
import { ninjsProblems } from '../ninjs/validate.js';
import { decodeText } from './decode.js';
import type { ArticleParts } from './parts.js';
import { parseText } from './text.js';

export interface SourceObject {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
}

/** Larger objects are rejected before parsing; no wire story comes near it. */
export const MAX_OBJECT_BYTES = 5 * 1024 * 1024;

const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

function countWords(text: string): number {
  let words = 0;
  for (const segment of wordSegmenter.segment(text)) if (segment.isWordLike) words++;
  return words;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes text for an HTML text node (quotes need escaping only inside attributes). */
function escapeHtmlText(text: string): string {
  return text.replace(/[&<>]/g, (char) => TEXT_ESCAPES[char] as string);
}

type Format = 'text';

function detectFormat(text: string): Format {
  const start = text.trimStart().slice(0, 200).toLowerCase();
  if (start.startsWith('<')) {
    throw new RejectedInputError(
      'UNSUPPORTED_FORMAT',
      'markup (HTML or XML) is not read yet; drop plain text',
    );
  }
  if (start.startsWith('{') || start.startsWith('[')) {
    throw new RejectedInputError('UNSUPPORTED_FORMAT', 'JSON is not read yet; drop plain text');
  }
  return 'text';
}

function parse(format: Format, text: string): ArticleParts {
  switch (format) {
    case 'text':
      return parseText(text);
  }
}

function contentHashOf(ninjs: Ninjs): string {
  // Only what a reader sees counts: re-uploading the same story at another time is not a new version.
  const content = {
    headlines: ninjs.headlines,
    by: ninjs.by,
    located: ninjs.located,
    language: ninjs.language,
    bodies: ninjs.bodies,
    subjects: ninjs.subjects,
    urgency: ninjs.urgency,
    pubStatus: ninjs.pubStatus,
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export function normaliseObject(object: SourceObject): NormalisedArticle {
  if (object.bytes.length > MAX_OBJECT_BYTES) {
    throw new RejectedInputError('TOO_LARGE', `${object.bytes.length} bytes, limit ${MAX_OBJECT_BYTES}`);
  }
  const text = decodeText(object.bytes);
  const format = detectFormat(text);
  const parts = parse(format, text);

  const plainBody = parts.paragraphs.join('\n\n');
  const htmlBody = parts.paragraphs.map((paragraph) => `<p>${escapeHtmlText(paragraph)}</p>`).join('\n');
  const language = parts.language ?? (detectLanguage(`${parts.headline}\n${plainBody}`) || undefined);
  const tagged = tagSubjects(`${parts.headline}\n${plainBody}`, language);
  const subjects: Subject[] = tagged.map((match) => ({
    name: match.name,
    uri: mediaTopicUri(match.code),
    literal: match.code,
    relevance: match.relevance,
    creator: 'machine',
  }));
  const publisher = sourceForKey(object.key);
  const wordCount = countWords(plainBody);

  const ninjs: Ninjs = {
    uri: articleUriForKey(object.key),
    standard: { ...NINJS_STANDARD },
    type: 'text',
    representationType: 'full',
    pubStatus: 'usable',
    ...(language ? { language } : {}),
    headlines: [{ role: 'main', contentType: 'text/plain', value: parts.headline }],
    ...(parts.byline ? { by: parts.byline } : {}),
    ...(parts.located ? { located: parts.located } : {}),
    bodies: [
      { role: 'main', contentType: 'text/html', value: htmlBody, wordCount, charCount: plainBody.length },
      { role: 'main', contentType: 'text/plain', value: plainBody, wordCount, charCount: plainBody.length },
    ],
    ...(subjects.length > 0 ? { subjects } : {}),
    infoSources: [{ name: publisher, role: 'publisher' }],
    altIds: [{ role: 'objectKey', value: object.key }],
  };

  const problems = ninjsProblems(ninjs);
  if (problems.length > 0) {
    throw new RejectedInputError(
      'INVALID_NINJS',
      problems.map((problem) => `${problem.path} ${problem.message}`).join('; '),
    );
  }
  const subjectCodes = [...new Set(tagged.flatMap((match) => withAncestors(match.code)))];
  return { ninjs, format, contentHash: contentHashOf(ninjs), subjectCodes, source: publisher };
}
