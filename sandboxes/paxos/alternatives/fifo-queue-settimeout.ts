// Alternative: plain functions over a state object, an acceptor that keeps each field of its promise and accepted proposal under its own scalar storage key and nacks refusals, a proposer that serves customers one at a time from a FIFO queue with global setTimeout/clearTimeout for each attempt and each deadline, a switch on the message type calling one function per phase, linear backoff from node.random() and round numbers that jump further after each silent attempt, and acceptances counted in arrays of votes.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { Accepted, AcceptorOptions, Ballot, LearnerOptions, PaxosMessage, ProposeReply, ProposeRequest, ProposerOptions } from './protocol';

function greater(a: Ballot, b: Ballot): boolean {
  if (a.round > b.round) return true;
  if (a.round < b.round) return false;
  return a.node > b.node;
}

function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.node === b.node;
}

function isMajority(count: number, of: Address[]): boolean {
  return count * 2 > of.length;
}

// ---- Acceptor: five scalar keys ----------------------------------------------------------------

function readPromised(node: Node): Ballot | null {
  const round = node.storage.get<number>('promised.round');
  const proposer = node.storage.get<string>('promised.node');
  return round === undefined || proposer === undefined ? null : { round, node: proposer };
}

function readAccepted(node: Node): Accepted | null {
  const round = node.storage.get<number>('accepted.round');
  const proposer = node.storage.get<string>('accepted.node');
  const value = node.storage.get<string>('accepted.value');
  if (round === undefined || proposer === undefined || value === undefined) return null;
  return { ballot: { round, node: proposer }, value };
}

function writePromised(node: Node, ballot: Ballot): void {
  node.storage.set('promised.round', ballot.round);
  node.storage.set('promised.node', ballot.node);
}

function writeAccepted(node: Node, ballot: Ballot, value: string): void {
  node.storage.set('accepted.round', ballot.round);
  node.storage.set('accepted.node', ballot.node);
  node.storage.set('accepted.value', value);
}

export function createAcceptor(node: Node, options: AcceptorOptions): Handlers {
  function refuse(to: Address, ballot: Ballot, promised: Ballot): void {
    const nack: PaxosMessage = { type: 'nack', ballot, promised };
    node.send(to, nack);
  }

  function onPrepare(from: Address, ballot: Ballot): void {
    const promised = readPromised(node);
    if (promised && greater(promised, ballot)) return refuse(from, ballot, promised);
    writePromised(node, ballot);
    const reply: PaxosMessage = { type: 'promise', ballot, accepted: readAccepted(node) };
    node.send(from, reply);
  }

  function onAccept(from: Address, ballot: Ballot, value: string): void {
    const promised = readPromised(node);
    if (promised && greater(promised, ballot)) return refuse(from, ballot, promised);
    writePromised(node, ballot);
    writeAccepted(node, ballot, value);
    const news: PaxosMessage = { type: 'accepted', ballot, value };
    node.send(from, news);
    for (const learner of options.learners) {
      if (learner !== from) node.send(learner, news);
    }
  }

  return {
    onMessage(from, body) {
      const msg = body as PaxosMessage;
      switch (msg.type) {
        case 'prepare':
          return onPrepare(from, msg.ballot);
        case 'accept':
          return onAccept(from, msg.ballot, msg.value);
        default:
          return;
      }
    },
  };
}

// ---- Proposer: one customer at a time ----------------------------------------------------------

const ATTEMPT_MS = 110;
const PAUSE_STEP_MS = 25;
const PAUSE_STEPS_MAX = 8;

interface Order {
  value: string;
  reply: Reply;
  deadline: ReturnType<typeof setTimeout>;
}

interface Vote {
  from: Address;
  accepted: Accepted | null;
}

interface ProposerState {
  queue: Order[];
  /** The order being proposed for (always queue[0] while a round runs), or null when idle. */
  serving: Order | null;
  ballot: Ballot | null;
  phase: 'none' | 'one' | 'two' | 'pausing';
  promises: Vote[];
  acceptances: Address[];
  attempt: ReturnType<typeof setTimeout> | undefined;
  failures: number;
  /** Attempts in a row that timed out with no nack. */
  silent: number;
}

export function createProposer(node: Node, options: ProposerOptions): Handlers {
  const state: ProposerState = {
    queue: [],
    serving: null,
    ballot: null,
    phase: 'none',
    promises: [],
    acceptances: [],
    attempt: undefined,
    failures: 0,
    silent: 0,
  };

  function finish(order: Order, answer: ProposeReply): void {
    clearTimeout(order.deadline);
    state.queue = state.queue.filter((o) => o !== order);
    order.reply(answer);
    if (state.serving === order) {
      clearTimeout(state.attempt);
      state.serving = null;
      state.ballot = null;
      state.phase = 'none';
      state.failures = 0;
      state.silent = 0;
      serveNext();
    }
  }

  function serveNext(): void {
    if (state.serving !== null || state.queue.length === 0) return;
    state.serving = state.queue[0]!;
    runRound();
  }

  function runRound(): void {
    // An attempt that timed out may have been refused in silence by a higher number: the more
    // attempts failed, the further the next number jumps ahead.
    const last = node.storage.get<number>('proposer.round') ?? 0;
    const round = last + Math.max(1, state.silent);
    node.storage.set('proposer.round', round);
    state.ballot = { round, node: node.id };
    state.phase = 'one';
    state.promises = [];
    state.acceptances = [];
    for (const a of options.acceptors) node.send(a, { type: 'prepare', ballot: state.ballot } satisfies PaxosMessage);
    clearTimeout(state.attempt);
    state.attempt = setTimeout(() => {
      state.silent++;
      retryLater();
    }, ATTEMPT_MS);
  }

  function retryLater(): void {
    clearTimeout(state.attempt);
    state.phase = 'pausing';
    state.failures = Math.min(state.failures + 1, PAUSE_STEPS_MAX);
    const pause = Math.ceil(node.random() * PAUSE_STEP_MS * state.failures);
    state.attempt = setTimeout(runRound, pause);
  }

  function phaseOne(from: Address, accepted: Accepted | null): void {
    if (state.promises.some((v) => v.from === from)) return;
    state.promises.push({ from, accepted });
    if (!isMajority(state.promises.length, options.acceptors)) return;
    let chosenBefore: Accepted | null = null;
    for (const { accepted: a } of state.promises) {
      if (a !== null && (chosenBefore === null || greater(a.ballot, chosenBefore.ballot))) chosenBefore = a;
    }
    const value = chosenBefore !== null ? chosenBefore.value : state.serving!.value;
    state.phase = 'two';
    for (const a of options.acceptors) node.send(a, { type: 'accept', ballot: state.ballot!, value } satisfies PaxosMessage);
  }

  function phaseTwo(from: Address, value: string): void {
    if (!state.acceptances.includes(from)) state.acceptances.push(from);
    if (!isMajority(state.acceptances.length, options.acceptors)) return;
    // One value is now chosen for good: every order in line hears it, the first one now and the
    // others after rounds of their own.
    finish(state.serving!, { ok: true, value });
  }

  function refused(promised: Ballot): void {
    const last = node.storage.get<number>('proposer.round') ?? 0;
    if (promised.round > last) node.storage.set('proposer.round', promised.round);
    state.silent = 0;
    retryLater();
  }

  return {
    onRequest(request: unknown, reply: Reply) {
      const { value } = request as ProposeRequest;
      const order: Order = {
        value,
        reply,
        deadline: setTimeout(() => finish(order, { ok: false, error: 'deadline' }), options.deadlineMs),
      };
      state.queue.push(order);
      serveNext();
    },
    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      if (state.ballot === null || !options.acceptors.includes(from)) return;
      switch (msg.type) {
        case 'promise':
          if (state.phase === 'one' && sameBallot(msg.ballot, state.ballot)) phaseOne(from, msg.accepted);
          return;
        case 'accepted':
          if (state.phase === 'two' && sameBallot(msg.ballot, state.ballot)) phaseTwo(from, msg.value);
          return;
        case 'nack':
          if ((state.phase === 'one' || state.phase === 'two') && sameBallot(msg.ballot, state.ballot)) refused(msg.promised);
          return;
        default:
          return;
      }
    },
  };
}

// ---- Learner: a list of votes ------------------------------------------------------------------

export function createLearner(node: Node, options: LearnerOptions): Handlers {
  const votes: Array<{ from: Address; ballot: Ballot; value: string }> = [];
  let done = false;
  return {
    onMessage(from: Address, body: unknown) {
      const msg = body as PaxosMessage;
      if (done || msg.type !== 'accepted' || !options.acceptors.includes(from)) return;
      if (votes.some((v) => v.from === from && sameBallot(v.ballot, msg.ballot))) return;
      votes.push({ from, ballot: msg.ballot, value: msg.value });
      const count = votes.filter((v) => sameBallot(v.ballot, msg.ballot)).length;
      if (isMajority(count, options.acceptors)) {
        done = true;
        node.log('learned', msg.value, 'under', msg.ballot);
        options.onLearn(msg.value);
      }
    },
  };
}
