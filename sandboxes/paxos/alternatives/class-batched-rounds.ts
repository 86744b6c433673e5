// Alternative: classes, an acceptor that keeps one storage record and nacks refusals, a proposer that batches waiting customers into one round at a time (a switch on its phase, one node.setTimer per round and per request, exponential backoff from node.random(), round numbers that skip ahead exponentially after silent rounds), and acceptances counted in a Map keyed by a string ballot.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type { Accepted, AcceptorOptions, Ballot, LearnerOptions, PaxosMessage, ProposeReply, ProposeRequest, ProposerOptions } from './protocol';

/** Negative when a is below b, 0 when equal, positive when above: round first, then node. */
function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round - b.round;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

function ballotKey(ballot: Ballot): string {
  return JSON.stringify([ballot.round, ballot.node]);
}

function majorityOf(acceptors: Address[]): number {
  return Math.floor(acceptors.length / 2) + 1;
}

// ---- Acceptor ----------------------------------------------------------------------------------

interface AcceptorRecord {
  promised: Ballot | null;
  accepted: Accepted | null;
}

const RECORD_KEY = 'acceptor';

class Acceptor implements Handlers {
  constructor(
    private readonly node: Node,
    private readonly learners: Address[],
  ) {}

  private load(): AcceptorRecord {
    return this.node.storage.get<AcceptorRecord>(RECORD_KEY) ?? { promised: null, accepted: null };
  }

  private save(record: AcceptorRecord): void {
    this.node.storage.set(RECORD_KEY, record);
  }

  private refuses(record: AcceptorRecord, ballot: Ballot): boolean {
    return record.promised !== null && compareBallots(record.promised, ballot) > 0;
  }

  onMessage(from: Address, body: unknown): void {
    const msg = body as PaxosMessage;
    const record = this.load();
    switch (msg.type) {
      case 'prepare': {
        if (this.refuses(record, msg.ballot)) {
          this.node.send(from, { type: 'nack', ballot: msg.ballot, promised: record.promised! } satisfies PaxosMessage);
          return;
        }
        record.promised = msg.ballot;
        this.save(record);
        this.node.send(from, { type: 'promise', ballot: msg.ballot, accepted: record.accepted } satisfies PaxosMessage);
        return;
      }
      case 'accept': {
        if (this.refuses(record, msg.ballot)) {
          this.node.send(from, { type: 'nack', ballot: msg.ballot, promised: record.promised! } satisfies PaxosMessage);
          return;
        }
        record.promised = msg.ballot;
        record.accepted = { ballot: msg.ballot, value: msg.value };
        this.save(record);
        const out: PaxosMessage = { type: 'accepted', ballot: msg.ballot, value: msg.value };
        const targets = new Set<Address>([from, ...this.learners]);
        for (const to of targets) this.node.send(to, out);
        return;
      }
      default:
        return;
    }
  }
}

export function createAcceptor(node: Node, options: AcceptorOptions): Handlers {
  return new Acceptor(node, options.learners);
}

// ---- Proposer ----------------------------------------------------------------------------------

const ROUND_TIMEOUT_MS = 100;
const BACKOFF_BASE_MS = 15;
const BACKOFF_CAP_MS = 240;
const ROUND_KEY = 'last-round';

class Customer {
  answered = false;
  deadlineTimer = -1;
  constructor(
    readonly value: string,
    private readonly reply: Reply,
  ) {}

  answer(response: ProposeReply): void {
    if (this.answered) return;
    this.answered = true;
    this.reply(response);
  }
}

type Phase = 'idle' | 'preparing' | 'accepting' | 'backing-off';

class Proposer implements Handlers {
  private phase: Phase = 'idle';
  /** Customers who asked after the current round began: the next round is theirs. */
  private waiting: Customer[] = [];
  /** Customers the current round (or the retry after it) answers. */
  private riding: Customer[] = [];
  private ballot: Ballot | null = null;
  private promises = new Map<Address, Accepted | null>();
  private acceptances = new Set<Address>();
  private timer = -1;
  private failures = 0;
  private silentFailures = 0;

  constructor(
    private readonly node: Node,
    private readonly acceptors: Address[],
    private readonly deadlineMs: number,
  ) {}

  onRequest(request: unknown, reply: Reply): void {
    const { value } = request as ProposeRequest;
    const customer = new Customer(value, reply);
    customer.deadlineTimer = this.node.setTimer(this.deadlineMs, () => this.expire(customer));
    this.waiting.push(customer);
    if (this.phase === 'idle') this.startRound();
  }

  onMessage(from: Address, body: unknown): void {
    if (!this.acceptors.includes(from) || this.ballot === null) return;
    const msg = body as PaxosMessage;
    if (!('ballot' in msg) || compareBallots(msg.ballot, this.ballot) !== 0) return;

    switch (this.phase) {
      case 'preparing':
        if (msg.type === 'promise') {
          this.promises.set(from, msg.accepted);
          if (this.promises.size >= majorityOf(this.acceptors)) this.beginPhaseTwo();
        } else if (msg.type === 'nack') {
          this.refused(msg.promised);
        }
        return;
      case 'accepting':
        if (msg.type === 'accepted') {
          this.acceptances.add(from);
          if (this.acceptances.size >= majorityOf(this.acceptors)) this.chosen(msg.value);
        } else if (msg.type === 'nack') {
          this.refused(msg.promised);
        }
        return;
      case 'idle':
      case 'backing-off':
        return;
    }
  }

  private nextRound(): number {
    // After rounds that went unanswered (acceptors may refuse in silence, with no nack to say
    // how far behind we are), skip ahead exponentially rather than one round at a time.
    const step = this.silentFailures > 0 ? 2 ** Math.min(this.silentFailures - 1, 20) : 1;
    const round = (this.node.storage.get<number>(ROUND_KEY) ?? 0) + step;
    this.node.storage.set(ROUND_KEY, round);
    return round;
  }

  private startRound(): void {
    this.riding.push(...this.waiting);
    this.waiting = [];
    if (this.riding.length === 0) {
      this.phase = 'idle';
      return;
    }
    this.ballot = { round: this.nextRound(), node: this.node.id };
    this.promises.clear();
    this.acceptances.clear();
    this.phase = 'preparing';
    for (const to of this.acceptors) this.node.send(to, { type: 'prepare', ballot: this.ballot } satisfies PaxosMessage);
    this.node.clearTimer(this.timer);
    this.timer = this.node.setTimer(ROUND_TIMEOUT_MS, () => {
      this.silentFailures++;
      this.backOff();
    });
  }

  private beginPhaseTwo(): void {
    let highest: Accepted | null = null;
    for (const reported of this.promises.values()) {
      if (reported && (highest === null || compareBallots(reported.ballot, highest.ballot) > 0)) highest = reported;
    }
    const value = highest ? highest.value : this.riding[0]!.value;
    this.phase = 'accepting';
    for (const to of this.acceptors) this.node.send(to, { type: 'accept', ballot: this.ballot!, value } satisfies PaxosMessage);
  }

  private chosen(value: string): void {
    this.node.clearTimer(this.timer);
    this.failures = 0;
    this.silentFailures = 0;
    for (const customer of this.riding) {
      this.node.clearTimer(customer.deadlineTimer);
      customer.answer({ ok: true, value });
    }
    this.riding = [];
    this.phase = 'idle';
    if (this.waiting.length > 0) this.startRound();
  }

  private refused(promised: Ballot): void {
    // Skip straight past the number that beat us; the round is still written before use.
    const stored = this.node.storage.get<number>(ROUND_KEY) ?? 0;
    if (promised.round > stored) this.node.storage.set(ROUND_KEY, promised.round);
    this.silentFailures = 0;
    this.backOff();
  }

  private backOff(): void {
    this.node.clearTimer(this.timer);
    this.failures++;
    this.phase = 'backing-off';
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.failures, 5));
    const pause = 1 + Math.floor(this.node.random() * ceiling);
    this.timer = this.node.setTimer(pause, () => this.startRound());
  }

  private expire(customer: Customer): void {
    customer.answer({ ok: false, error: 'deadline' });
    this.waiting = this.waiting.filter((c) => c !== customer);
    this.riding = this.riding.filter((c) => c !== customer);
    if (this.waiting.length === 0 && this.riding.length === 0) {
      // Nobody left to answer: stop trying.
      this.node.clearTimer(this.timer);
      this.phase = 'idle';
      this.ballot = null;
    } else if (this.riding.length === 0 && this.phase !== 'backing-off') {
      // The round lost all its customers; those waiting get a fresh one.
      this.startRound();
    }
  }
}

export function createProposer(node: Node, options: ProposerOptions): Handlers {
  return new Proposer(node, options.acceptors, options.deadlineMs);
}

// ---- Learner -----------------------------------------------------------------------------------

const LEARNED_KEY = 'learned';

class Learner implements Handlers {
  private readonly votes = new Map<string, Set<Address>>();

  constructor(
    private readonly node: Node,
    private readonly options: LearnerOptions,
  ) {}

  onMessage(from: Address, body: unknown): void {
    const msg = body as PaxosMessage;
    if (msg.type !== 'accepted' || !this.options.acceptors.includes(from)) return;
    if (this.node.storage.get<string>(LEARNED_KEY) !== undefined) return;
    const key = ballotKey(msg.ballot);
    let voters = this.votes.get(key);
    if (!voters) this.votes.set(key, (voters = new Set()));
    voters.add(from);
    if (voters.size >= majorityOf(this.options.acceptors)) {
      this.node.storage.set(LEARNED_KEY, msg.value);
      this.options.onLearn(msg.value);
    }
  }
}

export function createLearner(node: Node, options: LearnerOptions): Handlers {
  return new Learner(node, options);
}
