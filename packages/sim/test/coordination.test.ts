/**
 * The simulated coordination service on its own, against ZooKeeper's semantics (the ZooKeeper
 * programmer's guide; where our TSDoc is silent, ZooKeeper's real behaviour is the reference).
 */
import { describe, expect, it } from 'vitest';
import { connectZooKeeper, type SessionState, type Stat, type WatchedEvent, type ZkErrorCode, type ZooKeeper } from '../src/index.ts';
import { Simulation, zooKeeperServer, type NetworkOptions, type ZooKeeperServer } from '../src/testing.ts';
import type { TraceEvent } from '../src/host.ts';

// ---- Harness ------------------------------------------------------------------------------

interface World {
  sim: Simulation;
  server: ZooKeeperServer;
  /** The client of node `name` (exists once the node has started, i.e. inside the run). */
  zk: (name: string) => ZooKeeper;
  /** Every `onSessionState` call of each client, in order. */
  states: Record<string, SessionState[]>;
}

interface WorldOptions extends NetworkOptions {
  seed?: number;
  timeoutMs?: number;
  /** Loses a message a client node received before its client sees it, when this says so. */
  lose?: (name: string, body: unknown) => boolean;
}

/** A service at `zk` and one client node per name, each with a session of `timeoutMs` (300). */
function world(names: string[], options: WorldOptions = {}): World {
  const { seed = 1, timeoutMs = 300, lose, ...network } = options;
  const sim = new Simulation({ seed, ...network });
  const server = zooKeeperServer();
  sim.addNode('zk', server.factory);
  const clients: Record<string, ZooKeeper> = {};
  const states: Record<string, SessionState[]> = {};
  for (const name of names) {
    states[name] = [];
    sim.addNode(name, (node) => {
      const zk = connectZooKeeper(node, { server: 'zk', sessionTimeoutMs: timeoutMs, onSessionState: (s) => states[name]!.push(s) });
      clients[name] = zk;
      return { onMessage: (from, body) => void (lose?.(name, body) || zk.receive(from, body)) };
    });
  }
  const zk = (name: string): ZooKeeper => {
    const client = clients[name];
    if (!client) throw new Error(`client ${name} has not started`);
    return client;
  };
  return { sim, server, zk, states };
}

interface Answer {
  error: ZkErrorCode | null;
  value: unknown;
  stat: Stat | undefined;
  t: number;
}

/**
 * Callbacks that record their answer under a label: `made` lists the labels in the order the
 * callbacks were made (the calls' order, when made inline), `order` in the order answered.
 */
function recorder(sim: Simulation) {
  const got: Record<string, Answer> = {};
  const made: string[] = [];
  const order: string[] = [];
  const save = (label: string) => {
    made.push(label);
    return (error: ZkErrorCode | null, value?: unknown, stat?: Stat): void => {
      if (label in got) throw new Error(`${label} was answered twice`);
      got[label] = { error, value, stat, t: sim.nowMs };
      order.push(label);
    };
  };
  /** The answer of `label`; fails the test if it never came. */
  const answer = (label: string): Answer => {
    const a = got[label];
    if (!a) throw new Error(`${label} was never answered (answers: ${order.join(', ')})`);
    return a;
  };
  return { got, made, order, save, answer };
}

const ofType = <T extends TraceEvent['type']>(events: TraceEvent[], type: T) =>
  events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

const sessionEvents = (sim: Simulation) => ofType(sim.trace.events, 'session');

const paths = (server: ZooKeeperServer) => server.tree().map((n) => n.path);
const znode = (server: ZooKeeperServer, path: string) => server.tree().find((n) => n.path === path);

/**
 * Protocol messages between two nodes (either way) of one kind, e.g. 'request' (pings left out),
 * 'watch'.
 */
function wire(sim: Simulation, kind: string, between?: [string, string]) {
  return ofType(sim.trace.events, 'send').filter((e) => {
    const body = e.body as Record<string, unknown>;
    if (body.zk !== kind || (body.request as { op?: string } | undefined)?.op === 'ping') return false;
    return !between || (e.from === between[0] && e.to === between[1]) || (e.from === between[1] && e.to === between[0]);
  });
}

// ---- 1. Calls and errors -------------------------------------------------------------------

describe('calls and errors', () => {
  it('create, delete, exists, getData, setData, getChildren and sync answer as ZooKeeper does', () => {
    const { sim, server, zk } = world(['a']);
    const { save, answer, order, made } = recorder(sim);
    sim.schedule(10, () => {
      const a = zk('a');
      // FIFO client order: each call is applied after the ones before it.
      a.create('/a', 'hello', 'persistent', save('create /a'));
      a.create('/a', 'again', 'persistent', save('create /a again'));
      a.create('/missing/b', '', 'persistent', save('create under missing parent'));
      a.create('/', '', 'persistent', save('create /'));
      a.create('/e', 'eph', 'ephemeral', save('create /e'));
      a.create('/e/c', '', 'persistent', save('create under ephemeral'));
      a.create('/e/c', '', 'ephemeral-sequential', save('create sequential under ephemeral'));
      a.exists('/a', null, save('exists /a'));
      a.exists('/nope', null, save('exists /nope'));
      a.getData('/a', null, save('getData /a'));
      a.getData('/nope', null, save('getData /nope'));
      a.setData('/a', 'v1', -1, save('setData any'));
      a.setData('/a', 'v2', 0, save('setData stale version'));
      a.setData('/a', 'v2', 1, save('setData current version'));
      a.setData('/nope', 'x', -1, save('setData /nope'));
      for (const name of ['c2', 'c1', 'c10', 'b']) a.create(`/a/${name}`, '', 'persistent', save(`create /a/${name}`));
      a.getChildren('/a', null, save('getChildren /a'));
      a.getChildren('/nope', null, save('getChildren /nope'));
      a.getChildren('/e', null, save('getChildren /e'));
      a.delete('/a', -1, save('delete non-empty'));
      a.delete('/a', 99, save('delete non-empty, wrong version'));
      a.delete('/a/b', 5, save('delete wrong version'));
      a.delete('/a/b', 0, save('delete matching version'));
      a.delete('/a/b', -1, save('delete gone'));
      a.delete('/a/c1', -1, save('delete any version'));
      a.delete('/', -1, save('delete /'));
      a.sync('/a', save('sync'));
      a.getData('/a', null, save('getData /a after'));
    });
    sim.run({ untilMs: 200 });

    expect(answer('create /a')).toMatchObject({ error: null, value: '/a' });
    expect(answer('create /a again')).toMatchObject({ error: 'NODEEXISTS', value: undefined });
    expect(answer('create under missing parent').error).toBe('NONODE');
    expect(answer('create /').error).toBe('NODEEXISTS');
    expect(answer('create /e')).toMatchObject({ error: null, value: '/e' });
    expect(answer('create under ephemeral').error).toBe('NOCHILDRENFOREPHEMERALS');
    expect(answer('create sequential under ephemeral').error).toBe('NOCHILDRENFOREPHEMERALS');

    const existsA = answer('exists /a');
    expect(existsA.error).toBeNull();
    expect(existsA.value).toMatchObject({ version: 0, dataLength: 5, ephemeralOwner: 0, numChildren: 0 });
    expect(answer('exists /nope')).toMatchObject({ error: null, value: null });

    const data = answer('getData /a');
    expect(data).toMatchObject({ error: null, value: 'hello' });
    expect(data.stat).toEqual(existsA.value);
    expect(answer('getData /nope')).toMatchObject({ error: 'NONODE', value: undefined, stat: undefined });

    const v1 = answer('setData any');
    expect(v1.error).toBeNull();
    expect((v1.value as Stat).version).toBe(1);
    expect(answer('setData stale version')).toMatchObject({ error: 'BADVERSION', value: undefined });
    const v2 = answer('setData current version');
    expect((v2.value as Stat).version).toBe(2);
    expect((v2.value as Stat).mzxid).toBeGreaterThan((v1.value as Stat).mzxid);
    expect(answer('setData /nope').error).toBe('NONODE');

    expect(answer('getChildren /a')).toMatchObject({ error: null, value: ['b', 'c1', 'c10', 'c2'] });
    expect(answer('getChildren /nope').error).toBe('NONODE');
    expect(answer('getChildren /e')).toMatchObject({ error: null, value: [] });

    expect(answer('delete non-empty').error).toBe('NOTEMPTY');
    // ZooKeeper compares the version before it looks at the children.
    expect(answer('delete non-empty, wrong version').error).toBe('BADVERSION');
    expect(answer('delete wrong version').error).toBe('BADVERSION');
    expect(answer('delete matching version')).toMatchObject({ error: null, value: undefined });
    expect(answer('delete gone').error).toBe('NONODE');
    expect(answer('delete any version').error).toBeNull();
    expect(answer('delete /').error).toBe('BADARGUMENTS');
    expect(answer('sync')).toMatchObject({ error: null, value: undefined });
    const after = answer('getData /a after');
    expect(after.value).toBe('v2');
    expect(after.stat).toMatchObject({ version: 2, dataLength: 2, numChildren: 2 });

    // Answered in the order the calls were made.
    expect(order).toEqual(made);
    expect(paths(server)).toEqual(['/', '/a', '/a/c10', '/a/c2', '/e']);
    expect(znode(server, '/a')!.data).toBe('v2');
  });

  it('keeps Stat fields as ZooKeeper does: zxids, versions, ephemeralOwner, numChildren, dataLength', () => {
    const { sim, server, zk } = world(['a', 'b']);
    const { save, answer } = recorder(sim);
    sim.schedule(10, () => {
      const a = zk('a');
      a.create('/p', 'abc', 'persistent', save('create /p'));
      a.exists('/p', null, save('stat after create'));
      a.create('/p/c', '', 'persistent', save('create /p/c'));
      a.exists('/p/c', null, save('stat of child'));
      a.exists('/p', null, save('stat after child'));
      a.setData('/p', 'abcdefg', 0, save('setData'));
      a.create('/p/e', 'x', 'ephemeral', save('create ephemeral'));
      a.exists('/p/e', null, save('stat of ephemeral'));
      a.delete('/p/c', 0, save('delete child'));
      a.exists('/p', null, save('stat at end'));
    });
    sim.schedule(100, () => zk('b').create('/p/b', '', 'ephemeral-sequential', save('b creates')));
    sim.schedule(150, () => zk('b').exists('/p/b0000000003', null, save('b stat')));
    sim.run({ untilMs: 300 });

    const s0 = answer('stat after create').value as Stat;
    expect(s0.czxid).toBeGreaterThan(0);
    expect(s0).toMatchObject({ mzxid: s0.czxid, pzxid: s0.czxid, version: 0, cversion: 0, ephemeralOwner: 0, dataLength: 3, numChildren: 0 });
    expect(s0.mtime).toBe(s0.ctime);

    const child = answer('stat of child').value as Stat;
    expect(child.czxid).toBeGreaterThan(s0.czxid);
    const s1 = answer('stat after child').value as Stat;
    // A child changes the parent's children (cversion, pzxid, numChildren), not its data.
    expect(s1).toMatchObject({ czxid: s0.czxid, mzxid: s0.mzxid, pzxid: child.czxid, version: 0, cversion: 1, numChildren: 1 });

    const s2 = answer('setData').value as Stat;
    expect(s2).toMatchObject({ czxid: s0.czxid, pzxid: child.czxid, version: 1, cversion: 1, dataLength: 7, numChildren: 1 });
    expect(s2.mzxid).toBeGreaterThan(child.czxid);
    expect(s2.mtime).toBeGreaterThanOrEqual(s2.ctime);

    const eph = answer('stat of ephemeral').value as Stat;
    expect(eph.ephemeralOwner).toBe(zk('a').sessionId);
    expect(eph.ephemeralOwner).not.toBe(0);

    const end = answer('stat at end').value as Stat;
    expect(end).toMatchObject({ version: 1, cversion: 3, numChildren: 1, mzxid: s2.mzxid });
    expect(end.pzxid).toBeGreaterThan(eph.czxid); // the delete is the last change to the children

    expect(answer('b creates').value).toBe('/p/b0000000003');
    const bStat = answer('b stat').value as Stat;
    expect(bStat.ephemeralOwner).toBe(zk('b').sessionId);
    expect(zk('b').sessionId).not.toBe(zk('a').sessionId);
    // Every write has its own zxid, and zxids order the writes.
    const czxids = server.tree().map((n) => n.stat.czxid);
    expect(new Set(czxids.filter((z) => z > 0)).size).toBe(czxids.filter((z) => z > 0).length);
  });

  it('rejects invalid paths and arguments with a TypeError, synchronously, sending nothing', () => {
    const { sim, zk } = world(['a']);
    sim.run({ untilMs: 50 });
    const a = zk('a');
    const noop = () => {};
    const before = wire(sim, 'request').length;
    for (const path of ['', 'a', 'a/b', '/a/', '//a', '/a//b', '/a/./b', '/a/../b', '/.', '/..']) {
      expect(() => a.create(path, '', 'persistent', noop), path).toThrow(TypeError);
      expect(() => a.delete(path, -1, noop), path).toThrow(TypeError);
      expect(() => a.exists(path, null, noop), path).toThrow(TypeError);
      expect(() => a.getData(path, null, noop), path).toThrow(TypeError);
      expect(() => a.setData(path, '', -1, noop), path).toThrow(TypeError);
      expect(() => a.getChildren(path, null, noop), path).toThrow(TypeError);
      expect(() => a.sync(path, noop), path).toThrow(TypeError);
    }
    for (const path of ['/a//', '/a/./', 'a/']) expect(() => a.create(path, '', 'persistent-sequential', noop), path).toThrow(TypeError);
    const bad = (x: unknown) => x as never;
    expect(() => a.create(bad(42), '', 'persistent', noop)).toThrow(TypeError);
    expect(() => a.create('/x', bad(undefined), 'persistent', noop)).toThrow(TypeError);
    expect(() => a.create('/x', bad(7), 'persistent', noop)).toThrow(TypeError);
    expect(() => a.create('/x', '', bad('sequential'), noop)).toThrow(TypeError);
    expect(() => a.create('/x', '', 'persistent', bad(undefined))).toThrow(TypeError);
    expect(() => a.delete('/x', bad(1.5), noop)).toThrow(TypeError);
    expect(() => a.delete('/x', -2, noop)).toThrow(TypeError);
    expect(() => a.delete('/x', bad('0'), noop)).toThrow(TypeError);
    expect(() => a.setData('/x', bad(null), -1, noop)).toThrow(TypeError);
    expect(() => a.setData('/x', '', bad(NaN), noop)).toThrow(TypeError);
    expect(() => a.exists('/x', bad('watch'), noop)).toThrow(TypeError);
    expect(() => a.getData('/x', bad({}), noop)).toThrow(TypeError);
    expect(() => a.getChildren('/x', null, bad(null))).toThrow(TypeError);
    expect(() => a.getData('/x', null, bad(undefined))).toThrow(TypeError);
    expect(() => a.sync('/x', bad(undefined))).toThrow(TypeError);
    sim.run({ untilMs: 100 });
    expect(wire(sim, 'request', ['a', 'zk']).length - before).toBe(0);
    expect(() => connectZooKeeper(bad(undefined), { server: 'zk' })).toThrow(TypeError);
  });

  it('never runs a callback inside the call, connected or not', () => {
    const { sim, zk } = world(['a'], { timeoutMs: 300 });
    let inside = false;
    const sync: string[] = [];
    const answered: string[] = [];
    const call = (label: string, run: (cb: (e: ZkErrorCode | null) => void) => void) => {
      inside = true;
      try {
        run((e) => {
          if (inside) sync.push(label);
          answered.push(`${label} ${e}`);
        });
      } finally {
        inside = false;
      }
    };
    // While connecting (before the session is open).
    sim.schedule(0, () => call('connecting', (cb) => zk('a').create('/x', '', 'persistent', cb)));
    sim.schedule(50, () => call('connected', (cb) => zk('a').exists('/x', null, cb)));
    // Cut off and expired: calls then fail, but still later.
    sim.schedule(100, () => sim.partition([['a'], ['zk']]));
    sim.schedule(400, () => {
      expect(zk('a').state).toBe('disconnected');
      call('disconnected', (cb) => zk('a').getData('/x', null, cb));
    });
    sim.schedule(800, () => sim.heal());
    sim.schedule(1200, () => call('expired', (cb) => zk('a').getChildren('/', null, cb)));
    sim.run({ untilMs: 1300 });
    expect(zk('a').state).toBe('expired');
    expect(answered).toEqual(['connecting null', 'connected null', 'disconnected SESSIONEXPIRED', 'expired SESSIONEXPIRED']);
    expect(sync).toEqual([]);
  });
});

// ---- 2. Sequential names -------------------------------------------------------------------

describe('sequential znodes', () => {
  it('append the parent cversion as a 10-digit counter: increasing across deletes, unique per parent', () => {
    const { sim, zk } = world(['a']);
    const { save, answer } = recorder(sim);
    sim.schedule(10, () => {
      const a = zk('a');
      a.create('/q', '', 'persistent', save('q'));
      a.create('/r', '', 'persistent', save('r'));
      a.create('/q/n-', '', 'persistent-sequential', save('n0'));
      a.create('/q/n-', '', 'ephemeral-sequential', save('n1'));
      a.create('/q/n-', '', 'persistent-sequential', save('n2'));
      a.delete('/q/n-0000000001', -1, save('delete n1'));
      a.delete('/q/n-0000000002', -1, save('delete n2'));
      a.create('/q/plain', '', 'persistent', save('plain'));
      a.create('/q/n-', '', 'persistent-sequential', save('after deletes'));
    });
    sim.schedule(11, () => {
      zk('a').create('/r/x', '', 'persistent-sequential', save('other parent'));
      // As in ZooKeeper, a sequential path may end in "/": the counter is the whole name.
      zk('a').create('/r/', '', 'ephemeral-sequential', save('bare counter'));
      zk('a').create('/', '', 'persistent-sequential', save('under root'));
      zk('a').getChildren('/q', null, save('children'));
      zk('a').exists('/q', null, save('stat q'));
    });
    sim.run({ untilMs: 200 });
    expect(answer('n0').value).toBe('/q/n-0000000000');
    expect(answer('n1').value).toBe('/q/n-0000000001');
    expect(answer('n2').value).toBe('/q/n-0000000002');
    expect(answer('delete n1').error).toBeNull();
    // Three creates and two deletes: the parent's cversion is 6 after `plain`, so a counter
    // that only counted live children (or creates) would reuse a name.
    expect(answer('after deletes').value).toBe('/q/n-0000000006');
    expect(answer('other parent').value).toBe('/r/x0000000000');
    expect(answer('bare counter').value).toBe('/r/0000000001');
    expect(answer('under root').value).toBe('/0000000002');
    expect(answer('children').value).toEqual(['n-0000000000', 'n-0000000006', 'plain']);
    expect((answer('stat q').value as Stat).cversion).toBe(7);
  });

  it('gives concurrent creators unique, increasing names in the order the service applied them', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const { sim, server, zk } = world(names, { seed: 3, delay: { kind: 'uniform', msMin: 1, msMax: 30 } });
    const created: Record<string, string[]> = {};
    sim.schedule(5, () => zk('a').create('/lock', '', 'persistent', () => {}));
    sim.schedule(100, () => {
      for (const name of names) {
        created[name] = [];
        for (let i = 0; i < 4; i++) {
          zk(name).create('/lock/n-', name, i % 2 ? 'ephemeral-sequential' : 'persistent-sequential', (e, path) => {
            expect(e).toBeNull();
            created[name]!.push(path!);
          });
        }
      }
    });
    sim.run({ untilMs: 400 });
    const all = Object.values(created).flat();
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    for (const p of all) expect(p).toMatch(/^\/lock\/n-\d{10}$/);
    expect(all.map((p) => Number(p.slice(-10))).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Each client's own names increase in the order it made its calls.
    for (const name of names) expect([...created[name]!].sort()).toEqual(created[name]);
    // The counter follows the service's order of writes (czxid).
    const children = server.tree().filter((n) => n.path.startsWith('/lock/'));
    const byZxid = [...children].sort((x, y) => x.stat.czxid - y.stat.czxid).map((n) => n.path);
    expect(byZxid).toEqual(children.map((n) => n.path).sort());
    // Several clients' creates interleave: it was concurrent.
    const owners = byZxid.map((p) => znode(server, p)!.data);
    expect(owners.slice(0, 4).every((o) => o === owners[0])).toBe(false);
  });
});

// ---- 3. Sessions ---------------------------------------------------------------------------

describe('sessions', () => {
  it('stay alive on heartbeats while idle, far longer than the timeout', () => {
    const { sim, server, zk, states } = world(['a']);
    sim.schedule(10, () => zk('a').create('/e', '', 'ephemeral', () => {}));
    sim.run({ untilMs: 5_000 });
    expect(zk('a').state).toBe('connected');
    expect(states.a).toEqual(['connected']);
    expect(zk('a').sessionTimeoutMs).toBe(300);
    expect(server.sessions()).toMatchObject([{ id: zk('a').sessionId, client: 'a', timeoutMs: 300, state: 'open', ephemerals: ['/e'] }]);
    expect(paths(server)).toContain('/e');
    const pings = ofType(sim.trace.events, 'send').filter((e) => e.from === 'a' && (e.body as { request?: { op: string } }).request?.op === 'ping');
    // A ping at least every half timeout, and not much more often than every third.
    expect(pings.length).toBeGreaterThan(5_000 / 150 - 2);
    expect(pings.length).toBeLessThan(5_000 / 100 + 2);
    expect(sessionEvents(sim).map((e) => e.state)).toEqual(['opened']);
  });

  it('grants a timeout within the service bounds and reports it', () => {
    const sim = new Simulation({ seed: 1 });
    const server = zooKeeperServer({ sessionTimeoutMsMin: 200, sessionTimeoutMsMax: 2_000 });
    sim.addNode('zk', server.factory);
    const clients: ZooKeeper[] = [];
    for (const [name, timeoutMs] of [['short', 50], ['long', 90_000]] as const) {
      sim.addNode(name, (node) => {
        const zk = connectZooKeeper(node, { server: 'zk', sessionTimeoutMs: timeoutMs });
        clients.push(zk);
        return { onMessage: (from, body) => void zk.receive(from, body) };
      });
    }
    sim.run({ untilMs: 1 });
    expect(clients.map((c) => c.sessionTimeoutMs)).toEqual([50, 90_000]); // requested, until answered
    sim.run({ untilMs: 100 });
    expect(clients.map((c) => c.sessionTimeoutMs)).toEqual([200, 2_000]);
    expect(Object.fromEntries(server.sessions().map((s) => [s.client, s.timeoutMs]))).toEqual({ short: 200, long: 2_000 });
    // The client keeps the granted timeout from then on: an idle session, pinged in time, lives.
    sim.run({ untilMs: 20_000 });
    expect(server.sessions().map((s) => s.state)).toEqual(['open', 'open']);
    expect(clients.map((c) => c.state)).toEqual(['connected', 'connected']);
  });

  it('expire on the service when a partition outlasts the timeout; the client only learns it after the heal', () => {
    const { sim, server, zk, states } = world(['a', 'b']);
    const recorderOf = recorder(sim);
    const { save, answer } = recorderOf;
    const seenByB: WatchedEvent[] = [];
    sim.schedule(10, () => {
      zk('a').create('/e', 'mine', 'ephemeral', save('create /e'));
      zk('a').create('/s-', '', 'ephemeral-sequential', save('create /s-'));
      zk('a').create('/p', '', 'persistent', save('create /p'));
    });
    sim.schedule(50, () => zk('b').exists('/e', (e) => seenByB.push(e), save('b watches /e')));
    sim.schedule(200, () => {
      sim.partition([['a'], ['zk', 'b']]);
      zk('a').getData('/e', null, save('in flight at partition'));
    });
    sim.schedule(600, () => zk('a').setData('/p', 'x', -1, save('made while disconnected')));
    sim.schedule(1_500, () => sim.heal());

    sim.run({ untilMs: 1_400 });
    expect(answer('create /s-').value).toBe('/s-0000000001');
    expect(answer('in flight at partition').error).toBe('CONNECTIONLOSS');
    const sessionA = zk('a').sessionId;
    expect(server.sessions().find((s) => s.id === sessionA)).toMatchObject({ state: 'expired', ephemerals: [] });
    expect(paths(server)).toEqual(['/', '/p']);
    expect(seenByB).toEqual([{ type: 'NodeDeleted', path: '/e' }]);
    const expired = sessionEvents(sim).filter((e) => e.state === 'expired');
    expect(expired).toMatchObject([{ node: 'zk', client: 'a', session: sessionA, ephemerals: ['/e', '/s-0000000001'] }]);
    // Expired exactly when the service had heard nothing from `a` for the timeout.
    const lastHeard = Math.max(...ofType(sim.trace.events, 'deliver').filter((e) => e.from === 'a' && e.to === 'zk').map((e) => e.t));
    expect(expired[0]!.t - lastHeard).toBeGreaterThanOrEqual(300);
    expect(expired[0]!.t - lastHeard).toBeLessThan(350);
    // The client cannot tell: it is still reconnecting, and its call is still queued.
    expect(zk('a').state).toBe('disconnected');
    expect(states.a).toEqual(['connected', 'disconnected']);
    const { got } = recorderOf;
    expect(got['made while disconnected']).toBeUndefined();

    sim.run({ untilMs: 2_000 });
    expect(zk('a').state).toBe('expired');
    expect(states.a).toEqual(['connected', 'disconnected', 'expired']);
    const late = answer('made while disconnected');
    expect(late.error).toBe('SESSIONEXPIRED');
    expect(late.t).toBeGreaterThanOrEqual(1_500);
    // The write never happened, and the session stays over.
    expect(znode(server, '/p')!.data).toBe('');
    expect(seenByB).toHaveLength(1);
    sim.schedule(2_100, () => zk('a').exists('/p', null, save('after expiry')));
    sim.run({ untilMs: 2_300 });
    expect(answer('after expiry').error).toBe('SESSIONEXPIRED');
    expect(wire(sim, 'request', ['a', 'zk']).filter((e) => e.t > 1_500 && e.from === 'a')).toEqual([]);
  });

  it('say, while open, when they will expire if the service hears nothing more, and expire then', () => {
    const { sim, server } = world(['a'], { delay: { kind: 'fixed', ms: 5 } });
    sim.run({ untilMs: 200 });
    const open = server.sessions()[0]!;
    expect(open.state).toBe('open');
    // Pings keep pushing it forward: never more than a timeout ahead of now.
    expect(open.expiresAtMs).toBeGreaterThan(200);
    expect(open.expiresAtMs).toBeLessThanOrEqual(200 + open.timeoutMs);
    sim.schedule(200, () => sim.partition([['a']]));
    sim.run({ untilMs: 201 });
    const promised = server.sessions()[0]!.expiresAtMs!;
    sim.run({ untilMs: 1_000 });
    const ended = server.sessions()[0]!;
    expect(ended).toMatchObject({ state: 'expired' });
    expect(ended.expiresAtMs, 'an ended session has no expiry ahead').toBeUndefined();
    expect(ended.endedAtMs! - promised, 'it expired when it said it would (to the ms its timer rounds to)').toBeGreaterThanOrEqual(0);
    expect(ended.endedAtMs! - promised).toBeLessThan(1);
  });

  it('survive a partition shorter than the timeout: CONNECTIONLOSS, disconnected, connected again with the same session', () => {
    const { sim, server, zk, states } = world(['a', 'b'], { delay: { kind: 'fixed', ms: 5 } });
    const { save, answer } = recorder(sim);
    sim.schedule(10, () => zk('a').create('/e', 'mine', 'ephemeral', save('create /e')));
    let sessionA = 0;
    // The request reaches the service at 305 (so it heard `a` then); the reply is cut off.
    sim.schedule(300, () => {
      sessionA = zk('a').sessionId;
      zk('a').getData('/e', null, save('in flight'));
    });
    sim.schedule(306, () => sim.partition([['a'], ['zk', 'b']]));
    sim.schedule(500, () => sim.heal());
    sim.schedule(800, () => zk('a').getData('/e', null, save('after')));
    sim.run({ untilMs: 1_000 });
    expect(answer('in flight').error).toBe('CONNECTIONLOSS');
    // Noticed by silence: within two thirds of the timeout (plus the client's tick) of the call.
    expect(answer('in flight').t - 300).toBeLessThanOrEqual(250);
    expect(states.a).toEqual(['connected', 'disconnected', 'connected']);
    expect(zk('a').state).toBe('connected');
    expect(zk('a').sessionId).toBe(sessionA);
    expect(answer('after')).toMatchObject({ error: null, value: 'mine', stat: { ephemeralOwner: sessionA } });
    expect(server.sessions()).toMatchObject([{ id: sessionA, state: 'open', ephemerals: ['/e'] }, { state: 'open' }]);
    expect(sessionEvents(sim).map((e) => e.state)).toEqual(['opened', 'opened']);
  });

  it('expire when the client node is paused past the timeout; it learns so when it resumes', () => {
    const { sim, server, zk, states } = world(['a', 'b']);
    const { save, answer } = recorder(sim);
    const seenByB: WatchedEvent[] = [];
    sim.schedule(10, () => zk('a').create('/e', '', 'ephemeral', save('create')));
    sim.schedule(50, () => zk('b').getData('/e', (e) => seenByB.push(e), save('b watch')));
    sim.schedule(200, () => sim.pause('a'));
    sim.schedule(900, () => sim.resume('a'));
    sim.run({ untilMs: 890 });
    expect(server.sessions()[0]).toMatchObject({ client: 'a', state: 'expired' });
    expect(paths(server)).toEqual(['/']);
    expect(seenByB).toEqual([{ type: 'NodeDeleted', path: '/e' }]);
    expect(zk('a').state).toBe('connected'); // frozen: it has not run since
    sim.run({ untilMs: 1_300 });
    expect(zk('a').state).toBe('expired');
    expect(states.a.at(-1)).toBe('expired');
    expect(states.a).not.toContain('closed');
    expect(answer('create').error).toBeNull();
  });

  it('end with close(): ephemerals deleted at once, watchers told, the client refuses further calls', () => {
    const { sim, server, zk, states } = world(['a', 'b']);
    const { save } = recorder(sim);
    const seenByB: WatchedEvent[] = [];
    sim.schedule(10, () => {
      zk('a').create('/e1', '', 'ephemeral', save('e1'));
      zk('a').create('/e2', '', 'ephemeral', save('e2'));
      zk('a').create('/p', '', 'persistent', save('p'));
    });
    sim.schedule(50, () => {
      zk('b').exists('/e1', (e) => seenByB.push(e), save('b watches e1'));
      zk('b').getChildren('/', (e) => seenByB.push(e), save('b watches /'));
    });
    let closedAt = 0;
    sim.schedule(200, () => {
      closedAt = sim.nowMs;
      zk('a').close();
      expect(zk('a').state).toBe('closed');
      expect(() => zk('a').create('/late', '', 'persistent', () => {})).toThrow(/closed/);
      expect(() => zk('a').getData('/p', null, () => {})).toThrow();
      zk('a').close(); // a second close does nothing
    });
    sim.run({ untilMs: 400 });
    expect(states.a).toEqual(['connected', 'closed']);
    const closed = sessionEvents(sim).filter((e) => e.state === 'closed');
    expect(closed).toMatchObject([{ client: 'a', session: zk('a').sessionId, ephemerals: ['/e1', '/e2'] }]);
    expect(closed[0]!.t - closedAt).toBeLessThan(20); // at once, not after the timeout
    expect(paths(server)).toEqual(['/', '/p']);
    expect(server.sessions()[0]).toMatchObject({ state: 'closed', ephemerals: [] });
    expect(seenByB).toEqual([
      { type: 'NodeDeleted', path: '/e1' },
      { type: 'NodeChildrenChanged', path: '/' },
    ]);
    expect(sessionEvents(sim).filter((e) => e.state === 'expired')).toEqual([]);
  });

  it("let another session change or delete a session's ephemeral; the owner's list follows", () => {
    const { sim, server, zk } = world(['a', 'b']);
    const { save, answer } = recorder(sim);
    sim.schedule(10, () => {
      zk('a').create('/e1', '', 'ephemeral', save('e1'));
      zk('a').create('/e2', '', 'ephemeral', save('e2'));
    });
    sim.schedule(100, () => {
      zk('b').setData('/e1', 'b was here', 0, save('b sets'));
      zk('b').delete('/e2', 0, save('b deletes'));
    });
    sim.schedule(200, () => zk('a').close());
    sim.run({ untilMs: 300 });
    expect(answer('b sets')).toMatchObject({ error: null, value: { version: 1, ephemeralOwner: zk('a').sessionId } });
    expect(answer('b deletes').error).toBeNull();
    expect(sessionEvents(sim).filter((e) => e.state === 'closed')).toMatchObject([{ client: 'a', ephemerals: ['/e1'] }]);
    expect(paths(server)).toEqual(['/']);
  });

  it('end for good when closed from a callback of the connection loss', () => {
    // A natural reaction to losing the connection: give up and close. The closed client must
    // then fall silent, so that its session (which it could not close) expires.
    for (const where of ['listener', 'callback'] as const) {
      const { sim, server, zk, states } = world(['a']);
      sim.schedule(10, () => zk('a').create('/e', '', 'ephemeral', () => {}));
      sim.schedule(100, () => {
        if (where === 'listener') zk('a').onStateChange((s) => s === 'disconnected' && zk('a').close());
        sim.partition([['a'], ['zk']]);
        if (where === 'callback') zk('a').getData('/e', null, () => zk('a').close());
      });
      sim.schedule(450, () => sim.heal());
      sim.run({ untilMs: 2_000 });
      expect(states.a, where).toEqual(['connected', ...(where === 'listener' ? ['disconnected'] : []), 'closed']);
      expect(ofType(sim.trace.events, 'send').filter((e) => e.from === 'a' && e.t > 400), where).toEqual([]);
      expect(server.sessions(), where).toMatchObject([{ state: 'expired', ephemerals: [] }]);
      expect(paths(server), where).toEqual(['/']);
    }
  });

  it('fail calls still pending at close() with CONNECTIONLOSS, later', () => {
    const { sim, zk } = world(['a']);
    const { save, answer } = recorder(sim);
    let inside = true;
    sim.schedule(100, () => {
      zk('a').create('/x', '', 'persistent', save('pending'));
      zk('a').close();
      inside = false;
    });
    sim.run({ untilMs: 300 });
    expect(inside).toBe(false);
    expect(answer('pending').error).toBe('CONNECTIONLOSS');
  });

  it('expire after the timeout when the client node crashes', () => {
    const { sim, server, zk } = world(['a', 'b']);
    const seenByB: WatchedEvent[] = [];
    sim.schedule(10, () => zk('a').create('/e', '', 'ephemeral', () => {}));
    sim.schedule(50, () => zk('b').exists('/e', (e) => seenByB.push(e), () => {}));
    sim.schedule(200, () => sim.crash('a'));
    sim.run({ untilMs: 450 });
    expect(paths(server)).toContain('/e'); // not before the timeout
    sim.run({ untilMs: 600 });
    expect(paths(server)).toEqual(['/']);
    const expired = sessionEvents(sim).filter((e) => e.state === 'expired');
    expect(expired).toMatchObject([{ client: 'a', ephemerals: ['/e'] }]);
    const lastHeard = Math.max(...ofType(sim.trace.events, 'deliver').filter((e) => e.from === 'a' && e.to === 'zk').map((e) => e.t));
    expect(expired[0]!.t - lastHeard).toBeGreaterThanOrEqual(300);
    expect(expired[0]!.t - lastHeard).toBeLessThan(350);
    expect(seenByB).toEqual([{ type: 'NodeDeleted', path: '/e' }]);
  });

  it('give a client restarted on a crashed node a clean new session, untouched by the old one', () => {
    // The old session lives on at the service until it expires, and what the service sends it
    // (here a watch event, on connection 1 like the new client's) reaches the same node.
    const { sim, server, zk, states } = world(['a', 'b'], { delay: { kind: 'fixed', ms: 5 } });
    const { save, answer, order } = recorder(sim);
    const log: string[] = [];
    sim.schedule(10, () => zk('a').create('/x', '', 'persistent', () => {}));
    sim.schedule(50, () => zk('a').getData('/x', (e) => log.push(`old ${e.type}`), () => {}));
    let oldSession = 0;
    sim.schedule(195, () => {
      oldSession = zk('a').sessionId;
      zk('b').setData('/x', '1', -1, () => {});
    });
    sim.schedule(200, () => {
      sim.crash('a');
      sim.restart('a');
    });
    sim.schedule(215, () => {
      for (let i = 0; i < 10; i++) zk('a').getData('/x', (e) => log.push(`new ${i} ${e.type}`), save(`read ${i}`));
    });
    sim.schedule(400, () => zk('b').setData('/x', '2', -1, () => {}));
    sim.run({ untilMs: 800 });
    // The old session's event did reach the node while the new client was connecting.
    const stray = ofType(sim.trace.events, 'send').filter((e) => e.to === 'a' && (e.body as { session: number }).session === oldSession && e.t >= 200);
    expect(stray.map((e) => (e.body as { zk: string }).zk)).toContain('watch');
    expect(zk('a').sessionId).not.toBe(oldSession);
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => `read ${i}`));
    for (let i = 0; i < 10; i++) expect(answer(`read ${i}`)).toMatchObject({ error: null, value: '1' });
    // Each new watcher fires once, for the change after its read, not for the old session's.
    expect(log).toEqual(Array.from({ length: 10 }, (_, i) => `new ${i} NodeDataChanged`));
    expect(wire(sim, 'watch', ['zk', 'a']).filter((e) => (e.body as { session: number }).session === zk('a').sessionId)[0]!.t).toBe(400 + 5);
    expect(states.a).toEqual(['connected', 'connected']); // one per incarnation, no disconnect
    sim.run({ untilMs: 1_000 });
    expect(server.sessions().map((s) => s.state)).toEqual(['expired', 'open', 'open']);
  });
});

// ---- 4. Connection loss --------------------------------------------------------------------

describe('connection loss', () => {
  it('fails a call with CONNECTIONLOSS whether or not it took effect', () => {
    const { sim, server, zk, states } = world(['a'], { delay: { kind: 'fixed', ms: 5 } });
    const { save, answer } = recorder(sim);
    sim.schedule(10, () => zk('a').create('/x', '0', 'persistent', save('create')));
    // The request arrives at 105 and is applied; its reply is lost.
    sim.schedule(100, () => zk('a').setData('/x', '1', -1, save('reply lost')));
    sim.schedule(102, () => sim.cut('zk', 'a'));
    sim.schedule(150, () => sim.heal());
    sim.schedule(400, () => zk('a').getData('/x', null, save('read 1')));
    // The request is lost: it never happens.
    sim.schedule(600, () => sim.cut('a', 'zk'));
    sim.schedule(601, () => zk('a').setData('/x', '2', -1, save('request lost')));
    sim.schedule(650, () => sim.heal());
    sim.schedule(1_100, () => zk('a').getData('/x', null, save('read 2')));
    sim.run({ untilMs: 1_200 });
    expect(answer('reply lost').error).toBe('CONNECTIONLOSS');
    expect(answer('read 1')).toMatchObject({ error: null, value: '1', stat: { version: 1 } });
    expect(answer('request lost').error).toBe('CONNECTIONLOSS');
    expect(answer('read 2')).toMatchObject({ error: null, value: '1', stat: { version: 1 } });
    expect(znode(server, '/x')).toMatchObject({ data: '1' });
    expect(states.a).toEqual(['connected', 'disconnected', 'connected', 'disconnected', 'connected']);
    expect(server.sessions()).toMatchObject([{ state: 'open' }]);
  });

  it('queues calls made while disconnected and sends them, in order, once reconnected', () => {
    const { sim, server, zk, states } = world(['a']);
    const { save, answer, order } = recorder(sim);
    sim.schedule(10, () => zk('a').create('/q', '', 'persistent', save('q')));
    // The service still hears `a` (no expiry), but `a` hears nothing: it disconnects.
    sim.schedule(100, () => sim.cut('zk', 'a'));
    sim.schedule(500, () => {
      expect(zk('a').state).toBe('disconnected');
      for (let i = 0; i < 5; i++) zk('a').create(`/q/${i}`, `${i}`, 'persistent', save(`create ${i}`));
      zk('a').setData('/q/0', 'changed', 0, save('set'));
      zk('a').delete('/q/4', 0, save('delete'));
      zk('a').getChildren('/q', null, save('children'));
    });
    sim.schedule(700, () => sim.heal());
    sim.run({ untilMs: 1_000 });
    expect(states.a).toEqual(['connected', 'disconnected', 'connected']);
    const labels = ['create 0', 'create 1', 'create 2', 'create 3', 'create 4', 'set', 'delete', 'children'];
    expect(order.slice(1)).toEqual(labels);
    for (const label of labels) {
      expect(answer(label).error).toBeNull();
      expect(answer(label).t).toBeGreaterThan(700);
    }
    expect(answer('children').value).toEqual(['0', '1', '2', '3']);
    const czxids = [0, 1, 2, 3].map((i) => znode(server, `/q/${i}`)!.stat.czxid);
    expect([...czxids].sort((x, y) => x - y)).toEqual(czxids);
    // Nothing was sent while disconnected: all of them went on the new connection.
    const sent = wire(sim, 'request', ['a', 'zk']).filter((e) => e.from === 'a' && e.t >= 500);
    expect(sent).toHaveLength(labels.length);
    expect(sent.every((e) => e.t >= 700)).toBe(true);
    expect(sent.map((e) => (e.body as { request: { op: string } }).request.op)).toEqual([
      ...Array(5).fill('create'),
      'setData',
      'delete',
      'getChildren',
    ]);
  });
});

// ---- 5. Watches ----------------------------------------------------------------------------

describe('watches', () => {
  /** `a` writes, `b` watches; events `b` sees are logged with the reads' answers. */
  function watching() {
    const w = world(['a', 'b']);
    const rec = recorder(w.sim);
    const log: string[] = [];
    const watcher = (name: string) => (e: WatchedEvent) => log.push(`${name} ${e.type} ${e.path}`);
    return { ...w, ...rec, log, watcher };
  }

  it('exists on a missing znode fires NodeCreated, once', () => {
    const { sim, zk, log, watcher, save, answer } = watching();
    sim.schedule(10, () => zk('b').exists('/w', watcher('w'), save('exists')));
    sim.schedule(50, () => zk('a').create('/w', '', 'persistent', () => {}));
    sim.schedule(100, () => zk('a').setData('/w', 'x', -1, () => {}));
    sim.schedule(150, () => zk('a').delete('/w', -1, () => {}));
    sim.schedule(200, () => zk('a').create('/w', '', 'persistent', () => {}));
    sim.run({ untilMs: 300 });
    expect(answer('exists')).toMatchObject({ error: null, value: null });
    expect(log).toEqual(['w NodeCreated /w']);
  });

  it('exists on a znode fires NodeDataChanged or NodeDeleted', () => {
    const { sim, zk, log, watcher } = watching();
    sim.schedule(10, () => zk('a').create('/w', '', 'persistent', () => {}));
    sim.schedule(50, () => zk('b').exists('/w', watcher('first'), () => {}));
    sim.schedule(100, () => zk('a').setData('/w', 'x', -1, () => {}));
    sim.schedule(150, () => zk('b').exists('/w', watcher('second'), () => {}));
    sim.schedule(200, () => zk('a').delete('/w', -1, () => {}));
    sim.run({ untilMs: 300 });
    expect(log).toEqual(['first NodeDataChanged /w', 'second NodeDeleted /w']);
  });

  it('getData fires NodeDataChanged once until set again, and NodeDeleted', () => {
    const { sim, zk, log, watcher, save, answer } = watching();
    sim.schedule(10, () => zk('a').create('/d', 'v0', 'persistent', () => {}));
    sim.schedule(50, () => zk('b').getData('/d', watcher('w'), save('read 0')));
    sim.schedule(100, () => {
      zk('a').setData('/d', 'v1', -1, () => {});
      zk('a').setData('/d', 'v2', -1, () => {});
    });
    sim.schedule(150, () => zk('b').getData('/d', watcher('w'), save('read 2')));
    sim.schedule(200, () => zk('a').setData('/d', 'v3', -1, () => {}));
    sim.schedule(250, () => zk('b').getData('/d', watcher('w'), () => {}));
    sim.schedule(300, () => zk('a').delete('/d', -1, () => {}));
    sim.schedule(350, () => zk('a').create('/d', '', 'persistent', () => {}));
    // getData on a missing znode sets no watch.
    sim.schedule(400, () => zk('b').getData('/gone', watcher('missing'), save('read missing')));
    sim.schedule(450, () => zk('a').create('/gone', '', 'persistent', () => {}));
    sim.run({ untilMs: 600 });
    expect(answer('read 0').value).toBe('v0');
    expect(answer('read 2').value).toBe('v2');
    expect(answer('read missing').error).toBe('NONODE');
    expect(log).toEqual(['w NodeDataChanged /d', 'w NodeDataChanged /d', 'w NodeDeleted /d']);
  });

  it('getChildren fires NodeChildrenChanged on a child created or deleted, NodeDeleted when the znode goes', () => {
    const { sim, zk, log, watcher, save, answer } = watching();
    sim.schedule(10, () => zk('a').create('/c', '', 'persistent', () => {}));
    sim.schedule(50, () => zk('b').getChildren('/c', watcher('w'), save('children 0')));
    sim.schedule(100, () => zk('a').create('/c/x', '', 'persistent', () => {}));
    sim.schedule(150, () => zk('b').getChildren('/c', watcher('w'), save('children 1')));
    // Data changes, of the znode or of a child, are not children changes.
    sim.schedule(200, () => {
      zk('a').setData('/c', 'd', -1, () => {});
      zk('a').setData('/c/x', 'd', -1, () => {});
      zk('a').create('/c/x/grandchild', '', 'persistent', () => {});
    });
    sim.schedule(250, () => zk('a').delete('/c/x/grandchild', -1, () => {}));
    sim.schedule(300, () => zk('a').delete('/c/x', -1, () => {}));
    sim.schedule(350, () => zk('b').getChildren('/c', watcher('w'), () => {}));
    sim.schedule(400, () => zk('a').delete('/c', -1, () => {}));
    sim.run({ untilMs: 500 });
    expect(answer('children 0').value).toEqual([]);
    expect(answer('children 1').value).toEqual(['x']);
    expect(log).toEqual(['w NodeChildrenChanged /c', 'w NodeChildrenChanged /c', 'w NodeDeleted /c']);
  });

  it('calls a watcher registered twice for a path once per event; distinct watchers each once', () => {
    const { sim, zk, log, watcher } = watching();
    const same = watcher('same');
    const other = watcher('other');
    sim.schedule(10, () => zk('a').create('/s', '', 'persistent', () => {}));
    sim.schedule(50, () => {
      zk('b').exists('/s', same, () => {});
      zk('b').getData('/s', same, () => {});
      zk('b').getData('/s', same, () => {});
      zk('b').getData('/s', other, () => {});
    });
    sim.schedule(100, () => zk('a').setData('/s', 'x', -1, () => {}));
    sim.schedule(150, () => {
      zk('b').getData('/s', same, () => {});
      zk('b').getChildren('/s', same, () => {});
    });
    sim.schedule(200, () => zk('a').delete('/s', -1, () => {}));
    sim.run({ untilMs: 300 });
    expect(log).toEqual(['same NodeDataChanged /s', 'other NodeDataChanged /s', 'same NodeDeleted /s']);
    // The service sends one event per session and change, even for a data and a child watch.
    expect(wire(sim, 'watch', ['zk', 'b']).map((e) => (e.body as { event: string }).event)).toEqual(['NodeDataChanged', 'NodeDeleted']);
  });

  it('tells the writer too, before the answer of its own write', () => {
    const { sim, zk, log, watcher } = watching();
    sim.schedule(10, () =>
      zk('b').exists('/mine', watcher('w'), () => {
        zk('b').create('/mine', '', 'persistent', (e) => log.push(`create answered ${e}`));
      }),
    );
    sim.run({ untilMs: 100 });
    expect(log).toEqual(['w NodeCreated /mine', 'create answered null']);
  });

  it('still fires, once, for a change made while the watching client was disconnected', () => {
    const { sim, zk, log, watcher, states } = watching();
    sim.schedule(10, () => {
      zk('a').create('/x', '', 'persistent', () => {});
      zk('a').create('/c', '', 'persistent', () => {});
    });
    sim.schedule(50, () => {
      zk('b').getData('/x', watcher('data'), () => {});
      zk('b').getChildren('/c', watcher('child'), () => {});
      zk('b').exists('/n', watcher('exist'), () => {});
      zk('a').create('/quiet', '', 'persistent', () => {});
    });
    sim.schedule(70, () => zk('b').getData('/quiet', watcher('quiet'), () => {}));
    // `b` hears nothing from the service (which still hears `b`): the events are lost.
    sim.schedule(100, () => sim.cut('zk', 'b'));
    sim.schedule(200, () => {
      zk('a').setData('/x', '1', -1, () => {});
      zk('a').create('/c/k', '', 'persistent', () => {});
      zk('a').create('/n', '', 'persistent', () => {});
    });
    let healed = 0;
    sim.schedule(500, () => {
      expect(zk('b').state).toBe('disconnected');
      healed = sim.nowMs;
      sim.heal();
    });
    sim.run({ untilMs: 800 });
    expect(states.b).toEqual(['connected', 'disconnected', 'connected']);
    expect([...log].sort()).toEqual(['child NodeChildrenChanged /c', 'data NodeDataChanged /x', 'exist NodeCreated /n']);
    const fired = wire(sim, 'watch', ['zk', 'b']).filter((e) => e.t >= healed);
    expect(fired).toHaveLength(3);
    // Fired once: later changes need a new watch; the untouched watch is still set.
    sim.schedule(800, () => {
      zk('a').setData('/x', '2', -1, () => {});
      zk('a').create('/c/k2', '', 'persistent', () => {});
      zk('a').setData('/n', '2', -1, () => {});
      zk('a').setData('/quiet', '2', -1, () => {});
    });
    sim.run({ untilMs: 1_000 });
    expect(log.slice(3)).toEqual(['quiet NodeDataChanged /quiet']);
  });

  it('still fires, once, after a partition that hid the change, and not again for an event already seen', () => {
    const { sim, server, zk, log, watcher, states } = watching();
    sim.schedule(10, () => {
      zk('a').create('/x', '', 'persistent', () => {});
      zk('a').create('/y', '', 'persistent', () => {});
    });
    sim.schedule(50, () => {
      zk('b').getData('/x', watcher('x'), () => {});
      zk('b').getData('/y', watcher('y'), () => {});
    });
    // Seen before the partition: must not fire again after it.
    sim.schedule(100, () => zk('a').setData('/y', '1', -1, () => {}));
    sim.schedule(150, () => sim.partition([['b'], ['zk', 'a']]));
    sim.schedule(160, () => zk('a').setData('/x', '1', -1, () => {}));
    sim.schedule(350, () => sim.heal());
    sim.run({ untilMs: 800 });
    expect(states.b).toEqual(['connected', 'disconnected', 'connected']);
    expect(server.sessions().every((s) => s.state === 'open')).toBe(true);
    expect(log).toEqual(['y NodeDataChanged /y', 'x NodeDataChanged /x']);
  });

  it('still fire when the event SetWatches sends on reconnecting is lost, and the client reconnects again', () => {
    // The service fires a re-set watch at once when what it watches changed after the zxid the
    // client says it has seen. If that event is lost, the next reconnect must still fire it:
    // the client may only claim zxids it has seen the effects of (ZooKeeper takes lastZxid
    // from replies, not from the connect response or notifications).
    for (const lostWatches of [1, 2]) {
      let losing = false;
      let lost = 0;
      const w = world(['a', 'b'], {
        delay: { kind: 'fixed', ms: 5 },
        lose: (name, body) => {
          if (!(losing && name === 'b' && (body as { zk: string }).zk === 'watch' && lost < lostWatches)) return false;
          return ++lost === lostWatches; // lose only the last of the first `lostWatches` events
        },
      });
      const { sim, zk, states } = w;
      const log: string[] = [];
      sim.schedule(10, () => {
        zk('a').create('/x', '', 'persistent', () => {});
        zk('a').create('/y', '', 'persistent', () => {});
      });
      sim.schedule(50, () => {
        zk('b').getData('/x', (e) => log.push(`${e.type} ${e.path}`), () => {});
        zk('b').getData('/y', (e) => log.push(`${e.type} ${e.path}`), () => {});
      });
      sim.schedule(100, () => sim.cut('zk', 'b'));
      sim.schedule(150, () => {
        zk('a').setData('/x', '1', -1, () => {});
        zk('a').setData('/y', '1', -1, () => {});
      });
      sim.schedule(450, () => {
        expect(zk('b').state).toBe('disconnected');
        losing = true;
        sim.heal();
      });
      sim.run({ untilMs: 1_500 });
      expect(lost, `losing watch event #${lostWatches}`).toBe(lostWatches);
      expect(states.b, `losing watch event #${lostWatches}`).toEqual(['connected', 'disconnected', 'connected', 'disconnected', 'connected']);
      expect([...log].sort(), `losing watch event #${lostWatches}`).toEqual(['NodeDataChanged /x', 'NodeDataChanged /y']);
    }
  });
});

// ---- 6. Ordering -----------------------------------------------------------------------------

describe('ordering', () => {
  const shaky = { delay: { kind: 'uniform', msMin: 1, msMax: 30 }, duplicateProbability: 0.3 } as const;

  it("answers a client's calls in the order made, on a network that reorders and duplicates", () => {
    const { sim, server, zk } = world(['a'], { seed: 11, ...shaky });
    const { save, order, answer } = recorder(sim);
    const made: string[] = [];
    const call = (label: string, run: (cb: ReturnType<typeof save>) => void) => {
      made.push(label);
      run(save(label));
    };
    sim.schedule(10, () => {
      call('create', (cb) => zk('a').create('/k', '', 'persistent', cb));
      for (let i = 0; i < 20; i++) {
        // Each compare-and-set succeeds only if the one before was applied first.
        call(`set ${i}`, (cb) => zk('a').setData('/k', `${i}`, i, cb));
        call(`read ${i}`, (cb) => zk('a').getData('/k', null, cb));
        call(`child ${i}`, (cb) => zk('a').create(`/k/c${i}`, '', 'persistent-sequential', cb));
        if (i % 5 === 4) call(`sync ${i}`, (cb) => zk('a').sync('/k', cb));
      }
    });
    sim.run({ untilMs: 1_000 });
    expect(order).toEqual(made);
    for (let i = 0; i < 20; i++) {
      expect(answer(`set ${i}`)).toMatchObject({ error: null, value: { version: i + 1 } });
      expect(answer(`read ${i}`)).toMatchObject({ value: `${i}`, stat: { version: i + 1 } });
      expect(answer(`child ${i}`).value).toBe(`/k/c${i}${String(i).padStart(10, '0')}`);
    }
    expect(znode(server, '/k')).toMatchObject({ data: '19', stat: { version: 20, numChildren: 20 } });
    // The network did reorder and duplicate this client's messages.
    const events = sim.trace.events;
    expect(ofType(events, 'duplicate').filter((e) => e.from === 'a').length).toBeGreaterThan(5);
    const delivered = ofType(events, 'deliver').filter((e) => e.from === 'a' && !e.copy).map((e) => e.msg);
    expect(delivered).not.toEqual([...delivered].sort((x, y) => x - y));
  });

  it('answers every call exactly once, in order, when the network also loses messages', () => {
    const { sim, zk } = world(['a'], { seed: 5, ...shaky, dropProbability: 0.05 });
    const { save, order, got } = recorder(sim);
    const made: string[] = [];
    for (let t = 10; t < 2_000; t += 20) {
      sim.schedule(t, () => {
        const label = `set at ${t}`;
        made.push(label);
        zk('a').create(`/n${t}`, '', 'persistent', save(label));
      });
    }
    sim.run({ untilMs: 3_000 });
    expect(order).toEqual(made);
    const errors = made.map((label) => got[label]!.error);
    expect(errors).toContain('CONNECTIONLOSS');
    expect(errors).toContain(null);
    for (const e of errors) expect([null, 'CONNECTIONLOSS', 'NODEEXISTS', 'SESSIONEXPIRED']).toContain(e);
    // With this seed, four messages of `a` in a row are lost near the end (among them three
    // reconnect attempts) and the session expires: every call after that fails so.
    const expiredFrom = errors.indexOf('SESSIONEXPIRED');
    expect(expiredFrom).toBeGreaterThan(50);
    expect(errors.slice(expiredFrom).every((e) => e === 'SESSIONEXPIRED')).toBe(true);
    expect(zk('a').state).toBe('expired');
  });

  it('delivers a watch event before the answer of any later read that shows the change', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { sim, zk } = world(['a', 'b'], { seed, ...shaky });
      const log: string[] = [];
      sim.schedule(10, () => zk('a').create('/x', 'old', 'persistent', () => {}));
      sim.schedule(150, () => zk('b').getData('/x', () => log.push('event'), () => {}));
      sim.schedule(200, () => zk('a').setData('/x', 'new', -1, () => {}));
      for (let t = 180; t < 260; t += 2) sim.schedule(t, () => zk('b').getData('/x', null, (_e, data) => log.push(data!)));
      sim.run({ untilMs: 500 });
      const firstNew = log.indexOf('new');
      expect(firstNew, `seed ${seed}`).toBeGreaterThan(0);
      expect(log.indexOf('old')).toBe(0);
      expect(log.indexOf('event'), `seed ${seed}: ${log.join(' ')}`).toBe(firstNew - 1);
      expect(log.filter((l) => l === 'event')).toHaveLength(1);
      expect(log.slice(firstNew).every((l) => l === 'new')).toBe(true);
    }
  });

  it('makes writes linearizable: compare-and-set increments from many clients lose no update', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { sim, server, zk } = world(names, { seed: 8, ...shaky });
    const wins: number[] = [];
    let conflicts = 0;
    const perClient = 6;
    const increment = (name: string, left: number): void => {
      if (left === 0) return;
      zk(name).getData('/counter', null, (e, data, stat) => {
        expect(e).toBeNull();
        zk(name).setData('/counter', String(Number(data) + 1), stat!.version, (e2, newStat) => {
          if (e2 === 'BADVERSION') conflicts++;
          else {
            expect(e2).toBeNull();
            wins.push(newStat!.version);
          }
          increment(name, e2 ? left : left - 1);
        });
      });
    };
    sim.schedule(10, () => zk('a').create('/counter', '0', 'persistent', () => {}));
    sim.schedule(100, () => names.forEach((n) => increment(n, perClient)));
    sim.run({ untilMs: 5_000 });
    expect(wins).toHaveLength(names.length * perClient);
    expect(conflicts).toBeGreaterThan(0); // they did race
    expect([...wins].sort((x, y) => x - y)).toEqual(Array.from({ length: wins.length }, (_, i) => i + 1));
    expect(znode(server, '/counter')).toMatchObject({ data: String(wins.length), stat: { version: wins.length } });
  });
});

// ---- 7. Determinism ------------------------------------------------------------------------

describe('determinism', () => {
  function runWorkload(seed: number) {
    const { sim, server, zk } = world(['a', 'b', 'c'], { seed, delay: { kind: 'uniform', msMin: 1, msMax: 20 }, duplicateProbability: 0.1 });
    sim.schedule(5, () => zk('a').create('/lock', '', 'persistent', () => {}));
    for (const name of ['a', 'b', 'c']) {
      sim.schedule(50, () => zk(name).create('/lock/n-', name, 'ephemeral-sequential', () => {}));
      sim.schedule(60, () => zk(name).getChildren('/lock', () => {}, () => {}));
    }
    sim.schedule(200, () => sim.partition([['a'], ['zk', 'b', 'c']]));
    sim.schedule(800, () => sim.heal());
    sim.schedule(900, () => zk('b').close());
    sim.run({ untilMs: 1_500 });
    return { trace: JSON.stringify(sim.trace), tree: server.tree() };
  }

  it('gives the same trace for the same seed and workload, another for another seed', () => {
    const first = runWorkload(42);
    const again = runWorkload(42);
    expect(again.trace).toBe(first.trace);
    expect(again.tree).toEqual(first.tree);
    expect(runWorkload(43).trace).not.toBe(first.trace);
    expect(first.trace).toContain('"state":"expired"');
  });
});

// ---- 8. Service crash --------------------------------------------------------------------

describe('service crash and restart', () => {
  it('keeps the tree and the sessions; clients reconnect, carry on, and their watches are set again', () => {
    const { sim, server, zk, states } = world(['a', 'b']);
    const { save, answer } = recorder(sim);
    const log: string[] = [];
    sim.schedule(10, () => {
      zk('a').create('/p', 'data', 'persistent', save('p'));
      zk('a').create('/p/c', '', 'persistent', save('p/c'));
      zk('a').create('/e', '', 'ephemeral', save('e'));
      zk('a').setData('/p', 'data2', 0, save('set p'));
    });
    sim.schedule(60, () => {
      zk('a').getData('/p', (e) => log.push(`a ${e.type} ${e.path}`), () => {});
      zk('a').exists('/later', (e) => log.push(`a ${e.type} ${e.path}`), () => {});
      zk('a').getChildren('/p', (e) => log.push(`a ${e.type} ${e.path}`), () => {});
    });
    let tree: ReturnType<typeof server.tree> = [];
    let sessions: ReturnType<typeof server.sessions> = [];
    sim.schedule(199, () => {
      tree = server.tree();
      sessions = server.sessions();
    });
    sim.schedule(200, () => {
      sim.crash('zk');
      zk('a').sync('/', save('in flight at crash'));
    });
    sim.schedule(300, () => sim.restart('zk'));
    sim.run({ untilMs: 700 });
    expect(answer('in flight at crash').error).toBe('CONNECTIONLOSS');
    expect(server.tree()).toEqual(tree);
    // The same sessions, each with its silence counted afresh from the restart.
    const withoutExpiry = (list: typeof sessions) => list.map(({ expiresAtMs: _, ...rest }) => rest);
    expect(withoutExpiry(server.sessions())).toEqual(withoutExpiry(sessions));
    for (const s of server.sessions()) expect(s.expiresAtMs).toBeGreaterThan(Math.max(...sessions.map((x) => x.expiresAtMs ?? 0)));
    expect(states.a).toEqual(['connected', 'disconnected', 'connected']);
    expect(states.b).toEqual(['connected', 'disconnected', 'connected']);
    expect(sessionEvents(sim).map((e) => e.state)).toEqual(['opened', 'opened']);

    // The service lost its watches in the crash; `a` set them again when it reconnected.
    sim.schedule(800, () => {
      zk('b').setData('/p', 'changed', -1, save('b sets'));
      zk('b').create('/later', '', 'persistent', () => {});
      zk('b').create('/p/d', '', 'persistent', () => {});
    });
    sim.schedule(900, () => zk('a').create('/after', '', 'persistent-sequential', save('a carries on')));
    sim.run({ untilMs: 1_000 });
    expect(answer('b sets')).toMatchObject({ error: null, value: { version: 2 } });
    expect(log).toEqual(['a NodeDataChanged /p', 'a NodeCreated /later', 'a NodeChildrenChanged /p']);
    expect(answer('a carries on')).toMatchObject({ error: null, value: '/after0000000003' });
    expect(paths(server)).toContain('/e');
  });

  it('keeps sessions through an outage longer than their timeout, as a new ZooKeeper leader does', () => {
    const { sim, server, zk, states } = world(['a']);
    sim.schedule(10, () => zk('a').create('/e', '', 'ephemeral', () => {}));
    sim.schedule(200, () => sim.crash('zk'));
    sim.schedule(1_500, () => sim.restart('zk'));
    sim.run({ untilMs: 2_500 });
    expect(states.a).toEqual(['connected', 'disconnected', 'connected']);
    expect(server.sessions()).toMatchObject([{ id: zk('a').sessionId, state: 'open', ephemerals: ['/e'] }]);
    expect(paths(server)).toContain('/e');
  });

  it('expires, after a restart, a session whose client does not come back', () => {
    const { sim, server } = world(['a']);
    sim.schedule(200, () => {
      sim.crash('zk');
      sim.crash('a');
    });
    sim.schedule(1_000, () => sim.restart('zk'));
    sim.run({ untilMs: 1_250 });
    expect(server.sessions()).toMatchObject([{ state: 'open' }]);
    sim.run({ untilMs: 1_400 });
    expect(server.sessions()).toMatchObject([{ state: 'expired' }]);
    expect(sessionEvents(sim).at(-1)).toMatchObject({ state: 'expired', t: 1_300 });
  });
});

// ---- 9. Trace ------------------------------------------------------------------------------

describe('trace', () => {
  it('tags every protocol message with `zk` and records sessions opened, expired and closed', () => {
    const { sim, zk } = world(['a', 'b', 'c']);
    sim.schedule(10, () => {
      zk('a').create('/e', '', 'ephemeral', () => {});
      zk('b').create('/f', '', 'ephemeral', () => {});
      zk('c').getData('/', () => {}, () => {});
    });
    sim.schedule(200, () => zk('a').close());
    sim.schedule(200, () => sim.crash('b'));
    sim.run({ untilMs: 800 });
    const sends = ofType(sim.trace.events, 'send');
    expect(sends.length).toBeGreaterThan(20);
    for (const e of sends) expect(typeof (e.body as Record<string, unknown>).zk).toBe('string');
    const kinds = new Set(sends.map((e) => (e.body as { zk: string }).zk));
    expect([...kinds].sort()).toEqual(['connect', 'connected', 'reply', 'request']);
    const sessions = sessionEvents(sim);
    const opened = sessions.slice(0, 3);
    expect(opened.every((e) => e.state === 'opened')).toBe(true);
    expect(Object.fromEntries(opened.map((e) => [e.client, e.session]))).toEqual({ a: zk('a').sessionId, b: zk('b').sessionId, c: zk('c').sessionId });
    expect(sessions.slice(3).map(({ client, state, session }) => ({ client, state, session }))).toEqual([
      { client: 'a', state: 'closed', session: zk('a').sessionId },
      { client: 'b', state: 'expired', session: zk('b').sessionId },
    ]);
    expect(sessions.find((e) => e.state === 'closed')!.ephemerals).toEqual(['/e']);
    expect(sessions.find((e) => e.state === 'expired')!.ephemerals).toEqual(['/f']);
    expect(sessions.every((e) => e.node === 'zk')).toBe(true);
  });
});
