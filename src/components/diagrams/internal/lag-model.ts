/**
 * Leader–follower replication in a `Simulation`: the head barista (barista-1) takes Ada's
 * writes and forwards each one to the followers as a real simulated message; a follower's lag
 * is how long that message takes. Reads go to whichever barista Ada asks, and a read is stale
 * when it returns less than her own latest completed write.
 *
 * Lag is the sim's own `slow` fault on the follower over a fixed 10 ms network, so a message
 * sent to a follower with lag L arrives exactly L ms later. Changing the lag affects messages
 * sent afterwards, as on a real network. Virtual time moves only when asked (`advanceTo`), so
 * a sequence of actions always gives the same picture.
 */
import type { Node, Handlers, Storage } from '@baristas/sim';
import { Simulation } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export const LEADER = 'barista-1';
export const FOLLOWERS = ['barista-2', 'barista-3'] as const;
export const BASE_DELAY_MS = 10;
export const LAG_MAX_MS = 1000;
const DRINKS = ['flat white', 'oat flat white', 'black coffee', 'cortado', 'chai latte', 'double espresso'];

export interface Write {
  n: number;
  drink: string;
}

export interface InFlight {
  write: Write;
  to: string;
  sentMs: number;
  arriveMs: number;
}

export interface ReadResult {
  from: string;
  atMs: number;
  /** What the barista's notepad held; null when it had never heard of Ada. */
  got: Write | null;
  /** Ada's latest completed write when she read. */
  latest: Write | null;
  stale: boolean;
  /** When the write the reader missed reaches it (if it is on its way). */
  arrivesMs?: number;
}

interface Request {
  op: 'write' | 'read';
  drink?: string;
}

export class LagModel {
  readonly sim: Simulation;
  private readonly lags = new Map<string, number>();
  private readonly stores = new Map<string, Storage>();
  private flying: InFlight[] = [];
  private lastWrite: Write | null = null;
  private writes = 0;

  constructor(seed = 1, lags: Readonly<Record<string, number>> = { 'barista-2': 40, 'barista-3': 400 }) {
    this.sim = new Simulation({ seed, delay: { kind: 'fixed', ms: BASE_DELAY_MS }, recordTrace: false });
    this.sim.addNode(LEADER, (node) => this.leader(node));
    for (const f of FOLLOWERS) {
      this.sim.addNode(f, (node) => this.follower(node));
      this.lags.set(f, BASE_DELAY_MS);
    }
    // The day starts with write #1 on every notepad; the chosen lags apply from then on.
    this.write();
    this.advanceTo(BASE_DELAY_MS);
    for (const f of FOLLOWERS) this.setLag(f, lags[f] ?? BASE_DELAY_MS);
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  lagOf(follower: string): number {
    return this.lags.get(follower)!;
  }

  /** Lag below the network's own 10 ms cannot be had; whole multiples keep times whole. */
  setLag(follower: string, lagMs: number): void {
    const lag = Math.min(LAG_MAX_MS, Math.max(BASE_DELAY_MS, Math.round(lagMs / BASE_DELAY_MS) * BASE_DELAY_MS));
    this.lags.set(follower, lag);
    this.sim.slow(follower, lag / BASE_DELAY_MS);
  }

  /** Ada tells the head barista her new usual order; it completes at once, at the leader. */
  write(): Write {
    const drink = DRINKS[this.writes++ % DRINKS.length]!;
    const write = this.call(LEADER, { op: 'write', drink })!;
    this.lastWrite = write;
    return write;
  }

  read(from: string): ReadResult {
    const got = this.call(from, { op: 'read' });
    const latest = this.lastWrite;
    const stale = latest !== null && (got === null || got.n < latest.n);
    const pending = this.flying.find((f) => f.to === from && latest && f.write.n === latest.n);
    return { from, atMs: this.nowMs, got, latest, stale, ...(stale && pending ? { arrivesMs: pending.arriveMs } : {}) };
  }

  /** Runs virtual time forward to `ms`, delivering whatever arrives on the way. */
  advanceTo(ms: number): void {
    if (ms > this.nowMs) runSim(this.sim, { untilMs: ms });
  }

  /** When the last message now on its way arrives; undefined when every follower is caught up. */
  catchUpMs(): number | undefined {
    return this.flying.length ? Math.max(...this.flying.map((f) => f.arriveMs)) : undefined;
  }

  inFlight(): readonly InFlight[] {
    return this.flying;
  }

  notepad(id: string): Write | null {
    return this.stores.get(id)?.get<Write>('order') ?? null;
  }

  /** One client call at the current virtual time; every barista answers at once. */
  private call(to: string, request: Request): Write | null {
    let output: unknown;
    this.sim.client('ada').invoke(to, request, (op) => (output = op.output));
    runSim(this.sim, { untilMs: this.nowMs });
    return (output as { write: Write | null }).write;
  }

  private leader(node: Node): Handlers {
    this.stores.set(node.id, node.storage);
    return {
      onRequest: (request, reply) => {
        const r = request as Request;
        if (r.op === 'read') return reply({ write: node.storage.get<Write>('order') ?? null });
        const write: Write = { n: (node.storage.get<number>('n') ?? 0) + 1, drink: r.drink! };
        node.storage.set('n', write.n);
        node.storage.set('order', write);
        for (const to of FOLLOWERS) {
          node.send(to, write);
          this.flying.push({ write, to, sentMs: node.now(), arriveMs: node.now() + this.lagOf(to) });
        }
        // Asynchronous replication: Ada hears "done" before any follower has the change.
        reply({ write });
      },
    };
  }

  private follower(node: Node): Handlers {
    this.stores.set(node.id, node.storage);
    return {
      onMessage: (_from, body) => {
        const write = body as Write;
        this.flying = this.flying.filter((f) => !(f.to === node.id && f.write.n === write.n));
        // A lag lowered mid-stream lets a later write overtake an earlier one: keep the newest.
        if (write.n > (node.storage.get<Write>('order')?.n ?? 0)) node.storage.set('order', write);
      },
      onRequest: (_request, reply) => reply({ write: node.storage.get<Write>('order') ?? null }),
    };
  }
}
