import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type {
  Accepted,
  AcceptorOptions,
  Ballot,
  LearnerOptions,
  PaxosMessage,
  ProposeReply,
  ProposeRequest,
  ProposerOptions,
} from './protocol';

/** a > b: the higher round, and on equal rounds the higher node address. */
function above(a: Ballot, b: Ballot): boolean {
  return a.round > b.round || (a.round === b.round && a.node > b.node);
}
const sameBallot = (a: Ballot, b: Ballot): boolean => a.round === b.round && a.node === b.node;
const majorityOf = (n: number): number => Math.floor(n / 2) + 1;

/** An acceptor keeps its promise and what it accepted in storage, written before it answers. */
export function createAcceptor(node: Node, options: AcceptorOptions): Handlers {
  const promised = (): Ballot | null => node.storage.get<Ballot>('promised') ?? null;
  const accepted = (): Accepted | null => node.storage.get<Accepted>('accepted') ?? null;

  return {
    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      if (msg.type === 'prepare') {
        const p = promised();
        if (p !== null && above(p, msg.ballot)) {
          node.send(from, { type: 'nack', ballot: msg.ballot, promised: p });
          return;
        }
        // Persist first: a promise forgotten in a crash lets a lower proposal through later.
        node.storage.set('promised', msg.ballot);
        node.send(from, { type: 'promise', ballot: msg.ballot, accepted: accepted() });
      } else if (msg.type === 'accept') {
        const p = promised();
        if (p !== null && above(p, msg.ballot)) {
          node.send(from, { type: 'nack', ballot: msg.ballot, promised: p });
          return;
        }
        node.storage.set('promised', msg.ballot);
        node.storage.set('accepted', { ballot: msg.ballot, value: msg.value });
        const note = { type: 'accepted', ballot: msg.ballot, value: msg.value };
        node.send(from, note);
        for (const learner of options.learners) if (learner !== from) node.send(learner, note);
      }
    },
  };
}

/**
 * Counts `accepted` messages per proposal number, each acceptor once; a value is chosen when a
 * majority accepted it under the same number.
 */
function tally(acceptors: Address[]) {
  const votes = new Map<string, Set<Address>>();
  return (from: Address, ballot: Ballot, value: string): string | undefined => {
    if (!acceptors.includes(from)) return undefined;
    const key = `${ballot.round}/${ballot.node}`;
    const voters = votes.get(key) ?? new Set<Address>();
    votes.set(key, voters.add(from));
    return voters.size >= majorityOf(acceptors.length) ? value : undefined;
  };
}

export function createLearner(node: Node, options: LearnerOptions): Handlers {
  const count = tally(options.acceptors);
  let learned = false;
  return {
    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      if (msg.type !== 'accepted' || learned) return;
      const chosen = count(from, msg.ballot, msg.value);
      if (chosen !== undefined) {
        learned = true;
        options.onLearn(chosen);
      }
    },
  };
}

/** How long a round may wait for answers before the proposer tries a higher number. */
const ROUND_MS = 60;

export function createProposer(node: Node, options: ProposerOptions): Handlers {
  const majority = majorityOf(options.acceptors.length);
  const waiting: Array<{ reply: Reply; timer: number }> = [];
  let count = tally(options.acceptors);
  let myValue: string | undefined;
  /** The round in progress, and what it has heard. */
  let round: { ballot: Ballot; phase: 1 | 2; promises: Map<Address, Accepted | null>; timer: number } | undefined;
  let retry: number | undefined;
  /** The highest round a nack reported: the next round goes above it. */
  let highestSeen = 0;

  const answerAll = (reply: ProposeReply): void => {
    for (const w of waiting.splice(0)) {
      node.clearTimer(w.timer);
      w.reply(reply);
    }
  };

  const finish = (value: string): void => {
    if (round) node.clearTimer(round.timer);
    if (retry !== undefined) node.clearTimer(retry);
    round = undefined;
    retry = undefined;
    answerAll({ ok: true, value });
  };

  /** A new round with a number never used by this proposer, even across restarts. */
  const startRound = (): void => {
    retry = undefined;
    if (waiting.length === 0) return;
    count = tally(options.acceptors);
    const next = Math.max(node.storage.get<number>('round') ?? 0, highestSeen) + 1;
    node.storage.set('round', next);
    const ballot: Ballot = { round: next, node: node.id };
    round = { ballot, phase: 1, promises: new Map(), timer: node.setTimer(ROUND_MS, () => backOff()) };
    for (const a of options.acceptors) node.send(a, { type: 'prepare', ballot });
  };

  /** Duelling proposers keep pre-empting each other; a random pause lets one of them finish. */
  const backOff = (): void => {
    if (round) node.clearTimer(round.timer);
    round = undefined;
    if (retry === undefined) retry = node.setTimer(5 + Math.floor(node.random() * 60), startRound);
  };

  return {
    onRequest(request: unknown, reply: Reply) {
      // Every request runs a round, even when this proposer has seen a value chosen: the round
      // is what tells a learner that missed the acceptances.
      const { value } = request as ProposeRequest;
      myValue ??= value;
      const timer = node.setTimer(options.deadlineMs, () => {
        const i = waiting.findIndex((w) => w.timer === timer);
        if (i >= 0) waiting.splice(i, 1)[0]!.reply({ ok: false, error: 'deadline' });
      });
      waiting.push({ reply, timer });
      if (round === undefined && retry === undefined) startRound();
    },

    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      if (msg.type === 'accepted') {
        const value = count(from, msg.ballot, msg.value);
        if (value !== undefined && round && sameBallot(msg.ballot, round.ballot)) finish(value);
        return;
      }
      if (!round || !sameBallot(msg.ballot, round.ballot)) return;
      if (msg.type === 'nack') {
        highestSeen = Math.max(highestSeen, msg.promised.round);
        backOff();
      } else if (msg.type === 'promise' && round.phase === 1) {
        round.promises.set(from, msg.accepted);
        if (round.promises.size < majority) return;
        // Phase 2 with the value of the highest-numbered proposal any promise reported: it may
        // already be chosen. Only when none was reported may this proposer pick its own.
        let highest: Accepted | null = null;
        for (const a of round.promises.values()) if (a && (!highest || above(a.ballot, highest.ballot))) highest = a;
        const value = highest ? highest.value : myValue!;
        round.phase = 2;
        for (const a of options.acceptors) node.send(a, { type: 'accept', ballot: round.ballot, value });
      }
    },
  };
}
