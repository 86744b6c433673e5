/**
 * Seed exploration: run a simulation test under many seeds and fault plans, stop at the first
 * run that breaks its property, shrink that run's fault plan to the smallest that still breaks
 * it, and hand back a replay string that reproduces the run exactly anywhere.
 */
import fc from 'fast-check';
import type { CheckResult, CheckViolated } from './check/types.ts';
import { realNowMs } from './globals.ts';
import {
  NAME,
  applyPlan,
  checkPlanNames,
  decodeReplay,
  describePlan,
  encodeReplay,
  generatePlan,
  respectsCrashLimit,
  spaceLimits,
  type FaultPlan,
  type FaultSpace,
  type Replay,
} from './plan.ts';
import { deriveRandom } from './random.ts';
import type { Address, Delay, Trace } from './types.ts';
import { Simulation } from './world.ts';

/** What a scenario's `run` gets besides the simulation. */
export interface ScenarioContext {
  /** The run's root seed. */
  seed: number;
  /** The faults applied to this run. */
  plan: FaultPlan;
  /** A random stream for the workload (which operations, when), seeded like everything else. */
  random(): number;
  /** A random integer in [min, max] from the same stream. */
  int(min: number, max: number): number;
}

/** A simulation test: the faults it allows, and how to build, run and judge one run. */
export interface Scenario {
  /** Names the scenario in replay strings; unique within an exercise; letters, digits, `_`, `-`. */
  name: string;
  /** The faults explored runs may contain. */
  faults: FaultSpace;
  /** Network delay distribution for every run. Default: uniform over 1–10 ms. */
  delay?: Delay;
  /** Trace cap per run. Default 20,000 events. */
  traceEventsMax?: number;
  /**
   * Set when `run` reads `sim.trace` to judge a run. Otherwise only the run that is reported
   * records a trace, which makes exploring several times faster.
   */
  recordTrace?: boolean;
  /**
   * Adds nodes and a workload to `sim` (which already holds the run's fault plan), runs it and
   * judges it. Returning nothing means the property held; throwing counts as a failure too.
   */
  run(sim: Simulation, context: ScenarioContext): CheckResult | void;
}

/** Budgets of `explore`; the defaults suit a hidden test in the browser. */
export interface ExploreOptions {
  /** Real time to spend finding a failure, in ms (after `runsMin` runs). Default 1,000. */
  budgetMs?: number;
  /** Runs always made, however long they take, so every host explores at least these. Default 20. */
  runsMin?: number;
  /** Most runs. Default 100,000. */
  runsMax?: number;
  /** Most runs spent shrinking a failure; a count, so the shrunk plan is the same on every host. Default 300. */
  shrinkRunsMax?: number;
  /** Real-time cap on shrinking, in ms, in case single runs are slow. Default 5,000. */
  shrinkBudgetMs?: number;
}

/** How one run ended: with a check result, or with an exception. */
export type RunOutcome = { result: CheckResult; error?: undefined } | { result?: undefined; error: unknown };

interface ExplorationCommon {
  /** The scenario's name. */
  scenario: string;
  /** Runs made (exploring, not shrinking). */
  runs: number;
  /** Runs whose checker could not decide within its budget (not counted as passing). */
  undecided: number;
}

/** No explored run failed (or, in replay mode, the replayed run passed). */
export interface ExplorationOk extends ExplorationCommon {
  /** Every run passed. */
  outcome: 'ok';
  /** In replay mode: the replayed run's trace and replay string. */
  trace?: Trace;
  /** In replay mode: the replayed string. */
  replay?: string;
}

/** A run failed: its seed, its shrunk plan, the violation, the replay string and the trace. */
export interface ExplorationViolated extends ExplorationCommon {
  /** A run broke the property or threw. */
  outcome: 'violated';
  /** The failing run's seed; shrinking keeps it. */
  seed: number;
  /** The shrunk plan: the smallest found that still fails. */
  plan: FaultPlan;
  /** The plan of the run that first failed. */
  foundPlan: FaultPlan;
  /** Runs spent shrinking. */
  shrinkRuns: number;
  /** The broken property; an exception becomes the property `no-exception`. */
  violation: CheckViolated;
  /** The exception, when the run threw. */
  error?: unknown;
  /** Replays the shrunk run: `scenario/seed/faults`. */
  replay: string;
  /** The shrunk run's trace, with `violation` and `replay` set. */
  trace: Trace;
}

/** In replay mode, a scenario other than the one replayed is not run. */
export interface ExplorationSkipped {
  /** Not run, because replay mode replays another scenario. */
  outcome: 'skipped';
  /** The scenario's name. */
  scenario: string;
}

/** What `explore` found. */
export type Exploration = ExplorationOk | ExplorationViolated | ExplorationSkipped;

// ---- Replay mode --------------------------------------------------------------------------

let replaying: Replay | undefined;
let replayed: Exploration | undefined;

/**
 * Host-side control of replay mode (used by the grader's harness, not by tests): while set,
 * `explore` runs only the named scenario, once, with the given seed and plan.
 */
export const replayMode = {
  /** Enters replay mode for `text` (throws on a malformed string), or leaves it with undefined. */
  set(text: string | undefined): void {
    replaying = text === undefined ? undefined : decodeReplay(text);
    replayed = undefined;
  },
  /** The replayed exploration, once the test that owns the scenario has run it. */
  result(): Exploration | undefined {
    return replayed;
  },
};

// ---- Progress -----------------------------------------------------------------------------

/** How far an exploration has got, as a host shows it while a test runs. */
export interface ExplorationProgress {
  /** The scenario being explored. */
  scenario: string;
  /** `exploring` while trying seeds; `shrinking` after a failure, while its plan is minimised. */
  phase: 'exploring' | 'shrinking';
  /** Runs so far in this phase. */
  runs: number;
  /** Rough share of this exploration done, 0 to 1 (it is bounded by time, so only an estimate). */
  fraction: number;
}

const PROGRESS_INTERVAL_MS = 100;
let progressListener: ((progress: ExplorationProgress) => void) | undefined;
let progressAt = 0;

/**
 * Host-side progress reports (used by the grader's harness, not by tests): the listener hears
 * from running explorations at most every 100 ms of real time, so a host can show a progress
 * bar while a test explores many seeds.
 */
export const explorationProgress = {
  /** Sets the listener, or removes it with undefined. */
  listen(listener: ((progress: ExplorationProgress) => void) | undefined): void {
    progressListener = listener;
    progressAt = 0;
  },
};

function reportProgress(make: () => ExplorationProgress): void {
  if (!progressListener) return;
  const now = realNowMs();
  if (now - progressAt < PROGRESS_INTERVAL_MS) return;
  progressAt = now;
  progressListener(make());
}

// ---- Running ------------------------------------------------------------------------------

/**
 * Builds the simulation for one run, applies the plan and runs the scenario. `recordTrace`
 * false skips the trace (unless the scenario needs it to judge the run).
 */
export function runScenario(
  scenario: Scenario,
  seed: number,
  plan: FaultPlan,
  recordTrace = true,
): { sim: Simulation; outcome: RunOutcome } {
  const sim = new Simulation({
    seed,
    delay: scenario.delay,
    traceEventsMax: scenario.traceEventsMax,
    recordTrace: recordTrace || scenario.recordTrace === true,
  });
  applyPlan(sim, plan);
  const random = deriveRandom(seed, `workload:${scenario.name}`);
  const context: ScenarioContext = { seed, plan, random: () => random.next(), int: (min, max) => random.int(min, max) };
  try {
    return { sim, outcome: { result: scenario.run(sim, context) ?? { outcome: 'ok' } } };
  } catch (error) {
    return { sim, outcome: { error } };
  }
}

const failed = (o: RunOutcome): boolean => o.error !== undefined || o.result?.outcome === 'violated';

/** The plan a run with `seed` explores: drawn from its own stream, so it never shifts the run's. */
export function planForSeed(scenario: Scenario, seed: number): FaultPlan {
  return generatePlan(scenario.faults, deriveRandom(seed, `plan:${scenario.name}`));
}

/**
 * Explores seeds 1, 2, 3, … (each with a plan drawn from the fault space) until a run fails or
 * the budget is spent; shrinks a failure's plan with fast-check, keeping its seed.
 */
export function explore(scenario: Scenario, options: ExploreOptions = {}): Exploration {
  checkPlanNames(scenario.faults);
  if (!NAME.test(scenario.name)) throw new Error(`scenario name "${scenario.name}": use letters, digits, _ and - only`);
  if (replaying) {
    if (replaying.scenario !== scenario.name) return { outcome: 'skipped', scenario: scenario.name };
    replayed = finish(scenario, replaying.seed, replaying.plan, replaying.plan, 1, 0, 0, true);
    return replayed;
  }
  const budgetMs = options.budgetMs ?? 1_000;
  const runsMin = options.runsMin ?? 20;
  const runsMax = options.runsMax ?? 100_000;
  const started = realNowMs();
  let undecided = 0;
  for (let runs = 1; runs <= runsMax; runs++) {
    const seed = runs;
    const plan = planForSeed(scenario, seed);
    const { outcome } = runScenario(scenario, seed, plan, false);
    if (failed(outcome)) {
      const { plan: shrunk, shrinkRuns } = shrink(scenario, seed, plan, options);
      return finish(scenario, seed, shrunk, plan, runs, undecided, shrinkRuns, false);
    }
    if (outcome.result?.outcome === 'unknown') undecided++;
    if (runs >= runsMin && realNowMs() - started > budgetMs) return { outcome: 'ok', scenario: scenario.name, runs, undecided };
    reportProgress(() => ({
      scenario: scenario.name,
      phase: 'exploring',
      runs,
      // Bounded by time once `runsMin` runs are done, so elapsed time is the honest estimate.
      fraction: Math.min(0.99, (realNowMs() - started) / budgetMs),
    }));
  }
  return { outcome: 'ok', scenario: scenario.name, runs: runsMax, undecided };
}

/** Re-runs the final plan for its trace and turns the outcome into an exploration result. */
function finish(
  scenario: Scenario,
  seed: number,
  plan: FaultPlan,
  foundPlan: FaultPlan,
  runs: number,
  undecided: number,
  shrinkRuns: number,
  replay: boolean,
): Exploration {
  const { sim, outcome } = runScenario(scenario, seed, plan);
  const trace = sim.trace;
  trace.replay = encodeReplay(scenario.name, seed, plan);
  if (!failed(outcome)) {
    if (!replay) throw new Error(`scenario "${scenario.name}" failed with seed ${seed} but passed when run again: it is not deterministic`);
    return { outcome: 'ok', scenario: scenario.name, runs, undecided, trace, replay: trace.replay };
  }
  const violation: CheckViolated =
    outcome.error !== undefined
      ? { outcome: 'violated', property: 'no-exception', message: `The run threw ${describeThrown(outcome.error)}.` }
      : (outcome.result as CheckViolated);
  trace.violation = {
    property: violation.property,
    message: violation.message,
    ...(violation.operations ? { operations: violation.operations } : {}),
    ...(violation.events ? { events: violation.events } : {}),
  };
  return {
    outcome: 'violated',
    scenario: scenario.name,
    runs,
    undecided,
    seed,
    plan,
    foundPlan,
    shrinkRuns,
    violation,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    replay: trace.replay,
    trace,
  };
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `a non-Error value: ${JSON.stringify(error)}`;
  } catch {
    return 'a non-Error value';
  }
}

// ---- Shrinking ----------------------------------------------------------------------------

/**
 * fast-check arbitraries for plans in a space. They are only used to shrink a plan the
 * explorer drew itself, so each must be able to shrink a value without the context of its
 * generation (integers, constantFrom, arrays, records and options can).
 */
function planArbitrary(space: FaultSpace): fc.Arbitrary<FaultPlan> {
  const lim = spaceLimits(space);
  const nodes = lim.nodes.length > 0 ? fc.constantFrom(...lim.nodes) : fc.constant('');
  const at = fc.integer({ min: 0, max: lim.durationMs - 1 });
  const down = fc.integer({ min: lim.downMsMin, max: lim.downMsMax });
  const downMs: fc.Arbitrary<number | null> =
    lim.restart === 'always' ? down : lim.restart === 'never' ? fc.constant(null) : fc.option(down, { nil: null });
  const span = fc.integer({ min: 1, max: lim.partitionMsMax });
  return fc
    .record({
      dropPermille: fc.integer({ min: 0, max: lim.dropPermilleMax }),
      duplicatePermille: fc.integer({ min: 0, max: lim.duplicatePermilleMax }),
      crashes: fc.array(fc.record({ node: nodes, atMs: at, downMs }), { maxLength: lim.crashesMax }),
      partitions: fc.array(
        fc.record({
          side: fc.uniqueArray(nodes, { minLength: 1, maxLength: Math.max(1, lim.nodes.length - 1) }),
          atMs: at,
          durationMs: span,
        }),
        { maxLength: lim.partitionsMax },
      ),
      cuts: fc.array(fc.record({ from: nodes, to: nodes, atMs: at, durationMs: span }), { maxLength: lim.cutsMax }),
      slow: fc.array(
        fc.record({
          node: nodes,
          factor: fc.integer({ min: 2, max: lim.slowFactorMax }),
          atMs: at,
          durationMs: fc.integer({ min: 1, max: lim.durationMs }),
        }),
        { maxLength: lim.slowMax },
      ),
      clocks: fc.array(
        fc.record({
          node: nodes,
          offsetMs: fc.integer({ min: -lim.clockSkewMsMax, max: lim.clockSkewMsMax }),
          driftPpm: fc.integer({ min: -lim.clockDriftPpmMax, max: lim.clockDriftPpmMax }),
        }),
        { maxLength: lim.nodes.length },
      ),
      pauses: fc.array(
        fc.record({ node: nodes, atMs: at, durationMs: fc.integer({ min: 1, max: lim.pauseMsMax }) }),
        { maxLength: lim.pausesMax },
      ),
    })
    .filter((p) => respectsCrashLimit(p, lim.crashedAtOnceMax) && p.cuts.every((c) => c.from !== c.to));
}

function shrink(scenario: Scenario, seed: number, plan: FaultPlan, options: ExploreOptions): { plan: FaultPlan; shrinkRuns: number } {
  const runsMax = options.shrinkRunsMax ?? 300;
  const deadline = realNowMs() + (options.shrinkBudgetMs ?? 5_000);
  let shrinkRuns = 0;
  const details = fc.check(
    fc.property(planArbitrary(scenario.faults), (candidate) => {
      // Past the budget every candidate "passes", which ends shrinking where it stands.
      if (shrinkRuns >= runsMax || realNowMs() > deadline) return true;
      shrinkRuns++;
      reportProgress(() => ({ scenario: scenario.name, phase: 'shrinking', runs: shrinkRuns, fraction: Math.min(0.99, shrinkRuns / runsMax) }));
      return !failed(runScenario(scenario, seed, candidate, false).outcome);
    }),
    { examples: [[plan]], numRuns: 1, seed: 0 },
  );
  const shrunk = details.failed && details.counterexample ? details.counterexample[0] : plan;
  return { plan: shrunk, shrinkRuns };
}

// ---- Assertions ---------------------------------------------------------------------------

/**
 * The error a failed exploration throws: an assertion failure whose message is what the
 * learner reads, carrying the replay string and the trace for the result panel.
 */
export class ExplorationFailure extends Error {
  /** Test runners (vitest, the grader) treat an `AssertionError` as a failed expectation, not a crash. */
  override name = 'AssertionError';
  /** The string that replays the failing run. */
  readonly replay: string;
  /** The failing run's seed. */
  readonly seed: number;
  /** The shrunk fault plan. */
  readonly plan: FaultPlan;
  /** The failing run's trace, with the violation marked. */
  readonly trace: Trace;

  constructor(exploration: ExplorationViolated, hint?: string) {
    const lines = [
      exploration.violation.message,
      `Seed ${exploration.seed}; smallest fault plan that still fails: ${describePlan(exploration.plan)}.`,
      ...(hint ? [hint] : []),
      `Replay: ${exploration.replay}`,
    ];
    super(lines.join('\n'), exploration.error !== undefined ? { cause: exploration.error } : undefined);
    this.replay = exploration.replay;
    this.seed = exploration.seed;
    this.plan = exploration.plan;
    this.trace = exploration.trace;
  }
}

/** Thrown in replay mode by tests whose scenario is not the one replayed; the harness hides them. */
export class ReplaySkip extends Error {
  /** How the harness recognises it. */
  override name = 'ReplaySkip';
}

/**
 * Throws an `ExplorationFailure` when the exploration found a failing run (with `hint`, if
 * given, between the plan and the replay string); a `ReplaySkip` when replaying another scenario.
 */
export function assertExploration(exploration: Exploration, hint?: string): void {
  if (exploration.outcome === 'violated') throw new ExplorationFailure(exploration, hint);
  if (exploration.outcome === 'skipped') throw new ReplaySkip(`replaying another scenario than ${exploration.scenario}`);
}

// ---- Workloads ----------------------------------------------------------------------------

/** A closed-loop workload: each client issues its next operation when the previous one ends. */
export interface WorkloadOptions {
  /** Client names. */
  clients: string[];
  /** Nodes the clients call; each operation goes to one drawn at random. */
  nodes: Address[];
  /** Operations each client issues. */
  opsPerClient: number;
  /** The input of a client's `index`-th operation (0-based). */
  input(client: string, index: number, context: ScenarioContext): unknown;
  /** Each client's timeout, in ms. Default 1,000. */
  timeoutMs?: number;
  /** Longest pause between a client's operations, in ms. Default 10. */
  thinkMsMax?: number;
  /** Latest start of a client's first operation, in ms. Default 10. */
  startMsMax?: number;
}

/** Schedules a closed-loop workload on `sim`; run the simulation afterwards. */
export function runWorkload(sim: Simulation, context: ScenarioContext, options: WorkloadOptions): void {
  const thinkMsMax = options.thinkMsMax ?? 10;
  for (const name of options.clients) {
    const client = sim.client(name, { timeoutMs: options.timeoutMs ?? 1_000 });
    let index = 0;
    const next = (): void => {
      if (index >= options.opsPerClient) return;
      const node = options.nodes[context.int(0, options.nodes.length - 1)]!;
      const input = options.input(name, index++, context);
      client.invoke(node, input, () => sim.schedule(sim.nowMs + context.int(0, thinkMsMax), next));
    };
    sim.schedule(context.int(0, options.startMsMax ?? 10), next);
  }
}
