// Alternative: classes, with one global setInterval ticker per till (started when work arrives, stopped with clearInterval when idle) that scans every pending phase for resends and deadlines by Date.now(), numeric request ids per phase, and a barista that keeps value and version under two storage keys per order.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { CoordinatorOptions, CustomerRequest, ReplicaReply, ReplicaRequest, Version } from './protocol';

const NOTHING: Version = { counter: 0, writer: '' };

function isNewer(a: Version, b: Version): boolean {
  if (a.counter !== b.counter) return a.counter > b.counter;
  return a.writer > b.writer;
}

class Barista implements Handlers {
  constructor(private readonly node: Node) {}

  private valueOf(key: string): string | null {
    return this.node.storage.get<string | null>(`value/${key}`) ?? null;
  }

  private versionOf(key: string): Version {
    const pair = this.node.storage.get<[number, string]>(`version/${key}`);
    return pair ? { counter: pair[0], writer: pair[1] } : NOTHING;
  }

  onMessage(from: Address, body: unknown): void {
    const m = body as ReplicaRequest;
    if (m.type === 'get') {
      this.node.send(from, { type: 'get-ok', req: m.req, key: m.key, value: this.valueOf(m.key), version: this.versionOf(m.key) });
    } else if (m.type === 'put') {
      if (isNewer(m.version, this.versionOf(m.key))) {
        this.node.storage.set(`value/${m.key}`, m.value);
        this.node.storage.set(`version/${m.key}`, [m.version.counter, m.version.writer]);
      }
      this.node.send(from, { type: 'put-ok', req: m.req, key: m.key });
    }
  }
}

export function createReplica(node: Node): Handlers {
  return new Barista(node);
}

const TICK_MS = 5;
const RESEND_MS = 35;

/** One customer operation, with the phase it is in. */
class Operation {
  req = 0;
  phase: 'get' | 'put' = 'get';
  /** Baristas heard from in the current phase, with what they answered (get phase). */
  heard = new Map<Address, { value: string | null; version: Version }>();
  /** Baristas known to hold `version` (put phase). */
  holding = new Set<Address>();
  /** Who the current phase's request goes to. */
  targets: Address[] = [];
  message: ReplicaRequest | undefined;
  lastSentAt = 0;
  value: string | null = null;
  version: Version = NOTHING;

  constructor(
    readonly request: CustomerRequest,
    readonly reply: Reply,
    readonly deadline: number,
  ) {}
}

class Till implements Handlers {
  private nextReq = 1;
  private readonly byReq = new Map<number, Operation>();
  private readonly highestUsed = new Map<string, number>();
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly node: Node,
    private readonly options: CoordinatorOptions,
  ) {}

  onRequest(request: unknown, reply: Reply): void {
    const op = new Operation(request as CustomerRequest, reply, Date.now() + this.options.timeoutMs);
    op.targets = [...this.options.replicas];
    this.startPhase(op, 'get', { type: 'get', req: 0, key: op.request.key });
  }

  onMessage(from: Address, body: unknown): void {
    const m = body as ReplicaReply;
    const op = this.byReq.get(m.req);
    if (!op) return;
    if (op.phase === 'get' && m.type === 'get-ok') {
      if (op.heard.has(from)) return;
      op.heard.set(from, { value: m.value, version: m.version });
      if (op.heard.size >= this.options.r) this.afterGets(op);
    } else if (op.phase === 'put' && m.type === 'put-ok') {
      if (op.holding.has(from)) return;
      op.holding.add(from);
      if (op.holding.size >= this.options.w) this.finish(op, op.request.op === 'write' ? { ok: true, version: op.version } : { ok: true, value: op.value, version: op.version });
    }
  }

  private startPhase(op: Operation, phase: 'get' | 'put', message: ReplicaRequest): void {
    this.byReq.delete(op.req);
    op.req = this.nextReq++;
    op.phase = phase;
    op.message = { ...message, req: op.req };
    this.byReq.set(op.req, op);
    this.send(op);
    if (this.ticker === undefined) this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  private send(op: Operation): void {
    op.lastSentAt = Date.now();
    for (const b of op.targets) {
      const done = op.phase === 'get' ? op.heard.has(b) : op.holding.has(b);
      if (!done) this.node.send(b, op.message);
    }
  }

  private afterGets(op: Operation): void {
    let best: { value: string | null; version: Version } = { value: null, version: NOTHING };
    for (const answer of op.heard.values()) if (isNewer(answer.version, best.version)) best = answer;
    const key = op.request.key;
    if (op.request.op === 'write') {
      const counter = Math.max(best.version.counter, this.highestUsed.get(key) ?? 0) + 1;
      this.highestUsed.set(key, counter);
      op.value = op.request.value;
      op.version = { counter, writer: this.node.id };
      op.holding = new Set();
      op.targets = [...this.options.replicas];
      this.startPhase(op, 'put', { type: 'put', req: 0, key, value: op.request.value, version: op.version });
      return;
    }
    op.value = best.value;
    op.version = best.version;
    if (best.value === null) {
      this.finish(op, { ok: true, value: null, version: best.version });
      return;
    }
    // Read repair: those that answered with the newest version hold it already.
    op.holding = new Set([...op.heard].filter(([, a]) => !isNewer(best.version, a.version)).map(([b]) => b));
    if (op.holding.size >= this.options.w) {
      this.finish(op, { ok: true, value: best.value, version: best.version });
      return;
    }
    op.targets = this.options.replicas.filter((b) => !op.holding.has(b));
    this.startPhase(op, 'put', { type: 'put', req: 0, key, value: best.value, version: best.version });
  }

  private finish(op: Operation, answer: unknown): void {
    this.byReq.delete(op.req);
    op.reply(answer);
    this.stopTickerIfIdle();
  }

  private tick(): void {
    const now = Date.now();
    for (const op of [...this.byReq.values()]) {
      if (now >= op.deadline) {
        const got = op.phase === 'get' ? op.heard.size : op.holding.size;
        const needed = op.phase === 'get' ? this.options.r : this.options.w;
        const what = op.phase === 'get' ? 'answered the get' : 'held the version';
        this.finish(op, {
          ok: false,
          error: `${op.request.op} of ${op.request.key} timed out after ${this.options.timeoutMs} ms: only ${got} of ${this.options.replicas.length} baristas ${what}, ${needed} needed`,
        });
      } else if (now - op.lastSentAt >= RESEND_MS) {
        this.send(op);
      }
    }
    this.stopTickerIfIdle();
  }

  private stopTickerIfIdle(): void {
    if (this.byReq.size === 0 && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}

export function createCoordinator(node: Node, options: CoordinatorOptions): Handlers {
  return new Till(node, options);
}
