/**
 * The Paxos exercise's graded tests. Each role is first scripted against stand-ins that speak
 * the protocol (so a test names the one rule a role broke), then the three roles run together
 * while the explorer tries seeds of lost, duplicated and late messages, partitions, and crashes.
 */
import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Address, Handlers, Node } from '@baristas/sim';
import {
  Simulation,
  assertExploration,
  checkConsensus,
  explore,
  firstFailure,
  isObject,
  show,
  type CheckResult,
  type FaultSpace,
  type OperationRecord,
  type Scenario,
} from '@baristas/sim/testing';
import type { Accepted, Ballot, PaxosMessage, ProposeReply } from './provided/protocol.ts';

// ---- Stand-ins -------------------------------------------------------------------------------

interface Heard {
  t: number;
  from: Address;
  msg: PaxosMessage;
}

/** A node the test speaks through: it records what it hears and sends what the test says. */
interface Probe {
  heard: Heard[];
  send(to: Address, msg: PaxosMessage): void;
  /** What it heard of one type. */
  of<T extends PaxosMessage['type']>(type: T): Array<Heard & { msg: Extract<PaxosMessage, { type: T }> }>;
}

function addProbe(sim: Simulation, id: Address, answer?: (probe: Probe, from: Address, msg: PaxosMessage) => void): Probe {
  let self: Node | undefined;
  const probe: Probe = {
    heard: [],
    send: (to, msg) => self!.send(to, msg),
    of: (type) => probe.heard.filter((h) => h.msg.type === type) as never,
  };
  sim.addNode(id, (node) => {
    self = node;
    return {
      onMessage(from, body) {
        if (!isObject(body)) return;
        probe.heard.push({ t: sim.nowMs, from, msg: body as unknown as PaxosMessage });
        answer?.(probe, from, body as unknown as PaxosMessage);
      },
    };
  });
  return probe;
}

const b = (round: number, node = 'p1'): Ballot => ({ round, node });
const showBallot = (x: Ballot): string => `(${x.round}, ${x.node})`;
const above = (x: Ballot, y: Ballot): boolean => x.round > y.round || (x.round === y.round && x.node > y.node);

const acceptor = (options: { learners: Address[] }) => (node: Node) => newInstance().createAcceptor(node, options) as Handlers;
const proposer = (options: { acceptors: Address[]; deadlineMs: number }) => (node: Node) =>
  newInstance().createProposer(node, options) as Handlers;
const learner = (acceptors: Address[], learned: Array<{ t: number; node: Address; value: string }>, sim: Simulation) => (node: Node) =>
  newInstance().createLearner(node, { acceptors, onLearn: (value: string) => learned.push({ t: sim.nowMs, node: node.id, value }) }) as Handlers;

/** Runs `steps` at their times, then the simulation to `untilMs`. */
function script(sim: Simulation, steps: Array<[number, () => void]>, untilMs = 1_000): void {
  for (const [t, step] of steps) sim.schedule(t, step);
  sim.run({ untilMs });
}

// ---- The acceptor ------------------------------------------------------------------------------

describe('an acceptor', () => {
  /** One acceptor `a1`, a proposer stand-in `p` and a learner stand-in `l`. */
  const shop = () => {
    const sim = new Simulation({ seed: 1, delay: { kind: 'fixed', ms: 5 } });
    sim.addNode('a1', acceptor({ learners: ['l'] }));
    const p = addProbe(sim, 'p');
    const l = addProbe(sim, 'l');
    return { sim, p, l };
  };
  const promisesFor = (p: Probe, x: Ballot) => p.of('promise').filter((h) => h.msg.ballot.round === x.round && h.msg.ballot.node === x.node);
  const acceptedFor = (probe: Probe, x: Ballot) => probe.of('accepted').filter((h) => h.msg.ballot.round === x.round && h.msg.ballot.node === x.node);

  it('promises a first prepare, reporting that it has accepted nothing', () => {
    const { sim, p } = shop();
    script(sim, [[0, () => p.send('a1', { type: 'prepare', ballot: b(1) })]]);
    const got = promisesFor(p, b(1));
    expect(got.length, 'a prepare(1, p1) to a fresh acceptor must be answered with promise(1, p1)').toBeGreaterThan(0);
    expect(got[0]!.msg.accepted, 'a fresh acceptor has accepted nothing: its promise reports accepted: null').toBeNull();
  });

  it('refuses a prepare numbered below its promise', () => {
    const { sim, p } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'prepare', ballot: b(5) })],
      [20, () => p.send('a1', { type: 'prepare', ballot: b(3) })],
      [40, () => p.send('a1', { type: 'prepare', ballot: b(5, 'p0') })],
    ]);
    expect(promisesFor(p, b(3)), 'after promising (5, p1), a prepare(3, p1) must be refused, not promised').toEqual([]);
    expect(promisesFor(p, b(5, 'p0')), 'after promising (5, p1), a prepare(5, p0) is below it (same round, "p0" < "p1") and must be refused').toEqual([]);
  });

  it('answers a refusal with a nack naming the promise it keeps', () => {
    const { sim, p } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'prepare', ballot: b(5) })],
      [20, () => p.send('a1', { type: 'prepare', ballot: b(3) })],
      [40, () => p.send('a1', { type: 'accept', ballot: b(4), value: 'mocha' })],
    ]);
    const nacks = p.of('nack').map((h) => h.msg);
    expect(nacks, 'prepare(3, p1) after promising (5, p1) must be answered nack(ballot (3, p1), promised (5, p1))').toContainEqual({
      type: 'nack',
      ballot: b(3),
      promised: b(5),
    });
    expect(nacks, 'accept(4, p1) after promising (5, p1) must be answered nack(ballot (4, p1), promised (5, p1))').toContainEqual({
      type: 'nack',
      ballot: b(4),
      promised: b(5),
    });
  });

  it('refuses an accept numbered below its promise, and does not report it later', () => {
    const { sim, p, l } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'prepare', ballot: b(2) })],
      [20, () => p.send('a1', { type: 'accept', ballot: b(1), value: 'mocha' })],
      [40, () => p.send('a1', { type: 'prepare', ballot: b(3) })],
    ]);
    expect(
      [...acceptedFor(p, b(1)), ...acceptedFor(l, b(1))],
      'after promising (2, p1), an accept(1, p1, "mocha") must be refused: accepting it breaks the promise a proposer counted on',
    ).toEqual([]);
    expect(promisesFor(p, b(3))[0]?.msg.accepted, 'the refused accept must not show up as accepted in a later promise').toBeNull();
  });

  it('accepts at or above its promise and tells the proposer that asked and every learner', () => {
    const { sim, p, l } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'prepare', ballot: b(2) })],
      [20, () => p.send('a1', { type: 'accept', ballot: b(2), value: 'mocha' })],
      [40, () => p.send('a1', { type: 'accept', ballot: b(4), value: 'chai' })],
    ]);
    expect(acceptedFor(p, b(2)).map((h) => h.msg.value), 'accept(2, p1, "mocha") after promising (2, p1) must be accepted and reported to the proposer').toContain('mocha');
    expect(acceptedFor(l, b(2)).map((h) => h.msg.value), 'every learner must hear accepted(2, p1, "mocha")').toContain('mocha');
    expect(acceptedFor(l, b(4)).map((h) => h.msg.value), 'an accept above the promise, (4, p1), needs no prepare first: it must be accepted').toContain('chai');
  });

  it('reports the highest-numbered proposal it accepted in its promises', () => {
    const { sim, p } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'accept', ballot: b(1), value: 'latte' })],
      [20, () => p.send('a1', { type: 'accept', ballot: b(2, 'p2'), value: 'mocha' })],
      [40, () => p.send('a1', { type: 'accept', ballot: b(2, 'p1'), value: 'chai' })],
      [60, () => p.send('a1', { type: 'prepare', ballot: b(3) })],
    ]);
    const reported = promisesFor(p, b(3))[0]?.msg.accepted;
    expect(reported, 'prepare(3, p1) must be promised').toBeDefined();
    expect(
      reported,
      'it accepted "latte" at (1, p1) and "mocha" at (2, p2), then refused (2, p1), which is below (2, p2): its promise must report (2, p2) with "mocha"',
    ).toEqual({ ballot: b(2, 'p2'), value: 'mocha' });
  });

  it('keeps its promise and its accepted proposal across a crash', () => {
    const { sim, p, l } = shop();
    script(sim, [
      [0, () => p.send('a1', { type: 'accept', ballot: b(3), value: 'flat white' })],
      [10, () => p.send('a1', { type: 'prepare', ballot: b(5) })],
      [30, () => sim.crash('a1')],
      [40, () => sim.restart('a1')],
      [60, () => p.send('a1', { type: 'accept', ballot: b(4), value: 'cortado' })],
      [80, () => p.send('a1', { type: 'prepare', ballot: b(4, 'p9') })],
      [100, () => p.send('a1', { type: 'prepare', ballot: b(6) })],
    ]);
    expect(
      [...acceptedFor(p, b(4)), ...acceptedFor(l, b(4))],
      'it promised (5, p1) before the crash: after restarting it must still refuse accept(4, p1) (keep the promise in node.storage, written before answering)',
    ).toEqual([]);
    expect(promisesFor(p, b(4, 'p9')), 'it promised (5, p1) before the crash: after restarting it must still refuse prepare(4, p9)').toEqual([]);
    expect(
      promisesFor(p, b(6))[0]?.msg.accepted,
      'it accepted (3, p1) "flat white" before the crash: after restarting, its promise for (6, p1) must still report it',
    ).toEqual({ ballot: b(3), value: 'flat white' });
  });
});

// ---- The proposer ------------------------------------------------------------------------------

/**
 * Three acceptor stand-ins and one proposer `p1`. `answer` decides, per acceptor, how it answers
 * a message (return nothing to stay silent); `nth` counts the messages of that type it has heard.
 */
function proposerShop(answer: (acceptor: Address, msg: PaxosMessage, nth: number) => PaxosMessage | undefined, deadlineMs = 2_000, seed = 1) {
  const sim = new Simulation({ seed, delay: { kind: 'fixed', ms: 5 } });
  const ACCEPTORS = ['a1', 'a2', 'a3'];
  const counts = new Map<string, number>();
  const probes = ACCEPTORS.map((id) =>
    addProbe(sim, id, (probe, from, msg) => {
      const key = `${id}/${msg.type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const out = answer(id, msg, counts.get(key)!);
      if (out) probe.send(from, out);
    }),
  );
  sim.addNode('p1', proposer({ acceptors: ACCEPTORS, deadlineMs }));
  const customer = sim.client('customer', { timeoutMs: deadlineMs + 1_000 });
  const sent = <T extends PaxosMessage['type']>(type: T) => probes.flatMap((p, i) => p.of(type).map((h) => ({ ...h, to: ACCEPTORS[i]! })));
  return { sim, customer, sent };
}

/**
 * The usual acceptor answers (promise everything, accept everything), reporting what the stand-in
 * accepted since, or else `reported`.
 */
function honest(reported: (acceptor: Address) => Accepted | null = () => null) {
  // A correct acceptor, so that any correct proposer gets the outcome Paxos promises.
  const promised = new Map<Address, Ballot>();
  const accepted = new Map<Address, Accepted>();
  return (acceptor: Address, msg: PaxosMessage): PaxosMessage | undefined => {
    const p = promised.get(acceptor);
    if (msg.type === 'prepare' || msg.type === 'accept') {
      if (p && above(p, msg.ballot)) return { type: 'nack', ballot: msg.ballot, promised: p };
      promised.set(acceptor, msg.ballot);
    }
    if (msg.type === 'prepare') return { type: 'promise', ballot: msg.ballot, accepted: accepted.get(acceptor) ?? reported(acceptor) };
    if (msg.type === 'accept') {
      accepted.set(acceptor, { ballot: msg.ballot, value: msg.value });
      return { type: 'accepted', ballot: msg.ballot, value: msg.value };
    }
    return undefined;
  };
}

const replyOf = (op: OperationRecord | undefined): ProposeReply | undefined => op?.output as ProposeReply | undefined;

describe('a proposer', () => {
  it('numbers its proposals with its own address and asks every acceptor to prepare', () => {
    const { sim, customer, sent } = proposerShop(honest());
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 500 });
    const prepares = sent('prepare');
    expect(new Set(prepares.map((h) => h.to)), 'phase 1 sends prepare to every acceptor').toEqual(new Set(['a1', 'a2', 'a3']));
    for (const h of prepares) {
      expect(h.msg.ballot.node, `a proposal number is { round, node } with the proposer's own address; p1 sent ${JSON.stringify(h.msg.ballot)}`).toBe('p1');
      expect(Number.isInteger(h.msg.ballot.round) && h.msg.ballot.round > 0, 'a round is a positive integer').toBe(true);
    }
  });

  it('sends accept only once a majority of the acceptors promised', () => {
    // Only a1 ever answers a prepare.
    const answer = honest();
    const { sim, customer, sent } = proposerShop((acceptor, msg) => (acceptor === 'a1' ? answer(acceptor, msg) : undefined), 800);
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 1_000 });
    expect(sent('accept').map((h) => show(h.msg)), 'with one promise of three (not a majority), phase 2 must not start').toEqual([]);
  });

  it('counts only the promises made for its current proposal number', () => {
    // Every acceptor ignores p1's first prepare. At p1's second prepare, a1 answers the first one
    // (a late promise for the old number) and a2 promises the new one; a3 stays silent.
    const answer = honest();
    let first: Ballot | undefined;
    const { sim, customer, sent } = proposerShop((acceptor, msg, nth) => {
      if (msg.type !== 'prepare') return answer(acceptor, msg);
      if (nth === 1) {
        first ??= msg.ballot;
        return undefined;
      }
      if (nth === 2 && acceptor === 'a1') return { type: 'promise', ballot: first!, accepted: null };
      if (nth === 2 && acceptor === 'a2') return answer(acceptor, msg);
      return undefined;
    }, 800);
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 1_000 });
    expect(
      sent('accept').map((h) => show(h.msg)),
      'a1 promised only p1’s old number and a2 its new one: that is one promise per number, not a majority, so phase 2 must not start (a promise for another number says nothing about this one)',
    ).toEqual([]);
  });

  it('proposes the value of the highest-numbered proposal the promises reported, not its own', () => {
    // a1 and a2 report a proposal each; a3 answers late, so the first majority is a1 and a2. The
    // highest comes second, then first, then differs from the other only in its node.
    const cases: Array<{ a1: Accepted; a2: Accepted; highest: string }> = [
      { a1: { ballot: b(1, 'p7'), value: 'latte' }, a2: { ballot: b(2, 'p0'), value: 'chai' }, highest: 'chai' },
      { a1: { ballot: b(2, 'p7'), value: 'latte' }, a2: { ballot: b(2, 'p0'), value: 'chai' }, highest: 'latte' },
      { a1: { ballot: b(2, 'p0'), value: 'chai' }, a2: { ballot: b(2, 'p7'), value: 'latte' }, highest: 'latte' },
    ];
    for (const { a1, a2, highest } of cases) {
      const reported: Record<string, Accepted | null> = { a1, a2, a3: null };
      const { sim, customer, sent } = proposerShop((acceptor, msg) => {
        if (acceptor === 'a3' && msg.type === 'prepare') return undefined;
        return honest((a) => reported[a] ?? null)(acceptor, msg);
      });
      sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
      sim.run({ untilMs: 500 });
      const accepts = sent('accept');
      const what = `the promises reported ${show(a1.value)} at ${showBallot(a1.ballot)} (from a1) and ${show(a2.value)} at ${showBallot(a2.ballot)} (from a2)`;
      expect(accepts.length, 'promises from a1 and a2 are a majority of three: phase 2 must start').toBeGreaterThan(0);
      expect(
        accepts[0]!.msg.value,
        `${what}: the proposer must propose ${show(highest)}, the highest-numbered (round first, then node), whichever promise arrived first, because it may already be chosen`,
      ).toBe(highest);
      expect(replyOf(sim.history[0]), `the customer hears the chosen value, which is ${show(highest)}, not the one it asked for`).toEqual({ ok: true, value: highest });
    }
  });

  it('answers the customer with the chosen value once a majority accepted', () => {
    const { sim, customer } = proposerShop(honest());
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 500 });
    expect(replyOf(sim.history[0]), 'with every acceptor answering, "mocha" is chosen and the customer must hear { ok: true, value: "mocha" }').toEqual({
      ok: true,
      value: 'mocha',
    });
  });

  it('does not take one acceptor’s acceptance twice for a majority', () => {
    // a1 promises and accepts, and answers every accept twice; a2 and a3 promise but never accept.
    const answer = honest();
    const { sim, customer } = proposerShop((acceptor, msg) => {
      if (msg.type === 'accept' && acceptor !== 'a1') return undefined;
      return answer(acceptor, msg);
    }, 600);
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.configureNetwork({ duplicateProbability: 1 });
    sim.run({ untilMs: 1_000 });
    expect(replyOf(sim.history[0]), 'only a1 accepted (its message arrived twice): nothing is chosen, so the deadline answer is due').toEqual({
      ok: false,
      error: 'deadline',
    });
  });

  it('answers by its deadline when no majority answers, and only once', () => {
    const { sim, customer } = proposerShop(() => undefined, 300);
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 1_500 });
    const op = sim.history[0]!;
    expect(op.status, 'no acceptor ever answers: the customer must still get an answer by the deadline, 300 ms').toBe('ok');
    expect(replyOf(op), 'no majority, no choice: the answer is { ok: false, error: "deadline" }').toEqual({ ok: false, error: 'deadline' });
    expect(op.returnMs - op.callMs, 'the deadline answer comes by deadlineMs').toBeLessThanOrEqual(300 + 10);
  });

  it('tries again with a higher number when its round goes unanswered or is refused', () => {
    // Every acceptor ignores p1's first two prepares, then answers.
    const answer = honest();
    const { sim, customer, sent } = proposerShop((acceptor, msg, nth) => {
      if (msg.type === 'prepare' && nth <= 2) return undefined;
      return answer(acceptor, msg);
    });
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 1_800 });
    const rounds = [...new Set(sent('prepare').map((h) => h.msg.ballot.round))];
    expect(rounds.length, 'a proposer left without answers must prepare again, with a higher number').toBeGreaterThanOrEqual(3);
    expect(rounds, 'each new round has a higher number').toEqual([...rounds].sort((x, y) => x - y));
    expect(replyOf(sim.history[0]), 'the third round is answered: "mocha" is chosen').toEqual({ ok: true, value: 'mocha' });
  });

  it('after a nack, starts its next round above the promise the nack reported', () => {
    // Every acceptor has promised (40, p9) and says so.
    const { sim, customer, sent } = proposerShop((_acceptor, msg) =>
      msg.type === 'prepare' && msg.ballot.round <= 40 ? { type: 'nack', ballot: msg.ballot, promised: b(40, 'p9') } : honest()(_acceptor, msg),
    );
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 1_500 });
    const rounds = [...new Set(sent('prepare').map((h) => h.msg.ballot.round))];
    expect(rounds.length, 'refused, p1 must prepare again').toBeGreaterThanOrEqual(2);
    expect(
      rounds[1],
      `every acceptor answered nack(promised (40, p9)): p1's next round must be above 40, not ${rounds[1]} (a proposer that climbs one round at a time may never catch up)`,
    ).toBeGreaterThan(40);
    expect(replyOf(sim.history[0]), 'its round above 40 is answered: "mocha" is chosen').toEqual({ ok: true, value: 'mocha' });
  });

  it('never reuses a proposal number after it restarts', () => {
    const { sim, customer, sent } = proposerShop(() => undefined, 300);
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.schedule(400, () => {
      sim.crash('p1');
      sim.restart('p1');
    });
    sim.schedule(410, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.run({ untilMs: 700 });
    const before = sent('prepare').filter((h) => h.t < 400).map((h) => h.msg.ballot);
    const after = sent('prepare').filter((h) => h.t > 400).map((h) => h.msg.ballot);
    expect(after.length, 'after restarting, a new request must start a round').toBeGreaterThan(0);
    const highest = before.reduce((x, y) => (above(y, x) ? y : x));
    expect(
      after.every((x) => above(x, highest)),
      `before its crash p1 used numbers up to ${showBallot(highest)}; after restarting it used ${after.map(showBallot).join(', ')}: a number must never be used twice (keep the round in node.storage)`,
    ).toBe(true);
  });

  it('runs a round for every request, even after a value was chosen', () => {
    const { sim, customer, sent } = proposerShop(honest());
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.schedule(300, () => void customer.invoke('p1', { op: 'propose', value: 'chai' }));
    sim.run({ untilMs: 1_000 });
    expect(
      sent('prepare').filter((h) => h.t >= 300).length,
      '"mocha" was chosen before the second request: p1 must still run a round for it (phase 1 hands "mocha" back, and the round is how a learner that missed the acceptances hears of it)',
    ).toBeGreaterThan(0);
    expect(replyOf(sim.history[1]), 'the second customer hears the chosen value, "mocha"').toEqual({ ok: true, value: 'mocha' });
  });

  it('pauses a random time, drawn from node.random(), before trying again', () => {
    // Every acceptor refuses every prepare; the same script runs under several seeds.
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const timings = seeds.map((seed) => {
      const { sim, customer, sent } = proposerShop(
        (_acceptor, msg) => (msg.type === 'prepare' ? { type: 'nack', ballot: msg.ballot, promised: b(1_000, 'p9') } : undefined),
        1_000,
        seed,
      );
      sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
      sim.run({ untilMs: 1_000 });
      return [...new Set(sent('prepare').map((h) => h.t))].join(', ');
    });
    expect(timings.filter((t) => t.includes(',')).length, 'every prepare is refused: p1 must try again within its 1,000 ms deadline').toBe(seeds.length);
    expect(
      new Set(timings).size,
      `every prepare refused, p1 sent its prepares at the same times under ${seeds.length} different seeds (${timings[0]} ms): the pause before trying again must be random, drawn from node.random(), or two proposers that retry in step pre-empt each other forever`,
    ).toBeGreaterThan(1);
  });

  it('answers every customer when several ask at once', () => {
    const { sim, customer } = proposerShop(honest());
    const second = sim.client('second', { timeoutMs: 3_000 });
    sim.schedule(0, () => void customer.invoke('p1', { op: 'propose', value: 'mocha' }));
    sim.schedule(1, () => void second.invoke('p1', { op: 'propose', value: 'chai' }));
    sim.schedule(300, () => void second.invoke('p1', { op: 'propose', value: 'latte' }));
    sim.run({ untilMs: 1_000 });
    const replies = sim.history.map((op) => [op.status, replyOf(op)]);
    const chosen = replyOf(sim.history[0]);
    expect(['mocha', 'chai'].map((value) => ({ ok: true, value })), 'the first two customers asked for "mocha" and "chai": one of them is chosen').toContainEqual(chosen);
    expect(replies, 'three customers asked p1; each must get an answer, the one chosen value').toEqual([
      ['ok', chosen],
      ['ok', chosen],
      ['ok', chosen],
    ]);
  });
});

// ---- The learner -------------------------------------------------------------------------------

describe('a learner', () => {
  /** A learner `l1` and `n` acceptor stand-ins, a1 … an. */
  const shop = (n = 3) => {
    const sim = new Simulation({ seed: 1, delay: { kind: 'fixed', ms: 5 } });
    const learned: Array<{ t: number; node: Address; value: string }> = [];
    const ids = Array.from({ length: n }, (_, i) => `a${i + 1}`);
    const acceptors = ids.map((id) => addProbe(sim, id));
    sim.addNode('l1', learner(ids, learned, sim));
    const say = (a: number, ballot: Ballot, value: string) => () => acceptors[a]!.send('l1', { type: 'accepted', ballot, value });
    return { sim, learned, say };
  };

  it('learns a value once a majority accepted it under the same number, and only once', () => {
    const { sim, learned, say } = shop();
    script(sim, [
      [0, say(0, b(1), 'mocha')],
      [50, say(1, b(1), 'mocha')],
      [100, say(2, b(1), 'mocha')],
    ]);
    expect(learned.map((x) => x.value), 'two of three acceptors accepted (1, p1) "mocha": it is chosen, learned once (the third acceptance changes nothing)').toEqual(['mocha']);
    expect(learned[0]!.t, 'one acceptance is not a majority: it learns when the second arrives, not the first').toBeGreaterThanOrEqual(50);
  });

  it('needs more than half of the acceptors, also when their number is even', () => {
    const { sim, learned, say } = shop(4);
    script(sim, [
      [0, say(0, b(1), 'mocha')],
      [50, say(1, b(1), 'mocha')],
      [100, say(2, b(1), 'mocha')],
    ]);
    expect(learned[0]?.t, 'with 4 acceptors, 2 acceptances are half, not a majority: "mocha" is chosen only when the third arrives').toBeGreaterThanOrEqual(100);
    expect(learned.map((x) => x.value), 'three of four acceptors accepted (1, p1) "mocha": it is chosen, and learned once').toEqual(['mocha']);
  });

  it('counts each acceptor once', () => {
    const { sim, learned, say } = shop();
    script(sim, [
      [0, say(0, b(1), 'mocha')],
      [20, say(0, b(1), 'mocha')],
      [40, say(0, b(1), 'mocha')],
    ]);
    expect(learned, 'only a1 accepted (its message arrived three times): no majority, nothing is chosen').toEqual([]);
  });

  it('does not add up acceptances of different numbers', () => {
    const { sim, learned, say } = shop();
    script(sim, [
      [0, say(0, b(1), 'mocha')],
      [20, say(1, b(2), 'mocha')],
      [40, say(2, b(3, 'p2'), 'chai')],
    ]);
    expect(learned, 'a1, a2 and a3 each accepted under a different number: no number has a majority, nothing is chosen yet').toEqual([]);
  });
});

// ---- Everything together -----------------------------------------------------------------------

const RUNS = 150;
const EXPLORE = { runsMin: RUNS, runsMax: RUNS };
const DEADLINE_MS = 1_500;
const DRINKS = ['mocha', 'chai', 'latte', 'cortado', 'flat white'];

interface Together {
  acceptors: number;
  proposers: number;
  /** From this time on no message is lost or duplicated (crashes and partitions end by 800 ms anyway). */
  calmAtMs?: number;
}

/** The faults: lost, duplicated, late messages, partitions, and acceptors and proposers crashing and restarting. */
function faults({ acceptors, proposers }: Together): FaultSpace {
  const nodes = [...Array.from({ length: acceptors }, (_, i) => `a${i + 1}`), ...Array.from({ length: proposers }, (_, i) => `p${i + 1}`)];
  return {
    nodes,
    durationMs: 800,
    dropProbabilityMax: 0.3,
    duplicateProbabilityMax: 0.3,
    crashesMax: 3,
    crashedAtOnceMax: Math.floor(acceptors / 2),
    restart: 'always',
    partitionsMax: 1,
  };
}

/**
 * Acceptors, proposers and two learners; customers ask each proposer twice, some at once, with
 * drinks that repeat across proposers; after the faults, at 2 s, every proposer is asked once
 * more. Judges agreement, validity and integrity over what learners learned and proposers answered.
 */
function together(name: string, shape: Together, judge: (sim: Simulation, learned: Array<{ t: number; node: Address; value: string }>, proposed: string[]) => CheckResult): Scenario {
  return {
    name,
    faults: faults(shape),
    delay: { kind: 'uniform', msMin: 1, msMax: 20 },
    run(sim, context) {
      const acceptors = Array.from({ length: shape.acceptors }, (_, i) => `a${i + 1}`);
      const proposers = Array.from({ length: shape.proposers }, (_, i) => `p${i + 1}`);
      const learners = ['l1', 'l2'];
      const learned: Array<{ t: number; node: Address; value: string }> = [];
      const proposed: string[] = [];
      for (const a of acceptors) sim.addNode(a, acceptor({ learners }));
      for (const p of proposers) sim.addNode(p, proposer({ acceptors, deadlineMs: DEADLINE_MS }));
      for (const l of learners) sim.addNode(l, learner(acceptors, learned, sim));
      proposers.forEach((p, i) => {
        const ask = (client: string, atMs: number) => {
          const value = DRINKS[context.int(0, DRINKS.length - 1)]!;
          proposed.push(value);
          sim.schedule(atMs, () => void sim.client(client, { timeoutMs: DEADLINE_MS + 500 }).invoke(p, { op: 'propose', value }));
        };
        ask(`c${i}a`, context.int(0, 100));
        ask(`c${i}b`, context.int(0, 300));
        ask(`c${i}z`, 2_000);
      });
      if (shape.calmAtMs !== undefined) sim.schedule(shape.calmAtMs, () => sim.configureNetwork({ dropProbability: 0, duplicateProbability: 0 }));
      sim.run({ untilMs: 2_000 + DEADLINE_MS + 1_000 });
      return judge(sim, learned, proposed);
    },
  };
}

/** Agreement, validity and integrity among learners, and every ok answer agreeing with them. */
function safe(sim: Simulation, learned: Array<{ t: number; node: Address; value: string }>, proposed: string[]): CheckResult {
  const answers = sim.history.filter((op) => op.status === 'ok' && (op.output as ProposeReply).ok);
  return firstFailure(
    () => checkConsensus({ proposals: proposed.map((value, i) => ({ node: `customer-${i}`, value })), decisions: learned.map((x) => ({ node: x.node, value: x.value, tMs: x.t })) }),
    () => {
      const values = new Set([...learned.map((x) => x.value), ...answers.map((op) => (op.output as { value: string }).value)]);
      if (values.size <= 1) return { outcome: 'ok' };
      const first = answers.find((op) => (op.output as { value: string }).value !== (learned[0]?.value ?? (answers[0]!.output as { value: string }).value));
      return {
        outcome: 'violated',
        property: 'agreement',
        message: `learners and proposers disagree on the chosen value: ${[...values].map(show).join(' and ')} were both reported chosen${first ? ` (${first.node} answered ${show(first.output)} at ${first.returnMs} ms)` : ''}.`,
        operations: first ? [first.id] : [],
      };
    },
  );
}

/** After the faults end, every proposer's last request finishes and every learner has learned. */
function live(sim: Simulation, learned: Array<{ t: number; node: Address; value: string }>, proposed: string[]): CheckResult {
  const safety = safe(sim, learned, proposed);
  if (safety.outcome !== 'ok') return safety;
  const late = sim.history.filter((op) => op.callMs >= 2_000);
  for (const op of late) {
    if (op.status !== 'ok' || !(op.output as ProposeReply).ok) {
      return {
        outcome: 'violated',
        property: 'termination',
        message: `the network was calm from 1,500 ms, yet ${op.node}'s proposal at ${op.callMs} ms ended ${op.status === 'ok' ? show(op.output) : `with no answer (${op.status})`}; once messages flow, a proposer must finish (back off for a random time when refused, so duelling proposers stop pre-empting each other).`,
        operations: [op.id],
      };
    }
  }
  for (const l of ['l1', 'l2']) {
    if (!learned.some((x) => x.node === l)) {
      return { outcome: 'violated', property: 'termination', message: `${l} never learned the chosen value although every proposal after the faults finished; acceptors tell every learner what they accept.` };
    }
  }
  return { outcome: 'ok' };
}

/** Every request is answered by its deadline, unless its proposer crashed while it waited. */
function answered(sim: Simulation, crashes: Array<{ node: Address; atMs: number; downMs: number | null }>): CheckResult {
  for (const op of sim.history) {
    // Down when asked, or crashed before the deadline: the request died with the proposer.
    const crashedMeanwhile = crashes.some(
      (c) => c.node === op.node && c.atMs <= op.callMs + DEADLINE_MS && (c.downMs === null || c.atMs + c.downMs >= op.callMs),
    );
    if (crashedMeanwhile) continue;
    if (op.status !== 'ok') {
      return { outcome: 'violated', property: 'deadline', message: `${op.node} never answered the proposal asked at ${op.callMs} ms; by ${DEADLINE_MS} ms it must answer, with { ok: false, error: 'deadline' } if nothing was chosen.`, operations: [op.id] };
    }
    if (op.returnMs - op.callMs > DEADLINE_MS + 1) {
      return { outcome: 'violated', property: 'deadline', message: `${op.node} answered the proposal asked at ${op.callMs} ms only at ${op.returnMs} ms, after its ${DEADLINE_MS} ms deadline.`, operations: [op.id] };
    }
  }
  return { outcome: 'ok' };
}

describe('acceptors, proposers and learners together', () => {
  it('never learn two values, under lost, duplicated and late messages, partitions and crashes (3 acceptors, 2 proposers)', () => {
    assertExploration(explore(together('paxos-3x2', { acceptors: 3, proposers: 2 }, safe), EXPLORE), 'Look at what each acceptor promised and accepted before and after its crash.');
  });

  it('never learn two values with 5 acceptors and 3 duelling proposers', () => {
    assertExploration(explore(together('paxos-5x3', { acceptors: 5, proposers: 3 }, safe), EXPLORE), 'Look at the promises each proposer counted and the value it chose for phase 2.');
  });

  it('answer every proposal by its deadline', () => {
    const scenario = together('paxos-deadline', { acceptors: 3, proposers: 2 }, () => ({ outcome: 'ok' }));
    assertExploration(
      explore(
        {
          ...scenario,
          run(sim, context) {
            scenario.run(sim, context);
            return answered(sim, context.plan.crashes);
          },
        },
        EXPLORE,
      ),
    );
  });

  it('once the network is calm, every proposal finishes and every learner learns (1 to 3 proposers)', () => {
    for (const proposers of [1, 2, 3]) {
      assertExploration(explore(together(`paxos-live-${proposers}`, { acceptors: 3, proposers, calmAtMs: 1_500 }, live), { runsMin: 60, runsMax: 60 }), 'Refused proposers must wait a random time from node.random() before trying again.');
    }
  });
});
