// Mutant: answers are matched to the operation in progress rather than by req, so a late answer to an earlier request is taken for the current one.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type {
  ReadRequest,
  ReadResult,
  ReplicaReply,
  SessionOptions,
  SessionRequest,
  WriteRequest,
  WriteResult,
} from './replication';

/**
 * How long to wait for a replica's answer before asking again, in ms. The network takes up to
 * 10 ms each way, so an answer that has not come after 30 ms was most likely lost, or the
 * replica is down. Waiting longer only makes customers wait; shorter, and live replicas are
 * asked twice.
 */
const RETRY_MS = 30;

/** An operation of this session still waiting for a replica's answer. */
interface Pending {
  kind: 'write' | 'read';
  reply: Reply;
  /** The timer that gives up on the current replica. */
  timer: number;
  /** The key written or read. */
  key: string;
  /** Reads: the follower tried first, the replica asked last, and how many have been asked. */
  start: number;
  target: Address;
  attempt: number;
}

/**
 * A customer's session (the till). Writes go to the leader; reads go to a follower that has
 * caught up to the session's last write, and to the leader only when no follower has.
 */
export function createSession(node: Node, options: SessionOptions): Handlers {
  // Both survive a restart of the till. The last write's index is the session's whole memory
  // of what it wrote: lose it and the next read may be served by a copy from before that write.
  // Request ids too: the leader recognises resent writes by (session, req), so an id reused
  // after a restart would be taken for an old write and the new one silently not written.
  let lastWrite = node.storage.get<number>('lastWrite') ?? 0;
  let nextReq = node.storage.get<number>('nextReq') ?? 1;

  // Keyed by request id: an answer that matches no pending request (a late one, or the second
  // copy of one the network duplicated) belongs to an operation that is over, and is ignored.
  const pending = new Map<number, Pending>();

  function newReq(): number {
    const req = nextReq++;
    node.storage.set('nextReq', nextReq);
    return req;
  }

  function sendWrite(req: number, key: string, value: string): void {
    const p = pending.get(req);
    if (!p) return;
    const message: WriteRequest = { type: 'write', req, key, value };
    node.send(options.leader, message);
    // Resending is safe: the leader writes a (session, req) only once.
    p.timer = node.setTimer(RETRY_MS, () => sendWrite(req, key, value));
  }

  /**
   * The replica for a read's `attempt`-th try: the followers in turn, starting from a random
   * one so that sessions spread their reads, then the leader, who is always up to date. Then
   * round again, in case the leader's answer was lost or a follower has caught up meanwhile.
   */
  function replicaFor(start: number, attempt: number): Address {
    const round = options.followers.length + 1;
    const i = attempt % round;
    return i < options.followers.length ? options.followers[(start + i) % options.followers.length]! : options.leader;
  }

  function sendRead(req: number): void {
    const p = pending.get(req);
    if (!p) return;
    node.clearTimer(p.timer);
    p.target = replicaFor(p.start, p.attempt++);
    const message: ReadRequest = { type: 'read', req, key: p.key };
    node.send(p.target, message);
    // No answer in time: the replica is down or a message was lost. Ask the next one.
    p.timer = node.setTimer(RETRY_MS, () => sendRead(req));
  }

  return {
    onRequest(request, reply) {
      const r = request as SessionRequest;
      const req = newReq();
      if (r.op === 'write') {
        pending.set(req, { kind: 'write', reply, timer: 0, key: r.key, start: 0, target: options.leader, attempt: 0 });
        sendWrite(req, r.key, r.value);
      } else {
        const start = Math.floor(node.random() * options.followers.length);
        pending.set(req, { kind: 'read', reply, timer: 0, key: r.key, start, target: options.leader, attempt: 0 });
        sendRead(req);
      }
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      m.req = [...pending.keys()].at(-1) ?? m.req;
      const p = pending.get(m.req);
      if (!p) return; // a late or duplicated answer to an operation that is over

      if (m.type === 'write-ok' && p.kind === 'write') {
        pending.delete(m.req);
        node.clearTimer(p.timer);
        // The acknowledged index, not a guess made when sending: only the leader knows where
        // the write landed. Max, because a write's index only ever raises the bar.
        lastWrite = Math.max(lastWrite, m.index);
        node.storage.set('lastWrite', lastWrite); // before answering: the customer may read next
        p.reply({ index: m.index } satisfies WriteResult);
      } else if (m.type === 'read-ok' && p.kind === 'read') {
        if (m.index >= lastWrite) {
          // This replica has applied every write up to our last one: it cannot be stale for us.
          pending.delete(m.req);
          node.clearTimer(p.timer);
          p.reply({ value: m.value, index: m.index } satisfies ReadResult);
        } else if (from === p.target) {
          // Behind our last write: ask the next replica now rather than wait for the timer.
          // (A stale answer from a replica asked earlier changes nothing: we moved on already.)
          sendRead(m.req);
        }
      }
    },
  };
}
