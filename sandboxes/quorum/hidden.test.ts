/**
 * The quorum exercise's graded tests. Learners write both the barista (replica) and the till
 * (coordinator), and the tests judge them by what crossed the network. Every till is wrapped
 * so that its gets and puts, the answers delivered to it and the moment it answered each
 * customer are recorded in order: a till that answers a write must have received put-oks for
 * that very version from W different baristas first, whatever it counted internally. The
 * customers' histories are then checked for what quorums promise (a read sees every completed
 * write, linearizability, convergence after a read at ALL), and the fault plan says when a
 * till should have been able to succeed.
 */
import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Address, Handlers, Node } from '@baristas/sim';
import {
  Simulation,
  type OperationRecord,
  assertExploration,
  checkConvergence,
  checkLinearizable,
  explore,
  kvModel,
  runWorkload,
  type CheckResult,
  type FaultPlan,
  type FaultSpace,
  type Operation,
  type Scenario,
  type ScenarioContext,
  tapSends,
  show,
  runUntil,
  firstFailure,
} from '@baristas/sim/testing';
import type { CoordinatorOptions, CustomerRequest, Version } from './provided/protocol.ts';

// ---- The shop: baristas (replicas), tills (coordinators), and the wire between them --------

const BARISTAS_3 = ['b1', 'b2', 'b3'];
const BARISTAS_5 = ['b1', 'b2', 'b3', 'b4', 'b5'];
const NO_VERSION: Version = { counter: 0, writer: '' };

type Message = Record<string, unknown>;
const isObject = (x: unknown): x is Message => typeof x === 'object' && x !== null;
const isVersion = (x: unknown): x is Version =>
  isObject(x) && typeof x.counter === 'number' && Number.isInteger(x.counter) && x.counter >= 0 && typeof x.writer === 'string';

/** `a` is newer than `b`: higher counter, then higher writer id. The order the tests judge by. */
const newer = (a: Version, b: Version): boolean => a.counter > b.counter || (a.counter === b.counter && a.writer > b.writer);
const atLeast = (a: Version, b: Version): boolean => !newer(b, a);
const showVersion = (v: Version): string => (v.counter === 0 && v.writer === '' ? 'version 0 (never written)' : `version ${v.counter}:${v.writer}`);
const versionKey = (key: string, v: Version): string => `${key}|${v.counter}|${v.writer}`;

/** A put a till sent, as the tests saw it leave. */
interface SentPut {
  t: number;
  key: string;
  value: string;
  version: Version;
}

/** What crossed the wire to and from one till. */
interface TillWire {
  /** Gets the till sent, by `<barista>/<req>`: the key and every time it was sent. */
  gets: Map<string, { key: string; times: number[] }>;
  /** Puts the till sent, by `<barista>/<req>`. */
  puts: Map<string, SentPut[]>;
  /** Answers delivered to the till, by key, in the order they came. */
  answers: Map<string, Array<{ t: number; seq: number; from: Address; body: Message }>>;
  /** When the till first sent a put of each (key, version): time and place in the order of events. */
  firstPut: Map<string, { t: number; seq: number }>;
}

/** The ground truth the tills' answers are judged by: what the tills actually sent and heard. */
interface Wire {
  tills: Map<Address, TillWire>;
  /**
   * Counts the events the tests watch. Many happen in the same virtual ms, and which came
   * first matters: an answer delivered in the very ms a till chose a version, but after it
   * chose, did not count towards the choice.
   */
  seq: number;
  /** The value of every (key, version) any till sent in a put. */
  values: Map<string, string>;
  /** When each operation a till answered was answered, in the order of events, by operation id. */
  replied: Map<number, number>;
  /** The first time two different values were sent with the same version. */
  conflict?: { till: Address; t: number; key: string; version: Version; value: string; earlier: string };
}

/** Adds one till built from a fresh copy of the learner's module, with the wire watched. */
function addTill(sim: Simulation, wire: Wire, id: Address, options: CoordinatorOptions): void {
  const till: TillWire = { gets: new Map(), puts: new Map(), answers: new Map(), firstPut: new Map() };
  wire.tills.set(id, till);
  sim.addNode(id, (node) => {
    const handlers = newInstance().createCoordinator(
      tapSends(node, (to, body) => {
        if (!isObject(body) || typeof body.key !== 'string') return;
        const slot = `${to}/${String(body.req)}`;
        if (body.type === 'get') {
          const sent = till.gets.get(slot);
          if (sent && sent.key === body.key) sent.times.push(sim.nowMs);
          else till.gets.set(slot, { key: body.key, times: [sim.nowMs] });
        } else if (body.type === 'put' && typeof body.value === 'string' && isVersion(body.version)) {
          const put: SentPut = { t: sim.nowMs, key: body.key, value: body.value, version: body.version };
          till.puts.set(slot, [...(till.puts.get(slot) ?? []), put]);
          const vk = versionKey(put.key, put.version);
          if (!till.firstPut.has(vk)) till.firstPut.set(vk, { t: sim.nowMs, seq: wire.seq++ });
          const earlier = wire.values.get(vk);
          if (earlier === undefined) wire.values.set(vk, put.value);
          else if (earlier !== put.value && !wire.conflict) {
            wire.conflict = { till: id, t: sim.nowMs, key: put.key, version: put.version, value: put.value, earlier };
          }
        }
      }),
      options,
    ) as Handlers;
    return {
      onStart: handlers.onStart && (() => handlers.onStart!.call(handlers)),
      onRequest: handlers.onRequest && ((request, reply) =>
        handlers.onRequest!.call(handlers, request, (response) => {
          const seq = wire.seq++;
          reply(response);
          // The operation this reply just completed: the only one of this till answered now and not yet stamped.
          for (let i = sim.history.length - 1; i >= 0; i--) {
            const op = sim.history[i]!;
            if (op.node === id && op.status === 'ok' && op.returnMs === sim.nowMs && !wire.replied.has(op.id)) {
              wire.replied.set(op.id, seq);
              break;
            }
          }
        })),
      onMessage(from, body) {
        if (isObject(body) && typeof body.key === 'string') {
          const list = till.answers.get(body.key);
          const answer = { t: sim.nowMs, seq: wire.seq++, from, body };
          if (list) list.push(answer);
          else till.answers.set(body.key, [answer]);
        }
        handlers.onMessage?.call(handlers, from, body);
      },
    };
  });
}

/** Adds the baristas (each a fresh copy of the learner's module) and the tills, all sharing one preference list. */
function openShop(sim: Simulation, baristas: Address[], tills: Address[], quorum: { r: number; w: number; timeoutMs: number }): Wire {
  const wire: Wire = { tills: new Map(), values: new Map(), replied: new Map(), seq: 0 };
  for (const id of baristas) sim.addNode(id, (node) => newInstance().createReplica(node) as Handlers);
  for (const id of tills) addTill(sim, wire, id, { replicas: baristas, ...quorum });
  return wire;
}

/**
 * The shop manager: the tests' own node. It sends the baristas gets and puts directly, to set
 * up what they hold and to ask what they hold, and keeps their answers.
 */
interface Manager {
  get(barista: Address, key: string): void;
  put(barista: Address, key: string, value: string, version: Version): void;
  /** Answers received, in order, with the request each one answers. */
  answers: Array<{ t: number; from: Address; body: Message; asked: Message | undefined }>;
}

function addManager(sim: Simulation): Manager {
  let view: Node | undefined;
  let req = 1_000_000;
  const asked = new Map<number, Message>();
  const manager: Manager = {
    answers: [],
    get(barista, key) {
      const body = { type: 'get', req: req++, key };
      asked.set(body.req, body);
      view!.send(barista, body);
    },
    put(barista, key, value, version) {
      const body = { type: 'put', req: req++, key, value, version };
      asked.set(body.req, body);
      view!.send(barista, body);
    },
  };
  sim.addNode('manager', (node) => {
    view = node;
    return {
      onMessage(from, body) {
        manager.answers.push({ t: sim.nowMs, from, body: isObject(body) ? body : { body }, asked: isObject(body) ? asked.get(Number(body.req)) : undefined });
      },
    };
  });
  return manager;
}

/** Asks every barista for each key; returns what each holds, as `"value" at version c:w`, or `no answer`. */
function inspect(sim: Simulation, manager: Manager, baristas: Address[], keys: string[]): Map<string, Record<Address, string>> {
  const from = manager.answers.length;
  sim.schedule(sim.nowMs, () => {
    for (const key of keys) for (const b of baristas) manager.get(b, key);
  });
  sim.run({ untilMs: sim.nowMs + 200 });
  const held = new Map<string, Record<Address, string>>();
  for (const key of keys) {
    const row: Record<Address, string> = {};
    for (const b of baristas) {
      const a = manager.answers.slice(from).find((x) => x.from === b && x.body.type === 'get-ok' && x.asked?.key === key);
      row[b] = a ? `${show(a.body.value)} at ${isVersion(a.body.version) ? showVersion(a.body.version) : JSON.stringify(a.body.version)}` : 'no answer';
    }
    held.set(key, row);
  }
  return held;
}

// ---- Judging the answers ----------------------------------------------------------------

const inputOf = (op: OperationRecord): CustomerRequest => op.input as CustomerRequest;
const describeOp = (op: OperationRecord): string => {
  const input = inputOf(op);
  return input.op === 'write' ? `the write ${input.key} = ${show(input.value)}` : `a read of ${input.key}`;
};

/** A till's answer, once its shape has been checked. */
type Answer = { ok: true; version: Version; value?: string | null } | { ok: false; error: string };
const answerOf = (op: OperationRecord): Answer => op.output as Answer;
const succeeded = (op: OperationRecord): boolean => op.status === 'ok' && answerOf(op).ok === true;

/** Every answer has the agreed shape: `{ ok: true, version }`, `{ ok: true, value, version }` or `{ ok: false, error }`. */
function checkAnswers(sim: Simulation): CheckResult {
  for (const op of sim.history) {
    if (op.status !== 'ok') continue;
    const out = op.output;
    const input = inputOf(op);
    let problem: string | undefined;
    if (!isObject(out) || typeof out.ok !== 'boolean') problem = 'an answer must be { ok: true, … } or { ok: false, error }';
    else if (out.ok === false) {
      if (typeof out.error !== 'string' || out.error.trim() === '') problem = 'a failure must say what went wrong: { ok: false, error: "…" } with a non-empty error';
    } else if (!isVersion(out.version)) problem = 'a successful answer carries the version: { counter: number, writer: string }';
    else if (input.op === 'read' && !(out.value === null || typeof out.value === 'string')) problem = 'a read answers { ok: true, value, version }, value a string or null';
    if (problem) {
      return {
        outcome: 'violated',
        property: 'answer-format',
        message: `Till ${op.node} answered ${describeOp(op)} with ${JSON.stringify(out)}: ${problem}.`,
        operations: [op.id],
      };
    }
  }
  return { outcome: 'ok' };
}

/** No two different values were ever sent with the same version of a key. */
function checkOneValuePerVersion(wire: Wire): CheckResult {
  const c = wire.conflict;
  if (!c) return { outcome: 'ok' };
  return {
    outcome: 'violated',
    property: 'one-write-per-version',
    message:
      `At ${c.t} ms till ${c.till} sent ${c.key} = ${show(c.value)} with ${showVersion(c.version)}, but that version of ${c.key} ` +
      `was already ${show(c.earlier)}. Two writes with the same version cannot be ordered: replicas keep whichever came first ` +
      'and disagree for ever. Give every write its own version, even two writes running at once through the same till ' +
      '(take a counter above both what you read and what this till has used).',
  };
}

/**
 * Get answers delivered to `till` for `key` from `fromMs` on and before event `beforeSeq`,
 * that answer gets it sent at or after `fromMs`.
 */
function freshGetAnswers(till: TillWire, key: string, fromMs: number, beforeSeq: number): Array<{ from: Address; version: Version; t: number }> {
  const out: Array<{ from: Address; version: Version; t: number }> = [];
  for (const a of till.answers.get(key) ?? []) {
    if (a.t < fromMs || a.seq >= beforeSeq) continue;
    if (a.body.type !== 'get-ok' || !isVersion(a.body.version)) continue;
    const get = till.gets.get(`${a.from}/${String(a.body.req)}`);
    if (get && get.key === key && get.times.some((s) => s >= fromMs && s <= a.t)) out.push({ from: a.from, version: a.body.version, t: a.t });
  }
  return out;
}

/**
 * Baristas that had shown `till`, before event `beforeSeq`, that they hold `key` at `version`
 * or newer: by a get answer with such a version, or by acknowledging a put of such a version
 * from this till.
 */
function holdersShown(till: TillWire, key: string, version: Version, beforeSeq: number, acksOnly: boolean): Set<Address> {
  const holders = new Set<Address>();
  for (const a of till.answers.get(key) ?? []) {
    if (a.seq >= beforeSeq) break;
    if (a.body.type === 'get-ok') {
      if (!acksOnly && isVersion(a.body.version) && atLeast(a.body.version, version)) holders.add(a.from);
    } else if (a.body.type === 'put-ok') {
      const puts = till.puts.get(`${a.from}/${String(a.body.req)}`) ?? [];
      if (puts.some((p) => p.t <= a.t && p.key === key && atLeast(p.version, version))) holders.add(a.from);
    }
  }
  return holders;
}

const names = (set: Iterable<Address>): string => [...set].sort().join(', ');

/**
 * Quorums, judged on the wire: a till answered a write only after reading versions from R
 * baristas, choosing a version above them, and hearing W acknowledgements of it; it answered a
 * read only after hearing from R baristas and seeing W hold what it returns.
 */
function checkQuorums(sim: Simulation, wire: Wire, quorum: { r: number; w: number }): CheckResult {
  const { r, w } = quorum;
  for (const op of sim.history) {
    if (!succeeded(op)) continue;
    const till = wire.tills.get(op.node)!;
    const input = inputOf(op);
    const answer = answerOf(op) as { ok: true; version: Version; value?: string | null };
    const v = answer.version;
    const repliedAt = wire.replied.get(op.id) ?? Infinity;
    const fail = (property: string, message: string): CheckResult => ({
      outcome: 'violated',
      property,
      message: `Till ${op.node} answered ${describeOp(op)} (${op.callMs}–${op.returnMs} ms) with ${showVersion(v)}, ${message}`,
      operations: [op.id],
    });
    if (input.op === 'write') {
      if (v.writer !== op.node || v.counter < 1) {
        return fail('write-version', `but a write's version must have a counter of at least 1 and the till's own id (${op.node}) as writer.`);
      }
      const chosenAt = till.firstPut.get(versionKey(input.key, v));
      if (chosenAt === undefined || chosenAt.seq > repliedAt || wire.values.get(versionKey(input.key, v)) !== input.value) {
        return fail('write-version', `but it never sent the baristas a put of ${show(input.value)} with that version: answer with the version you stored.`);
      }
      const read = freshGetAnswers(till, input.key, op.callMs, chosenAt.seq);
      const readFrom = new Set(read.map((a) => a.from));
      if (readFrom.size < r) {
        return fail(
          'write-reads-versions',
          `but before choosing that version ${readFrom.size === 0 ? 'no barista had' : `only ${names(readFrom)} had`} ` +
            `answered gets it sent since the write began; R = ${r}. ` +
            'A write first asks every barista for its version and waits for R answers to those very gets (match them by req: an answer to an earlier get ' +
            'tells what a barista held back then). Only then is it sure to see the latest completed write, and to go above it.',
        );
      }
      // Gets cannot be told apart by operation (two operations of one till may both ask for
      // the same key), so the test asks only what correctness needs: R baristas whose answers,
      // to gets sent since the write began, were all older than the version it chose.
      const below = new Set(read.filter((a) => newer(v, a.version)).map((a) => a.from));
      if (below.size < r) {
        const notBelow = read.filter((a) => !below.has(a.from) && !newer(v, a.version));
        const example = notBelow.reduce((best, a) => (newer(a.version, best.version) ? a : best), notBelow[0]!);
        return fail(
          'write-version',
          `but ${example.from} had answered its get with ${showVersion(example.version)}, which is not older. A write's version must be newer than every ` +
            'version it read (compare counters as numbers, then writer ids), or the baristas keep the older value.',
        );
      }
      const acked = holdersShown(till, input.key, v, repliedAt, true);
      if (acked.size < w) {
        return fail(
          'write-quorum',
          `when ${acked.size === 0 ? 'no barista had' : `only ${names(acked)} had`} acknowledged storing it; W = ${w}. ` +
            'Wait for put-oks from W (options.w) different baristas: count each barista once (the network delivers some answers twice), ' +
            'and only put-oks whose req is that of this write’s put (a late put-ok from an earlier request says nothing about this one).',
        );
      }
    } else {
      const heard = new Set(freshGetAnswers(till, input.key, op.callMs, repliedAt).map((a) => a.from));
      if (heard.size < r) {
        return fail(
          'read-quorum',
          `when ${heard.size === 0 ? 'no barista had' : `only ${names(heard)} had`} answered gets it sent since the read began; R = ${r}. ` +
            'Wait for answers from R (options.r) different baristas to the gets of this read: match them by req ' +
            '(an answer to an earlier get tells what a barista held back then), and count each barista once.',
        );
      }
      const vk = versionKey(input.key, v);
      const written = v.counter === 0 && v.writer === '' ? null : wire.values.get(vk);
      if (written === undefined || answer.value !== written) {
        return fail(
          'read-answer',
          `and the value ${show(answer.value)}, but ${written === undefined ? 'no till ever wrote that version' : `that version holds ${show(written)}`}: ` +
            'answer with the value and version of the newest answer, together.',
        );
      }
      if (written !== null) {
        const holders = holdersShown(till, input.key, v, repliedAt, false);
        if (holders.size < w) {
          return fail(
            'read-repair',
            `when ${holders.size === 0 ? 'no barista was' : `only ${names(holders)} ${holders.size === 1 ? 'was' : 'were'}`} ` +
              `known to hold that version or a newer one; W = ${w}. ` +
              'Before answering, send the newest version to the baristas that answered with an older one, even of the same value (and, if that is not W yet, to those that did not answer), ' +
              'and wait until W hold it: otherwise a later read may miss it and go back to an older value.',
          );
        }
      }
    }
  }
  return { outcome: 'ok' };
}

/** With R + W > N: a read that begins after a write completed returns that write's version or a newer one. */
function checkReadsSeeCompletedWrites(sim: Simulation): CheckResult {
  const writes = sim.history.filter((op) => succeeded(op) && inputOf(op).op === 'write');
  for (const read of sim.history) {
    const input = inputOf(read);
    if (!succeeded(read) || input.op !== 'read') continue;
    const got = answerOf(read) as { ok: true; version: Version; value: string | null };
    for (const write of writes) {
      const wi = inputOf(write) as { op: 'write'; key: string; value: string };
      if (wi.key !== input.key || write.returnMs >= read.callMs) continue;
      const wv = (answerOf(write) as { version: Version }).version;
      if (newer(wv, got.version)) {
        return {
          outcome: 'violated',
          property: 'read-sees-latest-write',
          message:
            `Till ${write.node} completed the write ${wi.key} = ${show(wi.value)} (${showVersion(wv)}) at ${write.returnMs} ms. ` +
            `A read of ${wi.key} that began later, at ${read.callMs} ms at till ${read.node}, returned ${show(got.value)} (${showVersion(got.version)}), an older write. ` +
            'With R + W > N, the R baristas a read hears from include one of the W that stored the write: take the newest version among all R answers, ' +
            'answer a write only after W distinct acknowledgements, and make sure baristas never replace a newer version with an older one.',
          operations: [write.id, read.id],
        };
      }
    }
  }
  return { outcome: 'ok' };
}

/**
 * Linearizability of each key: the history as a key–value store's, with failed and
 * unanswered writes as unknown outcomes (they may have reached some baristas) and failed
 * reads left out (they return nothing).
 */
function checkLinearizableOrders(sim: Simulation): CheckResult {
  const ops: Operation[] = [];
  for (const op of sim.operations()) {
    const record = sim.history[op.id - 1]!;
    const input = inputOf(record);
    const ok = op.returnMs !== Infinity && (op.output as Answer).ok === true;
    if (input.op === 'read') {
      if (!ok) continue;
      ops.push({ ...op, input: { f: 'get', key: input.key }, output: (op.output as { value: string | null }).value ?? '' });
    } else {
      ops.push({ ...op, input: { f: 'put', key: input.key, value: input.value }, output: undefined, returnMs: ok ? op.returnMs : Infinity });
    }
  }
  const result = checkLinearizable(kvModel, ops);
  if (result.outcome !== 'violated') return result;
  return {
    ...result,
    message:
      `${result.message.replaceAll('get(', 'read(').replaceAll('put(', 'write(')} ` +
      'The tills’ answers cannot be explained by one notepad changing one write at a time. Most often a read returned a value ' +
      'that an earlier read had already seen replaced: before answering a read, make sure W baristas hold the version it returns (read repair).',
  };
}


// ---- Workloads -------------------------------------------------------------------------

const KEYS = ['ada', 'sam'];
const DRINKS = ['flat white', 'oat latte', 'double espresso', 'cortado', 'mocha', 'chai', 'cold brew', 'americano'];

/**
 * The house favourites: regulars order them again and again, so one value is written at many
 * versions. A till or barista that tells versions apart by their values is caught by these.
 */
const FAVOURITES = ['flat white', 'oat latte'];
/** The share of writes that order a favourite again; the others write a value unique in the run. */
const REPEAT_SHARE = 0.5;

/**
 * Customers at random tills, each waiting for an answer before asking again: writes (half of
 * them a favourite ordered again, the others a value unique in the run) and reads of two
 * regulars' usual orders. Returns a test for "every customer is done".
 */
function customers(
  sim: Simulation,
  context: ScenarioContext,
  options: { tills: Address[]; clients: number; ops: number; writeShare: number; timeoutMs: number },
): () => boolean {
  const clients = Array.from({ length: options.clients }, (_, i) => `customer-${i + 1}`);
  runWorkload(sim, context, {
    clients,
    nodes: options.tills,
    opsPerClient: options.ops,
    timeoutMs: options.timeoutMs,
    input: (client, index, ctx): CustomerRequest => {
      const key = KEYS[ctx.int(0, KEYS.length - 1)]!;
      if (ctx.random() < options.writeShare) {
        const value = ctx.random() < REPEAT_SHARE ? FAVOURITES[ctx.int(0, FAVOURITES.length - 1)]! : `${DRINKS[ctx.int(0, DRINKS.length - 1)]} #${client.slice(9)}.${index}`;
        return { op: 'write', key, value };
      }
      return { op: 'read', key };
    },
  });
  const total = clients.length * options.ops;
  return () => sim.history.length === total && sim.history.every((op) => op.status !== 'pending');
}


/** Seeds explored per test: a fixed count, not a time budget, so every host (worker, WebContainer, CLI; fast or slow) gives the same verdict. */
const RUNS = 100;
const EXPLORE = { runsMin: RUNS, runsMax: RUNS };

/** Lost, duplicated and late messages, baristas crashing and restarting, one partition. */
function safetyFaults(baristas: Address[]): FaultSpace {
  return {
    nodes: baristas,
    durationMs: 600,
    dropProbabilityMax: 0.2,
    duplicateProbabilityMax: 0.3,
    crashesMax: 4,
    restart: 'always',
    downMsMax: 100,
    partitionsMax: 1,
    partitionMsMax: 200,
  };
}

// ---- Tests: the barista ----------------------------------------------------------------

/** One barista and the manager, no faults; `steps` run one after another, 20 ms apart. */
function baristaAlone(steps: Array<(manager: Manager) => void>, between?: (sim: Simulation, i: number) => void): Manager {
  const sim = new Simulation({ seed: 1 });
  sim.addNode('b1', (node) => newInstance().createReplica(node) as Handlers);
  const manager = addManager(sim);
  steps.forEach((step, i) =>
    sim.schedule(20 * (i + 1), () => {
      between?.(sim, i);
      step(manager);
    }),
  );
  sim.run({ untilMs: 20 * (steps.length + 2) });
  return manager;
}

/** The barista's answer to the manager's `i`-th request (0-based), checked for its type and req. */
function answerTo(manager: Manager, i: number, type: 'get-ok' | 'put-ok', what: string): Message {
  const req = 1_000_000 + i;
  const answers = manager.answers.filter((a) => a.body.req === req);
  expect(answers.length, `the barista must answer ${what} exactly once, with { type: "${type}", req } echoing the request's req`).toBe(1);
  expect(answers[0]!.body.type, `the barista must answer ${what} with type "${type}"`).toBe(type);
  return answers[0]!.body;
}

describe('a barista (replica)', () => {
  it('answers a get with the value and version it holds, and null with version 0 for an order never written', () => {
    const manager = baristaAlone([
      (m) => m.get('b1', 'ada'),
      (m) => m.put('b1', 'ada', 'flat white', { counter: 1, writer: 't1' }),
      (m) => m.get('b1', 'ada'),
      (m) => m.get('b1', 'sam'),
    ]);
    expect(answerTo(manager, 0, 'get-ok', 'a get of ada'), 'a get of an order never written answers value null and version { counter: 0, writer: "" }').toMatchObject({
      key: 'ada',
      value: null,
      version: { counter: 0, writer: '' },
    });
    expect(answerTo(manager, 1, 'put-ok', 'a put of ada'), 'a put is acknowledged with { type: "put-ok", req, key }').toMatchObject({ key: 'ada' });
    expect(answerTo(manager, 2, 'get-ok', 'a get of ada'), 'after a put of ada = "flat white" at 1:t1, a get must return that value and version').toMatchObject({
      value: 'flat white',
      version: { counter: 1, writer: 't1' },
    });
    expect(answerTo(manager, 3, 'get-ok', 'a get of sam'), 'orders are kept per key: ada’s write must not show up under sam').toMatchObject({
      value: null,
      version: { counter: 0, writer: '' },
    });
  });

  it('keeps the newer version: the higher counter, and on equal counters the higher writer id', () => {
    const steps: Array<{ value: string; version: Version; keeps: string; why: string }> = [
      { value: 'flat white', version: { counter: 2, writer: 't1' }, keeps: 'flat white', why: 'the first write must be stored' },
      { value: 'mocha', version: { counter: 1, writer: 't9' }, keeps: 'flat white', why: 'a put with a lower counter (1:t9 after 2:t1) must be ignored, whatever its writer' },
      { value: 'cortado', version: { counter: 9, writer: 't1' }, keeps: 'cortado', why: 'a put with a higher counter (9:t1 after 2:t1) must replace the value' },
      { value: 'oat latte', version: { counter: 10, writer: 't1' }, keeps: 'oat latte', why: 'counter 10 is newer than counter 9: compare counters as numbers, not as strings' },
      { value: 'chai', version: { counter: 10, writer: 't0' }, keeps: 'oat latte', why: 'on equal counters the higher writer id wins: 10:t0 is older than 10:t1' },
      { value: 'cold brew', version: { counter: 10, writer: 't2' }, keeps: 'cold brew', why: 'on equal counters the higher writer id wins: 10:t2 is newer than 10:t1' },
      { value: 'americano', version: { counter: 10, writer: 't2' }, keeps: 'cold brew', why: 'a put of the version already held changes nothing' },
    ];
    const manager = baristaAlone(steps.flatMap((s) => [(m: Manager) => m.put('b1', 'ada', s.value, s.version), (m: Manager) => m.get('b1', 'ada')]));
    steps.forEach((s, n) => {
      answerTo(manager, 2 * n, 'put-ok', `every put (even one it ignores: it holds that version or a newer one)`);
      const held = answerTo(manager, 2 * n + 1, 'get-ok', 'a get of ada');
      expect(held.value, `after a put of ${show(s.value)} at ${s.version.counter}:${s.version.writer}, b1 must hold ${show(s.keeps)}: ${s.why}`).toBe(s.keeps);
    });
  });

  it('stores a newer version of the drink it already holds, when a regular orders the same drink again', () => {
    const manager = baristaAlone([
      (m) => m.put('b1', 'ada', 'flat white', { counter: 1, writer: 't1' }),
      (m) => m.put('b1', 'ada', 'flat white', { counter: 2, writer: 't2' }),
      (m) => m.get('b1', 'ada'),
    ]);
    answerTo(manager, 0, 'put-ok', 'a put of ada');
    answerTo(manager, 1, 'put-ok', 'a second put of ada');
    expect(
      answerTo(manager, 2, 'get-ok', 'a get of ada'),
      'after "flat white" at 1:t1 and then "flat white" again at 2:t2, b1 must hold version 2:t2: a put is kept by its version, ' +
        'even when its value is the one already held (otherwise b1 acknowledges 2:t2 but keeps 1:t1, and a read through b1 misses that write)',
    ).toMatchObject({ value: 'flat white', version: { counter: 2, writer: 't2' } });
  });

  it('still has what it stored after it crashes and restarts', () => {
    const manager = baristaAlone(
      [(m) => m.put('b1', 'ada', 'oat latte', { counter: 3, writer: 't2' }), (m) => m.get('b1', 'ada')],
      (sim, i) => {
        if (i === 1) {
          sim.crash('b1');
          sim.restart('b1');
        }
      },
    );
    answerTo(manager, 0, 'put-ok', 'a put of ada');
    expect(
      answerTo(manager, 1, 'get-ok', 'a get of ada after a restart'),
      'a barista that acknowledged a put must still hold it after a crash: keep orders in node.storage, not in variables',
    ).toMatchObject({ value: 'oat latte', version: { counter: 3, writer: 't2' } });
  });
});

// ---- Tests: a till, no faults -----------------------------------------------------------

/** Three baristas, tills t1 (and t2), no faults, and the manager to set baristas up. */
function quietShop(quorum = { r: 2, w: 2, timeoutMs: 300 }): { sim: Simulation; wire: Wire; manager: Manager } {
  const sim = new Simulation({ seed: 1 });
  const wire = openShop(sim, BARISTAS_3, ['t1', 't2'], quorum);
  const manager = addManager(sim);
  return { sim, wire, manager };
}

/** Customer operations one after another (each when the previous has ended), from `atMs`. */
function oneCustomer(sim: Simulation, atMs: number, steps: Array<{ till: Address; input: CustomerRequest }>, name = 'customer'): OperationRecord[] {
  const customer = sim.client(name, { timeoutMs: 1_000 });
  const ops: OperationRecord[] = [];
  const next = (i: number): void => {
    const step = steps[i];
    if (step) void customer.invoke(step.till, step.input, (op) => (ops.push(op), next(i + 1)));
  };
  sim.schedule(atMs, () => next(0));
  return ops;
}

function expectOk(op: OperationRecord | undefined, what: string): Answer & { ok: true } {
  expect(op, `the till was never asked for ${what}: an earlier operation got no answer`).toBeDefined();
  expect(op!.status, `the till did not answer ${what} within ${op!.returnMs - op!.callMs} ms: call reply() once the quorum has answered`).toBe('ok');
  const answer = op!.output as Answer;
  expect(answer, `${what} must succeed with { ok: true, … } when every barista is up and no message is lost; got ${JSON.stringify(answer)}`).toMatchObject({ ok: true });
  return answer as Answer & { ok: true };
}

describe('a till (coordinator), no faults', () => {
  it('a write, then a read, returns the value written; an order nobody wrote reads as null', () => {
    const { sim } = quietShop();
    const ops = oneCustomer(sim, 0, [
      { till: 't1', input: { op: 'read', key: 'ada' } },
      { till: 't1', input: { op: 'write', key: 'ada', value: 'oat latte' } },
      { till: 't2', input: { op: 'read', key: 'ada' } },
      { till: 't1', input: { op: 'read', key: 'sam' } },
    ]);
    sim.run({ untilMs: 3_000 });
    const empty = expectOk(ops[0], 'a read of ada before any write');
    expect(empty, 'reading an order nobody wrote returns { ok: true, value: null, version: { counter: 0, writer: "" } }').toMatchObject({
      value: null,
      version: { counter: 0, writer: '' },
    });
    const write = expectOk(ops[1], 'the write ada = "oat latte"');
    expect(write.version, 'the first write of ada gets version { counter: 1, writer: "t1" }: one above the 0 it read, written by till t1').toEqual({
      counter: 1,
      writer: 't1',
    });
    expect(expectOk(ops[2], 'a read of ada at another till'), 'a read after the write (at any till) returns it, with its version').toMatchObject({
      value: 'oat latte',
      version: { counter: 1, writer: 't1' },
    });
    expect(expectOk(ops[3], 'a read of sam'), 'sam’s order was never written: its read returns null').toMatchObject({ value: null });
  });

  it('a write’s counter is one above the highest counter it read, and its writer is the till', () => {
    const { sim, manager } = quietShop();
    // Every barista already holds 9:zed: a writer id that sorts after t1, and a counter one
    // short of two digits.
    sim.schedule(0, () => {
      for (const b of BARISTAS_3) manager.put(b, 'ada', 'flat white', { counter: 9, writer: 'zed' });
    });
    const ops = oneCustomer(sim, 50, [
      { till: 't1', input: { op: 'write', key: 'ada', value: 'oat latte' } },
      { till: 't2', input: { op: 'read', key: 'ada' } },
    ]);
    sim.run({ untilMs: 3_000 });
    const write = expectOk(ops[0], 'the write ada = "oat latte"');
    expect(
      write.version,
      'every barista held ada at 9:zed, so the write must ask them for their versions first and take { counter: 10, writer: "t1" }',
    ).toEqual({ counter: 10, writer: 't1' });
    expect(
      expectOk(ops[1], 'a read of ada after the write'),
      'after writing ada at 10:t1 over 9:zed, a read must return the new value: 10 is newer than 9 (compare counters as numbers), whatever the writer ids',
    ).toMatchObject({ value: 'oat latte', version: { counter: 10, writer: 't1' } });
  });

  it('two writes at once through the same till get different versions, and every barista keeps the same one', () => {
    const { sim, manager } = quietShop();
    const first = oneCustomer(sim, 0, [{ till: 't1', input: { op: 'write', key: 'ada', value: 'oat latte' } }], 'customer-1');
    const second = oneCustomer(sim, 0, [{ till: 't1', input: { op: 'write', key: 'ada', value: 'mocha' } }], 'customer-2');
    sim.run({ untilMs: 1_000 });
    const a = expectOk(first[0], 'the write ada = "oat latte"');
    const b = expectOk(second[0], 'the write ada = "mocha" (at the same time, same till)');
    expect(
      `${a.version.counter}:${a.version.writer}`,
      'two writes running at once through till t1 both read version 0, yet must not both take 1:t1: keep the highest counter the till has used, and go above it',
    ).not.toBe(`${b.version.counter}:${b.version.writer}`);
    const winner = newer(a.version, b.version) ? { value: 'oat latte', version: a.version } : { value: 'mocha', version: b.version };
    const held = inspect(sim, manager, BARISTAS_3, ['ada']).get('ada')!;
    for (const barista of BARISTAS_3) {
      expect(held[barista], `every barista must end with the newer of the two writes`).toBe(`${show(winner.value)} at ${showVersion(winner.version)}`);
    }
  });

  it('a read repairs a barista that answered with an older version before it answers', () => {
    const { sim, wire, manager } = quietShop();
    sim.schedule(0, () => {
      manager.put('b1', 'ada', 'oat latte', { counter: 3, writer: 't2' });
      manager.put('b2', 'ada', 'flat white', { counter: 2, writer: 't1' });
      manager.put('b3', 'ada', 'flat white', { counter: 2, writer: 't1' });
    });
    // b3 is cut off, so the read hears b1 (3:t2) and b2 (2:t1), and must bring b2 up to date.
    sim.schedule(30, () => sim.partition([['b3']]));
    const ops = oneCustomer(sim, 40, [{ till: 't1', input: { op: 'read', key: 'ada' } }]);
    sim.run({ untilMs: 1_000 });
    const read = expectOk(ops[0], 'a read of ada with b3 cut off');
    expect(read, 'b1 holds 3:t2 "oat latte" and b2 2:t1 "flat white": the read must return the newer one').toMatchObject({
      value: 'oat latte',
      version: { counter: 3, writer: 't2' },
    });
    const holders = holdersShown(wire.tills.get('t1')!, 'ada', { counter: 3, writer: 't2' }, wire.replied.get(ops[0]!.id)!, false);
    expect(
      [...holders].sort(),
      'before answering, the read must send 3:t2 to b2 (which answered with the older 2:t1) and wait for its put-ok: ' +
        'only then do W = 2 baristas hold what the read returns',
    ).toEqual(['b1', 'b2']);
    sim.heal();
    const held = inspect(sim, manager, ['b2'], ['ada']).get('ada')!;
    expect(held.b2, 'after the read, b2 must hold the repaired value').toBe('"oat latte" at version 3:t2');
  });

  it('a write of the drink every barista already holds still stores its new version on them', () => {
    const { sim, wire, manager } = quietShop();
    sim.schedule(0, () => {
      for (const b of BARISTAS_3) manager.put(b, 'ada', 'oat latte', { counter: 1, writer: 't2' });
    });
    const ops = oneCustomer(sim, 40, [{ till: 't1', input: { op: 'write', key: 'ada', value: 'oat latte' } }]);
    sim.run({ untilMs: 1_000 });
    const write = expectOk(ops[0], 'the write ada = "oat latte" over "oat latte" at 1:t2');
    expect(write.version, 'every barista held ada at 1:t2, so the write takes { counter: 2, writer: "t1" }, whatever its value').toEqual({ counter: 2, writer: 't1' });
    const acked = holdersShown(wire.tills.get('t1')!, 'ada', write.version, wire.replied.get(ops[0]!.id)!, true);
    expect(
      acked.size,
      'before answering, the write must send its new version to the baristas and hear W = 2 put-oks for it, even from baristas ' +
        'that already hold the same drink at an older version: they hold the value, not this write',
    ).toBeGreaterThanOrEqual(2);
    const held = inspect(sim, manager, BARISTAS_3, ['ada']).get('ada')!;
    for (const barista of BARISTAS_3) {
      expect(held[barista], `${barista} must hold the write’s version: a barista keeps a put by its version, even of the value it already holds`).toBe(
        '"oat latte" at version 2:t1',
      );
    }
  });

  it('a read repairs a barista that holds the same drink at an older version before it answers', () => {
    const { sim, wire, manager } = quietShop();
    // ada ordered an oat latte (1:t1), then a flat white (2:t1), then an oat latte again (3:t2);
    // b2 missed the last two writes, b3 the last one.
    sim.schedule(0, () => {
      manager.put('b1', 'ada', 'oat latte', { counter: 3, writer: 't2' });
      manager.put('b2', 'ada', 'oat latte', { counter: 1, writer: 't1' });
      manager.put('b3', 'ada', 'flat white', { counter: 2, writer: 't1' });
    });
    // b3 is cut off, so the read hears b1 (3:t2) and b2 (1:t1): the same drink, at different versions.
    sim.schedule(30, () => sim.partition([['b3']]));
    const ops = oneCustomer(sim, 40, [{ till: 't1', input: { op: 'read', key: 'ada' } }]);
    sim.run({ untilMs: 1_000 });
    const read = expectOk(ops[0], 'a read of ada with b3 cut off');
    expect(read, 'b1 holds 3:t2 and b2 the older 1:t1: the read must return 3:t2').toMatchObject({ value: 'oat latte', version: { counter: 3, writer: 't2' } });
    const holders = holdersShown(wire.tills.get('t1')!, 'ada', { counter: 3, writer: 't2' }, wire.replied.get(ops[0]!.id)!, false);
    expect(
      [...holders].sort(),
      'b2 answered with "oat latte" at 1:t1: the same drink as b1’s 3:t2, but an older write. Before answering, the read must ' +
        'send 3:t2 to b2 and wait for its put-ok (compare versions, not values): otherwise only b1 holds 3:t2, and a read that hears ' +
        'b2 and b3 returns the older flat white',
    ).toEqual(['b1', 'b2']);
    sim.heal();
    const held = inspect(sim, manager, ['b2'], ['ada']).get('ada')!;
    expect(held.b2, 'after the read, b2 must hold the repaired version').toBe('"oat latte" at version 3:t2');
  });
});

// ---- Tests: quorums under faults ---------------------------------------------------------

describe('quorums, with lost, duplicated and late messages and crashing baristas', () => {
  it('a till answers a write only after W baristas acknowledged it, and a read only after R answered and W hold its value', () => {
    // N = 5, R = 2, W = 4: R and W differ, so a till that mixes them up is caught, and a read
    // must repair beyond the R baristas it heard from.
    const quorum = { r: 2, w: 4, timeoutMs: 400 };
    const scenario: Scenario = {
      name: 'quorum-evidence',
      faults: { nodes: BARISTAS_5, durationMs: 600, dropProbabilityMax: 0.2, duplicateProbabilityMax: 0.4, crashesMax: 1, downMsMax: 200 },
      delay: { kind: 'uniform', msMin: 1, msMax: 30 },
      run(sim, context) {
        const wire = openShop(sim, BARISTAS_5, ['t1', 't2'], quorum);
        const done = customers(sim, context, { tills: ['t1', 't2'], clients: 3, ops: 12, writeShare: 0.5, timeoutMs: 2_000 });
        runUntil(sim, done, 20_000);
        return firstFailure(
          () => checkAnswers(sim),
          () => checkOneValuePerVersion(wire),
          () => checkQuorums(sim, wire, quorum),
        );
      },
    };
    assertExploration(
      explore(scenario, EXPLORE),
      'Hint: keep, per operation, the set of baristas that have answered its current request (matched by req). ' +
        'A set counts each barista once, however often the network delivers its answer.',
    );
  });

  it('with R + W > N, a read that begins after a write completed returns that write or a newer one', () => {
    const quorum = { r: 2, w: 2, timeoutMs: 300 };
    const scenario: Scenario = {
      name: 'read-latest',
      faults: safetyFaults(BARISTAS_3),
      run(sim, context) {
        const wire = openShop(sim, BARISTAS_3, ['t1', 't2', 't3'], quorum);
        const done = customers(sim, context, { tills: ['t1', 't2', 't3'], clients: 4, ops: 20, writeShare: 0.5, timeoutMs: 2_000 });
        runUntil(sim, done, 20_000);
        return firstFailure(
          () => checkAnswers(sim),
          () => checkOneValuePerVersion(wire),
          () => checkReadsSeeCompletedWrites(sim),
        );
      },
    };
    assertExploration(
      explore(scenario, EXPLORE),
      'Hint: a completed write is on W baristas, and any R baristas include one of them. Make sure your till waits for R answers, ' +
        'keeps the newest (not the first), and that baristas ignore older puts.',
    );
  });

  it('with read repair, every history is linearizable: no read goes back to an older value', () => {
    const quorum = { r: 2, w: 2, timeoutMs: 300 };
    const scenario: Scenario = {
      name: 'linearizable',
      faults: safetyFaults(BARISTAS_3),
      run(sim, context) {
        const wire = openShop(sim, BARISTAS_3, ['t1', 't2', 't3'], quorum);
        const done = customers(sim, context, { tills: ['t1', 't2', 't3'], clients: 4, ops: 20, writeShare: 0.4, timeoutMs: 2_000 });
        runUntil(sim, done, 20_000);
        return firstFailure(
          () => checkAnswers(sim),
          () => checkOneValuePerVersion(wire),
          () => checkLinearizableOrders(sim),
        );
      },
    };
    assertExploration(
      explore(scenario, EXPLORE),
      'Hint: a write that reached only some baristas may be seen by one read and missed by the next. A read that returns a version must first make sure W baristas hold it.',
    );
  });
});

// ---- Tests: availability -----------------------------------------------------------------

/**
 * The most baristas that were down or cut off from the tills at any moment of [fromMs, toMs],
 * from the run's fault plan (partitions there only ever cut off baristas).
 */
function mostUnreachable(plan: FaultPlan, fromMs: number, toMs: number): number {
  const moments = new Set<number>([fromMs]);
  for (const c of plan.crashes) moments.add(c.atMs).add(c.atMs + (c.downMs ?? 0));
  for (const p of plan.partitions) moments.add(p.atMs).add(p.atMs + p.durationMs);
  let most = 0;
  for (const t of moments) {
    if (t < fromMs || t > toMs) continue;
    const out = new Set<Address>();
    for (const c of plan.crashes) if (c.atMs <= t && (c.downMs === null || t < c.atMs + c.downMs)) out.add(c.node);
    // A partition that ends at t is gone by then; one that starts at t is in force.
    for (const p of plan.partitions) if (p.atMs <= t && t < p.atMs + p.durationMs) for (const b of p.side) out.add(b);
    most = Math.max(most, out.size);
  }
  return most;
}

describe('availability', () => {
  it('reads and writes succeed while at most N − max(R, W) baristas are down or cut off, and fail with an error, never hang, when more are', () => {
    const quorum = { r: 2, w: 2, timeoutMs: 400 };
    const scenario: Scenario = {
      name: 'available',
      faults: {
        nodes: BARISTAS_3,
        durationMs: 800,
        dropProbabilityMax: 0.1,
        duplicateProbabilityMax: 0.1,
        crashesMax: 3,
        restart: 'sometimes',
        downMsMax: 600,
        partitionsMax: 1,
        partitionMsMax: 600,
      },
      run(sim, context) {
        openShop(sim, BARISTAS_3, ['t1', 't2'], quorum);
        const done = customers(sim, context, { tills: ['t1', 't2'], clients: 3, ops: 15, writeShare: 0.5, timeoutMs: quorum.timeoutMs + 500 });
        runUntil(sim, done, 30_000);
        const formats = checkAnswers(sim);
        if (formats.outcome !== 'ok') return formats;
        for (const op of sim.history) {
          if (op.status !== 'ok') {
            return {
              outcome: 'violated',
              property: 'fails-fast',
              message:
                `Till ${op.node} never answered ${describeOp(op)}, asked at ${op.callMs} ms: the customer gave up at ${op.returnMs} ms, ` +
                `though the till’s deadline was ${quorum.timeoutMs} ms. When not enough baristas answer in time, ` +
                'answer { ok: false, error } at the deadline (a timer set when the request comes in).',
              operations: [op.id],
            };
          }
          const answer = answerOf(op);
          if (op.returnMs - op.callMs > quorum.timeoutMs + 10) {
            return {
              outcome: 'violated',
              property: 'fails-fast',
              message:
                `Till ${op.node} answered ${describeOp(op)} ${op.returnMs - op.callMs} ms after it was asked (${op.callMs}–${op.returnMs} ms), ` +
                `with ${JSON.stringify(answer)}; its deadline was ${quorum.timeoutMs} ms. A customer must hear back by the deadline: ` +
                'when the operation is not done then, answer { ok: false, error } (a timer set when the request comes in) and stop working on it.',
              operations: [op.id],
            };
          }
          const down = mostUnreachable(context.plan, op.callMs, op.returnMs);
          if (!answer.ok && down <= BARISTAS_3.length - Math.max(quorum.r, quorum.w)) {
            return {
              outcome: 'violated',
              property: 'available',
              message:
                `Till ${op.node} failed ${describeOp(op)} (${op.callMs}–${op.returnMs} ms) with ${show(answer.error)}, ` +
                `though ${down === 0 ? 'every barista was up and reachable' : `only ${down} barista was down or cut off at a time`} and R = W = 2 of 3. ` +
                'Send each request to all N baristas, not just R or W of them, and send it again to those that have not answered every few tens of ms: messages get lost.',
              operations: [op.id],
            };
          }
        }
        return { outcome: 'ok' };
      },
    };
    assertExploration(
      explore(scenario, EXPLORE),
      'Hint: each operation needs two timers: one that resends to the baristas that have not answered yet, ' +
        'and one, set when the request arrives, that gives up at the deadline.',
    );
  });

  it('with two of three baristas cut off, a read and a write fail with an error by their deadline, and succeed again after the network heals', () => {
    const { sim } = quietShop({ r: 2, w: 2, timeoutMs: 200 });
    sim.schedule(0, () => sim.partition([['b2', 'b3']]));
    const cutOff = oneCustomer(sim, 10, [
      { till: 't1', input: { op: 'write', key: 'ada', value: 'oat latte' } },
      { till: 't1', input: { op: 'read', key: 'ada' } },
    ]);
    sim.schedule(600, () => sim.heal());
    const healed = oneCustomer(
      sim,
      700,
      [
        { till: 't1', input: { op: 'write', key: 'ada', value: 'mocha' } },
        { till: 't2', input: { op: 'read', key: 'ada' } },
      ],
      'customer-later',
    );
    sim.run({ untilMs: 3_000 });
    for (const [op, what] of [
      [cutOff[0], 'the write'],
      [cutOff[1], 'the read'],
    ] as const) {
      expect(op, `the till was never asked for ${what}: the operation before it got no answer`).toBeDefined();
      expect(
        op!.status,
        `with b2 and b3 cut off, ${what} can never reach 2 baristas: the till must answer { ok: false, error } at its deadline (200 ms), not leave the customer waiting`,
      ).toBe('ok');
      const answer = op!.output as Answer;
      expect(answer.ok, `only b1 is reachable and R = W = 2: ${what} must fail, not succeed; got ${JSON.stringify(answer)}`).toBe(false);
      expect((answer as { error?: unknown }).error, 'a failure says what went wrong: { ok: false, error: "…" }').toEqual(expect.any(String));
      expect(op!.returnMs - op!.callMs, `${what} must fail by its deadline, 200 ms after the customer asked`).toBeLessThanOrEqual(210);
    }
    expectOk(healed[0], 'a write once the network has healed');
    expect(expectOk(healed[1], 'a read once the network has healed'), 'after the heal, a read returns the last successful write').toMatchObject({ value: 'mocha' });
  });
});

// ---- Tests: concurrent writers -------------------------------------------------------------

/** The orders changed by three customers at once, one after another. */
const BURST_KEYS = ['ada', 'sam', 'kim', 'lou', 'max', 'zoe'];

describe('concurrent writers', () => {
  it('customers writing the same order at once leave every barista with the same value once the network heals and a read at ALL has run', () => {
    const quorum = { r: 2, w: 2, timeoutMs: 300 };
    const scenario: Scenario = {
      name: 'converge',
      faults: safetyFaults(BARISTAS_3),
      run(sim, context) {
        const wire = openShop(sim, BARISTAS_3, ['t1', 't2', 't3'], quorum);
        // The read at ALL: a till like the others, asked to hear from and repair every barista.
        addTill(sim, wire, 'audit', { replicas: BARISTAS_3, r: 3, w: 3, timeoutMs: 1_000 });
        const manager = addManager(sim);
        // Three customers, one at each till, change the same order at (nearly) the same moment,
        // one order after another: all three read the same version and write the next counter.
        // Every other order, all three ask for the same favourite drink.
        const tills = ['t1', 't2', 't3'];
        const rounds = tills.map(() => [] as OperationRecord[]);
        tills.forEach((till, j) => {
          const customer = sim.client(`customer-${j + 1}`, { timeoutMs: 2_000 });
          const next = (i: number): void => {
            const key = BURST_KEYS[i];
            if (key === undefined) return;
            sim.schedule(Math.max(sim.nowMs, 80 * i + context.int(0, 3)), () => {
              const unique = `${DRINKS[context.int(0, DRINKS.length - 1)]} #${j + 1}.${i}`;
              // In every other round all three order the same favourite: one value, three versions.
              const value = i % 2 === 1 ? FAVOURITES[(i >> 1) % FAVOURITES.length]! : unique;
              void customer.invoke(till, { op: 'write', key, value }, (op) => {
                rounds[j]!.push(op);
                next(i + 1);
              });
            });
          };
          next(0);
        });
        runUntil(sim, () => rounds.every((ops) => ops.length === BURST_KEYS.length), 20_000);
        // Every fault is over by 1,000 ms; from then on no message is lost or doubled.
        sim.run({ untilMs: Math.max(sim.nowMs, 1_000) });
        sim.configureNetwork({ dropProbability: 0, duplicateProbability: 0 });
        const audits = oneCustomer(
          sim,
          sim.nowMs,
          BURST_KEYS.map((key) => ({ till: 'audit', input: { op: 'read', key } })),
          'auditor',
        );
        sim.run({ untilMs: sim.nowMs + 3_000 });
        const first = firstFailure(
          () => checkAnswers(sim),
          () => checkOneValuePerVersion(wire),
        );
        if (first.outcome !== 'ok') return first;
        for (const [i, key] of BURST_KEYS.entries()) {
          const audit = audits[i];
          if (!audit || !succeeded(audit)) {
            return {
              outcome: 'violated',
              property: 'read-at-all',
              message:
                `After the network healed, with every barista up and no message lost, a read of ${key} at ALL (a till with r = w = 3) ` +
                `${audit ? `answered ${JSON.stringify(audit.output)}` : 'never got its turn'}: it must succeed.`,
            };
          }
        }
        const held = inspect(sim, manager, BARISTAS_3, BURST_KEYS);
        for (const key of BURST_KEYS) {
          const row = held.get(key)!;
          if (checkConvergence(row).outcome === 'violated') {
            const groups = new Map<string, Address[]>();
            for (const [barista, what] of Object.entries(row)) groups.set(what, [...(groups.get(what) ?? []), barista]);
            const text = [...groups].map(([what, who]) => `${who.join(', ')} ${who.length === 1 ? 'holds' : 'hold'} ${what}`).join('; ');
            return {
              outcome: 'violated',
              property: 'convergence',
              message:
                `After the network healed and a read of ${key} at ALL (r = w = 3) had run, the baristas disagree about ${key}: ${text}. ` +
                'Every barista must order two writes the same way (counter first, then writer id), and a read must repair every barista that answered with an older version, even one of the same value.',
            };
          }
        }
        return { outcome: 'ok' };
      },
    };
    assertExploration(
      explore(scenario, EXPLORE),
      'Hint: two tills that write at once may pick the same counter. The writer id decides between them, the same way on every barista.',
    );
  });
});
