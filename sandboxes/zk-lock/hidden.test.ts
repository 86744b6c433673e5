/**
 * The lock exercise's graded tests. Scripted tests drive a few clients through one situation
 * each (so a failure names the rule that broke); explored tests run baristas that take the lock
 * in turns while the explorer tries seeds of lost, duplicated and late messages, partitions,
 * pauses long enough to expire a session, and crashes.
 */
import { describe, expect, it } from 'vitest';
import { newInstance } from '@baristas/learner';
import { connectZooKeeper, type Address, type Handlers, type Node, type ZooKeeper } from '@baristas/sim';
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
import type { Lock } from './provided/lock.ts';

const ZK = 'zk';
const LOCK = '/locks/grinder';
const sequenceOf = (name: string): number => Number(name.slice(-10));
const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

// ---- Scripted clients ------------------------------------------------------------------------

interface Grant {
  t: number;
  token: number;
  session: number;
}

/** One lock user the test drives with `act`, recording what its lock tells it. */
interface User {
  id: Address;
  acquired: Grant[];
  lost: Array<{ t: number; session: number }>;
  zk(): ZooKeeper;
}

interface Shop {
  sim: Simulation;
  server: ZooKeeperServer;
  user(id: Address, sessionTimeoutMs?: number): User;
  /** Runs `what` on the user's lock at `atMs`, inside the user's node. */
  act(user: User, what: 'acquire' | 'release', atMs: number): void;
  /** The znodes under the lock, by name, with their owner session. */
  children(): Array<{ name: string; owner: number }>;
  /** Requests each client sent the service so far, by operation. */
  requests(op: string, from?: Address): number;
  /** Watch events the service sent so far. */
  watchEvents(): number;
}

function shop(options: { seed?: number; wrap?: (node: Node, handlers: Handlers, sim: Simulation) => Handlers } = {}): Shop {
  const sim = new Simulation({ seed: options.seed ?? 1, delay: { kind: 'fixed', ms: 5 } });
  const server = zooKeeperServer({ paths: ['/locks', LOCK] });
  sim.addNode(ZK, (node) => {
    const handlers = server.factory(node);
    return options.wrap ? options.wrap(node, handlers, sim) : handlers;
  });
  const sent = (type: string) => sim.trace.events.filter((e) => e.type === 'send' && isObject(e.body) && e.body.zk === type);
  return {
    sim,
    server,
    user(id, sessionTimeoutMs = 600) {
      let zk: ZooKeeper | undefined;
      let lock: Lock | undefined;
      const user: User = { id, acquired: [], lost: [], zk: () => zk! };
      sim.addNode(id, (node) => {
        zk = connectZooKeeper(node, { server: ZK, sessionTimeoutMs });
        const session = zk;
        lock = newInstance().createLock(node, zk, {
          path: LOCK,
          onAcquired: (token: number) => user.acquired.push({ t: sim.nowMs, token, session: session.sessionId }),
          onLost: () => user.lost.push({ t: sim.nowMs, session: session.sessionId }),
        }) as Lock;
        return {
          onMessage: (from, body) => void session.receive(from, body),
          onRequest: (request, reply) => {
            if (request === 'acquire') lock!.acquire();
            else lock!.release();
            reply('done');
          },
        };
      });
      return user;
    },
    act(user, what, atMs) {
      sim.schedule(atMs, () => void sim.client(`${user.id}-${what}-${atMs}`).invoke(user.id, what));
    },
    children() {
      return server
        .tree()
        .filter((n) => n.path.startsWith(`${LOCK}/`))
        .map((n) => ({ name: nameOf(n.path), owner: n.stat.ephemeralOwner }));
    },
    requests(op, from) {
      return sent('request').filter(
        (e) => e.type === 'send' && (from === undefined || e.from === from) && isObject(e.body) && isObject(e.body.request) && e.body.request.op === op,
      ).length;
    },
    watchEvents: () => sent('watch').length,
  };
}

describe('the lock, one client at a time', () => {
  it('creates one ephemeral sequential znode under the lock and holds the lock with its sequence number as the token', () => {
    const s = shop();
    const a = s.user('barista-1');
    s.act(a, 'acquire', 10);
    s.sim.run({ untilMs: 300 });
    const kids = s.children();
    expect(kids, `after acquire, exactly one znode must be under ${LOCK}; found ${JSON.stringify(kids.map((k) => k.name))}`).toHaveLength(1);
    expect(kids[0]!.name, 'the znode is created with mode "ephemeral-sequential": its name ends in the 10-digit counter').toMatch(/\d{10}$/);
    expect(kids[0]!.owner, 'the znode must be ephemeral (owned by the session), so it goes when the session does').toBe(a.zk().sessionId);
    expect(a.acquired.map((g) => g.token), `a lone client must get the lock, with its znode's sequence number (${sequenceOf(kids[0]!.name)}) as the token`).toEqual([
      sequenceOf(kids[0]!.name),
    ]);
  });

  it('names its znode <guid>-lock-, with a guid different for every client and every acquisition', () => {
    const s = shop();
    const a = s.user('barista-1');
    const b = s.user('barista-2');
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 10);
    s.sim.run({ untilMs: 200 });
    const first = s.children().map((c) => c.name);
    s.act(a, 'release', 200);
    s.act(b, 'release', 200);
    s.act(a, 'acquire', 300);
    s.sim.run({ untilMs: 500 });
    const names = [...first, ...s.children().map((c) => c.name)];
    for (const name of names) expect(name, 'each znode is named <guid>-lock-<10 digits>').toMatch(/^.+-lock-\d{10}$/);
    const guids = names.map((n) => n.slice(0, -'-lock-0000000000'.length));
    expect(new Set(guids).size, `every acquisition needs its own guid, so a client can tell its znode from any other; the guids were ${JSON.stringify(guids)}`).toBe(
      guids.length,
    );
  });

  it('deletes its znode on release, and a second acquisition in the same session gets a new znode and a higher token', () => {
    const s = shop();
    const a = s.user('barista-1');
    s.act(a, 'acquire', 10);
    s.act(a, 'release', 100);
    s.sim.run({ untilMs: 200 });
    expect(s.children(), 'release must delete the znode').toEqual([]);
    s.act(a, 'acquire', 200);
    s.sim.run({ untilMs: 400 });
    expect(a.acquired, 'the second acquire must be granted too').toHaveLength(2);
    expect(a.acquired[1]!.token, 'a new acquisition has a new znode, so a higher token').toBeGreaterThan(a.acquired[0]!.token);
  });
});

describe('the lock, clients waiting', () => {
  it('lets a waiter hold the lock only after the holder releases', () => {
    const s = shop();
    const a = s.user('barista-1');
    const b = s.user('barista-2');
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 50);
    s.act(a, 'release', 300);
    s.sim.run({ untilMs: 600 });
    expect(a.acquired, 'barista-1 asked first and must hold the lock').toHaveLength(1);
    expect(b.acquired, 'barista-2 must get the lock once barista-1 releases').toHaveLength(1);
    expect(b.acquired[0]!.t, 'barista-2 must not hold the lock before barista-1 released it at 300 ms').toBeGreaterThan(300);
  });

  it('grants the lock in the order the znodes were created', () => {
    const s = shop();
    // They ask in an order unlike that of their names: only the sequence numbers give the right one.
    const users = [2, 4, 1, 3].map((i) => s.user(`barista-${i}`));
    users.forEach((u, i) => s.act(u, 'acquire', 10 + 40 * i));
    users.forEach((u, i) => s.act(u, 'release', 400 + 100 * i));
    s.sim.run({ untilMs: 1_200 });
    const grants = users.flatMap((u) => u.acquired.map((g) => ({ id: u.id, ...g }))).sort((x, y) => x.t - y.t);
    grants.slice(1).forEach((g, i) =>
      expect(g.t, `${g.id} must get the lock only after ${grants[i]!.id} released it at ${400 + 100 * i} ms`).toBeGreaterThan(400 + 100 * i),
    );
    expect(grants.map((g) => g.id), 'the lock goes to the clients in the order their znodes were created: lowest sequence number first (the last 10 digits, not the whole name)').toEqual(users.map((u) => u.id));
  });

  it('wakes exactly one waiter when the holder releases (no herd)', () => {
    const s = shop();
    const users = [1, 2, 3, 4, 5].map((i) => s.user(`barista-${i}`));
    users.forEach((u, i) => s.act(u, 'acquire', 10 + 20 * i));
    s.sim.run({ untilMs: 500 });
    const events = s.watchEvents();
    const listings = s.requests('getChildren');
    s.act(users[0]!, 'release', 500);
    s.sim.run({ untilMs: 700 });
    expect(users[1]!.acquired, 'barista-2 is next and must get the lock').toHaveLength(1);
    expect(s.watchEvents() - events, 'one release must fire exactly one watch: each waiter watches only the znode just before its own').toBe(1);
    expect(
      s.requests('getChildren') - listings,
      'after one release only the woken waiter lists the children again; the others must not hear of it',
    ).toBeLessThanOrEqual(1);
    for (const u of users.slice(2)) expect(u.acquired, `${u.id} must still wait`).toEqual([]);
  });

  it('keeps waiting when the znode before it goes but an earlier one still holds', () => {
    const s = shop();
    const [a, b, c] = [1, 2, 3].map((i) => s.user(`barista-${i}`));
    s.act(a!, 'acquire', 10);
    s.act(b!, 'acquire', 40);
    s.act(c!, 'acquire', 70);
    s.act(b!, 'release', 300);
    s.act(a!, 'release', 600);
    s.sim.run({ untilMs: 900 });
    expect(b!.acquired, 'barista-2 gave up waiting and must never be granted').toEqual([]);
    expect(c!.acquired, 'barista-3 must get the lock once barista-1 releases').toHaveLength(1);
    expect(
      c!.acquired[0]!.t,
      'barista-3 was woken when barista-2 left at 300 ms, but barista-1 still held the lock: list again and watch barista-1’s znode instead of taking the lock',
    ).toBeGreaterThan(600);
  });

  it('lists again when the znode before it is gone by the time it calls exists', () => {
    // The service lets barista-1 release exactly while barista-2 is between its listing and its
    // exists: the exists finds nothing, and its watch would never fire.
    let released = false;
    const s = shop({
      wrap: (_node, handlers, sim) => ({
        ...handlers,
        onMessage(from, body) {
          handlers.onMessage!(from, body);
          if (!released && from === 'barista-2' && isObject(body) && isObject(body.request) && body.request.op === 'getChildren' && a.acquired.length > 0) {
            released = true;
            sim.schedule(sim.nowMs, () => void sim.client('release-1').invoke('barista-1', 'release'));
          }
        },
      }),
    });
    const a = s.user('barista-1');
    const b = s.user('barista-2');
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 100);
    s.sim.run({ untilMs: 1_000 });
    expect(released, 'the test could not set the situation up: barista-2 never listed the children').toBe(true);
    expect(b.acquired, 'exists on the znode before yours returned null (it was just deleted): list the children again, or you wait forever').toHaveLength(1);
  });

  it('stops waiting on release, removing its znode', () => {
    const s = shop();
    const a = s.user('barista-1');
    const b = s.user('barista-2');
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 50);
    s.act(b, 'release', 150);
    s.act(a, 'release', 300);
    s.sim.run({ untilMs: 600 });
    expect(b.acquired, 'a waiter that released must not be granted the lock afterwards').toEqual([]);
    expect(s.children(), 'a waiter that released must delete its znode').toEqual([]);
  });
});

describe('the lock, when the connection breaks', () => {
  /** Cuts the service's answers to `who` right after it handles `who`'s first request `op`, for `ms`. */
  const cutAfter = (who: Address, op: string, ms: number, direction: 'answer' | 'request' = 'answer') => {
    let done = false;
    return (_node: Node, handlers: Handlers, sim: Simulation): Handlers => ({
      ...handlers,
      onMessage(from, body) {
        const hit = !done && from === who && isObject(body) && isObject(body.request) && body.request.op === op;
        if (hit && direction === 'request') {
          done = true;
          sim.cut(who, ZK);
          sim.schedule(sim.nowMs + ms, () => sim.heal());
          return;
        }
        handlers.onMessage!(from, body);
        if (hit) {
          done = true;
          sim.cut(ZK, who);
          sim.schedule(sim.nowMs + ms, () => sim.heal());
        }
      },
    });
  };

  it('after a connection loss during create, finds its own znode instead of creating another', () => {
    const s = shop({ wrap: cutAfter('barista-1', 'create', 250) });
    const a = s.user('barista-1');
    s.act(a, 'acquire', 10);
    s.sim.run({ untilMs: 1_500 });
    const kids = s.children();
    expect(
      kids.length,
      `the create happened but its answer was lost (CONNECTIONLOSS): find your znode by its guid; instead there are ${kids.length} znodes: ${JSON.stringify(kids.map((k) => k.name))}`,
    ).toBe(1);
    expect(a.acquired, 'with its one znode the lowest, barista-1 must get the lock').toHaveLength(1);
    expect(a.acquired[0]!.token, 'the token is the sequence number of the znode it found').toBe(sequenceOf(kids[0]!.name));
  });

  it('after a connection loss that lost the create itself, creates its znode', () => {
    const s = shop({ wrap: cutAfter('barista-1', 'create', 250, 'request') });
    const a = s.user('barista-1');
    s.act(a, 'acquire', 10);
    s.sim.run({ untilMs: 1_500 });
    expect(a.acquired, 'the create never reached the service (CONNECTIONLOSS): when your guid is not among the children, create the znode').toHaveLength(1);
    expect(s.children(), 'exactly one znode').toHaveLength(1);
  });

  it('releasing while a create is unanswered still removes the znode', () => {
    const s = shop({ wrap: cutAfter('barista-1', 'create', 250) });
    const a = s.user('barista-1');
    const b = s.user('barista-2');
    s.act(a, 'acquire', 10);
    s.act(a, 'release', 100);
    s.act(b, 'acquire', 150);
    s.sim.run({ untilMs: 1_500 });
    expect(a.acquired, 'barista-1 released before it heard back: it must not be granted the lock').toEqual([]);
    expect(b.acquired, 'barista-2 must get the lock: barista-1’s znode must not stay behind').toHaveLength(1);
  });
});

describe('the lock, when a session expires', () => {
  it('tells a holder cut off past its session timeout that it lost the lock, once it reaches the service again', () => {
    const s = shop();
    const a = s.user('barista-1', 300);
    const b = s.user('barista-2', 300);
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 50);
    s.sim.schedule(100, () => s.sim.partition([['barista-1']]));
    s.sim.schedule(1_000, () => s.sim.heal());
    s.sim.run({ untilMs: 1_500 });
    expect(b.acquired, 'barista-1’s session expired, so its znode went and barista-2 must get the lock').toHaveLength(1);
    expect(a.lost, 'barista-1 must be told (onLost) once it hears that its session expired').toHaveLength(1);
    expect(a.lost[0]!.t, 'it can only learn after the partition heals at 1,000 ms').toBeGreaterThanOrEqual(1_000);
  });

  it('tells a waiter whose session expired, too', () => {
    const s = shop();
    const a = s.user('barista-1', 300);
    const b = s.user('barista-2', 300);
    s.act(a, 'acquire', 10);
    s.act(b, 'acquire', 50);
    s.sim.schedule(100, () => s.sim.partition([['barista-2']]));
    s.sim.schedule(1_000, () => s.sim.heal());
    s.sim.run({ untilMs: 1_500 });
    expect(b.lost, 'barista-2’s session expired while it waited: onLost').toHaveLength(1);
    expect(b.acquired, 'and it must never be granted the lock').toEqual([]);
  });
});

// ---- Explored: baristas taking turns ------------------------------------------------------

interface Round {
  shape: { baristas: number; rounds: number; calmAtMs?: number };
  events: LockEvent[];
  /** What the resource (the grinder's order book) accepted and refused, in order. */
  writes: Array<{ t: number; hold: string; token: number; accepted: boolean }>;
  /** Every grant, with whether the holder's session was still open at the service then. */
  grants: Array<{ t: number; holder: string; token: number; live: boolean }>;
  /** Problems the harness saw at a grant, e.g. a token that is not the holder's znode. */
  problems: string[];
  done: Map<Address, number>;
  server: ZooKeeperServer;
}

const HOLD_MS = 40;
const WRITE_EVERY_MS = 10;
const SESSION_MS = 400;

/**
 * Each barista connects, then `rounds` times: waits a little, acquires, writes to the resource
 * every 10 ms while it holds (with its token), and releases after 40 ms. When its lock says the
 * session was lost, it connects a new session and carries on.
 */
function barista(sim: Simulation, r: Round, id: Address): (node: Node) => Handlers {
  return (node) => {
    let zk: ZooKeeper;
    let lock: Lock;
    let holding: { hold: string; token: number } | undefined;
    const roundsDone = (): number => node.storage.get<number>('done') ?? 0;
    const think = () => node.setTimer(5 + Math.floor(node.random() * 40), () => lock.acquire());
    const connect = (): void => {
      const session = (zk = connectZooKeeper(node, { server: ZK, sessionTimeoutMs: SESSION_MS }));
      lock = newInstance().createLock(node, zk, {
        path: LOCK,
        onAcquired: (token: number) => {
          const holder = `${id}/s${session.sessionId}`;
          r.events.push({ tMs: sim.nowMs, holder, type: 'acquired' });
          const live = r.server.sessions().find((x) => x.id === session.sessionId)?.state === 'open';
          r.grants.push({ t: sim.nowMs, holder, token, live });
          if (live) {
            const kids = r.server.tree().filter((n) => n.path.startsWith(`${LOCK}/`));
            const lowest = kids.sort((x, y) => sequenceOf(x.path) - sequenceOf(y.path))[0];
            if (!lowest || sequenceOf(lowest.path) !== token || lowest.stat.ephemeralOwner !== session.sessionId) {
              r.problems.push(
                `${id} was granted the lock at ${sim.nowMs} ms with token ${token}, but the lowest znode under ${LOCK} was ${lowest ? `${nameOf(lowest.path)} of session ${lowest.stat.ephemeralOwner}` : 'none'} (its session is ${session.sessionId})`,
              );
            }
          }
          const hold = `${holder}#${token}`;
          holding = { hold, token };
          const write = (left: number): void => {
            if (holding?.hold !== hold) return;
            node.send('grinder', { hold, token });
            if (left > 0) node.setTimer(WRITE_EVERY_MS, () => write(left - 1));
          };
          write(HOLD_MS / WRITE_EVERY_MS - 1);
          node.setTimer(HOLD_MS, () => {
            if (holding?.hold !== hold) return;
            holding = undefined;
            r.events.push({ tMs: sim.nowMs, holder, type: 'released' });
            lock.release();
            node.storage.set('done', roundsDone() + 1);
            r.done.set(id, roundsDone());
            if (roundsDone() < r.shape.rounds) think();
          });
        },
        onLost: () => {
          holding = undefined;
          connect();
          if (roundsDone() < r.shape.rounds) think();
        },
      }) as Lock;
    };
    return {
      onStart() {
        connect();
        if (roundsDone() < r.shape.rounds) think();
      },
      onMessage: (from, body) => void zk.receive(from, body),
    };
  };
}

/** The resource: accepts a write unless its token is below one it has already accepted. */
function grinder(sim: Simulation, r: Round): (node: Node) => Handlers {
  return (node) => ({
    onMessage(_from, body) {
      if (!isObject(body) || typeof body.token !== 'number' || typeof body.hold !== 'string') return;
      const highest = node.storage.get<number>('highest') ?? -1;
      const accepted = body.token >= highest;
      if (accepted) node.storage.set('highest', body.token);
      r.writes.push({ t: sim.nowMs, hold: body.hold, token: body.token, accepted });
    },
  });
}

/** Mutual exclusion at the resource: each hold's accepted writes form one block, never interleaved with another's. */
function resourceExclusion(r: Round): CheckResult {
  const accepted = r.writes.filter((w) => w.accepted);
  const last = new Map<string, number>();
  accepted.forEach((w, i) => last.set(w.hold, i));
  const events: LockEvent[] = [];
  const seen = new Set<string>();
  accepted.forEach((w, i) => {
    if (!seen.has(w.hold)) {
      seen.add(w.hold);
      events.push({ tMs: w.t, holder: w.hold, type: 'acquired' });
    }
    if (last.get(w.hold) === i) events.push({ tMs: w.t, holder: w.hold, type: 'released' });
  });
  const result = checkMutualExclusion(events);
  if (result.outcome !== 'violated') return result;
  return { ...result, property: 'mutual-exclusion-at-the-resource', message: `The grinder accepted writes of two holds interleaved: ${result.message} Its fencing token must be the sequence number of its znode.` };
}

/**
 * Mutual exclusion as the clients saw it, with each session's expiry from the service. A grant
 * that reached a client after the service had already ended its session (a paused client) is
 * left out: no lock can prevent it, which is why the resource checks tokens.
 */
function clientExclusion(r: Round): CheckResult {
  const ended = new Map<string, number>();
  for (const s of r.server.sessions()) if (s.state === 'expired' && s.endedAtMs !== undefined) ended.set(`${s.client}/s${s.id}`, s.endedAtMs);
  // What a client did after the service ended its session (a late grant, its release) is left
  // out: the session's `expired` event ends its hold.
  const events = r.events.filter((e) => e.tMs < (ended.get(e.holder) ?? Infinity));
  for (const [holder, tMs] of ended) events.push({ tMs, holder, type: 'expired' });
  return checkMutualExclusion(events.sort((x, y) => x.tMs - y.tMs));
}

/** Grants in znode order: the tokens of grants to live sessions only ever grow. */
function fairness(r: Round): CheckResult {
  let previous: Round['grants'][number] | undefined;
  for (const g of r.grants) {
    if (!g.live) continue;
    if (previous && g.token < previous.token) {
      return {
        outcome: 'violated',
        property: 'fairness',
        message: `${g.holder} was granted the lock at ${g.t} ms with token ${g.token}, after ${previous.holder} was granted it at ${previous.t} ms with token ${previous.token}: the lock goes to the lowest znode first.`,
      };
    }
    previous = g;
  }
  return { outcome: 'ok' };
}

function granted(r: Round): CheckResult {
  if (r.problems.length === 0) return { outcome: 'ok' };
  return { outcome: 'violated', property: 'lowest-znode-holds', message: r.problems[0]! };
}

/** Once calm: every barista finished its rounds, and no znode is left under the lock. */
function liveness(r: Round): CheckResult {
  for (let i = 1; i <= r.shape.baristas; i++) {
    const id = `barista-${i}`;
    const done = r.done.get(id) ?? 0;
    if (done < r.shape.rounds) {
      return {
        outcome: 'violated',
        property: 'liveness',
        message: `${id} finished ${done} of its ${r.shape.rounds} turns with the lock although the network was calm from ${r.shape.calmAtMs} ms: a waiter is stuck (a watch that never fires, or a znode nobody deletes).`,
      };
    }
  }
  const left = r.server.tree().filter((n) => n.path.startsWith(`${LOCK}/`));
  if (left.length > 0) {
    return {
      outcome: 'violated',
      property: 'no-orphans',
      message: `Every barista released its last turn, but znodes are still under ${LOCK}: ${left.map((n) => `${nameOf(n.path)} (session ${n.stat.ephemeralOwner})`).join(', ')}.`,
    };
  }
  return { outcome: 'ok' };
}

function scenario(name: string, shape: Round['shape'], judge: (r: Round) => CheckResult): Scenario {
  const baristas = Array.from({ length: shape.baristas }, (_, i) => `barista-${i + 1}`);
  const faultMs = shape.calmAtMs ?? 2_000;
  return {
    name,
    faults: {
      nodes: [...baristas, ZK],
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
      const server = zooKeeperServer({ paths: ['/locks', LOCK] });
      const r: Round = { shape, events: [], writes: [], grants: [], problems: [], done: new Map(), server };
      sim.addNode(ZK, server.factory);
      sim.addNode('grinder', grinder(sim, r));
      for (const id of baristas) sim.addNode(id, barista(sim, r, id));
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
      sim.run({ untilMs: faultMs + 8_000 });
      return judge(r);
    },
  };
}

const safe = (r: Round): CheckResult => firstFailure(() => granted(r), () => clientExclusion(r), () => resourceExclusion(r), () => fairness(r));
const live = (r: Round): CheckResult => firstFailure(() => safe(r), () => liveness(r));

describe('baristas taking turns with the lock, under faults', () => {
  it('never lets two live sessions hold the lock, and the grinder never takes interleaved writes', () => {
    assertExploration(
      explore(scenario('zk-lock-3', { baristas: 3, rounds: 4 }, safe), { runsMin: 120, runsMax: 120 }),
      'Follow the znodes under the lock in the trace: who was lowest, who watched whom, and what each grant was based on.',
    );
  });

  it('grants every turn and leaves no znode behind once the network is calm', () => {
    assertExploration(
      explore(scenario('zk-lock-live', { baristas: 4, rounds: 3, calmAtMs: 1_500 }, live), { runsMin: 80, runsMax: 80 }),
      'Find the waiter that never got the lock: which znode was it watching, and did that watch ever fire?',
    );
  });
});
