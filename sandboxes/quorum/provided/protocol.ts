/**
 * What the baristas (replicas) and the tills (coordinators) say to each other, and what a
 * customer asks a till. Handed to the learner by the course: types only, no code. The
 * replica and the till that speak this protocol are the exercise.
 *
 * Every customer's usual order is kept, under the customer's name (the **key**), on the same
 * `N` baristas: the key's **preference list**. Each barista keeps, per key, one value and the
 * {@link Version} that value was written with.
 */
import type { Address } from '@baristas/sim';

// ---- Versions ---------------------------------------------------------------------------

/**
 * Which write a value came from, and how it ranks against every other write to the same key.
 *
 * Versions are ordered by `counter` first, as numbers; when two counters are equal, by
 * `writer`, as plain strings (`'c2'` is newer than `'c1'`). So two tills that write the same
 * key at the same time with the same counter still end up ordered the same way everywhere.
 *
 * A key nobody has written yet has the version `{ counter: 0, writer: '' }` and the value `null`:
 * older than every real write.
 */
export interface Version {
  /** One more than the highest counter the write's till read from the replicas. At least 1 for a real write. */
  counter: number;
  /** The id of the till that wrote it (its `node.id`): breaks ties between equal counters. */
  writer: string;
}

// ---- What a customer asks a till ---------------------------------------------------------

/**
 * What a customer asks their till for, through the till's `onRequest`: change the usual order
 * kept under `key` to `value`, or read it.
 */
export type CustomerRequest = { op: 'write'; key: string; value: string } | { op: 'read'; key: string };

/** The till's answer to a write that `W` replicas acknowledged. */
export interface WriteOk {
  ok: true;
  /** The version the write was stored with. */
  version: Version;
}

/** The till's answer to a read that heard from `R` replicas (and made sure `W` hold what it returns). */
export interface ReadOk {
  ok: true;
  /** The newest value the read found; `null` when no write to the key has been found. */
  value: string | null;
  /** The version of that value; `{ counter: 0, writer: '' }` with `null`. */
  version: Version;
}

/**
 * The till's answer when an operation could not reach enough replicas before its deadline.
 * A failed write may still have reached some replicas, and may show up in later reads: like a
 * lost reply, it is an unknown outcome, not a clean "nothing happened".
 */
export interface Failed {
  ok: false;
  /** What went wrong, for a person: e.g. "only 1 of 3 replicas answered; a read needs 2". */
  error: string;
}

/** Every answer a till gives a customer. */
export type CustomerReply = WriteOk | ReadOk | Failed;

/** How a till is set up. */
export interface CoordinatorOptions {
  /**
   * The preference list: the `N` replicas that hold every key, `N = replicas.length`. Ask all
   * of them; wait for the first `r` or `w` to answer.
   */
  replicas: Address[];
  /** `R`: how many replicas must answer a read (and the version read that starts a write). */
  r: number;
  /** `W`: how many replicas must hold a write (or a read's value, see read repair) before the till answers. */
  w: number;
  /**
   * An operation's deadline, in ms from when the customer asked: by then the till must have
   * answered, with `{ ok: false, error }` if not enough replicas answered in time.
   */
  timeoutMs: number;
}

// ---- What a till sends a replica, and what it answers -------------------------------------

/** Asks a replica for its value and version of `key`. It answers with a {@link GetReply}. */
export interface GetRequest {
  type: 'get';
  /** Your id for this request, echoed in the answer. Never use one id for two different requests. */
  req: number;
  key: string;
}

/**
 * A replica's answer to a {@link GetRequest}: what it holds for `key` right now.
 * `value: null, version: { counter: 0, writer: '' }` when it holds nothing for the key.
 */
export interface GetReply {
  type: 'get-ok';
  /** The `req` of the get it answers. */
  req: number;
  key: string;
  value: string | null;
  version: Version;
}

/**
 * Asks a replica to store `value` under `key` with `version`, if that version is newer than
 * what it holds. It answers with a {@link PutReply} either way.
 */
export interface PutRequest {
  type: 'put';
  /** Your id for this request, echoed in the answer. Never use one id for two different requests. */
  req: number;
  key: string;
  value: string;
  version: Version;
}

/**
 * A replica's answer to a {@link PutRequest}: it now holds, durably, that version of `key`
 * or a newer one.
 */
export interface PutReply {
  type: 'put-ok';
  /** The `req` of the put it answers. */
  req: number;
  key: string;
}

/** What a till sends a replica. */
export type ReplicaRequest = GetRequest | PutRequest;

/** What a replica sends back to a till. */
export type ReplicaReply = GetReply | PutReply;
