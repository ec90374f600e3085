import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_ARTICLES = `${REPO_ROOT}events/articles/`;
/** The team's reference wire story (../shared/samples/wire-article.txt), kept in the repo as a sample. */
export const WIRE_ARTICLE = `${SAMPLE_ARTICLES}wire/trump-putin-syria.txt`;
/** The team's reference material beside the repository (read-only; CI places it there too). */
export const REFERENCE = `${REPO_ROOT}../shared/`;
/** Real public sample documents per input format: `${FIXTURES}<format>/`. */
export const FIXTURES = `${REFERENCE}fixtures/`;
