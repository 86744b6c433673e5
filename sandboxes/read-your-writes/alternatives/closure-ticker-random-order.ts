// Alternative: closures with one global setInterval ticker (cleared with clearInterval when idle), followers shuffled with Math.random for every read, request ids made from a restart epoch, and extra fields on the messages.
import type { Handlers, Node, Reply } from '@baristas/sim';
import type { ReplicaReply, SessionOptions, SessionRequest } from './replication';

const TICK_MS = 5;
const WAIT_MS = 30;
/** Request ids of one incarnation: epoch * SPAN + n. */
const SPAN = 1 << 20;

type Pending =
  | { op: 'write'; reply: Reply; key: string; value: string; sentAt: number }
  | { op: 'read'; reply: Reply; key: string; order: string[]; next: number; askedLast: string; sentAt: number };

export function createSession(node: Node, options: SessionOptions): Handlers {
  // One record in storage for what must survive a restart.
  type Durable = { epoch: number; readFloor: number };
  const durable: Durable = node.storage.get<Durable>('session') ?? { epoch: 0, readFloor: 0 };
  durable.epoch += 1;
  node.storage.set('session', durable);
  let n = 0;

  const pending: Record<string, Pending> = {};
  let ticker: ReturnType<typeof setInterval> | undefined;

  const shuffled = (xs: string[]): string[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };

  const transmit = (req: number, p: Pending): void => {
    p.sentAt = Date.now();
    if (p.op === 'write') {
      node.send(options.leader, { type: 'write', req, key: p.key, value: p.value, session: node.id });
    } else {
      // Followers in this read's random order, then the leader, then round again.
      const slot = p.next % (p.order.length + 1);
      p.next += 1;
      p.askedLast = slot < p.order.length ? p.order[slot]! : options.leader;
      node.send(p.askedLast, { type: 'read', req, key: p.key, session: node.id, attempt: p.next });
    }
  };

  const tick = (): void => {
    const now = Date.now();
    const reqs = Object.keys(pending);
    if (reqs.length === 0) {
      clearInterval(ticker);
      ticker = undefined;
      return;
    }
    for (const r of reqs) {
      const p = pending[r]!;
      if (now - p.sentAt >= WAIT_MS) transmit(Number(r), p);
    }
  };

  const start = (req: number, p: Pending): void => {
    pending[String(req)] = p;
    transmit(req, p);
    if (ticker === undefined) ticker = setInterval(tick, TICK_MS);
  };

  return {
    onRequest(request, reply) {
      const r = request as SessionRequest;
      n += 1;
      const req = durable.epoch * SPAN + n;
      if (r.op === 'write') start(req, { op: 'write', reply, key: r.key, value: r.value, sentAt: 0 });
      else start(req, { op: 'read', reply, key: r.key, order: shuffled(options.followers), next: 0, askedLast: '', sentAt: 0 });
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      const p = pending[String(m.req)];
      if (p === undefined) return;
      if (m.type === 'write-ok') {
        if (p.op !== 'write') return;
        durable.readFloor = Math.max(durable.readFloor, m.index);
        node.storage.set('session', durable);
        delete pending[String(m.req)];
        p.reply({ index: m.index });
        return;
      }
      if (p.op !== 'read') return;
      if (m.index >= durable.readFloor) {
        delete pending[String(m.req)];
        p.reply({ value: m.value, index: m.index });
      } else if (from === p.askedLast) {
        transmit(m.req, p);
      }
    },
  };
}
