/**
 * Single-decree Paxos among the shop's head baristas, in a `Simulation`: two proposers (P1 wants
 * ‘latte’ for the drink of the day, P2 wants ‘mocha’), three or five acceptors (A1…A5) and one
 * learner, the menu board (L). The nodes speak the course's vocabulary (prepare, promise,
 * accept, accepted, nack; ballots compared round first, then node), but this is the diagram's
 * own Paxos, not the learner's exercise.
 *
 * Messages are stepped. The network takes every message to a tray in front of its receiver
 * (fixed 1 ms, so in send order), and the receiver handles it only when the reader delivers it:
 * the oldest first, the one they pick, or "accepts last", the unlucky order that keeps duelling
 * proposers pre-empting each other. A message can be dropped instead; crashing a node loses the
 * messages on their way to it, and a message sent to a node that is down is lost.
 *
 * Acceptors keep their promise and accepted proposal on disk (`node.storage`, written before
 * they answer) when `persist` is on, and only in memory when it is off: then a crash and restart
 * forgets them, and two values can be chosen. "Chosen" is a fact about the acceptors, recorded
 * here the moment a majority has accepted the same ballot, whoever knows it. Proposers keep
 * their round number on disk in either case, so they never reuse a ballot.
 *
 * No timers and no randomness: the same sequence of actions always gives the same state.
 */
import type { Node, Storage } from '@baristas/sim';
import { Simulation } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export type ProposerId = 'P1' | 'P2';
export const PROPOSERS: readonly ProposerId[] = ['P1', 'P2'];
export const LEARNER = 'L';
/** What each proposer asks for, when no promise makes it adopt another value. */
export const OWN_VALUE: Record<ProposerId, string> = { P1: 'latte', P2: 'mocha' };
export type AcceptorCount = 3 | 5;
/** Most deliveries "Run until quiet" makes, a guard against a duel that never ends. */
export const RUN_LIMIT = 400;
export const majorityOf = (n: number): number => Math.floor(n / 2) + 1;
export const acceptorIds = (n: AcceptorCount): string[] => Array.from({ length: n }, (_, i) => `A${i + 1}`);

export interface Ballot {
  round: number;
  node: string;
}
export interface Accepted {
  ballot: Ballot;
  value: string;
}
export type PaxosMessage =
  | { type: 'prepare'; ballot: Ballot }
  | { type: 'promise'; ballot: Ballot; accepted: Accepted | null }
  | { type: 'accept'; ballot: Ballot; value: string }
  | { type: 'accepted'; ballot: Ballot; value: string }
  | { type: 'nack'; ballot: Ballot; promised: Ballot };

/** A message on its way: sent, not yet handled by its receiver. `id` orders them by arrival. */
export interface InFlight {
  id: number;
  from: string;
  to: string;
  body: PaxosMessage;
}

/** a > b: the higher round, and on equal rounds the higher node, in string order. */
export const above = (a: Ballot, b: Ballot): boolean => a.round > b.round || (a.round === b.round && a.node > b.node);
export const sameBallot = (a: Ballot | null, b: Ballot | null): boolean => !!a && !!b && a.round === b.round && a.node === b.node;
export const ballotText = (b: Ballot): string => `(${b.round}, ${b.node})`;
export const quoted = (value: string): string => `‘${value}’`;
export const acceptedText = (a: Accepted | null): string => (a ? `${ballotText(a.ballot)} ${quoted(a.value)}` : 'nothing');
const key = (b: Ballot): string => `${b.round}/${b.node}`;

/** The message in the course's words: "prepare(2, P1)", "promise(2, P1), accepted (1, P1) ‘latte’". */
export function messageText(m: PaxosMessage): string {
  const n = `${m.ballot.round}, ${m.ballot.node}`;
  switch (m.type) {
    case 'prepare':
      return `prepare(${n})`;
    case 'promise':
      return `promise(${n}), ${m.accepted ? `accepted ${acceptedText(m.accepted)}` : 'nothing accepted'}`;
    case 'accept':
      return `accept(${n}) ${quoted(m.value)}`;
    case 'accepted':
      return `accepted(${n}) ${quoted(m.value)}`;
    case 'nack':
      return `nack(${n}), promised ${ballotText(m.promised)}`;
  }
}

/** A ballot a majority of acceptors accepted: its value is chosen, from that moment on. */
export interface Chosen {
  ballot: Ballot;
  value: string;
  /** The acceptors that accepted it, when it became chosen (a majority). */
  by: string[];
  /** The action (count of actions so far) that made it chosen. */
  action: number;
}

/** What an acceptor held in memory when it crashed with promises kept only there. */
export interface Forgotten {
  acceptor: string;
  promised: Ballot | null;
  accepted: Accepted | null;
  action: number;
}

export type Phase = 'idle' | 'preparing' | 'accepting' | 'learned';

/** One thing that happened, as the node code (or the network) saw it; the diagram puts it in words. */
export type Note =
  /** A proposer starts a round; `after` is the refusal a duelling proposer answers with it. */
  | { t: 'propose'; proposer: ProposerId; ballot: Ballot; duel: boolean; after?: { by: string; ballot: Ballot; promised: Ballot } }
  | { t: 'down'; node: string; what: 'propose' }
  | { t: 'deliver'; message: InFlight }
  | { t: 'drop'; message: InFlight }
  | { t: 'lost'; message: Omit<InFlight, 'id'>; reason: 'down' | 'crash' }
  | { t: 'promise'; acceptor: string; ballot: Ballot; accepted: Accepted | null; disk: boolean }
  | { t: 'refuse'; acceptor: string; kind: 'prepare' | 'accept'; ballot: Ballot; promised: Ballot }
  | { t: 'accept'; acceptor: string; ballot: Ballot; value: string; disk: boolean }
  | { t: 'phase2'; proposer: ProposerId; ballot: Ballot; value: string; promisers: string[]; adopted: { from: string; accepted: Accepted } | null }
  | { t: 'gave-up'; proposer: ProposerId; ballot: Ballot; promised: Ballot; by: string }
  | { t: 'learn'; who: string; value: string; ballot: Ballot; by: string[] }
  | { t: 'ignore'; who: string; message: PaxosMessage; why: 'old-round' | 'has-majority' | 'learned' | 'gave-up' }
  /** A ballot reached a majority; `earlier` lists the values chosen before it (distinct). */
  | { t: 'chosen'; chosen: Chosen; earlier: string[] }
  | { t: 'crash'; node: string; kept: 'disk' | 'memory' | 'none'; had: { promised: Ballot | null; accepted: Accepted | null } | null; lost: InFlight[] }
  | { t: 'restart'; node: string; promised: Ballot | null; accepted: Accepted | null; fromDisk: boolean; round?: number }
  | { t: 'duel'; proposers: ProposerId[] }
  | { t: 'quiet'; delivered: number; limited: boolean }
  | { t: 'nothing' };

export interface AcceptorView {
  id: string;
  up: boolean;
  promised: Ballot | null;
  accepted: Accepted | null;
  /** Down with promises kept only in memory: what it held is gone. */
  forgotten: boolean;
}

export interface ProposerView {
  id: ProposerId;
  up: boolean;
  own: string;
  phase: Phase;
  ballot: Ballot | null;
  /** The value of this round's accept messages, once in phase 2. */
  value: string | null;
  promisedBy: string[];
  acceptedBy: string[];
  /** What it learned was chosen, from a majority of `accepted` messages. */
  learned: string | null;
  duelling: boolean;
  /** The highest round it has used, from disk (kept across crashes). */
  round: number;
}

export interface LearnerView {
  learned: string | null;
  ballot: Ballot | null;
  by: string[];
}

interface AcceptorMemory {
  promised: Ballot | null;
  accepted: Accepted | null;
}

interface ProposerMemory {
  phase: Phase;
  ballot: Ballot | null;
  value: string | null;
  promises: Map<string, Accepted | null>;
  accepts: Set<string>;
  learned: string | null;
  duelling: boolean;
  highestSeen: number;
}

/** A node's own message handler, run when the reader delivers a message to it. */
type Inbox = { onMessage(from: string, body: unknown): void };

/** Counts `accepted` per ballot, each acceptor once; says the value once a majority accepted one ballot. */
function tally(majority: number) {
  const votes = new Map<string, Set<string>>();
  return (from: string, ballot: Ballot): string[] | undefined => {
    const voters = votes.get(key(ballot)) ?? new Set<string>();
    votes.set(key(ballot), voters.add(from));
    return voters.size >= majority ? [...voters].sort() : undefined;
  };
}

export interface PaxosOptions {
  acceptors?: AcceptorCount;
  /** Acceptors write their promise and accepted proposal to disk before answering. Default true. */
  persist?: boolean;
  seed?: number;
}

export type Order = 'oldest' | 'accepts-last';

export class PaxosModel {
  readonly acceptors: string[];
  readonly majority: number;
  readonly persist: boolean;
  private readonly sim: Simulation;
  private tray: InFlight[] = [];
  private nextId = 1;
  /** Ids of the messages that arrived during the last action. */
  private fresh = new Set<number>();
  private notes: Note[] = [];
  private actions = 0;
  private readonly handle = new Map<string, (from: string, body: PaxosMessage) => void>();
  private readonly start = new Map<ProposerId, (duel: boolean) => void>();
  private readonly acceptorMemory = new Map<string, AcceptorMemory>();
  private readonly proposerMemory = new Map<ProposerId, ProposerMemory>();
  private readonly disks = new Map<string, Storage>();
  private learner: LearnerView = { learned: null, ballot: null, by: [] };
  /** Every acceptor that ever accepted each ballot, and the ballot's value. */
  private readonly everAccepted = new Map<string, { ballot: Ballot; value: string; by: Set<string> }>();
  private readonly chosenList: Chosen[] = [];
  private readonly forgottenList: Forgotten[] = [];

  constructor(options: PaxosOptions = {}) {
    this.acceptors = acceptorIds(options.acceptors ?? 3);
    this.majority = majorityOf(this.acceptors.length);
    this.persist = options.persist ?? true;
    this.sim = new Simulation({ seed: options.seed ?? 6, recordTrace: false, delay: { kind: 'fixed', ms: 1 } });
    for (const id of PROPOSERS) this.add(id, (node) => this.proposerNode(node));
    for (const id of this.acceptors) this.add(id, (node) => this.acceptorNode(node));
    this.add(LEARNER, () => this.menuBoard());
    runSim(this.sim);
  }

  // ---- What the diagram shows ------------------------------------------------------------

  get inFlight(): readonly InFlight[] {
    return this.tray;
  }

  /** True for a message that arrived in the tray during the last action. */
  isNew(id: number): boolean {
    return this.fresh.has(id);
  }

  get chosen(): readonly Chosen[] {
    return this.chosenList;
  }

  /** The distinct values ever chosen, in the order they were chosen: more than one breaks agreement. */
  chosenValues(): string[] {
    return [...new Set(this.chosenList.map((c) => c.value))];
  }

  get forgotten(): readonly Forgotten[] {
    return this.forgottenList;
  }

  get actionCount(): number {
    return this.actions;
  }

  isUp(id: string): boolean {
    return this.sim.isUp(id);
  }

  acceptor(x: string): AcceptorView {
    const up = this.sim.isUp(x);
    const mem = this.acceptorMemory.get(x) ?? (this.persist ? this.fromDisk(x) : null);
    return { id: x, up, promised: mem?.promised ?? null, accepted: mem?.accepted ?? null, forgotten: !up && !this.persist };
  }

  proposer(x: ProposerId): ProposerView {
    const up = this.sim.isUp(x);
    const p = up ? this.proposerMemory.get(x) : undefined;
    return {
      id: x,
      up,
      own: OWN_VALUE[x],
      phase: p?.phase ?? 'idle',
      ballot: p?.ballot ?? null,
      value: p?.value ?? null,
      promisedBy: p ? [...p.promises.keys()].sort() : [],
      acceptedBy: p ? [...p.accepts].sort() : [],
      learned: p?.learned ?? null,
      duelling: p?.duelling ?? false,
      round: this.disks.get(x)?.get<number>('round') ?? 0,
    };
  }

  get board(): LearnerView {
    return { ...this.learner, by: [...this.learner.by] };
  }

  /** Everything the diagram shows, as plain data: equal for equal sequences of actions. */
  snapshot() {
    return {
      acceptors: this.acceptors.map((id) => this.acceptor(id)),
      proposers: PROPOSERS.map((id) => this.proposer(id)),
      board: this.board,
      inFlight: this.tray.map((m) => ({ ...m })),
      chosen: this.chosenList.map((c) => ({ ...c })),
      forgotten: this.forgottenList.map((f) => ({ ...f })),
      nowMs: this.sim.nowMs,
    };
  }

  // ---- What the reader does ----------------------------------------------------------------

  /** The proposer starts a round with a number above any it has used or been told of. */
  propose(id: ProposerId): Note[] {
    return this.act(() => {
      if (!this.sim.isUp(id)) return this.note({ t: 'down', node: id, what: 'propose' });
      this.inSim(() => this.start.get(id)!(false));
    });
  }

  /**
   * Both proposers start (those already in a round keep it) and, from now on until they learn
   * the chosen value, answer every refusal with a new round at once.
   */
  duel(): Note[] {
    return this.act(() => {
      const up = PROPOSERS.filter((id) => this.sim.isUp(id));
      this.note({ t: 'duel', proposers: up });
      for (const id of PROPOSERS) {
        if (!this.sim.isUp(id)) this.note({ t: 'down', node: id, what: 'propose' });
      }
      this.inSim(() => {
        for (const id of up) this.start.get(id)!(true);
      });
    });
  }

  /** The receiver handles message `id` now. */
  deliver(id: number): Note[] {
    return this.act(() => this.deliverNow(id));
  }

  /** Delivers the oldest message, or under `accepts-last` the oldest that is not an accept (accepted messages last of all). */
  deliverNext(order: Order = 'oldest'): Note[] {
    return this.act(() => {
      const next = this.pick(order);
      if (next === undefined) return this.note({ t: 'nothing' });
      this.deliverNow(next.id);
    });
  }

  /** Delivers the oldest message until none is left in flight (or `RUN_LIMIT` deliveries). */
  runUntilQuiet(limit = RUN_LIMIT): Note[] {
    return this.act(() => {
      let delivered = 0;
      while (this.tray.length > 0 && delivered < limit) {
        this.deliverNow(this.tray[0]!.id);
        delivered++;
      }
      this.note({ t: 'quiet', delivered, limited: this.tray.length > 0 });
    });
  }

  drop(id: number): Note[] {
    return this.act(() => {
      const i = this.tray.findIndex((m) => m.id === id);
      if (i < 0) return this.note({ t: 'nothing' });
      const [message] = this.tray.splice(i, 1);
      this.note({ t: 'drop', message: message! });
    });
  }

  /** Crashes an acceptor or a proposer: its memory is gone, its disk stays, messages to it are lost. */
  crash(id: string): Note[] {
    return this.act(() => {
      if (!this.sim.isUp(id) || id === LEARNER) return this.note({ t: 'nothing' });
      const isAcceptor = this.acceptors.includes(id);
      const mem = this.acceptorMemory.get(id);
      const had = mem ? { promised: mem.promised, accepted: mem.accepted } : null;
      if (isAcceptor && !this.persist && mem && (mem.promised || mem.accepted)) {
        this.forgottenList.push({ acceptor: id, promised: mem.promised, accepted: mem.accepted, action: this.actions });
      }
      this.acceptorMemory.delete(id);
      this.proposerMemory.delete(id as ProposerId);
      const lost = this.tray.filter((m) => m.to === id);
      this.tray = this.tray.filter((m) => m.to !== id);
      this.sim.crash(id);
      this.note({ t: 'crash', node: id, kept: isAcceptor ? (this.persist ? 'disk' : 'memory') : 'none', had, lost });
    });
  }

  restart(id: string): Note[] {
    return this.act(() => {
      if (this.sim.isUp(id)) return this.note({ t: 'nothing' });
      this.inSim(() => this.sim.restart(id));
      if (this.acceptors.includes(id)) {
        const mem = this.acceptorMemory.get(id)!;
        this.note({ t: 'restart', node: id, promised: mem.promised, accepted: mem.accepted, fromDisk: this.persist });
      } else {
        this.note({ t: 'restart', node: id, promised: null, accepted: null, fromDisk: true, round: this.proposer(id as ProposerId).round });
      }
    });
  }

  // ---- The machinery ---------------------------------------------------------------------------

  private act(body: () => void): Note[] {
    this.notes = [];
    this.fresh = new Set();
    this.actions++;
    body();
    return this.notes;
  }

  private note(n: Note): void {
    this.notes.push(n);
  }

  /** Runs `body` as an event of the simulation, then runs the network until it is quiet. */
  private inSim(body: () => void): void {
    this.sim.schedule(this.sim.nowMs, body);
    runSim(this.sim);
  }

  private pick(order: Order): InFlight | undefined {
    if (order === 'oldest') return this.tray[0];
    const rank = (m: InFlight): number => (m.body.type === 'accepted' ? 2 : m.body.type === 'accept' ? 1 : 0);
    let best: InFlight | undefined;
    for (const m of this.tray) if (!best || rank(m) < rank(best)) best = m;
    return best;
  }

  private deliverNow(id: number): void {
    const i = this.tray.findIndex((m) => m.id === id);
    if (i < 0) return this.note({ t: 'nothing' });
    const [message] = this.tray.splice(i, 1);
    const { from, to, body } = message!;
    this.note({ t: 'deliver', message: message! });
    // The tray never holds a message to a node that is down (a crash empties its share).
    this.inSim(() => this.handle.get(to)!(from, body));
  }

  /**
   * Adds a node whose messages wait in the tray: the network hands them to the tray, and the
   * node's own handler runs when the reader delivers them.
   */
  private add(id: string, make: (node: Node) => Inbox): void {
    this.sim.addNode(id, (node) => {
      this.disks.set(id, node.storage);
      const handlers = make(node);
      this.handle.set(id, (from, body) => handlers.onMessage(from, body));
      return {
        onMessage: (from, body) => {
          const m: InFlight = { id: this.nextId++, from, to: id, body: body as PaxosMessage };
          this.tray.push(m);
          this.fresh.add(m.id);
        },
      };
    });
  }

  /** Sends through the simulation; a message to a node that is down is lost, and the diagram says so. */
  private post(node: Node, to: string, body: PaxosMessage): void {
    if (!this.sim.isUp(to)) this.note({ t: 'lost', message: { from: node.id, to, body }, reason: 'down' });
    node.send(to, body);
  }

  private fromDisk(id: string): AcceptorMemory {
    const disk = this.disks.get(id);
    return { promised: disk?.get<Ballot>('promised') ?? null, accepted: disk?.get<Accepted>('accepted') ?? null };
  }

  /** Records that `acceptor` accepted `ballot`, and notes the moment a majority has. */
  private recordAccept(acceptor: string, ballot: Ballot, value: string): void {
    const entry = this.everAccepted.get(key(ballot)) ?? { ballot, value, by: new Set<string>() };
    this.everAccepted.set(key(ballot), entry);
    if (entry.by.has(acceptor)) return;
    entry.by.add(acceptor);
    if (entry.by.size !== this.majority) return;
    const earlier = this.chosenValues();
    const chosen: Chosen = { ballot, value, by: [...entry.by].sort(), action: this.actions };
    this.chosenList.push(chosen);
    this.note({ t: 'chosen', chosen, earlier });
  }

  private acceptorNode(node: Node): Inbox {
    const id = node.id;
    const disk = node.storage;
    const mem: AcceptorMemory = this.persist ? this.fromDisk(id) : { promised: null, accepted: null };
    this.acceptorMemory.set(id, mem);
    // Written before the answer is sent: a promise forgotten in a crash is no promise.
    const keep = (): void => {
      if (!this.persist) return;
      disk.set('promised', mem.promised);
      disk.set('accepted', mem.accepted);
    };
    return {
      onMessage: (from, body) => {
        const m = body as PaxosMessage;
        if (m.type !== 'prepare' && m.type !== 'accept') return;
        if (mem.promised && above(mem.promised, m.ballot)) {
          this.note({ t: 'refuse', acceptor: id, kind: m.type, ballot: m.ballot, promised: mem.promised });
          return this.post(node, from, { type: 'nack', ballot: m.ballot, promised: mem.promised });
        }
        mem.promised = m.ballot;
        if (m.type === 'prepare') {
          keep();
          this.note({ t: 'promise', acceptor: id, ballot: m.ballot, accepted: mem.accepted, disk: this.persist });
          return this.post(node, from, { type: 'promise', ballot: m.ballot, accepted: mem.accepted });
        }
        mem.accepted = { ballot: m.ballot, value: m.value };
        keep();
        this.note({ t: 'accept', acceptor: id, ballot: m.ballot, value: m.value, disk: this.persist });
        this.recordAccept(id, m.ballot, m.value);
        const note: PaxosMessage = { type: 'accepted', ballot: m.ballot, value: m.value };
        this.post(node, from, note);
        if (from !== LEARNER) this.post(node, LEARNER, note);
      },
    };
  }

  private proposerNode(node: Node): Inbox {
    const id = node.id as ProposerId;
    const p: ProposerMemory = {
      phase: 'idle',
      ballot: null,
      value: null,
      promises: new Map(),
      accepts: new Set(),
      learned: null,
      duelling: false,
      highestSeen: 0,
    };
    this.proposerMemory.set(id, p);
    const count = tally(this.majority);

    /** A new round with a number never used by this proposer, even across restarts. */
    const begin = (after?: { by: string; ballot: Ballot; promised: Ballot }): void => {
      const round = Math.max(node.storage.get<number>('round') ?? 0, p.highestSeen) + 1;
      node.storage.set('round', round);
      const ballot: Ballot = { round, node: id };
      Object.assign(p, { phase: 'preparing', ballot, value: null, promises: new Map(), accepts: new Set() });
      this.note({ t: 'propose', proposer: id, ballot, duel: p.duelling, ...(after ? { after } : {}) });
      for (const a of this.acceptors) this.post(node, a, { type: 'prepare', ballot });
    };
    this.start.set(id, (duel) => {
      if (duel) {
        p.duelling = true;
        // A duelling proposer already in a round keeps it.
        if (p.phase === 'preparing' || p.phase === 'accepting') return;
      }
      begin();
    });

    return {
      onMessage: (from, body) => {
        const m = body as PaxosMessage;
        const ignore = (why: Extract<Note, { t: 'ignore' }>['why']) => this.note({ t: 'ignore', who: id, message: m, why });
        if (m.type === 'accepted') {
          // Any majority of acceptances of one ballot tells what was chosen, whichever round it was.
          const by = count(from, m.ballot);
          if (sameBallot(m.ballot, p.ballot)) p.accepts.add(from);
          if (p.phase === 'learned') return ignore('learned');
          if (!by) return;
          Object.assign(p, { phase: 'learned', learned: p.learned ?? m.value, duelling: false });
          return this.note({ t: 'learn', who: id, value: m.value, ballot: m.ballot, by });
        }
        if (m.type === 'nack') p.highestSeen = Math.max(p.highestSeen, m.promised.round);
        if (!sameBallot(m.ballot, p.ballot)) return ignore('old-round');
        if (p.phase === 'learned') return ignore('learned');
        if (m.type === 'nack') {
          if (p.phase === 'idle') return ignore('gave-up');
          if (p.duelling) return begin({ by: from, ballot: m.ballot, promised: m.promised });
          p.phase = 'idle';
          return this.note({ t: 'gave-up', proposer: id, ballot: m.ballot, promised: m.promised, by: from });
        }
        if (m.type !== 'promise') return;
        if (p.phase !== 'preparing') return ignore(p.phase === 'idle' ? 'gave-up' : 'has-majority');
        p.promises.set(from, m.accepted);
        if (p.promises.size < this.majority) return;
        // The value of the highest-numbered proposal any promise reported: it may already be
        // chosen. Only when none was reported may the proposer use its own.
        let adopted: { from: string; accepted: Accepted } | null = null;
        for (const [a, acc] of p.promises) if (acc && (!adopted || above(acc.ballot, adopted.accepted.ballot))) adopted = { from: a, accepted: acc };
        const value = adopted ? adopted.accepted.value : OWN_VALUE[id];
        Object.assign(p, { phase: 'accepting', value });
        this.note({ t: 'phase2', proposer: id, ballot: p.ballot!, value, promisers: [...p.promises.keys()].sort(), adopted });
        for (const a of this.acceptors) this.post(node, a, { type: 'accept', ballot: p.ballot!, value });
      },
    };
  }

  private menuBoard(): Inbox {
    const count = tally(this.majority);
    return {
      onMessage: (from, body) => {
        const m = body as PaxosMessage;
        if (m.type !== 'accepted') return;
        if (this.learner.learned !== null) return this.note({ t: 'ignore', who: LEARNER, message: m, why: 'learned' });
        const by = count(from, m.ballot);
        if (!by) return;
        this.learner = { learned: m.value, ballot: m.ballot, by };
        this.note({ t: 'learn', who: LEARNER, value: m.value, ballot: m.ballot, by });
      },
    };
  }
}

/**
 * The scripted run behind "Show me": P1 gets ‘latte’ accepted by a majority (A1…Am) and learns
 * it; the one acceptor that majority shares with the other half (Am) crashes and restarts; then
 * P2 prepares and proposes to Am…An only. With promises on disk Am reports ‘latte’ and P2 must
 * propose it again; kept only in memory, Am has forgotten, and P2 gets ‘mocha’ chosen as well.
 * Play it on a fresh model; returns every note, action by action.
 */
export function playRestartScenario(model: PaxosModel): Note[] {
  const all: Note[] = [];
  const ids = model.acceptors;
  const m = model.majority;
  const first = ids.slice(0, m);
  const pivot = ids[m - 1]!;
  const second = ids.slice(m - 1);
  const deliver = (type: PaxosMessage['type'], from: string, to: string): void => {
    const msg = model.inFlight.find((x) => x.body.type === type && x.from === from && x.to === to);
    if (!msg) throw new Error(`the scenario expected ${type} from ${from} to ${to} in flight`);
    all.push(...model.deliver(msg.id));
  };
  all.push(...model.propose('P1'));
  for (const a of first) deliver('prepare', 'P1', a);
  for (const a of first) deliver('promise', a, 'P1');
  for (const a of first) deliver('accept', 'P1', a);
  for (const a of first) deliver('accepted', a, 'P1');
  all.push(...model.crash(pivot));
  all.push(...model.restart(pivot));
  all.push(...model.propose('P2'));
  for (const a of second) deliver('prepare', 'P2', a);
  for (const a of second) deliver('promise', a, 'P2');
  for (const a of second) deliver('accept', 'P2', a);
  for (const a of second) deliver('accepted', a, 'P2');
  return all;
}
