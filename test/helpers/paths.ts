import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_ARTICLES = `${REPO_ROOT}events/articles/`;
/** The team's reference wire story (../shared/samples/wire-article.txt), kept in the repo as a sample. */
export const WIRE_ARTICLE = `${SAMPLE_ARTICLES}wire/trump-putin-syria.txt`;
