import type { CheckResult } from './types.ts';
import { canonical, list, malformed, ms, name, show, timeOrder, violated } from './property-shared.ts';

/** A message written to the log, e.g. a Kafka-style topic. */
export interface ProducedMessage {
  /** Virtual time it was produced, in ms; for one key, this order is the order to preserve. */
  tMs: number;
  /** Its key: only messages of the same key are ordered relative to each other. */
  key: string;
  /** Its payload; compared with consumed values by deep equality. */
  value: unknown;
}

/** A message handed to the application by a consumer. */
export interface ConsumedMessage {
  /** Virtual time it was consumed, in ms. */
  tMs: number;
  /** Its key. */
  key: string;
  /** Its payload. */
  value: unknown;
  /** Which consumer got it, e.g. `"c-2"`: named in messages, so a rebalance bug can be traced. */
  consumer?: string;
}

/** Everything produced and consumed during a run. */
export interface PerKeyOrderHistory {
  /** Every message produced, in any order (same-ms messages in production order). */
  produced: readonly ProducedMessage[];
  /** Every message consumed, in any order; a violation's `events` are indices into this array. */
  consumed: readonly ConsumedMessage[];
}

/** Options of `checkPerKeyOrder`. */
export interface PerKeyOrderOptions {
  /**
   * At-least-once delivery: a message already consumed may be consumed again (as after a
   * consumer-group rebalance restarts from the last committed offset). New messages must still
   * arrive in order, with none skipped. Default `false`: each message is consumed exactly once.
   */
  allowDuplicates?: boolean;
}

/** A produced message of one key, its value canonicalised once so comparisons stay cheap. */
interface Slot {
  canon: string;
  index: number;
}

/**
 * Checks that, for every key, the consumed values are exactly the produced ones in production
 * order. Properties: `no-loss` (a produced message was never consumed, though later ones of
 * its key may have been) and `per-key-order` (a message was consumed before an earlier one of
 * its key, was consumed twice without `allowDuplicates`, or was never produced at all).
 *
 * Both lists are taken in `tMs` order, ties in array order. With `allowDuplicates`, a consumed
 * value must be either the next not-yet-consumed value of its key or one already consumed; a
 * redelivery may therefore repeat any consumed values, in any order, since a second rebalance
 * could restart from anywhere before the frontier. The first offending consumption is
 * reported; losses at the end of a key (nothing wrong consumed, just not everything) come
 * after. Messages name the key, the value expected next and the value actually consumed.
 * Unreadable input is reported as `well-formed-input`.
 */
export function checkPerKeyOrder(history: PerKeyOrderHistory, options?: PerKeyOrderOptions): CheckResult {
  const h = (typeof history === 'object' && history !== null ? history : {}) as Partial<PerKeyOrderHistory>;
  const bad =
    malformed('produced', h.produced, { timed: true, ids: ['key'] }) ??
    malformed('consumed', h.consumed, { timed: true, ids: ['key'] });
  if (bad) return bad;
  const produced = h.produced!;
  const consumed = h.consumed!;
  const allowDuplicates = options?.allowDuplicates === true;

  const byKey = (items: readonly { tMs: number; key: string }[]): Map<string, number[]> => {
    const m = new Map<string, number[]>();
    for (const i of timeOrder(items)) {
      const k = items[i]!.key;
      const at = m.get(k);
      if (at) at.push(i);
      else m.set(k, [i]);
    }
    return m;
  };
  const producedSlots = new Map<string, Slot[]>();
  for (const [k, at] of byKey(produced)) {
    producedSlots.set(
      k,
      at.map((index) => ({ canon: canonical(produced[index]!.value), index })),
    );
  }
  const consumedByKey = byKey(consumed);

  /** Per key: how many produced values have been consumed, and when each value first was. */
  const progress = new Map<string, { high: number; seen: Map<string, number>; pos: number }>();
  const stateOf = (k: string) => {
    let s = progress.get(k);
    if (!s) progress.set(k, (s = { high: 0, seen: new Map(), pos: 0 }));
    return s;
  };

  for (const i of timeOrder(consumed)) {
    const c = consumed[i]!;
    const slots = producedSlots.get(c.key) ?? [];
    const s = stateOf(c.key);
    s.pos++; // position of the next consumption of this key in `consumedByKey`
    const canon = canonical(c.value);
    const next = slots[s.high];
    if (next && next.canon === canon) {
      s.high++;
      if (!s.seen.has(canon)) s.seen.set(canon, i);
      continue;
    }
    const already = s.seen.get(canon);
    if (already !== undefined && allowDuplicates) continue;

    const key = `key ${name(c.key)}`;
    const by = c.consumer === undefined ? '' : ` by ${name(c.consumer)}`;
    const got = `${show(c.value)} was consumed at ${ms(c.tMs)}${by}`;
    const want = next
      ? `expected ${show(produced[next.index]!.value)} next (produced at ${ms(produced[next.index]!.tMs)})`
      : slots.length === 0
        ? 'nothing was ever produced for this key'
        : `all ${slots.length} produced values had already been consumed`;

    if (already !== undefined) {
      return violated(
        'per-key-order',
        `${key}: ${want}, but ${show(c.value)} was consumed again at ${ms(c.tMs)}${by} ` +
          `(it was already consumed at ${ms(consumed[already]!.tMs)}); ` +
          'each message must be consumed exactly once.',
        [already, i],
      );
    }
    const ahead = next ? slots.findIndex((slot, j) => j > s.high && slot.canon === canon) : -1;
    if (!next || ahead < 0) {
      return violated(
        'per-key-order',
        `${key}: ${want}, but ${got}, a value never produced for this key.`,
        [i],
      );
    }
    const rest = consumedByKey.get(c.key)!.slice(s.pos);
    const late = rest.find((j) => canonical(consumed[j]!.value) === next.canon);
    const expectedValue = show(produced[next.index]!.value);
    if (late !== undefined) {
      return violated(
        'per-key-order',
        `${key}: ${want}, but ${got}; ${expectedValue} was consumed only later, at ${ms(consumed[late]!.tMs)}. ` +
          'Messages of one key must be consumed in the order they were produced.',
        [i, late],
      );
    }
    return violated(
      'no-loss',
      `${key}: ${want}, but ${got} and ${expectedValue} was never consumed.`,
      [i],
    );
  }

  // Nothing consumed out of turn; now look for keys whose last messages never arrived.
  const short: { key: string; slots: Slot[]; high: number }[] = [];
  for (const [key, slots] of producedSlots) {
    const high = progress.get(key)?.high ?? 0;
    if (high < slots.length) short.push({ key, slots, high });
  }
  if (short.length === 0) return { outcome: 'ok' };
  const firstLost = (x: (typeof short)[number]) => x.slots[x.high]!.index;
  short.sort((a, b) => produced[firstLost(a)]!.tMs - produced[firstLost(b)]!.tMs || firstLost(a) - firstLost(b));
  const worst = short[0]!;
  const lost = produced[firstLost(worst)]!;
  const missingCount = worst.slots.length - worst.high;
  const consumedOfKey = consumedByKey.get(worst.key) ?? [];
  const lastIndex = consumedOfKey[consumedOfKey.length - 1];
  const total = worst.slots.length;
  const what =
    lastIndex === undefined
      ? total === 1
        ? 'nothing of this key was consumed'
        : `none of the ${total} produced values of this key was consumed`
      : `it never was; ${missingCount} of ${total} produced values ${missingCount === 1 ? 'was' : 'were'} never ` +
        `consumed (the last consumed was ${show(consumed[lastIndex]!.value)} at ${ms(consumed[lastIndex]!.tMs)})`;
  const others =
    short.length === 1
      ? ''
      : ` ${short.length === 2 ? 'Key' : 'Keys'} ${list(short.slice(1).map((x) => name(x.key)))} also lost messages.`;
  return violated(
    'no-loss',
    `key ${name(worst.key)}: expected ${show(lost.value)} (produced at ${ms(lost.tMs)}) to be consumed, ` +
      `but ${what}.${others}`,
  );
}
