import type { CheckResult } from './types.ts';
import { canonical, list, malformed, ms, name, show, timeOrder, violated } from './property-shared.ts';

/**
 * A value some node put forward. Proposals carry no time: validity only asks whether a value
 * was proposed at all, not when.
 */
export interface Proposal {
  /** Who proposed it, e.g. `"barista-1"`. */
  node: string;
  /** The proposed value; compared with decisions by deep equality. */
  value: unknown;
}

/** A node declaring a value chosen, as the harness saw the learner's code report it. */
export interface Decision {
  /** Virtual time of the decision, in ms; the earliest conflicting decision is reported. */
  tMs: number;
  /** The deciding node. */
  node: string;
  /** The decided value; compared by deep equality (key order does not matter). */
  value: unknown;
}

/** What one run of a consensus protocol was asked and what it answered. */
export interface ConsensusHistory {
  /** Every proposal made during the run. */
  proposals: readonly Proposal[];
  /** Every decision, in any order; a violation's `events` are indices into this array. */
  decisions: readonly Decision[];
}

/**
 * Checks the safety of single-value consensus:
 * - `agreement`: no two nodes decide different values;
 * - `validity`: every decided value was proposed by some node;
 * - `integrity`: a node decides at most once. Deciding the same value a second time is
 *   reported too, since it shows the node does not remember having decided.
 *
 * Decisions are taken in `tMs` order (ties in array order) and the first decision that breaks
 * anything is reported. When one decision breaks several properties, integrity is named first,
 * then validity, then agreement: the first is the most specific explanation of the rest.
 * `events` are indices into `decisions`. Termination is not checked: no decisions is ok.
 * Unreadable input is reported as `well-formed-input`.
 */
export function checkConsensus(history: ConsensusHistory): CheckResult {
  const h = (typeof history === 'object' && history !== null ? history : {}) as Partial<ConsensusHistory>;
  const bad =
    malformed('proposals', h.proposals, { timed: false, strings: ['node'] }) ??
    malformed('decisions', h.decisions, { timed: true, strings: ['node'] });
  if (bad) return bad;
  const proposals = h.proposals!;
  const decisions = h.decisions!;

  const proposed = new Set(proposals.map((p) => canonical(p.value)));

  const decidedBy = new Map<string, number>();
  let first: number | undefined;
  for (const i of timeOrder(decisions)) {
    const d = decisions[i]!;
    const value = canonical(d.value);
    const who = name(d.node);
    const prev = decidedBy.get(d.node);
    if (prev !== undefined) {
      const p = decisions[prev]!;
      return violated(
        'integrity',
        canonical(p.value) === value
          ? `${who} decided ${show(d.value)} twice, at ${ms(p.tMs)} and again at ${ms(d.tMs)}; ` +
              'a node decides at most once.'
          : `${who} decided ${show(p.value)} at ${ms(p.tMs)} and then ${show(d.value)} at ${ms(d.tMs)}; ` +
              'a node decides at most once and never changes its decision.',
        [prev, i],
      );
    }
    if (!proposed.has(value)) {
      return violated(
        'validity',
        `${who} decided ${show(d.value)} at ${ms(d.tMs)}, but no node proposed it ` +
          (proposals.length === 0 ? '(nothing was proposed).' : `(proposed: ${describeProposals(proposals)}).`),
        [i],
      );
    }
    if (first !== undefined && canonical(decisions[first]!.value) !== value) {
      const f = decisions[first]!;
      return violated(
        'agreement',
        `${who} decided ${show(d.value)} at ${ms(d.tMs)}, but ${name(f.node)} had decided ` +
          `${show(f.value)} at ${ms(f.tMs)}; all nodes must decide the same value.`,
        [first, i],
      );
    }
    decidedBy.set(d.node, i);
    first ??= i;
  }
  return { outcome: 'ok' };
}

/** `"latte" (by barista-2), "mocha" (by barista-1, barista-3)`: each proposed value once, with who proposed it. */
function describeProposals(proposals: readonly Proposal[]): string {
  const groups = new Map<string, { value: unknown; nodes: string[] }>();
  for (const p of proposals) {
    const key = canonical(p.value);
    const g = groups.get(key);
    if (g) g.nodes.push(name(p.node));
    else groups.set(key, { value: p.value, nodes: [name(p.node)] });
  }
  return list(Array.from(groups.values(), (g) => `${show(g.value)} (by ${list(g.nodes, 3)})`));
}
