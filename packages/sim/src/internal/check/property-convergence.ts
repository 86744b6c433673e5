import type { CheckResult } from './types.ts';
import { WELL_FORMED, canonical, list, malformed, name, show, violated } from './property-shared.ts';

/** What one replica answered when read after the network healed and traffic died down. */
export interface ReplicaState {
  /** The replica, e.g. `"barista-3"`. */
  node: string;
  /** Its value; replicas are compared by deep equality (key order does not matter). */
  value: unknown;
}

/** Options of `checkConvergence`. */
export interface ConvergenceOptions {
  /**
   * Replicas left out of the comparison, e.g. nodes that are crashed or still cut off and so
   * cannot be expected to have caught up. Names not present in `states` are fine.
   */
  ignoreNodes?: readonly string[];
}

/**
 * Checks that every replica holds the same value (property `convergence`): the eventual
 * consistency promise, to be run once partitions have healed and the system is quiescent.
 *
 * `states` is either a record from node to value or an array of `ReplicaState`; with an array,
 * a violation's `events` are the indices of the replicas that disagree with the most common
 * value. The message groups nodes by value, most common first. No replicas (or all ignored) is
 * ok. A node listed twice is reported as `well-formed-input`.
 */
export function checkConvergence(
  states: Readonly<Record<string, unknown>> | readonly ReplicaState[],
  options?: ConvergenceOptions,
): CheckResult {
  let entries: { node: string; value: unknown; index?: number }[];
  if (Array.isArray(states)) {
    const bad = malformed('states', states, { timed: false, strings: ['node'] });
    if (bad) return bad;
    const rows = states as readonly ReplicaState[];
    const seen = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const node = rows[i]!.node;
      const before = seen.get(node);
      if (before !== undefined) {
        return violated(
          WELL_FORMED,
          `${name(node)} appears twice in states (states[${before}] and states[${i}]); read each replica once.`,
          [before, i],
        );
      }
      seen.set(node, i);
    }
    entries = rows.map((r, index) => ({ node: r.node, value: r.value, index }));
  } else if (typeof states === 'object' && states !== null) {
    const rec = states as Readonly<Record<string, unknown>>;
    entries = Object.keys(rec).map((node) => ({ node, value: rec[node] }));
  } else {
    return violated(WELL_FORMED, `states must be a record from node to value or an array of { node, value }.`);
  }

  const ignore = options?.ignoreNodes;
  const ignored = new Set<string>(Array.isArray(ignore) ? ignore : []);
  const groups = new Map<string, { value: unknown; members: typeof entries }>();
  for (const e of entries) {
    if (ignored.has(e.node)) continue;
    const key = canonical(e.value);
    const g = groups.get(key);
    if (g) g.members.push(e);
    else groups.set(key, { value: e.value, members: [e] });
  }
  if (groups.size <= 1) return { outcome: 'ok' };

  // Most common value first: it is the likely "right" one, and the rest are the stragglers.
  const ordered = [...groups.values()].sort((a, b) => b.members.length - a.members.length);
  const text = ordered
    .map((g) => {
      const nodes = g.members.map((m) => name(m.node));
      return `${list(nodes, 8)} ${nodes.length === 1 ? 'holds' : 'hold'} ${show(g.value)}`;
    })
    .join('; ');
  const stragglers = ordered
    .slice(1)
    .flatMap((g) => g.members.map((m) => m.index))
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b);
  return violated('convergence', `the replicas did not converge: ${text}.`, stragglers);
}
