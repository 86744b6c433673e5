import { connectZooKeeper, type Handlers, type Node } from '@baristas/sim';
import type { CandidateOptions } from './election';

/**
 * A candidate in a leader election on the coordination service. On start, connect a session
 * (`connectZooKeeper`) and create an ephemeral sequential znode `<guid>-n-` under
 * `options.path`. The lowest sequence number leads: call `onElected` with it as the epoch.
 * Every other candidate watches (`exists`) only the znode just before its own, and lists again
 * when that watch fires or `exists` finds nothing. When the session expires: `onDeposed` if it
 * led, then join again with a new session. Hand the service's messages to the session.
 */
export function createCandidate(node: Node, options: CandidateOptions): Handlers {
  return {
    onStart() {
      throw new Error(`TODO: connect to ${options.server} and create your znode under ${options.path}`);
    },
    onMessage(from, body) {
      throw new Error('TODO: hand the message to your session (zk.receive)');
    },
  };
}
