/**
 * The trace viewer's layout, on real traces: one from the explorer catching the broken ABD
 * register, and one hand-driven run that exercises every fault the viewer shades.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, explore } from '@baristas/sim/testing';
import type { Trace, TraceEvent } from '@baristas/sim/host';
import { registerScenario } from '../../packages/sim/test/fixtures/register-scenario.ts';
import { coordinationTrace } from '../../packages/sim/test/fixtures/coordination-trace.ts';
import { brief, describeEvent, layoutTrace, timeScale, validateTrace } from '../../src/components/trace/layout.ts';

function brokenAbdTrace(): Trace {
  const result = explore(registerScenario('no-write-back'));
  if (result.outcome !== 'violated') throw new Error('the broken register was expected to fail');
  return result.trace;
}

/** Two nodes pinging each other through a crash, a partition, a cut and a slowdown. */
function faultyTrace(): Trace {
  const sim = new Simulation({ seed: 3, dropProbability: 0.2, duplicateProbability: 0.2 });
  for (const id of ['a', 'b', 'c']) {
    sim.addNode(id, (node) => ({
      onStart() {
        node.setTimer(10, function tick() {
          for (const peer of node.peers) node.send(peer, { ping: node.id });
          node.setTimer(10, tick);
        });
      },
      onMessage(from) {
        node.log('ping from', from);
      },
      onRequest(request, reply) {
        reply({ echo: request });
      },
    }));
  }
  sim.client('c1', { timeoutMs: 50 }).invoke('a', { f: 'read' }, () => {});
  sim.schedule(30, () => sim.crash('b'));
  sim.schedule(60, () => sim.restart('b'));
  sim.schedule(70, () => sim.partition([['a'], ['b']]));
  sim.schedule(90, () => sim.heal());
  sim.schedule(95, () => sim.cut('a', 'c'));
  sim.schedule(100, () => sim.slow('c', 3));
  sim.schedule(120, () => sim.heal());
  sim.run({ untilMs: 150 });
  return sim.trace;
}

describe('trace layout', () => {
  it('draws one arrow per delivered or dropped message, from its send, and flags the violation', () => {
    const trace = brokenAbdTrace();
    const layout = layoutTrace(trace);
    const ends = trace.events.filter((e) => e.type === 'deliver' || e.type === 'drop');
    expect(layout.arrows).toHaveLength(ends.length);
    for (const a of layout.arrows) {
      const send = trace.events[a.send]!;
      const end = trace.events[a.end]!;
      expect(send.type).toBe('send');
      expect(end.t).toBeGreaterThanOrEqual(send.t);
      expect((send as { msg: number }).msg).toBe(a.msg);
    }
    expect(layout.arrows.some((a) => a.kind === 'drop')).toBe(true);
    expect(layout.arrows.some((a) => a.kind === 'copy')).toBe(true);
    // Clients first, then the nodes in the trace's order.
    expect(layout.lanes.filter((l) => l.kind === 'node').map((l) => l.id)).toEqual(trace.nodes);
    expect(layout.lanes.filter((l) => l.kind === 'client').map((l) => l.id).sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(layout.lanes.map((l) => l.row)).toEqual(layout.lanes.map((_, i) => i));
    // Every operation becomes a bar; the violation's operations are flagged, with their events.
    expect(layout.operations).toHaveLength(trace.events.filter((e) => e.type === 'invoke').length);
    const flagged = layout.operations.filter((o) => o.violated).map((o) => o.op);
    expect(flagged.sort()).toEqual([...trace.violation!.operations!].sort());
    for (const o of layout.operations.filter((o) => o.violated)) {
      expect(layout.violationEvents.has(o.invoke)).toBe(true);
      if (o.complete !== undefined) expect(layout.violationEvents.has(o.complete)).toBe(true);
    }
    // The crash in the shrunk plan is a "down" span closed by the restart.
    const down = layout.spans.filter((s) => s.kind === 'down');
    expect(down.length).toBe(trace.events.filter((e) => e.type === 'crash').length);
    for (const s of down) expect(s.t1).toBeGreaterThan(s.t0);
  });

  it('shades crashes, partitions by side, cuts and slowdowns, each closed when it ends', () => {
    const trace = faultyTrace();
    const layout = layoutTrace(trace);
    const down = layout.spans.find((s) => s.kind === 'down')!;
    expect([down.lane, down.t0, down.t1]).toEqual(['b', 30, 60]);
    const sides = layout.spans.filter((s) => s.kind === 'partitioned');
    // a alone, b alone, and c (in no group) on a third side.
    expect(sides.map((s) => [s.lane, s.side, s.t0, s.t1])).toEqual([
      ['a', 0, 70, 90],
      ['b', 1, 70, 90],
      ['c', 2, 70, 90],
    ]);
    const cut = layout.spans.find((s) => s.kind === 'cut')!;
    expect([cut.lane, cut.label, cut.t0, cut.t1]).toEqual(['a', 'cut → c', 95, 120]);
    const slow = layout.spans.find((s) => s.kind === 'slow')!;
    expect([slow.lane, slow.t0, slow.t1]).toEqual(['c', 100, Infinity]);
    expect(layout.faults.map((f) => f.label)).toContain('heal');
    // Logs land on the logging node's lane.
    const logs = layout.marks.filter((m) => m.kind === 'log');
    expect(logs.length).toBe(trace.events.filter((e) => e.type === 'log').length);
    for (const m of logs) expect(layout.laneOf[m.index]).toBe((trace.events[m.index] as { node: string }).node);
  });

  it('describes every kind of event in a sentence', () => {
    const trace = faultyTrace();
    const kinds = new Set<TraceEvent['type']>();
    for (const e of [...trace.events, ...brokenAbdTrace().events]) {
      kinds.add(e.type);
      const text = describeEvent(e);
      expect(text).toMatch(new RegExp(`^${e.t} ms: `));
      expect(text).not.toMatch(/undefined|\[object Object\]/);
    }
    expect([...kinds].sort()).toEqual(
      ['complete', 'crash', 'cut', 'deliver', 'drop', 'duplicate', 'heal', 'invoke', 'log', 'network', 'partition', 'restart', 'send', 'slow', 'start', 'timer'].sort(),
    );
    expect(describeEvent({ t: 5, type: 'drop', msg: 1, from: 'a', to: 'b', reason: 'crashed' })).toBe(
      '5 ms: message #1 from a to b dropped: the receiver had crashed',
    );
  });

  it('maps time to x in order, keeping bursts apart and long gaps short', () => {
    const scale = timeScale([0, 1, 1, 2, 1000, 1001], { pxPerMs: 2, gapPxMin: 6, gapPxMax: 48, originPx: 24 });
    const xs = [0, 1, 2, 1000, 1001].map(scale.x);
    expect(xs).toEqual([24, 30, 36, 84, 90]);
    expect(scale.x(Infinity)).toBeGreaterThan(90);
    expect(scale.x(500)).toBeGreaterThan(36);
    expect(scale.x(500)).toBeLessThan(84);
    expect(scale.widthPx).toBe(90 + 24);
  });

  it('refuses what is not a version-2 trace, saying why', () => {
    expect(() => validateTrace(null)).toThrow(/not a trace/);
    expect(() => validateTrace({ version: 1, nodes: [], events: [] })).toThrow(/version 1; this viewer reads version 2/);
    expect(() => validateTrace({ version: 2 })).toThrow(/no "nodes" or "events"/);
    const trace = faultyTrace();
    expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual(JSON.parse(JSON.stringify(trace)));
  });

  it('cuts long values in labels', () => {
    expect(brief({ a: 'x'.repeat(100) }, 10)).toBe('{"a":"xxx…');
    expect(brief(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(brief(cyclic)).toBe('[object Object]');
  });
});

describe('trace layout of the coordination service', () => {
  const trace = coordinationTrace();
  const layout = layoutTrace(trace);

  it('labels the service’s messages in words and marks watch events', () => {
    const words = layout.arrows.filter((a) => a.label).map((a) => a.label!);
    expect(words).toContain('#1 create /locks/n- ephemeral-sequential "riverside"');
    expect(words).toContain('session 1 has expired');
    expect(words.some((w) => /^#1 → \/locks\/n-\d{10}$/.test(w))).toBe(true);
    expect(words.some((w) => /^#2 getChildren \/locks \+ watch$/.test(w))).toBe(true);
    expect(words.some((w) => /^watch: NodeChildrenChanged \/locks$/.test(w))).toBe(true);
    expect(layout.arrows.some((a) => a.service === 'watch')).toBe(true);
    expect(layout.arrows.filter((a) => !a.label)).toEqual([]);
    const send = trace.events.find((e) => e.type === 'send' && (e.body as { zk?: string }).zk === 'connect')!;
    expect(describeEvent(send)).toMatch(/sent message #\d+ to zk: connect: open a session \(connection 1\)$/);
  });

  it('shades the pause and marks the sessions opened and expired on their clients’ lanes', () => {
    expect(layout.spans.filter((s) => s.kind === 'paused')).toEqual([
      expect.objectContaining({ lane: 'riverside', t0: 50, t1: 800, label: 'paused: runs nothing' }),
    ]);
    const sessions = layout.marks.filter((m) => m.kind === 'session');
    expect(sessions.map((m) => `${m.lane}: ${m.label}`)).toEqual(['riverside: session 1 opened', 'southside: session 2 opened', 'riverside: session 1 expired']);
    const expiry = trace.events[sessions[2]!.index]!;
    expect(describeEvent(expiry)).toMatch(/: zk expired session 1 of riverside, deleting its ephemeral znodes \/locks\/n-0000000000$/);
  });
});
