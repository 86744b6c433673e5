/**
 * The lock exercise's contract: what `createLock` is given and what it hands back. The session
 * (`ZooKeeper`) comes from `@baristas/sim`; its calls, errors and watches are documented there.
 */

/** What the lock is told to do, and how it tells its user what happened. */
export interface LockOptions {
  /**
   * The lock's znode, e.g. `"/locks/grinder"`. It exists (a persistent znode) before the lock is
   * used; every client of the same lock names the same path, and nothing else lives under it.
   */
  path: string;
  /**
   * Call it when this client holds the lock, once per `acquire`, with the fencing token: the
   * sequence number of this client's znode (the number its 10-digit suffix spells). A later
   * holder always has a higher token, which is how the resource refuses a holder that no
   * longer holds.
   */
  onAcquired(token: number): void;
  /**
   * Call it once when the session expires while this client holds the lock or waits for it
   * (an `acquire` on a session that has already expired counts: it waits for ever otherwise):
   * the service has deleted its znode, so someone else may hold the lock now. After it, the
   * lock does nothing more (its session is over); the user connects a new session for a new lock.
   */
  onLost(): void;
}

/** One client's handle on the lock. One acquisition at a time: `acquire`, then `release`, then maybe `acquire` again. */
export interface Lock {
  /** Asks for the lock: `onAcquired` is called when this client holds it. */
  acquire(): void;
  /**
   * Gives the lock up, or stops waiting for it: this client's znode is deleted, even if the call
   * that created it has not been answered yet. After it, `onAcquired` is not called for the
   * acquisition it ends.
   */
  release(): void;
}
