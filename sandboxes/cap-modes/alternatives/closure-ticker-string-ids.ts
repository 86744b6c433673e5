// Alternative: closures and one global setInterval ticker per till that resends to everyone and expires requests, string request ids made of a stored restart count, a separate persisted Lamport counter, a read that skips the write-back when its majority already agrees, and push-pull gossip with extra fields.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { ClientRequest, ReplicaOptions, Version } from './protocol';

/** The copy is stored as one tuple: [counter, writer, value]. */
type Stored = [number, string, string | null];

type Wire =
  | { kind: 'ask'; rid: string; from: Address; mode: 'cp' }
  | { kind: 'have'; rid: string; counter: number; writer: string; value: string | null; sentAt: number }
  | { kind: 'put'; rid: string; counter: number; writer: string; value: string | null }
  | { kind: 'put-done'; rid: string; counter: number }
  | { kind: 'sync'; counter: number; writer: string; value: string | null; wantReply: boolean };

const TICK_MS = 20;
/** Give up after this many ticks: 11 × 20 ms = 220 ms, well inside 300 ms. */
const GIVE_UP_TICKS = 11;
const SYNC_EVERY_TICKS = 2;

interface Pending {
  req: ClientRequest;
  reply: Reply;
  step: 'collect' | 'store';
  heard: Map<Address, Version>;
  best: { version: Version; value: string | null };
  write: { version: Version; value: string | null } | null;
  ticks: number;
}

export function createReplica(node: Node, options: ReplicaOptions): Handlers {
  const everyone = [node.id, ...options.peers];
  const needed = Math.floor(everyone.length / 2) + 1;
  const pending = new Map<string, Pending>();
  let sequence = 0;
  let ticks = 0;

  const restarts = (node.storage.get<number>('restarts') ?? 0) + 1;
  node.storage.set('restarts', restarts);

  const load = (): { version: Version; value: string | null } => {
    const s = node.storage.get<Stored>('copy') ?? [0, '', null];
    return { version: { counter: s[0], node: s[1] }, value: s[2] };
  };
  const above = (a: Version, b: Version): boolean => a.counter > b.counter || (a.counter === b.counter && a.node > b.node);
  const bump = (seen: number): number => {
    const next = Math.max(seen, node.storage.get<number>('lamport') ?? 0) + 1;
    node.storage.set('lamport', next);
    return next;
  };
  const observe = (counter: number): void => {
    if (counter > (node.storage.get<number>('lamport') ?? 0)) node.storage.set('lamport', counter);
  };
  const store = (version: Version, value: string | null): boolean => {
    observe(version.counter);
    if (!above(version, load().version)) return false;
    node.storage.set('copy', [version.counter, version.node, value] satisfies Stored);
    return true;
  };

  const broadcast = (rid: string, p: Pending): void => {
    for (const peer of options.peers) {
      if (p.step === 'collect') node.send(peer, { kind: 'ask', rid, from: node.id, mode: 'cp' } satisfies Wire);
      else node.send(peer, { kind: 'put', rid, counter: p.write!.version.counter, writer: p.write!.version.node, value: p.write!.value } satisfies Wire);
    }
  };

  const advance = (rid: string, p: Pending): void => {
    if (p.heard.size < needed) return;
    if (p.step === 'collect') {
      if (p.req.op === 'read') {
        const unanimous = [...p.heard.values()].every((v) => v.counter === p.best.version.counter && v.node === p.best.version.node);
        if (unanimous) {
          pending.delete(rid);
          p.reply({ ok: true, value: p.best.value });
          return;
        }
        p.write = p.best;
      } else {
        p.write = { version: { counter: bump(p.best.version.counter), node: node.id }, value: p.req.value };
      }
      p.step = 'store';
      store(p.write.version, p.write.value);
      p.heard = new Map([[node.id, p.write.version]]);
      broadcast(rid, p);
      advance(rid, p);
      return;
    }
    pending.delete(rid);
    p.reply(p.req.op === 'read' ? { ok: true, value: p.write!.value } : { ok: true });
  };

  const sync = (to: Address, wantReply: boolean): void => {
    const c = load();
    node.send(to, { kind: 'sync', counter: c.version.counter, writer: c.version.node, value: c.value, wantReply } satisfies Wire);
  };

  const tick = (): void => {
    ticks++;
    for (const [rid, p] of [...pending]) {
      p.ticks++;
      if (p.ticks >= GIVE_UP_TICKS) {
        pending.delete(rid);
        p.reply({ ok: false, error: 'unavailable' });
      } else {
        broadcast(rid, p);
      }
    }
    if (options.mode === 'ap' && ticks % SYNC_EVERY_TICKS === 0) for (const peer of options.peers) sync(peer, true);
  };

  return {
    onStart() {
      setInterval(tick, TICK_MS);
    },

    onRequest(request, reply) {
      const req = request as ClientRequest;
      if (options.mode === 'ap') {
        if (req.op === 'read') return reply({ ok: true, value: load().value });
        store({ counter: bump(load().version.counter), node: node.id }, req.value);
        reply({ ok: true });
        for (const peer of options.peers) sync(peer, false);
        return;
      }
      const rid = `${node.id}/${restarts}/${++sequence}`;
      const here = load();
      const p: Pending = { req, reply, step: 'collect', heard: new Map([[node.id, here.version]]), best: here, write: null, ticks: 0 };
      pending.set(rid, p);
      broadcast(rid, p);
      advance(rid, p);
    },

    onMessage(from, body) {
      const m = body as Wire;
      switch (m.kind) {
        case 'ask': {
          const c = load();
          node.send(from, { kind: 'have', rid: m.rid, counter: c.version.counter, writer: c.version.node, value: c.value, sentAt: node.now() } satisfies Wire);
          break;
        }
        case 'put':
          store({ counter: m.counter, node: m.writer }, m.value);
          node.send(from, { kind: 'put-done', rid: m.rid, counter: m.counter } satisfies Wire);
          break;
        case 'sync': {
          const theirs: Version = { counter: m.counter, node: m.writer };
          store(theirs, m.value);
          if (m.wantReply && above(load().version, theirs)) sync(from, false);
          break;
        }
        case 'have': {
          const p = pending.get(m.rid);
          if (!p || p.step !== 'collect') break;
          const v: Version = { counter: m.counter, node: m.writer };
          p.heard.set(from, v);
          if (above(v, p.best.version)) p.best = { version: v, value: m.value };
          advance(m.rid, p);
          break;
        }
        case 'put-done': {
          const p = pending.get(m.rid);
          if (!p || p.step !== 'store') break;
          p.heard.set(from, p.write!.version);
          advance(m.rid, p);
          break;
        }
      }
    },
  };
}
