/**
 * Asynchronous leader–follower replication, handed to the learner by the course.
 *
 * The head barista (the leader) keeps the order book: she takes every change, numbers it with
 * the next log index and says which number it got. The other baristas (followers) keep copies
 * that lag behind: every so often each one asks the leader for the changes it has not seen and
 * copies them in order. Any of them answers a read with its copy of the key and the index it
 * has caught up to.
 *
 * Sessions talk to the replicas with the four messages below; everything else (the leader's
 * log, the followers' polling) is the replicas' business.
 */
import type { Address, Handlers, Node } from '@baristas/sim';

// ---- What a customer asks the session ---------------------------------------------------

/**
 * What a customer asks their session (the till) for, through the session's `onRequest`:
 * change the order kept under `key` to `value`, or read it.
 */
export type SessionRequest = { op: 'write'; key: string; value: string } | { op: 'read'; key: string };

/** The session's answer to a write: the log index the leader gave it. */
export interface WriteResult {
  /** The write's place in the leader's log (1 for the first write, 2 for the next, …). */
  index: number;
}

/** The session's answer to a read: what the replica that answered said. */
export interface ReadResult {
  /** The replica's copy of the key; `null` if it has no write to that key yet. */
  value: string | null;
  /** The index the answering replica had caught up to. */
  index: number;
}

/** Where a session finds the replicas. */
export interface SessionOptions {
  /** The leader: the only replica that takes writes. It answers reads too, always up to date. */
  leader: Address;
  /** The followers: they answer reads from copies that may lag behind the leader. */
  followers: Address[];
}

// ---- What a session sends the replicas, and what they answer ----------------------------

/**
 * Asks the leader to write `value` under `key`. Send it to the leader only: followers ignore it.
 *
 * The leader answers with a {@link WriteReply}. It recognises a write by its sender and `req`:
 * a `WriteRequest` with a `(sender, req)` it has seen before (you resent it because an answer
 * was lost, or the network delivered it twice) is not written again; the leader answers with
 * the index it gave the first time. So `req` must never repeat within a session, not even
 * after the session's node restarts.
 */
export interface WriteRequest {
  type: 'write';
  /** Your id for this request, echoed in the answer. Unique within the session, across restarts. */
  req: number;
  key: string;
  value: string;
}

/** The leader's answer to a {@link WriteRequest}: the write is in its log at `index`. */
export interface WriteReply {
  type: 'write-ok';
  /** The `req` of the write it answers. */
  req: number;
  /** Where the write sits in the leader's log. A replica whose index is at least this has it. */
  index: number;
}

/**
 * Asks a replica (a follower or the leader) for its copy of `key`. It answers at once with a
 * {@link ReadReply}, however far behind it is: judging the answer is up to the session.
 */
export interface ReadRequest {
  type: 'read';
  /** Your id for this request, echoed in the answer. */
  req: number;
  key: string;
}

/**
 * A replica's answer to a {@link ReadRequest}. The replica has applied every write up to and
 * including log index `index`, in order, and none after it. The leader's `index` is always
 * its newest write; a follower's may be far behind, and a crashed follower does not answer.
 */
export interface ReadReply {
  type: 'read-ok';
  /** The `req` of the read it answers. */
  req: number;
  key: string;
  /** The replica's copy of the key; `null` when no write to it has reached this replica. */
  value: string | null;
  /** How far this replica has caught up: every write with a log index up to this one. */
  index: number;
}

/** What a session sends a replica. */
export type ReplicaRequest = WriteRequest | ReadRequest;

/** What a replica sends back to a session. */
export type ReplicaReply = WriteReply | ReadReply;

// ---- The replicas ---------------------------------------------------------------------

/** One write in the leader's log. */
interface Entry {
  index: number;
  key: string;
  value: string;
  /** The session that wrote it and its request id, so a resent write is recognised. */
  writer: Address;
  req: number;
}

/** Followers ask the leader for the entries after `after`, the last index they applied. The leader answers only if it has any. */
interface Fetch {
  type: 'fetch';
  after: number;
}

/** The leader's answer to a fetch: the next entries, in log order. */
interface Entries {
  type: 'entries';
  entries: Entry[];
  /** The leader's newest index, so a follower knows whether to ask again at once. */
  last: number;
}

/**
 * True for a message a replica can act on. Anything else is ignored with a line in the
 * node's log (the trace shows it), as a real server would drop a request it cannot parse.
 */
function wellFormed(node: Node, from: Address, m: unknown): boolean {
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  const problem =
    o.type === 'write'
      ? typeof o.req !== 'number' || typeof o.key !== 'string' || typeof o.value !== 'string'
        ? 'a write needs { type, req: number, key: string, value: string }'
        : undefined
      : o.type === 'read'
        ? typeof o.req !== 'number' || typeof o.key !== 'string'
          ? 'a read needs { type, req: number, key: string }'
          : undefined
        : o.type === 'fetch' || o.type === 'entries'
          ? undefined
          : 'the type must be "write" or "read"';
  if (problem) node.log(`${node.id} ignored a message from ${from}: ${problem}; got ${JSON.stringify(m)}`);
  return problem === undefined;
}

/** Most entries the leader sends in one answer to a fetch. */
const BATCH = 64;

/**
 * The leader (the head barista). Takes writes from sessions, logs each under the next index,
 * answers the writer with that index, and hands followers the entries they ask for. Answers
 * reads with its own, always current, copy. Keeps its log in `node.storage`.
 */
export function createLeader(node: Node): Handlers {
  // The log is durable; the in-memory copies are rebuilt from it on a restart.
  const log: Entry[] = [];
  const data = new Map<string, string>();
  const seen = new Map<string, number>(); // `${writer}/${req}` -> index
  const last = node.storage.get<number>('last') ?? 0;
  for (let i = 1; i <= last; i++) {
    const entry = node.storage.get<Entry>(`log/${i}`)!;
    log.push(entry);
    data.set(entry.key, entry.value);
    seen.set(`${entry.writer}/${entry.req}`, entry.index);
  }

  return {
    onMessage(from, body) {
      const m = body as ReplicaRequest | Fetch;
      if (!wellFormed(node, from, m)) return;
      if (m.type === 'write') {
        const id = `${from}/${m.req}`;
        let index = seen.get(id);
        if (index === undefined) {
          index = log.length + 1;
          const entry: Entry = { index, key: m.key, value: m.value, writer: from, req: m.req };
          node.storage.set(`log/${index}`, entry);
          node.storage.set('last', index);
          log.push(entry);
          data.set(m.key, m.value);
          seen.set(id, index);
        }
        const reply: WriteReply = { type: 'write-ok', req: m.req, index };
        node.send(from, reply);
      } else if (m.type === 'read') {
        const reply: ReadReply = { type: 'read-ok', req: m.req, key: m.key, value: data.get(m.key) ?? null, index: log.length };
        node.send(from, reply);
      } else if (m.type === 'fetch' && log.length > m.after) {
        // Nothing new, no answer: the follower asks again at its next poll anyway.
        const answer: Entries = { type: 'entries', entries: log.slice(m.after, m.after + BATCH), last: log.length };
        node.send(from, answer);
      }
    },
  };
}

/** Options of a follower. */
export interface FollowerOptions {
  /** The leader to copy from. */
  leader: Address;
  /**
   * How often, in ms, the follower asks the leader for new writes. Its lag behind the leader
   * is about this plus a round trip. Default 10.
   */
  pollMs?: number;
}

/**
 * A follower (a barista with a copy of the order book). Every `pollMs` it asks the leader for
 * the writes after the last one it applied and applies them strictly in log order, so a lost
 * or duplicated message only delays it. Answers reads at once from its copy, with the index
 * it has caught up to. Ignores writes. Keeps its copy in `node.storage`, so after a restart it
 * carries on from where it was.
 */
export function createFollower(node: Node, options: FollowerOptions): Handlers {
  const pollMs = options.pollMs ?? 10;
  let applied = node.storage.get<number>('applied') ?? 0;

  const poll = (): void => {
    const fetch: Fetch = { type: 'fetch', after: applied };
    node.send(options.leader, fetch);
  };

  return {
    onStart() {
      const tick = (): void => {
        poll();
        node.setTimer(pollMs, tick);
      };
      node.setTimer(pollMs, tick);
    },
    onMessage(from, body) {
      const m = body as ReplicaRequest | Entries;
      if (!wellFormed(node, from, m)) return;
      if (m.type === 'read') {
        const value = node.storage.get<string>(`data/${m.key}`) ?? null;
        const reply: ReadReply = { type: 'read-ok', req: m.req, key: m.key, value, index: applied };
        node.send(from, reply);
      } else if (m.type === 'entries' && from === options.leader) {
        // Answers can arrive late, twice or out of order: apply only the next entry in line.
        for (const entry of m.entries) {
          if (entry.index !== applied + 1) continue;
          node.storage.set(`data/${entry.key}`, entry.value);
          applied = entry.index;
        }
        node.storage.set('applied', applied);
        if (m.last > applied && m.entries.length === BATCH) poll(); // more to come: ask again now
      } else if (m.type === 'write') {
        node.log(`${node.id} ignored a write from ${from}: only the leader takes writes`);
      }
    },
  };
}
