/**
 * The partner registry as the console's function reads it: a file shipped in its bundle (written by
 * infra/constructs/console-api.ts), because Lambda's 4 KB of environment variables cannot hold more
 * than a few dozen partners. The registry's own document, validated again at cold start by the same
 * parser, so a damaged file fails the first call with every problem named.
 */
import { ConfigurationError } from '../domain/errors.js';
import { type Partner, parsePartnerRegistry } from '../partners/registry.js';

/** The file, next to the function's `index.mjs`, that holds the registry. */
export const CONSOLE_PARTNERS_FILE = 'console-partners.json';

/** The registry document of `partners` (already validated by parsePartnerRegistry), as JSON text. */
export function consolePartnersDocument(partners: readonly Partner[]): string {
  return JSON.stringify({ partners });
}

export function parseConsolePartners(text: string): Partner[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${CONSOLE_PARTNERS_FILE} is not JSON: ${(error as Error).message}`);
  }
  return parsePartnerRegistry(document);
}
