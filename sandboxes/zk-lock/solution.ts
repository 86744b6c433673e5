import type { Node, ZkErrorCode, ZooKeeper } from '@baristas/sim';
import type { Lock, LockOptions } from './lock';

/** The 10 digits the service appends to a sequential znode's name. */
const sequenceOf = (name: string): number => Number(name.slice(-10));

/**
 * The lock recipe from ZooKeeper's recipes page. Each acquisition creates an ephemeral
 * sequential znode `<guid>-lock-<seq>` under the lock's path; the lowest sequence holds the
 * lock; every other waiter watches only the znode just before its own, so a release wakes one
 * waiter, not all of them.
 */
export function createLock(node: Node, zk: ZooKeeper, options: LockOptions): Lock {
  const { path, onAcquired, onLost } = options;
  /** Bumped by every acquire and release: answers that belong to an earlier one are ignored. */
  let attempt = 0;
  let phase: 'idle' | 'waiting' | 'holding' | 'lost' = 'idle';
  let guid = '';
  /** This acquisition's znode name, once known. */
  let mine: string | undefined;

  /** The session is over: our znode is gone, or will never be made. */
  const lose = (): void => {
    if (phase !== 'waiting' && phase !== 'holding') return;
    phase = 'lost';
    attempt++;
    onLost();
  };
  // A holder makes no calls, so only the session's state tells it that its znode is gone.
  zk.onStateChange((state) => {
    if (state === 'expired') lose();
  });

  /** Other errors mean a broken contract (no lock znode): say so rather than hang. */
  const fail = (error: ZkErrorCode): void => {
    if (error !== 'SESSIONEXPIRED') throw new Error(`lock ${path}: unexpected ${error}`);
    // An acquire on a session that had already expired learns it here.
    lose();
  };

  const ownIn = (children: string[], id: string): string | undefined => children.find((c) => c.startsWith(`${id}-lock-`));

  function create(a: number): void {
    const id = guid;
    zk.create(`${path}/${id}-lock-`, '', 'ephemeral-sequential', (error, created) => {
      if (a !== attempt) {
        // Released while the create was in flight: the znode may exist, and must not stay.
        if (error === null) remove(created.slice(path.length + 1));
        else if (error === 'CONNECTIONLOSS') removeById(id);
        return;
      }
      if (error === 'CONNECTIONLOSS') return find(a);
      if (error) return fail(error);
      mine = created.slice(path.length + 1);
      check(a);
    });
  }

  /** After a connection loss during create: it may have happened. Our guid says which znode is ours. */
  function find(a: number): void {
    const id = guid;
    zk.getChildren(path, null, (error, children) => {
      if (a !== attempt) {
        if (error === null || error === 'CONNECTIONLOSS') removeById(id);
        return;
      }
      if (error === 'CONNECTIONLOSS') return find(a);
      if (error) return fail(error);
      const own = ownIn(children, id);
      if (own === undefined) return create(a);
      mine = own;
      check(a);
    });
  }

  function check(a: number): void {
    zk.getChildren(path, null, (error, children) => {
      if (a !== attempt || phase !== 'waiting') return;
      if (error === 'CONNECTIONLOSS') return check(a);
      if (error) return fail(error);
      const sorted = [...children].sort((x, y) => sequenceOf(x) - sequenceOf(y));
      const i = sorted.indexOf(mine!);
      // Our znode gone while the session lives cannot happen; if the session is ending, its
      // expiry is on its way to onStateChange.
      if (i < 0) return;
      if (i === 0) {
        phase = 'holding';
        onAcquired(sequenceOf(mine!));
        return;
      }
      const before = `${path}/${sorted[i - 1]}`;
      zk.exists(
        before,
        () => {
          if (a === attempt && phase === 'waiting') check(a);
        },
        (error2, stat) => {
          if (a !== attempt || phase !== 'waiting') return;
          if (error2 === 'CONNECTIONLOSS') return check(a);
          if (error2) return fail(error2);
          // Gone between the listing and the watch: the watch would never fire. List again.
          if (stat === null) check(a);
        },
      );
    });
  }

  function remove(name: string): void {
    zk.delete(`${path}/${name}`, -1, (error) => {
      if (error === 'CONNECTIONLOSS') remove(name);
    });
  }

  function removeById(id: string): void {
    zk.getChildren(path, null, (error, children) => {
      if (error === 'CONNECTIONLOSS') return removeById(id);
      if (error) return;
      const own = ownIn(children, id);
      if (own !== undefined) remove(own);
    });
  }

  return {
    acquire() {
      if (phase === 'waiting' || phase === 'holding') throw new Error('acquire: this lock is already held or asked for; release it first');
      if (phase === 'lost') return;
      attempt++;
      phase = 'waiting';
      mine = undefined;
      // A fresh guid per acquisition: a znode left over from an earlier one is never taken for this one's.
      guid = `${node.id}-${Math.floor(node.random() * 2 ** 48).toString(36)}`;
      create(attempt);
    },
    release() {
      if (phase !== 'waiting' && phase !== 'holding') return;
      attempt++;
      phase = 'idle';
      if (mine !== undefined) remove(mine);
      // Not known yet: the create's answer (or its connection loss) is still to come, and
      // create's callback removes it then.
      mine = undefined;
    },
  };
}
