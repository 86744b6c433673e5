// Alternative: plain closures around one "step" loop that always lists the children first and finds its znode by guid (never trusting create's returned path), with a fresh state object per acquisition and per turn so stale callbacks are dropped by object identity.
import type { Node, ZooKeeper } from '@baristas/sim';
import type { Lock, LockOptions } from './lock';

/** One acquisition: replaced by the next `acquire`, so callbacks compare identity, not a counter. */
interface Attempt {
  /** `<guid>-lock-`: every name of ours is this plus 10 digits. */
  prefix: string;
  /** A `create` is out and not answered yet. */
  creating: boolean;
  /** Our znode's name as the last listing showed it (found by guid), or null. */
  name: string | null;
  /** `onAcquired` was called. */
  held: boolean;
  /** `release` was called: the loop now only deletes our znode. */
  released: boolean;
  /** Nothing more to do for it (znode gone, or the session is over). */
  finished: boolean;
  /** The turn in progress: only callbacks of this object's turn may continue. */
  turn: object;
}

export function createLock(node: Node, zk: ZooKeeper, options: LockOptions): Lock {
  const dir = options.path;
  let current: Attempt | null = null;
  /** The session is known to have expired. */
  let expired = false;
  /** `onLost` was called (or the session was closed): the lock does nothing more. */
  let dead = false;

  const seq = (name: string): number => Number(name.slice(-10));

  const hex = (): string =>
    Math.floor(node.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');

  const newGuid = (): string => `${String(node.id).replace(/[^A-Za-z0-9_]/g, '_')}_${hex()}${hex()}${hex()}${hex()}`;

  const alive = (a: Attempt): boolean => !dead && !a.finished && (a.released || a === current);

  const lose = (): void => {
    if (dead) return;
    dead = true;
    options.onLost();
  };

  const onExpired = (): void => {
    if (expired) return;
    expired = true;
    const a = current;
    if (a && !a.released) lose();
  };

  zk.onStateChange((state) => {
    if (state === 'expired') onExpired();
    else if (state === 'closed') dead = true;
  });

  /** Creates our znode. Only called when the guid is absent and no create is in flight. */
  const create = (a: Attempt): void => {
    a.creating = true;
    zk.create(`${dir}/${a.prefix}`, '', 'ephemeral-sequential', (err) => {
      if (err === 'SESSIONEXPIRED') {
        a.finished = true;
        onExpired();
        return;
      }
      if (dead || a.finished) return;
      a.creating = false;
      if (err !== null && err !== 'CONNECTIONLOSS') {
        a.finished = true;
        return;
      }
      // Success or not, look for our znode by guid: the listing is the only truth we use.
      step(a);
    });
  };

  /** Deletes our znode `name` (found by guid); a connection loss goes back to the listing. */
  const remove = (a: Attempt, name: string): void => {
    const t = {};
    a.turn = t;
    zk.delete(`${dir}/${name}`, -1, (err) => {
      if (err === 'SESSIONEXPIRED') {
        a.finished = true;
        onExpired();
        return;
      }
      if (!alive(a) || a.turn !== t) return;
      if (err === 'CONNECTIONLOSS') {
        step(a);
        return;
      }
      // Deleted, or already gone (NONODE).
      a.finished = true;
    });
  };

  /** The loop: list the children, find ours by guid, then create, delete, hold or watch. */
  const step = (a: Attempt): void => {
    if (!alive(a)) return;
    if (a.held && !a.released) return; // a holder makes no calls
    const t = {};
    a.turn = t;
    zk.getChildren(dir, null, (err, names) => {
      if (err === 'SESSIONEXPIRED') {
        a.finished = true;
        onExpired();
        return;
      }
      if (!alive(a) || a.turn !== t) return;
      if (err === 'CONNECTIONLOSS') {
        step(a);
        return;
      }
      if (err !== null) {
        a.finished = true;
        return;
      }
      const mine = names.find((n) => n.length > 10 && n.slice(0, -10) === a.prefix) ?? null;
      a.name = mine;

      if (a.released) {
        if (mine !== null) remove(a, mine);
        else if (!a.creating) a.finished = true;
        // else: the create's answer comes back here.
        return;
      }
      if (a.held) return;
      if (mine === null) {
        if (!a.creating) create(a);
        return;
      }

      const sorted = names.slice().sort((x, y) => seq(x) - seq(y));
      const i = sorted.indexOf(mine);
      if (i === 0) {
        a.held = true;
        options.onAcquired(seq(mine));
        return;
      }
      const before = sorted[i - 1];
      zk.exists(
        `${dir}/${before}`,
        () => {
          if (!alive(a) || a.turn !== t || a.released) return;
          step(a);
        },
        (err2, stat) => {
          if (err2 === 'SESSIONEXPIRED') {
            a.finished = true;
            onExpired();
            return;
          }
          if (!alive(a) || a.turn !== t) return;
          if (err2 === 'CONNECTIONLOSS' || (err2 === null && stat === null)) {
            step(a);
            return;
          }
          if (err2 !== null) a.finished = true;
          // else: the znode before ours is there; its watch brings us back.
        },
      );
    });
  };

  const release = (): void => {
    const a = current;
    if (dead || a === null || a.released || a.finished) return;
    a.released = true;
    if (a.creating) return; // the create's answer lists, finds it by guid and deletes it
    if (a.name !== null) remove(a, a.name);
    else step(a);
  };

  const acquire = (): void => {
    if (dead) return;
    if (current !== null && !current.released) release();
    if (expired || zk.state === 'expired') {
      expired = true;
      lose();
      return;
    }
    const a: Attempt = {
      prefix: `${newGuid()}-lock-`,
      creating: false,
      name: null,
      held: false,
      released: false,
      finished: false,
      turn: {},
    };
    current = a;
    // A fresh guid is certainly absent, and nothing is in flight for it: create at once.
    create(a);
  };

  return { acquire, release };
}
