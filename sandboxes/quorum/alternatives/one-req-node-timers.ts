// Alternative: plain functions over a record of operations, one numeric req for an operation's gets and puts alike (answers told apart by type and phase), node.setTimer for a deadline and a resend timer per operation, one till-wide counter for all keys, and the whole notepad as a single flattened object in storage.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { CoordinatorOptions, CustomerRequest, GetReply, PutRequest, ReplicaReply, ReplicaRequest, Version } from './protocol';

/** The notepad, as one storage entry: key -> [value, counter, writer]. */
type Notepad = Record<string, [string, number, string]>;

function versionOrder(a: Version, b: Version): number {
  if (a.counter < b.counter) return -1;
  if (a.counter > b.counter) return 1;
  if (a.writer === b.writer) return 0;
  return a.writer < b.writer ? -1 : 1;
}

export function createReplica(node: Node): Handlers {
  const notepad = (): Notepad => node.storage.get<Notepad>('notepad') ?? {};
  return {
    onMessage(from, body) {
      const m = body as ReplicaRequest;
      const pad = notepad();
      const line = pad[m.key];
      const version: Version = line ? { counter: line[1], writer: line[2] } : { counter: 0, writer: '' };
      if (m.type === 'get') {
        const answer: GetReply = { type: 'get-ok', req: m.req, key: m.key, value: line ? line[0] : null, version };
        node.send(from, answer);
        return;
      }
      if (versionOrder(m.version, version) > 0) {
        pad[m.key] = [m.value, m.version.counter, m.version.writer];
        node.storage.set('notepad', pad);
      }
      node.send(from, { type: 'put-ok', req: m.req, key: m.key });
    },
  };
}

interface Op {
  ask: CustomerRequest;
  reply: Reply;
  phase: 'reading' | 'storing';
  /** Get answers of this operation, by barista. */
  reads: Record<Address, { value: string | null; version: Version }>;
  /** Baristas that hold the version being stored. */
  holders: Address[];
  put?: PutRequest;
  deadlineTimer: number;
  resendTimer: number;
}

export function createCoordinator(node: Node, options: CoordinatorOptions): Handlers {
  const ops: Record<number, Op> = {};
  let lastReq = 0;
  let clock = 0; // the highest counter this till has used, for any key

  function close(req: number, answer: unknown): void {
    const op = ops[req];
    if (!op) return;
    delete ops[req];
    node.clearTimer(op.deadlineTimer);
    node.clearTimer(op.resendTimer);
    op.reply(answer);
  }

  function resend(req: number): void {
    const op = ops[req];
    if (!op) return;
    for (const b of options.replicas) {
      if (op.phase === 'reading' && !(b in op.reads)) node.send(b, { type: 'get', req, key: op.ask.key });
      if (op.phase === 'storing' && !op.holders.includes(b)) node.send(b, op.put);
    }
    op.resendTimer = node.setTimer(30, () => resend(req));
  }

  function store(req: number, op: Op, put: PutRequest): void {
    op.phase = 'storing';
    op.put = put;
    node.clearTimer(op.resendTimer);
    resend(req);
  }

  function doneReading(req: number, op: Op): void {
    const answers = Object.entries(op.reads).map(([b, a]) => ({ b, ...a }));
    answers.sort((x, y) => versionOrder(y.version, x.version));
    const newest = answers[0]!;
    if (op.ask.op === 'write') {
      const highest = answers.reduce((h, a) => Math.max(h, a.version.counter), 0);
      clock = Math.max(clock, highest) + 1;
      store(req, op, { type: 'put', req, key: op.ask.key, value: op.ask.value, version: { counter: clock, writer: node.id } });
      return;
    }
    if (newest.value === null) return close(req, { ok: true, value: null, version: newest.version });
    op.holders = answers.filter((a) => versionOrder(a.version, newest.version) === 0).map((a) => a.b);
    if (op.holders.length >= options.w) return close(req, { ok: true, value: newest.value, version: newest.version });
    store(req, op, { type: 'put', req, key: op.ask.key, value: newest.value, version: newest.version });
  }

  return {
    onRequest(request, reply) {
      const req = ++lastReq;
      const ask = request as CustomerRequest;
      const op: Op = { ask, reply, phase: 'reading', reads: {}, holders: [], deadlineTimer: 0, resendTimer: 0 };
      ops[req] = op;
      op.deadlineTimer = node.setTimer(options.timeoutMs, () => {
        const heard = op.phase === 'reading' ? Object.keys(op.reads).length : op.holders.length;
        const need = op.phase === 'reading' ? options.r : options.w;
        close(req, {
          ok: false,
          error: `only ${heard} of ${options.replicas.length} baristas ${op.phase === 'reading' ? 'answered' : 'stored it'} in ${options.timeoutMs} ms; ${ask.op} needs ${need}`,
        });
      });
      resend(req);
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      const op = ops[m.req];
      if (!op || !options.replicas.includes(from)) return;
      if (m.type === 'get-ok' && op.phase === 'reading') {
        if (from in op.reads) return;
        op.reads[from] = { value: m.value, version: m.version };
        if (Object.keys(op.reads).length >= options.r) doneReading(m.req, op);
      } else if (m.type === 'put-ok' && op.phase === 'storing') {
        if (op.holders.includes(from)) return;
        op.holders.push(from);
        if (op.holders.length >= options.w) {
          const v = op.put!.version;
          close(m.req, op.ask.op === 'write' ? { ok: true, version: v } : { ok: true, value: op.put!.value, version: v });
        }
      }
    },
  };
}
