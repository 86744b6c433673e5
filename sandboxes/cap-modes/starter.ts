import type { Handlers, Node } from '@baristas/sim';
import type { ClientReply, ClientRequest, ReplicaOptions, Version } from './protocol';

/**
 * One till keeping a copy of the register. Every till is a replica and also serves its own
 * customers: they call `onRequest` with a {@link ClientRequest}, and the till answers through
 * `reply` with a {@link ClientReply}, exactly once. These types are in `./protocol` (hover over
 * them for their docs).
 *
 * - `mode: 'cp'`: answer only with what a majority of the tills (this one included) agrees on.
 *   A read returns the newest confirmed write; a write is confirmed once a majority stores
 *   it. A till that cannot reach a majority within a few round trips answers
 *   `{ ok: false, error: 'unavailable' }`: never a stale value, and never silence.
 * - `mode: 'ap'`: answer every read and write at once from this till's own copy, partition or
 *   not. Send copies to the other tills, again and again, and keep the one with the newest
 *   {@link Version}, so that every till ends up with the same value once the line is back.
 *
 * What the tills say to each other (`node.send`, `onMessage`) is up to you. Messages get lost,
 * delayed or delivered twice, the line between any tills may go dead for a while, and a till
 * may crash: then everything but `node.storage` is gone when it restarts. Tills' clocks
 * (`node.now()`, `Date.now()`) may disagree by hundreds of milliseconds.
 */
export function createReplica(node: Node, options: ReplicaOptions): Handlers {
  // Suggested state (kept in node.storage, so that a restart forgets nothing it confirmed):
  //   this till's copy: { version, value },
  //   its Lamport counter,
  //   and, in CP mode, the requests it is coordinating, each with the tills that have answered.

  return {
    onRequest(request, reply) {
      const r = request as ClientRequest;
      throw new Error(
        `TODO: onRequest — a customer asked ${node.id} (mode '${options.mode}') for a ${r.op}. In AP mode answer from ` +
          "this till's copy at once; in CP mode ask a majority of the tills first, and answer { ok: false, error: 'unavailable' } " +
          'if no majority answers in time',
      );
    },

    onMessage(from, body) {
      throw new Error(`TODO: onMessage — ${from} sent ${node.id} ${JSON.stringify(body)}, but no till sends anything yet`);
    },
  };
}
