/**
 * What head office tells a till, what a customer asks it and what it answers, and how writes
 * are ranked. Handed to the learner by the course: types only, no code. The till that keeps
 * its copy of the register, and what the tills say to each other, are the exercise.
 */
import type { Address } from '@baristas/sim';

/**
 * How a till behaves when it cannot reach the other tills.
 * - `'cp'`: consistent. It answers only with what a majority of tills agree on, and refuses
 *   with {@link Unavailable} when it cannot reach a majority.
 * - `'ap'`: available. It answers every request at once from its own copy, and the copies are
 *   reconciled later (the newest {@link Version} wins).
 */
export type Mode = 'cp' | 'ap';

/** How head office sets up one till. */
export interface ReplicaOptions {
  /** Every other till that keeps a copy of the register (not this one). */
  peers: Address[];
  /** Refuse when cut off (`'cp'`), or keep serving and reconcile later (`'ap'`). */
  mode: Mode;
}

/** What a customer asks a till, through its `onRequest`. */
export type ClientRequest = { op: 'read' } | { op: 'write'; value: string };

/** The answer to a read: the register's value, `null` if nothing was ever written. */
export interface ReadOk {
  ok: true;
  value: string | null;
}

/** The answer to a write that took effect. */
export interface WriteOk {
  ok: true;
}

/**
 * The refusal: the till cannot serve this request without risking a wrong answer (CP mode
 * only). A refused write may still take effect later, or may not; the customer cannot know.
 */
export interface Unavailable {
  ok: false;
  error: 'unavailable';
}

/** What a till answers a customer. */
export type ClientReply = ReadOk | WriteOk | Unavailable;

/**
 * Orders the writes: by `counter`, then by `node` when two counters are equal, compared as
 * plain strings, the higher winning (`'station1'` is newer than `'high3'`). Two different
 * writes never get the same version, so every till ranks them the same way.
 */
export interface Version {
  /** A Lamport counter: higher than that of every write the writing till had seen. */
  counter: number;
  /** The till that made the write; breaks ties between equal counters. */
  node: Address;
}
