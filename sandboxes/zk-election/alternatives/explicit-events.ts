// Alternative: an event-driven reducer — every callback, watch and session change becomes an event fed to one handle(event) switch over a per-session state object.
import { connectZooKeeper, type Handlers, type Node, type SessionState, type Stat, type ZkErrorCode, type ZooKeeper } from '@baristas/sim';
import type { CandidateOptions } from './election';

/** Everything that can happen to a candidate, tagged with the session it belongs to. */
type Event =
  | { kind: 'join'; session: number }
  | { kind: 'created'; session: number; error: ZkErrorCode | null; path: string }
  | { kind: 'recovered'; session: number; error: ZkErrorCode | null; children: string[] }
  | { kind: 'listed'; session: number; error: ZkErrorCode | null; children: string[] }
  | { kind: 'exists'; session: number; check: number; predecessor: string; error: ZkErrorCode | null; stat: Stat | null }
  | { kind: 'watch'; session: number; check: number }
  | { kind: 'state'; session: number; state: SessionState };

/** One session's worth of state; replaced wholesale when a session expires. */
interface State {
  session: number;
  zk: ZooKeeper;
  guid: string;
  /** Our znode's name (not path) under `path`, once known. */
  znode: string | null;
  /** Counts checks, so that a watch or answer of an earlier check is ignored. */
  check: number;
  elected: boolean;
}

/** The sequence number a znode name ends with (its last 10 digits). */
function sequenceOf(name: string): number {
  return parseInt(name.slice(-10), 10);
}

export function createCandidate(node: Node, options: CandidateOptions): Handlers {
  const { server, path, sessionTimeoutMs, onElected, onDeposed } = options;
  let state: State | null = null;
  let sessions = 0;

  function newGuid(): string {
    let guid = '';
    for (let i = 0; i < 4; i++) guid += Math.floor(node.random() * 0x10000).toString(16).padStart(4, '0');
    return guid;
  }

  function openSession(): State {
    const session = ++sessions;
    const zk = connectZooKeeper(node, { server, sessionTimeoutMs });
    zk.onStateChange((s) => handle({ kind: 'state', session, state: s }));
    return { session, zk, guid: newGuid(), znode: null, check: 0, elected: false };
  }

  // ---- actions: each issues one call whose answer comes back as an event ----

  function create(s: State): void {
    const session = s.session;
    s.zk.create(`${path}/${s.guid}-n-`, '', 'ephemeral-sequential', (error, created) =>
      handle({ kind: 'created', session, error, path: created }),
    );
  }

  function recover(s: State): void {
    const session = s.session;
    s.zk.getChildren(path, null, (error, children) => handle({ kind: 'recovered', session, error, children }));
  }

  function list(s: State): void {
    const session = s.session;
    s.check += 1;
    s.zk.getChildren(path, null, (error, children) => handle({ kind: 'listed', session, error, children }));
  }

  function watchPredecessor(s: State, predecessor: string): void {
    const session = s.session;
    const check = s.check;
    s.zk.exists(
      `${path}/${predecessor}`,
      () => handle({ kind: 'watch', session, check }),
      (error, stat) => handle({ kind: 'exists', session, check, predecessor, error, stat }),
    );
  }

  // ---- the reducer ----

  function handle(event: Event): void {
    const s = state;
    if (s === null || event.session !== s.session) return; // an older session's news
    switch (event.kind) {
      case 'join': {
        node.log(`session ${s.session}: joining as ${s.guid}`);
        create(s);
        return;
      }
      case 'created': {
        if (event.error === 'CONNECTIONLOSS') {
          recover(s); // did the create happen? look for our guid before creating again
          return;
        }
        if (event.error !== null) {
          node.log(`session ${s.session}: create failed: ${event.error}`);
          return; // SESSIONEXPIRED: the state change will start a new session
        }
        s.znode = event.path.slice(event.path.lastIndexOf('/') + 1);
        node.log(`session ${s.session}: created ${s.znode}`);
        list(s);
        return;
      }
      case 'recovered': {
        if (event.error === 'CONNECTIONLOSS') {
          recover(s);
          return;
        }
        if (event.error !== null) return;
        const prefix = `${s.guid}-n-`;
        const mine = event.children.find((name) => name.startsWith(prefix));
        if (mine === undefined) {
          create(s);
          return;
        }
        s.znode = mine;
        node.log(`session ${s.session}: found ${mine} after a lost create`);
        list(s);
        return;
      }
      case 'listed': {
        if (s.elected) return;
        if (event.error === 'CONNECTIONLOSS') {
          list(s);
          return;
        }
        if (event.error !== null || s.znode === null) return;
        const own = sequenceOf(s.znode);
        if (!event.children.includes(s.znode)) {
          node.log(`session ${s.session}: ${s.znode} is gone; waiting for the session to expire`);
          return;
        }
        let predecessor: string | null = null;
        let predecessorSeq = -1;
        for (const name of event.children) {
          const seq = sequenceOf(name);
          if (seq < own && seq > predecessorSeq) {
            predecessor = name;
            predecessorSeq = seq;
          }
        }
        if (predecessor === null) {
          s.elected = true;
          node.log(`session ${s.session}: elected with epoch ${own}`);
          onElected(own);
          return;
        }
        node.log(`session ${s.session}: watching ${predecessor}`);
        watchPredecessor(s, predecessor);
        return;
      }
      case 'exists': {
        if (s.elected || event.check !== s.check) return;
        if (event.error === 'CONNECTIONLOSS') {
          watchPredecessor(s, event.predecessor);
          return;
        }
        if (event.error !== null) return;
        if (event.stat === null) list(s); // already gone: look again
        return;
      }
      case 'watch': {
        if (s.elected || event.check !== s.check) return;
        list(s);
        return;
      }
      case 'state': {
        if (event.state !== 'expired') return;
        node.log(`session ${s.session}: expired${s.elected ? ' while leading' : ''}`);
        if (s.elected) onDeposed();
        state = openSession();
        handle({ kind: 'join', session: state.session });
        return;
      }
    }
  }

  return {
    onStart() {
      state = openSession();
      handle({ kind: 'join', session: state.session });
    },
    onMessage(from, body) {
      state?.zk.receive(from, body);
    },
  };
}
