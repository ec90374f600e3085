/**
 * The `source` dimension of per-publisher metrics, from a bounded set: CloudWatch bills each distinct
 * dimension combination as a metric, so a publisher-chosen folder name must not become one unchecked.
 */
import { sourceForKey } from '../../shared/domain/article.js';
import { PUBLISHER_NAME_PATTERN } from '../../shared/publishers/registry.js';

/**
 * The registered publishers (the PUBLISHERS setting, from the publisher registry), or undefined when
 * none is configured: then every first-level folder is a source.
 */
export function registeredPublishers(names: readonly string[]): ReadonlySet<string> | undefined {
  return names.length > 0 ? new Set(names) : undefined;
}

/**
 * A key's `source` dimension: a registered publisher, else `unregistered`; with no registry, the
 * first folder when it looks like a publisher name, else `other`.
 */
export function sourceDimension(key: string, registered: ReadonlySet<string> | undefined): string {
  const source = key.includes('/') ? sourceForKey(key) : '';
  if (registered) return registered.has(source) ? source : 'unregistered';
  return PUBLISHER_NAME_PATTERN.test(source) ? source : 'other';
}
