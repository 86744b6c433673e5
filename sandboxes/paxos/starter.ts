import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { AcceptorOptions, LearnerOptions, PaxosMessage, ProposerOptions } from './protocol';

/**
 * An acceptor. On `prepare(b)`: if it has promised a number above `b`, refuse with
 * `nack(b, promised)`; otherwise promise `b` and answer `promise(b, accepted)` with the highest-numbered
 * proposal it has accepted, or null. On `accept(b, v)`: if it has promised a number above `b`,
 * refuse with a `nack`; otherwise accept, and send `accepted(b, v)` to the proposer that asked and to every
 * learner. It writes its promise and what it accepted to `node.storage` before it answers.
 */
export function createAcceptor(node: Node, options: AcceptorOptions): Handlers {
  return {
    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      throw new Error(`TODO: answer the ${msg.type} from ${from}`);
    },
  };
}

/**
 * A proposer. A customer's `onRequest({ op: 'propose', value }, reply)` starts a round with a
 * new proposal number `{ round, node: node.id }`, higher than any it used before (even before a
 * restart): `prepare` to every acceptor; on promises from a majority, `accept` with the value of
 * the highest-numbered proposal those promises reported, or the customer's value if none did.
 * When a majority sent `accepted` for that number, answer `{ ok: true, value }` with the chosen
 * value. Refused or unanswered, try a higher number after a random pause (`node.random()`);
 * after a `nack`, a round above the one it reports.
 * Answer `{ ok: false, error: 'deadline' }` when `deadlineMs` passes first. Answer every
 * request exactly once, even when several wait at once.
 */
export function createProposer(node: Node, options: ProposerOptions): Handlers {
  return {
    onRequest(request: unknown, reply: Reply) {
      throw new Error('TODO: propose the customer’s value');
    },
    onMessage(from: Address, body: unknown) {
      throw new Error('TODO: handle the promises, refusals and acceptances');
    },
  };
}

/**
 * A learner. It hears `accepted(b, v)` from acceptors and learns `v` once a majority of
 * `options.acceptors` (each counted once) accepted it under the same number `b`. It calls
 * `options.onLearn(v)` exactly once.
 */
export function createLearner(node: Node, options: LearnerOptions): Handlers {
  return {
    onMessage(from: Address, body: unknown) {
      throw new Error('TODO: count the acceptances');
    },
  };
}

