import { connectZooKeeper, type Handlers, type Node, type ZkErrorCode, type ZooKeeper } from '@baristas/sim';
import type { CandidateOptions } from './election';

/** The 10 digits the service appends to a sequential znode's name. */
const sequenceOf = (name: string): number => Number(name.slice(-10));

/**
 * Leader election with ZooKeeper's recipe. Each session of the candidate creates one ephemeral
 * sequential znode `<guid>-n-<seq>` under the election's path; the lowest leads; every other
 * candidate watches only the znode just before its own. A candidate whose session expires has
 * lost its place: it joins again with a new session and a new znode, at the back of the line.
 */
export function createCandidate(node: Node, options: CandidateOptions): Handlers {
  const { server, path, sessionTimeoutMs, onElected, onDeposed } = options;
  let zk: ZooKeeper;
  /** Bumped for every session: callbacks of an earlier one are ignored. */
  let run = 0;
  let leading = false;

  function join(): void {
    const r = ++run;
    const session = connectZooKeeper(node, { server, sessionTimeoutMs });
    zk = session;
    leading = false;
    const guid = `${node.id}-${Math.floor(node.random() * 2 ** 48).toString(36)}`;
    let mine: string | undefined;
    const current = (): boolean => r === run;
    const fail = (error: ZkErrorCode): void => {
      // Expiry is handled once, by the state listener below.
      if (error !== 'SESSIONEXPIRED') throw new Error(`election ${path}: unexpected ${error}`);
    };

    session.onStateChange((state) => {
      if (state !== 'expired' || !current()) return;
      if (leading) {
        leading = false;
        onDeposed();
      }
      join();
    });

    function create(): void {
      session.create(`${path}/${guid}-n-`, node.id, 'ephemeral-sequential', (error, created) => {
        if (!current()) return;
        if (error === 'CONNECTIONLOSS') return find();
        if (error) return fail(error);
        mine = created.slice(path.length + 1);
        check();
      });
    }

    /** After a connection loss during create: it may have happened; the guid finds our znode. */
    function find(): void {
      session.getChildren(path, null, (error, children) => {
        if (!current()) return;
        if (error === 'CONNECTIONLOSS') return find();
        if (error) return fail(error);
        mine = children.find((c) => c.startsWith(`${guid}-n-`));
        if (mine === undefined) create();
        else check();
      });
    }

    function check(): void {
      session.getChildren(path, null, (error, children) => {
        if (!current() || leading) return;
        if (error === 'CONNECTIONLOSS') return check();
        if (error) return fail(error);
        const sorted = [...children].sort((x, y) => sequenceOf(x) - sequenceOf(y));
        const i = sorted.indexOf(mine!);
        // Our znode gone while the session lives cannot happen; an expiry is on its way.
        if (i < 0) return;
        if (i === 0) {
          leading = true;
          onElected(sequenceOf(mine!));
          return;
        }
        session.exists(
          `${path}/${sorted[i - 1]}`,
          () => {
            if (current() && !leading) check();
          },
          (error2, stat) => {
            if (!current() || leading) return;
            if (error2 === 'CONNECTIONLOSS') return check();
            if (error2) return fail(error2);
            // Gone between the listing and the watch: its watch would never fire.
            if (stat === null) check();
          },
        );
      });
    }

    create();
  }

  return {
    onStart: join,
    onMessage(from, body) {
      zk.receive(from, body);
    },
  };
}
