import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Address, Handlers, Node } from '@baristas/sim';
import {
  Simulation,
  type OperationRecord,
  assertExploration,
  explore,
  runWorkload,
  type CheckResult,
  type PlannedCrash,
  type FaultSpace,
  type Scenario,
  type ScenarioContext,
  tapSends,
  show,
  isObject,
  runUntil,
} from '@baristas/sim/testing';
import { createFollower, createLeader, type ReadReply, type SessionOptions, type WriteReply } from './provided/replication.ts';

const LEADER = 'leader';
const FOLLOWERS = ['f1', 'f2', 'f3'];
const SESSIONS = ['s1', 's2', 's3'];
const OPTIONS: SessionOptions = { leader: LEADER, followers: FOLLOWERS };
/** A follower that never catches up within a test. */
const NEVER = 1_000_000;

// ---- The shop, with the wire between sessions and replicas watched ------------------------

/** A write the leader logged, as the tests learn it from the leader's answers. */
interface Logged {
  index: number;
  key: string;
  value: string;
  writer: Address;
}

/** A replica's answer to a session's read. */
interface Served {
  t: number;
  replica: Address;
  session: Address;
  req: number;
  key: string;
  value: string | null;
  index: number;
}

/** What the tests saw on the wire: the ground truth that sessions' answers are judged by. */
interface Wire {
  /** The leader's log, by index. */
  log: Map<number, Logged>;
  /** The leader's log, by value (every value a test writes is unique). */
  byValue: Map<string, Logged>;
  /** Every read answer a replica sent a session. */
  served: Served[];
  /** Reads the leader was asked, once per session and request id. */
  leaderReads: Set<string>;
}


/**
 * Adds the leader, the followers (with the given lags) and one session node per name, built
 * from a fresh instance of the learner's module each.
 */
function openShop(sim: Simulation, pollMs: number[], sessions: string[] = SESSIONS): Wire {
  const wire: Wire = { log: new Map(), byValue: new Map(), served: [], leaderReads: new Set() };
  const asked = new Map<string, { key: string; value: string }>();
  const watchReads = (replica: Address) => (to: Address, body: unknown) => {
    if (isObject(body) && body.type === 'read-ok') {
      const r = body as unknown as ReadReply;
      wire.served.push({ t: sim.nowMs, replica, session: to, req: r.req, key: r.key, value: r.value, index: r.index });
    }
  };

  sim.addNode(LEADER, (node) => {
    const leader = createLeader(
      tapSends(node, (to, body) => {
        watchReads(LEADER)(to, body);
        if (isObject(body) && body.type === 'write-ok') {
          const ok = body as unknown as WriteReply;
          const write = asked.get(`${to}/${ok.req}`);
          if (write && !wire.log.has(ok.index)) {
            const logged = { index: ok.index, key: write.key, value: write.value, writer: to };
            wire.log.set(ok.index, logged);
            wire.byValue.set(write.value, logged);
          }
        }
      }),
    );
    return {
      onMessage(from, body) {
        if (isObject(body) && body.type === 'write' && typeof body.req === 'number') {
          if (!asked.has(`${from}/${body.req}`)) asked.set(`${from}/${body.req}`, { key: String(body.key), value: String(body.value) });
        }
        if (isObject(body) && body.type === 'read') wire.leaderReads.add(`${from}/${String(body.req)}`);
        leader.onMessage!(from, body);
      },
    };
  });
  FOLLOWERS.forEach((id, i) => {
    sim.addNode(id, (node) => createFollower(tapSends(node, watchReads(id)), { leader: LEADER, pollMs: pollMs[i] ?? 10 }));
  });
  for (const s of sessions) {
    sim.addNode(s, (node) => newInstance().createSession(node, OPTIONS) as Handlers);
  }
  return wire;
}

// ---- Judging a run ----------------------------------------------------------------------

const sessionOf = (op: OperationRecord): Address => op.node;
type Input = { op: 'write'; key: string; value: string } | { op: 'read'; key: string };
const inputOf = (op: OperationRecord): Input => op.input as Input;

/** Every acknowledged write is in the leader's log, under its key, as that session's write. */
function checkWritesLogged(sim: Simulation, wire: Wire): CheckResult {
  for (const op of sim.history) {
    const input = inputOf(op);
    if (op.status !== 'ok' || input.op !== 'write') continue;
    const logged = wire.byValue.get(input.value);
    if (!logged || logged.writer !== sessionOf(op)) {
      const claimed = isObject(op.output) && typeof op.output.index === 'number' ? op.output.index : undefined;
      const there = claimed !== undefined ? wire.log.get(claimed) : undefined;
      return {
        outcome: 'violated',
        property: 'writes-reach-the-leader',
        message:
          `Session ${sessionOf(op)} told its customer that ${input.key} = ${show(input.value)} was written` +
          `${claimed !== undefined ? ` (index ${claimed})` : ''} at ${op.returnMs} ms, but the leader never logged that write` +
          (there
            ? `: index ${claimed} holds ${there.key} = ${show(there.value)}, an earlier write with the same request id. ` +
              'Request ids must never repeat in a session, not even after its node restarts (keep the counter in node.storage).'
            : '. Answer a write only when the leader’s write-ok for it has arrived.'),
        operations: [op.id],
      };
    }
  }
  return { outcome: 'ok' };
}

/**
 * Read-your-writes: a read that begins after the same session's write to that key was
 * acknowledged returns that write or a later one (by log index), never an older value.
 */
function checkReadYourWrites(sim: Simulation, wire: Wire, crashes: PlannedCrash[] = []): CheckResult {
  const writesLogged = checkWritesLogged(sim, wire);
  if (writesLogged.outcome !== 'ok') return writesLogged;
  const ops = [...sim.history].sort((a, b) => a.callMs - b.callMs);
  for (const read of ops) {
    const input = inputOf(read);
    if (read.status !== 'ok' || input.op !== 'read') continue;
    const session = sessionOf(read);
    const out = read.output;
    if (!isObject(out) || !('value' in out) || (out.value !== null && typeof out.value !== 'string')) {
      return {
        outcome: 'violated',
        property: 'read-answer',
        message: `Session ${session} answered a read of ${input.key} with ${JSON.stringify(out)}: answer { value, index }, as the replica's read-ok said.`,
        operations: [read.id],
      };
    }
    // The session's own latest acknowledged write to this key before the read began.
    let mine: { op: OperationRecord; logged: Logged } | undefined;
    for (const w of ops) {
      const wi = inputOf(w);
      if (w.status !== 'ok' || wi.op !== 'write' || sessionOf(w) !== session || wi.key !== input.key || w.returnMs > read.callMs) continue;
      const logged = wire.byValue.get(wi.value)!;
      if (!mine || logged.index > mine.logged.index) mine = { op: w, logged };
    }
    const got = out.value === null ? undefined : wire.byValue.get(out.value as string);
    if (out.value !== null && (!got || got.key !== input.key)) {
      return {
        outcome: 'violated',
        property: 'read-answer',
        message:
          `Session ${session} answered a read of ${input.key} with ${show(out.value)}, ` +
          (got ? `which was written to ${got.key}, not ${input.key}` : 'which nobody wrote') +
          ': answer a read with the value from the read-ok for that very request (match answers by req)' +
          (crashes.some((c) => c.node === session && c.atMs <= read.callMs)
            ? `. ${session} had restarted before this read: answers to requests sent before a restart still arrive after it, ` +
              'so a request id must never be used again, for reads as well as writes (keep the counter in node.storage).'
            : '.'),
        operations: [read.id],
      };
    }
    const gotIndex = got?.index ?? 0;
    if (mine && gotIndex < mine.logged.index) {
      const answer = [...wire.served]
        .reverse()
        .find((s) => s.session === session && s.key === input.key && s.value === out.value && s.t >= read.callMs && s.t <= read.returnMs);
      const since = mine.op.returnMs;
      const restart = crashes.find((c) => c.node === session && c.atMs >= since && c.atMs <= read.callMs);
      return {
        outcome: 'violated',
        property: 'read-your-writes',
        message:
          `Session ${session} wrote ${input.key} = ${show(mine.logged.value)} (index ${mine.logged.index}, acknowledged at ${mine.op.returnMs} ms), ` +
          (restart ? `crashed at ${restart.atMs} ms and restarted ${restart.downMs} ms later, ` : '') +
          `then read ${input.key} at ${read.callMs} ms and got ${show(out.value)}${got ? ` (written at index ${got.index})` : ''}` +
          (answer ? ` from ${answer.replica}, whose copy had only caught up to index ${answer.index}` : '') +
          `. A session must not read its own write stale: accept a read only from a replica whose index is at least ` +
          `that of the session's last acknowledged write` +
          (restart ? ', and remember that index across a restart.' : '.'),
        operations: [mine.op.id, read.id],
      };
    }
  }
  return { outcome: 'ok' };
}

/** Every operation a live session took got an answer. */
function checkEveryOpAnswered(sim: Simulation): CheckResult {
  for (const op of sim.history) {
    if (op.status === 'ok' || op.status === 'refused') continue;
    const input = inputOf(op);
    return {
      outcome: 'violated',
      property: 'every-operation-completes',
      message:
        `Session ${sessionOf(op)} never answered the ${input.op} of ${input.key} its customer asked for at ${op.callMs} ms` +
        `${op.status === 'timeout' ? ` (the customer gave up at ${op.returnMs} ms)` : ''}, although the leader was up all along. ` +
        'Messages get lost and followers crash: when no answer comes within a few round trips, send the request again, ' +
        'to the next replica for a read and to the leader again for a write.',
      operations: [op.id],
    };
  }
  return { outcome: 'ok' };
}

// ---- Workloads -------------------------------------------------------------------------

const KEYS = ['ada', 'sam', 'kim'];

/**
 * Each session's customers write (20–40 % of operations, unique values) and read, mostly the
 * order they changed last: those are the reads read-your-writes is about. With more than one
 * customer per session, their requests overlap: the session has several in flight at once.
 */
function shopWorkload(
  sim: Simulation,
  context: ScenarioContext,
  options: { ops: number; writeShare: number; timeoutMs: number; customers?: number },
): () => boolean {
  const customers = options.customers ?? 1;
  for (const s of SESSIONS) {
    for (let c = 1; c <= customers; c++) {
      const name = customers === 1 ? s : `${s}.${c}`;
      let lastKey = KEYS[0]!;
      let writes = 0;
      runWorkload(sim, context, {
        clients: [`customer-${name}`],
        nodes: [s],
        opsPerClient: options.ops,
        timeoutMs: options.timeoutMs,
        input: (_client, index, ctx) => {
          if (index === 0 || ctx.random() < options.writeShare) {
            lastKey = KEYS[ctx.int(0, KEYS.length - 1)]!;
            return { op: 'write', key: lastKey, value: `${name}#${++writes}` };
          }
          return { op: 'read', key: ctx.random() < 0.75 ? lastKey : KEYS[ctx.int(0, KEYS.length - 1)]! };
        },
      });
    }
  }
  const total = SESSIONS.length * customers * options.ops;
  return () => sim.history.length === total && sim.history.every((op) => op.status !== 'pending');
}


/** Seeds explored per test: a fixed count, not a time budget, so every host (worker, WebContainer, CLI; fast or slow) gives the same verdict. */
const RUNS = 400;

// ---- Tests -----------------------------------------------------------------------------

/** One session, no faults: the customer's operations one after another, at the given times. */
function serial(
  pollMs: number[],
  steps: Array<{ atMs: number; input: Input }>,
  faults: (sim: Simulation) => void = () => {},
): { sim: Simulation; wire: Wire; ops: OperationRecord[] } {
  const sim = new Simulation({ seed: 1 });
  const wire = openShop(sim, pollMs, ['s1']);
  faults(sim);
  const customer = sim.client('customer', { timeoutMs: 1_000 });
  const ops: OperationRecord[] = [];
  const next = (i: number): void => {
    const step = steps[i];
    if (!step) return;
    sim.schedule(Math.max(step.atMs, sim.nowMs), () => {
      void customer.invoke('s1', step.input, (op) => {
        ops.push(op);
        next(i + 1);
      });
    });
  };
  next(0);
  sim.run({ untilMs: steps.at(-1)!.atMs + 3_000 });
  return { sim, wire, ops };
}

function expectAnswered(op: OperationRecord | undefined, what: string, why = 'call reply() once a replica’s answer has come'): OperationRecord {
  expect(op, `the session was never asked to ${what}: an earlier operation got no answer`).toBeDefined();
  const waited = Number.isFinite(op!.returnMs) ? `within ${op!.returnMs - op!.callMs} ms` : 'before the test ended';
  expect(op!.status, `the session did not answer the ${what} ${waited}: ${why}`).toBe('ok');
  return op!;
}

describe('one customer, no faults', () => {
  it('a write is answered with the index the leader gave it', () => {
    const { ops, wire } = serial([10, 10, 10], [
      { atMs: 0, input: { op: 'write', key: 'ada', value: 'flat white' } },
      { atMs: 50, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
    ]);
    const first = expectAnswered(ops[0], 'write ada = "flat white"');
    expect(wire.byValue.get('flat white'), 'the write must reach the leader as { type: "write", req, key, value }').toBeDefined();
    expect(first.output, 'the first write must be answered with { index: 1 }, the index in the leader’s write-ok').toMatchObject({ index: 1 });
    const second = expectAnswered(ops[1], 'write ada = "oat flat white"');
    expect(second.output, 'the second write must be answered with { index: 2 }').toMatchObject({ index: 2 });
  });

  it('a read after your own write returns it', () => {
    const { ops } = serial([10, 10, 10], [
      { atMs: 0, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
      { atMs: 0, input: { op: 'read', key: 'ada' } },
      { atMs: 200, input: { op: 'read', key: 'ada' } },
      { atMs: 200, input: { op: 'read', key: 'sam' } },
    ]);
    expectAnswered(ops[0], 'write ada');
    const right = expectAnswered(ops[1], 'read ada right after writing it');
    expect(right.output, 'reading ada right after writing "oat flat white" must return it, with the answering replica’s index').toMatchObject({
      value: 'oat flat white',
    });
    expect((right.output as { index?: unknown }).index, 'a read is answered with { value, index }: the index from the replica’s read-ok').toBeGreaterThanOrEqual(1);
    const later = expectAnswered(ops[2], 'read ada later');
    expect(later.output, 'reading ada later must still return "oat flat white"').toMatchObject({ value: 'oat flat white' });
    const other = expectAnswered(ops[3], 'read sam');
    expect(other.output, 'reading sam, which nobody wrote, must return { value: null }').toMatchObject({ value: null });
  });

  it('when every follower lags far behind, a read after a write still returns the write', () => {
    const { ops, wire } = serial([NEVER, NEVER, NEVER], [
      { atMs: 0, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
      { atMs: 50, input: { op: 'read', key: 'ada' } },
      { atMs: 100, input: { op: 'read', key: 'ada' } },
    ]);
    expectAnswered(ops[0], 'write ada');
    for (const op of ops.slice(1)) {
      const read = expectAnswered(
        op,
        'read ada',
        'no follower catches up in this test, so once the followers have answered with an index behind your last write, ask the leader',
      );
      const stale = wire.served.find((s) => s.value === (read.output as { value?: unknown }).value && s.replica !== LEADER);
      expect(
        read.output,
        `the followers never caught up (index 0), yet the read returned ${JSON.stringify(read.output)}` +
          `${stale ? ` from ${stale.replica}` : ''}: a follower behind the session’s last write (index 1) must not be believed; ask the leader`,
      ).toMatchObject({ value: 'oat flat white' });
    }
  });
});

describe('reads go to followers', () => {
  it('once the followers have caught up, reads go to them, not to the leader', () => {
    const { ops, wire } = serial([5, 5, 5], [
      { atMs: 0, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
      ...Array.from({ length: 9 }, (_, i) => ({ atMs: 100 + 20 * i, input: { op: 'read' as const, key: i % 3 === 2 ? 'sam' : 'ada' } })),
    ]);
    expect(ops, 'the session must answer all ten operations').toHaveLength(10);
    for (const op of ops.slice(1)) expectAnswered(op, `read ${(op.input as Input).key}`);
    expect(
      wire.leaderReads.size,
      `the followers had all caught up to the write (index 1) 100 ms before the first read, yet the leader was asked for ` +
        `${wire.leaderReads.size} of 9 reads: read from a follower whose index is at least your last write’s (equal is enough)`,
    ).toBe(0);
    expect(ops[1]!.output, 'reading ada from a caught-up follower must return "oat flat white"').toMatchObject({ value: 'oat flat white' });
  });

  it('a follower that lags is skipped for another follower, not for the leader', () => {
    const { ops, wire } = serial([NEVER, 5, 5], [
      { atMs: 0, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
      ...Array.from({ length: 12 }, (_, i) => ({ atMs: 100 + 20 * i, input: { op: 'read' as const, key: 'ada' } })),
    ]);
    expect(ops, 'the session must answer all 13 operations').toHaveLength(13);
    for (const op of ops.slice(1)) {
      const read = expectAnswered(op, 'read ada');
      expect(read.output, 'f1 never catches up, f2 and f3 have: every read of ada must return "oat flat white"').toMatchObject({
        value: 'oat flat white',
      });
    }
    expect(
      wire.leaderReads.size,
      `f1 never caught up but f2 and f3 had, yet the leader was asked for ${wire.leaderReads.size} of 12 reads: ` +
        'when a follower answers with an index behind your last write, try the other followers before the leader',
    ).toBe(0);
  });

  it('with followers 10–30 ms behind, the leader serves at most half of the reads', () => {
    const scenario: Scenario = {
      name: 'follower-reads',
      faults: { nodes: FOLLOWERS, durationMs: 500 },
      run(sim, context) {
        const wire = openShop(sim, [10, 10, 10]);
        const done = shopWorkload(sim, context, { ops: 30, writeShare: 0.2, timeoutMs: 2_000 });
        runUntil(sim, done, 10_000);
        const reads = sim.history.filter((op) => inputOf(op).op === 'read').length;
        if (wire.leaderReads.size > reads / 2) {
          return {
            outcome: 'violated',
            property: 'reads-go-to-followers',
            message:
              `With no faults and followers about 10–30 ms behind the leader, the leader was asked for ${wire.leaderReads.size} of ${reads} reads. ` +
              'Reads should go to followers whenever one has caught up to the session’s last write: the leader is the fallback, not the default.',
          };
        }
        return { outcome: 'ok' };
      },
    };
    assertExploration(explore(scenario, { runsMin: RUNS, runsMax: RUNS }), 'Hint: ask a follower first, and the leader only when no follower has caught up.');
  });

  it('a follower that is down or cut off is skipped for another follower, not for the leader', () => {
    const { ops, wire } = serial(
      [5, 5, 5],
      [
        { atMs: 0, input: { op: 'write', key: 'ada', value: 'oat flat white' } },
        ...Array.from({ length: 12 }, (_, i) => ({ atMs: 100 + 20 * i, input: { op: 'read' as const, key: 'ada' } })),
      ],
      (sim) => {
        // Both have the write by then; from 60 ms on, f1 is down and f2 cut off from everyone.
        sim.schedule(60, () => sim.crash('f1'));
        sim.schedule(60, () => sim.partition([['f2']]));
      },
    );
    expect(ops, 'the session must answer all 13 operations').toHaveLength(13);
    for (const op of ops.slice(1)) {
      const read = expectAnswered(op, 'read ada', 'f3 is up and has caught up: when a follower does not answer in time, ask the next one');
      expect(read.output, 'f3 has caught up: every read of ada must return "oat flat white"').toMatchObject({ value: 'oat flat white' });
    }
    expect(
      wire.leaderReads.size,
      `f1 was down and f2 cut off, but f3 had caught up and answered, yet the leader was asked for ${wire.leaderReads.size} of 12 reads: ` +
        'when a follower does not answer in time, ask the next follower, and try every follower again on the next read (the one that failed may be back)',
    ).toBe(0);
  });

  it('with two or three customers per session and followers crashing or cut off, the leader serves at most half of the reads', () => {
    const scenario: Scenario = {
      name: 'follower-reads-faults',
      faults: LEADER_AVOIDANCE_FAULTS,
      run(sim, context) {
        const wire = openShop(sim, [10, 10, 10]);
        const done = shopWorkload(sim, context, { ops: 15, writeShare: 0.2, timeoutMs: 2_000, customers: context.int(2, 3) });
        runUntil(sim, done, 10_000);
        const reads = sim.history.filter((op) => inputOf(op).op === 'read').length;
        if (wire.leaderReads.size > reads / 2) {
          return {
            outcome: 'violated',
            property: 'reads-go-to-followers',
            message:
              `With followers crashing or cut off for a while and the others about 10–30 ms behind the leader, the leader was asked for ` +
              `${wire.leaderReads.size} of ${reads} reads. A follower that does not answer is skipped for the next follower, not for the leader, ` +
              'and the next read tries the followers again: reads go to a follower whenever one has caught up.',
          };
        }
        return { outcome: 'ok' };
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: after a timeout, ask the next follower; let each new read start with the followers again.',
    );
  });
});

/** Lost and duplicated messages, and followers crashing (never all of them, never the leader). */
const FOLLOWER_FAULTS: FaultSpace = {
  nodes: FOLLOWERS,
  durationMs: 600,
  dropProbabilityMax: 0.2,
  duplicateProbabilityMax: 0.2,
  crashesMax: 3,
  crashedAtOnceMax: 2,
  restart: 'sometimes',
  downMsMax: 300,
};

/** Followers crash (one at a time, and may stay down) or are cut off from everyone for up to 300 ms; no message is lost. */
const LEADER_AVOIDANCE_FAULTS: FaultSpace = {
  nodes: FOLLOWERS,
  durationMs: 400,
  crashesMax: 2,
  crashedAtOnceMax: 1,
  restart: 'sometimes',
  downMsMax: 300,
  partitionsMax: 1,
  partitionMsMax: 300,
};

/** Followers crash or are cut off from everyone (never all of them for long), and messages get lost or duplicated. */
const SHARED_SESSION_FAULTS: FaultSpace = {
  nodes: FOLLOWERS,
  durationMs: 600,
  dropProbabilityMax: 0.1,
  duplicateProbabilityMax: 0.2,
  crashesMax: 2,
  crashedAtOnceMax: 2,
  restart: 'sometimes',
  downMsMax: 300,
  partitionsMax: 1,
  partitionMsMax: 300,
};

/** Sessions writing and reading while followers lag 5–150 ms, judged for read-your-writes. */
function staleReads(name: string, faults: FaultSpace): Scenario {
  return {
    name,
    faults,
    run(sim, context) {
      const wire = openShop(sim, FOLLOWERS.map(() => context.int(5, 150)));
      const done = shopWorkload(sim, context, { ops: 30, writeShare: 0.35, timeoutMs: 2_000 });
      runUntil(sim, done, 10_000);
      return checkReadYourWrites(sim, wire);
    },
  };
}

describe('read-your-writes', () => {
  it('a session never reads its own write stale while followers lag', () => {
    assertExploration(
      explore(staleReads('ryw-lag', { nodes: FOLLOWERS, durationMs: 500 }), { runsMin: RUNS, runsMax: RUNS }),
      'Hint: remember the index the leader gave your last write, and accept a read only from a replica whose index is at least that.',
    );
  });

  it('a session never reads its own write stale despite lost and duplicated messages and crashed followers', () => {
    assertExploration(
      explore(staleReads('ryw-faults', FOLLOWER_FAULTS), { runsMin: RUNS, runsMax: RUNS }),
      'Hint: match every answer to a pending request by its req, and answer each customer request exactly once: ' +
        'the network may deliver an answer twice or late, after you moved on.',
    );
  });

  it('a session still reads its own writes after its node restarts', () => {
    const scenario: Scenario = {
      name: 'session-restart',
      faults: { nodes: SESSIONS, durationMs: 600, crashesMax: 3, crashedAtOnceMax: 3, restart: 'always', downMsMax: 50 },
      run(sim, context) {
        const wire = openShop(sim, FOLLOWERS.map(() => context.int(100, 300)));
        const done = shopWorkload(sim, context, { ops: 40, writeShare: 0.35, timeoutMs: 100 });
        runUntil(sim, done, 10_000);
        return checkReadYourWrites(sim, wire, context.plan.crashes);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: a restart wipes everything but node.storage. What must a session remember to keep its promise, and to keep its request ids unique?',
    );
  });

  it('a session that restarts while its requests are in flight never takes an old answer for a new request', () => {
    const scenario: Scenario = {
      name: 'session-restart-in-flight',
      // Down for a few ms only: answers to requests sent before the crash still arrive after the restart.
      faults: { nodes: SESSIONS, durationMs: 600, duplicateProbabilityMax: 0.2, crashesMax: 4, crashedAtOnceMax: 3, restart: 'always', downMsMax: 12 },
      run(sim, context) {
        const wire = openShop(sim, FOLLOWERS.map(() => context.int(5, 150)));
        const done = shopWorkload(sim, context, { ops: 15, writeShare: 0.35, timeoutMs: 100, customers: context.int(2, 3) });
        runUntil(sim, done, 10_000);
        return checkReadYourWrites(sim, wire, context.plan.crashes);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: answers to requests sent before a restart can arrive after it. Every request id, for reads as well as writes, ' +
        'must be new after a restart (keep the counter in node.storage), or an old answer matches a new request.',
    );
  });

  it('a session shared by two or three customers never reads its own write stale, whatever order its write-oks arrive in', () => {
    const scenario: Scenario = {
      name: 'ryw-shared',
      faults: SHARED_SESSION_FAULTS,
      run(sim, context) {
        const wire = openShop(sim, FOLLOWERS.map(() => context.int(5, 150)));
        const done = shopWorkload(sim, context, { ops: 15, writeShare: 0.4, timeoutMs: 2_000, customers: context.int(2, 3) });
        runUntil(sim, done, 10_000);
        return checkReadYourWrites(sim, wire);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: several requests of one session can be in flight at once. Give each its own request id, ' +
        'and keep the highest index of all acknowledged writes, whichever write-ok arrives last.',
    );
  });
});

describe('liveness', () => {
  it('every read and write is answered despite lost messages and crashed followers', () => {
    const scenario: Scenario = {
      name: 'every-op-answered',
      faults: FOLLOWER_FAULTS,
      run(sim, context) {
        openShop(sim, FOLLOWERS.map(() => context.int(5, 150)));
        const done = shopWorkload(sim, context, { ops: 30, writeShare: 0.35, timeoutMs: 2_000 });
        runUntil(sim, done, 20_000);
        return checkEveryOpAnswered(sim);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: set a timer with every request you send; if it fires before the answer came, send again (another replica for a read).',
    );
  });

  it('every request is answered when two or three customers share a session', () => {
    const scenario: Scenario = {
      name: 'every-op-answered-shared',
      faults: SHARED_SESSION_FAULTS,
      run(sim, context) {
        openShop(sim, FOLLOWERS.map(() => context.int(5, 150)));
        const done = shopWorkload(sim, context, { ops: 15, writeShare: 0.4, timeoutMs: 2_000, customers: context.int(2, 3) });
        runUntil(sim, done, 20_000);
        return checkEveryOpAnswered(sim);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: a session can have several requests waiting at once, each under its own request id; ' +
        'answer each one when its own answer comes, even if a later request was answered first.',
    );
  });
});
