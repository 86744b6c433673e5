/**
 * The leader-election exercise's graded tests. Scripted tests put a few candidates through one
 * situation each; explored tests run candidates whose leader writes to the register while the
 * explorer tries seeds of lost, duplicated and late messages, partitions, pauses past the session
 * timeout, and crashes of candidates and of the service.
 */
import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import type { Address, Handlers, Node } from '@baristas/sim';
import {
  Simulation,
  assertExploration,
  checkMutualExclusion,
  explore,
  firstFailure,
  isObject,
  type CheckResult,
  type LockEvent,
  type Scenario,
  type ZooKeeperServer,
  zooKeeperServer,
} from '@baristas/sim/testing';

const ZK = 'zk';
const ELECTION = '/election/head-barista';
const sequenceOf = (name: string): number => Number(name.slice(-10));
const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

interface Candidate {
  id: Address;
  elected: Array<{ t: number; epoch: number }>;
  deposed: number[];
}

interface Election {
  sim: Simulation;
  server: ZooKeeperServer;
  candidate(id: Address, sessionTimeoutMs?: number): Candidate;
  /** Znodes under the election, sorted by sequence, with their owner session. */
  children(): Array<{ name: string; owner: number }>;
  /** The open session of a candidate's node (the latest). */
  sessionOf(id: Address): number | undefined;
  watchEvents(): number;
  /** Requests `op` the service got so far, from anyone but `except`. */
  requests(op: string, except?: Address): number;
}

function election(options: { seed?: number; wrap?: (node: Node, handlers: Handlers, sim: Simulation, e: Election) => Handlers } = {}): Election {
  const sim = new Simulation({ seed: options.seed ?? 1, delay: { kind: 'fixed', ms: 5 } });
  const server = zooKeeperServer({ paths: ['/election', ELECTION] });
  const sent = (type: string) => sim.trace.events.filter((e) => e.type === 'send' && isObject(e.body) && e.body.zk === type);
  const e: Election = {
    sim,
    server,
    candidate(id, sessionTimeoutMs = 400) {
      const c: Candidate = { id, elected: [], deposed: [] };
      sim.addNode(id, (node) =>
        newInstance().createCandidate(node, {
          server: ZK,
          path: ELECTION,
          sessionTimeoutMs,
          onElected: (epoch: number) => c.elected.push({ t: sim.nowMs, epoch }),
          onDeposed: () => c.deposed.push(sim.nowMs),
        }) as Handlers,
      );
      return c;
    },
    children: () =>
      server
        .tree()
        .filter((n) => n.path.startsWith(`${ELECTION}/`))
        .map((n) => ({ name: nameOf(n.path), owner: n.stat.ephemeralOwner }))
        .sort((x, y) => sequenceOf(x.name) - sequenceOf(y.name)),
    sessionOf: (id) =>
      server
        .sessions()
        .filter((s) => s.client === id && s.state === 'open')
        .at(-1)?.id,
    watchEvents: () => sent('watch').length,
    requests: (op, except) =>
      sent('request').filter((m) => m.type === 'send' && m.from !== except && isObject(m.body) && isObject(m.body.request) && m.body.request.op === op).length,
  };
  sim.addNode(ZK, (node) => {
    const handlers = server.factory(node);
    return options.wrap ? options.wrap(node, handlers, sim, e) : handlers;
  });
  return e;
}

describe('the election, scripted', () => {
  it('elects the candidate with the lowest znode, with that znode’s sequence number as its epoch', () => {
    const e = election();
    const cs = [1, 2, 3].map((i) => e.candidate(`barista-${i}`));
    e.sim.run({ untilMs: 500 });
    const kids = e.children();
    expect(kids, `each candidate creates one znode under ${ELECTION}`).toHaveLength(3);
    for (const c of cs) {
      const mine = kids.filter((k) => k.owner === e.sessionOf(c.id));
      expect(mine, `${c.id} must have exactly one ephemeral znode (owned by its session)`).toHaveLength(1);
      expect(mine[0]!.name, 'named <guid>-n-<10 digits>').toMatch(/^.+-n-\d{10}$/);
    }
    const leaders = cs.filter((c) => c.elected.length > 0);
    expect(leaders.map((c) => c.id), 'exactly one candidate is elected').toHaveLength(1);
    const lowest = kids[0]!;
    expect(e.sessionOf(leaders[0]!.id), 'the leader is the candidate whose znode has the lowest sequence number').toBe(lowest.owner);
    expect(leaders[0]!.elected[0]!.epoch, 'its epoch is that znode’s sequence number').toBe(sequenceOf(lowest.name));
  });

  it('hands over to the next candidate when the leader’s session ends, waking only that one', () => {
    const e = election();
    const cs = [1, 2, 3, 4].map((i) => e.candidate(`barista-${i}`));
    e.sim.run({ untilMs: 500 });
    const leader = cs.find((c) => c.elected.length > 0)!;
    const kids = e.children();
    const next = cs.find((c) => e.sessionOf(c.id) === kids[1]!.owner)!;
    const events = e.watchEvents();
    // The old leader joins again (it lists too): count the others.
    const listings = e.requests('getChildren', leader.id);
    e.sim.schedule(500, () => e.server.expireSession(e.sessionOf(leader.id)!));
    e.sim.run({ untilMs: 700 });
    expect(next.elected.map((x) => x.epoch), `${next.id} had the next znode and must lead now, with its epoch`).toEqual([sequenceOf(kids[1]!.name)]);
    expect(e.watchEvents() - events, 'the leader’s znode going must fire exactly one watch: each candidate watches only the znode before its own').toBe(1);
    expect(e.requests('getChildren', leader.id) - listings, 'only the woken candidate lists the children again').toBeLessThanOrEqual(1);
    for (const c of cs) if (c !== leader && c !== next) expect(c.elected, `${c.id} must still follow`).toEqual([]);
  });

  it('keeps following when the znode before it goes but the leader’s is still there', () => {
    const e = election();
    const cs = [1, 2, 3].map((i) => e.candidate(`barista-${i}`));
    e.sim.run({ untilMs: 500 });
    const kids = e.children();
    const middle = kids[1]!.owner;
    const last = cs.find((c) => e.sessionOf(c.id) === kids[2]!.owner)!;
    e.sim.schedule(500, () => e.server.expireSession(middle));
    e.sim.run({ untilMs: 900 });
    expect(
      last.elected.filter((x) => x.t < 900),
      'the candidate before it left, but the leader still leads: list again and watch the leader’s znode instead of taking over',
    ).toEqual([]);
  });

  it('checks again when the znode before it is gone by the time it calls exists', () => {
    let done = false;
    const e = election({
      wrap: (_node, handlers, _sim, el) => ({
        ...handlers,
        onMessage(from, body) {
          handlers.onMessage!(from, body);
          // barista-2 has just listed the children: end barista-1's session before its exists arrives.
          if (!done && from === 'barista-2' && isObject(body) && isObject(body.request) && body.request.op === 'getChildren' && el.sessionOf('barista-1')) {
            const leader = el.children()[0];
            if (leader && leader.owner === el.sessionOf('barista-1')) {
              done = true;
              el.server.expireSession(leader.owner);
            }
          }
        },
      }),
    });
    e.candidate('barista-1');
    const b = e.candidate('barista-2');
    e.sim.run({ untilMs: 1_000 });
    expect(done, 'the test could not set the situation up: barista-2 never listed the children behind barista-1').toBe(true);
    expect(b.elected, 'exists on the znode before yours found nothing (it was just deleted): check again, or you follow nobody for ever').toHaveLength(1);
  });

  it('after a connection loss during create, finds its own znode instead of creating another', () => {
    let done = false;
    const e = election({
      wrap: (_node, handlers, sim) => ({
        ...handlers,
        onMessage(from, body) {
          handlers.onMessage!(from, body);
          if (!done && from === 'barista-1' && isObject(body) && isObject(body.request) && body.request.op === 'create') {
            done = true;
            sim.cut(ZK, 'barista-1');
            sim.schedule(sim.nowMs + 250, () => sim.heal());
          }
        },
      }),
    });
    const a = e.candidate('barista-1', 800);
    e.sim.run({ untilMs: 1_500 });
    expect(e.children().map((k) => k.name), 'the create happened but its answer was lost: find your znode by its guid, do not create another').toHaveLength(1);
    expect(a.elected, 'alone, barista-1 must lead').toHaveLength(1);
  });

  it('tells a leader paused past its session timeout that it was deposed when it runs again, and it joins again at the back', () => {
    const e = election();
    const cs = [1, 2, 3].map((i) => e.candidate(`barista-${i}`, 300));
    e.sim.run({ untilMs: 400 });
    const leader = cs.find((c) => c.elected.length > 0)!;
    e.sim.schedule(400, () => e.sim.pause(leader.id));
    e.sim.schedule(1_200, () => e.sim.resume(leader.id));
    e.sim.run({ untilMs: 2_000 });
    const successor = cs.find((c) => c !== leader && c.elected.length > 0);
    expect(successor, 'the paused leader’s session expired: the next candidate must lead').toBeDefined();
    expect(leader.deposed, `${leader.id} led with a session that expired while it was paused: onDeposed once it runs again`).toHaveLength(1);
    expect(leader.deposed[0], 'it can only learn after it resumes at 1,200 ms').toBeGreaterThanOrEqual(1_200);
    const kids = e.children();
    const own = kids.filter((k) => k.owner === e.sessionOf(leader.id));
    expect(own, `${leader.id} must join again with a new session and one new znode`).toHaveLength(1);
    expect(kids.indexOf(own[0]!), 'it joins at the back of the line').toBe(kids.length - 1);
    expect(leader.elected, 'and it must not lead again while the others are there').toHaveLength(1);
  });

  it('lets a follower cut off past its session timeout join again once it can reach the service', () => {
    const e = election();
    const cs = [1, 2].map((i) => e.candidate(`barista-${i}`, 300));
    e.sim.run({ untilMs: 300 });
    const follower = cs.find((c) => c.elected.length === 0)!;
    e.sim.schedule(300, () => e.sim.partition([[follower.id]]));
    e.sim.schedule(1_200, () => e.sim.heal());
    e.sim.run({ untilMs: 2_000 });
    expect(follower.deposed, 'a follower never led: no onDeposed').toEqual([]);
    expect(
      e.children().filter((k) => k.owner === e.sessionOf(follower.id)),
      `${follower.id}’s session expired during the partition: it must join again with a new session and a new znode`,
    ).toHaveLength(1);
  });
});

// ---- Explored: a leader writing to the register -----------------------------------------------

interface Run {
  shape: { candidates: number; calmAtMs?: number };
  events: LockEvent[];
  elections: Array<{ t: number; holder: string; epoch: number; live: boolean }>;
  writes: Array<{ t: number; term: string; epoch: number; accepted: boolean }>;
  problems: string[];
  server: ZooKeeperServer;
}

const SESSION_MS = 400;

/** A candidate that, while it leads, writes to the register every 20 ms with its epoch. */
function candidate(sim: Simulation, r: Run, id: Address): (node: Node) => Handlers {
  return (node) => {
    let term: string | undefined;
    const sessionOf = (): number | undefined =>
      r.server
        .sessions()
        .filter((s) => s.client === id && s.state === 'open')
        .at(-1)?.id;
    return newInstance().createCandidate(node, {
      server: ZK,
      path: ELECTION,
      sessionTimeoutMs: SESSION_MS,
      onElected: (epoch: number) => {
        const kids = r.server.tree().filter((n) => n.path.startsWith(`${ELECTION}/`));
        const lowest = kids.sort((x, y) => sequenceOf(x.path) - sequenceOf(y.path))[0];
        const owner = lowest?.stat.ephemeralOwner;
        const session = r.server.sessions().find((s) => s.id === owner);
        // The grant was right if, at this moment, the lowest znode is this node's, with this epoch.
        const live = session !== undefined && session.client === id && session.state === 'open';
        const holder = `${id}/s${live ? owner : (sessionOf() ?? '?')}`;
        if (live && sequenceOf(lowest!.path) !== epoch) {
          r.problems.push(`${id} was elected at ${sim.nowMs} ms with epoch ${epoch}, but its znode ${nameOf(lowest!.path)} has sequence number ${sequenceOf(lowest!.path)}.`);
        }
        if (!live && r.server.sessions().some((s) => s.client === id && s.state === 'open')) {
          r.problems.push(
            `${id} was elected at ${sim.nowMs} ms (epoch ${epoch}), but the lowest znode under ${ELECTION} was ${lowest ? `${nameOf(lowest.path)} of session ${owner}` : 'none'}, not one of its open session.`,
          );
        }
        r.elections.push({ t: sim.nowMs, holder, epoch, live });
        // A grant that reaches a paused leader after the service ended its session is no
        // leadership; the register's epoch check is what stops its writes.
        if (live) r.events.push({ tMs: sim.nowMs, holder, type: 'acquired' });
        const mine = (term = `${holder}#${epoch}`);
        const write = (): void => {
          if (term !== mine) return;
          node.send('register', { term: mine, epoch });
          node.setTimer(20, write);
        };
        write();
      },
      onDeposed: () => {
        term = undefined;
      },
    }) as Handlers;
  };
}

function register(sim: Simulation, r: Run): (node: Node) => Handlers {
  return (node) => ({
    onMessage(_from, body) {
      if (!isObject(body) || typeof body.epoch !== 'number' || typeof body.term !== 'string') return;
      const highest = node.storage.get<number>('highest') ?? -1;
      const accepted = body.epoch >= highest;
      if (accepted) node.storage.set('highest', body.epoch);
      r.writes.push({ t: sim.nowMs, term: body.term, epoch: body.epoch, accepted });
    },
  });
}

function oneLeaderPerEpoch(r: Run): CheckResult {
  const seen = new Map<number, string>();
  for (const x of r.elections) {
    const other = seen.get(x.epoch);
    if (other !== undefined && other !== x.holder) {
      return { outcome: 'violated', property: 'one-leader-per-epoch', message: `${other} and ${x.holder} were both elected with epoch ${x.epoch}.` };
    }
    seen.set(x.epoch, x.holder);
  }
  return r.problems.length === 0 ? { outcome: 'ok' } : { outcome: 'violated', property: 'lowest-znode-leads', message: r.problems[0]! };
}

/** No two live sessions lead at once; a session's leadership ends when the service expires it. */
function oneLeaderAtATime(r: Run): CheckResult {
  const ended = new Map<string, number>();
  for (const s of r.server.sessions()) if (s.state === 'expired' && s.endedAtMs !== undefined) ended.set(`${s.client}/s${s.id}`, s.endedAtMs);
  const events = r.events.filter((e) => e.tMs < (ended.get(e.holder) ?? Infinity));
  for (const [holder, tMs] of ended) events.push({ tMs, holder, type: 'expired' });
  return checkMutualExclusion(events.sort((x, y) => x.tMs - y.tMs));
}

/** The register never accepts writes of two terms interleaved. */
function registerFenced(r: Run): CheckResult {
  const accepted = r.writes.filter((w) => w.accepted);
  const last = new Map<string, number>();
  accepted.forEach((w, i) => last.set(w.term, i));
  const events: LockEvent[] = [];
  const seen = new Set<string>();
  accepted.forEach((w, i) => {
    if (!seen.has(w.term)) {
      seen.add(w.term);
      events.push({ tMs: w.t, holder: w.term, type: 'acquired' });
    }
    if (last.get(w.term) === i) events.push({ tMs: w.t, holder: w.term, type: 'released' });
  });
  const result = checkMutualExclusion(events);
  if (result.outcome !== 'violated') return result;
  return { ...result, property: 'fenced-register', message: `The register accepted writes of two leaders interleaved: ${result.message} A leader's epoch must be its znode's sequence number.` };
}

/** Once calm: exactly one running candidate leads, and each running candidate has one znode. */
function settled(r: Run, sim: Simulation): CheckResult {
  const running = sim.addresses.filter((a) => a.startsWith('barista-') && sim.isUp(a));
  const kids = r.server.tree().filter((n) => n.path.startsWith(`${ELECTION}/`));
  const open = r.server.sessions().filter((s) => s.state === 'open');
  for (const id of running) {
    const own = kids.filter((k) => open.some((s) => s.id === k.stat.ephemeralOwner && s.client === id));
    if (own.length !== 1) {
      return {
        outcome: 'violated',
        property: 'candidates-rejoin',
        message: `Long after the network calmed at ${r.shape.calmAtMs} ms, ${id} has ${own.length} znodes under ${ELECTION} (it should have exactly one: a candidate whose session expired joins again).`,
      };
    }
  }
  const lowest = kids.sort((x, y) => sequenceOf(x.path) - sequenceOf(y.path))[0];
  const leaderSession = open.find((s) => s.id === lowest?.stat.ephemeralOwner);
  const latest = r.elections.filter((x) => x.holder === `${leaderSession?.client}/s${leaderSession?.id}`);
  if (!leaderSession || latest.length === 0) {
    return {
      outcome: 'violated',
      property: 'liveness',
      message: `Long after the network calmed at ${r.shape.calmAtMs} ms, ${leaderSession ? `${leaderSession.client} holds the lowest znode ${nameOf(lowest!.path)} but was never told it leads` : 'nobody holds the lowest znode'}.`,
    };
  }
  return { outcome: 'ok' };
}

function scenario(name: string, shape: Run['shape'], judge: (r: Run, sim: Simulation) => CheckResult): Scenario {
  const ids = Array.from({ length: shape.candidates }, (_, i) => `barista-${i + 1}`);
  const faultMs = shape.calmAtMs ?? 2_000;
  return {
    name,
    faults: {
      nodes: [...ids, ZK],
      durationMs: faultMs,
      dropProbabilityMax: 0.1,
      duplicateProbabilityMax: 0.1,
      partitionsMax: 2,
      partitionMsMax: 900,
      pausesMax: 2,
      pauseMsMax: 900,
      crashesMax: 1,
      restart: 'always',
      downMsMax: 600,
    },
    run(sim) {
      const server = zooKeeperServer({ paths: ['/election', ELECTION] });
      const r: Run = { shape, events: [], elections: [], writes: [], problems: [], server };
      sim.addNode(ZK, server.factory);
      sim.addNode('register', register(sim, r));
      for (const id of ids) sim.addNode(id, candidate(sim, r, id));
      if (shape.calmAtMs !== undefined) {
        sim.schedule(shape.calmAtMs, () => {
          sim.heal();
          sim.configureNetwork({ dropProbability: 0, duplicateProbability: 0 });
          for (const id of sim.addresses) {
            sim.resume(id);
            if (!sim.isUp(id)) sim.restart(id);
          }
        });
      }
      sim.run({ untilMs: faultMs + 4_000 });
      return judge(r, sim);
    },
  };
}

const safe = (r: Run): CheckResult => firstFailure(() => oneLeaderPerEpoch(r), () => oneLeaderAtATime(r), () => registerFenced(r));

describe('an election under faults', () => {
  it('never has two live leaders, one epoch per leader, and the register never takes interleaved writes', () => {
    assertExploration(
      explore(scenario('zk-election-3', { candidates: 3 }, safe), { runsMin: 120, runsMax: 120 }),
      'Follow the znodes under the election in the trace: who was lowest when each candidate was elected?',
    );
  });

  it('settles on exactly one leader, with every running candidate in line, once the network is calm', () => {
    assertExploration(
      explore(
        scenario('zk-election-live', { candidates: 4, calmAtMs: 1_500 }, (r, sim) => firstFailure(() => safe(r), () => settled(r, sim))),
        { runsMin: 80, runsMax: 80 },
      ),
      'Find the candidate whose session expired: did it join again? Did the one with the lowest znode hear that it leads?',
    );
  });
});
