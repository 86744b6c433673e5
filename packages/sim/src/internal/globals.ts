/**
 * While a simulation runs, code that reaches for the real clock, real randomness or real
 * timers gets virtual ones instead: `Math.random` draws from the running node's seeded stream,
 * `Date` and `performance.now` read its local clock, and `setTimeout`/`setInterval` become the
 * node's virtual timers. So learner code that calls them is as deterministic as code that uses
 * the `Node` interface, and a replay reproduces it exactly.
 */

/** What the globals read while a handler of one node runs. */
export interface VirtualContext {
  random(): number;
  /** The node's local clock, in ms since the simulation started. */
  localMs(): number;
  setTimer(delayMs: number, callback: () => void): number;
  clearTimer(timer: number): void;
}

/**
 * The wall-clock date a simulation starts at, as `Date.now()` reads inside a run: the shop opens
 * at 08:00 UTC on 1 March 2027. A fixed date keeps replays identical.
 */
export const VIRTUAL_EPOCH_MS = Date.UTC(2027, 2, 1, 8, 0, 0);

const RealDate = Date;
const realRandom = Math.random;
const perf = globalThis.performance as Performance | undefined;
const realPerfNow = perf?.now;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

let current: VirtualContext | undefined;
/** The fallback outside any node's handler (e.g. the test's own scheduled actions). */
let ambient: VirtualContext | undefined;
let depth = 0;

const context = (): VirtualContext | undefined => current ?? ambient;

/**
 * A `Date` whose "now" is the node's local clock. A function rather than a subclass so that
 * `Date()` without `new` still returns a string, and sharing the real prototype keeps
 * `instanceof Date` true for dates made on either side.
 */
function virtualDateNow(): number {
  const ctx = context();
  return ctx ? VIRTUAL_EPOCH_MS + Math.floor(ctx.localMs()) : RealDate.now();
}
const VirtualDate = function (this: unknown, ...args: unknown[]) {
  if (!new.target) return new RealDate(virtualDateNow()).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [virtualDateNow()] : args, new.target) as Date;
} as unknown as DateConstructor;
Object.setPrototypeOf(VirtualDate, RealDate);
Object.defineProperty(VirtualDate, 'prototype', { value: RealDate.prototype });
Object.defineProperty(VirtualDate, 'now', { value: virtualDateNow, writable: true, configurable: true });

function virtualRandom(): number {
  const ctx = context();
  return ctx ? ctx.random() : realRandom();
}

function virtualPerfNow(): number {
  const ctx = context();
  return ctx ? ctx.localMs() : realPerfNow!.call(perf);
}

function virtualSetTimeout(callback: unknown, delayMs?: number, ...args: unknown[]): unknown {
  const ctx = context();
  if (!ctx || typeof callback !== 'function') return realSetTimeout(callback as () => void, delayMs, ...args);
  return ctx.setTimer(Number(delayMs) || 0, () => (callback as (...a: unknown[]) => void)(...args));
}

/**
 * Virtual intervals re-arm a virtual timer; the id stays the first timer's, mapped to the latest.
 * Ids of timeouts and intervals come from one pool, as in Node and browsers, so either clear
 * function cancels either kind: a program that clears all its timers with `clearInterval` (or
 * `clearTimeout`) must behave here as it does on the platform.
 */
const intervalsByContext = new WeakMap<VirtualContext, Map<number, number>>();
const intervalsOf = (ctx: VirtualContext): Map<number, number> => {
  let map = intervalsByContext.get(ctx);
  if (!map) intervalsByContext.set(ctx, (map = new Map()));
  return map;
};

function virtualSetInterval(callback: unknown, delayMs?: number, ...args: unknown[]): unknown {
  const ctx = context();
  if (!ctx || typeof callback !== 'function') return realSetInterval(callback as () => void, delayMs, ...args);
  const period = Math.max(1, Number(delayMs) || 0);
  const intervals = intervalsOf(ctx);
  const tick = (): void => {
    intervals.set(id, ctx.setTimer(period, tick));
    (callback as (...a: unknown[]) => void)(...args);
  };
  const id = ctx.setTimer(period, tick);
  intervals.set(id, id);
  return id;
}

/** `clearTimeout` and `clearInterval` alike: cancels the timeout or interval with this id. */
function clearVirtual(timer: unknown, clearReal: (t: never) => void): void {
  const ctx = context();
  if (!ctx || typeof timer !== 'number') {
    clearReal(timer as never);
    return;
  }
  const intervals = intervalsOf(ctx);
  const latest = intervals.get(timer);
  if (latest === undefined) {
    ctx.clearTimer(timer);
  } else {
    ctx.clearTimer(latest);
    intervals.delete(timer);
  }
}

const virtualClearTimeout = (timer: unknown): void => clearVirtual(timer, realClearTimeout);
const virtualClearInterval = (timer: unknown): void => clearVirtual(timer, realClearInterval);

/** Runs `body` with the virtual globals installed; nested calls share one installation. */
export function withVirtualGlobals<T>(fallback: VirtualContext, body: () => T): T {
  const savedAmbient = ambient;
  ambient = fallback;
  if (depth++ === 0) install();
  try {
    return body();
  } finally {
    if (--depth === 0) uninstall();
    ambient = savedAmbient;
  }
}

/** Makes `ctx` current and returns the previous one, for `leaveNode` (a closure-free `asNode`). */
export function enterNode(ctx: VirtualContext): VirtualContext | undefined {
  const saved = current;
  current = ctx;
  return saved;
}

export function leaveNode(saved: VirtualContext | undefined): void {
  current = saved;
}

/** Runs `body` as node code: the globals read this node's clock and stream. */
export function asNode<T>(ctx: VirtualContext, body: () => T): T {
  const saved = enterNode(ctx);
  try {
    return body();
  } finally {
    leaveNode(saved);
  }
}

/** Every global a run replaces: where it lives, its name, the real one and the virtual one. */
const SWAPS: [Record<string, unknown>, string, unknown, unknown][] = [
  [globalThis as Record<string, unknown>, 'Date', RealDate, VirtualDate],
  [Math as unknown as Record<string, unknown>, 'random', realRandom, virtualRandom],
  [globalThis as Record<string, unknown>, 'setTimeout', realSetTimeout, virtualSetTimeout],
  [globalThis as Record<string, unknown>, 'clearTimeout', realClearTimeout, virtualClearTimeout],
  [globalThis as Record<string, unknown>, 'setInterval', realSetInterval, virtualSetInterval],
  [globalThis as Record<string, unknown>, 'clearInterval', realClearInterval, virtualClearInterval],
  ...(perf && realPerfNow ? [[perf as unknown as Record<string, unknown>, 'now', realPerfNow, virtualPerfNow] as [Record<string, unknown>, string, unknown, unknown]] : []),
];

function install(): void {
  for (const [target, key, , virtual] of SWAPS) target[key] = virtual;
}

function uninstall(): void {
  for (const [target, key, real] of SWAPS) target[key] = real;
}

/** The real `performance.now`, for budgets measured in real time while a run is in progress. */
export const realNowMs = (): number => (realPerfNow ? realPerfNow.call(perf) : RealDate.now());
