/**
 * The Raft diagram's model: five real Raft servers in a `Simulation`. A leader is elected by
 * randomized timeouts; a crashed leader is replaced in a higher term; a server with a stale log
 * cannot win; logs match after replication; over random seeds, faults and actions there is never
 * more than one leader per term and no committed entry is ever lost. Figure 8 is reproduced step
 * by step: with the paper's rule nothing committed is overwritten, and with the unsafe rule (count
 * replicas of any term) an entry marked committed in (c) is overwritten in (d).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ELECTION_TIMEOUT_MAX_MS,
  ELECTION_TIMEOUT_MIN_MS,
  FIG8_ORDERS,
  FIG8_STEPS,
  Figure8,
  MAJORITY,
  RaftModel,
  SERVERS,
  atLeastAsUpToDate,
  type Fig8Step,
  type RaftCluster,
  type ServerId,
} from '../../src/components/diagrams/internal/raft-model.ts';

const terms = (c: RaftCluster, id: ServerId): number[] => c.view(id).log.map((e) => e.term);
const logsOf = (c: RaftCluster) => Object.fromEntries(SERVERS.map((id) => [id, terms(c, id)]));

describe('the Raft model: elections', () => {
  it('elects one leader from a cold start, the first server whose randomized timeout fires', () => {
    const m = new RaftModel();
    expect(m.leader()).toBeUndefined();
    const { leader } = m.runUntilLeader();
    expect(leader).toBeDefined();
    expect(leader!.term).toBeGreaterThanOrEqual(1);
    const first = m.events.find((e) => e.type === 'timeout')!;
    expect(first.atMs).toBeGreaterThanOrEqual(ELECTION_TIMEOUT_MIN_MS);
    expect(first.atMs).toBeLessThanOrEqual(ELECTION_TIMEOUT_MAX_MS);
    const won = m.events.find((e) => e.type === 'leader')!;
    expect(won.type === 'leader' && won.votes.length).toBeGreaterThanOrEqual(MAJORITY);
    // After a heartbeat everyone follows it, in its term.
    m.run(100);
    for (const v of m.views()) {
      expect(v.term).toBe(leader!.term);
      expect(v.role).toBe(v.id === leader!.id ? 'leader' : 'follower');
    }
    expect(m.violations).toEqual([]);
  });

  it('persists the vote: a voter that crashes and restarts cannot vote again in the same term', () => {
    const m = new RaftModel();
    const { leader } = m.runUntilLeader();
    const voter = SERVERS.find((id) => id !== leader!.id)!;
    const before = m.view(voter);
    m.crash(voter);
    m.restart(voter);
    expect(m.view(voter)).toMatchObject({ term: before.term, votedFor: before.votedFor, log: before.log });
    expect(m.view(voter).commitIndex).toBe(0); // volatile
  });

  it('replaces a crashed leader with a new one in a higher term', () => {
    const m = new RaftModel();
    const first = m.runUntilLeader().leader!;
    m.write();
    m.crash(first.id);
    expect(m.leader()).toBeUndefined();
    const second = m.runUntilLeader().leader!;
    expect(second.id).not.toBe(first.id);
    expect(second.term).toBeGreaterThan(first.term);
    // The old leader comes back as a follower of the new term.
    m.restart(first.id);
    m.run(100);
    expect(m.view(first.id)).toMatchObject({ role: 'follower', term: second.term });
    expect(m.violations).toEqual([]);
  });

  it('elects nobody without a majority up, and says so without running', () => {
    const m = new RaftModel();
    m.runUntilLeader();
    for (const id of ['S1', 'S2', 'S3'] as const) m.crash(id);
    const { leader, ranMs } = m.runUntilLeader();
    expect(m.upCount()).toBe(2);
    expect(leader).toBeUndefined();
    expect(ranMs).toBe(0);
    expect(m.write()).toMatchObject({ ok: false, reason: 'no-leader' });
  });

  it('compares logs by last term first, then by length (§5.4.1)', () => {
    expect(atLeastAsUpToDate({ lastTerm: 3, lastIndex: 2 }, { lastTerm: 2, lastIndex: 9 })).toBe(true);
    expect(atLeastAsUpToDate({ lastTerm: 2, lastIndex: 9 }, { lastTerm: 3, lastIndex: 2 })).toBe(false);
    expect(atLeastAsUpToDate({ lastTerm: 2, lastIndex: 4 }, { lastTerm: 2, lastIndex: 4 })).toBe(true);
    expect(atLeastAsUpToDate({ lastTerm: 2, lastIndex: 3 }, { lastTerm: 2, lastIndex: 4 })).toBe(false);
    expect(atLeastAsUpToDate({ lastTerm: 0, lastIndex: 0 }, { lastTerm: 0, lastIndex: 0 })).toBe(true);
  });

  it('the election restriction: a server that missed committed entries cannot win, and everyone refuses it for its log', () => {
    const m = new RaftModel();
    const leader = m.runUntilLeader().leader!;
    const stale = SERVERS.find((id) => id !== leader.id)!;
    m.crash(stale);
    const w1 = m.write();
    const w2 = m.write();
    expect(w1.ok && w1.committedAtMs !== undefined && w2.ok && w2.committedAtMs !== undefined).toBe(true);
    m.restart(stale);
    expect(m.view(stale).log).toEqual([]);
    // Made to time out before the leader's next heartbeat reaches it.
    const { term, events } = m.timeOut(stale);
    expect(term).toBeGreaterThan(leader.term);
    const votes = events.filter((e) => e.type === 'vote' && e.candidate === stale && e.term === term);
    expect(votes).toHaveLength(SERVERS.length - 1);
    for (const v of votes) expect(v).toMatchObject({ granted: false, reason: 'log' });
    expect(events.some((e) => e.type === 'leader' && e.server === stale)).toBe(false);
    // The next leader is one of those with both entries, and the stale server catches up.
    const next = m.runUntilLeader().leader!;
    expect(next.id).not.toBe(stale);
    expect(next.term).toBeGreaterThan(term - 1);
    expect(next.log.map((e) => e.cmd)).toEqual(['order 1', 'order 2']);
    m.run(300);
    expect(m.view(stale).log).toEqual(next.log);
    expect(m.violations).toEqual([]);
  });
});

describe('the Raft model: replication', () => {
  it('commits a write once a majority stores it, and every log matches the leader after replication', () => {
    const m = new RaftModel();
    const leader = m.runUntilLeader().leader!;
    const w = m.write();
    expect(w).toMatchObject({ ok: true, leader: leader.id, term: leader.term, index: 1, deposed: false });
    expect(w.ok && w.committedAtMs).toBeGreaterThan(w.atMs);
    // Two followers down: the leader still has a majority (itself and two others).
    const [a, b] = SERVERS.filter((id) => id !== leader.id);
    m.crash(a!);
    m.crash(b!);
    const w2 = m.write();
    expect(w2.ok && w2.committedAtMs).toBeDefined();
    expect(w2.ok && w2.holders).toHaveLength(3);
    // A third one down: the leader and one follower are not a majority, so the entry stays uncommitted.
    const c = SERVERS.find((id) => id !== leader.id && id !== a && id !== b)!;
    const d = SERVERS.find((id) => id !== leader.id && id !== a && id !== b && id !== c)!;
    m.crash(c);
    const w3 = m.write();
    expect(w3).toMatchObject({ ok: true, holders: [leader.id, d].sort() });
    expect(w3.ok && w3.committedAtMs).toBeUndefined();
    expect(m.view(leader.id).commitIndex).toBe(2);
    // Back up: the consistency check walks each follower back to where it matches, then fills it in.
    for (const id of [a!, b!, c]) m.restart(id);
    m.run(300);
    expect(m.logsMatch()).toBe(true);
    for (const v of m.views()) {
      expect(v.log).toEqual(m.view(leader.id).log);
      expect(v.commitIndex).toBe(3);
    }
    expect(m.violations).toEqual([]);
  });

  it('a follower that missed entries from an old leader has them overwritten, never committed ones', () => {
    // The leader takes two writes while cut off from everyone: they stay on it alone.
    const m = new RaftModel({ seed: 11 });
    const old = m.runUntilLeader().leader!;
    m.write();
    m.partition([[old.id], SERVERS.filter((id) => id !== old.id)]);
    m.submit(old.id, 'stray 1');
    m.submit(old.id, 'stray 2');
    expect(m.view(old.id).log.map((e) => e.cmd)).toEqual(['order 1', 'stray 1', 'stray 2']);
    // The other four hear no heartbeat, elect a leader of a higher term and take a new order.
    m.run(500);
    const next = m.leader()!;
    expect(next.id).not.toBe(old.id);
    expect(next.term).toBeGreaterThan(old.term);
    expect(m.view(old.id)).toMatchObject({ role: 'leader', term: old.term });
    expect(m.write()).toMatchObject({ ok: true, leader: next.id, index: 2 });
    m.heal();
    m.run(300);
    // The old leader's two uncommitted entries are gone, replaced by the new leader's.
    expect(m.view(old.id).log).toEqual(m.view(next.id).log);
    expect(m.events.some((e) => e.type === 'truncate' && e.server === old.id && e.index === 2)).toBe(true);
    expect(m.lost).toEqual([]);
    expect(m.violations).toEqual([]);
  });
});

type Action =
  | { a: 'crash' | 'restart' | 'timeout'; id: ServerId }
  | { a: 'write' }
  | { a: 'run'; ms: number }
  | { a: 'partition'; side: ServerId[] }
  | { a: 'heal' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ a: fc.constantFrom('crash' as const, 'restart' as const, 'timeout' as const), id: fc.constantFrom(...SERVERS) }),
  fc.constant({ a: 'write' as const }),
  fc.record({ a: fc.constant('run' as const), ms: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ a: fc.constant('partition' as const), side: fc.subarray([...SERVERS], { minLength: 1, maxLength: 4 }) }),
  fc.constant({ a: 'heal' as const }),
);

function play(m: RaftModel, actions: Action[]): unknown[] {
  const out: unknown[] = [];
  for (const x of actions) {
    if (x.a === 'crash') m.crash(x.id);
    else if (x.a === 'restart') m.restart(x.id);
    else if (x.a === 'timeout') out.push(m.timeOut(x.id).term);
    else if (x.a === 'write') out.push(m.write());
    else if (x.a === 'run') out.push(m.run(x.ms).length);
    else if (x.a === 'partition') m.partition([x.side, SERVERS.filter((id) => !x.side.includes(id))]);
    else m.heal();
  }
  return out;
}

describe('the Raft model under random faults', () => {
  it('never has two leaders in a term, never loses a committed entry, and keeps logs matching (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(0, 0, 0.1, 0.3),
        fc.array(action, { maxLength: 25 }),
        (seed, dropProbability, actions) => {
          const m = new RaftModel({ seed, dropProbability });
          play(m, actions);
          expect(m.violations).toEqual([]);
          for (const [, leaders] of m.leaders) expect(leaders).toHaveLength(1);
          expect(m.logsMatch()).toBe(true);
          // Everyone back, no faults: a leader emerges and stays, and once an entry of its term
          // is committed (without loss, every log then equals its own).
          m.heal();
          for (const id of SERVERS) m.restart(id);
          let leader = m.runUntilLeader().leader;
          for (let i = 0; i < 5 && leader; i++) {
            m.run(200);
            const still = m.leader();
            if (still?.id === leader.id && still.term === leader.term) break;
            leader = m.runUntilLeader().leader;
          }
          expect(leader).toBeDefined();
          if (dropProbability === 0) {
            const w = m.write();
            expect(w.ok && w.committedAtMs).toBeDefined();
            m.run(200);
            const l = m.leader()!;
            for (const v of m.views()) expect(v.log).toEqual(l.log);
          }
          expect(m.violations).toEqual([]);
          expect(m.logsMatch()).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('replays identically: same seed and actions, same events and logs', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 15 }), (actions) => {
        const a = new RaftModel();
        const b = new RaftModel();
        expect(play(a, actions)).toEqual(play(b, actions));
        expect(a.events).toEqual(b.events);
        expect(a.views()).toEqual(b.views());
        expect(a.nowMs).toBe(b.nowMs);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Figure 8, replayed', () => {
  const at = (step: Fig8Step, unsafe = false) => new Figure8(step, unsafe);

  it('reproduces the logs and leaders of the paper’s Figure 8 (a)–(e)', () => {
    const expected: Record<Exclude<Fig8Step, 'start'>, { logs: Record<ServerId, number[]>; leader: [ServerId, number]; crashed: ServerId[] }> = {
      a: { logs: { S1: [1, 2], S2: [1, 2], S3: [1], S4: [1], S5: [1] }, leader: ['S1', 2], crashed: [] },
      b: { logs: { S1: [1, 2], S2: [1, 2], S3: [1], S4: [1], S5: [1, 3] }, leader: ['S5', 3], crashed: ['S1'] },
      c: { logs: { S1: [1, 2, 4], S2: [1, 2], S3: [1, 2], S4: [1], S5: [1, 3] }, leader: ['S1', 4], crashed: ['S5'] },
      d: { logs: { S1: [1, 2, 4], S2: [1, 3], S3: [1, 3], S4: [1, 3], S5: [1, 3] }, leader: ['S5', 5], crashed: ['S1'] },
      e: { logs: { S1: [1, 2, 4], S2: [1, 2, 4], S3: [1, 2, 4], S4: [1], S5: [1, 3] }, leader: ['S1', 4], crashed: ['S5'] },
    };
    for (const unsafe of [false, true]) {
      const start = at('start', unsafe);
      expect(logsOf(start.cluster)).toEqual({ S1: [1], S2: [1], S3: [1], S4: [1], S5: [1] });
      for (const v of start.cluster.views()) expect(v.commitIndex).toBe(1);
      for (const [step, want] of Object.entries(expected) as [Exclude<Fig8Step, 'start'>, (typeof expected)['a']][]) {
        const { cluster } = at(step, unsafe);
        expect(logsOf(cluster), `${step} unsafe=${unsafe}`).toEqual(want.logs);
        expect(cluster.leader()).toMatchObject({ id: want.leader[0], term: want.leader[1] });
        expect(SERVERS.filter((id) => !cluster.isUp(id))).toEqual(want.crashed);
        expect(cluster.logsMatch()).toBe(true);
      }
    }
  });

  it('wins the elections the paper describes, for the reasons it gives', () => {
    const a = at('a');
    expect(a.votes('S1', 2).granted).toEqual(['S2', 'S3', 'S4', 'S5']);
    // (b): S3 and S4 vote for S5; S2 refuses, its log (last term 2) being more up to date.
    const b = at('b');
    expect(b.votes('S5', 3)).toEqual({ granted: ['S3', 'S4'], refused: [{ server: 'S2', reason: 'log' }] });
    // (c): S3 already voted in term 3, so S1 needs term 4.
    const c = at('c');
    expect(c.votes('S1', 3)).toEqual({ granted: ['S2'], refused: [{ server: 'S3', reason: 'already-voted' }] });
    expect(c.votes('S1', 4)).toEqual({ granted: ['S2', 'S3'], refused: [] });
    // (d): S2 and S3 voted for S1 in term 4; in term 5, S2, S3 and S4 vote for S5.
    const d = at('d');
    expect(d.votes('S5', 4)).toEqual({
      granted: ['S4'],
      refused: [
        { server: 'S2', reason: 'already-voted' },
        { server: 'S3', reason: 'already-voted' },
      ],
    });
    expect(d.votes('S5', 5)).toEqual({ granted: ['S2', 'S3', 'S4'], refused: [] });
  });

  it('with the paper’s rule: the term-2 entry on a majority in (c) is not committed, and no committed entry is ever overwritten', () => {
    const c = at('c').cluster;
    for (const id of SERVERS) expect(c.view(id).commitIndex).toBeLessThan(2);
    expect(c.committed.has(2)).toBe(false);
    // (d) overwrites the cortado, which was never committed.
    const d = at('d').cluster;
    expect(d.events.filter((e) => e.type === 'truncate').map((e) => e.server)).toEqual(['S2', 'S3']);
    expect(d.committed.has(2)).toBe(false);
    for (const step of FIG8_STEPS) {
      const { cluster } = at(step);
      expect(cluster.lost, step).toEqual([]);
      expect(cluster.violations, step).toEqual([]);
    }
    // (e): a term-4 entry on a majority commits it and everything before it.
    const e = at('e').cluster;
    for (const id of ['S1', 'S2', 'S3'] as const) expect(e.view(id).commitIndex).toBe(3);
    expect(e.committed.get(2)?.entry).toEqual({ term: 2, cmd: FIG8_ORDERS[2] });
  });

  it('after (e), S5 can never win again: S1, S2 and S3 all refuse it for its log', () => {
    const { cluster } = at('e');
    cluster.crash('S1');
    cluster.heal();
    cluster.restart('S5');
    for (let i = 0; i < 4; i++) {
      cluster.forceTimeout('S5');
      cluster.run(50);
    }
    expect(cluster.leader()?.id).not.toBe('S5');
    const refusals = cluster.events.filter((e) => e.type === 'vote' && e.candidate === 'S5' && e.term >= 5 && (e.server === 'S2' || e.server === 'S3'));
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect(r).toMatchObject({ granted: false, reason: 'log' });
    // S2 can, and it carries the cortado and the chai latte on to everyone.
    cluster.forceTimeout('S2');
    cluster.run(300);
    expect(cluster.leader()?.id).toBe('S2');
    for (const id of ['S2', 'S3', 'S4', 'S5'] as const) expect(terms(cluster, id)).toEqual([1, 2, 4]);
    expect(cluster.violations).toEqual([]);
  });

  it('with the unsafe rule: the entry counted committed in (c) is overwritten in (d), a committed entry lost', () => {
    const c = at('c', true).cluster;
    expect(c.view('S1').commitIndex).toBe(2);
    expect(c.committed.get(2)).toMatchObject({ by: 'S1', entry: { term: 2, cmd: FIG8_ORDERS[2] } });
    expect(c.violations).toEqual([]); // nothing broken yet
    const d = at('d', true).cluster;
    expect(d.lost.map((l) => [l.server, l.index, l.entry.cmd, l.replacement.cmd])).toEqual([
      ['S2', 2, FIG8_ORDERS[2], FIG8_ORDERS[3]],
      ['S3', 2, FIG8_ORDERS[2], FIG8_ORDERS[3]],
    ]);
    expect(d.violations.some((v) => v.includes('deleted cortado'))).toBe(true);
    // And S5 commits a different entry at the same index.
    expect(d.view('S5').commitIndex).toBe(2);
    expect(d.violations.some((v) => v.includes('S5 committed mocha (term 3) at index 2'))).toBe(true);
  });

  it('replays each step identically', () => {
    for (const unsafe of [false, true]) {
      for (const step of FIG8_STEPS) {
        const a = at(step, unsafe);
        const b = at(step, unsafe);
        expect(a.cluster.events).toEqual(b.cluster.events);
        expect(a.cluster.views()).toEqual(b.cluster.views());
        expect(a.cluster.nowMs).toBe(b.cluster.nowMs);
      }
    }
  });
});
