/**
 * The Paxos exercise's contract: proposal numbers, the messages proposers, acceptors and
 * learners exchange, and what each role is given. Every implementation speaks exactly these
 * messages, so any proposer can work with any acceptor.
 */
import type { Address } from '@baristas/sim';

/**
 * A proposal number. Compare `round` first, then `node` in plain string order (`<`): two
 * proposers never make the same number, because each puts its own address in it.
 */
export interface Ballot {
  round: number;
  node: Address;
}

/** A proposal an acceptor accepted: its number and its value. */
export interface Accepted {
  ballot: Ballot;
  value: string;
}

/** Phase 1a, proposer → acceptor: "promise to accept nothing numbered below `ballot`". */
export interface PrepareMessage {
  type: 'prepare';
  ballot: Ballot;
}

/**
 * Phase 1b, acceptor → the proposer that asked: the promise for `ballot`, with the
 * highest-numbered proposal this acceptor has accepted, or null when it has accepted none.
 */
export interface PromiseMessage {
  type: 'promise';
  ballot: Ballot;
  accepted: Accepted | null;
}

/** Phase 2a, proposer → acceptor: "accept `value` under `ballot`". */
export interface AcceptMessage {
  type: 'accept';
  ballot: Ballot;
  value: string;
}

/** Phase 2b, acceptor → the proposer that asked and every learner: "I accepted `value` under `ballot`". */
export interface AcceptedMessage {
  type: 'accepted';
  ballot: Ballot;
  value: string;
}

/**
 * Acceptor → proposer, the answer to a refused `prepare` or `accept`: "I have promised `promised`,
 * which is above your `ballot`". The proposer's next round starts above `promised.round`, so a
 * proposer that fell far behind catches up in one step instead of climbing one round at a time.
 */
export interface NackMessage {
  type: 'nack';
  ballot: Ballot;
  promised: Ballot;
}

export type PaxosMessage = PrepareMessage | PromiseMessage | AcceptMessage | AcceptedMessage | NackMessage;

/** What an acceptor is told. */
export interface AcceptorOptions {
  /** The learners to tell of every proposal this acceptor accepts. */
  learners: Address[];
}

/** What a proposer is told. */
export interface ProposerOptions {
  /** Every acceptor; a majority is more than half of them. */
  acceptors: Address[];
  /** How long a customer waits at most, in ms from the request's arrival, before hearing `{ ok: false }`. */
  deadlineMs: number;
}

/** What a learner is told. */
export interface LearnerOptions {
  /** Every acceptor; a majority is more than half of them. */
  acceptors: Address[];
  /** Call it once, when this learner learns the chosen value. */
  onLearn(value: string): void;
}

/** A customer asks a proposer to propose a value. */
export interface ProposeRequest {
  op: 'propose';
  value: string;
}

/** The proposer's answer: the chosen value (perhaps another proposer's), or that the deadline passed. */
export type ProposeReply = { ok: true; value: string } | { ok: false; error: 'deadline' };
