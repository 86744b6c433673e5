import type { CheckResult } from './types.ts';
import { WELL_FORMED, malformed, ms, name, timeOrder, violated } from './property-shared.ts';

/**
 * One change in who holds a lock, as the test harness saw it happen. The harness records
 * `acquired`/`released` when the learner's code says it got or gave up the lock, and `expired`
 * when the simulation ends that client's session (e.g. a ZooKeeper session timeout).
 */
export interface LockEvent {
  /** Virtual time of the change, in ms. */
  tMs: number;
  /** The client the event is about, e.g. `"barista-1"`; named as is in messages. */
  holder: string;
  /**
   * `expired` ends a hold without the holder's consent: from then on that holder no longer
   * counts as holding, so another client may acquire. An `expired` for a client that did not
   * hold the lock (a waiter whose session timed out) changes nothing.
   */
  type: 'acquired' | 'released' | 'expired';
}

const TYPES: ReadonlySet<unknown> = new Set(['acquired', 'released', 'expired']);

type HolderState =
  | { kind: 'free'; lastReleaseIndex?: number }
  | { kind: 'holding'; sinceMs: number; index: number }
  | { kind: 'expired' };

/**
 * Checks that at no moment two clients hold the lock (property `mutual-exclusion`).
 *
 * Events are taken in `tMs` order; events at the same ms are taken in array order, because
 * the harness records them as they happen. So a release followed in the array by an acquire at
 * the same ms is a clean hand-over, while an acquire listed before the release it depends on
 * counts as an overlap. Unsorted input is sorted stably, and `events` in a violation are indices
 * into the array as given.
 *
 * The same property reports a misused lock, since it shows the code's idea of who holds the
 * lock is wrong: releasing a lock the client does not hold, or acquiring it again while
 * holding it. A release after the client's own session expired is tolerated once, since a
 * client learns of its expiry only later. Unreadable input is reported as `well-formed-input`.
 */
export function checkMutualExclusion(events: readonly LockEvent[]): CheckResult {
  const bad = malformed('events', events, { timed: true, strings: ['holder'] });
  if (bad) return bad;
  const typeless = events.findIndex((e) => !TYPES.has(e.type));
  if (typeless >= 0) {
    return violated(
      WELL_FORMED,
      `events[${typeless}] has type ${JSON.stringify(events[typeless]!.type) ?? 'undefined'}; ` +
        'it must be "acquired", "released" or "expired".',
      [typeless],
    );
  }

  const states = new Map<string, HolderState>();
  const stateOf = (h: string): HolderState => states.get(h) ?? { kind: 'free' };

  for (const i of timeOrder(events)) {
    const { tMs, holder, type } = events[i]!;
    const who = name(holder);
    const mine = stateOf(holder);
    if (type === 'acquired') {
      if (mine.kind === 'holding') {
        return violated(
          'mutual-exclusion',
          `${who} acquired the lock at ${ms(tMs)} while it already held it (since ${ms(mine.sinceMs)}); ` +
            'a client must release the lock before acquiring it again.',
          [mine.index, i],
        );
      }
      for (const [other, s] of states) {
        if (s.kind === 'holding') {
          return violated(
            'mutual-exclusion',
            `${who} acquired the lock at ${ms(tMs)} while ${name(other)} still held it ` +
              `(since ${ms(s.sinceMs)}, session alive).`,
            [s.index, i],
          );
        }
      }
      states.set(holder, { kind: 'holding', sinceMs: tMs, index: i });
    } else if (type === 'released') {
      if (mine.kind === 'free') {
        const why =
          mine.lastReleaseIndex === undefined
            ? 'it had never acquired it'
            : `it had already released it at ${ms(events[mine.lastReleaseIndex]!.tMs)}`;
        return violated(
          'mutual-exclusion',
          `${who} released the lock at ${ms(tMs)} without holding it (${why}).`,
          mine.lastReleaseIndex === undefined ? [i] : [mine.lastReleaseIndex, i],
        );
      }
      states.set(holder, { kind: 'free', lastReleaseIndex: i });
    } else if (mine.kind === 'holding') {
      states.set(holder, { kind: 'expired' });
    }
  }
  return { outcome: 'ok' };
}
