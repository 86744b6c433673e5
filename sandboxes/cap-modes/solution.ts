import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { ClientReply, ClientRequest, ReadOk, ReplicaOptions, Version, WriteOk } from './protocol';

/** A till's copy of the register. */
interface Copy {
  version: Version;
  value: string | null;
}

/** What tills send each other. The shapes are this file's own business; customers never see them. */
type PeerMessage =
  | { type: 'query'; op: number }
  | { type: 'query-ok'; op: number; copy: Copy }
  | { type: 'store'; op: number; copy: Copy }
  | { type: 'store-ok'; op: number }
  | { type: 'gossip'; copy: Copy };

/**
 * How long to wait before asking the tills that have not answered again. The network takes
 * up to 10 ms each way, so 20 ms is one round trip: an answer not back by then was most likely
 * lost.
 */
const RETRY_MS = 20;

/**
 * How long a CP till tries to reach a majority before it refuses. Five retries ride out lost
 * messages on a working network; a partition lasts far longer than this, and a customer on
 * the cut-off side is better served by a prompt "no" than by a long wait for the same "no".
 */
const GIVE_UP_MS = 100;

/** How often an AP till sends its copy to every other till, so that copies meet after a heal. */
const GOSSIP_MS = 50;

const NONE: Copy = { version: { counter: 0, node: '' }, value: null };

/** True when `a` is a later write than `b`. The node name settles equal counters. */
function newer(a: Version, b: Version): boolean {
  return a.counter > b.counter || (a.counter === b.counter && a.node > b.node);
}

/** A CP request in progress at this till, the coordinator. */
interface Pending {
  request: ClientRequest;
  reply: Reply;
  phase: 'query' | 'store';
  /** Tills that answered the current phase, this one included. A Set, so a duplicate counts once. */
  acks: Set<Address>;
  /** Query phase: the newest copy heard of. Store phase: the copy being stored. */
  copy: Copy;
  retry: number;
  giveUp: number;
}

/**
 * One till keeping a copy of the register. CP: every read and write asks a majority for
 * their copies, then makes a majority store the newest one (a write stores its own value with
 * a newer version) before answering. AP: answers at once from its own copy and spreads its
 * copy to the other tills.
 */
export function createReplica(node: Node, options: ReplicaOptions): Handlers {
  const { peers, mode } = options;
  // Any two majorities share a till: whatever one majority stored, the next majority asked
  // includes someone who has it. Half is not enough: two halves need not overlap.
  const majority = Math.floor((peers.length + 1) / 2) + 1;

  // Durable, so that a restarted till neither forgets a write it confirmed nor hands out a
  // version it already used.
  let copy = node.storage.get<Copy>('copy') ?? NONE;
  let clock = node.storage.get<number>('clock') ?? 0;
  // Request ids outlive a restart too: an answer to a request of the till's previous life
  // must not be taken for an answer to a new one.
  let nextOp = node.storage.get<number>('nextOp') ?? 1;
  const pending = new Map<number, Pending>();

  /** Keeps `incoming` if it is newer than this till's copy; either way, the clock moves past it. */
  function learn(incoming: Copy): void {
    if (incoming.version.counter > clock) {
      clock = incoming.version.counter;
      node.storage.set('clock', clock);
    }
    if (newer(incoming.version, copy.version)) {
      copy = incoming;
      node.storage.set('copy', copy);
    }
  }

  /** A new version for a write made here: after everything this till has seen. */
  function nextVersion(atLeast: number): Version {
    clock = Math.max(clock, atLeast) + 1;
    node.storage.set('clock', clock); // before the version leaves this till
    return { counter: clock, node: node.id };
  }

  /** Typed, so that every message a till sends is one the others know how to read. */
  function send(to: Address, message: PeerMessage): void {
    node.send(to, message);
  }

  // ---- CP: a majority must agree before anyone is answered --------------------------------

  function askPeers(op: number): void {
    const p = pending.get(op);
    if (!p) return;
    for (const peer of peers) {
      if (p.acks.has(peer)) continue;
      send(peer, p.phase === 'query' ? { type: 'query', op } : { type: 'store', op, copy: p.copy });
    }
    p.retry = node.setTimer(RETRY_MS, () => askPeers(op));
  }

  function finish(op: number, answer: ClientReply): void {
    const p = pending.get(op);
    if (!p) return;
    pending.delete(op);
    node.clearTimer(p.retry);
    node.clearTimer(p.giveUp);
    p.reply(answer);
  }

  function startStore(op: number, p: Pending): void {
    // A write stores its value under a version newer than every copy the majority had; a
    // read stores back the newest copy it found, so that no later read can find an older one.
    if (p.request.op === 'write') p.copy = { version: nextVersion(p.copy.version.counter), value: p.request.value };
    p.phase = 'store';
    learn(p.copy);
    p.acks = new Set([node.id]);
    node.clearTimer(p.retry);
    if (p.acks.size >= majority) finish(op, answerFor(p));
    else askPeers(op);
  }

  function answerFor(p: Pending): ClientReply {
    return p.request.op === 'read' ? { ok: true, value: p.copy.value } : { ok: true };
  }

  function coordinate(request: ClientRequest, reply: Reply): void {
    const op = nextOp++;
    node.storage.set('nextOp', nextOp);
    const p: Pending = { request, reply, phase: 'query', acks: new Set([node.id]), copy, retry: 0, giveUp: 0 };
    pending.set(op, p);
    // Not a majority in time: the till may be on the small side of a partition. Say so
    // rather than answer from a copy that may be stale.
    p.giveUp = node.setTimer(GIVE_UP_MS, () => finish(op, { ok: false, error: 'unavailable' }));
    if (p.acks.size >= majority) startStore(op, p);
    else askPeers(op);
  }

  function onPeerAnswer(from: Address, m: PeerMessage): void {
    if (m.type !== 'query-ok' && m.type !== 'store-ok') return;
    const p = pending.get(m.op);
    // Late, duplicated, or for the other phase: this answer counts for nothing now.
    if (!p || !peers.includes(from) || p.acks.has(from)) return;
    if (m.type === 'query-ok' && p.phase === 'query') {
      p.acks.add(from);
      if (newer(m.copy.version, p.copy.version)) p.copy = m.copy;
      if (p.acks.size >= majority) startStore(m.op, p);
    } else if (m.type === 'store-ok' && p.phase === 'store') {
      p.acks.add(from);
      if (p.acks.size >= majority) finish(m.op, answerFor(p));
    }
  }

  // ---- AP: answer now, reconcile later ----------------------------------------------------

  function gossip(): void {
    if (copy.value === null && copy.version.counter === 0) return;
    for (const peer of peers) send(peer, { type: 'gossip', copy });
  }

  function serveLocally(request: ClientRequest, reply: Reply): void {
    if (request.op === 'read') {
      reply({ ok: true, value: copy.value } satisfies ReadOk);
      return;
    }
    learn({ version: nextVersion(copy.version.counter), value: request.value });
    reply({ ok: true } satisfies WriteOk);
    gossip(); // the others hear of it at once if the network lets them; the timer covers the rest
  }

  return {
    onStart() {
      if (mode !== 'ap') return;
      // Anti-entropy: a copy sent while the line was down was lost, so keep sending. After
      // a heal, every till hears every other's copy within one round and keeps the newest.
      const tick = (): void => {
        gossip();
        node.setTimer(GOSSIP_MS, tick);
      };
      node.setTimer(GOSSIP_MS, tick);
    },

    onRequest(request, reply) {
      const r = request as ClientRequest;
      if (mode === 'ap') serveLocally(r, reply);
      else coordinate(r, reply);
    },

    onMessage(from, body) {
      const m = body as PeerMessage;
      switch (m.type) {
        case 'query':
          send(from, { type: 'query-ok', op: m.op, copy });
          break;
        case 'store':
          learn(m.copy); // stored (durably) before the acknowledgement leaves
          send(from, { type: 'store-ok', op: m.op });
          break;
        case 'gossip':
          learn(m.copy);
          break;
        default:
          onPeerAnswer(from, m);
      }
    },
  };
}
