import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_ARTICLES = `${REPO_ROOT}events/articles/`;
/** The team's reference wire story, kept in the repository as a sample. */
export const WIRE_ARTICLE = `${SAMPLE_ARTICLES}wire/trump-putin-syria.txt`;
/**
 * Real public sample documents per input format: `${FIXTURES}<format>/`, each folder with a SOURCES.md
 * naming origin and licence. `${FIXTURES}ninjs-examples/` holds IPTC's own ninjs examples (MIT).
 */
export const FIXTURES = `${REPO_ROOT}test/fixtures/`;
/** A built console page (index.html, app.js, app.css) for stacks that deploy the console. */
export const CONSOLE_PAGE = `${FIXTURES}console-site/`;
