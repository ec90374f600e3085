/**
 * The IPTC Media Topics vocabulary (live concepts only), as shipped in mediatopics.json.
 * Codes are qcodes such as `medtop:11000000`; a concept's ancestors let a filter on a top-level
 * topic match articles tagged with any of its descendants.
 */
import vocabulary from './mediatopics.json' with { type: 'json' };

export interface MediaTopic {
  readonly code: string;
  readonly parent: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

const topics: ReadonlyMap<string, MediaTopic> = new Map(
  (vocabulary.concepts as MediaTopic[]).map((topic) => [topic.code, topic]),
);

export const MEDIA_TOPICS_ATTRIBUTION: string = vocabulary.attribution;
export const MEDIA_TOPIC_URI_PREFIX = 'http://cv.iptc.org/newscodes/mediatopic/';

export function allMediaTopics(): Iterable<MediaTopic> {
  return topics.values();
}

export function mediaTopic(code: string): MediaTopic | undefined {
  return topics.get(code);
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
