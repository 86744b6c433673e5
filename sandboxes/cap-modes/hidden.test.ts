import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Address, Handlers } from '@baristas/sim';
import {
  Simulation,
  type ClockOptions,
  type OperationRecord,
  assertExploration,
  checkConvergence,
  checkLinearizable,
  explore,
  registerModel,
  runWorkload,
  type CheckResult,
  type FaultPlan,
  type FaultSpace,
  type Operation,
  type Scenario,
  type ScenarioContext,
  show,
  isObject,
} from '@baristas/sim/testing';
import type { ClientRequest, Mode, ReplicaOptions } from './provided/protocol.ts';

/** The High Street shop has three tills, the Station shop two: the High Street is a majority. */
const HIGH = ['high1', 'high2', 'high3'];
const STATION = ['station1', 'station2'];
const TILLS = [...HIGH, ...STATION];
const CUSTOMERS = ['ana', 'ben', 'cai', 'dee', 'eli'];

/** A CP till that cannot reach a majority must say so within this long (ms of virtual time). */
const REFUSE_MS = 300;
/** A CP till that can reach a majority, on a network that loses nothing, must serve within this long. */
const SERVE_MS = 300;
/** An AP till answers from its own copy: well within this long. */
const AP_ANSWER_MS = 50;
/** Customers give up after this long: a till that never answers shows up as a timeout. */
const CLIENT_TIMEOUT_MS = 1_000;
/** After the line comes back, AP tills must agree within this long. */
const SETTLE_MS = 500;

type Input = ClientRequest;

// ---- The shops --------------------------------------------------------------------------

/** Adds one till per name, each from a fresh instance of the learner's module. */
function openShops(sim: Simulation, mode: Mode, tills: string[] = TILLS, clocks: Record<string, ClockOptions> = {}): void {
  for (const id of tills) {
    const peers = tills.filter((t) => t !== id);
    const options = (): ReplicaOptions => ({ peers: [...peers], mode });
    sim.addNode(id, (node) => newInstance().createReplica(node, options()) as Handlers, clocks[id] ? { clock: clocks[id] } : {});
  }
}

// ---- Reading answers --------------------------------------------------------------------

const inputOf = (op: OperationRecord | Operation): Input => op.input as Input;
const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const what = (input: Input): string => (input.op === 'read' ? 'a read' : `a write of ${show(input.value)}`);

/** What a till's answer means, in the exercise's terms. */
type Answer =
  | { kind: 'served'; value?: string | null }
  | { kind: 'unavailable' }
  | { kind: 'silent' }
  | { kind: 'malformed'; why: string };

const SHAPES = "answer { ok: true, value } to a read, { ok: true } to a write, or { ok: false, error: 'unavailable' }";

function answerOf(op: OperationRecord): Answer {
  if (op.status !== 'ok') return { kind: 'silent' };
  const out = op.output;
  if (!isObject(out)) return { kind: 'malformed', why: SHAPES };
  if (out.ok === false) return out.error === 'unavailable' ? { kind: 'unavailable' } : { kind: 'malformed', why: `a refusal is { ok: false, error: 'unavailable' }` };
  if (out.ok !== true) return { kind: 'malformed', why: SHAPES };
  if (inputOf(op).op === 'write') return { kind: 'served' };
  if (out.value !== null && typeof out.value !== 'string') return { kind: 'malformed', why: 'a read is answered with { ok: true, value }, value a string or null' };
  return { kind: 'served', value: out.value as string | null };
}

/** Names an operation for a learner: "a read at station1 at 230 ms, answered "ana-3" at 250 ms". */
function describeOp(op: OperationRecord): string {
  const a = answerOf(op);
  const answered =
    a.kind === 'served'
      ? inputOf(op).op === 'read'
        ? `answered ${show(a.value)} at ${op.returnMs} ms`
        : `confirmed at ${op.returnMs} ms`
      : a.kind === 'unavailable'
        ? `refused (unavailable) at ${op.returnMs} ms`
        : a.kind === 'silent'
          ? 'never answered'
          : `answered ${JSON.stringify(op.output)} at ${op.returnMs} ms`;
  return `${what(inputOf(op))} at ${op.node} at ${op.callMs} ms, ${answered}`;
}

/** The value a read was served, or undefined when it was not. */
function valueOf(op: OperationRecord): string | null | undefined {
  const a = answerOf(op);
  return a.kind === 'served' ? a.value : undefined;
}

/** Every answer has one of the three shapes. */
function checkShapes(sim: Simulation): CheckResult {
  for (const op of sim.history) {
    const a = answerOf(op);
    if (a.kind === 'malformed') {
      return {
        outcome: 'violated',
        property: 'answer-shape',
        message: `Till ${op.node} answered ${what(inputOf(op))} at ${op.callMs} ms with ${JSON.stringify(op.output)}: ${a.why}.`,
        operations: [op.id],
      };
    }
  }
  return { outcome: 'ok' };
}

/** Every written value, to tell a real value from an invented one. */
const writtenValues = (sim: Simulation): Set<string> =>
  new Set(sim.history.flatMap((op) => (inputOf(op).op === 'write' ? [(inputOf(op) as { value: string }).value] : [])));

// ---- Scripted runs ----------------------------------------------------------------------

/** One customer's request, scheduled at a fixed time; its record once it ends. */
type Step = () => OperationRecord;

/** How a scripted run sets up its shops; by default five tills, exact clocks, 1–10 ms per message. */
interface Setup {
  tills?: string[];
  clocks?: Record<string, ClockOptions>;
  /** Every message takes exactly this long, so that a script can time a fault between two steps of a protocol. */
  fixedDelayMs?: number;
}

/** A simulation with a fresh customer per request, so requests may overlap freely. */
function scripted(mode: Mode, setup: Setup = {}) {
  const sim = new Simulation({ seed: 1, ...(setup.fixedDelayMs !== undefined ? { delay: { kind: 'fixed', ms: setup.fixedDelayMs } } : {}) });
  openShops(sim, mode, setup.tills, setup.clocks);
  let asked = 0;
  const ask = (atMs: number, till: string, input: Input): Step => {
    let record: OperationRecord | undefined;
    const client = sim.client(`customer${++asked}`, { timeoutMs: CLIENT_TIMEOUT_MS });
    sim.schedule(atMs, () => void client.invoke(till, input, (op) => (record = op)));
    return () => {
      expect(record, `${what(input)} at ${till} at ${atMs} ms was never made: the test ended first`).toBeDefined();
      return record!;
    };
  };
  return { sim, ask, run: (untilMs: number) => void sim.run({ untilMs }) };
}

/** Expects `step` to have been served within `withinMs`; returns its answer. */
function expectServed(step: Step, why: string, withinMs: number): Answer & { kind: 'served' } {
  const op = step();
  const a = answerOf(op);
  expect(a.kind === 'malformed' ? a.why : 'well-formed', `${cap(describeOp(op))}: ${SHAPES}`).toBe('well-formed');
  expect(a.kind, `${cap(describeOp(op))}, but ${why}`).toBe('served');
  expect(op.returnMs - op.callMs, `${cap(describeOp(op))}: ${why}, within ${withinMs} ms`).toBeLessThanOrEqual(withinMs);
  return a as Answer & { kind: 'served' };
}

/** Expects `step` to have been refused with Unavailable within REFUSE_MS. */
function expectRefused(step: Step, why: string): void {
  const op = step();
  const a = answerOf(op);
  expect(a.kind === 'malformed' ? a.why : 'well-formed', `${cap(describeOp(op))}: ${SHAPES}`).toBe('well-formed');
  // A late answer of any kind is the same mistake as none: the customer was kept waiting.
  const waited = op.status !== 'ok' || op.returnMs - op.callMs > REFUSE_MS;
  expect(
    waited ? 'kept waiting' : 'answered in time',
    `${cap(describeOp(op))}, but ${why}: answer { ok: false, error: 'unavailable' } within ${REFUSE_MS} ms rather than keep the customer waiting`,
  ).toBe('answered in time');
  expect(a.kind, `${cap(describeOp(op))}, but ${why}: answer { ok: false, error: 'unavailable' }`).toBe('unavailable');
}

/** Expects a check to hold; its message is what the learner reads when it does not. */
function expectHolds(result: CheckResult): void {
  expect(result.outcome, result.outcome === 'ok' ? '' : result.message).toBe('ok');
}

// ---- Explored runs ----------------------------------------------------------------------

/** Seeds explored per test: a fixed count, not a time budget, so every host (worker, WebContainer, CLI; fast or slow) gives the same verdict. */
const RUNS = 150;

/** Longest virtual time an explored run may take. */
const RUN_MS_MAX = 30_000;

/**
 * Five customers, each sending its next request to a till drawn at random when the last one
 * ends. About half are writes, each of a value never written before ("ana-3": Ana's third
 * request), so that every answer says which write it saw.
 */
function customers(sim: Simulation, context: ScenarioContext, options: { ops: number; thinkMsMax: number }): () => void {
  runWorkload(sim, context, {
    clients: CUSTOMERS,
    nodes: TILLS,
    opsPerClient: options.ops,
    timeoutMs: CLIENT_TIMEOUT_MS,
    thinkMsMax: options.thinkMsMax,
    input: (client, index, ctx): Input => (ctx.random() < 0.5 ? { op: 'write', value: `${client}-${index + 1}` } : { op: 'read' }),
  });
  const total = CUSTOMERS.length * options.ops;
  // Runs until every customer is done. AP tills gossip forever, so the network never goes
  // quiet; the cap stops a run whose tills never answer (each customer gives up after 1 s).
  return () => {
    while (sim.nowMs < RUN_MS_MAX && !(sim.history.length >= total && sim.history.every((op) => op.status !== 'pending'))) {
      sim.run({ untilMs: sim.nowMs + 100 });
    }
  };
}

/** When the last fault of a plan is over: every partition healed, every crashed till back. */
function faultsOverMs(plan: FaultPlan): number {
  return Math.max(
    0,
    ...plan.partitions.map((p) => p.atMs + p.durationMs),
    ...plan.cuts.map((c) => c.atMs + c.durationMs),
    ...plan.crashes.map((c) => c.atMs + (c.downMs ?? 0)),
  );
}

// ---- CP judges --------------------------------------------------------------------------

/**
 * The history as one register's: a refused write may still have taken effect (its result is
 * unknown), and a refused or unanswered read tells nothing, so it is left out.
 */
function registerHistory(sim: Simulation): Operation[] {
  const byId = new Map(sim.history.map((op) => [op.id, op]));
  const ops: Operation[] = [];
  for (const op of sim.operations()) {
    const record = byId.get(op.id)!;
    const a = answerOf(record);
    const input = inputOf(op);
    if (input.op === 'read') {
      if (a.kind !== 'served') continue;
      ops.push({ ...op, input: { f: 'read' }, output: a.value ?? null });
    } else {
      ops.push({ ...op, input: { f: 'write', value: input.value }, output: undefined, returnMs: a.kind === 'served' ? op.returnMs : Infinity });
    }
  }
  return ops;
}

function checkCpLinearizable(sim: Simulation): CheckResult {
  const shapes = checkShapes(sim);
  if (shapes.outcome !== 'ok') return shapes;
  const result = checkLinearizable(registerModel, registerHistory(sim));
  if (result.outcome !== 'violated') return result;
  const byId = new Map(sim.history.map((op) => [op.id, op]));
  const named = (result.operations ?? []).map((id) => byId.get(id)!);
  // The writes of the values those reads returned complete the story.
  const returned = new Set(named.flatMap((op) => (inputOf(op).op === 'read' ? [(answerOf(op) as { value?: string | null }).value] : [])));
  const writes = sim.history.filter((op) => inputOf(op).op === 'write' && returned.has((inputOf(op) as { value: string }).value));
  const evidence = [...new Set([...named, ...writes])].sort((a, b) => a.callMs - b.callMs);
  return {
    ...result,
    message:
      'In CP mode the tills must act as one register on one counter (linearizable): once a write is confirmed, ' +
      `no read that starts later may return an older value. That failed here. ${result.message} ` +
      `The requests involved: ${evidence.map(describeOp).join('; ')}.`,
  };
}

/**
 * During the plan's partition, tills on the side without a majority refuse (promptly), and
 * every other request is served promptly: tills on the majority side, and tills whose side
 * was whole when asked.
 */
function checkSplit(sim: Simulation, plan: FaultPlan): CheckResult {
  const shapes = checkShapes(sim);
  if (shapes.outcome !== 'ok') return shapes;
  const cut = plan.partitions[0];
  const majority = Math.floor(TILLS.length / 2) + 1;
  const small = cut ? (cut.side.length < majority ? cut.side : TILLS.filter((t) => !cut.side.includes(t))) : [];
  const start = cut?.atMs ?? Infinity;
  const end = cut ? cut.atMs + cut.durationMs : Infinity;
  const sides = cut ? `{${small.join(', ')}}, ${small.length} of ${TILLS.length} tills, cut off from the rest from ${start} to ${end} ms` : '';
  for (const op of sim.history) {
    const a = answerOf(op);
    const cutOff = small.includes(op.node);
    if (cutOff && op.callMs >= start && op.callMs < end) {
      if (a.kind === 'served' && op.returnMs < end) {
        return {
          outcome: 'violated',
          property: 'minority-refuses',
          message:
            `${cap(sides)}: no majority on their side. Yet ${describeOp(op)}. In CP mode a till that cannot reach a majority ` +
            "must not answer from its own copy or its own side's: it may have missed writes the majority confirmed. Refuse with { ok: false, error: 'unavailable' }.",
          operations: [op.id],
        };
      }
      const late = op.status !== 'ok' || op.returnMs - op.callMs > REFUSE_MS;
      if (late && op.callMs + REFUSE_MS <= end) {
        return {
          outcome: 'violated',
          property: 'refuse-promptly',
          message:
            `${cap(sides)}. ${cap(describeOp(op))}${op.status === 'ok' ? '' : ` (the customer gave up at ${op.returnMs} ms)`}. ` +
            `A till that cannot reach a majority must say so with { ok: false, error: 'unavailable' } within ${REFUSE_MS} ms, not keep its customer waiting.`,
          operations: [op.id],
        };
      }
      continue;
    }
    // A till of the small side asked just before the cut or just after the heal may get
    // caught by the change; everything else must be served.
    if (cutOff && op.callMs >= start - SERVE_MS && op.callMs < end + 100) continue;
    if (a.kind !== 'served' || op.returnMs - op.callMs > SERVE_MS) {
      const where = cut && !cutOff && op.callMs >= start && op.callMs < end ? ` ${op.node} was on the majority side of the partition (${sides}).` : ' It could reach every other till.';
      return {
        outcome: 'violated',
        property: 'majority-serves',
        message:
          `${cap(describeOp(op))}${a.kind === 'served' ? `, after ${op.returnMs - op.callMs} ms` : ''}.${where} ` +
          `No message was lost in this run, so a till that can reach a majority must serve within ${SERVE_MS} ms: ` +
          'CP gives up availability only where it must, on the side without a majority.',
        operations: [op.id],
      };
    }
  }
  return { outcome: 'ok' };
}

// ---- AP judges --------------------------------------------------------------------------

/** Every request an AP till took was served from its own copy, at once, with a real value. */
function checkApAvailable(sim: Simulation): CheckResult {
  const shapes = checkShapes(sim);
  if (shapes.outcome !== 'ok') return shapes;
  const written = writtenValues(sim);
  for (const op of sim.history) {
    if (op.status === 'refused') continue; // the till was down: nothing to answer with
    const a = answerOf(op);
    if (a.kind !== 'served' || op.returnMs - op.callMs > AP_ANSWER_MS) {
      return {
        outcome: 'violated',
        property: 'ap-available',
        message:
          `${cap(describeOp(op))}${a.kind === 'served' ? `, after ${op.returnMs - op.callMs} ms` : ''}. In AP mode every till that is up answers every request from its own copy, ` +
          `within ${AP_ANSWER_MS} ms, partition or not: never Unavailable, and never waiting for other tills.`,
        operations: [op.id],
      };
    }
    if (a.value !== undefined && a.value !== null && !written.has(a.value)) {
      return {
        outcome: 'violated',
        property: 'ap-valid-reads',
        message: `${cap(describeOp(op))}, but nobody ever wrote ${show(a.value)}: a read returns the value of some write, or null.`,
        operations: [op.id],
      };
    }
  }
  return { outcome: 'ok' };
}

/**
 * Schedules a read of every till at `atMs` (head office checking the copies) and returns
 * what each answered, once the run has passed that time.
 */
function auditAt(sim: Simulation, atMs: number, tills: string[] = TILLS): () => Map<Address, OperationRecord> {
  const answers = new Map<Address, OperationRecord>();
  for (const till of tills) {
    const client = sim.client(`head-office-${till}`, { timeoutMs: CLIENT_TIMEOUT_MS });
    sim.schedule(atMs, () => void client.invoke(till, { op: 'read' }, (op) => answers.set(till, op)));
  }
  return () => answers;
}

/**
 * Once the customers are done and every fault of the plan is over, waits SETTLE_MS and reads
 * every till.
 */
function auditOnceSettled(sim: Simulation, plan: FaultPlan): { audit: Map<Address, OperationRecord>; healed: number } {
  const healed = faultsOverMs(plan);
  const at = Math.max(sim.nowMs, healed) + SETTLE_MS;
  const audit = auditAt(sim, at);
  sim.run({ untilMs: at + 100 });
  return { audit: audit(), healed };
}

/** All tills answered the audit, and all with the same value, one that was written (or null). */
function checkConverged(sim: Simulation, audit: Map<Address, OperationRecord>, healedMs: number): CheckResult {
  const values: Record<string, unknown> = {};
  for (const [till, op] of audit) {
    const a = answerOf(op);
    if (a.kind !== 'served') {
      return {
        outcome: 'violated',
        property: 'ap-available',
        message: `To compare the copies after the heal, head office read every till: ${describeOp(op)}. In AP mode a till answers every read from its own copy.`,
        operations: [op.id],
      };
    }
    values[till] = a.value;
  }
  const agreed = checkConvergence(values);
  if (agreed.outcome === 'violated') {
    const at = [...audit.values()][0]!.callMs;
    return {
      ...agreed,
      message:
        `${healedMs > 0 ? `Every fault was over by ${healedMs} ms` : 'Nothing failed in this run'}, yet at ${at} ms ` +
        `${agreed.message.replace(/^the replicas/, 'the tills')} ` +
        'After the line comes back, AP tills must agree on one value: a copy sent while the line was down never arrived, ' +
        'so keep sending copies (anti-entropy), and make every till keep the same one of two different writes.',
    };
  }
  const value = Object.values(values)[0];
  if (value !== undefined && value !== null && !writtenValues(sim).has(value as string)) {
    return { outcome: 'violated', property: 'ap-valid-reads', message: `Every till ended up with ${show(value)}, which nobody wrote.` };
  }
  return { outcome: 'ok' };
}

/**
 * The value every till settled on must be the last write in causal order: no write that a
 * till took after it had shown that value to a customer (or had confirmed it itself) may lose
 * to it. Lamport counters ensure this; wall clocks, which may disagree between tills, do not.
 */
function checkCausalWinner(sim: Simulation, winner: string | null, plan: FaultPlan): CheckResult {
  if (winner === null) return { outcome: 'ok' };
  const ops = sim.history.filter((op) => op.status === 'ok' && !op.client.startsWith('head-office-'));
  const writeOf = ops.find((op) => inputOf(op).op === 'write' && (inputOf(op) as { value: string }).value === winner);
  for (const later of ops) {
    const input = inputOf(later);
    if (input.op !== 'write' || input.value === winner || answerOf(later).kind !== 'served') continue;
    const saw = ops.find((op) => {
      if (op.node !== later.node || op.returnMs >= later.callMs) return false;
      const a = answerOf(op);
      return a.kind === 'served' && (inputOf(op).op === 'read' ? a.value === winner : op === writeOf);
    });
    if (!saw) continue;
    const clocks = plan.clocks.filter((c) => c.offsetMs !== 0 && (c.node === later.node || c.node === writeOf?.node));
    return {
      outcome: 'violated',
      property: 'causal-last-writer-wins',
      message:
        `Every till ended up with ${show(winner)}${writeOf ? `, written at ${writeOf.node} at ${writeOf.callMs} ms` : ''}. ` +
        `But ${later.node} ${inputOf(saw).op === 'read' ? `had shown ${show(winner)} to a customer at ${saw.returnMs} ms` : `had itself confirmed ${show(winner)} at ${saw.returnMs} ms`} ` +
        `before it took the write of ${show(input.value)} at ${later.callMs} ms. That write came after ${show(winner)} in causal order, so it must win, ` +
        'and it was lost. Give each write a version after every version its till has seen (a Lamport counter, ties broken by till name), ' +
        `not the till's own clock${clocks.length > 0 ? `: here ${clocks.map((c) => `${c.node}'s clock read ${c.offsetMs > 0 ? '+' : ''}${c.offsetMs} ms off`).join(', ')}` : ''}.`,
      operations: [saw.id, later.id],
    };
  }
  return { outcome: 'ok' };
}

// ---- Tests: CP --------------------------------------------------------------------------

describe('CP mode: refuse rather than answer wrong', () => {
  it('with every till reachable, a read at any till returns the last confirmed write', () => {
    const { ask, run } = scripted('cp');
    const empty = ask(0, 'high2', { op: 'read' });
    const flatWhite = ask(100, 'high1', { op: 'write', value: 'flat white' });
    const read1 = ask(200, 'station2', { op: 'read' });
    const cortado = ask(300, 'station1', { op: 'write', value: 'cortado' });
    const read2 = ask(400, 'high3', { op: 'read' });
    run(2_000);
    const none = expectServed(empty, 'every till is reachable, so a read must be served', SERVE_MS);
    expect(none.value, 'before anything was written, a read must return { ok: true, value: null }').toBeNull();
    expectServed(flatWhite, 'every till is reachable, so a write must be confirmed', SERVE_MS);
    const first = expectServed(read1, 'every till is reachable, so a read must be served', SERVE_MS);
    expect(first.value, 'station2 was read after the write of "flat white" at high1 was confirmed: it must return it').toBe('flat white');
    expectServed(cortado, 'every till is reachable, so a write must be confirmed', SERVE_MS);
    const second = expectServed(read2, 'every till is reachable, so a read must be served', SERVE_MS);
    expect(second.value, 'high3 was read after the write of "cortado" at station1 was confirmed: it must return it').toBe('cortado');
  });

  it('when the line between the shops goes dead, the Station tills refuse reads and writes with Unavailable', () => {
    const { sim, ask, run } = scripted('cp');
    const before = ask(0, 'high1', { op: 'write', value: 'flat white' });
    sim.schedule(100, () => sim.partition([HIGH, STATION]));
    const read = ask(150, 'station1', { op: 'read' });
    const write = ask(150, 'station2', { op: 'write', value: 'mocha' });
    const during = ask(200, 'high2', { op: 'write', value: 'cortado' });
    const again = ask(600, 'station2', { op: 'read' });
    sim.schedule(1_000, () => sim.heal());
    const after = ask(1_200, 'station1', { op: 'read' });
    run(3_000);
    expectServed(before, 'every till was reachable, so the write must be confirmed', SERVE_MS);
    const cutOff = 'the Station tills (2 of 5) cannot reach a majority while the line is down, and may have missed confirmed writes';
    expectRefused(read, cutOff);
    expectRefused(write, cutOff);
    expectServed(during, 'the High Street tills are 3 of 5, a majority: they must keep serving', SERVE_MS);
    expectRefused(again, cutOff);
    const healed = expectServed(after, 'the line came back 200 ms earlier: every till is reachable again', SERVE_MS);
    expect(
      ['cortado', 'mocha'],
      `station1 was read after the heal and answered ${show(healed.value)}; "cortado" was confirmed at high2 during the outage ` +
        '(the refused "mocha" may or may not have taken effect): an older value means a confirmed write was lost',
    ).toContain(healed.value);
  });

  it('while the line is down, the High Street tills, a majority, keep serving', () => {
    const { sim, ask, run } = scripted('cp');
    sim.schedule(0, () => sim.partition([HIGH, STATION]));
    const w1 = ask(50, 'high1', { op: 'write', value: 'flat white' });
    const r1 = ask(150, 'high3', { op: 'read' });
    const w2 = ask(250, 'high2', { op: 'write', value: 'cortado' });
    const r2 = ask(350, 'high1', { op: 'read' });
    run(2_000);
    const why = 'the High Street tills are 3 of 5, a majority: CP gives up availability only on the side without one';
    expectServed(w1, why, SERVE_MS);
    expect(expectServed(r1, why, SERVE_MS).value, 'high3 was read after "flat white" was confirmed at high1: it must return it').toBe('flat white');
    expectServed(w2, why, SERVE_MS);
    expect(expectServed(r2, why, SERVE_MS).value, 'high1 was read after "cortado" was confirmed at high2: it must return it').toBe('cortado');
  });

  it('when four tills split two and two, neither side has a majority, so both refuse', () => {
    const four = ['high1', 'high2', 'station1', 'station2'];
    const { sim, ask, run } = scripted('cp', { tills: four });
    const before = ask(0, 'station1', { op: 'write', value: 'flat white' });
    sim.schedule(100, () => sim.partition([['high1', 'high2'], ['station1', 'station2']]));
    const high = ask(150, 'high1', { op: 'read' });
    const station = ask(150, 'station2', { op: 'write', value: 'mocha' });
    run(2_000);
    expectServed(before, 'all four tills were reachable, so the write must be confirmed', SERVE_MS);
    const why = 'with four tills a majority is three: two tills are half, not a majority';
    expectRefused(high, why);
    expectRefused(station, why);
  });

  it('once a read has returned a half-finished write, every later read returns it too', () => {
    // Every message takes 5 ms, so a two-round write at station1 that starts at 100 ms is in
    // its second round at about 110 ms. The line then drops so that only high1 hears it:
    // "mocha" is at station1 and high1 alone, and station1 can never finish the write.
    const { sim, ask, run } = scripted('cp', { fixedDelayMs: 5 });
    const before = ask(0, 'high2', { op: 'write', value: 'flat white' });
    const mocha = ask(100, 'station1', { op: 'write', value: 'mocha' });
    sim.schedule(112, () => sim.partition([['station1', 'high1']]));
    sim.schedule(150, () => sim.partition([['station1']]));
    const first = ask(160, 'high1', { op: 'read' });
    sim.schedule(250, () => sim.partition([['station1', 'high1']]));
    const second = ask(300, 'high2', { op: 'read' });
    run(2_000);
    expectServed(before, 'every till was reachable, so the write must be confirmed', SERVE_MS);
    expect(answerOf(mocha()).kind, `${cap(describeOp(mocha()))}: ${SHAPES}`).not.toBe('malformed');
    const majority = 'high1 could reach four of five tills';
    const one = expectServed(first, majority, SERVE_MS);
    const two = expectServed(second, 'high2 could reach three of five tills, a majority', SERVE_MS);
    if (one.value === 'mocha') {
      expect(
        two.value,
        `${describeOp(first())}; then ${describeOp(second())}. Once a read has returned a value, no later read may return an ` +
          'older one: before answering, a read must make a majority store the value it returns, so that every later majority includes a till that has it',
      ).toBe('mocha');
    }
    expectHolds(checkCpLinearizable(sim));
  });

  it('tills that crash and restart still remember the writes they stored', () => {
    // While the Station is cut off, "flat white" can only be stored by the three High Street
    // tills. Two of them then crash and come back, and high1 is cut off: the only tills
    // that can still have "flat white" for a majority are the two that restarted.
    const { sim, ask, run } = scripted('cp');
    sim.schedule(0, () => sim.partition([HIGH, STATION]));
    const write = ask(10, 'high1', { op: 'write', value: 'flat white' });
    sim.schedule(150, () => sim.heal());
    for (const till of ['high2', 'high3']) {
      sim.schedule(200, () => sim.crash(till));
      sim.schedule(250, () => sim.restart(till));
    }
    sim.schedule(300, () => sim.partition([['high1']]));
    const read = ask(350, 'station1', { op: 'read' });
    run(2_000);
    expectServed(write, 'the High Street tills are 3 of 5, a majority: they must keep serving', SERVE_MS);
    const value = expectServed(read, 'station1 could reach four of five tills', SERVE_MS).value;
    expect(
      value,
      `"flat white" was confirmed at high1 while only high1, high2 and high3 could store it; high2 and high3 then crashed ` +
        `and restarted, and high1 was cut off. A read at station1 then answered ${show(value)}: high2 and high3 forgot what ` +
        'they had stored. A till must keep its copy in node.storage before it acknowledges storing it',
    ).toBe('flat white');
  });

  it('a till that restarts does not take answers to its requests from before the crash for answers to new ones', () => {
    // Every message takes 5 ms. station1's write of "mocha" reaches its second round at about
    // 110 ms, when the line slows to 100 ms a message: its stores reach the others at about
    // 210 ms, and their answers come back at about 215 ms. station1 crashes at 115 ms and is
    // back at 120 ms; its next write, of "latte", starts at 202 ms and is in its second round
    // when those old answers arrive, while its own second-round messages are lost at 212 ms.
    const { sim, ask, run } = scripted('cp', { fixedDelayMs: 5 });
    const before = ask(0, 'high1', { op: 'write', value: 'flat white' });
    const mocha = ask(100, 'station1', { op: 'write', value: 'mocha' });
    sim.schedule(108, () => sim.configureNetwork({ delay: { kind: 'fixed', ms: 100 } }));
    sim.schedule(111, () => sim.configureNetwork({ delay: { kind: 'fixed', ms: 5 } }));
    sim.schedule(115, () => sim.crash('station1'));
    sim.schedule(120, () => sim.restart('station1'));
    const latte = ask(202, 'station1', { op: 'write', value: 'latte' });
    sim.schedule(211, () => sim.configureNetwork({ dropProbability: 1 }));
    sim.schedule(213, () => sim.configureNetwork({ dropProbability: 0 }));
    sim.schedule(220, () => sim.partition([['station1']]));
    const read = ask(250, 'high2', { op: 'read' });
    run(2_000);
    expectServed(before, 'every till was reachable, so the write must be confirmed', SERVE_MS);
    for (const step of [mocha, latte]) expect(answerOf(step()).kind, `${cap(describeOp(step()))}: ${SHAPES}`).not.toBe('malformed');
    const value = expectServed(read, 'high2 could reach four of five tills', SERVE_MS).value;
    if (answerOf(latte()).kind === 'served') {
      expect(
        value,
        `${cap(describeOp(latte()))}; then ${describeOp(read())}. station1 had crashed and restarted at 115–120 ms, and the ` +
          'answers the others sent at 210 ms were to its write of "mocha" from before the crash, not to "latte": a confirmed write ' +
          'was lost. Never reuse a request id, not even after a restart: keep the counter in node.storage (or make ids unique another way)',
      ).toBe('latte');
    }
    expectHolds(checkCpLinearizable(sim));
  });

  it('writing a value that was written before is a new write, and later reads return it', () => {
    // station2 is cut off while "cortado" replaces "flat white", so its own copy still says
    // "flat white" when a customer there orders "flat white" again.
    const { sim, ask, run } = scripted('cp');
    const first = ask(0, 'high1', { op: 'write', value: 'flat white' });
    sim.schedule(100, () => sim.partition([['station2']]));
    const cortado = ask(150, 'high2', { op: 'write', value: 'cortado' });
    sim.schedule(250, () => sim.heal());
    const again = ask(300, 'station2', { op: 'write', value: 'flat white' });
    const read = ask(400, 'high3', { op: 'read' });
    run(2_000);
    expectServed(first, 'every till was reachable, so the write must be confirmed', SERVE_MS);
    expectServed(cortado, 'high2 could reach four of five tills', SERVE_MS);
    expectServed(again, 'every till was reachable again, so the write must be confirmed', SERVE_MS);
    const value = expectServed(read, 'every till was reachable', SERVE_MS).value;
    expect(
      value,
      `"cortado" was confirmed at high2 at ${cortado().returnMs} ms while station2 was cut off; then ${describeOp(again())}; then ` +
        `${describeOp(read())}. The second "flat white" is a new write, newer than "cortado", even though station2's own copy ` +
        'already said "flat white": it too must reach a majority with a new version before it is confirmed',
    ).toBe('flat white');
    expectHolds(checkCpLinearizable(sim));
  });

  it('every history is linearizable despite partitions, lost, duplicated and delayed messages, crashes and skewed clocks', () => {
    const scenario: Scenario = {
      name: 'cp-linearizable',
      faults: {
        nodes: TILLS,
        durationMs: 600,
        dropProbabilityMax: 0.2,
        duplicateProbabilityMax: 0.2,
        crashesMax: 2,
        restart: 'sometimes',
        downMsMax: 300,
        partitionsMax: 2,
        partitionMsMax: 400,
        clockSkewMsMax: 500,
      },
      run(sim, context) {
        openShops(sim, 'cp');
        customers(sim, context, { ops: 20, thinkMsMax: 30 })();
        return checkCpLinearizable(sim);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: a majority must agree before anyone is answered. A read asks a majority for their copies and, before answering, ' +
        'makes a majority store the newest one; a write asks a majority first, so that its version is newer than every confirmed write.',
    );
  });

  it('in any partition, the side without a majority refuses and the side with one keeps serving', () => {
    const scenario: Scenario = {
      name: 'cp-split',
      faults: { nodes: TILLS, durationMs: 600, partitionsMax: 1, partitionMsMax: 500 },
      run(sim, context) {
        openShops(sim, 'cp');
        customers(sim, context, { ops: 24, thinkMsMax: 30 })();
        return checkSplit(sim, context.plan);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: count distinct tills, yourself once. With five tills a majority is three; give up with Unavailable when a majority ' +
        'has not answered within a few round trips.',
    );
  });
});

// ---- Tests: AP --------------------------------------------------------------------------

describe('AP mode: always answer, agree later', () => {
  it('with every till reachable, an order taken at one till soon reads the same at every till', () => {
    const { ask, run } = scripted('ap');
    const write = ask(0, 'high1', { op: 'write', value: 'flat white' });
    const own = ask(AP_ANSWER_MS + 10, 'high1', { op: 'read' });
    const everywhere = TILLS.map((till) => ask(300, till, { op: 'read' }));
    run(1_000);
    const why = 'in AP mode a till answers at once from its own copy';
    expectServed(write, why, AP_ANSWER_MS);
    expect(expectServed(own, why, AP_ANSWER_MS).value, 'high1 was read right after it confirmed "flat white": its own copy must have it').toBe(
      'flat white',
    );
    everywhere.forEach((step, i) => {
      const value = expectServed(step, why, AP_ANSWER_MS).value;
      expect(value, `${TILLS[i]} was read 300 ms after "flat white" was written at high1, with no fault: the copy must have reached it`).toBe(
        'flat white',
      );
    });
  });

  it('when the line goes dead, every till still answers at once, and each shop sees its own orders', () => {
    const { sim, ask, run } = scripted('ap');
    sim.schedule(0, () => sim.partition([HIGH, STATION]));
    const high = ask(50, 'high1', { op: 'write', value: 'flat white' });
    const station = ask(60, 'station1', { op: 'write', value: 'mocha' });
    const highRead = ask(150, 'high2', { op: 'read' });
    const stationRead = ask(150, 'station2', { op: 'read' });
    const alone = ask(160, 'station1', { op: 'read' });
    run(1_000);
    const why = 'in AP mode a till cut off from the others still answers, at once, from its own copy: never Unavailable';
    expectServed(high, why, AP_ANSWER_MS);
    expectServed(station, why, AP_ANSWER_MS);
    expect(expectServed(highRead, why, AP_ANSWER_MS).value, 'high2 shares its side of the line with high1, which took "flat white"').toBe('flat white');
    expect(expectServed(stationRead, why, AP_ANSWER_MS).value, 'station2 shares its side of the line with station1, which took "mocha"').toBe('mocha');
    expect(expectServed(alone, why, AP_ANSWER_MS).value, 'station1 took "mocha" itself').toBe('mocha');
  });

  it('after the line comes back, both shops settle on the same order', () => {
    const { sim, ask, run } = scripted('ap');
    sim.schedule(0, () => sim.partition([HIGH, STATION]));
    ask(50, 'high1', { op: 'write', value: 'flat white' });
    ask(60, 'station1', { op: 'write', value: 'mocha' });
    sim.schedule(300, () => sim.heal());
    const audit = auditAt(sim, 300 + SETTLE_MS);
    run(1_500);
    expectHolds(checkConverged(sim, audit(), 300));
    expect(['flat white', 'mocha'], 'the tills must keep one of the two orders written during the outage').toContain(valueOf(audit().get('high1')!));
  });

  it('an order placed after seeing another till’s order wins, even when that till’s clock runs ahead', () => {
    // high1's clock is 500 ms fast and station1's 500 ms slow: by their own clocks, station1's
    // later write looks a second older than high1's.
    const { ask, run, sim } = scripted('ap', { clocks: { high1: { offsetMs: 500 }, station1: { offsetMs: -500 } } });
    ask(0, 'high1', { op: 'write', value: 'americano' });
    ask(20, 'high1', { op: 'write', value: 'espresso' });
    const seen = ask(350, 'station1', { op: 'read' });
    const latte = ask(400, 'station1', { op: 'write', value: 'latte' });
    const audit = auditAt(sim, 400 + SETTLE_MS);
    run(1_500);
    const why = 'in AP mode a till answers at once from its own copy';
    expect(expectServed(seen, why, AP_ANSWER_MS).value, 'station1 was read 330 ms after "espresso" was written at high1, with no fault: the copy must have reached it').toBe(
      'espresso',
    );
    expectServed(latte, why, AP_ANSWER_MS);
    expectHolds(checkConverged(sim, audit(), 0));
    const final = valueOf(audit().get('high1')!);
    expect(
      final,
      `every till ended up with ${show(final)}, but station1 took "latte" after showing "espresso" to a customer: "latte" came later in causal order ` +
        'and must win. Wall clocks disagree (high1 runs 500 ms fast, station1 500 ms slow); give each write a Lamport counter past every version its till has seen',
    ).toBe('latte');
  });

  it('two tills that take different orders in the same millisecond still end up agreeing', () => {
    const { ask, run, sim } = scripted('ap');
    ask(0, 'high1', { op: 'write', value: 'flat white' });
    ask(0, 'station2', { op: 'write', value: 'mocha' });
    const audit = auditAt(sim, SETTLE_MS);
    run(1_500);
    const result = checkConverged(sim, audit(), 0);
    expect(
      result.outcome,
      result.outcome === 'ok'
        ? ''
        : `${result.message} Here high1 and station2 each took their first order at 0 ms: two versions with the same counter. ` +
            'Break such ties the same way at every till, by till name.',
    ).toBe('ok');
  });

  it('of two orders with the same counter, every till keeps the one from the till whose name sorts last', () => {
    // Every message takes 10 ms, so neither till has heard of the other's order when it takes
    // its own: both are a first order, with counter 1. high1's arrives everywhere last.
    const { ask, run, sim } = scripted('ap', { fixedDelayMs: 10 });
    ask(0, 'station2', { op: 'write', value: 'mocha' });
    ask(5, 'high1', { op: 'write', value: 'flat white' });
    const audit = auditAt(sim, SETTLE_MS);
    run(1_500);
    expectHolds(checkConverged(sim, audit(), 0));
    for (const till of TILLS) {
      const value = valueOf(audit().get(till)!);
      expect(
        value,
        `station2 took "mocha" at 0 ms and high1 took "flat white" at 5 ms, each before hearing of the other: two versions with ` +
          `counter 1. The tie goes to the higher till name in plain string order, "station2" > "high1", so every till must keep ` +
          `"mocha", whichever copy arrived last; ${till} kept ${show(value)}`,
      ).toBe('mocha');
    }
  });

  it('an order a till takes after a crash and restart still wins over the orders it had seen before the crash', () => {
    // station1 shows "espresso" to a customer, crashes, and comes back cut off from the others,
    // so that all it knows after the restart is what it kept in node.storage.
    const { sim, ask, run } = scripted('ap');
    ask(0, 'high1', { op: 'write', value: 'americano' });
    ask(20, 'high1', { op: 'write', value: 'espresso' });
    const seen = ask(300, 'station1', { op: 'read' });
    sim.schedule(320, () => sim.crash('station1'));
    sim.schedule(330, () => sim.partition([['station1']]));
    sim.schedule(340, () => sim.restart('station1'));
    const latte = ask(360, 'station1', { op: 'write', value: 'latte' });
    sim.schedule(400, () => sim.heal());
    const audit = auditAt(sim, 400 + SETTLE_MS);
    run(1_500);
    const why = 'in AP mode a till answers at once from its own copy';
    expect(expectServed(seen, why, AP_ANSWER_MS).value, 'station1 was read 280 ms after "espresso" was written at high1, with no fault: the copy must have reached it').toBe(
      'espresso',
    );
    expectServed(latte, why, AP_ANSWER_MS);
    expectHolds(checkConverged(sim, audit(), 400));
    const final = valueOf(audit().get('high1')!);
    expect(
      final,
      `every till ended up with ${show(final)}, but station1 showed "espresso" to a customer at 300 ms, crashed at 320 ms, was back ` +
        'at 340 ms and took "latte" at 360 ms: "latte" came later in causal order and must win. A restart must not set a till back: ' +
        'keep its copy and its Lamport counter in node.storage',
    ).toBe('latte');
  });

  /** Lost, duplicated and delayed messages, partitions, and tills that crash and come back. */
  const AP_FAULTS: FaultSpace = {
    nodes: TILLS,
    durationMs: 600,
    dropProbabilityMax: 0.3,
    duplicateProbabilityMax: 0.3,
    crashesMax: 2,
    restart: 'always',
    downMsMax: 300,
    partitionsMax: 2,
    partitionMsMax: 400,
  };

  it('every till that is up answers every request at once, whatever the network does', () => {
    const scenario: Scenario = {
      name: 'ap-available',
      faults: AP_FAULTS,
      run(sim, context) {
        openShops(sim, 'ap');
        customers(sim, context, { ops: 20, thinkMsMax: 60 })();
        return checkApAvailable(sim);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: in AP mode, answer every read and write from the till’s own copy, in onRequest itself; tell the others afterwards.',
    );
  });

  it('after every fault is over, all tills agree on one order', () => {
    const scenario: Scenario = {
      name: 'ap-converge',
      faults: AP_FAULTS,
      run(sim, context) {
        openShops(sim, 'ap');
        customers(sim, context, { ops: 20, thinkMsMax: 60 })();
        const { audit, healed } = auditOnceSettled(sim, context.plan);
        return checkConverged(sim, audit, healed);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: send your copy to the other tills again and again (anti-entropy), not only when it changes, and keep whichever ' +
        'of two copies has the higher version, comparing versions the same way at every till.',
    );
  });

  it('the order every till keeps is the latest in causal order, however far apart the tills’ clocks are', () => {
    const scenario: Scenario = {
      name: 'ap-causal',
      faults: { nodes: TILLS, durationMs: 600, dropProbabilityMax: 0.2, partitionsMax: 1, partitionMsMax: 400, clockSkewMsMax: 500, clockDriftPpmMax: 1_000 },
      run(sim, context) {
        openShops(sim, 'ap');
        customers(sim, context, { ops: 20, thinkMsMax: 60 })();
        const { audit, healed } = auditOnceSettled(sim, context.plan);
        const converged = checkConverged(sim, audit, healed);
        if (converged.outcome !== 'ok') return converged;
        return checkCausalWinner(sim, valueOf(audit.get(TILLS[0]!)!) ?? null, context.plan);
      },
    };
    assertExploration(
      explore(scenario, { runsMin: RUNS, runsMax: RUNS }),
      'Hint: a Lamport counter: a new write gets one more than the highest counter its till has seen, from its own writes ' +
        'or from any copy it received; equal counters are ordered by till name.',
    );
  });
});
