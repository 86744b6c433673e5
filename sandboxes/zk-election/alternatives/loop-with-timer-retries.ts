// Alternative: one re-listing step() per session with random-delay timer retries on CONNECTIONLOSS, znode found by guid prefix, session listener via onSessionState.
import { connectZooKeeper, type Handlers, type Node, type ZooKeeper } from '@baristas/sim';
import type { CandidateOptions } from './election';

/** The sequence number a sequential znode's name ends with (its last 10 digits). */
function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

export function createCandidate(node: Node, options: CandidateOptions): Handlers {
  const { server, path, sessionTimeoutMs, onElected, onDeposed } = options;
  /** The current session's client: the only one that is handed messages. */
  let current: ZooKeeper | undefined;

  /** A short random pause before retrying a call that hit CONNECTIONLOSS. */
  function retryDelayMs(): number {
    return 5 + Math.floor(node.random() * 20);
  }

  /** Opens a new session and joins the election with it. Everything about that session lives here. */
  function join(): void {
    const guid = Math.floor(node.random() * 0x1_0000_0000_0000).toString(16).padStart(13, '0');
    const prefix = `${guid}-n-`;
    let over = false; // the session expired: ignore everything it still reports
    let elected = false; // onElected was called for this session
    let creating = false; // a create is in flight
    let generation = 0; // the latest step; answers and watches of older steps are ignored

    const zk: ZooKeeper = connectZooKeeper(node, {
      server,
      sessionTimeoutMs,
      onSessionState(state) {
        // Check the state first: `zk` is only assigned once connectZooKeeper returns.
        if (state !== 'expired' || over || zk !== current) return;
        over = true;
        node.log(`session of ${guid} expired${elected ? ': deposed' : ''}`);
        if (elected) onDeposed();
        join();
      },
    });
    current = zk;

    /** Whether this session still acts: not expired, not replaced, and not the leader yet. */
    const active = (): boolean => !over && zk === current && !elected;

    function retryLater(): void {
      node.setTimer(retryDelayMs(), () => {
        if (active()) step();
      });
    }

    function create(): void {
      creating = true;
      zk.create(`${path}/${prefix}`, node.id, 'ephemeral-sequential', (error) => {
        creating = false;
        if (!active()) return;
        if (error === 'CONNECTIONLOSS') {
          // It may or may not have happened: the next step lists the children to find out.
          retryLater();
          return;
        }
        if (error) return; // SESSIONEXPIRED: the session listener rejoins
        step();
      });
    }

    /** Lists the children and decides: create, lead, or watch the predecessor. */
    function step(): void {
      if (!active()) return;
      const mine = ++generation;
      const stale = (): boolean => !active() || mine !== generation;

      zk.getChildren(path, null, (error, children) => {
        if (stale()) return;
        if (error === 'CONNECTIONLOSS') {
          retryLater();
          return;
        }
        if (error) return;

        const own = children.find((name) => name.slice(0, -10) === prefix);
        if (own === undefined) {
          if (!creating) create();
          return;
        }

        const sorted = [...children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
        const index = sorted.indexOf(own);
        if (index === 0) {
          elected = true;
          const epoch = sequenceOf(own);
          node.log(`elected with ${own}, epoch ${epoch}`);
          onElected(epoch);
          return;
        }

        const predecessor = `${path}/${sorted[index - 1]}`;
        zk.exists(
          predecessor,
          () => {
            if (!stale()) step();
          },
          (existsError, stat) => {
            if (stale()) return;
            if (existsError === 'CONNECTIONLOSS') {
              retryLater();
              return;
            }
            if (existsError) return;
            if (stat === null) step(); // already gone: check again
            // Otherwise wait for the watch.
          },
        );
      });
    }

    step();
  }

  return {
    onStart() {
      join();
    },
    onMessage(from, body) {
      current?.receive(from, body);
    },
  };
}
