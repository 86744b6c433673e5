/**
 * Linearizability checking: could the operations of a concurrent history have taken effect
 * one at a time, each at some instant between its call and its return, in a way the object's
 * sequential model explains?
 *
 * The search is Wing & Gong's, with Lowe's memoisation, laid out as in Porcupine
 * (github.com/anishathalye/porcupine): calls and returns sit in one doubly linked list sorted
 * by time; the search lets a pending operation take effect by unlinking it ("lifting"),
 * backtracks by relinking it, and remembers every (set of operations taken effect, state)
 * pair it has already explored, since from the same pair the rest of the search is the same.
 *
 * Real-time order, which every explanation must respect: operation `a` must take effect
 * before `b` when `a.returnMs < b.callMs`, or when both come from the same client and `b` was
 * called at the very ms `a` returned (`a.returnMs === b.callMs`, `a.callMs < b.callMs`).
 * Otherwise they overlap: intervals are closed, because in virtual time many events share a
 * millisecond and an operation of another client called in the ms some operation returned
 * may well have been called first; treating that as ordered would report violations that did
 * not happen. A client's own next call, though, always follows its previous return.
 */
import { ILLEGAL, type Model } from './models.ts';
import type { CheckResult, Operation } from './types.ts';

export * from './models.ts';

/** Options of {@link checkLinearizable}. */
export interface CheckLinearizableOptions {
  /**
   * Most search steps (attempts to let an operation take effect) over all partitions before
   * the checker gives up and answers `unknown`. Deciding linearizability is NP-complete, so
   * some histories cannot be decided quickly; the budget keeps a test from hanging. Default
   * {@link LINEARIZABILITY_STEPS_MAX_DEFAULT}.
   */
  stepsMax?: number;
}

/**
 * Default search budget: under a second of search (about 15 million steps a second on a small
 * machine), yet over eight times what the hardest Porcupine history needs (etcd_002, about
 * 1.2 million steps).
 */
export const LINEARIZABILITY_STEPS_MAX_DEFAULT = 10_000_000;

/**
 * Most memory the memo may take, whatever the step budget: histories are checked in test
 * runners and browsers, where running out of memory is worse than answering `unknown`.
 */
const MEMO_BYTES_MAX = 256 * 1024 * 1024;

/** No entry: the end of the linked list, or no predecessor. */
const NIL = -1;

/** At most this many operations are named as evidence, so that messages stay readable. */
const EVIDENCE_MAX = 5;

/** How one partition's search ended. */
type SearchResult =
  | { kind: 'ok'; steps: number }
  | { kind: 'unknown'; steps: number; outOfMemory: boolean }
  | {
      kind: 'violated';
      steps: number;
      /** Index of the operation whose return the deepest partial order could not get past. */
      stuck: number;
      /** Other operations pending at that point, which could not go next either. */
      pending: number[];
      /** How many operations the deepest partial order placed. */
      depth: number;
      /** The last operation it placed, or NIL. */
      last: number;
    };

/**
 * Checks that a history is linearizable with respect to `model`.
 *
 * An operation whose result is unknown (`returnMs === Infinity`) may take effect at any point
 * after its call, or never. Partitioned models are checked piece by piece, smallest first,
 * so a cheap violation is found before an expensive piece is searched.
 *
 * Answers `ok`, `violated` (with the operations that show it and a message naming them), or
 * `unknown` when the budget ran out or the history is malformed (an operation returns before
 * it is called, or a time is not a number) — never `ok` without having found an order.
 *
 * The history's inputs and outputs are not tied to the model's types, because histories
 * recorded by the simulation (`sim.operations()`) are untyped: each input goes to the model
 * as it is, and the built-in models reject operations they do not know.
 */
export function checkLinearizable<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation[],
  options: CheckLinearizableOptions = {},
): CheckResult {
  const stepsMax = options.stepsMax ?? LINEARIZABILITY_STEPS_MAX_DEFAULT;
  if (!(stepsMax >= 0)) throw new RangeError(`stepsMax must be a number ≥ 0, not ${String(options.stepsMax)}`);

  for (const op of history) {
    if (!Number.isFinite(op.callMs) || Number.isNaN(op.returnMs) || op.returnMs < op.callMs) {
      return {
        outcome: 'unknown',
        message:
          `Cannot check this history: operation ${op.id} by client ${op.client} has call time ${op.callMs} ms ` +
          `and return time ${op.returnMs} ms; a call time must be a finite number no later than the return time.`,
      };
    }
  }

  const typed = history as readonly Operation<Input, Output>[];
  const partitions = model.partition
    ? model.partition(typed).sort((a, b) => a.history.length - b.history.length)
    : [{ name: '', history: typed }];

  let stepsLeft = stepsMax;
  for (let p = 0; p < partitions.length; p++) {
    const part = partitions[p]!;
    const ops = part.history;
    const result = search(model, ops, stepsLeft);
    stepsLeft -= result.steps;
    if (result.kind === 'unknown') {
      const where = part.name === '' ? '' : ` for ${part.name}`;
      const progress = partitions.length > 1 ? ` (${p} of ${partitions.length} parts were linearizable)` : '';
      const limit = result.outOfMemory
        ? `before its memo reached ${MEMO_BYTES_MAX / 1024 / 1024} MB (after ${stepsMax - stepsLeft} search steps)`
        : `within ${stepsMax} search steps (stepsMax)`;
      const advice = result.outOfMemory ? 'check' : 'raise stepsMax, or check';
      return {
        outcome: 'unknown',
        message:
          `Could not decide linearizability${where} ${limit}${progress}. This says nothing either way: ` +
          `${advice} a shorter or less concurrent history.`,
      };
    }
    if (result.kind === 'violated') {
      const name = (i: number): string => nameOp(model, ops[i]!);
      const prefix = part.name === '' ? 'No order' : `For ${part.name}, no order`;
      let message = `${prefix} of the operations explains ${name(result.stuck)}. `;
      message +=
        result.depth === 0
          ? 'It cannot be the first to take effect, and nothing else can take effect before it returns'
          : `The longest order that fits places ${result.depth} of ${ops.length} operations, the last being ` +
            `${name(result.last)}, and cannot go on so that ${describeOnly(model, ops[result.stuck]!)} takes ` +
            'effect before it returns';
      if (result.pending.length > 0) message += ` (also pending at that point: ${result.pending.map(name).join('; ')})`;
      message += '.';
      return {
        outcome: 'violated',
        property: 'linearizability',
        message,
        // The operation that could not be placed, then the one after which it could not,
        // then the others still pending there.
        operations: [result.stuck, ...(result.last === NIL ? [] : [result.last]), ...result.pending]
          .slice(0, EVIDENCE_MAX)
          .map((i) => ops[i]!.id),
      };
    }
  }
  return { outcome: 'ok' };
}

/** An operation as messages name it: what it did, who did it, and when. */
function nameOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const when = op.returnMs === Infinity ? `from ${op.callMs} ms, result unknown` : `${op.callMs}–${op.returnMs} ms`;
  return `${describeOnly(model, op)} by client ${op.client} (${when})`;
}

/** What an operation did, in backquotes, as the model describes it. */
function describeOnly<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  if (model.describe) return `\`${model.describe(op)}\``;
  let text: string;
  try {
    text = `${JSON.stringify(op.input)} → ${op.returnMs === Infinity ? '?' : JSON.stringify(op.output)}`;
  } catch {
    text = `operation ${op.id}`;
  }
  return `\`${text}\``;
}

/**
 * Zobrist hashing: each operation gets a fixed random 32-bit word and a set's hash is the XOR
 * of its members' words, so adding or removing one operation updates the hash in O(1).
 * Seeded, so that runs (and the order of cache probes) are reproducible.
 */
function zobristWords(n: number): Int32Array {
  const words = new Int32Array(n);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return words;
}

/**
 * The memo: a set of (bitset of operations taken effect, state id) pairs, in an
 * open-addressing hash table over flat typed arrays, so that remembering a pair costs one copy
 * of the bitset's words and no object per entry.
 *
 * States are interned to small integer ids first (see `search`) and the id is mixed into the
 * hash: many states share one set of operations (every order of the same appends does), and
 * with the set alone as the hash they would pile up in one probe chain and be compared
 * character by character.
 */
class Memo {
  private readonly words: number;
  private pool: Uint32Array;
  private hashes: Int32Array;
  private ids: Int32Array;
  private count = 0;
  /** Slots hold entry index + 1; 0 is empty. */
  private table: Int32Array;
  private mask: number;

  constructor(words: number) {
    this.words = words;
    const capacity = 1024;
    this.pool = new Uint32Array(capacity * words);
    this.hashes = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
  }

  /**
   * Adds the pair, whose hash is `hash`. Answers 1 when it was added, 0 when it was already
   * there, and -1 when there is no memory left to add it (so that a huge search ends in
   * "unknown" rather than an exception).
   */
  add(bits: Uint32Array, hash: number, id: number): number {
    const words = this.words;
    const table = this.table;
    const mask = this.mask;
    let slot = (hash ^ (hash >>> 16)) & mask;
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) break;
      const e = entry - 1;
      if (this.hashes[e] === hash && this.ids[e] === id) {
        const base = e * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (this.pool[base + w] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) return 0;
      }
      slot = (slot + 1) & mask;
    }
    const e = this.count;
    try {
      if (e >= this.hashes.length) this.grow();
      if ((e + 1) * 2 > this.mask + 1) this.rehash();
    } catch (error) {
      if (error instanceof RangeError) return -1;
      throw error;
    }
    this.count++;
    this.pool.set(bits, e * words);
    this.hashes[e] = hash;
    this.ids[e] = id;
    if (this.table === table) table[slot] = e + 1;
    else this.insertSlot(e);
    return 1;
  }

  private grow(): void {
    // Pool, hashes and ids at twice the capacity, plus the table rehashed at four times it.
    const capacity = this.hashes.length * 2;
    if (capacity * (4 * this.words + 8) + capacity * 16 > MEMO_BYTES_MAX) throw new RangeError('memo full');
    const pool = new Uint32Array(this.pool.length * 2);
    pool.set(this.pool);
    this.pool = pool;
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
  }

  /** Doubles the table and reinserts every entry. */
  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let e = 0; e < this.count; e++) this.insertSlot(e);
  }

  /** Puts entry `e` into the first free slot of its probe sequence. */
  private insertSlot(e: number): void {
    const hash = this.hashes[e]!;
    const table = this.table;
    const mask = this.mask;
    let slot = (hash ^ (hash >>> 16)) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = e + 1;
  }
}

/**
 * Searches one partition. Operation i has call entry 2i and, when its result is known, return
 * entry 2i + 1; entry 2n is the list's head. Operations with unknown results have no return
 * entry: nothing forces them to take effect, so the search succeeds once every operation with
 * a known result has taken effect, and the rest are taken never to have happened.
 */
function search<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], stepsMax: number): SearchResult {
  const n = ops.length;
  const head = 2 * n;
  const known = new Uint8Array(n);
  const inputs: I[] = new Array<I>(n);
  const outputs: (O | undefined)[] = new Array<O | undefined>(n);
  let knownLeft = 0;
  const entries: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    inputs[i] = op.input;
    entries.push(2 * i);
    if (op.returnMs !== Infinity) {
      known[i] = 1;
      knownLeft++;
      outputs[i] = op.output;
      entries.push(2 * i + 1);
    }
  }
  if (knownLeft === 0) return { kind: 'ok', steps: 0 };

  // Sorted by time; at equal times calls come first, so that intervals touching at one ms
  // overlap (see the module comment).
  const timeOf = (e: number): number => ((e & 1) === 0 ? ops[e >> 1]!.callMs : ops[e >> 1]!.returnMs);
  entries.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || a - b);
  const next = new Int32Array(2 * n + 1).fill(NIL);
  const prev = new Int32Array(2 * n + 1).fill(NIL);
  let last = head;
  for (const e of entries) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }

  // Same-client order at a shared ms, which the list's order cannot express: predecessors of
  // operation i are preds[predStart[i] .. predStart[i + 1]).
  const returnsAt = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!known[i]) continue;
    const op = ops[i]!;
    const key = `${op.returnMs}\u0000${op.client}`;
    const list = returnsAt.get(key);
    if (list) list.push(i);
    else returnsAt.set(key, [i]);
  }
  const predStart = new Int32Array(n + 1);
  const predList: number[] = [];
  for (let i = 0; i < n; i++) {
    predStart[i] = predList.length;
    const op = ops[i]!;
    const before = returnsAt.get(`${op.callMs}\u0000${op.client}`);
    if (before) for (const j of before) if (ops[j]!.callMs < op.callMs) predList.push(j);
  }
  predStart[n] = predList.length;
  const preds = Int32Array.from(predList);

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = zobristWords(n);
  let hash = 0;
  const memo = new Memo(words);
  const stackOp = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;
  let state = model.init();
  const keyOf = model.key;
  // State keys interned to ids: a Map hashes each distinct key once (strings cache their hash).
  const stateIds = new Map<unknown, number>();

  let steps = 0;
  let bestDepth = -1;
  let bestStuck = NIL;
  let bestLast = NIL;
  let bestPending: number[] = [];

  let entry = next[head]!;
  for (;;) {
    if (entry === NIL) return { kind: 'ok', steps };
    const op = entry >> 1;
    if ((entry & 1) === 0) {
      let ready = true;
      for (let p = predStart[op]!, end = predStart[op + 1]!; p < end; p++) {
        const q = preds[p]!;
        if ((bits[q >>> 5]! & (1 << (q & 31))) === 0) {
          ready = false;
          break;
        }
      }
      if (ready) {
        if (steps >= stepsMax) return { kind: 'unknown', steps, outOfMemory: false };
        steps++;
        const isKnown = known[op] === 1;
        const after = model.step(state, inputs[op] as I, outputs[op], isKnown);
        if (after !== ILLEGAL) {
          const w = op >>> 5;
          const m = 1 << (op & 31);
          bits[w] = bits[w]! | m;
          hash ^= zobrist[op]!;
          const stateKey = keyOf === undefined ? after : keyOf.call(model, after);
          let id = stateIds.get(stateKey);
          if (id === undefined) {
            id = stateIds.size;
            stateIds.set(stateKey, id);
          }
          const added = memo.add(bits, hash ^ Math.imul(id + 1, 0x9e3779b1), id);
          if (added < 0) return { kind: 'unknown', steps, outOfMemory: true };
          if (added > 0) {
            stackOp[depth] = op;
            stackState[depth] = state;
            depth++;
            state = after;
            // Lift: unlink the call and, if any, the return.
            let p = prev[entry]!;
            let q = next[entry]!;
            next[p] = q;
            if (q !== NIL) prev[q] = p;
            if (isKnown) {
              const r = entry + 1;
              p = prev[r]!;
              q = next[r]!;
              next[p] = q;
              if (q !== NIL) prev[q] = p;
              if (--knownLeft === 0) return { kind: 'ok', steps };
            }
            entry = next[head]!;
            continue;
          }
          bits[w] = bits[w]! & ~m;
          hash ^= zobrist[op]!;
        }
      }
      entry = next[entry]!;
      continue;
    }

    // A return: this operation must have taken effect by now and has not, so this branch is
    // dead. Remember the deepest dead end: it is the best evidence to show a learner.
    if (depth > bestDepth) {
      bestDepth = depth;
      bestStuck = op;
      bestLast = depth > 0 ? stackOp[depth - 1]! : NIL;
      bestPending = [];
      for (let e = next[head]!; e !== entry && bestPending.length < EVIDENCE_MAX - 1; e = next[e]!) {
        if (known[e >> 1] === 1 && e >> 1 !== op) bestPending.push(e >> 1);
      }
    }
    if (depth === 0) {
      return { kind: 'violated', steps, stuck: bestStuck, pending: bestPending, depth: bestDepth, last: bestLast };
    }
    // Backtrack: relink the last operation to take effect, return first, then try the next
    // candidate after it.
    depth--;
    const undo = stackOp[depth]!;
    state = stackState[depth]!;
    const w = undo >>> 5;
    bits[w] = bits[w]! & ~(1 << (undo & 31));
    hash ^= zobrist[undo]!;
    const c = 2 * undo;
    if (known[undo] === 1) {
      knownLeft++;
      const r = c + 1;
      next[prev[r]!] = r;
      const q = next[r]!;
      if (q !== NIL) prev[q] = r;
    }
    next[prev[c]!] = c;
    const q = next[c]!;
    if (q !== NIL) prev[q] = c;
    entry = q;
  }
}
