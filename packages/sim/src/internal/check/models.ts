/**
 * Sequential specifications for the linearizability checker: what one object does when its
 * operations happen one at a time. The checker asks a model only "can this operation, with
 * this result, take effect now, and what state follows?"; everything about concurrency and
 * real time stays in the checker.
 */
import type { Operation } from './types.ts';

/**
 * What `Model.step` returns when an operation cannot take effect in the given state.
 *
 * A private symbol rather than `undefined`, `null` or `false`, so that every value a learner
 * might use as a state (`undefined` included) stays available, and rather than an
 * `{ ok, state }` pair, so that the search (millions of steps) allocates nothing per step.
 */
export const ILLEGAL: unique symbol = Symbol('ILLEGAL');

/** The type of {@link ILLEGAL}, for writing `step`'s return type. */
export type Illegal = typeof ILLEGAL;

/**
 * One independent piece of a history, as returned by {@link Model.partition}: the checker
 * decides each piece on its own, and names the piece in its verdict so that a learner knows
 * where to look (e.g. `key "x"`).
 */
export interface Partition<Input, Output> {
  /** How messages name this piece, e.g. `key "x"`. */
  name: string;
  /** The operations of this piece, in any order. */
  history: readonly Operation<Input, Output>[];
}

/**
 * The sequential behaviour of one object, as the linearizability checker needs it.
 *
 * States must be treated as immutable: the search keeps earlier states to come back to them,
 * so `step` must return a new state rather than change the one it was given.
 */
export interface Model<State, Input, Output> {
  /** The state before any operation has taken effect. */
  init(): State;
  /**
   * Lets one operation take effect in `state`: returns the state after it, or {@link ILLEGAL}
   * when the operation could not have produced `output` in that state.
   *
   * `outputKnown` is `false` for an operation whose result never came back (its `returnMs` is
   * `Infinity`); `output` is then `undefined` and the step must accept whatever result the
   * operation could have had. It is a separate flag, not "`output` is `undefined`", because
   * `undefined` can be a legitimate result.
   */
  step(state: State, input: Input, output: Output | undefined, outputKnown: boolean): State | Illegal;
  /**
   * A value that is `===` for two states exactly when they behave the same, used to remember
   * which (set of operations, state) pairs the search has already ruled out. Defaults to the
   * state itself, which is right for primitive states; give one for object states, or the
   * memo never hits and the search can take exponential time.
   */
  key?(state: State): unknown;
  /**
   * Splits a history into pieces that can be checked independently (P-compositionality: the
   * whole is linearizable exactly when every piece is), e.g. one per key of a key–value
   * store. Checking pieces apart is exponentially cheaper than checking the whole.
   */
  partition?(history: readonly Operation<Input, Output>[]): Partition<Input, Output>[];
  /**
   * Names an operation in messages, e.g. `write(3)`, `read() → 2`, `cas(1→2) → false`;
   * without it the checker falls back to JSON. When the result is unknown (`returnMs` is
   * `Infinity`) the description should say so, e.g. `read() → ?`.
   */
  describe?(op: Operation<Input, Output>): string;
}

/** What one register operation asks: read the value, or overwrite it with `value`. */
export type RegisterInput<V = unknown> = { f: 'read' } | { f: 'write'; value: V };

/** What one compare-and-set register operation asks: a register operation or a `cas`. */
export type CasRegisterInput<V = unknown> = RegisterInput<V> | { f: 'cas'; from: V; to: V };

/** What one key–value store operation asks. */
export type KvInput =
  | { f: 'get'; key: string }
  | { f: 'put'; key: string; value: string }
  | { f: 'append'; key: string; value: string };

/** Longest value shown in a message; histories of appends grow values to hundreds of characters. */
const SHOWN_CHARS_MAX = 40;

/** Shows a value in a message: strings quoted, long ones shortened, `null` as `null`. */
function show(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > SHOWN_CHARS_MAX + 2 ? `${quoted.slice(0, SHOWN_CHARS_MAX + 1)}…"` : quoted;
  }
  if (typeof value === 'object' && value !== null) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return json.length > SHOWN_CHARS_MAX ? `${json.slice(0, SHOWN_CHARS_MAX)}…` : json;
    } catch {
      // Cyclic or otherwise unprintable: fall through to String().
    }
  }
  return String(value);
}

/** Shows an operation's result, or `?` when it never came back. */
function showOutput(op: Operation<unknown, unknown>): string {
  return op.returnMs === Infinity ? '?' : show(op.output);
}

/** One step of a read/write register, shared by both register models. */
function registerStep(state: unknown, input: RegisterInput, output: unknown, outputKnown: boolean): unknown {
  if (input.f === 'write') return input.value;
  if (input.f === 'read') return !outputKnown || output === state ? state : ILLEGAL;
  return ILLEGAL; // not a register operation: untyped histories can hold anything
}

/** An operation no model function recognises, shown as its raw input. */
function describeRaw(op: Operation<unknown, unknown>): string {
  return `${show(op.input)} → ${showOutput(op)}`;
}

/** Describes a read or a write, shared by both register models. */
function describeRegister(op: Operation<RegisterInput, unknown>): string {
  const input = op.input;
  if (input.f === 'write') return `write(${show(input.value)})`;
  if (input.f === 'read') return `read() → ${showOutput(op)}`;
  return describeRaw(op);
}

/**
 * A single read/write register holding one value, compared with `===` (keep values
 * primitive). A read returns the value last written, `null` if nothing was written yet; a
 * write's result is ignored.
 */
export const registerModel: Model<unknown, RegisterInput, unknown> = {
  init: () => null,
  step: registerStep,
  describe: describeRegister,
};

/**
 * A register with compare-and-set, like etcd's: `cas(from→to)` sets the value to `to` and
 * returns `true` when the value is `from` at the moment it takes effect, and otherwise
 * changes nothing and returns `false`.
 *
 * So a `false` cas is not a no-op: it says the value was not `from` when it took effect, which
 * is evidence a checker can use. That is how Porcupine reads Jepsen's `:fail :cas`, and all
 * 102 of its etcd histories get their expected answers with it. (Dropping failed cas
 * operations as telling nothing happens to give the same answers on that data, but would miss
 * a cas that failed while the value was `from`; reading them as "result unknown, may have
 * swapped" gets 20 of the 79 non-linearizable histories wrong.) A cas whose result is unknown
 * may have swapped or not, whichever the value at that point allowed.
 */
export const casRegisterModel: Model<unknown, CasRegisterInput, unknown> = {
  init: () => null,
  step(state, input, output, outputKnown) {
    if (input.f !== 'cas') return registerStep(state, input, output, outputKnown);
    if (state === input.from) return !outputKnown || output === true ? input.to : ILLEGAL;
    return !outputKnown || output === false ? state : ILLEGAL;
  },
  describe(op) {
    const input = op.input;
    if (input.f !== 'cas') return describeRegister({ ...op, input });
    return `cas(${show(input.from)}→${show(input.to)}) → ${showOutput(op)}`;
  },
};

/**
 * A key–value store of strings: `get` returns the key's value (`''` when never written),
 * `put` replaces it, `append` adds to its end; put's and append's results are ignored.
 *
 * Keys are independent, so the model partitions a history per key and its state is the value
 * of the one key being checked. That is also why it must be used through
 * `checkLinearizable`, which always partitions: `step` alone does not look at keys.
 */
export const kvModel: Model<string, KvInput, string> = {
  init: () => '',
  step(state, input, output, outputKnown) {
    switch (input.f) {
      case 'get':
        return !outputKnown || output === state ? state : ILLEGAL;
      case 'put':
        return input.value;
      case 'append':
        return state + input.value;
      default:
        return ILLEGAL; // not a key–value operation: untyped histories can hold anything
    }
  },
  partition(history) {
    const byKey = new Map<string, Operation<KvInput, string>[]>();
    for (const op of history) {
      const ops = byKey.get(op.input.key);
      if (ops) ops.push(op);
      else byKey.set(op.input.key, [op]);
    }
    return [...byKey].map(([key, ops]) => ({ name: `key ${show(key)}`, history: ops }));
  },
  describe(op) {
    const input = op.input;
    switch (input.f) {
      case 'get':
        return `get(${show(input.key)}) → ${showOutput(op)}`;
      case 'put':
        return `put(${show(input.key)}, ${show(input.value)})`;
      case 'append':
        return `append(${show(input.key)}, ${show(input.value)})`;
      default:
        return describeRaw(op);
    }
  },
};
