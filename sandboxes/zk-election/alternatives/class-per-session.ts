// Alternative: each session is a `Membership` object (client, guid, znode, state); the candidate swaps in a fresh one on expiry and marks the old one dead.
import { connectZooKeeper, type Handlers, type Node, type SessionState, type WatchedEvent, type ZooKeeper } from '@baristas/sim';
import type { CandidateOptions } from './election';

/** The sequence number a sequential znode's name ends with (its last 10 digits). */
function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

/**
 * One session's worth of candidacy: its client, its guid, its znode and whether it leads.
 * Once `dead`, every callback it still receives is ignored.
 */
class Membership {
  readonly zk: ZooKeeper;
  readonly guid: string;
  /** The name (not path) of this session's znode, once known. */
  znode: string | null = null;
  elected = false;
  dead = false;
  /** Bumped by every check, so answers and watches of an older check are ignored. */
  private checkRound = 0;

  constructor(
    private readonly node: Node,
    private readonly options: CandidateOptions,
    private readonly onExpired: (membership: Membership) => void,
  ) {
    this.guid = Membership.drawGuid(node);
    this.zk = connectZooKeeper(node, { server: options.server, sessionTimeoutMs: options.sessionTimeoutMs });
    this.zk.onStateChange((state) => this.onState(state));
  }

  private static drawGuid(node: Node): string {
    let guid = '';
    for (let i = 0; i < 4; i++) guid += Math.floor(node.random() * 0x10000).toString(16).padStart(4, '0');
    return guid;
  }

  private get prefix(): string {
    return `${this.guid}-n-`;
  }

  start(): void {
    this.create();
  }

  private onState(state: SessionState): void {
    if (this.dead) return;
    if (state === 'expired' || state === 'closed') {
      this.dead = true;
      this.node.log(`session of ${this.guid} ${state}${this.elected ? ' while leading' : ''}`);
      if (this.elected) this.options.onDeposed();
      this.onExpired(this);
    }
  }

  // Join

  private create(): void {
    this.zk.create(`${this.options.path}/${this.prefix}`, '', 'ephemeral-sequential', (error, created) => {
      if (this.dead) return;
      if (error === 'CONNECTIONLOSS') return this.findOwnZnode();
      if (error) return this.node.log(`create failed: ${error}`);
      this.znode = created.slice(created.lastIndexOf('/') + 1);
      this.check();
    });
  }

  /** After a lost `create`: it may have happened, so look for our guid before creating again. */
  private findOwnZnode(): void {
    this.zk.getChildren(this.options.path, null, (error, children) => {
      if (this.dead) return;
      if (error === 'CONNECTIONLOSS') return this.findOwnZnode();
      if (error) return this.node.log(`getChildren failed: ${error}`);
      const mine = children.find((name) => name.startsWith(this.prefix));
      if (mine === undefined) return this.create();
      this.znode = mine;
      this.check();
    });
  }

  // Check

  private check(): void {
    if (this.dead || this.elected) return;
    const round = ++this.checkRound;
    this.listChildren(round);
  }

  private isCurrent(round: number): boolean {
    return !this.dead && !this.elected && round === this.checkRound;
  }

  private listChildren(round: number): void {
    this.zk.getChildren(this.options.path, null, (error, children) => {
      if (!this.isCurrent(round)) return;
      if (error === 'CONNECTIONLOSS') return this.listChildren(round);
      if (error) return this.node.log(`getChildren failed: ${error}`);
      const ordered = [...children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
      const mine = ordered.indexOf(this.znode!);
      if (mine < 0) {
        // Our ephemeral znode is gone: the session expired, and the state change will say so.
        return this.node.log(`znode ${this.znode} missing from the election`);
      }
      if (mine === 0) {
        this.elected = true;
        const epoch = sequenceOf(this.znode!);
        this.node.log(`elected with epoch ${epoch}`);
        return this.options.onElected(epoch);
      }
      this.watchPredecessor(round, ordered[mine - 1]!);
    });
  }

  private watchPredecessor(round: number, predecessor: string): void {
    const path = `${this.options.path}/${predecessor}`;
    const watcher = (_event: WatchedEvent): void => {
      if (this.isCurrent(round)) this.check();
    };
    const ask = (): void => {
      this.zk.exists(path, watcher, (error, stat) => {
        if (!this.isCurrent(round)) return;
        if (error === 'CONNECTIONLOSS') return ask();
        if (error) return this.node.log(`exists failed: ${error}`);
        if (stat === null) this.check();
      });
    };
    ask();
  }
}

/**
 * A candidate in a leader election on the coordination service. On start, connect a session
 * (`connectZooKeeper`) and create an ephemeral sequential znode `<guid>-n-` under
 * `options.path`. The lowest sequence number leads: call `onElected` with it as the epoch.
 * Every other candidate watches (`exists`) only the znode just before its own, and lists again
 * when that watch fires or `exists` finds nothing. When the session expires: `onDeposed` if it
 * led, then join again with a new session. Hand the service's messages to the session.
 */
export function createCandidate(node: Node, options: CandidateOptions): Handlers {
  let current: Membership | null = null;

  function join(): void {
    if (current) current.dead = true;
    const membership = new Membership(node, options, (expired) => {
      if (expired === current) join();
    });
    current = membership;
    membership.start();
  }

  return {
    onStart() {
      join();
    },
    onMessage(from, body) {
      current?.zk.receive(from, body);
    },
  };
}
