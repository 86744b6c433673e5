/**
 * Examples to read and run, not graded: `npm run examples` in the exercise's terminal (or, in
 * the course repository, `npx vitest run --project sandbox:quorum`).
 *
 * Why R + W > N? With N = 3 and R = W = 1, a write is done once one barista has it, and a
 * read believes the first barista that answers. Nothing has to fail for the two to miss each
 * other: messages taking a few ms longer to some baristas than to others is enough. The
 * explorer tries seed after seed until one shows it. With R = W = 2 every read hears from a
 * barista that took every completed write, and the same search finds nothing.
 */
import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Handlers } from '@baristas/sim';
import {
  type Simulation,
  explore,
  runScenario,
  runWorkload,
  type CheckResult,
  type Scenario,
} from '@baristas/sim/testing';
import type { CustomerRequest, Version } from './provided/protocol.ts';

const BARISTAS = ['b1', 'b2', 'b3'];
const TILLS = ['t1', 't2'];

const newer = (a: Version, b: Version): boolean => a.counter > b.counter || (a.counter === b.counter && a.writer > b.writer);

/** The property: a read that begins after a write completed returns that write or a newer one. */
function readsSeeCompletedWrites(sim: Simulation): CheckResult {
  const done = sim.history.filter((op) => op.status === 'ok' && (op.output as { ok: boolean }).ok);
  for (const read of done) {
    if ((read.input as CustomerRequest).op !== 'read') continue;
    const got = read.output as { value: string | null; version: Version };
    for (const write of done) {
      const input = write.input as CustomerRequest;
      if (input.op !== 'write' || write.returnMs >= read.callMs) continue;
      const written = (write.output as { version: Version }).version;
      if (newer(written, got.version)) {
        return {
          outcome: 'violated',
          property: 'read-sees-latest-write',
          message:
            `${input.key} = ${JSON.stringify(input.value)} was written by ${write.returnMs} ms, ` +
            `yet a read that began at ${read.callMs} ms returned ${JSON.stringify(got.value)}, an older write.`,
          operations: [write.id, read.id],
        };
      }
    }
  }
  return { outcome: 'ok' };
}

/** Three customers writing and reading ada's usual order through two tills, with no faults at all. */
function shop(r: number, w: number): Scenario {
  return {
    name: `example-r${r}-w${w}`,
    faults: { nodes: BARISTAS, durationMs: 1 },
    // Messages take 1 to 30 ms, so one barista may hear of a write long after another.
    delay: { kind: 'uniform', msMin: 1, msMax: 30 },
    run(sim, context) {
      for (const id of BARISTAS) sim.addNode(id, (node) => newInstance().createReplica(node) as Handlers);
      for (const id of TILLS) {
        sim.addNode(id, (node) => newInstance().createCoordinator(node, { replicas: BARISTAS, r, w, timeoutMs: 300 }) as Handlers);
      }
      runWorkload(sim, context, {
        clients: ['customer-1', 'customer-2', 'customer-3'],
        nodes: TILLS,
        opsPerClient: 20,
        input: (client, i, ctx): CustomerRequest =>
          ctx.random() < 0.5 ? { op: 'write', key: 'ada', value: `drink ${i} of ${client}` } : { op: 'read', key: 'ada' },
      });
      sim.run({ untilMs: 10_000 });
      return readsSeeCompletedWrites(sim);
    },
  };
}

describe('why R + W > N', () => {
  it('with N = 3, R = 1, W = 1 the explorer finds a read that misses a completed write', () => {
    const scenario = shop(1, 1);
    const found = explore(scenario, { runsMin: 100, runsMax: 100 });
    expect(found.outcome, 'with R + W = N a stale read should turn up within 100 seeds').toBe('violated');
    if (found.outcome !== 'violated') return;
    // A till that throws or hangs breaks a run too; this example is about stale reads only.
    expect(found.violation.property, found.violation.message).toBe('read-sees-latest-write');
    console.log(`R = 1, W = 1: seed ${found.seed} (after ${found.runs} runs): ${found.violation.message}`);
    // Any seed replays exactly: the same run, message for message. The trace is what the
    // course's trace viewer draws.
    const again = runScenario(scenario, found.seed, found.plan);
    expect(again.outcome.result?.outcome, `seed ${found.seed} fails the same way every time`).toBe('violated');
    expect(again.sim.trace.events.length).toBeGreaterThan(0);
  });

  it('with N = 3, R = 2, W = 2 the same search finds none', () => {
    const found = explore(shop(2, 2), { runsMin: 100, runsMax: 100 });
    expect(found.outcome, found.outcome === 'violated' ? found.violation.message : '').toBe('ok');
    console.log(`R = 2, W = 2: no stale read in ${found.outcome === 'ok' ? found.runs : '?'} seeds`);
  });
});
