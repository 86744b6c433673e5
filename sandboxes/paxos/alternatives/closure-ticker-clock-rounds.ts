// Alternative: closures, an acceptor that keeps its promise and accepted proposal as tuples under two storage keys and nacks through one guard, a proposer driven by one global setInterval ticker that checks deadlines, round timeouts and a Math.random() pause by node.now(), restarting its round whenever a customer arrives and stamping round numbers from the clock so it never starts far behind, a table of handlers per message type, and acceptances counted in nested maps by round and proposer.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { Accepted, AcceptorOptions, Ballot, LearnerOptions, PaxosMessage, ProposeReply, ProposeRequest, ProposerOptions } from './protocol';

const above = (a: Ballot, b: Ballot): boolean => a.round > b.round || (a.round === b.round && a.node > b.node);
const same = (a: Ballot, b: Ballot): boolean => a.round === b.round && a.node === b.node;
const quorum = (n: number): number => Math.floor(n / 2) + 1;

export function createAcceptor(node: Node, options: AcceptorOptions): Handlers {
  // Two keys, each a tuple: 'promise' is [round, node], 'vote' is [round, node, value].
  const promised = (): Ballot | undefined => {
    const t = node.storage.get<[number, Address]>('promise');
    return t && { round: t[0], node: t[1] };
  };
  const accepted = (): Accepted | null => {
    const t = node.storage.get<[number, Address, string]>('vote');
    return t ? { ballot: { round: t[0], node: t[1] }, value: t[2] } : null;
  };
  /** Whether `msg` may be answered; if not, tells `from` which promise stands in the way. */
  const mayAnswer = (from: Address, msg: { ballot: Ballot }): boolean => {
    const p = promised();
    if (p === undefined || !above(p, msg.ballot)) return true;
    node.send(from, { type: 'nack', ballot: msg.ballot, promised: p } satisfies PaxosMessage);
    return false;
  };

  return {
    onMessage(from, body) {
      const msg = body as PaxosMessage;
      if (msg.type === 'prepare') {
        if (!mayAnswer(from, msg)) return;
        node.storage.set('promise', [msg.ballot.round, msg.ballot.node]);
        node.send(from, { type: 'promise', ballot: msg.ballot, accepted: accepted() });
      } else if (msg.type === 'accept') {
        if (!mayAnswer(from, msg)) return;
        node.storage.set('promise', [msg.ballot.round, msg.ballot.node]);
        node.storage.set('vote', [msg.ballot.round, msg.ballot.node, msg.value]);
        const news: PaxosMessage = { type: 'accepted', ballot: msg.ballot, value: msg.value };
        for (const to of new Set([from, ...options.learners])) node.send(to, news);
      }
    },
  };
}

const TICK_MS = 5;
const ROUND_MS = 90;
const PAUSE_MIN_MS = 10;
const PAUSE_SPREAD_MS = 70;

export function createProposer(node: Node, { acceptors, deadlineMs }: ProposerOptions): Handlers {
  interface Ask {
    value: string;
    reply: Reply;
    dueAt: number;
  }
  let asks: Ask[] = [];
  let ticker: ReturnType<typeof setInterval> | undefined;

  // The round in progress: its number, its phase and what it heard.
  let ballot: Ballot | undefined;
  let phase: 'prepare' | 'accept' | 'pause' | 'idle' = 'idle';
  let giveUpAt = 0; // end of the current phase's patience, or of the pause
  let promisers = new Map<Address, Accepted | null>();
  let accepters = new Set<Address>();

  const broadcast = (msg: PaxosMessage) => acceptors.forEach((a) => node.send(a, msg));

  function newRound(): void {
    // Stamping rounds with the clock keeps every proposer's numbers close to the time they were
    // made, so one that sat out while others climbed starts near them; the stored round keeps
    // them unique, and a nack lifts it above the promise that refused us.
    const round = Math.max((node.storage.get<number>('round') ?? 0) + 1, Math.floor(node.now()));
    node.storage.set('round', round); // before the number is used, so a restart never reuses it
    ballot = { round, node: node.id };
    phase = 'prepare';
    giveUpAt = node.now() + ROUND_MS;
    promisers = new Map();
    accepters = new Set();
    broadcast({ type: 'prepare', ballot });
  }

  function pause(): void {
    phase = 'pause';
    giveUpAt = node.now() + PAUSE_MIN_MS + Math.random() * PAUSE_SPREAD_MS;
  }

  function settle(reply: ProposeReply, which: (ask: Ask) => boolean): void {
    const done = asks.filter(which);
    asks = asks.filter((ask) => !which(ask));
    for (const ask of done) ask.reply(reply);
  }

  function tick(): void {
    const now = node.now();
    // Answer early rather than one tick late.
    settle({ ok: false, error: 'deadline' }, (ask) => now + TICK_MS > ask.dueAt);
    if (asks.length === 0) {
      phase = 'idle';
      ballot = undefined;
      clearInterval(ticker);
      ticker = undefined;
      return;
    }
    if (now >= giveUpAt) {
      if (phase === 'pause') newRound();
      else if (phase === 'prepare' || phase === 'accept') pause();
    }
  }

  const handle: { [T in PaxosMessage['type']]?: (from: Address, msg: Extract<PaxosMessage, { type: T }>) => void } = {
    promise(from, msg) {
      if (phase !== 'prepare') return;
      promisers.set(from, msg.accepted);
      if (promisers.size < quorum(acceptors.length)) return;
      let best: Accepted | null = null;
      for (const a of promisers.values()) if (a && (!best || above(a.ballot, best.ballot))) best = a;
      phase = 'accept';
      giveUpAt = node.now() + ROUND_MS;
      broadcast({ type: 'accept', ballot: ballot!, value: best?.value ?? asks[0]!.value });
    },
    accepted(from, msg) {
      if (phase !== 'accept') return;
      accepters.add(from);
      if (accepters.size < quorum(acceptors.length)) return;
      settle({ ok: true, value: msg.value }, () => true);
      phase = 'idle';
      ballot = undefined;
    },
    nack(_from, msg) {
      if (phase !== 'prepare' && phase !== 'accept') return;
      if (msg.promised.round > (node.storage.get<number>('round') ?? 0)) node.storage.set('round', msg.promised.round);
      pause();
    },
  };

  return {
    onRequest(request, reply) {
      const { value } = request as ProposeRequest;
      asks.push({ value, reply, dueAt: node.now() + deadlineMs });
      ticker ??= setInterval(tick, TICK_MS);
      // Every request gets a round of its own that starts after it: a higher number replaces
      // whatever round was running, and serves everyone still waiting.
      newRound();
    },
    onMessage(from, body) {
      const msg = body as PaxosMessage;
      if (ballot === undefined || !acceptors.includes(from) || !msg.ballot || !same(msg.ballot, ballot)) return;
      (handle[msg.type] as ((from: Address, msg: PaxosMessage) => void) | undefined)?.(from, msg);
    },
  };
}

export function createLearner(_node: Node, { acceptors, onLearn }: LearnerOptions): Handlers {
  // round → proposer → acceptors that accepted that number
  const tally = new Map<number, Map<Address, Set<Address>>>();
  let learned = false;
  return {
    onMessage(from, body) {
      const msg = body as PaxosMessage;
      if (learned || msg.type !== 'accepted' || !acceptors.includes(from)) return;
      let byProposer = tally.get(msg.ballot.round);
      if (!byProposer) tally.set(msg.ballot.round, (byProposer = new Map()));
      let voters = byProposer.get(msg.ballot.node);
      if (!voters) byProposer.set(msg.ballot.node, (voters = new Set()));
      voters.add(from);
      if (voters.size >= quorum(acceptors.length)) {
        learned = true;
        onLearn(msg.value);
      }
    },
  };
}
