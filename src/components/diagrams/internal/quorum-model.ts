/**
 * The quorum playground's store, in a `Simulation`: N baristas hold versioned copies of Ada's
 * usual order, and the till coordinates. The till sends each request to all N baristas and
 * completes a write after W acknowledgements, a read after R answers (keeping the newest
 * version it heard); if it cannot gather them within `QUORUM_TIMEOUT_MS` it fails the request
 * rather than wait forever. Baristas can be crashed (their notepads survive, as on disk) or cut
 * off from the till by a partition. There is no read repair or anti-entropy, so a barista that
 * missed a write stays behind until a later write reaches it.
 *
 * Changing N, R or W starts a fresh store: the overlap argument is about writes and reads made
 * with the same settings.
 */
import type { Handlers, Node, Storage } from '@baristas/sim';
import { Simulation } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export const N_MAX = 5;
export const TILL = 'till';
export const QUORUM_TIMEOUT_MS = 50;
const DRINKS = ['flat white', 'oat flat white', 'black coffee', 'cortado', 'chai latte', 'double espresso', 'mocha'];

export interface Settings {
  n: number;
  r: number;
  w: number;
}

export interface Version {
  v: number;
  drink: string;
}

export type Fault = 'crashed' | 'cut';

export interface OpReport {
  kind: 'read' | 'write';
  ok: boolean;
  atMs: number;
  needed: number;
  /** Replicas whose answer counted, in the order the till heard them. */
  quorum: string[];
  /** For a read: the version each replica in the quorum answered with (0: it had none). */
  heard: Record<string, number>;
  /** Replicas that answered after the till had finished (or given up). */
  late: string[];
  /** Replicas that never answered. */
  silent: string[];
  /** The version written, or the newest version the read heard (null: nobody had one). */
  value: Version | null;
  /** For a stale read: the latest completed write it missed, and who acknowledged that write. */
  missed?: { value: Version; ackedBy: string[] };
}

interface Request {
  kind: 'read' | 'write';
  drink?: string;
}
interface TillReply {
  ok: boolean;
  op: number;
  quorum: string[];
  heard: Record<string, number>;
  value: Version | null;
}
type Msg = { t: 'write'; op: number; value: Version } | { t: 'read'; op: number } | { t: 'ack'; op: number } | { t: 'value'; op: number; value: Version | null };

export const replicaIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `barista-${i + 1}`);

export class QuorumModel {
  readonly settings: Settings;
  readonly replicas: readonly string[];
  private readonly sim: Simulation;
  private readonly faults = new Map<string, Fault>();
  private readonly stores = new Map<string, Storage>();
  /** Per till operation: who answered, in order, and whether the till had finished by then. */
  private readonly answers = new Map<number, { id: string; late: boolean }[]>();
  private latest: { value: Version; ackedBy: string[] } | null = null;
  private writes = 0;

  constructor(settings: Settings, seed = 7) {
    const n = clamp(settings.n, 1, N_MAX);
    this.settings = { n, r: clamp(settings.r, 1, n), w: clamp(settings.w, 1, n) };
    this.replicas = replicaIds(n);
    this.sim = new Simulation({ seed, recordTrace: false });
    this.sim.addNode(TILL, (node) => this.till(node));
    for (const id of this.replicas) this.sim.addNode(id, (node) => this.replica(node));
    // Every barista starts with Ada's first order: a write made while all of them were up.
    this.write();
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  faultOf(id: string): Fault | undefined {
    return this.faults.get(id);
  }

  versionOf(id: string): Version | null {
    return this.stores.get(id)?.get<Version>('order') ?? null;
  }

  /** The latest completed write and the replicas that acknowledged it. */
  latestWrite(): { value: Version; ackedBy: string[] } | null {
    return this.latest;
  }

  /** Sets or clears a barista's fault: crashed and cut off are exclusive. */
  setFault(id: string, fault: Fault | undefined): void {
    if (!this.replicas.includes(id)) throw new Error(`no barista ${id} with N = ${this.settings.n}`);
    const was = this.faults.get(id);
    if (was === fault) return;
    if (was === 'crashed') this.sim.restart(id);
    if (fault) this.faults.set(id, fault);
    else this.faults.delete(id);
    if (fault === 'crashed') this.sim.crash(id);
    const cut = this.replicas.filter((r) => this.faults.get(r) === 'cut');
    if (cut.length) this.sim.partition([cut]);
    else this.sim.heal();
  }

  write(): OpReport {
    return this.op({ kind: 'write', drink: DRINKS[this.writes++ % DRINKS.length] });
  }

  read(): OpReport {
    return this.op({ kind: 'read' });
  }

  /** Runs one request to the end: the till answers (success or failure) and the late replies land. */
  private op(request: Request): OpReport {
    const atMs = this.nowMs;
    const latest = this.latest;
    let reply: TillReply | undefined;
    this.sim.client('ada', { timeoutMs: 10 * QUORUM_TIMEOUT_MS }).invoke(TILL, request, (op) => (reply = op.output as TillReply));
    // Long enough for the till's answer and every late reply (delays are at most 10 ms); not
    // "until quiet", which would also wait out the client's own unused timeout.
    runSim(this.sim, { untilMs: atMs + 2 * QUORUM_TIMEOUT_MS });
    const { ok, op, quorum, heard, value } = reply!;
    const answered = this.answers.get(op) ?? [];
    this.answers.delete(op);
    const late = answered.filter((a) => a.late && !quorum.includes(a.id)).map((a) => a.id);
    const report: OpReport = {
      kind: request.kind,
      ok,
      atMs,
      needed: request.kind === 'read' ? this.settings.r : this.settings.w,
      quorum,
      heard,
      late,
      silent: this.replicas.filter((id) => !quorum.includes(id) && !late.includes(id)),
      value,
    };
    if (request.kind === 'write' && ok) this.latest = { value: value!, ackedBy: quorum };
    if (request.kind === 'read' && ok && latest && (value?.v ?? 0) < latest.value.v) report.missed = latest;
    return report;
  }

  private till(node: Node): Handlers {
    let ops = 0;
    const pending = new Map<number, { quorum: string[]; heard: Record<string, number>; best: Version | null; done: (ok: boolean) => void }>();
    return {
      onRequest: (request, reply) => {
        const { kind, drink } = request as Request;
        const op = ++ops;
        // The till is the only writer, so its counter gives every write a fresh, higher version.
        const written: Version | null = kind === 'write' ? { v: (node.storage.get<number>('v') ?? 0) + 1, drink: drink! } : null;
        if (written) node.storage.set('v', written.v);
        const state = {
          quorum: [] as string[],
          heard: {} as Record<string, number>,
          best: written,
          done: (ok: boolean) => {
            pending.delete(op);
            node.clearTimer(timer);
            reply({ ok, op, quorum: state.quorum, heard: state.heard, value: state.best } satisfies TillReply);
          },
        };
        pending.set(op, state);
        this.answers.set(op, []);
        const timer = node.setTimer(QUORUM_TIMEOUT_MS, () => state.done(false));
        for (const id of this.replicas) node.send(id, written ? { t: 'write', op, value: written } : { t: 'read', op });
      },
      onMessage: (from, body) => {
        const m = body as Msg;
        if (m.t !== 'ack' && m.t !== 'value') return;
        const state = pending.get(m.op);
        this.answers.get(m.op)?.push({ id: from, late: !state });
        if (!state) return;
        state.quorum.push(from);
        if (m.t === 'value') {
          state.heard[from] = m.value?.v ?? 0;
          if (m.value && (!state.best || m.value.v > state.best.v)) state.best = m.value;
        }
        const needed = m.t === 'value' ? this.settings.r : this.settings.w;
        if (state.quorum.length >= needed) state.done(true);
      },
    };
  }

  private replica(node: Node): Handlers {
    this.stores.set(node.id, node.storage);
    return {
      onMessage: (from, body) => {
        const m = body as Msg;
        const mine = node.storage.get<Version>('order') ?? null;
        if (m.t === 'write') {
          // Versions only go up on a notepad: an older write arriving late changes nothing.
          if (!mine || m.value.v > mine.v) node.storage.set('order', m.value);
          node.send(from, { t: 'ack', op: m.op });
        } else if (m.t === 'read') node.send(from, { t: 'value', op: m.op, value: mine });
      },
    };
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(x)));

/** Whether every read quorum must overlap every write quorum. */
export const overlaps = (s: Settings): boolean => s.r + s.w > s.n;
