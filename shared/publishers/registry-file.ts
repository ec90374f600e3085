import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../domain/errors.js';
import { type Publisher, parsePublisherRegistry } from './registry.js';

/** The registry the stack reads unless `-c publishersFile=PATH` names another. */
export const DEFAULT_PUBLISHER_REGISTRY_URL = new URL('../../config/publishers.json', import.meta.url);

/** Reads and validates a registry file; a missing or malformed file is a ConfigurationError too. */
export function loadPublisherRegistry(path: string | URL = DEFAULT_PUBLISHER_REGISTRY_URL): Publisher[] {
  const shown = path instanceof URL ? fileURLToPath(path) : path;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(
      `publisher registry ${shown} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parsePublisherRegistry(document);
}
