import type { CheckResult } from './types.ts';
import { WELL_FORMED, isId, list, malformed, ms, name, show, timeOrder, times, violated } from './property-shared.ts';

/** One effect the system produced, e.g. an order handed over the counter or a charge made. */
export interface OutputEvent {
  /** Virtual time of the effect, in ms; duplicates are reported with their times. */
  tMs: number;
  /** What it was for, e.g. the order id. Compared with `===`, so `1` and `"1"` differ. */
  id: string | number;
}

/** What should have come out of a run, and what did. */
export interface ExactlyOnceHistory {
  /**
   * Every id that must come out exactly once, e.g. the ids of the orders placed. Read as a
   * set: listing an id twice does not ask for it twice.
   */
  expected: readonly (string | number)[];
  /** Every output seen, in any order; a violation's `events` are indices into this array. */
  outputs: readonly OutputEvent[];
}

/**
 * Checks that each expected id is output exactly once and nothing else is output (property
 * `exactly-once`). One message lists every kind of failure found, in this order: ids output
 * more than once (with their times), ids output that were never expected, and ids never
 * output. `events` are the indices of the duplicate and unexpected outputs, in time order.
 * Unreadable input is reported as `well-formed-input`.
 */
export function checkExactlyOnce(history: ExactlyOnceHistory): CheckResult {
  const h = (typeof history === 'object' && history !== null ? history : {}) as Partial<ExactlyOnceHistory>;
  if (!Array.isArray(h.expected)) return violated(WELL_FORMED, 'expected must be an array of ids.');
  const badId = h.expected.findIndex((id) => !isId(id));
  if (badId >= 0) {
    return violated(
      WELL_FORMED,
      `expected[${badId}] is ${show(h.expected[badId])}; ids must be strings or finite numbers.`,
    );
  }
  const bad = malformed('outputs', h.outputs, { timed: true, ids: ['id'] });
  if (bad) return bad;
  const expected = new Set<string | number>(h.expected);
  const outputs = h.outputs!;

  const seen = new Map<string | number, number[]>();
  const order = timeOrder(outputs);
  for (const i of order) {
    const id = outputs[i]!.id;
    const at = seen.get(id);
    if (at) at.push(i);
    else seen.set(id, [i]);
  }

  const atTimes = (indices: readonly number[]): string =>
    indices.length === 1
      ? `at ${ms(outputs[indices[0]!]!.tMs)}`
      : `at ${list(indices.map((i) => String(outputs[i]!.tMs)), 6)} ms`;

  const duplicated = [...seen].filter(([id, at]) => expected.has(id) && at.length > 1);
  // The moment it went wrong is the second output, so that is what orders the report.
  const later = (a: number, b: number): number => outputs[a]!.tMs - outputs[b]!.tMs || a - b;
  duplicated.sort((a, b) => later(a[1][1]!, b[1][1]!));
  const unexpected = [...seen].filter(([id]) => !expected.has(id));
  const missing = [...expected].filter((id) => !seen.has(id));

  const parts: string[] = [];
  const shown = 3;
  for (const [id, at] of duplicated.slice(0, shown)) {
    parts.push(`${name(id)} was output ${times(at.length)} (${atTimes(at)})`);
  }
  if (duplicated.length > shown) {
    const more = duplicated.length - shown;
    parts.push(`${more} more ${more === 1 ? 'id was' : 'ids were'} output more than once`);
  }
  if (unexpected.length > 0) {
    const items = unexpected.map(([id, at]) => `${name(id)} (${atTimes(at)})`);
    parts.push(`output but never expected: ${list(items, shown)}`);
  }
  if (missing.length > 0) {
    parts.push(`never output: ${list(missing.map(name), 8)} (${missing.length} of ${expected.size} expected)`);
  }
  if (parts.length === 0) return { outcome: 'ok' };

  const evidence = new Set([...duplicated, ...unexpected].flatMap(([, at]) => at));
  return violated(
    'exactly-once',
    `${parts.join('; ')}.`,
    order.filter((i) => evidence.has(i)),
  );
}
