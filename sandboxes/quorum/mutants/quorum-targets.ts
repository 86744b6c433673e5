// Mutant: gets go only to the first R replicas and puts only to the first W, not to all N, so one of them down blocks the operation.
import type { Address, Handlers, Node, Reply } from '@baristas/sim';
import type {
  CoordinatorOptions,
  CustomerRequest,
  Failed,
  GetReply,
  GetRequest,
  PutReply,
  PutRequest,
  ReadOk,
  ReplicaReply,
  ReplicaRequest,
  Version,
  WriteOk,
} from './protocol';

/** The version of a key nobody has written: older than every real write. */
const NO_VERSION: Version = { counter: 0, writer: '' };

/**
 * True when `a` is newer than `b`: the higher counter wins, and on equal counters the higher
 * writer id. Counters compare as numbers (as strings, "10" would sort before "9"), and the
 * writer breaks ties so that every replica orders two concurrent writes the same way.
 */
function newer(a: Version, b: Version): boolean {
  return a.counter > b.counter || (a.counter === b.counter && a.writer > b.writer);
}

/** What a replica keeps per key in `node.storage`. */
interface Stored {
  value: string;
  version: Version;
}

/**
 * A barista keeping a copy of the notepad. Answers gets with what it holds and stores a put
 * only when its version is newer than what it holds. Everything lives in `node.storage`, so a
 * crash loses nothing it acknowledged.
 */
export function createReplica(node: Node): Handlers {
  const slot = (key: string): string => `order/${key}`;
  return {
    onMessage(from, body) {
      const m = body as ReplicaRequest;
      const held = node.storage.get<Stored>(slot(m.key));
      if (m.type === 'get') {
        const reply: GetReply = { type: 'get-ok', req: m.req, key: m.key, value: held?.value ?? null, version: held?.version ?? NO_VERSION };
        node.send(from, reply);
      } else if (m.type === 'put') {
        // An older put arrives late, twice, or from a read repair that lost a race: keeping it
        // would undo a newer write this replica already acknowledged.
        if (!held || newer(m.version, held.version)) node.storage.set(slot(m.key), { value: m.value, version: m.version } satisfies Stored);
        // Acknowledge either way: the replica now holds this version or a newer one.
        const reply: PutReply = { type: 'put-ok', req: m.req, key: m.key };
        node.send(from, reply);
      }
    },
  };
}

/**
 * How often a phase sends its request again to the replicas that have not answered, in ms.
 * The network takes up to 10 ms each way, so an answer missing after 30 ms was most likely
 * lost, or its replica is down. Resending is safe: gets change nothing, and a put stored twice
 * is stored once.
 */
const RETRY_MS = 30;

/** One phase of an operation: a request sent to the replicas, and who has answered it. */
interface Phase {
  /** The request id every message of this phase carries. */
  req: number;
  /** The message every replica of this phase is sent. */
  message: ReplicaRequest;
  /** Replicas that must still answer; the resend timer asks them again. */
  waitingFor: Set<Address>;
  /** Called once per replica with its first answer; duplicates never reach it. */
  onAnswer(from: Address, m: ReplicaReply): void;
}

/** A customer's operation in progress at this till. */
interface Operation {
  reply: Reply;
  /** The deadline timer and the resend timer; both are cleared when the operation ends. */
  deadline: number;
  resend: number;
  phase: Phase | undefined;
  done: boolean;
}

/**
 * A till: takes a customer's read or write and runs it against the key's `N` replicas.
 *
 * - A write asks every replica for its version, waits for `R` answers, takes a version above
 *   all of them, sends the value with that version to every replica, and answers once `W`
 *   have acknowledged it.
 * - A read asks every replica, waits for `R` answers, and takes the newest. Before answering,
 *   it makes sure `W` replicas hold that version, sending it to those that have not shown they
 *   do (read repair). That is what keeps a later read from going back to an older value.
 */
export function createCoordinator(node: Node, options: CoordinatorOptions): Handlers {
  const { replicas, r, w, timeoutMs } = options;

  // Request ids identify phases, not operations: a late answer to an earlier phase (of this
  // operation or another) finds no phase under its req and is ignored.
  let nextReq = 1;
  const phases = new Map<number, { op: Operation; phase: Phase }>();

  // The highest counter this till has given a write, per key. Two writes running at once
  // through this till read the same versions; without it they would both take max + 1 and
  // give two different values the same version, which no replica could order.
  const highestUsed = new Map<string, number>();

  function finish(op: Operation, answer: WriteOk | ReadOk | Failed): void {
    if (op.done) return;
    op.done = true;
    node.clearTimer(op.deadline);
    node.clearTimer(op.resend);
    if (op.phase) phases.delete(op.phase.req);
    op.reply(answer);
  }

  /** Sends the current phase's message to every replica still waiting, then again every RETRY_MS. */
  function send(op: Operation): void {
    const phase = op.phase;
    if (op.done || !phase) return;
    for (const replica of phase.waitingFor) node.send(replica, phase.message);
    op.resend = node.setTimer(RETRY_MS, () => send(op));
  }

  function startPhase(op: Operation, makeMessage: (req: number) => ReplicaRequest, targets: Address[], onAnswer: Phase['onAnswer']): void {
    if (op.phase) phases.delete(op.phase.req);
    node.clearTimer(op.resend);
    const req = nextReq++;
    const phase: Phase = { req, message: makeMessage(req), waitingFor: new Set(targets), onAnswer };
    op.phase = phase;
    phases.set(req, { op, phase });
    send(op);
  }

  /**
   * First phase of both operations: collect `R` replicas' versions of `key`. Hands on the
   * newest answer, and the replicas that answered with that very version: they already hold
   * it, so they count towards the `W` replicas a read must leave holding what it returns.
   */
  function readVersions(op: Operation, key: string, then: (newest: GetReply, holders: Set<Address>) => void): void {
    const answers = new Map<Address, GetReply>();
    startPhase(
      op,
      (req) => ({ type: 'get', req, key }) satisfies GetRequest,
      // Only R answers are needed, so only R replicas are asked.
      replicas.slice(0, r),
      (from, m) => {
        if (m.type !== 'get-ok') return;
        answers.set(from, m);
        if (answers.size < r) return;
        let newest = m;
        for (const answer of answers.values()) if (newer(answer.version, newest.version)) newest = answer;
        const holders = new Set<Address>();
        for (const [replica, answer] of answers) if (!newer(newest.version, answer.version)) holders.add(replica);
        then(newest, holders);
      },
    );
  }

  /** Second phase: store `value` at `version` until `W` replicas hold it; `holders` already do. */
  function store(op: Operation, key: string, value: string, version: Version, holders: Set<Address>, then: () => void): void {
    if (holders.size >= w) return then();
    startPhase(
      op,
      (req) => ({ type: 'put', req, key, value, version }) satisfies PutRequest,
      replicas.slice(0, w).filter((replica) => !holders.has(replica)),
      (from, m) => {
        if (m.type !== 'put-ok') return;
        holders.add(from);
        if (holders.size >= w) then();
      },
    );
  }

  return {
    onRequest(request, reply) {
      const c = request as CustomerRequest;
      const op: Operation = { reply, deadline: 0, resend: 0, phase: undefined, done: false };
      const what = c.op === 'write' ? 'write' : 'read';
      // However the replicas behave, the customer hears back by the deadline.
      op.deadline = node.setTimer(timeoutMs, () => {
        const heard = op.phase ? replicas.length - op.phase.waitingFor.size : 0;
        const stage = op.phase?.message.type === 'put' ? `acknowledged the ${what === 'write' ? 'write' : 'read repair'}` : 'answered';
        const needed = op.phase?.message.type === 'put' ? w : r;
        finish(op, {
          ok: false,
          error: `only ${heard} of ${replicas.length} replicas ${stage} within ${timeoutMs} ms; a ${what} needs ${needed}`,
        });
      });

      if (c.op === 'write') {
        readVersions(op, c.key, (newest) => {
          const counter = Math.max(newest.version.counter, highestUsed.get(c.key) ?? 0) + 1;
          highestUsed.set(c.key, counter);
          const version: Version = { counter, writer: node.id };
          store(op, c.key, c.value, version, new Set(), () => finish(op, { ok: true, version }));
        });
      } else {
        readVersions(op, c.key, (newest, holders) => {
          const answer: ReadOk = { ok: true, value: newest.value, version: newest.version };
          // Nothing written yet: there is nothing to repair.
          if (newest.value === null) return finish(op, answer);
          store(op, c.key, newest.value, newest.version, holders, () => finish(op, answer));
        });
      }
    },

    onMessage(from, body) {
      const m = body as ReplicaReply;
      const entry = phases.get(m.req);
      if (!entry || entry.op.done || entry.op.phase !== entry.phase) return; // late: its phase is over
      // A duplicated answer, or a second answer to a resent request, counts once.
      if (!entry.phase.waitingFor.delete(from)) return;
      entry.phase.onAnswer(from, m);
    },
  };
}
