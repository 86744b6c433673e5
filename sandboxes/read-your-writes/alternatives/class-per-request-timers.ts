// Alternative: a class with one node.setTimer per request, followers tried in a fixed order from a rotating start, and a request counter saved to storage on every increment.
import type { Handlers, Node, Reply } from '@baristas/sim';
import type { ReadRequest, ReplicaReply, SessionOptions, SessionRequest, WriteRequest } from './replication';

/** The network takes up to 10 ms each way: three round trips and a bit. */
const RETRY_MS = 35;

interface PendingWrite {
  kind: 'write';
  reply: Reply;
  message: WriteRequest;
  timer: number;
}

interface PendingRead {
  kind: 'read';
  reply: Reply;
  key: string;
  /** How many replicas this read has been sent to so far. */
  attempts: number;
  /** Which follower it started with. */
  start: number;
  /** Who was asked last. */
  target: string;
  timer: number;
}

class Session {
  private floor: number;
  private nextReq: number;
  private readonly pending = new Map<number, PendingWrite | PendingRead>();
  private rotation = 0;

  constructor(
    private readonly node: Node,
    private readonly options: SessionOptions,
  ) {
    this.floor = node.storage.get<number>('floor') ?? 0;
    this.nextReq = node.storage.get<number>('nextReq') ?? 1;
  }

  private takeReq(): number {
    const req = this.nextReq;
    this.nextReq += 1;
    this.node.storage.set('nextReq', this.nextReq);
    return req;
  }

  request(request: SessionRequest, reply: Reply): void {
    const req = this.takeReq();
    if (request.op === 'write') {
      const message: WriteRequest = { type: 'write', req, key: request.key, value: request.value };
      const entry: PendingWrite = { kind: 'write', reply, message, timer: -1 };
      this.pending.set(req, entry);
      this.sendWrite(req, entry);
    } else {
      const start = this.rotation;
      this.rotation = (this.rotation + 1) % Math.max(1, this.options.followers.length);
      const entry: PendingRead = { kind: 'read', reply, key: request.key, attempts: 0, start, target: '', timer: -1 };
      this.pending.set(req, entry);
      this.sendRead(req, entry);
    }
  }

  private sendWrite(req: number, entry: PendingWrite): void {
    this.node.send(this.options.leader, entry.message);
    entry.timer = this.node.setTimer(RETRY_MS, () => {
      if (this.pending.get(req) === entry) this.sendWrite(req, entry);
    });
  }

  private replicaFor(entry: PendingRead): string {
    const followers = this.options.followers;
    const round = followers.length + 1;
    const i = entry.attempts % round;
    return i < followers.length ? followers[(entry.start + i) % followers.length]! : this.options.leader;
  }

  private sendRead(req: number, entry: PendingRead): void {
    this.node.clearTimer(entry.timer);
    entry.target = this.replicaFor(entry);
    entry.attempts += 1;
    const message: ReadRequest = { type: 'read', req, key: entry.key };
    this.node.send(entry.target, message);
    entry.timer = this.node.setTimer(RETRY_MS, () => {
      if (this.pending.get(req) === entry) this.sendRead(req, entry);
    });
  }

  message(from: string, m: ReplicaReply): void {
    const entry = this.pending.get(m.req);
    if (!entry) return;
    if (m.type === 'write-ok' && entry.kind === 'write') {
      if (m.index > this.floor) {
        this.floor = m.index;
        this.node.storage.set('floor', this.floor);
      }
      this.finish(m.req, entry);
      entry.reply({ index: m.index });
    } else if (m.type === 'read-ok' && entry.kind === 'read') {
      if (m.index >= this.floor) {
        this.finish(m.req, entry);
        entry.reply({ value: m.value, index: m.index });
      } else if (from === entry.target) {
        this.sendRead(m.req, entry);
      }
    }
  }

  private finish(req: number, entry: PendingWrite | PendingRead): void {
    this.node.clearTimer(entry.timer);
    this.pending.delete(req);
  }
}

export function createSession(node: Node, options: SessionOptions): Handlers {
  const session = new Session(node, options);
  return {
    onRequest(request, reply) {
      session.request(request as SessionRequest, reply);
    },
    onMessage(from, body) {
      session.message(from, body as ReplicaReply);
    },
  };
}
