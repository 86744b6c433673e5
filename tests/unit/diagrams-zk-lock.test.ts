/**
 * The ZooKeeper lock diagram's model: the course's coordination service and real sessions in a
 * `Simulation`. The lowest znode holds the lock; a release wakes exactly one waiter, the herd
 * variant every waiter; a crashed holder's lock passes on only once its session expires; a
 * holder paused past its session timeout still believes it holds the lock when the next one
 * already does, and the roaster takes both orders unless it checks fencing tokens.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BRANCHES, DELAY_MS, LOCK_PATH, SESSION_MS, ZkLockModel, sequenceOf, type BranchId, type Happening } from '../../src/components/diagrams/internal/zk-lock-model.ts';

const kinds = (happened: Happening[]) => happened.map((h) => h.t);
const granted = (happened: Happening[]) => happened.filter((h): h is Extract<Happening, { t: 'granted' }> => h.t === 'granted');

describe('the ZooKeeper lock model', () => {
  it('starts as the chapter draws it: the lowest sequence number holds, each waiter watches the znode just before its own', () => {
    const model = new ZkLockModel();
    const znodes = model.znodes();
    expect(znodes.map((z) => z.owner)).toEqual(['riverside', 'southside', 'northside']);
    // Ephemeral sequential: `<guid>-lock-` plus the 10 digits the service appends, increasing.
    for (const z of znodes) expect(z.name).toMatch(/^[0-9a-f]{4}-lock-\d{10}$/);
    expect(znodes.map((z) => z.seq)).toEqual([...znodes.map((z) => z.seq)].sort((a, b) => a - b));
    expect(znodes.map((z) => z.lowest)).toEqual([true, false, false]);
    // The service agrees: these are the children of the lock node, ephemeral, one per session.
    const tree = model.server.tree().filter((n) => n.path.startsWith(`${LOCK_PATH}/`));
    expect(tree.map((n) => n.path.slice(LOCK_PATH.length + 1)).sort()).toEqual(znodes.map((z) => z.name).sort());
    for (const n of tree) expect(n.stat.ephemeralOwner).toBeGreaterThan(0);

    expect(model.believers()).toEqual(['riverside']);
    expect(model.branch('riverside')).toMatchObject({ phase: 'holding', token: znodes[0]!.seq, znode: znodes[0]!.name });
    expect(model.branch('southside')).toMatchObject({ phase: 'waiting', watching: { kind: 'predecessor', name: znodes[0]!.name } });
    expect(model.branch('northside')).toMatchObject({ phase: 'waiting', watching: { kind: 'predecessor', name: znodes[1]!.name } });
    expect(model.branch('eastside')).toMatchObject({ phase: 'idle', process: 'up' });
    expect(znodes.map((z) => z.watchedBy)).toEqual([['southside'], ['northside'], []]);
    expect(model.childWatchers()).toEqual([]);

    // A newcomer queues behind the last one, whatever it asks.
    const r = model.ask('eastside');
    expect(granted(r.happened)).toEqual([]);
    expect(model.branch('eastside')).toMatchObject({ phase: 'waiting', watching: { kind: 'predecessor', name: znodes[2]!.name } });
    expect(model.ask('eastside').refused).toMatch(/already waiting/);
    expect(model.order('southside').refused).toMatch(/does not hold/);
  });

  it('a release wakes exactly one waiter: one watch event, one branch lists the children again', () => {
    const model = new ZkLockModel({ queue: BRANCHES });
    const held = model.znodes()[0]!;
    const r = model.release('riverside');
    expect(r.happened.filter((h) => h.t === 'woken').map((h) => (h as { branch: BranchId }).branch)).toEqual(['southside']);
    expect(granted(r.happened)).toMatchObject([{ branch: 'southside' }]);
    const { change } = model.wakes();
    expect(change).toMatchObject({ cause: 'released', branch: 'riverside', name: held.name, events: 1, woken: ['southside'], relisted: ['southside'], granted: { branch: 'southside' } });
    expect(model.believers()).toEqual(['southside']);
    // Those further back never heard of it.
    expect(model.branch('northside').watching).toEqual({ kind: 'predecessor', name: model.branch('southside').znode });
    // A waiter that gives up wakes only the one behind it.
    model.release('northside');
    expect(model.wakes().change).toMatchObject({ cause: 'left', branch: 'northside', events: 1, woken: ['eastside'], relisted: ['eastside'] });
    expect(model.branch('eastside').watching).toEqual({ kind: 'predecessor', name: model.branch('southside').znode });
    // And joining wakes nobody.
    model.ask('riverside');
    expect(model.wakes().join).toMatchObject({ cause: 'joined', branch: 'riverside', events: 0, relisted: [] });
  });

  it('with the herd toggle, a release wakes every waiter and each lists the children again, for one to win', () => {
    const model = new ZkLockModel({ herd: true, queue: BRANCHES });
    expect(model.childWatchers().filter((id) => id !== 'riverside')).toEqual(['southside', 'northside', 'eastside']);
    expect(model.znodes().flatMap((z) => z.watchedBy)).toEqual([]);
    model.release('riverside');
    const { change } = model.wakes();
    expect(change).toMatchObject({ cause: 'released', events: 3, granted: { branch: 'southside' } });
    expect([...change!.woken].sort()).toEqual(['eastside', 'northside', 'southside']);
    expect([...change!.relisted].sort()).toEqual(['eastside', 'northside', 'southside']);
    expect(model.believers()).toEqual(['southside']);
    // Each new waiter wakes them all too (the holder's listing left it a watch as well).
    model.ask('riverside');
    const { join } = model.wakes();
    expect(join).toMatchObject({ cause: 'joined', branch: 'riverside', events: 3 });
    expect([...join!.relisted].sort()).toEqual(['eastside', 'northside']);

    // Switching back: the watches already set still fire, and each waiter they wake takes the
    // recipe as written from that look on.
    model.herd = false;
    model.release('southside');
    expect(model.wakes().change).toMatchObject({ events: 3, granted: { branch: 'northside' } });
    expect(model.childWatchers()).toEqual([]);
    expect(model.branch('riverside').watching).toEqual({ kind: 'predecessor', name: model.branch('eastside').znode });
    model.release('northside');
    expect(model.wakes().change).toMatchObject({ events: 1, woken: ['eastside'], relisted: ['eastside'], granted: { branch: 'eastside' } });
  });

  it('crash of the holder: nobody gets the lock until its session expires, then the next waiter does', () => {
    const model = new ZkLockModel();
    const crash = model.crashHolder();
    expect(kinds(crash.happened)).toEqual(['crashed']);
    expect(crash.toMs).toBe(crash.fromMs);
    const expiry = model.branch('riverside').expiresAtMs!;
    expect(expiry).toBeGreaterThan(model.nowMs);
    expect(expiry).toBeLessThanOrEqual(model.nowMs + SESSION_MS + DELAY_MS);
    expect(model.crashHolder().refused).toMatch(/crashed process/);
    expect(model.due()).toEqual([{ branch: 'riverside', session: model.branch('riverside').sessionId, atMs: expiry }]);

    // Waiting a while short of the timeout changes nothing: the znode stays, the lock with it.
    const short = model.wait(100);
    expect(short.happened).toEqual([]);
    expect(model.znodes()[0]).toMatchObject({ owner: 'riverside', current: false, expiresAtMs: expiry });
    expect(model.believers()).toEqual([]);

    const r = model.waitForNext();
    expect(r.happened[0]).toMatchObject({ t: 'expired', branch: 'riverside', atMs: expiry });
    expect(granted(r.happened)).toMatchObject([{ branch: 'southside' }]);
    expect(granted(r.happened)[0]!.atMs).toBeGreaterThan(expiry);
    expect(model.wakes().change).toMatchObject({ cause: 'expired', branch: 'riverside', atMs: expiry, events: 1, woken: ['southside'] });
    expect(model.branch('riverside')).toMatchObject({ process: 'crashed', expiredAtMs: expiry });
    expect(model.believers()).toEqual(['southside']);
    expect(model.waitForNext().refused).toMatch(/Nothing is due/);

    // Restarted, it has a new session and must queue again.
    model.restart('riverside');
    const b = model.branch('riverside');
    expect(b).toMatchObject({ process: 'up', phase: 'idle', session: 'connected' });
    model.ask('riverside');
    expect(model.znodes().map((z) => z.owner)).toEqual(['southside', 'northside', 'riverside']);
  });

  it('pause past the session timeout: the next waiter holds the lock while the paused holder still believes it does', () => {
    const model = new ZkLockModel();
    const token = model.branch('riverside').token!;
    const r = model.pauseHolder();
    const expired = r.happened.find((h) => h.t === 'expired')!;
    expect(expired).toMatchObject({ branch: 'riverside' });
    expect(expired.atMs - r.fromMs).toBeLessThanOrEqual(SESSION_MS);
    expect(granted(r.happened)).toMatchObject([{ branch: 'southside' }]);
    expect(model.paused()).toBe('riverside');
    expect(model.branch('riverside')).toMatchObject({ process: 'paused', phase: 'holding', token, session: 'connected', expiredAtMs: expired.atMs });
    expect(model.believers().sort()).toEqual(['riverside', 'southside']);
    expect(model.holder()).toMatchObject({ owner: 'southside' });
    expect(model.branch('southside').token).toBeGreaterThan(token);

    // Resumed, it sends its order first, and hears of its expiry only after.
    const resumed = model.resume();
    expect(kinds(resumed.happened)).toEqual(['resumed', 'sent', 'order', 'lost']);
    expect(model.believers()).toEqual(['southside']);
    expect(model.branch('riverside').phase).toBe('lost');
    // Asking again opens a new session and queues at the back.
    model.ask('riverside');
    expect(model.branch('riverside')).toMatchObject({ phase: 'waiting', session: 'connected' });
  });

  function staleOrder(fencing: boolean) {
    const model = new ZkLockModel({ fencing });
    const stale = model.branch('riverside').token!;
    model.pauseHolder();
    const fresh = model.branch('southside').token!;
    model.order('southside');
    model.resume();
    return { model, stale, fresh };
  }

  it('fencing on: the roaster refuses the stale holder, whose token is lower than one it accepted', () => {
    const { model, stale, fresh } = staleOrder(true);
    expect(model.orders()).toMatchObject([
      { branch: 'southside', token: fresh, accepted: true, stale: false },
      { branch: 'riverside', token: stale, accepted: false, stale: true, highestBefore: fresh, holder: { branch: 'southside', token: fresh }, fencing: true },
    ]);
    expect(model.highestToken).toBe(fresh);
  });

  it('fencing off: the roaster takes the stale holder’s order as well, two holders at the resource', () => {
    const { model, stale, fresh } = staleOrder(false);
    expect(model.orders()).toMatchObject([
      { branch: 'southside', token: fresh, accepted: true, stale: false },
      { branch: 'riverside', token: stale, accepted: true, stale: true, holder: { branch: 'southside' }, fencing: false },
    ]);
  });

  it('fencing cannot catch a stale order that arrives before any higher token', () => {
    const model = new ZkLockModel({ fencing: true });
    model.pauseHolder();
    model.resume();
    expect(model.orders()).toMatchObject([{ branch: 'riverside', accepted: true, stale: true }]);
    model.order('southside');
    expect(model.orders()[1]).toMatchObject({ branch: 'southside', accepted: true, stale: false });
  });

  it('any sequence of actions replays identically, and the service never has two live holders', () => {
    type Action =
      | { a: 'ask' | 'release' | 'order' | 'restart'; b: BranchId }
      | { a: 'crash' | 'pause' | 'resume' | 'wait' | 'next' }
      | { a: 'herd' | 'fencing'; on: boolean };
    const action: fc.Arbitrary<Action> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ a: fc.constantFrom('ask' as const, 'release' as const, 'order' as const, 'restart' as const), b: fc.constantFrom(...BRANCHES) }) },
      { weight: 3, arbitrary: fc.record({ a: fc.constantFrom('crash' as const, 'pause' as const, 'resume' as const, 'wait' as const, 'next' as const) }) },
      { weight: 1, arbitrary: fc.record({ a: fc.constantFrom('herd' as const, 'fencing' as const), on: fc.boolean() }) },
    );
    const play = (actions: Action[]) => {
      const model = new ZkLockModel();
      const out: unknown[] = [];
      for (const x of actions) {
        if (x.a === 'herd' || x.a === 'fencing') model[x.a] = x.on;
        else if ('b' in x) out.push(model[x.a](x.b));
        else {
          const call = { crash: 'crashHolder', pause: 'pauseHolder', resume: 'resume', wait: 'wait', next: 'waitForNext' } as const;
          out.push(model[call[x.a]]());
        }
        // The service's view: the lowest znode's owner is the only running branch it lets hold.
        const holders = model.believers().filter((id) => model.branch(id).process === 'up');
        expect(holders.length).toBeLessThanOrEqual(1);
        if (holders.length === 1) expect(model.holder()?.owner).toBe(holders[0]);
        const seqs = model.znodes().map((z) => z.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(model.znodes().map((z) => sequenceOf(z.name))).toEqual(seqs);
      }
      out.push(model.branches(), model.znodes(), model.orders(), model.wakes(), model.nowMs);
      return out;
    };
    fc.assert(
      fc.property(fc.array(action, { maxLength: 16 }), (actions) => {
        expect(play(actions)).toEqual(play(actions));
      }),
      { numRuns: 60 },
    );
  });
});
