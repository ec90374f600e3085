/**
 * Runs a fast-check property so that its result can be trusted:
 * - the number of inputs that ran is reported (a test diagnostic), with the seed;
 * - the test fails when fewer inputs ran than the floor (skipped by preconditions, or cut short), or
 *   when every input was refused: a property that only ever meets refusals tests the refusal path and
 *   nothing else, however many inputs it runs;
 * - a failure names the seed and path to replay it (SYNDICATE_FUZZ_SEED, SYNDICATE_FUZZ_PATH) before
 *   fast-check's own report (counterexample, shrinks, the error).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { budget } from './arbitraries.js';

/** What the property's inputs came to: counted by the property itself. */
export interface Tally {
  accepted: number;
  refused: number;
}

export const tally = (): Tally => ({ accepted: 0, refused: 0 });

export interface RunOptions {
  /** Counted by the property; when given, at least one input must have been accepted. */
  readonly outcomes?: Tally;
  /** The share of the requested runs that must have run (not skipped). */
  readonly floor?: number;
}

const DEFAULT_FLOOR = 0.9;

export async function runProperty<Ts>(
  t: TestContext,
  property: fc.IRawProperty<Ts>,
  runs: number,
  options: RunOptions = {},
): Promise<fc.RunDetails<Ts>> {
  const parameters = budget(runs);
  const details = await fc.check(property, parameters as fc.Parameters<Ts>);
  const replay = `SYNDICATE_FUZZ_SEED=${details.seed}${
    details.counterexamplePath ? ` SYNDICATE_FUZZ_PATH=${details.counterexamplePath}` : ''
  }`;
  const counted = options.outcomes
    ? ` (${options.outcomes.accepted} accepted, ${options.outcomes.refused} refused)`
    : '';
  t.diagnostic(`${details.numRuns} inputs ran of ${parameters.numRuns}${counted}; seed ${details.seed}`);
  if (details.failed) {
    throw new Error(`replay with ${replay}\n${fc.defaultReportMessage(details) ?? 'property failed'}`, {
      cause: details.errorInstance,
    });
  }
  // Replaying a counterexample path runs that one input: the floor is for whole runs.
  if (parameters.path !== undefined) return details;
  const floor = Math.ceil(parameters.numRuns * (options.floor ?? DEFAULT_FLOOR));
  assert.ok(
    details.numRuns >= floor,
    `only ${details.numRuns} of ${parameters.numRuns} inputs ran (${details.numSkips} skipped), ` +
      `below the floor of ${floor}; replay with ${replay}`,
  );
  if (options.outcomes) {
    assert.ok(
      options.outcomes.accepted > 0,
      `every one of the ${options.outcomes.refused} inputs was refused: the property never reached ` +
        `past the refusals; replay with ${replay}`,
    );
  }
  return details;
}
