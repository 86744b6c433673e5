/**
 * Helpers shared by the property checkers: ordering by virtual time, deep equality, and the
 * wording of evidence. Not part of the public `@baristas/sim/testing` surface.
 */
import type { CheckViolated } from './types.ts';

/**
 * Property name used when the input itself cannot be read (a missing array, a time that is
 * not a finite number, an unknown event type). Kept apart from the checked properties so a
 * broken test harness is never mistaken for a learner's bug.
 */
export const WELL_FORMED = 'well-formed-input';

/** Builds a violation; `events` is left out when there is no evidence to point at. */
export function violated(property: string, message: string, events?: readonly number[]): CheckViolated {
  return events === undefined || events.length === 0
    ? { outcome: 'violated', property, message }
    : { outcome: 'violated', property, message, events: [...events] };
}

/** Object fields may hold anything at run time, whatever the static type says. */
function field(item: unknown, name: string): unknown {
  return typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[name] : undefined;
}

/**
 * Checks that `items` is an array of objects whose `tMs` is a finite number and whose string
 * fields are strings, naming the first offender. Returns `undefined` when all is well.
 */
export function malformed(
  what: string,
  items: unknown,
  opts: { timed: boolean; strings?: readonly string[]; ids?: readonly string[] },
): CheckViolated | undefined {
  if (!Array.isArray(items)) {
    return violated(WELL_FORMED, `${what} must be an array, but got ${describeType(items)}.`);
  }
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (typeof item !== 'object' || item === null) {
      return violated(WELL_FORMED, `${what}[${i}] must be an object, but got ${describeType(item)}.`, [i]);
    }
    if (opts.timed) {
      const t = field(item, 'tMs');
      if (typeof t !== 'number' || !Number.isFinite(t)) {
        return violated(
          WELL_FORMED,
          `${what}[${i}] has tMs ${show(t)}; every observation needs a finite virtual time in ms.`,
          [i],
        );
      }
    }
    for (const name of opts.strings ?? []) {
      const v = field(item, name);
      if (typeof v !== 'string') {
        return violated(WELL_FORMED, `${what}[${i}] has ${name} ${show(v)}; it must be a string.`, [i]);
      }
    }
    for (const name of opts.ids ?? []) {
      const v = field(item, name);
      if (!isId(v)) {
        return violated(WELL_FORMED, `${what}[${i}] has ${name} ${show(v)}; it must be a string or a number.`, [i]);
      }
    }
  }
  return undefined;
}

/** Ids (order ids, message ids) are compared with `===`, so only primitives that compare sanely. */
export function isId(v: unknown): v is string | number {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${show(v)}`;
}

/**
 * Indices of `items` in virtual-time order. Ties keep the caller's array order: the harness
 * records observations as they happen, so at the same ms the array order is the true order.
 * Returning indices (rather than a sorted copy) lets violations point into the caller's array.
 */
export function timeOrder(items: readonly { tMs: number }[]): number[] {
  return items.map((_, i) => i).sort((a, b) => items[a]!.tMs - items[b]!.tMs || a - b);
}

/**
 * A string that is equal for two values exactly when they are deeply equal: object keys are
 * sorted, `undefined` fields are dropped (as JSON and `toEqual` do), `-0` equals `0`. Never
 * throws, even on cycles, bigints or functions, because a checker must not throw.
 */
export function canonical(value: unknown): string {
  const stack = new Set<object>();
  const go = (v: unknown): string => {
    switch (typeof v) {
      case 'undefined':
        return 'undefined';
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : String(v);
      case 'bigint':
        return `${v}n`;
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return String(v);
      case 'symbol':
        return v.toString();
      case 'function':
        return `<function ${v.name || 'anonymous'}>`;
    }
    if (v === null) return 'null';
    const obj = v as object;
    if (stack.has(obj)) return '<circular>';
    stack.add(obj);
    try {
      if (Array.isArray(obj)) {
        return `[${Array.from(obj, go).join(',')}]`;
      }
      if (obj instanceof Date) return `Date(${Number.isNaN(obj.getTime()) ? 'invalid' : obj.toISOString()})`;
      if (obj instanceof Map) {
        const entries = Array.from(obj, ([k, x]) => `${go(k)}=>${go(x)}`).sort();
        return `Map{${entries.join(',')}}`;
      }
      if (obj instanceof Set) {
        return `Set{${Array.from(obj, go).sort().join(',')}}`;
      }
      const rec = obj as Record<string, unknown>;
      const parts = Object.keys(rec)
        .filter((k) => rec[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${go(rec[k])}`);
      return `{${parts.join(',')}}`;
    } finally {
      stack.delete(obj);
    }
  };
  return go(value);
}

/** Longest rendering of a value in a message; a learner needs to recognise it, not read all of it. */
const MAX_SHOWN = 60;

/** A value as a learner reads it in a message: JSON-like, keys sorted, cut short when long. */
export function show(value: unknown): string {
  const text = canonical(value);
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}

/**
 * A name (node, holder, key, id) as it reads best: bare when it is a plain word such as
 * `barista-1`, quoted when it would otherwise be invisible or ambiguous (empty, spaces, commas).
 */
export function name(n: unknown): string {
  if (typeof n === 'number') return String(n);
  return typeof n === 'string' && /^[\w.:@#/+-]+$/.test(n) ? n : show(n);
}

/** A virtual time as messages print it. */
export function ms(t: number): string {
  return `${t} ms`;
}

/** Joins items for a sentence, naming only the first few so a message stays readable. */
export function list(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `once`, `twice`, `3 times`: small counts read better spelled out. */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}
