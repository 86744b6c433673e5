// Alternative: a generic helper that re-issues any ZooKeeper call on CONNECTIONLOSS (create instead falls back to a guid search), children parsed into sorted { name, seq } tuples, the predecessor picked with a reduce/max over lower sequence numbers, and acquisitions kept in a Map keyed by their number.
import type { Node, Stat, ZkCallback, ZkErrorCode, ZooKeeper } from '@baristas/sim';
import type { Lock, LockOptions } from './lock';

/** One `acquire`, from its create to the delete of its znode. */
interface Acquisition {
  /** The acquisition number: the counter's value when `acquire` made it. */
  readonly id: number;
  /** Drawn fresh for this acquisition: the znode's name starts with `<guid>-lock-`. */
  readonly guid: string;
  /** The znode's name (not path) once known, else null. */
  name: string | null;
  /** Set by `release`: from then on, only clean up. */
  released: boolean;
  /** Bumped on every listing, so only the newest watch or answer moves the acquisition on. */
  round: number;
}

/** A child of the lock's znode, with the sequence number its last 10 characters spell. */
interface Child {
  name: string;
  seq: number;
}

const seqOf = (name: string): number => parseInt(name.slice(-10), 10);

/**
 * Issues a call through `issue` and, while it fails with CONNECTIONLOSS and `wanted()` still
 * holds, issues it again (calls made while the client reconnects wait until it is back). Any
 * other answer, or a loss nobody wants retried any more, goes to `done`.
 */
function retrying<T>(
  issue: (callback: ZkCallback<T>) => void,
  wanted: () => boolean,
  done: (error: ZkErrorCode | null, value: T) => void,
): void {
  const attempt = (): void =>
    issue((error, value) => {
      if (error === 'CONNECTIONLOSS' && wanted()) {
        attempt();
        return;
      }
      done(error, value);
    });
  attempt();
}

export function createLock(node: Node, zk: ZooKeeper, options: LockOptions): Lock {
  const { path } = options;
  const acquisitions = new Map<number, Acquisition>();
  let counter = 0;
  let expired = false;
  let lostToldOnce = false;

  const fullPath = (name: string): string => `${path}/${name}`;
  const prefixOf = (acq: Acquisition): string => `${acq.guid}-lock-`;
  /** Still the acquisition the user is waiting on or holding, on a live session. */
  const live = (acq: Acquisition): boolean => acq.id === counter && !acq.released && !expired;

  function newGuid(): string {
    const part = (): string => Math.floor(node.random() * 0x100000000).toString(16).padStart(8, '0');
    return `${part()}${part()}`;
  }

  /** The session is over: tell the user once if it held or waited, and stop. */
  function sessionExpired(): void {
    if (expired) return;
    expired = true;
    const current = acquisitions.get(counter);
    node.log(`zk-lock ${path}: session expired`);
    if (current && !current.released) tellLost();
  }

  function tellLost(): void {
    if (lostToldOnce) return;
    lostToldOnce = true;
    options.onLost();
  }

  zk.onStateChange((state) => {
    if (state === 'expired') sessionExpired();
  });

  /** Deletes a released acquisition's znode (any version) and forgets the acquisition. */
  function cleanUp(acq: Acquisition): void {
    if (acq.name === null || expired) {
      acquisitions.delete(acq.id);
      return;
    }
    const name = acq.name;
    retrying<void>(
      (cb) => zk.delete(fullPath(name), -1, cb),
      () => !expired,
      (error) => {
        // NONODE after a retried delete means the first one went through.
        if (error && error !== 'NONODE' && error !== 'SESSIONEXPIRED' && error !== 'CONNECTIONLOSS') {
          node.log(`zk-lock ${path}: delete ${name} failed: ${error}`);
        }
        if (error === 'SESSIONEXPIRED') sessionExpired();
        acquisitions.delete(acq.id);
      },
    );
  }

  /** Creates the acquisition's znode; on CONNECTIONLOSS, looks for it by guid before creating again. */
  function createZnode(acq: Acquisition): void {
    zk.create(fullPath(prefixOf(acq)), '', 'ephemeral-sequential', (error, created) => {
      if (error && error !== 'CONNECTIONLOSS' && acq.released) acquisitions.delete(acq.id);
      if (error === 'CONNECTIONLOSS') {
        if (expired) {
          acquisitions.delete(acq.id);
          return;
        }
        node.log(`zk-lock ${path}: create of ${prefixOf(acq)} lost, looking for it by guid`);
        findByGuid(acq);
        return;
      }
      if (error === 'SESSIONEXPIRED') {
        if (acq.id === counter) sessionExpired();
        return;
      }
      if (error) {
        node.log(`zk-lock ${path}: create failed: ${error}`);
        return;
      }
      acq.name = created.slice(created.lastIndexOf('/') + 1);
      if (acq.released) {
        cleanUp(acq);
        return;
      }
      if (live(acq)) listChildren(acq);
    });
  }

  /** After a lost create: the znode is there (adopt it) or not (create again, unless released). */
  function findByGuid(acq: Acquisition): void {
    retrying<string[]>(
      (cb) => zk.getChildren(path, null, cb),
      () => !expired,
      (error, children) => {
        if (error) {
          if (acq.released) acquisitions.delete(acq.id);
          if (error === 'SESSIONEXPIRED' && acq.id === counter) sessionExpired();
          return;
        }
        const mine = children.find((name) => name.startsWith(prefixOf(acq)));
        if (mine !== undefined) {
          acq.name = mine;
          if (acq.released) cleanUp(acq);
          else if (live(acq)) listChildren(acq);
          return;
        }
        if (acq.released) {
          acquisitions.delete(acq.id);
          return;
        }
        if (live(acq)) createZnode(acq);
      },
    );
  }

  /** Step 2: list the children without a watch and see where this acquisition's znode stands. */
  function listChildren(acq: Acquisition): void {
    const round = ++acq.round;
    retrying<string[]>(
      (cb) => zk.getChildren(path, null, cb),
      () => live(acq) && acq.round === round,
      (error, names) => {
        if (error === 'SESSIONEXPIRED') {
          if (acq.id === counter) sessionExpired();
          return;
        }
        if (!live(acq) || acq.round !== round) return;
        if (error) {
          node.log(`zk-lock ${path}: getChildren failed: ${error}`);
          return;
        }
        const children: Child[] = names
          .map((name) => ({ name, seq: seqOf(name) }))
          .sort((a, b) => a.seq - b.seq);
        const me = children.find((child) => child.name === acq.name);
        if (me === undefined) {
          // Our znode is gone without the session ending; make it again.
          node.log(`zk-lock ${path}: ${acq.name} missing from the listing, creating again`);
          acq.name = null;
          createZnode(acq);
          return;
        }
        const predecessor = children.reduce<Child | null>(
          (best, child) => (child.seq < me.seq && (best === null || child.seq > best.seq) ? child : best),
          null,
        );
        if (predecessor === null) {
          node.log(`zk-lock ${path}: ${me.name} is the lowest, token ${me.seq}`);
          options.onAcquired(me.seq);
          return;
        }
        watchPredecessor(acq, round, predecessor);
      },
    );
  }

  /** Step 4: watch only the znode just below ours; list again when it fires, or if it is gone. */
  function watchPredecessor(acq: Acquisition, round: number, predecessor: Child): void {
    const stillWaiting = (): boolean => live(acq) && acq.round === round;
    retrying<Stat | null>(
      (cb) =>
        zk.exists(
          fullPath(predecessor.name),
          () => {
            if (stillWaiting()) listChildren(acq);
          },
          cb,
        ),
      stillWaiting,
      (error, stat) => {
        if (error === 'SESSIONEXPIRED') {
          if (acq.id === counter) sessionExpired();
          return;
        }
        if (!stillWaiting()) return;
        if (error) {
          node.log(`zk-lock ${path}: exists failed: ${error}`);
          return;
        }
        if (stat === null) {
          listChildren(acq);
          return;
        }
        node.log(`zk-lock ${path}: ${acq.name} waits behind ${predecessor.name}`);
      },
    );
  }

  return {
    acquire() {
      if (lostToldOnce) return;
      if (expired || zk.state === 'expired') {
        expired = true;
        tellLost();
        return;
      }
      counter += 1;
      const acq: Acquisition = { id: counter, guid: newGuid(), name: null, released: false, round: 0 };
      acquisitions.set(acq.id, acq);
      createZnode(acq);
    },
    release() {
      const acq = acquisitions.get(counter);
      counter += 1;
      if (acq === undefined || acq.released) return;
      acq.released = true;
      // With no name yet, the create's answer (or the guid search) deletes it.
      if (acq.name !== null) cleanUp(acq);
    },
  };
}
