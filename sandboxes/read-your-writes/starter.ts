import type { Handlers, Node } from '@baristas/sim';
import type { ReadRequest, ReplicaReply, SessionOptions, SessionRequest, WriteRequest } from './replication';

/**
 * A customer's session: the till a customer talks to. The leader, the followers and the
 * messages they understand are in `./replication` (hover over the types for their docs).
 *
 * The customer calls `onRequest` with a {@link SessionRequest}:
 * - `{ op: 'write', key, value }`: send a {@link WriteRequest} to the leader; once its
 *   write-ok arrives, answer `reply({ index })` with the index the leader gave the write.
 * - `{ op: 'read', key }`: send a {@link ReadRequest} to a replica; answer
 *   `reply({ value, index })` with what a replica said, but only from a replica that has
 *   caught up to this session's last acknowledged write (its `index` is at least that write's).
 *   Ask followers first: the leader is the fallback, not the default. A follower that does not
 *   answer is skipped for the next follower, and the next read tries the followers again.
 *
 * Several customers can share a session, so several requests can wait at once, each under its
 * own request id, and their answers arrive in any order. The last acknowledged write is the
 * one with the highest index among all the acknowledged writes, whichever arrived last.
 *
 * The replicas answer through `onMessage` with a {@link ReplicaReply}. Messages get lost or
 * delivered twice, and a follower may crash: when no answer comes in time (`node.setTimer`),
 * ask again. Answer each customer request exactly once.
 *
 * Everything but `node.storage` is lost when the session's node restarts. After a restart the
 * session must still keep its promise, and must not reuse a request id (reads included: answers
 * to requests sent before the restart can still arrive after it).
 */
export function createSession(node: Node, options: SessionOptions): Handlers {
  // Suggested state:
  //   the highest index of this session's acknowledged writes (kept in node.storage),
  //   the next request id (kept in node.storage too),
  //   the requests waiting for an answer, by request id, each with its `reply` and its timer.

  return {
    onRequest(request, reply) {
      const r = request as SessionRequest;
      throw new Error(
        `TODO: onRequest — the customer asked for a ${r.op} of "${r.key}". For a write, send { type: 'write', req, key, value } ` +
          `to ${options.leader} and answer reply({ index }) when its write-ok arrives; for a read, ask a follower and answer ` +
          'reply({ value, index }) once a replica that has caught up to your last write answers',
      );
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      throw new Error(
        `TODO: onMessage — ${from} answered request ${m.req} with a ${m.type}: find the pending request with that req ` +
          '(ignore the answer if there is none), then answer the customer or ask another replica',
      );
    },
  };
}
