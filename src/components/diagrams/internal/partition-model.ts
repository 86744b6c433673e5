/**
 * Two branches of the shop, three baristas, one register (the family's usual order), in a
 * `Simulation`. The original branch has barista-1 and barista-2, the station branch barista-3,
 * so a cut line splits them 2 | 1.
 *
 * - CP: a barista serves a read or a write only once a majority (2 of 3) has answered; cut
 *   off from it, the barista refuses ("unavailable") when its wait runs out.
 * - AP: a barista answers from its own notepad at once and passes writes on when it can.
 *
 * Each value carries its version (virtual time of the write, then the barista's id), and every
 * barista pushes its notepad to the others every `SYNC_MS`, keeping the newer version: after a
 * heal the notepads converge, last writer wins. Every action runs the network for `STEP_MS`
 * of virtual time, so a sequence of actions always gives the same picture.
 */
import type { Handlers, Node, Storage } from '@baristas/sim';
import { Simulation } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export const SIDES = { original: ['barista-1', 'barista-2'], station: ['barista-3'] } as const;
export type Side = keyof typeof SIDES;
export type Mode = 'CP' | 'AP';
export const BARISTAS = [...SIDES.original, ...SIDES.station];
export const CLIENTS: Record<Side, { name: string; node: string }> = {
  original: { name: 'Ada', node: 'barista-1' },
  station: { name: 'Ben', node: 'barista-3' },
};
export const MAJORITY = 2;
export const WAIT_MS = 60;
export const SYNC_MS = 40;
export const STEP_MS = 100;
const DRINKS: Record<Side, string[]> = {
  original: ['oat flat white', 'cortado', 'mocha', 'flat white'],
  station: ['black coffee', 'chai latte', 'macchiato', 'americano'],
};

export interface Value {
  drink: string;
  /** Virtual ms of the write, then the writer: what last-writer-wins compares. */
  at: number;
  by: string;
}

export const newer = (a: Value | null, b: Value | null): boolean =>
  !!a && (!b || a.at > b.at || (a.at === b.at && a.by > b.by));

export interface HealReport {
  /** The distinct versions on the notepads just before the heal (more than one: they diverged). */
  before: Value[];
  after: Value | null;
  converged: boolean;
  /**
   * Versions written while the line was cut and now gone from every notepad: written without
   * knowing of the winner, so last-writer-wins dropped them rather than superseded them.
   */
  overwritten: Value[];
}

const same = (a: Value | null, b: Value | null): boolean => a?.at === b?.at && a?.by === b?.by;
function distinct(values: (Value | null)[]): Value[] {
  const out: Value[] = [];
  for (const v of values) if (v && !out.some((o) => same(o, v))) out.push(v);
  return out;
}

export interface Outcome {
  side: Side;
  kind: 'read' | 'write';
  mode: Mode;
  atMs: number;
  ok: boolean;
  value: Value | null;
  /** When refused: how many baristas (itself included) it heard from. */
  heard?: number;
}

interface Request {
  kind: 'read' | 'write';
  mode: Mode;
  drink?: string;
}
type Msg =
  | { t: 'sync'; value: Value | null }
  | { t: 'store'; op: number; value: Value }
  | { t: 'get'; op: number }
  | { t: 'stored'; op: number }
  | { t: 'got'; op: number; value: Value | null };

export class PartitionModel {
  mode: Mode = 'CP';
  private readonly sim: Simulation;
  private readonly stores = new Map<string, Storage>();
  private cut = false;
  private cutAtMs = 0;
  private readonly writes: Record<Side, number> = { original: 0, station: 0 };

  constructor(seed = 3) {
    this.sim = new Simulation({ seed, recordTrace: false });
    for (const id of BARISTAS) this.sim.addNode(id, (node) => this.barista(node));
    runSim(this.sim, { untilMs: 0 });
    // The day starts with one order every barista knows.
    for (const store of this.stores.values()) store.set('order', { drink: 'flat white', at: 0, by: 'barista-1' } satisfies Value);
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  get partitioned(): boolean {
    return this.cut;
  }

  valueOf(id: string): Value | null {
    return this.stores.get(id)?.get<Value>('order') ?? null;
  }

  /** True when every barista holds the same version. */
  converged(): boolean {
    const [first, ...rest] = BARISTAS.map((id) => this.valueOf(id));
    return rest.every((v) => same(v, first!));
  }

  /**
   * Cuts or heals the line and runs the network on. A heal reports what the notepads held just
   * before it (distinct versions) and the one every barista holds after.
   */
  setPartitioned(cut: boolean): HealReport | undefined {
    if (cut === this.cut) return undefined;
    this.cut = cut;
    if (cut) this.cutAtMs = this.nowMs;
    const before = distinct(BARISTAS.map((id) => this.valueOf(id)));
    if (cut) this.sim.partition([[...SIDES.original], [...SIDES.station]]);
    else this.sim.heal();
    this.step();
    if (cut) return undefined;
    const after = this.valueOf(BARISTAS[0]!);
    return { before, after, converged: this.converged(), overwritten: before.filter((v) => !same(v, after) && v.at > this.cutAtMs) };
  }

  /** A refused order is asked for again next time, so only a write that happened moves on. */
  write(side: Side): Outcome {
    const drinks = DRINKS[side];
    const outcome = this.request(side, { kind: 'write', mode: this.mode, drink: drinks[this.writes[side] % drinks.length] });
    if (outcome.ok) this.writes[side]++;
    return outcome;
  }

  read(side: Side): Outcome {
    return this.request(side, { kind: 'read', mode: this.mode });
  }

  private request(side: Side, request: Request): Outcome {
    const atMs = this.nowMs;
    let output: { ok: boolean; value: Value | null; heard?: number } | undefined;
    this.sim.client(CLIENTS[side].name).invoke(CLIENTS[side].node, request, (op) => (output = op.output as typeof output));
    this.step();
    return { side, kind: request.kind, mode: request.mode, atMs, ...output! };
  }

  private step(): void {
    runSim(this.sim, { untilMs: this.nowMs + STEP_MS });
  }

  private barista(node: Node): Handlers {
    this.stores.set(node.id, node.storage);
    const mine = (): Value | null => node.storage.get<Value>('order') ?? null;
    const merge = (value: Value | null): void => {
      if (newer(value, mine())) node.storage.set('order', value);
    };
    let ops = 0;
    const pending = new Map<number, { heard: number; best: Value | null; finish: (ok: boolean) => void }>();
    const sync = (): void => {
      for (const peer of node.peers) node.send(peer, { t: 'sync', value: mine() } satisfies Msg);
      node.setTimer(SYNC_MS, sync);
    };
    return {
      onStart: () => void node.setTimer(SYNC_MS, sync),
      onRequest: (request, reply) => {
        const { kind, mode, drink } = request as Request;
        const written: Value | null = kind === 'write' ? { drink: drink!, at: node.now(), by: node.id } : null;
        if (mode === 'AP') {
          if (written) {
            merge(written);
            for (const peer of node.peers) node.send(peer, { t: 'sync', value: written } satisfies Msg);
          }
          return reply({ ok: true, value: mine() });
        }
        // CP: ask the others and answer only with a majority (this barista counts as one).
        const op = ++ops;
        const state = {
          heard: 1,
          best: written ?? mine(),
          finish: (ok: boolean) => {
            pending.delete(op);
            node.clearTimer(timer);
            if (ok && written) merge(written);
            reply(ok ? { ok, value: written ?? state.best } : { ok, value: null, heard: state.heard });
          },
        };
        pending.set(op, state);
        const timer = node.setTimer(WAIT_MS, () => state.finish(false));
        for (const peer of node.peers) node.send(peer, (written ? { t: 'store', op, value: written } : { t: 'get', op }) satisfies Msg);
      },
      onMessage: (from, body) => {
        const m = body as Msg;
        if (m.t === 'sync') merge(m.value);
        else if (m.t === 'store') {
          merge(m.value);
          node.send(from, { t: 'stored', op: m.op } satisfies Msg);
        } else if (m.t === 'get') node.send(from, { t: 'got', op: m.op, value: mine() } satisfies Msg);
        else {
          const state = pending.get(m.op);
          if (!state) return;
          state.heard++;
          if (m.t === 'got' && newer(m.value, state.best)) state.best = m.value;
          if (state.heard >= MAJORITY) state.finish(true);
        }
      },
    };
  }
}
