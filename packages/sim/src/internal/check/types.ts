/**
 * Shared shapes for the checkers. A checker never throws on a bad history: it answers with a
 * `CheckResult`, which a hidden test turns into a message in the exercise's own terms.
 */

/**
 * One client operation as a checker sees it: what was asked, what came back, and the interval
 * of virtual time in which it could have taken effect.
 */
export interface Operation<Input = unknown, Output = unknown> {
  /** Unique id within its history; violations name operations by these ids. */
  id: number;
  /** Who issued it. A client issues one operation at a time. */
  client: string;
  /** What was asked, e.g. `{ f: 'write', value: 3 }`. */
  input: Input;
  /** What came back; ignored when the result is unknown (`returnMs` is `Infinity`). */
  output: Output | undefined;
  /** Virtual time of the invocation, in ms. */
  callMs: number;
  /**
   * Virtual time of the response, in ms. `Infinity` when the result is unknown (the operation
   * timed out or its client crashed): it may have taken effect at any point after `callMs`,
   * or never.
   */
  returnMs: number;
}

/** The property held over everything that was checked. */
export interface CheckOk {
  /** The property held. */
  outcome: 'ok';
}

/** The property was broken; `message` says how, in plain words, and names the evidence. */
export interface CheckViolated {
  /** The property was broken. */
  outcome: 'violated';
  /** Short name of the broken property, e.g. `"linearizability"`, `"agreement"`. */
  property: string;
  /** One or two sentences a learner can act on. */
  message: string;
  /** Ids of the operations that show the violation (for history checkers). */
  operations?: number[];
  /** Indices into the trace's `events` that show the violation (for trace checkers). */
  events?: number[];
}

/** The checker could not decide within its budget. Never to be read as "ok". */
export interface CheckUnknown {
  /** Undecided: the budget ran out or the input could not be read. */
  outcome: 'unknown';
  /** Why the checker could not decide. */
  message: string;
}

/** What every checker answers: ok, violated with the evidence, or unknown. */
export type CheckResult = CheckOk | CheckViolated | CheckUnknown;
