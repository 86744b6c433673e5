// Alternative: closures with a global setTimeout per request, the follower that failed least recently asked first, per-key read floors, and request ids reserved in blocks in storage.
import type { Handlers, Node, Reply } from '@baristas/sim';
import type { ReadReply, ReadRequest, ReplicaReply, SessionOptions, SessionRequest, WriteReply, WriteRequest } from './replication';

const TIMEOUT_MS = 40;
/** Ids are reserved this many at a time, so storage is written once per block. */
const BLOCK = 16;

interface Outstanding {
  request: SessionRequest;
  reply: Reply;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Replicas this read has asked in the current round. */
  tried: Set<string>;
  askedLast: string | undefined;
}

export function createSession(node: Node, options: SessionOptions): Handlers {
  // Ids below the stored ceiling may have been used before a restart: start above it.
  let nextId = node.storage.get<number>('ids/ceiling') ?? 0;
  let ceiling = nextId;
  const newId = (): number => {
    if (nextId >= ceiling) {
      ceiling = nextId + BLOCK;
      node.storage.set('ids/ceiling', ceiling);
    }
    return nextId++;
  };

  // A separate floor per key: a read of a key needs a replica that has this session's latest write to it.
  const floorOf = (key: string): number => node.storage.get<number>(`floor/${key}`) ?? 0;
  const raiseFloor = (key: string, index: number): void => {
    if (index > floorOf(key)) node.storage.set(`floor/${key}`, index);
  };

  /** When each follower last timed out or answered behind; never-failed ones come first. */
  const lastFailure = new Map<string, number>();
  const outstanding = new Map<number, Outstanding>();

  const pickReplica = (o: Outstanding): string => {
    const candidates = options.followers.filter((f) => !o.tried.has(f));
    if (candidates.length === 0) {
      if (!o.tried.has(options.leader)) return options.leader;
      o.tried.clear(); // everyone asked once: start another round
      return pickReplica(o);
    }
    let best = candidates[0]!;
    for (const f of candidates) if ((lastFailure.get(f) ?? -Infinity) < (lastFailure.get(best) ?? -Infinity)) best = f;
    return best;
  };

  const fail = (replica: string | undefined): void => {
    if (replica !== undefined && replica !== options.leader) lastFailure.set(replica, node.now());
  };

  const send = (id: number, o: Outstanding): void => {
    clearTimeout(o.timer);
    if (o.request.op === 'write') {
      const msg: WriteRequest = { type: 'write', req: id, key: o.request.key, value: o.request.value };
      node.send(options.leader, msg);
    } else {
      const to = pickReplica(o);
      o.tried.add(to);
      o.askedLast = to;
      const msg: ReadRequest = { type: 'read', req: id, key: o.request.key };
      node.send(to, msg);
    }
    o.timer = setTimeout(() => {
      if (outstanding.get(id) !== o) return;
      fail(o.askedLast);
      send(id, o);
    }, TIMEOUT_MS);
  };

  const onWriteOk = (o: Outstanding, m: WriteReply): void => {
    raiseFloor(o.request.key, m.index);
    o.reply({ index: m.index });
  };

  const onReadOk = (id: number, o: Outstanding, from: string, m: ReadReply): boolean => {
    if (m.index >= floorOf(o.request.key)) {
      o.reply({ value: m.value, index: m.index });
      return true;
    }
    if (from === o.askedLast) {
      fail(from);
      send(id, o);
    }
    return false;
  };

  return {
    onRequest(request, reply) {
      const id = newId();
      const o: Outstanding = { request: request as SessionRequest, reply, timer: undefined, tried: new Set(), askedLast: undefined };
      outstanding.set(id, o);
      send(id, o);
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      const o = outstanding.get(m.req);
      if (o === undefined || (m.type === 'write-ok') !== (o.request.op === 'write')) return;
      if (m.type === 'write-ok') {
        clearTimeout(o.timer);
        outstanding.delete(m.req);
        onWriteOk(o, m);
      } else if (onReadOk(m.req, o, from, m)) {
        clearTimeout(o.timer);
        outstanding.delete(m.req);
      }
    },
  };
}
