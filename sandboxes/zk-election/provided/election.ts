/**
 * The leader-election exercise's contract: what `createCandidate` is given. The coordination
 * service's client (`connectZooKeeper`, `ZooKeeper`) comes from `@baristas/sim`.
 */
import type { Address } from '@baristas/sim';

/** Where the election runs, and how a candidate tells its node what it is. */
export interface CandidateOptions {
  /** Address of the coordination service. */
  server: Address;
  /** The election's znode, e.g. `"/election/head-barista"`. It exists; nothing else lives under it. */
  path: string;
  /** The session timeout to ask for, in ms. */
  sessionTimeoutMs: number;
  /**
   * Call it when this candidate becomes the leader, with its epoch: the sequence number of its
   * znode (the number its 10-digit suffix spells). Every later leader has a higher epoch, which
   * is how the shop's register refuses orders from a leader that no longer leads.
   */
  onElected(epoch: number): void;
  /**
   * Call it when this candidate learns that the session it led with has expired: it is no
   * longer the leader (someone else may be). Call it once per election it won.
   */
  onDeposed(): void;
}
