import { ConfigurationError } from '../../shared/domain/errors.js';

/** Reads a required setting at cold start, so a missing one fails the deployment's first call loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}
