/**
 * Four branches contend for the rare-bean bag through ZooKeeper's lock recipe, in a
 * `Simulation`: the course's coordination service (`zooKeeperServer`) at `zk`, one node per
 * branch with its own session (`connectZooKeeper`), and the roaster, a node that takes orders.
 *
 * - The recipe is the one of chapter 6 (and of the zk-lock exercise): an ephemeral sequential
 *   znode `<guid>-lock-<seq>` under `/locks/beans`, the lowest holds, every other waiter watches
 *   only the znode just before its own (`exists` with a watch). With `herd` on, a waiter watches
 *   the lock node's children instead (`getChildren` with a watch), so every change wakes every
 *   waiter. A waiter picks the variant each time it looks at the queue.
 * - Each change to the lock node's children (a release, an expiry, a branch joining or giving
 *   up) starts a count of the watch events the branches in the queue then heard and of the
 *   branches that listed the children again because of them.
 * - A branch orders the bag by sending the roaster its fencing token (its znode's sequence
 *   number). With `fencing` on, the roaster refuses a token lower than one it has accepted.
 * - Crashing the holder stops its heartbeats, so the service expires its session after the
 *   session timeout; pausing it past the timeout does the same, except that the holder then
 *   resumes still believing it holds the lock.
 *
 * The network delivers every message in exactly `DELAY_MS`. Virtual time moves in whole
 * milliseconds, only inside an action: each one runs until the recipe has settled, and the Wait
 * actions move it on explicitly. So a sequence of actions always gives the same picture.
 */
import { connectZooKeeper, type EventType, type Handlers, type Node, type SessionState, type ZkErrorCode, type ZooKeeper } from '@baristas/sim';
import { Simulation, zooKeeperServer, type ZooKeeperServer } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export const BRANCHES = ['riverside', 'southside', 'northside', 'eastside'] as const;
export type BranchId = (typeof BRANCHES)[number];
export const BRANCH_NAME: Record<BranchId, string> = { riverside: 'Riverside', southside: 'Southside', northside: 'Northside', eastside: 'Eastside' };
export const LOCK_PATH = '/locks/beans';
export const SERVICE = 'zk';
export const ROASTER = 'roaster';
/** The session timeout every branch asks for (and the service grants). */
export const SESSION_MS = 500;
/** Every message takes exactly this long. */
export const DELAY_MS = 5;
/** The short wait. */
export const WAIT_MS = 100;
/** How long "wait until something happens" looks ahead before it gives up. */
export const LOOK_AHEAD_MS = 2 * SESSION_MS;
/** The recipe has settled once nothing happened for this long and no call is unanswered. */
const QUIET_MS = 2 * DELAY_MS + 1;
/** A bound on settling, in case something never goes quiet. */
const SETTLE_MAX_MS = 400;

export type Phase = 'idle' | 'waiting' | 'holding' | 'lost';
export type Process = 'up' | 'crashed' | 'paused';
/** What a waiting branch's watch is on: the znode just before its own, or every child of the lock node. */
export type Watching = { kind: 'predecessor'; name: string } | { kind: 'children' };

/** The 10 digits the service appends to a sequential znode's name. */
export const sequenceOf = (name: string): number => Number(name.slice(-10));

export interface BranchView {
  id: BranchId;
  name: string;
  process: Process;
  /** What the branch believes (a crashed branch believes nothing: `idle`). */
  phase: Phase;
  /** Its current session, as its client sees it. */
  session: SessionState;
  sessionId: number;
  /** Its znode for the current acquisition, once created. */
  znode?: string;
  /** Its fencing token while it believes it holds the lock. */
  token?: number;
  watching?: Watching;
  /** When it crashed or paused. */
  sinceMs?: number;
  /** Crashed or paused: when the service will expire its (last) session if it stays silent. */
  expiresAtMs?: number;
  /** Crashed or paused: when the service did expire that session. */
  expiredAtMs?: number;
}

export interface ZnodeView {
  name: string;
  seq: number;
  owner: BranchId;
  session: number;
  /** False when the session is not its owner's current one (a crashed process's, say). */
  current: boolean;
  /** Lowest sequence number: the service's holder of the lock. */
  lowest: boolean;
  /** Branches whose watch is on this znode. */
  watchedBy: BranchId[];
  /** When its session expires, if its owner's process is silent (crashed, paused or replaced). */
  expiresAtMs?: number;
}

export interface Order {
  branch: BranchId;
  token: number;
  atMs: number;
  accepted: boolean;
  /** Whether the roaster checked tokens when it arrived. */
  fencing: boolean;
  /** The highest token the roaster had accepted before it, if any. */
  highestBefore?: number;
  /** The service's holder when it arrived (owner of the lowest znode), if any. */
  holder?: { branch: BranchId; token: number };
  /** The sender did not hold the lock by then (its znode was not the lowest). */
  stale: boolean;
}

export type Cause = 'released' | 'left' | 'expired' | 'joined';

/** A change to the lock node's children and what it set off. */
export interface Wake {
  cause: Cause;
  branch: BranchId;
  name: string;
  atMs: number;
  /** Watch events heard by branches in the queue since. */
  events: number;
  /** Who heard them, one entry per event. */
  woken: BranchId[];
  /** Branches that listed the children again because of a change (each once). */
  relisted: BranchId[];
  /** Who got the lock after it, if anyone did. */
  granted?: { branch: BranchId; token: number };
}

export type Happening =
  | { t: 'joined'; branch: BranchId; name: string; atMs: number }
  | { t: 'granted'; branch: BranchId; token: number; atMs: number }
  | { t: 'watching'; branch: BranchId; watching: Watching; atMs: number }
  | { t: 'woken'; branch: BranchId; event: EventType; path: string; atMs: number }
  | { t: 'relisted'; branch: BranchId; atMs: number }
  | { t: 'removed'; branch: BranchId; name: string; cause: Exclude<Cause, 'joined'>; atMs: number }
  | { t: 'expired'; branch: BranchId; session: number; atMs: number }
  | { t: 'lost'; branch: BranchId; atMs: number }
  | { t: 'connected'; branch: BranchId; session: number; atMs: number }
  | { t: 'sent'; branch: BranchId; token: number; atMs: number }
  | { t: 'order'; order: Order; atMs: number }
  | { t: 'crashed'; branch: BranchId; atMs: number }
  | { t: 'paused'; branch: BranchId; atMs: number }
  | { t: 'resumed'; branch: BranchId; atMs: number }
  | { t: 'restarted'; branch: BranchId; atMs: number };

export interface Report {
  fromMs: number;
  toMs: number;
  happened: Happening[];
  /** Set when the action did not apply, saying why; nothing happened then. */
  refused?: string;
}

type Request = { op: 'ask' } | { op: 'release' } | { op: 'order' };
type OrderMessage = { t: 'order'; token: number };

/** One incarnation of a branch's process: its session, its lock and its unanswered calls. */
interface Runtime {
  zk: ZooKeeper;
  lock: Recipe;
  pending: number;
}

interface Recipe {
  readonly phase: Phase;
  readonly mine: string | undefined;
  readonly token: number | undefined;
  readonly watching: Watching | undefined;
  acquire(): void;
  release(): void;
}

interface RecipeHooks {
  herd(): boolean;
  happen(h: Happening): void;
  pending(delta: number): void;
}

/**
 * The lock recipe (after sandboxes/zk-lock/solution.ts), reporting what it does. `herd()` picks,
 * at each look at the queue, between watching the predecessor and watching all children.
 */
function recipe(node: Node, zk: ZooKeeper, branch: BranchId, hooks: RecipeHooks): Recipe {
  const path = LOCK_PATH;
  const at = () => node.now();
  let attempt = 0;
  let phase: Phase = 'idle';
  let guid = '';
  let mine: string | undefined;
  let token: number | undefined;
  let watching: Watching | undefined;

  /** Counts a call as unanswered until its callback runs. */
  const tracked = <A extends unknown[]>(callback: (...args: A) => void) => {
    hooks.pending(1);
    return (...args: A): void => {
      hooks.pending(-1);
      callback(...args);
    };
  };

  const lose = (): void => {
    if (phase !== 'waiting' && phase !== 'holding') return;
    phase = 'lost';
    attempt++;
    token = undefined;
    watching = undefined;
    hooks.happen({ t: 'lost', branch, atMs: at() });
  };
  zk.onStateChange((state) => {
    if (state === 'expired') lose();
  });
  const fail = (error: ZkErrorCode): void => {
    if (error !== 'SESSIONEXPIRED') throw new Error(`lock ${path}: unexpected ${error}`);
    lose();
  };
  const ownIn = (children: string[], id: string): string | undefined => children.find((c) => c.startsWith(`${id}-lock-`));

  function create(a: number): void {
    const id = guid;
    zk.create(
      `${path}/${id}-lock-`,
      '',
      'ephemeral-sequential',
      tracked((error, created) => {
        if (a !== attempt) {
          if (error === null) remove(created.slice(path.length + 1));
          else if (error === 'CONNECTIONLOSS') removeById(id);
          return;
        }
        if (error === 'CONNECTIONLOSS') return find(a);
        if (error) return fail(error);
        mine = created.slice(path.length + 1);
        check(a, false);
      }),
    );
  }

  function find(a: number): void {
    const id = guid;
    zk.getChildren(
      path,
      null,
      tracked((error, children) => {
        if (a !== attempt) {
          if (error === null || error === 'CONNECTIONLOSS') removeById(id);
          return;
        }
        if (error === 'CONNECTIONLOSS') return find(a);
        if (error) return fail(error);
        const own = ownIn(children, id);
        if (own === undefined) return create(a);
        mine = own;
        check(a, false);
      }),
    );
  }

  /** A watch of this acquisition fired: count it, and look at the queue again if still waiting. */
  function woke(a: number, type: EventType, at_: string): void {
    if (a !== attempt || (phase !== 'waiting' && phase !== 'holding')) return;
    watching = undefined;
    hooks.happen({ t: 'woken', branch, event: type, path: at_, atMs: at() });
    if (phase === 'waiting') check(a, true);
  }

  /** Steps 2 to 5 of the recipe; `again` when a change sent us here (a re-listing). */
  function check(a: number, again: boolean): void {
    if (again) hooks.happen({ t: 'relisted', branch, atMs: at() });
    const herd = hooks.herd();
    zk.getChildren(
      path,
      herd ? (e) => woke(a, e.type, e.path) : null,
      tracked((error, children) => {
        if (a !== attempt || phase !== 'waiting') return;
        if (error === 'CONNECTIONLOSS') return check(a, false);
        if (error) return fail(error);
        const sorted = [...children].sort((x, y) => sequenceOf(x) - sequenceOf(y));
        const i = sorted.indexOf(mine!);
        if (i < 0) return;
        // In the herd variant this listing left a watch on the children, whatever it found.
        watching = herd ? { kind: 'children' } : undefined;
        if (i === 0) {
          phase = 'holding';
          token = sequenceOf(mine!);
          hooks.happen({ t: 'granted', branch, token, atMs: at() });
          return;
        }
        if (herd) return hooks.happen({ t: 'watching', branch, watching: watching!, atMs: at() });
        const before = sorted[i - 1]!;
        zk.exists(
          `${path}/${before}`,
          (e) => woke(a, e.type, e.path),
          tracked((error2, stat) => {
            if (a !== attempt || phase !== 'waiting') return;
            if (error2 === 'CONNECTIONLOSS') return check(a, false);
            if (error2) return fail(error2);
            // Gone between the listing and the watch: the watch would never fire. List again.
            if (stat === null) return check(a, true);
            watching = { kind: 'predecessor', name: before };
            hooks.happen({ t: 'watching', branch, watching, atMs: at() });
          }),
        );
      }),
    );
  }

  function remove(name: string): void {
    zk.delete(
      `${path}/${name}`,
      -1,
      tracked((error) => {
        if (error === 'CONNECTIONLOSS') remove(name);
      }),
    );
  }

  function removeById(id: string): void {
    zk.getChildren(
      path,
      null,
      tracked((error, children) => {
        if (error === 'CONNECTIONLOSS') return removeById(id);
        if (error) return;
        const own = ownIn(children, id);
        if (own !== undefined) remove(own);
      }),
    );
  }

  return {
    get phase() {
      return phase;
    },
    get mine() {
      return mine;
    },
    get token() {
      return token;
    },
    get watching() {
      return watching;
    },
    acquire() {
      if (phase !== 'idle') return;
      attempt++;
      phase = 'waiting';
      mine = undefined;
      watching = undefined;
      // Short, as in the chapter's picture (9c1e-lock-…); fresh per acquisition.
      guid = Math.floor(node.random() * 0x10000)
        .toString(16)
        .padStart(4, '0');
      create(attempt);
    },
    release() {
      if (phase !== 'waiting' && phase !== 'holding') return;
      attempt++;
      phase = 'idle';
      token = undefined;
      watching = undefined;
      if (mine !== undefined) remove(mine);
      mine = undefined;
    },
  };
}

export class ZkLockModel {
  /** Waiters watch the lock node's children (the herd variant) from their next look at the queue. */
  herd = false;
  /** The roaster refuses a token lower than the highest it has accepted. */
  fencing = false;
  readonly server: ZooKeeperServer;
  private readonly sim: Simulation;
  private readonly runtimes = new Map<BranchId, Runtime>();
  private readonly process = new Map<BranchId, { state: Process; sinceMs?: number; session?: number }>();
  private readonly sessionStates = new Map<number, { state: string; endedAtMs?: number; timeoutMs: number; client: string }>();
  private readonly owners = new Map<string, { branch: BranchId; session: number }>();
  private children: string[] = [];
  private readonly log: Happening[] = [];
  private readonly orderList: Order[] = [];
  private highest: number | undefined;
  private lastActivityMs = 0;
  private invocations = 0;
  private lastWake: Partial<Record<'change' | 'join', Wake>> = {};
  private current: Wake | undefined;

  /**
   * `queue`: the branches that ask for the lock at the start, in order (by default the chapter's
   * picture: Riverside holds the lock, Southside and Northside wait).
   */
  constructor(options: { seed?: number; herd?: boolean; fencing?: boolean; queue?: readonly BranchId[] } = {}) {
    const { seed = 6, queue = ['riverside', 'southside', 'northside'] } = options;
    this.herd = options.herd ?? false;
    this.fencing = options.fencing ?? false;
    this.sim = new Simulation({ seed, delay: { kind: 'fixed', ms: DELAY_MS }, recordTrace: false });
    this.server = zooKeeperServer({ paths: ['/locks', LOCK_PATH] });
    this.sim.addNode(SERVICE, this.server.factory);
    for (const id of BRANCHES) {
      this.process.set(id, { state: 'up' });
      this.sim.addNode(id, (node) => this.branchNode(id, node));
    }
    this.sim.addNode(ROASTER, (node) => this.roasterNode(node));
    this.settle();
    for (const id of queue) this.ask(id);
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  // ---- What the diagram shows ----------------------------------------------------------

  branch(id: BranchId): BranchView {
    const p = this.process.get(id)!;
    const rt = this.runtimes.get(id)!;
    const view: BranchView = {
      id,
      name: BRANCH_NAME[id],
      process: p.state,
      phase: p.state === 'crashed' ? 'idle' : rt.lock.phase,
      session: rt.zk.state,
      sessionId: rt.zk.sessionId,
    };
    if (p.state !== 'crashed') {
      if (rt.lock.mine !== undefined && rt.lock.phase !== 'lost') view.znode = rt.lock.mine;
      if (rt.lock.token !== undefined) view.token = rt.lock.token;
      if (rt.lock.watching) view.watching = rt.lock.watching;
    }
    if (p.state !== 'up') {
      view.sinceMs = p.sinceMs!;
      const s = this.sessionStates.get(p.session!);
      if (s?.state === 'open') view.expiresAtMs = this.expiryOf(p.session!);
      else if (s?.endedAtMs !== undefined) view.expiredAtMs = s.endedAtMs;
    }
    return view;
  }

  branches(): BranchView[] {
    return BRANCHES.map((id) => this.branch(id));
  }

  /** The lock node's children, lowest sequence number first. */
  znodes(): ZnodeView[] {
    const sorted = [...this.children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
    const views = BRANCHES.map((id) => this.branch(id));
    const due = this.due();
    return sorted.map((name, i) => {
      const owner = this.owners.get(name)!;
      const rt = this.runtimes.get(owner.branch)!;
      const expiry = due.find((d) => d.session === owner.session);
      return {
        ...(expiry ? { expiresAtMs: expiry.atMs } : {}),
        name,
        seq: sequenceOf(name),
        owner: owner.branch,
        session: owner.session,
        current: this.process.get(owner.branch)!.state !== 'crashed' && rt.zk.sessionId === owner.session,
        lowest: i === 0,
        watchedBy: views.filter((b) => b.watching?.kind === 'predecessor' && b.watching.name === name).map((b) => b.id),
      };
    });
  }

  /** Branches whose watch is on the lock node's children (an expired session's watches are gone). */
  childWatchers(): BranchId[] {
    return this.branches()
      .filter((b) => b.watching?.kind === 'children' && this.sessionStates.get(b.sessionId)?.state === 'open')
      .map((b) => b.id);
  }

  /** Branches that believe they hold the lock (a paused one goes on believing it). */
  believers(): BranchId[] {
    return this.branches()
      .filter((b) => b.phase === 'holding')
      .map((b) => b.id);
  }

  /** Owner of the lowest znode: the holder as far as the service is concerned. */
  holder(): ZnodeView | undefined {
    return this.znodes()[0];
  }

  orders(): readonly Order[] {
    return this.orderList;
  }

  /** The highest token the roaster has accepted. */
  get highestToken(): number | undefined {
    return this.highest;
  }

  /** The last release, expiry or departure, and the last join, each with what it woke. */
  wakes(): { change?: Wake; join?: Wake } {
    return { ...this.lastWake };
  }

  /** The paused branch, if any. */
  paused(): BranchId | undefined {
    return BRANCHES.find((id) => this.process.get(id)!.state === 'paused');
  }

  /** The branch "crash the holder" and "pause the holder" act on, or why there is none. */
  target(): { branch: BranchId } | { why: string } {
    const h = this.holder();
    if (!h) return { why: 'Nobody holds the lock: there is no znode under /locks/beans.' };
    const b = this.branch(h.owner);
    if (b.process === 'crashed' || !h.current) return { why: `The lowest znode belongs to ${b.name}'s crashed process; its session has yet to expire.` };
    if (b.process === 'paused') return { why: `${b.name} holds the lock but is paused; resume it first.` };
    if (b.phase !== 'holding') return { why: `${b.name}'s znode is lowest, but ${b.name} has not yet found out.` };
    return { branch: h.owner };
  }

  /** Sessions that will expire on their own if nothing changes (their process is silent), soonest first. */
  due(): { branch: BranchId; session: number; atMs: number }[] {
    const out: { branch: BranchId; session: number; atMs: number }[] = [];
    for (const [session, s] of this.sessionStates) {
      if (s.state !== 'open') continue;
      const branch = s.client as BranchId;
      const p = this.process.get(branch)!;
      const silent = p.state !== 'up' ? true : this.runtimes.get(branch)!.zk.sessionId !== session;
      if (silent) out.push({ branch, session, atMs: this.expiryOf(session) });
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  // ---- Actions --------------------------------------------------------------------------

  /** The branch asks for the lock (on a new session if its last one expired). */
  ask(id: BranchId): Report {
    const b = this.branch(id);
    if (b.process === 'crashed') return this.refuse(`${b.name} has crashed; restart it first.`);
    if (b.process === 'paused') return this.refuse(`${b.name} is paused: it runs nothing until it resumes.`);
    if (b.phase === 'waiting') return this.refuse(`${b.name} is already waiting for the lock.`);
    if (b.phase === 'holding') return this.refuse(`${b.name} already holds the lock.`);
    return this.act(() => this.invoke(id, { op: 'ask' }));
  }

  /** The branch deletes its znode: it releases the lock, or stops waiting for it. */
  release(id: BranchId): Report {
    const b = this.branch(id);
    if (b.process !== 'up') return this.refuse(`${b.name} is ${b.process}.`);
    if (b.phase !== 'waiting' && b.phase !== 'holding') return this.refuse(`${b.name} neither holds nor waits for the lock.`);
    return this.act(() => this.invoke(id, { op: 'release' }));
  }

  /** The branch, believing it holds the lock, orders the bag from the roaster with its token. */
  order(id: BranchId): Report {
    const b = this.branch(id);
    if (b.process !== 'up') return this.refuse(`${b.name} is ${b.process}.`);
    if (b.phase !== 'holding') return this.refuse(`${b.name} does not hold the lock, so it does not order.`);
    return this.act(() => this.invoke(id, { op: 'order' }));
  }

  /** The holder's process crashes. Time does not move: its session expires after the timeout. */
  crashHolder(): Report {
    const t = this.target();
    if ('why' in t) return this.refuse(t.why);
    const id = t.branch;
    const session = this.runtimes.get(id)!.zk.sessionId;
    this.sim.crash(id);
    this.process.set(id, { state: 'crashed', sinceMs: this.nowMs, session });
    return this.act(() => this.happen({ t: 'crashed', branch: id, atMs: this.nowMs }), false);
  }

  /** A crashed branch starts again: a new process with a new session, not asking for the lock. */
  restart(id: BranchId): Report {
    if (this.process.get(id)!.state !== 'crashed') return this.refuse(`${BRANCH_NAME[id]} is running.`);
    return this.act(() => {
      this.sim.schedule(this.nowMs, () => this.sim.restart(id));
      this.process.set(id, { state: 'up' });
      this.happen({ t: 'restarted', branch: id, atMs: this.nowMs });
    });
  }

  /**
   * The holder freezes (a long garbage-collection pause) just as it goes to order the bag, and
   * stays frozen until its session has expired and the recipe has settled without it. It stays
   * paused, believing it holds the lock, until `resume`; its order goes out then.
   */
  pauseHolder(): Report {
    const t = this.target();
    if ('why' in t) return this.refuse(t.why);
    const id = t.branch;
    const session = this.runtimes.get(id)!.zk.sessionId;
    return this.act(() => {
      this.invoke(id, { op: 'order' });
      this.sim.pause(id);
      this.process.set(id, { state: 'paused', sinceMs: this.nowMs, session });
      this.happen({ t: 'paused', branch: id, atMs: this.nowMs });
      const limit = this.nowMs + SESSION_MS + 4 * DELAY_MS;
      while (this.sessionStates.get(session)?.state === 'open' && this.nowMs < limit) this.tick();
    });
  }

  /** The paused branch carries on where it stopped. */
  resume(): Report {
    const id = this.paused();
    if (!id) return this.refuse('No branch is paused.');
    return this.act(() => {
      this.sim.resume(id);
      this.process.set(id, { state: 'up' });
      this.happen({ t: 'resumed', branch: id, atMs: this.nowMs });
    });
  }

  /** Moves virtual time on by `ms`, whatever happens meanwhile. */
  wait(ms = WAIT_MS): Report {
    const fromMs = this.nowMs;
    const start = this.log.length;
    const until = fromMs + ms;
    while (this.nowMs < until) this.tick();
    return { fromMs, toMs: this.nowMs, happened: this.log.slice(start) };
  }

  /**
   * Moves virtual time on until the next thing that happens on its own (a session expiring),
   * then until the recipe has settled. Refuses when nothing is due.
   */
  waitForNext(): Report {
    const next = this.due()[0];
    if (!next) return this.refuse('Nothing is due to happen on its own: every running branch keeps its session alive with heartbeats, and the recipe has settled.');
    const fromMs = this.nowMs;
    const start = this.log.length;
    const limit = fromMs + LOOK_AHEAD_MS;
    const salient = (h: Happening): boolean => h.t !== 'connected' && h.t !== 'watching';
    while (this.nowMs < limit && !this.log.slice(start).some(salient)) this.tick();
    this.settle();
    return { fromMs, toMs: this.nowMs, happened: this.log.slice(start) };
  }

  // ---- Running the simulation -----------------------------------------------------------

  private refuse(why: string): Report {
    return { fromMs: this.nowMs, toMs: this.nowMs, happened: [], refused: why };
  }

  /** Runs `body` (which may schedule work in the sim), then lets the recipe settle. */
  private act(body: () => void, settle = true): Report {
    const fromMs = this.nowMs;
    const start = this.log.length;
    this.lastActivityMs = this.nowMs;
    body();
    if (settle) this.settle();
    return { fromMs, toMs: this.nowMs, happened: this.log.slice(start) };
  }

  /** Runs the branch's code for `request` as its own event, at the current time. */
  private invoke(id: BranchId, request: Request): void {
    // A client of its own each time: a paused branch may leave one call unanswered for a while.
    this.sim.client(`staff-${++this.invocations}`, { timeoutMs: 60_000 }).invoke(id, request);
  }

  private tick(): void {
    runSim(this.sim, { untilMs: this.nowMs + 1 });
    this.observe();
  }

  private settle(): void {
    const limit = this.nowMs + SETTLE_MAX_MS;
    while (this.nowMs < limit && (this.unanswered() > 0 || this.nowMs < this.lastActivityMs + QUIET_MS)) this.tick();
  }

  /** Calls of running (not crashed, not paused) branches still waiting for their answer. */
  private unanswered(): number {
    let n = 0;
    for (const id of BRANCHES) if (this.process.get(id)!.state === 'up') n += this.runtimes.get(id)?.pending ?? 0;
    return n;
  }

  private happen(h: Happening): void {
    this.log.push(h);
    this.lastActivityMs = this.nowMs;
    const w = this.current;
    if (!w) return;
    if (h.t === 'woken') {
      w.events++;
      w.woken.push(h.branch);
    } else if (h.t === 'relisted' && !w.relisted.includes(h.branch)) w.relisted.push(h.branch);
    else if (h.t === 'granted' && !w.granted) w.granted = { branch: h.branch, token: h.token };
  }

  /** Reads the service's sessions and the lock node's children, and notes what changed. */
  private observe(): void {
    for (const s of this.server.sessions()) {
      const was = this.sessionStates.get(s.id);
      this.sessionStates.set(s.id, { state: s.state, timeoutMs: s.timeoutMs, client: s.client, ...(s.endedAtMs !== undefined ? { endedAtMs: s.endedAtMs } : {}) });
      if (was?.state === 'open' && s.state === 'expired') this.happen({ t: 'expired', branch: s.client as BranchId, session: s.id, atMs: s.endedAtMs ?? this.nowMs });
    }
    const prefix = `${LOCK_PATH}/`;
    const now = this.server.tree().filter((n) => n.path.startsWith(prefix));
    const names = now.map((n) => n.path.slice(prefix.length));
    const before = this.children;
    if (names.length === before.length && names.every((n, i) => n === before[i])) return;
    const lowest = [...before].sort((a, b) => sequenceOf(a) - sequenceOf(b))[0];
    for (const name of before) {
      if (names.includes(name)) continue;
      const owner = this.owners.get(name)!;
      const cause = this.sessionStates.get(owner.session)?.state === 'expired' ? 'expired' : name === lowest ? 'released' : 'left';
      this.happen({ t: 'removed', branch: owner.branch, name, cause, atMs: this.nowMs });
      this.startWake(cause, owner.branch, name);
    }
    for (const n of now) {
      const name = n.path.slice(prefix.length);
      if (before.includes(name)) continue;
      const session = this.sessionStates.get(n.stat.ephemeralOwner);
      const branch = session!.client as BranchId;
      this.owners.set(name, { branch, session: n.stat.ephemeralOwner });
      this.happen({ t: 'joined', branch, name, atMs: this.nowMs });
      this.startWake('joined', branch, name);
    }
    this.children = names;
  }

  private startWake(cause: Cause, branch: BranchId, name: string): void {
    this.current = { cause, branch, name, atMs: this.nowMs, events: 0, woken: [], relisted: [] };
    this.lastWake[cause === 'joined' ? 'join' : 'change'] = this.current;
  }

  /** The service's holder right now, read from its tree (the diagram's view may be a tick behind). */
  private holderNow(): { branch: BranchId; token: number } | undefined {
    const prefix = `${LOCK_PATH}/`;
    let low: { seq: number; session: number } | undefined;
    for (const n of this.server.tree()) {
      if (!n.path.startsWith(prefix)) continue;
      const seq = sequenceOf(n.path);
      if (!low || seq < low.seq) low = { seq, session: n.stat.ephemeralOwner };
    }
    if (!low) return undefined;
    const client = this.server.sessions().find((s) => s.id === low.session)!.client;
    return { branch: client as BranchId, token: low.seq };
  }

  /** When the service will expire an open session if it hears nothing more, from the service itself. */
  private expiryOf(session: number): number {
    return this.server.sessions().find((s) => s.id === session)?.expiresAtMs ?? Infinity;
  }

  // ---- The nodes ------------------------------------------------------------------------

  private branchNode(id: BranchId, node: Node): Handlers {
    const rt = { pending: 0 } as Runtime;
    const open = (): void => {
      const zk: ZooKeeper = connectZooKeeper(node, {
        server: SERVICE,
        sessionTimeoutMs: SESSION_MS,
        onSessionState: (state) => {
          this.lastActivityMs = this.nowMs;
          if (state === 'connected') this.happen({ t: 'connected', branch: id, session: zk.sessionId, atMs: node.now() });
        },
      });
      rt.zk = zk;
      rt.lock = recipe(node, zk, id, {
        herd: () => this.herd,
        happen: (h) => this.happen(h),
        pending: (d) => {
          rt.pending += d;
          this.lastActivityMs = this.nowMs;
        },
      });
    };
    open();
    this.runtimes.set(id, rt);
    return {
      onMessage: (from, body) => void rt.zk.receive(from, body),
      onRequest: (request, reply) => {
        const r = request as Request;
        if (r.op === 'ask') {
          // An expired session is over for good: a new acquisition needs a new session.
          if (rt.lock.phase === 'lost') open();
          rt.lock.acquire();
        } else if (r.op === 'release') rt.lock.release();
        else if (rt.lock.phase === 'holding') {
          const token = rt.lock.token!;
          node.send(ROASTER, { t: 'order', token } satisfies OrderMessage);
          this.happen({ t: 'sent', branch: id, token, atMs: node.now() });
        }
        reply(null);
      },
    };
  }

  private roasterNode(node: Node): Handlers {
    return {
      onMessage: (from, body) => {
        const m = body as OrderMessage;
        if (m?.t !== 'order') return;
        const holder = this.holderNow();
        const accepted = !this.fencing || this.highest === undefined || m.token >= this.highest;
        const order: Order = {
          branch: from as BranchId,
          token: m.token,
          atMs: node.now(),
          accepted,
          fencing: this.fencing,
          ...(this.highest !== undefined ? { highestBefore: this.highest } : {}),
          ...(holder ? { holder } : {}),
          stale: holder?.token !== m.token,
        };
        if (accepted) this.highest = Math.max(this.highest ?? m.token, m.token);
        this.orderList.push(order);
        this.happen({ t: 'order', order, atMs: node.now() });
      },
    };
  }
}
