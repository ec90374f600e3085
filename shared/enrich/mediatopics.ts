/**
 * The IPTC Media Topics vocabulary (live concepts only), as shipped in mediatopics.json.
 * Codes are qcodes such as `medtop:11000000`; a concept's ancestors let a filter on a top-level
 * topic match articles tagged with any of its descendants.
 */

import { MEDIA_TOPICS } from './packed-data.generated.js';
import { unpackJson } from './packed-data.js';

export interface MediaTopic {
  readonly code: string;
  readonly parent: string | null;
  readonly labels: Readonly<Record<string, string>>;
  /** The IPTC Subject Code (`subj:NNNNNNNN`) this topic is an exact match of, if any. */
  readonly subjectCode?: string;
}

/** ./mediatopics.json, shipped packed (see ./packed-data.ts). */
const vocabulary = unpackJson<{ readonly attribution: string; readonly concepts: readonly MediaTopic[] }>(
  MEDIA_TOPICS,
);

const topics: ReadonlyMap<string, MediaTopic> = new Map(
  vocabulary.concepts.map((topic) => [topic.code, topic]),
);

const bySubjectCode: ReadonlyMap<string, MediaTopic> = new Map(
  [...topics.values()]
    .filter((topic) => topic.subjectCode)
    .map((topic) => [topic.subjectCode as string, topic]),
);

export const MEDIA_TOPICS_ATTRIBUTION: string = vocabulary.attribution;
export const MEDIA_TOPIC_URI_PREFIX = 'http://cv.iptc.org/newscodes/mediatopic/';

export function mediaTopic(code: string): MediaTopic | undefined {
  return topics.get(code);
}

/** The Media Topic that replaced an IPTC Subject Code (`subj:15054000` or `15054000`). */
export function mediaTopicForSubjectCode(code: string): MediaTopic | undefined {
  return bySubjectCode.get(code.startsWith('subj:') ? code : `subj:${code}`);
}

export function isMediaTopic(code: string): boolean {
  return topics.has(code);
}

/** The code itself followed by its ancestors up to the top level. Unknown codes yield just themselves. */
export function withAncestors(code: string): string[] {
  const chain: string[] = [];
  let current: string | null = code;
  while (current && !chain.includes(current)) {
    chain.push(current);
    current = topics.get(current)?.parent ?? null;
  }
  return chain;
}

export function mediaTopicUri(code: string): string {
  return `${MEDIA_TOPIC_URI_PREFIX}${code.slice('medtop:'.length)}`;
}
