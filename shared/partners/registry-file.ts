import { readFileSync } from 'node:fs';
import { type Partner, parsePartnerRegistry, type RegistryOptions } from './registry.js';

/** The registry both the stack and the local runtime read, unless a path is given. */
export const DEFAULT_REGISTRY_URL = new URL('../../config/partners.json', import.meta.url);

export function loadPartnerRegistry(
  path: string | URL = DEFAULT_REGISTRY_URL,
  options: RegistryOptions = {},
): Partner[] {
  return parsePartnerRegistry(JSON.parse(readFileSync(path, 'utf8')), options);
}
