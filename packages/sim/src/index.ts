/**
 * @baristas/sim — what your code uses to be one node of a simulated network.
 *
 * Your module gets a `Node`: its address, its peers, `send` to message another node, `setTimer`
 * to be called back later, `storage` that survives a crash, its clock and a seeded `random`.
 * It answers with `Handlers`: what to do when it starts, when a message arrives and when a
 * customer asks it something (answer through the `Reply`). `hash32` is the hash the course's
 * exercises place keys with. `connectZooKeeper` opens a session with the simulated coordination
 * service, in ZooKeeper's terms.
 */
export { hash32 } from './internal/hash.ts';
export type { Address, Handlers, Node, Reply, Storage } from './internal/types.ts';
export { connectZooKeeper } from './internal/coordination/client.ts';
export type {
  CreateMode,
  DataCallback,
  EventType,
  SessionState,
  Stat,
  Watcher,
  WatchedEvent,
  ZkCallback,
  ZkErrorCode,
  ZooKeeper,
  ZooKeeperOptions,
} from './internal/coordination/types.ts';
