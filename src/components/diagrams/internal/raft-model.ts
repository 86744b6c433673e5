/**
 * Raft among five branch tills (S1–S5) that replicate the shop's order log, in a `Simulation`.
 *
 * Each till runs a simplified but faithful Raft (Ongaro and Ousterhout, 2014, Figure 2):
 *
 * - Terms, and three roles. A follower that hears no leader within its election timeout, drawn
 *   afresh from `node.random()` each time, becomes a candidate: it increments its term, votes
 *   for itself and sends RequestVote (§5.2).
 * - A server votes at most once per term, and its term, its vote and its log are kept in
 *   `node.storage`, so a crash cannot make it vote twice (§5.2). It refuses a candidate whose log
 *   is less up to date than its own: compare the last entries' terms, then the lengths (§5.4.1).
 * - The leader sends AppendEntries as heartbeats and to replicate. A follower accepts only if its
 *   log has an entry at `prevLogIndex` with term `prevLogTerm`, deletes an entry that conflicts
 *   with a new one and everything after it, and appends what it lacks (§5.3). A refused leader
 *   steps `nextIndex` back by one and tries again.
 * - The leader advances `commitIndex` to N once a majority stores entry N and that entry is from
 *   its current term (§5.4.2); earlier entries are then committed with it. `unsafe` replaces the
 *   second condition with nothing (count replicas of any term): the mistake of Figure 8.
 * - `commitIndex` is volatile: a restarted server learns it again from the leader.
 *
 * Not modelled: snapshots, membership changes, no-op entries at the start of a term, client
 * request deduplication.
 *
 * The model watches from outside, through hooks the servers call: it keeps a ledger of every
 * entry any server marked committed and flags what Raft promises never happens (two leaders in
 * one term, a committed entry deleted, two different entries committed at one index, a leader
 * elected without a committed entry). With the paper's rule the list stays empty; Figure 8 with
 * `unsafe` fills it.
 *
 * `RaftModel` is the live cluster (randomized timeouts; crash, restart, write, run).
 * `Figure8` replays the paper's Figure 8 on the same servers, with timeouts switched off: each
 * step forces the timeouts, crashes and cut links the figure assumes, then lets the sim run.
 */
import type { Handlers, Node, Reply, Storage } from '@baristas/sim';
import { Simulation, type Delay } from '@baristas/sim/testing';
import { runSim } from './run.ts';

export const SERVERS = ['S1', 'S2', 'S3', 'S4', 'S5'] as const;
export type ServerId = (typeof SERVERS)[number];
/** The branch whose till each server is. Figure 8's S1 and S5 are the chapter's Riverside and Northside. */
export const BRANCH: Record<ServerId, string> = { S1: 'Riverside', S2: 'Southside', S3: 'Eastside', S4: 'Westside', S5: 'Northside' };
export const MAJORITY = 3;
export const ELECTION_TIMEOUT_MIN_MS = 150;
export const ELECTION_TIMEOUT_MAX_MS = 300;
export const HEARTBEAT_MS = 50;
/** How long a client write waits (runs the sim) for its entry to be committed before reporting. */
export const WRITE_WAIT_MS = 200;
/** How long a forced timeout runs, for the votes to come back. */
export const VOTE_WAIT_MS = 30;
/** How long "Run until a leader" runs at most. */
export const LEADER_WAIT_MS = 3_000;

export type Role = 'follower' | 'candidate' | 'leader';

export interface Entry {
  term: number;
  /** What the customer ordered, e.g. "order 3": unique in a run, so an entry is known by it. */
  cmd: string;
}

/** What one server holds, as the page shows it. */
export interface ServerView {
  id: ServerId;
  up: boolean;
  /** Volatile: `follower` while crashed (it restarts as one). */
  role: Role;
  term: number;
  /** Whom it voted for in `term`; null if nobody yet. */
  votedFor: string | null;
  log: Entry[];
  /** Volatile: 0 while crashed and after a restart, until the leader says more. */
  commitIndex: number;
}

export type VoteReason = 'granted' | 'stale-term' | 'already-voted' | 'log';

/** What happened, in order; the page words these. */
export type RaftEvent =
  | { atMs: number; type: 'timeout'; server: ServerId; term: number; forced: boolean }
  | {
      atMs: number;
      type: 'vote';
      server: ServerId;
      candidate: ServerId;
      term: number;
      granted: boolean;
      reason: VoteReason;
      /** The voter's and the candidate's last log term and length, for the election restriction. */
      mine: { lastTerm: number; lastIndex: number };
      theirs: { lastTerm: number; lastIndex: number };
      votedFor: string | null;
    }
  | { atMs: number; type: 'leader'; server: ServerId; term: number; votes: ServerId[] }
  | { atMs: number; type: 'step-down'; server: ServerId; term: number; from: Role }
  | { atMs: number; type: 'append'; server: ServerId; index: number; entry: Entry }
  | { atMs: number; type: 'commit'; server: ServerId; term: number; leader: boolean; from: number; to: number; entries: Entry[] }
  | { atMs: number; type: 'truncate'; server: ServerId; term: number; index: number; removed: Entry[]; replacement: Entry }
  | { atMs: number; type: 'crash' | 'restart'; server: ServerId };

/** An entry some server marked committed, and who did first. */
export interface Committed {
  index: number;
  entry: Entry;
  by: ServerId;
  atMs: number;
}

/** A committed entry that a server deleted: what Raft promises never happens. */
export interface Lost {
  index: number;
  entry: Entry;
  committedBy: ServerId;
  server: ServerId;
  atMs: number;
  /** The entry that took its place, from the leader of `term`. */
  replacement: Entry;
  term: number;
}

export interface RaftOptions {
  seed?: number;
  /** False: no election timer ever fires by itself; only `forceTimeout` starts an election. */
  auto?: boolean;
  /** Count replicas of entries of any term when advancing the commit index (unsafe). */
  unsafe?: boolean;
  delay?: Delay;
  dropProbability?: number;
}

type Msg =
  | { t: 'vote?'; term: number; candidate: ServerId; lastLogIndex: number; lastLogTerm: number }
  | { t: 'vote'; term: number; granted: boolean }
  | { t: 'append'; term: number; leader: ServerId; prevLogIndex: number; prevLogTerm: number; entries: Entry[]; leaderCommit: number }
  | { t: 'appended'; term: number; success: boolean; prevLogIndex: number; matchIndex: number };

type Request = { t: 'write'; cmd: string } | { t: 'timeout' };
export type WriteReply = { ok: true; index: number; term: number } | { ok: false; reason: 'not-leader' | 'deposed' };

interface Volatile {
  role: Role;
  commitIndex: number;
  leader: ServerId | null;
}

interface Hooks {
  event(e: RaftEvent): void;
  /** `server` advanced its commit index from `from` to `to`; `log` is its log now. */
  commit(server: ServerId, from: number, to: number, log: readonly Entry[]): void;
  /** `server` deleted `removed`, from `index` on, to take `replacement` from the leader of `term`. */
  truncate(server: ServerId, term: number, index: number, removed: Entry[], replacement: Entry): void;
  leader(server: ServerId, term: number, log: readonly Entry[]): void;
}

interface Config {
  auto: boolean;
  unsafe: boolean;
}

/** §5.4.1: is a log ending (lastTerm, lastIndex) at least as up to date as mine? */
export const atLeastAsUpToDate = (theirs: { lastTerm: number; lastIndex: number }, mine: { lastTerm: number; lastIndex: number }): boolean =>
  theirs.lastTerm > mine.lastTerm || (theirs.lastTerm === mine.lastTerm && theirs.lastIndex >= mine.lastIndex);

/** One Raft server: the code each node runs. */
function raftServer(node: Node, config: Config, hooks: Hooks, state: Volatile): Handlers {
  const id = node.id as ServerId;
  const store = node.storage;
  // Persistent state (Figure 2): kept in storage, written before any message that depends on it.
  let term = store.get<number>('term') ?? 0;
  let votedFor = store.get<ServerId | null>('votedFor') ?? null;
  const log: Entry[] = store.get<Entry[]>('log') ?? [];
  const persist = (): void => {
    store.set('term', term);
    store.set('votedFor', votedFor);
    store.set('log', log);
  };
  // Volatile state, shared with the model so the page can show it.
  state.role = 'follower';
  state.commitIndex = 0;
  state.leader = null;
  let votes = new Set<ServerId>();
  let electionTimer: number | undefined;
  let heartbeatTimer: number | undefined;
  const nextIndex = new Map<string, number>();
  const matchIndex = new Map<string, number>();
  const pending = new Map<number, Reply>();
  const majority = Math.floor((node.peers.length + 1) / 2) + 1;
  const lastIndex = (): number => log.length;
  const lastTerm = (): number => log.at(-1)?.term ?? 0;
  const termAt = (index: number): number => (index === 0 ? 0 : (log[index - 1]?.term ?? -1));
  const now = (): number => node.now();

  function resetElectionTimer(): void {
    if (electionTimer !== undefined) node.clearTimer(electionTimer);
    electionTimer = undefined;
    if (!config.auto) return;
    const ms = ELECTION_TIMEOUT_MIN_MS + Math.floor(node.random() * (ELECTION_TIMEOUT_MAX_MS - ELECTION_TIMEOUT_MIN_MS + 1));
    electionTimer = node.setTimer(ms, () => {
      electionTimer = undefined;
      startElection(false);
    });
  }

  function stopHeartbeats(): void {
    if (heartbeatTimer !== undefined) node.clearTimer(heartbeatTimer);
    heartbeatTimer = undefined;
  }

  /**
   * A higher term from anyone, or a leader of its own term: become (or stay) a follower. Only a
   * vote granted or a leader heard resets a follower's election timer (Figure 2), so a deposed
   * leader starts one and a candidate keeps the one it has.
   */
  function becomeFollower(newTerm: number): void {
    const from = state.role;
    if (newTerm > term) {
      term = newTerm;
      votedFor = null;
      persist();
    }
    if (from === 'follower') return;
    hooks.event({ atMs: now(), type: 'step-down', server: id, term, from });
    state.role = 'follower';
    if (from === 'leader') {
      stopHeartbeats();
      for (const reply of pending.values()) reply({ ok: false, reason: 'deposed' } satisfies WriteReply);
      pending.clear();
      resetElectionTimer();
    }
  }

  function startElection(forced: boolean): void {
    if (state.role === 'leader') stopHeartbeats();
    for (const reply of pending.values()) reply({ ok: false, reason: 'deposed' } satisfies WriteReply);
    pending.clear();
    term++;
    votedFor = id;
    persist();
    state.role = 'candidate';
    state.leader = null;
    votes = new Set([id]);
    hooks.event({ atMs: now(), type: 'timeout', server: id, term, forced });
    resetElectionTimer();
    for (const peer of node.peers) {
      node.send(peer, { t: 'vote?', term, candidate: id, lastLogIndex: lastIndex(), lastLogTerm: lastTerm() } satisfies Msg);
    }
  }

  function becomeLeader(): void {
    state.role = 'leader';
    state.leader = id;
    if (electionTimer !== undefined) node.clearTimer(electionTimer);
    electionTimer = undefined;
    for (const peer of node.peers) {
      nextIndex.set(peer, lastIndex() + 1);
      matchIndex.set(peer, 0);
    }
    hooks.event({ atMs: now(), type: 'leader', server: id, term, votes: [...votes].sort() });
    hooks.leader(id, term, log);
    heartbeat();
  }

  function heartbeat(): void {
    for (const peer of node.peers) sendAppend(peer);
    heartbeatTimer = node.setTimer(HEARTBEAT_MS, heartbeat);
  }

  function sendAppend(peer: string): void {
    const next = nextIndex.get(peer) ?? lastIndex() + 1;
    const prevLogIndex = next - 1;
    node.send(peer, {
      t: 'append',
      term,
      leader: id,
      prevLogIndex,
      prevLogTerm: termAt(prevLogIndex),
      entries: log.slice(prevLogIndex),
      leaderCommit: state.commitIndex,
    } satisfies Msg);
  }

  function setCommitIndex(to: number): void {
    const from = state.commitIndex;
    if (to <= from) return;
    state.commitIndex = to;
    hooks.event({ atMs: now(), type: 'commit', server: id, term, leader: state.role === 'leader', from, to, entries: log.slice(from, to) });
    hooks.commit(id, from, to, log);
    for (const [index, reply] of [...pending]) {
      if (index > to) continue;
      pending.delete(index);
      reply({ ok: true, index, term: log[index - 1]!.term } satisfies WriteReply);
    }
  }

  /** §5.3/§5.4.2: the highest N stored on a majority whose entry is from this term (any term if unsafe). */
  function advanceCommitIndex(): void {
    for (let n = lastIndex(); n > state.commitIndex; n--) {
      if (!config.unsafe && log[n - 1]!.term !== term) continue;
      let count = 1;
      for (const peer of node.peers) if ((matchIndex.get(peer) ?? 0) >= n) count++;
      if (count >= majority) {
        setCommitIndex(n);
        return;
      }
    }
  }

  function onVoteRequest(from: string, m: Extract<Msg, { t: 'vote?' }>): void {
    if (m.term > term) becomeFollower(m.term);
    const mine = { lastTerm: lastTerm(), lastIndex: lastIndex() };
    const theirs = { lastTerm: m.lastLogTerm, lastIndex: m.lastLogIndex };
    const reason: VoteReason =
      m.term < term
        ? 'stale-term'
        : votedFor !== null && votedFor !== m.candidate
          ? 'already-voted'
          : !atLeastAsUpToDate(theirs, mine)
            ? 'log'
            : 'granted';
    const granted = reason === 'granted';
    if (granted) {
      votedFor = m.candidate;
      persist(); // before the vote leaves: a crash must not let it vote again in this term
      resetElectionTimer();
    }
    hooks.event({ atMs: now(), type: 'vote', server: id, candidate: m.candidate, term: m.term, granted, reason, mine, theirs, votedFor });
    node.send(from, { t: 'vote', term, granted } satisfies Msg);
  }

  function onVote(from: string, m: Extract<Msg, { t: 'vote' }>): void {
    if (m.term > term) return becomeFollower(m.term);
    if (state.role !== 'candidate' || m.term !== term || !m.granted) return;
    votes.add(from as ServerId);
    if (votes.size >= majority) becomeLeader();
  }

  function onAppend(from: string, m: Extract<Msg, { t: 'append' }>): void {
    if (m.term < term) {
      node.send(from, { t: 'appended', term, success: false, prevLogIndex: m.prevLogIndex, matchIndex: 0 } satisfies Msg);
      return;
    }
    // A current leader exists: a candidate of this term, or anyone of an older one, follows it.
    if (m.term > term || state.role !== 'follower') becomeFollower(m.term);
    resetElectionTimer();
    state.leader = m.leader;
    // The consistency check: my log must hold the leader's entry just before the new ones.
    if (m.prevLogIndex > lastIndex() || termAt(m.prevLogIndex) !== m.prevLogTerm) {
      node.send(from, { t: 'appended', term, success: false, prevLogIndex: m.prevLogIndex, matchIndex: 0 } satisfies Msg);
      return;
    }
    let changed = false;
    m.entries.forEach((entry, k) => {
      const index = m.prevLogIndex + 1 + k;
      const existing = log[index - 1];
      if (existing && existing.term === entry.term) return;
      if (existing) {
        // A conflict: delete the existing entry and all that follow it.
        const removed = log.splice(index - 1);
        hooks.truncate(id, m.term, index, removed, entry);
        hooks.event({ atMs: now(), type: 'truncate', server: id, term: m.term, index, removed, replacement: entry });
      }
      log.push(entry);
      changed = true;
    });
    if (changed) persist();
    const matched = m.prevLogIndex + m.entries.length;
    if (m.leaderCommit > state.commitIndex) setCommitIndex(Math.min(m.leaderCommit, matched));
    node.send(from, { t: 'appended', term, success: true, prevLogIndex: m.prevLogIndex, matchIndex: matched } satisfies Msg);
  }

  function onAppended(from: string, m: Extract<Msg, { t: 'appended' }>): void {
    if (m.term > term) return becomeFollower(m.term);
    if (state.role !== 'leader' || m.term !== term) return;
    if (m.success) {
      matchIndex.set(from, Math.max(matchIndex.get(from) ?? 0, m.matchIndex));
      nextIndex.set(from, Math.max(nextIndex.get(from) ?? 1, m.matchIndex + 1));
      advanceCommitIndex();
      return;
    }
    // Refused by the consistency check: step back one entry (only for the answer to the latest try).
    const next = nextIndex.get(from) ?? 1;
    if (m.prevLogIndex !== next - 1 || next <= 1) return;
    nextIndex.set(from, next - 1);
    sendAppend(from);
  }

  return {
    onStart: () => resetElectionTimer(),
    onMessage: (from, body) => {
      const m = body as Msg;
      if (m.t === 'vote?') onVoteRequest(from, m);
      else if (m.t === 'vote') onVote(from, m);
      else if (m.t === 'append') onAppend(from, m);
      else onAppended(from, m);
    },
    onRequest: (body, reply) => {
      const request = body as Request;
      if (request.t === 'timeout') {
        startElection(true);
        return reply({ ok: true });
      }
      if (state.role !== 'leader') return reply({ ok: false, reason: 'not-leader' } satisfies WriteReply);
      const entry: Entry = { term, cmd: request.cmd };
      log.push(entry);
      persist();
      pending.set(lastIndex(), reply);
      hooks.event({ atMs: now(), type: 'append', server: id, index: lastIndex(), entry });
      for (const peer of node.peers) sendAppend(peer);
    },
  };
}

const sameEntry = (a: Entry | undefined, b: Entry | undefined): boolean => !!a && !!b && a.term === b.term && a.cmd === b.cmd;

/** Five Raft servers in a `Simulation`, and a watch on what Raft promises. */
export class RaftCluster {
  readonly events: RaftEvent[] = [];
  /** Every index any server marked committed: the first entry committed there. */
  readonly committed = new Map<number, Committed>();
  /** Committed entries later deleted from some server. */
  readonly lost: Lost[] = [];
  /** Broken promises, in words: empty for Raft as the paper has it. */
  readonly violations: string[] = [];
  /** Who became leader of each term. */
  readonly leaders = new Map<number, ServerId[]>();
  protected readonly sim: Simulation;
  private readonly stores = new Map<ServerId, Storage>();
  private readonly volatile = new Map<ServerId, Volatile>();
  private requests = 0;

  constructor(options: RaftOptions = {}) {
    const config: Config = { auto: options.auto ?? true, unsafe: options.unsafe ?? false };
    this.sim = new Simulation({
      seed: options.seed ?? 5,
      recordTrace: false,
      delay: options.delay ?? { kind: 'uniform', msMin: 3, msMax: 12 },
      dropProbability: options.dropProbability ?? 0,
    });
    const hooks: Hooks = {
      event: (e) => this.events.push(e),
      commit: (server, from, to, log) => this.onCommit(server, from, to, log),
      truncate: (server, term, index, removed, replacement) => this.onTruncate(server, term, index, removed, replacement),
      leader: (server, term, log) => this.onLeader(server, term, log),
    };
    for (const id of SERVERS) {
      const state: Volatile = { role: 'follower', commitIndex: 0, leader: null };
      this.volatile.set(id, state);
      this.sim.addNode(id, (node) => {
        this.stores.set(id, node.storage);
        return raftServer(node, config, hooks, state);
      });
    }
    runSim(this.sim, { untilMs: 0 });
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  isUp(id: ServerId): boolean {
    return this.sim.isUp(id);
  }

  view(id: ServerId): ServerView {
    const store = this.stores.get(id)!;
    const up = this.sim.isUp(id);
    const v = this.volatile.get(id)!;
    return {
      id,
      up,
      role: up ? v.role : 'follower',
      term: store.get<number>('term') ?? 0,
      votedFor: store.get<string | null>('votedFor') ?? null,
      log: store.get<Entry[]>('log') ?? [],
      commitIndex: up ? v.commitIndex : 0,
    };
  }

  views(): ServerView[] {
    return SERVERS.map((id) => this.view(id));
  }

  /** The up server that is leader in the highest term, if any. */
  leader(): ServerView | undefined {
    let best: ServerView | undefined;
    for (const v of this.views()) if (v.up && v.role === 'leader' && (!best || v.term > best.term)) best = v;
    return best;
  }

  upCount(): number {
    return SERVERS.filter((id) => this.sim.isUp(id)).length;
  }

  /** Runs the network for `ms` of virtual time; returns the events it produced. */
  run(ms: number): RaftEvent[] {
    const first = this.events.length;
    runSim(this.sim, { untilMs: this.nowMs + ms });
    return this.events.slice(first);
  }

  crash(id: ServerId): void {
    if (!this.sim.isUp(id)) return;
    this.sim.crash(id);
    this.events.push({ atMs: this.nowMs, type: 'crash', server: id });
  }

  restart(id: ServerId): void {
    if (this.sim.isUp(id)) return;
    this.events.push({ atMs: this.nowMs, type: 'restart', server: id });
    this.sim.restart(id);
    runSim(this.sim, { untilMs: this.nowMs });
  }

  partition(groups: ServerId[][]): void {
    this.sim.partition(groups);
  }

  heal(): void {
    this.sim.heal();
  }

  /** Makes `id`'s election timer fire now (as if it had heard nothing from a leader). */
  forceTimeout(id: ServerId): void {
    if (!this.sim.isUp(id)) return;
    this.sim.client(`timer-${++this.requests}`).invoke(id, { t: 'timeout' } satisfies Request);
    runSim(this.sim, { untilMs: this.nowMs });
  }

  /**
   * A customer's order reaches `id`: a leader appends it and starts replicating. Returns the
   * client's operation, which completes when the entry is committed (or the leader is deposed).
   */
  submit(id: ServerId, cmd: string): { done: () => WriteReply | undefined } {
    let result: WriteReply | undefined;
    this.sim.client(`customer-${++this.requests}`).invoke(id, { t: 'write', cmd } satisfies Request, (op) => {
      if (op.status === 'ok') result = op.output as WriteReply;
    });
    runSim(this.sim, { untilMs: this.nowMs });
    return { done: () => result };
  }

  /** True if every pair of logs agrees on everything up to any entry they share (§5.3, Log Matching). */
  logsMatch(): boolean {
    const logs = this.views().map((v) => v.log);
    for (const a of logs) {
      for (const b of logs) {
        for (let i = Math.min(a.length, b.length); i >= 1; i--) {
          if (a[i - 1]!.term !== b[i - 1]!.term) continue;
          for (let j = 0; j < i; j++) if (!sameEntry(a[j], b[j])) return false;
          break;
        }
      }
    }
    return true;
  }

  private onCommit(server: ServerId, from: number, to: number, log: readonly Entry[]): void {
    for (let index = from + 1; index <= to; index++) {
      const entry = log[index - 1]!;
      const known = this.committed.get(index);
      if (!known) this.committed.set(index, { index, entry: { ...entry }, by: server, atMs: this.nowMs });
      else if (!sameEntry(known.entry, entry)) {
        this.violations.push(
          `${server} committed ${entry.cmd} (term ${entry.term}) at index ${index}, where ${known.by} had committed ${known.entry.cmd} (term ${known.entry.term}).`,
        );
      }
    }
  }

  private onTruncate(server: ServerId, term: number, index: number, removed: Entry[], replacement: Entry): void {
    removed.forEach((entry, k) => {
      const known = this.committed.get(index + k);
      if (!known || !sameEntry(known.entry, entry)) return;
      this.lost.push({ index: index + k, entry: { ...entry }, committedBy: known.by, server, atMs: this.nowMs, replacement: { ...replacement }, term });
      this.violations.push(`${server} deleted ${entry.cmd} (term ${entry.term}) at index ${index + k}, which ${known.by} had committed.`);
    });
  }

  private onLeader(server: ServerId, term: number, log: readonly Entry[]): void {
    const earlier = this.leaders.get(term) ?? [];
    if (earlier.length > 0) this.violations.push(`${server} became leader of term ${term}, which ${earlier.join(', ')} already led.`);
    this.leaders.set(term, [...earlier, server]);
    for (const c of this.committed.values()) {
      if (!sameEntry(log[c.index - 1], c.entry)) {
        this.violations.push(`${server} became leader of term ${term} without ${c.entry.cmd} (term ${c.entry.term}, index ${c.index}), which ${c.by} had committed.`);
      }
    }
  }
}

/** What a client write did. */
export type WriteReport =
  | { ok: false; reason: 'no-leader'; atMs: number }
  | {
      ok: true;
      leader: ServerId;
      term: number;
      index: number;
      entry: Entry;
      atMs: number;
      /** When the leader committed it, if within `WRITE_WAIT_MS`. */
      committedAtMs?: number;
      /** Servers holding the entry when the report was made. */
      holders: ServerId[];
      /** True if the leader lost its leadership before the entry was committed. */
      deposed: boolean;
    };

/** The live cluster of the first part: randomized timeouts, crashes and restarts, client writes. */
export class RaftModel extends RaftCluster {
  private orders = 0;

  constructor(options: Omit<RaftOptions, 'auto'> = {}) {
    super({ ...options, auto: true });
  }

  /** Runs until an up server leads (at most `LEADER_WAIT_MS`); without a majority up, does nothing. */
  runUntilLeader(): { leader?: ServerView; ranMs: number; events: RaftEvent[] } {
    const start = this.nowMs;
    const first = this.events.length;
    if (!this.leader() && this.upCount() >= MAJORITY) {
      while (!this.leader() && this.nowMs - start < LEADER_WAIT_MS) this.run(5);
    }
    return { leader: this.leader(), ranMs: this.nowMs - start, events: this.events.slice(first) };
  }

  /**
   * Makes `id` time out now, as if it had heard from no leader, and runs `VOTE_WAIT_MS` so the
   * votes come back. Returns the term it ran in and what happened.
   */
  timeOut(id: ServerId): { term: number; events: RaftEvent[] } {
    const first = this.events.length;
    this.forceTimeout(id);
    this.run(VOTE_WAIT_MS);
    const events = this.events.slice(first);
    const started = events.find((e): e is Extract<RaftEvent, { type: 'timeout' }> => e.type === 'timeout' && e.server === id);
    return { term: started?.term ?? this.view(id).term, events };
  }

  /**
   * A customer's order reaches the leader; runs until it is committed (and one heartbeat more, so
   * the followers know it) or `WRITE_WAIT_MS` passes.
   */
  write(): WriteReport {
    const leader = this.leader();
    const atMs = this.nowMs;
    if (!leader) return { ok: false, reason: 'no-leader', atMs };
    const entry: Entry = { term: leader.term, cmd: `order ${++this.orders}` };
    const index = leader.log.length + 1;
    const op = this.submit(leader.id, entry.cmd);
    let committedAtMs: number | undefined;
    let deposed = false;
    while (this.nowMs - atMs < WRITE_WAIT_MS) {
      const done = op.done();
      if (done) {
        if (done.ok) committedAtMs = this.nowMs;
        else deposed = true;
        break;
      }
      if (!this.isUp(leader.id)) break;
      this.run(1);
    }
    // Followers learn the new commit index from the leader's next message: show them knowing it.
    if (committedAtMs !== undefined) this.run(HEARTBEAT_MS + 15);
    const holders = SERVERS.filter((id) => sameEntry(this.view(id).log[index - 1], entry));
    return { ok: true, leader: leader.id, term: leader.term, index, entry, atMs, committedAtMs, holders, deposed };
  }
}

export const FIG8_STEPS = ['start', 'a', 'b', 'c', 'd', 'e'] as const;
/** The order each term's leader takes in Figure 8, by term: one entry per term, as in the paper. */
export const FIG8_ORDERS = ['', 'flat white', 'cortado', 'mocha', 'chai latte'] as const;
export type Fig8Step = (typeof FIG8_STEPS)[number];

/**
 * Figure 8 of the Raft paper, replayed on real servers with timeouts off (`auto: false`), fixed
 * 5 ms links and forced timeouts, crashes and partitions. A step is reached by replaying the
 * whole path from the start, so the same step and rule always give the same picture:
 * start → (a) → (b) → (c) → (d), and (e) as the other ending after (c).
 */
export class Figure8 {
  readonly cluster: RaftCluster;
  readonly step: Fig8Step;
  readonly unsafe: boolean;
  /** The events of the last step alone. */
  readonly stepEvents: RaftEvent[] = [];

  constructor(step: Fig8Step = 'start', unsafe = false) {
    this.step = step;
    this.unsafe = unsafe;
    this.cluster = new RaftCluster({ seed: 8, auto: false, unsafe, delay: { kind: 'fixed', ms: 5 } });
    const path: Fig8Step[] = step === 'e' ? ['start', 'a', 'b', 'c', 'e'] : FIG8_STEPS.slice(0, FIG8_STEPS.indexOf(step) + 1);
    for (const s of path) {
      const first = this.cluster.events.length;
      Figure8.play(this.cluster, s);
      if (s === step) this.stepEvents.push(...this.cluster.events.slice(first));
    }
  }

  private static play(c: RaftCluster, step: Fig8Step): void {
    switch (step) {
      case 'start':
        // Term 1: S5 leads, and the flat white reaches every server and is committed.
        c.forceTimeout('S5');
        c.run(50);
        c.submit('S5', FIG8_ORDERS[1]);
        c.run(100);
        return;
      case 'a':
        // S1 times out and wins term 2; the cortado reaches it, and only S2 gets a copy.
        c.forceTimeout('S1');
        c.run(50);
        c.partition([['S1', 'S2'], ['S3', 'S4', 'S5']]);
        c.submit('S1', FIG8_ORDERS[2]);
        c.run(100);
        return;
      case 'b':
        // S1 crashes; S5 wins term 3 (S3, S4 and itself) and appends the mocha at index 2, alone.
        c.crash('S1');
        c.heal();
        c.forceTimeout('S5');
        c.run(50);
        c.partition([['S5'], ['S1', 'S2', 'S3', 'S4']]);
        c.submit('S5', FIG8_ORDERS[3]);
        c.run(50);
        return;
      case 'c':
        // S5 crashes, S1 restarts (S4's link down): S1 loses term 3, wins term 4, copies the
        // cortado to S3; then it appends the chai latte at index 3, with its links down.
        c.crash('S5');
        c.partition([['S1', 'S2', 'S3'], ['S4']]);
        c.restart('S1');
        c.forceTimeout('S1');
        c.run(50);
        c.forceTimeout('S1');
        c.run(120);
        c.partition([['S1'], ['S2', 'S3'], ['S4']]);
        c.submit('S1', FIG8_ORDERS[4]);
        c.run(50);
        return;
      case 'd':
        // S1 crashes, links back; S5 restarts, loses term 4, wins term 5 and overwrites index 2.
        c.crash('S1');
        c.heal();
        c.restart('S5');
        c.forceTimeout('S5');
        c.run(50);
        c.forceTimeout('S5');
        c.run(150);
        return;
      case 'e':
        // Instead: S1 reaches S2 and S3 again and copies the chai latte to them.
        c.partition([['S1', 'S2', 'S3'], ['S4']]);
        c.run(150);
        return;
    }
  }

  /** Votes granted and refused during the step, per candidate and term. */
  votes(candidate: ServerId, term: number): { granted: ServerId[]; refused: { server: ServerId; reason: VoteReason }[] } {
    const granted: ServerId[] = [];
    const refused: { server: ServerId; reason: VoteReason }[] = [];
    for (const e of this.stepEvents) {
      if (e.type !== 'vote' || e.candidate !== candidate || e.term !== term) continue;
      if (e.granted) granted.push(e.server);
      else refused.push({ server: e.server, reason: e.reason });
    }
    return { granted: granted.sort(), refused: refused.sort((a, b) => a.server.localeCompare(b.server)) };
  }
}
