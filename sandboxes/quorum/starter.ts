import type { Handlers, Node } from '@baristas/sim';
import type { CoordinatorOptions, CustomerRequest, ReplicaReply, ReplicaRequest, Version } from './protocol';

/**
 * A barista keeping a copy of the notepad: the replica. The messages it understands are in
 * `./protocol` (hover over the types for their docs).
 *
 * - `{ type: 'get', req, key }`: answer `{ type: 'get-ok', req, key, value, version }` with what
 *   you hold for `key`, or `value: null, version: { counter: 0, writer: '' }` if nothing.
 * - `{ type: 'put', req, key, value, version }`: store `value` and `version` if `version` is
 *   newer than what you hold for `key` (see {@link Version} for the order), and answer
 *   `{ type: 'put-ok', req, key }` either way.
 *
 * A barista may crash and restart: everything but `node.storage` is then gone, and it must not
 * forget a put it acknowledged.
 */
export function createReplica(node: Node): Handlers {
  return {
    onMessage(from, body) {
      const m = body as ReplicaRequest;
      throw new Error(
        `TODO: createReplica's onMessage — ${from} sent a ${m.type} of "${m.key}". Answer a get with what node.storage holds ` +
          'for the key; store a put if its version is newer, and acknowledge it with a put-ok either way',
      );
    },
  };
}

/**
 * True when version `a` is newer than version `b`: the higher counter, and on equal counters
 * the higher writer id. Both the barista and the till need this one order.
 */
function newer(a: Version, b: Version): boolean {
  throw new Error(`TODO: newer — is ${JSON.stringify(a)} newer than ${JSON.stringify(b)}? Compare counters as numbers, then writer ids`);
}

/**
 * A till (the coordinator): runs each customer's read or write against the key's `N`
 * baristas, `options.replicas`.
 *
 * The customer calls `onRequest` with a {@link CustomerRequest}:
 * - `{ op: 'write', key, value }`: send a get to every barista and wait for `R` answers. Take a
 *   version above all of them: `{ counter: highest counter + 1, writer: node.id }` (and above
 *   any counter this till has already used for the key, so that two writes running at once
 *   here never share a version). Send a put with it to every barista, wait for `W`
 *   acknowledgements, and answer `reply({ ok: true, version })`.
 * - `{ op: 'read', key }`: send a get to every barista and wait for `R` answers; keep the one
 *   with the newest version. Before answering, make sure `W` baristas hold that version: those
 *   that answered with it count; send a put of it to the others (read repair) and count their
 *   put-oks. Then answer `reply({ ok: true, value, version })`.
 *
 * The baristas answer through `onMessage` with a {@link ReplicaReply}. Messages get lost,
 * delivered twice, or late: count each barista once per request, match answers to requests by
 * `req`, and send again to the baristas that have not answered every few tens of ms.
 *
 * When not enough baristas have answered by `options.timeoutMs` after the customer asked,
 * answer `reply({ ok: false, error })` with a sentence saying what went wrong. Answer each
 * customer exactly once.
 */
export function createCoordinator(node: Node, options: CoordinatorOptions): Handlers {
  // Suggested state:
  //   the next request id,
  //   the operations in progress, found by the req of the request they are waiting on, each
  //     with its reply, its timers, and the baristas that have answered so far,
  //   the highest counter this till has used, per key.

  return {
    onRequest(request, reply) {
      const c = request as CustomerRequest;
      throw new Error(
        `TODO: createCoordinator's onRequest — a customer asked for a ${c.op} of "${c.key}". Send { type: 'get', req, key } to ` +
          `every barista in ${JSON.stringify(options.replicas)}, and go on once R = ${options.r} of them answered`,
      );
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      throw new Error(
        `TODO: createCoordinator's onMessage — ${from} answered request ${m.req} with a ${m.type}: find the operation waiting ` +
          'on that req (ignore the answer if there is none, or if this barista was already counted), and count it',
      );
    },
  };
}
