import type { Node, ZooKeeper } from '@baristas/sim';
import type { Lock, LockOptions } from './lock';

/**
 * A lock on the coordination service, with ZooKeeper's recipe. `acquire` creates an ephemeral
 * sequential znode `<guid>-lock-` under `options.path` and lists the children without a watch:
 * the lowest sequence number holds the lock (call `onAcquired` with it as the fencing token).
 * Otherwise `exists` with a watch on the znode just before yours; when it fires, or if `exists`
 * finds nothing, list again. After a `CONNECTIONLOSS` on `create`, find your znode by its guid
 * before creating another. `release` deletes your znode. Call `onLost` if the session expires
 * while you hold or wait.
 */
export function createLock(node: Node, zk: ZooKeeper, options: LockOptions): Lock {
  return {
    acquire() {
      throw new Error(`TODO: create your znode under ${options.path} and see whether it is the lowest`);
    },
    release() {
      throw new Error('TODO: delete your znode');
    },
  };
}
