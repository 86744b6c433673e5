import type { Address, Node } from '../types.ts';

/**
 * `node` with every send reported to `onSend` just before it goes out. Hidden tests wrap the
 * learner's node in it to judge a protocol by what actually crossed the network (which
 * replicas a coordinator asked, what a session sent to whom), not by what the learner's code
 * says about itself.
 */
export function tapSends(node: Node, onSend: (to: Address, body: unknown) => void): Node {
  return {
    id: node.id,
    get peers() {
      return node.peers;
    },
    now: () => node.now(),
    send: (to, body) => {
      onSend(to, body);
      node.send(to, body);
    },
    setTimer: (ms, callback) => node.setTimer(ms, callback),
    clearTimer: (timer) => node.clearTimer(timer),
    storage: node.storage,
    random: () => node.random(),
    log: (...parts) => node.log(...parts),
  };
}
