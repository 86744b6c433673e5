// Alternative: a LockImpl class driven by an explicit phase (idle/creating/finding/listing/watching/holding/lost) and a generation counter, one private method per step of the recipe.
import type { Node, Stat, ZkErrorCode, ZooKeeper } from '@baristas/sim';
import type { Lock, LockOptions } from './lock';

/**
 * Where the current acquisition is.
 * - `idle`: no acquisition (before the first `acquire`, or after `release`).
 * - `creating`: the `create` of our znode is in flight.
 * - `finding`: `create` failed with CONNECTIONLOSS; listing the children to look for our guid.
 * - `listing`: our znode exists; listing the children (no watch) to see where we stand.
 * - `watching`: waiting for the watch on our predecessor.
 * - `holding`: we hold the lock.
 * - `lost`: the session expired while we held or waited (or on a later `acquire`); final.
 */
type Phase = 'idle' | 'creating' | 'finding' | 'listing' | 'watching' | 'holding' | 'lost';

/** Phases in which we hold or wait for the lock: an expiry here must be reported with `onLost`. */
const ACTIVE: ReadonlySet<Phase> = new Set<Phase>(['creating', 'finding', 'listing', 'watching', 'holding']);

const SEQ_DIGITS = 10;
const MARKER = '-lock-';

/** The sequence number the service appended: the last 10 characters (guids differ, so never sort whole names). */
function sequenceOf(name: string): number {
  return Number(name.slice(-SEQ_DIGITS));
}

class LockImpl implements Lock {
  private phase: Phase = 'idle';
  /**
   * Bumped by every `acquire` and `release` (and when the lock is lost). Each callback and watcher
   * captures the generation it was made in and does nothing if it has moved on: late answers are
   * normal, and a watch set for an acquisition already released can still fire.
   */
  private generation = 0;
  /** The current acquisition's guid; our znode's name starts with it. */
  private guid = '';
  /** Our znode's name (not path) once known. */
  private myName: string | null = null;
  /** The znode we watch while `watching`: only its watch may wake us. */
  private predecessor: string | null = null;
  /** The session expired (seen via state change or a SESSIONEXPIRED answer). */
  private sessionExpired = false;

  constructor(
    private readonly node: Node,
    private readonly zk: ZooKeeper,
    private readonly options: LockOptions,
  ) {
    // A holder makes no calls, so only the state change tells it that its session is over.
    zk.onStateChange((state) => {
      if (state === 'expired') this.onSessionExpired();
    });
  }

  acquire(): void {
    if (this.phase === 'lost') return; // onLost was called; this session is done with.
    if (this.phase !== 'idle') throw new Error('acquire: this lock already has an acquisition; release it first');
    if (this.sessionExpired || this.zk.state === 'expired') {
      // An acquire on a dead session would wait for ever: tell the user at once.
      this.sessionExpired = true;
      this.lose();
      return;
    }
    this.generation++;
    this.guid = this.newGuid();
    this.myName = null;
    this.predecessor = null;
    this.create();
  }

  release(): void {
    if (this.phase === 'idle' || this.phase === 'lost') return;
    const phase = this.phase;
    const name = this.myName;
    this.generation++;
    this.phase = 'idle';
    this.myName = null;
    this.predecessor = null;
    // In `creating` and `finding` the znode's name is not known yet: the stale create/find
    // callbacks (see `create` and `find`) clean it up when they learn it.
    if ((phase === 'listing' || phase === 'watching' || phase === 'holding') && name !== null) {
      this.deleteZnode(name);
    }
  }

  // --- steps of the recipe -------------------------------------------------------------------

  /** Step 1: create our ephemeral sequential znode `<guid>-lock-`. */
  private create(): void {
    const gen = this.generation;
    const guid = this.guid;
    this.phase = 'creating';
    this.zk.create(`${this.options.path}/${guid}${MARKER}`, '', 'ephemeral-sequential', (error, path) => {
      if (gen !== this.generation) {
        // Released (or lost) before the answer came: delete what we may have created.
        this.cleanUpStaleCreate(guid, error, path);
        return;
      }
      if (error === null) {
        this.myName = path.slice(path.lastIndexOf('/') + 1);
        this.list();
      } else if (error === 'CONNECTIONLOSS') {
        // The znode may or may not exist: look for our guid before creating another.
        this.find();
      } else {
        this.fail('create', error);
      }
    });
  }

  /** After CONNECTIONLOSS on `create`: list the children and look for our guid. */
  private find(): void {
    const gen = this.generation;
    const guid = this.guid;
    this.phase = 'finding';
    this.zk.getChildren(this.options.path, null, (error, children) => {
      if (gen !== this.generation) {
        this.cleanUpStaleCreate(guid, error === null ? null : 'CONNECTIONLOSS', undefined, children);
        return;
      }
      if (error === null) {
        const mine = this.findOwn(guid, children);
        if (mine === undefined) {
          this.create(); // The create never happened.
        } else {
          this.myName = mine;
          // This listing is step 2's listing too (no watch): use it directly.
          this.decide(children);
        }
      } else if (error === 'CONNECTIONLOSS') {
        this.find();
      } else {
        this.fail('getChildren', error);
      }
    });
  }

  /** Step 2: list the children without a watch. */
  private list(): void {
    const gen = this.generation;
    this.phase = 'listing';
    this.zk.getChildren(this.options.path, null, (error, children) => {
      if (gen !== this.generation) return;
      if (error === null) this.decide(children);
      else if (error === 'CONNECTIONLOSS') this.list();
      else this.fail('getChildren', error);
    });
  }

  /** Steps 3 and 4: hold the lock if ours is the lowest, else watch the znode just before ours. */
  private decide(children: string[]): void {
    const me = this.myName!;
    const queue = children.filter((name) => name.includes(MARKER)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
    const index = queue.indexOf(me);
    if (index < 0) {
      // Only the service deletes our ephemeral znode behind our back, when the session ends.
      this.sessionExpired = true;
      this.lose();
      return;
    }
    if (index === 0) {
      this.phase = 'holding';
      this.options.onAcquired(sequenceOf(me));
      return;
    }
    this.watch(queue[index - 1]!);
  }

  /** Step 4: `exists` with a watch on our predecessor, and only on it. */
  private watch(predecessor: string): void {
    const gen = this.generation;
    this.phase = 'watching';
    this.predecessor = predecessor;
    const path = `${this.options.path}/${predecessor}`;
    const stillWaitingOn = () => gen === this.generation && this.phase === 'watching' && this.predecessor === predecessor;
    this.zk.exists(
      path,
      () => {
        // A retried `exists` can leave two watches on the same znode: only the first one moves us on.
        if (stillWaitingOn()) this.list();
      },
      (error: ZkErrorCode | null, stat: Stat | null) => {
        if (!stillWaitingOn()) return;
        if (error === null) {
          // null: the predecessor went between our listing and this call; its watch will never fire.
          if (stat === null) this.list();
        } else if (error === 'CONNECTIONLOSS') {
          this.watch(predecessor);
        } else {
          this.fail('exists', error);
        }
      },
    );
  }

  // --- cleanup and loss ----------------------------------------------------------------------

  /** Deletes a znode of ours (any version), retrying across connection losses. */
  private deleteZnode(name: string): void {
    this.zk.delete(`${this.options.path}/${name}`, -1, (error) => {
      if (error === 'CONNECTIONLOSS') this.deleteZnode(name);
      else if (error === 'SESSIONEXPIRED') this.sessionExpired = true; // The service deleted it for us.
      // NONODE: already gone (e.g. a retried delete that had gone through). Nothing to do.
    });
  }

  /**
   * A create (or the search that followed its CONNECTIONLOSS) answered after its acquisition
   * ended: delete the znode it made, if it made one. `children` is a listing to search for the
   * guid when the answer came from `find`.
   */
  private cleanUpStaleCreate(guid: string, error: ZkErrorCode | null, path?: string, children?: string[]): void {
    if (error === 'SESSIONEXPIRED') {
      this.onSessionExpired();
      return;
    }
    if (error === null && path !== undefined) {
      this.deleteZnode(path.slice(path.lastIndexOf('/') + 1));
      return;
    }
    if (error === null && children !== undefined) {
      const mine = this.findOwn(guid, children);
      if (mine !== undefined) this.deleteZnode(mine);
      return;
    }
    if (error === 'CONNECTIONLOSS') {
      // Unknown whether it was created: look for the guid and delete what we find.
      this.zk.getChildren(this.options.path, null, (err, list) => {
        this.cleanUpStaleCreate(guid, err === null ? null : err, undefined, list);
      });
    }
  }

  private findOwn(guid: string, children: string[]): string | undefined {
    return children.find((name) => name.startsWith(`${guid}${MARKER}`));
  }

  /** A call failed: an expired session means the lock is lost; anything else is unexpected. */
  private fail(call: string, error: ZkErrorCode): void {
    if (error === 'SESSIONEXPIRED') {
      this.onSessionExpired();
      return;
    }
    this.node.log(`zk-lock: unexpected ${error} from ${call} on ${this.options.path}`);
  }

  private onSessionExpired(): void {
    this.sessionExpired = true;
    if (ACTIVE.has(this.phase)) this.lose();
  }

  /** Tells the user, once, that the lock is gone, and ignores everything after. */
  private lose(): void {
    if (this.phase === 'lost') return;
    this.phase = 'lost';
    this.generation++;
    this.myName = null;
    this.predecessor = null;
    this.options.onLost();
  }

  /** A fresh guid per acquisition, from the node's seeded random stream. */
  private newGuid(): string {
    const part = () =>
      Math.floor(this.node.random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    return part() + part();
  }
}

/**
 * A lock on the coordination service, with ZooKeeper's recipe: an ephemeral sequential znode per
 * acquisition, the lowest sequence number holds (and is the fencing token), every other waiter
 * watches only the znode just before its own.
 */
export function createLock(node: Node, zk: ZooKeeper, options: LockOptions): Lock {
  return new LockImpl(node, zk, options);
}
