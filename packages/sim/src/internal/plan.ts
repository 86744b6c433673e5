/**
 * Fault plans: what goes wrong in one explored run, as data. A plan is drawn from a test's
 * fault space for each seed, applied to a simulation before it runs, shrunk when the run
 * fails, described in words for the learner, and encoded into the replay string.
 */
import type { Random } from './random.ts';
import type { Address } from './types.ts';
import type { Simulation } from './world.ts';

/** A crash of `node` at `atMs`; it restarts `downMs` later, or stays down when `downMs` is null. */
export interface PlannedCrash {
  /** The node that crashes. */
  node: Address;
  /** When, in virtual ms. */
  atMs: number;
  /** How long it stays down, in ms; null: for the rest of the run. */
  downMs: number | null;
}

/** A partition of `side` from every other node, from `atMs` for `durationMs`. */
export interface PlannedPartition {
  /** The nodes cut off together from all the others. */
  side: Address[];
  /** When it begins, in virtual ms. */
  atMs: number;
  /** How long it lasts, in ms. */
  durationMs: number;
}

/** Messages from `from` to `to` are lost from `atMs` for `durationMs` (one direction only). */
export interface PlannedCut {
  /** Sender whose messages are lost. */
  from: Address;
  /** Receiver that does not get them. */
  to: Address;
  /** When it begins, in virtual ms. */
  atMs: number;
  /** How long it lasts, in ms. */
  durationMs: number;
}

/** `node`'s messages and timers take `factor` times as long from `atMs` for `durationMs`. */
export interface PlannedSlow {
  /** The slow node. */
  node: Address;
  /** How many times as long its messages and timers take. */
  factor: number;
  /** When it begins, in virtual ms. */
  atMs: number;
  /** How long it lasts, in ms. */
  durationMs: number;
}

/** `node` stops running anything at `atMs` for `durationMs`, as in a long GC pause, then resumes. */
export interface PlannedPause {
  /** The paused node. */
  node: Address;
  /** When it stops, in virtual ms. */
  atMs: number;
  /** How long it stays paused, in ms. */
  durationMs: number;
}

/** `node`'s clock reads `offsetMs` off from the start and runs fast by `driftPpm` millionths. */
export interface PlannedClock {
  /** Whose clock. */
  node: Address;
  /** Its offset from virtual time at the start, in ms. */
  offsetMs: number;
  /** How fast it runs, in millionths: 100 gains 0.1 ms a second. */
  driftPpm: number;
}

/**
 * Everything that goes wrong in one run. Probabilities are in thousandths (whole numbers) so
 * that plans shrink, print and encode exactly.
 */
export interface FaultPlan {
  /** Probability of losing any message, in thousandths. */
  dropPermille: number;
  /** Probability of delivering any message twice, in thousandths. */
  duplicatePermille: number;
  /** Crashes, each with its restart. */
  crashes: PlannedCrash[];
  /** Partitions; when they overlap, the latest is in force. */
  partitions: PlannedPartition[];
  /** One-way cuts. */
  cuts: PlannedCut[];
  /** Slow-node episodes. */
  slow: PlannedSlow[];
  /** Clock skews and drifts, from the start. */
  clocks: PlannedClock[];
  /** Pauses: the node keeps its memory but runs nothing meanwhile. */
  pauses: PlannedPause[];
}

/**
 * The faults a simulation test allows. Every count defaults to 0 and every probability to 0,
 * so a space names exactly the faults the protocol is meant to survive.
 */
export interface FaultSpace {
  /** Nodes that faults may hit. */
  nodes: Address[];
  /** Faults begin within [0, `durationMs`) of virtual time. */
  durationMs: number;
  /** Highest probability of losing a message; each run draws one in [0, max]. */
  dropProbabilityMax?: number;
  /** Highest probability of duplicating a message; each run draws one in [0, max]. */
  duplicateProbabilityMax?: number;
  /** Most crashes in one run. */
  crashesMax?: number;
  /** Most nodes down at the same time (e.g. a minority, for liveness tests). Default: no limit. */
  crashedAtOnceMax?: number;
  /** Whether crashed nodes come back: always, never, or either. Default `always`. */
  restart?: 'always' | 'never' | 'sometimes';
  /** Shortest time a crashed node stays down, in ms. Default 1. */
  downMsMin?: number;
  /** Longest time a crashed node stays down, in ms. Default `durationMs / 2`. */
  downMsMax?: number;
  /** Most partitions in one run. */
  partitionsMax?: number;
  /** Longest partition, in ms. Default `durationMs / 2`. */
  partitionMsMax?: number;
  /** Most one-way cuts in one run. */
  cutsMax?: number;
  /** Most slow-node episodes in one run. */
  slowMax?: number;
  /** Largest slow-down factor. Default 10. */
  slowFactorMax?: number;
  /** Largest clock offset, either way, in ms. Default 0 (clocks exact). */
  clockSkewMsMax?: number;
  /** Largest clock drift, either way, in millionths (ppm). Default 0. */
  clockDriftPpmMax?: number;
  /** Most pauses in one run. */
  pausesMax?: number;
  /** Longest pause, in ms. Default `durationMs / 2`. */
  pauseMsMax?: number;
}

/** A plan with no faults at all. */
export const emptyPlan = (): FaultPlan => ({
  dropPermille: 0,
  duplicatePermille: 0,
  crashes: [],
  partitions: [],
  cuts: [],
  slow: [],
  clocks: [],
  pauses: [],
});

/** The limits of a space with its defaults filled in; shared by the generator and the shrinker. */
export function spaceLimits(space: FaultSpace) {
  const half = Math.max(1, Math.floor(space.durationMs / 2));
  const downMsMin = space.downMsMin ?? 1;
  return {
    nodes: space.nodes,
    durationMs: Math.max(1, Math.floor(space.durationMs)),
    dropPermilleMax: Math.round((space.dropProbabilityMax ?? 0) * 1000),
    duplicatePermilleMax: Math.round((space.duplicateProbabilityMax ?? 0) * 1000),
    crashesMax: space.nodes.length > 0 ? (space.crashesMax ?? 0) : 0,
    crashedAtOnceMax: space.crashedAtOnceMax ?? space.nodes.length,
    restart: space.restart ?? 'always',
    downMsMin,
    downMsMax: Math.max(downMsMin, space.downMsMax ?? half),
    partitionsMax: space.nodes.length > 1 ? (space.partitionsMax ?? 0) : 0,
    partitionMsMax: Math.max(1, space.partitionMsMax ?? half),
    cutsMax: space.nodes.length > 1 ? (space.cutsMax ?? 0) : 0,
    slowMax: space.nodes.length > 0 ? (space.slowMax ?? 0) : 0,
    slowFactorMax: Math.max(2, Math.floor(space.slowFactorMax ?? 10)),
    clockSkewMsMax: Math.floor(space.clockSkewMsMax ?? 0),
    clockDriftPpmMax: Math.floor(space.clockDriftPpmMax ?? 0),
    pausesMax: space.nodes.length > 0 ? (space.pausesMax ?? 0) : 0,
    pauseMsMax: Math.max(1, space.pauseMsMax ?? half),
  };
}

/** True when no more than `crashedAtOnceMax` nodes are down at any moment of the plan. */
export function respectsCrashLimit(plan: FaultPlan, crashedAtOnceMax: number): boolean {
  const changes: Array<[number, number]> = [];
  for (const c of plan.crashes) {
    changes.push([c.atMs, 1]);
    if (c.downMs !== null) changes.push([c.atMs + c.downMs, -1]);
  }
  // Crashes before restarts at the same ms: counting conservatively keeps the limit whatever
  // order the simulation gives events scheduled for the same instant.
  changes.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let down = 0;
  for (const [, delta] of changes) {
    down += delta;
    if (down > crashedAtOnceMax) return false;
  }
  // A node crashed twice while already down would be counted twice; the plan must not do it.
  const byNode = new Map<Address, PlannedCrash[]>();
  for (const c of plan.crashes) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c]);
  for (const list of byNode.values()) {
    list.sort((a, b) => a.atMs - b.atMs);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      if (prev.downMs === null || prev.atMs + prev.downMs >= list[i]!.atMs) return false;
    }
  }
  return true;
}

/** Draws a plan from `space`; the same stream gives the same plan. */
export function generatePlan(space: FaultSpace, random: Random): FaultPlan {
  const lim = spaceLimits(space);
  const pick = <T>(xs: readonly T[]): T => xs[random.int(0, xs.length - 1)]!;
  const plan = emptyPlan();
  plan.dropPermille = random.int(0, lim.dropPermilleMax);
  plan.duplicatePermille = random.int(0, lim.duplicatePermilleMax);
  const crashes = random.int(0, lim.crashesMax);
  for (let i = 0; i < crashes; i++) {
    // A few tries to fit the crash-limit; a crash that never fits is left out.
    for (let attempt = 0; attempt < 8; attempt++) {
      const restarts = lim.restart === 'always' || (lim.restart === 'sometimes' && random.next32() < 0.5);
      const crash: PlannedCrash = {
        node: pick(lim.nodes),
        atMs: random.int(0, lim.durationMs - 1),
        downMs: restarts ? random.int(lim.downMsMin, lim.downMsMax) : null,
      };
      const candidate = { ...plan, crashes: [...plan.crashes, crash] };
      if (respectsCrashLimit(candidate, lim.crashedAtOnceMax)) {
        plan.crashes.push(crash);
        break;
      }
    }
  }
  const partitions = random.int(0, lim.partitionsMax);
  for (let i = 0; i < partitions; i++) {
    const size = random.int(1, lim.nodes.length - 1);
    const shuffled = [...lim.nodes];
    for (let j = shuffled.length - 1; j > 0; j--) {
      const k = random.int(0, j);
      [shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!];
    }
    const side = shuffled.slice(0, size);
    plan.partitions.push({
      side: lim.nodes.filter((n) => side.includes(n)),
      atMs: random.int(0, lim.durationMs - 1),
      durationMs: random.int(1, lim.partitionMsMax),
    });
  }
  const cuts = random.int(0, lim.cutsMax);
  for (let i = 0; i < cuts; i++) {
    const from = pick(lim.nodes);
    const to = pick(lim.nodes.filter((n) => n !== from));
    plan.cuts.push({ from, to, atMs: random.int(0, lim.durationMs - 1), durationMs: random.int(1, lim.partitionMsMax) });
  }
  const slows = random.int(0, lim.slowMax);
  for (let i = 0; i < slows; i++) {
    plan.slow.push({
      node: pick(lim.nodes),
      factor: random.int(2, lim.slowFactorMax),
      atMs: random.int(0, lim.durationMs - 1),
      durationMs: random.int(1, lim.durationMs),
    });
  }
  if (lim.clockSkewMsMax > 0 || lim.clockDriftPpmMax > 0) {
    for (const node of lim.nodes) {
      plan.clocks.push({
        node,
        offsetMs: random.int(-lim.clockSkewMsMax, lim.clockSkewMsMax),
        driftPpm: random.int(-lim.clockDriftPpmMax, lim.clockDriftPpmMax),
      });
    }
  }
  // Drawn last, and only when allowed, so spaces without pauses draw the plans they always did.
  const pauses = lim.pausesMax > 0 ? random.int(0, lim.pausesMax) : 0;
  for (let i = 0; i < pauses; i++) {
    plan.pauses.push({ node: pick(lim.nodes), atMs: random.int(0, lim.durationMs - 1), durationMs: random.int(1, lim.pauseMsMax) });
  }
  return plan;
}

/**
 * Schedules a plan's faults on a simulation (call before `run`). When partitions overlap, the
 * one that began last is in force; cuts add up. Whenever one ends, the network heals and what
 * is still due is put back.
 */
export function applyPlan(sim: Simulation, plan: FaultPlan): void {
  sim.configureNetwork({ dropProbability: plan.dropPermille / 1000, duplicateProbability: plan.duplicatePermille / 1000 });
  for (const c of plan.clocks) sim.schedule(0, () => sim.setClock(c.node, { offsetMs: c.offsetMs, drift: c.driftPpm / 1e6 }));
  for (const c of plan.crashes) {
    sim.schedule(c.atMs, () => sim.crash(c.node));
    if (c.downMs !== null) sim.schedule(c.atMs + c.downMs, () => sim.restart(c.node));
  }
  const active = new Set<PlannedPartition | PlannedCut>();
  const reapply = (): void => {
    const partitions = [...active].filter((f): f is PlannedPartition => 'side' in f);
    const last = partitions.at(-1);
    if (last) sim.partition([last.side]);
    for (const f of active) if ('from' in f) sim.cut(f.from, f.to);
  };
  for (const f of [...plan.partitions, ...plan.cuts]) {
    sim.schedule(f.atMs, () => {
      active.add(f);
      reapply();
    });
    sim.schedule(f.atMs + f.durationMs, () => {
      active.delete(f);
      sim.heal();
      reapply();
    });
  }
  for (const s of plan.slow) {
    sim.schedule(s.atMs, () => sim.slow(s.node, s.factor));
    sim.schedule(s.atMs + s.durationMs, () => sim.slow(s.node, 1));
  }
  for (const p of plan.pauses) {
    sim.schedule(p.atMs, () => sim.pause(p.node));
    sim.schedule(p.atMs + p.durationMs, () => sim.resume(p.node));
  }
}

/** The plan in words, for a learner: "crash r2 at 310 ms, back 400 ms later; …". */
export function describePlan(plan: FaultPlan): string {
  const parts: string[] = [];
  if (plan.dropPermille > 0) parts.push(`${plan.dropPermille / 10}% of messages lost`);
  if (plan.duplicatePermille > 0) parts.push(`${plan.duplicatePermille / 10}% of messages delivered twice`);
  for (const c of plan.crashes) {
    parts.push(`${c.node} crashes at ${c.atMs} ms${c.downMs === null ? ' and stays down' : `, restarts ${c.downMs} ms later`}`);
  }
  for (const p of plan.partitions) {
    parts.push(`{${p.side.join(', ')}} cut off from the rest at ${p.atMs} ms for ${p.durationMs} ms`);
  }
  for (const c of plan.cuts) parts.push(`messages ${c.from} → ${c.to} lost from ${c.atMs} ms for ${c.durationMs} ms`);
  for (const s of plan.slow) parts.push(`${s.node} ${s.factor}× slower from ${s.atMs} ms for ${s.durationMs} ms`);
  for (const p of plan.pauses) parts.push(`${p.node} paused at ${p.atMs} ms for ${p.durationMs} ms`);
  for (const c of plan.clocks) {
    if (c.offsetMs !== 0 || c.driftPpm !== 0) parts.push(`${c.node}'s clock ${c.offsetMs >= 0 ? '+' : ''}${c.offsetMs} ms, drifting ${c.driftPpm} ppm`);
  }
  return parts.length === 0 ? 'no faults' : parts.join('; ');
}

// ---- Replay strings ---------------------------------------------------------------------

/** Names that can appear in replay strings (nodes, scenarios): the separators stay unambiguous. */
export const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `<scenario>/<seed>/<faults>`, e.g. `abd-reads/17/d50,c:r2@310+400,p:r1.r2@500+300`: short
 * enough to paste, readable enough to edit by hand. Node names in plans are restricted to
 * letters, digits, `_` and `-` so that the separators stay unambiguous.
 */
export function encodeReplay(scenario: string, seed: number, plan: FaultPlan): string {
  const items: string[] = [];
  if (plan.dropPermille) items.push(`d${plan.dropPermille}`);
  if (plan.duplicatePermille) items.push(`u${plan.duplicatePermille}`);
  for (const c of plan.crashes) items.push(`c:${c.node}@${c.atMs}${c.downMs === null ? '' : `+${c.downMs}`}`);
  for (const p of plan.partitions) items.push(`p:${p.side.join('.')}@${p.atMs}+${p.durationMs}`);
  for (const c of plan.cuts) items.push(`x:${c.from}>${c.to}@${c.atMs}+${c.durationMs}`);
  for (const s of plan.slow) items.push(`s:${s.node}*${s.factor}@${s.atMs}+${s.durationMs}`);
  for (const c of plan.clocks) items.push(`k:${c.node}:${c.offsetMs}:${c.driftPpm}`);
  for (const p of plan.pauses) items.push(`z:${p.node}@${p.atMs}+${p.durationMs}`);
  return `${scenario}/${seed}/${items.join(',') || '-'}`;
}

/** A replay string, parsed. */
export interface Replay {
  /** The scenario to run. */
  scenario: string;
  /** Its seed. */
  seed: number;
  /** Its fault plan. */
  plan: FaultPlan;
}

/** Parses a replay string; throws an Error that says what is wrong with it. */
export function decodeReplay(text: string): Replay {
  const bad = (why: string): never => {
    throw new Error(`"${text}" is not a replay string (${why}); copy it whole from the test result`);
  };
  const [scenario, seedText, items, ...rest] = text.trim().split('/');
  if (!scenario || seedText === undefined || items === undefined || rest.length > 0) bad('expected scenario/seed/faults');
  const seed = Number(seedText);
  if (!Number.isSafeInteger(seed)) bad(`seed "${seedText}" is not a whole number`);
  const plan = emptyPlan();
  const int = (s: string | undefined): number => {
    if (s === undefined || !/^-?\d+$/.test(s)) return bad(`"${s}" is not a whole number`);
    return Number(s);
  };
  const node = (s: string | undefined): string => (s !== undefined && NAME.test(s) ? s : bad(`"${s}" is not a node name`));
  for (const item of items === '-' ? [] : items!.split(',')) {
    let m: RegExpExecArray | null;
    if ((m = /^d(\d+)$/.exec(item))) plan.dropPermille = int(m[1]);
    else if ((m = /^u(\d+)$/.exec(item))) plan.duplicatePermille = int(m[1]);
    else if ((m = /^c:([^@]+)@(\d+)(?:\+(\d+))?$/.exec(item))) {
      plan.crashes.push({ node: node(m[1]), atMs: int(m[2]), downMs: m[3] === undefined ? null : int(m[3]) });
    } else if ((m = /^p:([^@]+)@(\d+)\+(\d+)$/.exec(item))) {
      plan.partitions.push({ side: m[1]!.split('.').map(node), atMs: int(m[2]), durationMs: int(m[3]) });
    } else if ((m = /^x:([^>]+)>([^@]+)@(\d+)\+(\d+)$/.exec(item))) {
      plan.cuts.push({ from: node(m[1]), to: node(m[2]), atMs: int(m[3]), durationMs: int(m[4]) });
    } else if ((m = /^s:([^*]+)\*(\d+)@(\d+)\+(\d+)$/.exec(item))) {
      plan.slow.push({ node: node(m[1]), factor: int(m[2]), atMs: int(m[3]), durationMs: int(m[4]) });
    } else if ((m = /^k:([^:]+):(-?\d+):(-?\d+)$/.exec(item))) {
      plan.clocks.push({ node: node(m[1]), offsetMs: int(m[2]), driftPpm: int(m[3]) });
    } else if ((m = /^z:([^@]+)@(\d+)\+(\d+)$/.exec(item))) {
      plan.pauses.push({ node: node(m[1]), atMs: int(m[2]), durationMs: int(m[3]) });
    } else bad(`unknown fault "${item}"`);
  }
  if (plan.dropPermille > 1000 || plan.duplicatePermille > 1000) bad('a probability above 1000‰');
  return { scenario: scenario!, seed, plan };
}

/** Throws unless every node a plan names is a valid replay-string name. */
export function checkPlanNames(space: FaultSpace): void {
  for (const n of space.nodes) {
    if (!NAME.test(n)) throw new Error(`node "${n}" cannot be in a fault space: use letters, digits, _ and - only`);
  }
}
