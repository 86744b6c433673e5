import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Simulation,
  ExplorationFailure,
  assertExploration,
  explore,
  generatePlan,
  planForSeed,
  runScenario,
  type Exploration,
  type ExplorationViolated,
  type FaultPlan,
  type FaultSpace,
  type Scenario,
} from '../src/testing.ts';
import {
  traceDigest,
  ReplaySkip,
  decodeReplay,
  describePlan,
  encodeReplay,
  replayMode,
} from '../src/host.ts';
import { deriveRandom } from '../src/internal/random.ts';
import { respectsCrashLimit } from '../src/internal/plan.ts';
import { registerScenario } from './fixtures/register-scenario.ts';

const faultCount = (p: FaultPlan) =>
  p.crashes.length + p.partitions.length + p.cuts.length + p.slow.length + (p.dropPermille > 0 ? 1 : 0) + (p.duplicatePermille > 0 ? 1 : 0);

const spaceArb: fc.Arbitrary<FaultSpace> = fc.record({
  nodes: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/), { minLength: 2, maxLength: 6 }),
  durationMs: fc.integer({ min: 1, max: 5000 }),
  dropProbabilityMax: fc.double({ min: 0, max: 1, noNaN: true }),
  duplicateProbabilityMax: fc.double({ min: 0, max: 1, noNaN: true }),
  crashesMax: fc.integer({ min: 0, max: 4 }),
  crashedAtOnceMax: fc.integer({ min: 1, max: 3 }),
  restart: fc.constantFrom('always' as const, 'never' as const, 'sometimes' as const),
  partitionsMax: fc.integer({ min: 0, max: 3 }),
  cutsMax: fc.integer({ min: 0, max: 3 }),
  slowMax: fc.integer({ min: 0, max: 2 }),
  clockSkewMsMax: fc.integer({ min: 0, max: 500 }),
  clockDriftPpmMax: fc.integer({ min: 0, max: 1000 }),
  pausesMax: fc.integer({ min: 0, max: 2 }),
  pauseMsMax: fc.integer({ min: 1, max: 2000 }),
});

describe('fault plans', () => {
  it('are drawn deterministically within the space’s limits', () => {
    fc.assert(
      fc.property(spaceArb, fc.integer({ min: 1, max: 1e6 }), (space, seed) => {
        const plan = generatePlan(space, deriveRandom(seed, 'plan'));
        expect(generatePlan(space, deriveRandom(seed, 'plan'))).toEqual(plan);
        expect(plan.crashes.length).toBeLessThanOrEqual(space.crashesMax!);
        expect(plan.partitions.length).toBeLessThanOrEqual(space.partitionsMax!);
        expect(plan.cuts.length).toBeLessThanOrEqual(space.cutsMax!);
        expect(respectsCrashLimit(plan, space.crashedAtOnceMax!)).toBe(true);
        expect(plan.dropPermille).toBeLessThanOrEqual(Math.round(space.dropProbabilityMax! * 1000));
        for (const c of plan.crashes) {
          expect(space.nodes).toContain(c.node);
          expect(c.atMs).toBeLessThan(space.durationMs);
          if (space.restart === 'never') expect(c.downMs).toBeNull();
          if (space.restart === 'always') expect(c.downMs).not.toBeNull();
        }
        for (const p of plan.partitions) {
          expect(p.side.length).toBeGreaterThan(0);
          expect(p.side.length).toBeLessThan(space.nodes.length);
        }
        for (const c of plan.cuts) expect(c.from).not.toBe(c.to);
        expect(plan.pauses.length).toBeLessThanOrEqual(space.pausesMax!);
        for (const p of plan.pauses) {
          expect(space.nodes).toContain(p.node);
          expect(p.durationMs).toBeLessThanOrEqual(space.pauseMsMax!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip through replay strings exactly', () => {
    fc.assert(
      fc.property(spaceArb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (space, seed) => {
        const plan = generatePlan(space, deriveRandom(seed, 'plan'));
        const text = encodeReplay('my-scenario', seed, plan);
        expect(text).not.toMatch(/\s/);
        expect(decodeReplay(text)).toEqual({ scenario: 'my-scenario', seed, plan });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a hand-written replay string, and rejects malformed ones with a reason', () => {
    expect(decodeReplay('abd/17/d50,c:n2@310+400,c:n3@20,p:n1.n2@500+300,x:n1>n4@5+6,s:n5*3@1+2,k:n1:-25:100,z:n4@70+900')).toEqual({
      scenario: 'abd',
      seed: 17,
      plan: {
        dropPermille: 50,
        duplicatePermille: 0,
        crashes: [
          { node: 'n2', atMs: 310, downMs: 400 },
          { node: 'n3', atMs: 20, downMs: null },
        ],
        partitions: [{ side: ['n1', 'n2'], atMs: 500, durationMs: 300 }],
        cuts: [{ from: 'n1', to: 'n4', atMs: 5, durationMs: 6 }],
        slow: [{ node: 'n5', factor: 3, atMs: 1, durationMs: 2 }],
        clocks: [{ node: 'n1', offsetMs: -25, driftPpm: 100 }],
        pauses: [{ node: 'n4', atMs: 70, durationMs: 900 }],
      },
    });
    expect(decodeReplay('abd/1/-').plan.crashes).toEqual([]);
    expect(() => decodeReplay('abd/1')).toThrow(/scenario\/seed\/faults/);
    expect(() => decodeReplay('abd/x/-')).toThrow(/seed "x"/);
    expect(() => decodeReplay('abd/1/q:9')).toThrow(/unknown fault "q:9"/);
    expect(() => decodeReplay('abd/1/d2000')).toThrow(/above 1000/);
  });

  it('read as plain words', () => {
    const { plan } = decodeReplay('abd/17/d50,c:n2@310+400,p:n1.n2@500+300');
    expect(describePlan(plan)).toBe('5% of messages lost; n2 crashes at 310 ms, restarts 400 ms later; {n1, n2} cut off from the rest at 500 ms for 300 ms');
    expect(describePlan(decodeReplay('abd/1/-').plan)).toBe('no faults');
    expect(describePlan(decodeReplay('abd/1/z:n4@70+900').plan)).toBe('n4 paused at 70 ms for 900 ms');
  });
});

/** Two nodes ping-pong 20 times; the property is that every ping is answered. */
const pingPong: Scenario = {
  name: 'ping-pong',
  faults: { nodes: ['a', 'b'], durationMs: 200, dropProbabilityMax: 0.3, crashesMax: 2, partitionsMax: 1, slowMax: 1 },
  run(sim: Simulation) {
    let answered = 0;
    sim.addNode('a', (node) => ({
      onStart: () => {
        for (let i = 0; i < 20; i++) node.setTimer(i * 10, () => node.send('b', i));
      },
      onMessage: () => void answered++,
    }));
    sim.addNode('b', (node) => ({ onMessage: (from, body) => node.send(from, body) }));
    sim.run();
    return answered === 20
      ? { outcome: 'ok' }
      : { outcome: 'violated', property: 'every-ping-answered', message: `only ${answered} of 20 pings were answered` };
  },
};

describe('explore', () => {
  it('finds a failing run, shrinks its plan to a single fault, and replays it exactly', () => {
    const found = explore(pingPong) as ExplorationViolated;
    expect(found.outcome).toBe('violated');
    expect(found.violation.property).toBe('every-ping-answered');
    expect(faultCount(found.plan)).toBe(1);
    expect(faultCount(found.plan)).toBeLessThanOrEqual(faultCount(found.foundPlan));
    expect(found.shrinkRuns).toBeGreaterThan(0);
    expect(found.replay).toBe(encodeReplay('ping-pong', found.seed, found.plan));
    expect(found.trace.violation).toMatchObject({ property: 'every-ping-answered' });
    expect(found.trace.replay).toBe(found.replay);

    // Exploring again gives the same answer; replaying gives the identical trace.
    expect(explore(pingPong)).toEqual(found);
    replayMode.set(found.replay);
    try {
      const again = explore(pingPong);
      expect(again.outcome).toBe('violated');
      expect(traceDigest((again as ExplorationViolated).trace)).toBe(traceDigest(found.trace));
      expect(replayMode.result()).toBe(again);
      expect(explore({ ...pingPong, name: 'other' })).toEqual({ outcome: 'skipped', scenario: 'other' });
    } finally {
      replayMode.set(undefined);
    }
  });

  it('draws each run’s plan from its seed, so a run can be rebuilt from seed and plan alone', () => {
    const found = explore(pingPong) as ExplorationViolated;
    expect(found.foundPlan).toEqual(planForSeed(pingPong, found.seed));
    const rerun = runScenario(pingPong, found.seed, found.plan);
    const trace = rerun.sim.trace;
    expect(trace.events).toEqual(found.trace.events);
  });

  it('passes a scenario without faults, making at least runsMin runs', () => {
    const calm = { ...pingPong, name: 'calm', faults: { nodes: ['a', 'b'], durationMs: 200 } };
    const result = explore(calm, { runsMin: 30, budgetMs: 0 });
    expect(result).toMatchObject({ outcome: 'ok', runs: 30, undecided: 0 });
    expect(explore(calm, { runsMax: 5, budgetMs: 10_000 })).toMatchObject({ outcome: 'ok', runs: 5 });
  });

  it('turns an exception in a run into a `no-exception` violation, keeping the error', () => {
    const throwing: Scenario = {
      name: 'throws',
      faults: { nodes: ['a'], durationMs: 100, crashesMax: 1 },
      run(sim) {
        sim.addNode('a', () => ({ onStart: () => { throw new TypeError('beans is undefined'); } }));
        sim.run();
      },
    };
    const result = explore(throwing) as ExplorationViolated;
    expect(result.violation).toMatchObject({ property: 'no-exception', message: 'The run threw TypeError: beans is undefined.' });
    expect(result.error).toBeInstanceOf(TypeError);
    expect(faultCount(result.plan)).toBe(0);
  });

  it('makes a failure an assertion error with the plan in words and the replay string', () => {
    const found = explore(pingPong);
    let thrown: unknown;
    try {
      assertExploration(found, 'Hint: resend what is not answered.');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExplorationFailure);
    const failure = thrown as ExplorationFailure;
    expect(failure.name).toBe('AssertionError');
    const lines = failure.message.split('\n');
    expect(lines[0]).toMatch(/^only \d+ of 20 pings were answered$/);
    expect(lines[1]).toMatch(/^Seed \d+; smallest fault plan that still fails: .+\.$/);
    expect(lines[2]).toBe('Hint: resend what is not answered.');
    expect(lines[3]).toBe(`Replay: ${failure.replay}`);
    expect(() => assertExploration({ outcome: 'ok', scenario: 'x', runs: 1, undecided: 0 })).not.toThrow();
    expect(() => assertExploration({ outcome: 'skipped', scenario: 'x' })).toThrow(ReplaySkip);
  });
});

describe('the reference register (ABD) under the explorer', () => {
  it('passes hundreds of seeds with drops, duplicates, partitions and crashes', () => {
    const result = explore(registerScenario('correct'), { runsMin: 300, runsMax: 300 });
    expect(result).toMatchObject({ outcome: 'ok', runs: 300, undecided: 0 });
  });

  it('sees faults in those runs: the plans are not empty', () => {
    const scenario = registerScenario('correct');
    const plans = Array.from({ length: 50 }, (_, i) => planForSeed(scenario, i + 1));
    expect(plans.filter((p) => p.crashes.length > 0).length).toBeGreaterThan(10);
    expect(plans.filter((p) => p.partitions.length > 0).length).toBeGreaterThan(10);
    expect(plans.filter((p) => p.dropPermille > 0).length).toBeGreaterThan(40);
  });

  for (const variant of ['no-write-back', 'one-ack', 'volatile'] as const) {
    it(`catches, shrinks and replays the broken variant "${variant}"`, () => {
      const scenario = registerScenario(variant);
      const found: Exploration = explore(scenario, { budgetMs: 20_000 });
      expect(found.outcome).toBe('violated');
      const v = found as ExplorationViolated;
      expect(v.violation.property).toBe('linearizability');
      expect(v.violation.operations?.length).toBeGreaterThan(0);
      expect(faultCount(v.plan)).toBeLessThanOrEqual(faultCount(v.foundPlan));
      replayMode.set(v.replay);
      try {
        const again = explore(scenario) as ExplorationViolated;
        expect(traceDigest(again.trace)).toBe(traceDigest(v.trace));
        expect(again.violation).toEqual(v.violation);
      } finally {
        replayMode.set(undefined);
      }
    });
  }
});
