// Alternative: plain functions over a state record, global setTimeout/setInterval per CP operation (cleared with clearTimeout/clearInterval), random string request ids from Math.random, the till asking itself over the network like any other till, one storage key per field, and jittered AP gossip.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { ClientRequest, ReplicaOptions, Version } from './protocol';

type PeerMsg =
  | { op: 'query'; ref: string }
  | { op: 'state'; ref: string; counter: number; writer: Address; value: string | null }
  | { op: 'update'; ref: string; counter: number; writer: Address; value: string | null }
  | { op: 'updated'; ref: string }
  | { op: 'news'; counter: number; writer: Address; value: string | null };

interface Call {
  ref: string;
  req: ClientRequest;
  reply: Reply;
  phase: 1 | 2;
  voters: Set<Address>;
  counter: number;
  writer: Address;
  value: string | null;
  resend: ReturnType<typeof setInterval>;
  deadline: ReturnType<typeof setTimeout>;
}

interface State {
  node: Node;
  all: Address[];
  mode: 'cp' | 'ap';
  calls: Map<string, Call>;
}

const RESEND_MS = 30;
const DEADLINE_MS = 200;

function readCopy(node: Node): { counter: number; writer: Address; value: string | null } {
  return {
    counter: node.storage.get<number>('counter') ?? 0,
    writer: node.storage.get<Address>('writer') ?? '',
    value: node.storage.get<string | null>('value') ?? null,
  };
}

function beats(c1: number, w1: Address, c2: number, w2: Address): boolean {
  return c1 > c2 || (c1 === c2 && w1 > w2);
}

function offer(node: Node, counter: number, writer: Address, value: string | null): void {
  const mine = readCopy(node);
  if (!beats(counter, writer, mine.counter, mine.writer)) return;
  node.storage.set('value', value);
  node.storage.set('writer', writer);
  node.storage.set('counter', counter);
}

function quorum(s: State): number {
  return Math.floor(s.all.length / 2) + 1;
}

function messageFor(call: Call): PeerMsg {
  return call.phase === 1
    ? { op: 'query', ref: call.ref }
    : { op: 'update', ref: call.ref, counter: call.counter, writer: call.writer, value: call.value };
}

function close(s: State, call: Call, answer: unknown): void {
  clearInterval(call.resend);
  clearTimeout(call.deadline);
  s.calls.delete(call.ref);
  call.reply(answer);
}

function begin(s: State, req: ClientRequest, reply: Reply): void {
  const ref = `${s.node.id}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
  const call: Call = {
    ref,
    req,
    reply,
    phase: 1,
    voters: new Set(),
    counter: 0,
    writer: '',
    value: null,
    resend: setInterval(() => {
      for (const t of s.all) if (!call.voters.has(t)) s.node.send(t, messageFor(call));
    }, RESEND_MS),
    deadline: setTimeout(() => close(s, call, { ok: false, error: 'unavailable' }), DEADLINE_MS),
  };
  s.calls.set(ref, call);
  for (const t of s.all) s.node.send(t, messageFor(call));
}

function vote(s: State, from: Address, msg: PeerMsg & { ref: string }): void {
  const call = s.calls.get(msg.ref);
  if (!call) return;
  if (msg.op === 'state' && call.phase === 1) {
    call.voters.add(from);
    if (beats(msg.counter, msg.writer, call.counter, call.writer)) {
      call.counter = msg.counter;
      call.writer = msg.writer;
      call.value = msg.value;
    }
  } else if (msg.op === 'updated' && call.phase === 2) {
    call.voters.add(from);
  } else {
    return;
  }
  if (call.voters.size < quorum(s)) return;

  if (call.phase === 1) {
    if (call.req.op === 'write') {
      const used = Math.max(call.counter, s.node.storage.get<number>('highest-used') ?? 0) + 1;
      s.node.storage.set('highest-used', used);
      call.counter = used;
      call.writer = s.node.id;
      call.value = call.req.value;
    }
    call.phase = 2;
    call.voters = new Set();
    for (const t of s.all) s.node.send(t, messageFor(call));
    return;
  }
  close(s, call, call.req.op === 'read' ? { ok: true, value: call.value } : { ok: true });
}

function gossip(s: State): void {
  const c = readCopy(s.node);
  for (const t of s.all) if (t !== s.node.id) s.node.send(t, { op: 'news', ...c } satisfies PeerMsg);
}

function gossipForever(s: State): void {
  setTimeout(() => {
    gossip(s);
    gossipForever(s);
  }, 30 + Math.floor(Math.random() * 30));
}

export function createReplica(node: Node, options: ReplicaOptions): Handlers {
  const s: State = { node, all: [node.id, ...options.peers], mode: options.mode, calls: new Map() };
  return {
    onStart() {
      if (s.mode === 'ap') gossipForever(s);
    },
    onRequest(request, reply) {
      const req = request as ClientRequest;
      if (s.mode === 'cp') return begin(s, req, reply);
      if (req.op === 'read') return reply({ ok: true, value: readCopy(node).value });
      offer(node, readCopy(node).counter + 1, node.id, req.value);
      reply({ ok: true });
      gossip(s);
    },
    onMessage(from, body) {
      const msg = body as PeerMsg;
      switch (msg.op) {
        case 'query': {
          const c = readCopy(node);
          node.send(from, { op: 'state', ref: msg.ref, ...c } satisfies PeerMsg);
          return;
        }
        case 'update':
          offer(node, msg.counter, msg.writer, msg.value);
          node.send(from, { op: 'updated', ref: msg.ref } satisfies PeerMsg);
          return;
        case 'news':
          offer(node, msg.counter, msg.writer, msg.value);
          return;
        default:
          vote(s, from, msg);
      }
    },
  };
}
