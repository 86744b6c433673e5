// Alternative: a class per till, one node.setTimer chain per CP operation, numeric request ids kept in node.storage, resends only to the tills that have not answered, and the copy stored under two keys.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { ClientReply, ClientRequest, ReplicaOptions, Version } from './protocol';

interface Copy {
  version: Version;
  value: string | null;
}

type Message =
  | { type: 'read-req'; id: number }
  | { type: 'read-rep'; id: number; copy: Copy }
  | { type: 'store-req'; id: number; copy: Copy }
  | { type: 'store-rep'; id: number }
  | { type: 'gossip'; copy: Copy };

const RESEND_MS = 25;
const DEADLINE_MS = 240;
const GOSSIP_MS = 40;
const ZERO: Version = { counter: 0, node: '' };

function isNewer(a: Version, b: Version): boolean {
  if (a.counter !== b.counter) return a.counter > b.counter;
  return a.node > b.node;
}

interface Operation {
  id: number;
  request: ClientRequest;
  reply: Reply;
  phase: 'read' | 'store';
  answered: Set<Address>;
  best: Copy;
  toStore: Copy | null;
  elapsedMs: number;
  timer: number;
}

class Till {
  private readonly operations = new Map<number, Operation>();

  constructor(
    private readonly node: Node,
    private readonly options: ReplicaOptions,
  ) {}

  private mine(): Copy {
    const version = this.node.storage.get<Version>('version');
    if (!version) return { version: ZERO, value: null };
    return { version, value: this.node.storage.get<string | null>('value') ?? null };
  }

  private keep(copy: Copy): void {
    if (!isNewer(copy.version, this.mine().version)) return;
    this.node.storage.set('value', copy.value);
    this.node.storage.set('version', copy.version);
  }

  private get majority(): number {
    return Math.floor((this.options.peers.length + 1) / 2) + 1;
  }

  private nextId(): number {
    const id = (this.node.storage.get<number>('last-request-id') ?? 0) + 1;
    this.node.storage.set('last-request-id', id);
    return id;
  }

  private send(to: Address, message: Message): void {
    this.node.send(to, message);
  }

  start(): void {
    if (this.options.mode === 'ap') this.gossipLoop();
  }

  private gossipLoop(): void {
    const copy = this.mine();
    if (copy.version.counter > 0) for (const peer of this.options.peers) this.send(peer, { type: 'gossip', copy });
    this.node.setTimer(GOSSIP_MS, () => this.gossipLoop());
  }

  request(request: ClientRequest, reply: Reply): void {
    if (this.options.mode === 'ap') {
      if (request.op === 'read') {
        reply({ ok: true, value: this.mine().value } satisfies ClientReply);
        return;
      }
      const copy: Copy = { version: { counter: this.mine().version.counter + 1, node: this.node.id }, value: request.value };
      this.keep(copy);
      reply({ ok: true } satisfies ClientReply);
      for (const peer of this.options.peers) this.send(peer, { type: 'gossip', copy });
      return;
    }

    const operation: Operation = {
      id: this.nextId(),
      request,
      reply,
      phase: 'read',
      answered: new Set([this.node.id]),
      best: this.mine(),
      toStore: null,
      elapsedMs: 0,
      timer: -1,
    };
    this.operations.set(operation.id, operation);
    operation.timer = this.node.setTimer(RESEND_MS, () => this.tick(operation));
    for (const peer of this.options.peers) this.send(peer, { type: 'read-req', id: operation.id });
    this.progress(operation);
  }

  private tick(operation: Operation): void {
    if (!this.operations.has(operation.id)) return;
    operation.elapsedMs += RESEND_MS;
    if (operation.elapsedMs >= DEADLINE_MS) {
      this.finish(operation, { ok: false, error: 'unavailable' });
      return;
    }
    for (const peer of this.options.peers) {
      if (operation.answered.has(peer)) continue;
      if (operation.phase === 'read') this.send(peer, { type: 'read-req', id: operation.id });
      else this.send(peer, { type: 'store-req', id: operation.id, copy: operation.toStore! });
    }
    operation.timer = this.node.setTimer(RESEND_MS, () => this.tick(operation));
  }

  private finish(operation: Operation, answer: ClientReply): void {
    this.operations.delete(operation.id);
    this.node.clearTimer(operation.timer);
    operation.reply(answer);
  }

  private progress(operation: Operation): void {
    if (operation.answered.size < this.majority) return;
    if (operation.phase === 'read') {
      if (operation.request.op === 'read') {
        operation.toStore = operation.best;
      } else {
        const counter = Math.max(operation.best.version.counter, this.mine().version.counter) + 1;
        operation.toStore = { version: { counter, node: this.node.id }, value: operation.request.value };
      }
      operation.phase = 'store';
      this.keep(operation.toStore);
      operation.answered = new Set([this.node.id]);
      for (const peer of this.options.peers) this.send(peer, { type: 'store-req', id: operation.id, copy: operation.toStore });
      this.progress(operation);
      return;
    }
    if (operation.request.op === 'read') this.finish(operation, { ok: true, value: operation.toStore!.value });
    else this.finish(operation, { ok: true });
  }

  message(from: Address, message: Message): void {
    switch (message.type) {
      case 'read-req':
        this.send(from, { type: 'read-rep', id: message.id, copy: this.mine() });
        return;
      case 'store-req':
        this.keep(message.copy);
        this.send(from, { type: 'store-rep', id: message.id });
        return;
      case 'gossip':
        this.keep(message.copy);
        return;
      case 'read-rep': {
        const operation = this.operations.get(message.id);
        if (!operation || operation.phase !== 'read') return;
        operation.answered.add(from);
        if (isNewer(message.copy.version, operation.best.version)) operation.best = message.copy;
        this.progress(operation);
        return;
      }
      case 'store-rep': {
        const operation = this.operations.get(message.id);
        if (!operation || operation.phase !== 'store') return;
        operation.answered.add(from);
        this.progress(operation);
        return;
      }
    }
  }
}

/**
 * One till keeping a copy of the register (see `./protocol` for the types). In CP mode each
 * request asks a majority for its copy, then makes a majority store the newest (or the new
 * write); in AP mode it answers from its own copy and gossips.
 */
export function createReplica(node: Node, options: ReplicaOptions): Handlers {
  const till = new Till(node, options);
  return {
    onStart() {
      till.start();
    },
    onRequest(request, reply) {
      till.request(request as ClientRequest, reply);
    },
    onMessage(from, body) {
      till.message(from, body as Message);
    },
  };
}
