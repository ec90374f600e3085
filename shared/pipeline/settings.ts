/**
 * A function's settings: each environment variable named once, with the parser that reads it and
 * the bounds it must keep. The stack sets them (infra/), the local runtime passes them (local/) and a
 * handler reads them all at once at cold start (`loadSettings`), so a deployment with one wrong value
 * fails its first call with every problem listed, not one at a time.
 */
import { ConfigurationError } from '../domain/errors.js';

export interface Setting<T> {
  /** The environment variable, as the stack sets it. */
  readonly env: string;
  /** What the value is, for error messages and the README. */
  readonly describe: string;
  /** The value, or a thrown message saying what is wrong with `raw`. */
  readonly parse: (raw: string | undefined) => T;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;
export type SettingValues<S extends Record<string, Setting<unknown>>> = {
  readonly [K in keyof S]: SettingValue<S[K]>;
};

class SettingProblem extends Error {}

function present(env: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new SettingProblem(`${env} is not set`);
  return raw;
}

/** A required, non-empty string (a resource name or ARN). */
export function text(env: string, describe: string): Setting<string> {
  return { env, describe, parse: (raw) => present(env, raw) };
}

/** An optional string: undefined when unset or empty. */
export function optionalText(env: string, describe: string): Setting<string | undefined> {
  return { env, describe, parse: (raw) => (raw === undefined || raw.trim() === '' ? undefined : raw) };
}

/** A whole number within [min, max]. */
export function integer(
  env: string,
  describe: string,
  bounds: { min: number; max: number },
): Setting<number> {
  return {
    env,
    describe,
    parse: (raw) => {
      const value = present(env, raw);
      const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(number) || number < bounds.min || number > bounds.max) {
        throw new SettingProblem(
          `${env} must be a whole number from ${bounds.min} to ${bounds.max}, not '${value}'`,
        );
      }
      return number;
    },
  };
}

/** `true` or `false`; unset is false. */
export function flag(env: string, describe: string): Setting<boolean> {
  return {
    env,
    describe,
    parse: (raw) => {
      if (raw === undefined || raw === '' || raw === 'false') return false;
      if (raw === 'true') return true;
      throw new SettingProblem(`${env} must be 'true' or 'false', not '${raw}'`);
    },
  };
}

/** A comma-separated list of names (empty when unset). */
export function list(env: string, describe: string): Setting<readonly string[]> {
  return {
    env,
    describe,
    parse: (raw) =>
      (raw ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
  };
}

/** JSON checked by `read`, which returns the value or throws a message. Optional when `optional`. */
export function json<T>(env: string, describe: string, read: (value: unknown) => T): Setting<T> {
  return {
    env,
    describe,
    parse: (raw) => {
      let value: unknown;
      try {
        value = JSON.parse(present(env, raw));
      } catch (error) {
        if (error instanceof SettingProblem) throw error;
        throw new SettingProblem(`${env} is not JSON: ${(error as Error).message}`);
      }
      try {
        return read(value);
      } catch (error) {
        throw new SettingProblem(`${env}: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * Every setting of `settings` read from `environment`; all problems reported in one
 * ConfigurationError (retryable: the records wait in their queue until the deployment is fixed).
 */
export function loadSettings<S extends Record<string, Setting<unknown>>>(
  settings: S,
  environment: Readonly<Record<string, string | undefined>>,
): SettingValues<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settings)) {
    try {
      values[key] = setting.parse(environment[setting.env]);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(`invalid settings: ${problems.join('; ')}`);
  return values as SettingValues<S>;
}

/** The environment that makes `loadSettings(settings, …)` return `values`: what the stack and the local runtime set. */
export function environmentOf<S extends Record<string, Setting<unknown>>>(
  settings: S,
  values: { readonly [K in keyof S]?: string },
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const setting = settings[key];
    if (setting && value !== undefined) environment[setting.env] = value;
  }
  return environment;
}
