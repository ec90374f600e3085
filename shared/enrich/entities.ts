/**
 * Named entities (people, organisations, places) found in an article's text.
 * This first version only knows the byline's author; the entity finder replaces it.
 */
import type { Party, Place } from '../ninjs/types.js';
import type { Provenance } from '../formats/parts.js';

export interface EntityContext {
  readonly byline?: string;
  readonly language?: string;
  readonly located?: string;
}

export interface FoundEntities {
  readonly people: Party[];
  readonly organisations: Party[];
  readonly places: Place[];
  readonly provenance: Readonly<Record<string, Provenance>>;
}

/** The person named in a byline, without the agency (`Jane Doe, Reuters` -> `Jane Doe`). */
export function authorOf(byline: string): string {
  return byline.split(/\s*(?:,|\(|\bfor\b|\band\b)\s*/u)[0]?.trim() ?? byline;
}

export function findEntities(_text: string, context: EntityContext): FoundEntities {
  const people: Party[] = context.byline ? [{ name: authorOf(context.byline), rel: 'author' }] : [];
  return {
    people,
    organisations: [],
    places: [],
    provenance: people.length > 0 ? { people: { rule: 'byline-author', confidence: 80 } } : {},
  };
}
