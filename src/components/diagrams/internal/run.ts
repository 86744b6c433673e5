/**
 * Runs a simulation on the page without ever leaving the page's globals virtual.
 *
 * `Simulation.run` swaps `Math.random`, `Date`, `performance.now` and the timer functions for
 * virtual ones while it runs and puts the real ones back in a `finally`. This checks that
 * promise after every run: a leak would make the rest of the page (animations, Starlight's own
 * scripts) read a frozen clock, which is far worse than a loud error.
 */
import type { RunOptions, RunResult, Simulation } from '@baristas/sim/testing';

type Slot = [target: Record<string, unknown>, key: string, real: unknown];

const g = globalThis as unknown as Record<string, unknown>;
// Captured when a diagram's module loads, which is never inside a run.
const REAL: Slot[] = (['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const).map((k): Slot => [g, k, g[k]]);
REAL.push([Math as unknown as Record<string, unknown>, 'random', Math.random]);
if (typeof performance !== 'undefined') REAL.push([performance as unknown as Record<string, unknown>, 'now', performance.now]);

export function runSim(sim: Simulation, options?: RunOptions): RunResult {
  try {
    return sim.run(options);
  } finally {
    const leaked = REAL.filter(([target, key, real]) => target[key] !== real);
    for (const [target, key, real] of leaked) target[key] = real;
    if (leaked.length > 0) throw new Error(`the simulation left ${leaked.map(([, k]) => k).join(', ')} virtual after a run`);
  }
}
