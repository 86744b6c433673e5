/**
 * Small helpers hidden tests used to copy among themselves. Here once, so each exercise's tests
 * read the same and a fix reaches all of them.
 */
import type { CheckResult } from './check/types.ts';
import type { Simulation } from './world.ts';

/**
 * Runs `sim` in slices of `stepMs` of virtual time until `done()` holds or the clock reaches
 * `untilMs`: for a test that waits for answers without running a quiet-forever simulation
 * (one with a periodic timer never goes quiet) to its end.
 */
export function runUntil(sim: Simulation, done: () => boolean, untilMs: number, stepMs = 200): void {
  while (!done() && sim.nowMs < untilMs) sim.run({ untilMs: Math.min(untilMs, sim.nowMs + stepMs) });
}

/**
 * Runs checks in order and answers with the first violation; when none is violated, the first
 * `unknown`, else ok. Later checks are not run once one is violated, so put the check whose
 * message explains most first.
 */
export function firstFailure(...checks: Array<() => CheckResult>): CheckResult {
  let unknown: CheckResult | undefined;
  for (const check of checks) {
    const result = check();
    if (result.outcome === 'violated') return result;
    if (result.outcome === 'unknown') unknown ??= result;
  }
  return unknown ?? { outcome: 'ok' };
}

/** A non-null object, as a message body or an answer must be before its fields are read. */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** A value as a message to a learner shows it: JSON, and `null` spelled out as nothing. */
export const show = (value: unknown): string =>
  value === null ? 'nothing (null)' : value === undefined ? 'nothing (undefined)' : JSON.stringify(value);
