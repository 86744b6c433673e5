/**
 * Locks the built-ins that grading relies on before learner code runs, so that a module that
 * overwrites `Array.prototype.sort`, `JSON.stringify` or `Object.keys` (by accident or to game
 * the tests) cannot change how expectations are checked or verdicts are built. An assignment
 * then throws a TypeError at the learner's own line (their module is strict code), which says
 * exactly what happened.
 *
 * Left writable on purpose: `Math.random`, `Date`, `performance`, the timer functions and
 * `console`, which the simulation and the harness replace while they run, and whose tampering
 * can only change the learner's own results, never the verdict logic.
 */

/** Global bindings that cannot be reassigned (`globalThis.JSON = …`). */
const LOCKED_GLOBALS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Math', 'JSON',
  'Reflect', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Error', 'TypeError',
  'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'ArrayBuffer', 'Uint8Array', 'Int32Array', 'Float64Array', 'structuredClone', 'queueMicrotask',
  'globalThis',
] as const;

let hardened = false;

export function hardenIntrinsics(): void {
  if (hardened) return;
  hardened = true;
  const g = globalThis as Record<string, unknown>;
  const frozen = new Set<object>();
  const freeze = (value: unknown): void => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || frozen.has(value)) return;
    frozen.add(value);
    Object.freeze(value);
  };
  for (const name of LOCKED_GLOBALS) {
    const value = g[name];
    if (value === undefined) continue;
    // Error types stay unfrozen: libraries assign `this.name` in subclass constructors and set
    // `Error.stackTraceLimit`, which frozen objects would turn into throws.
    if (name !== 'Math' && name !== 'globalThis' && !name.endsWith('Error')) {
      freeze(value);
      freeze((value as { prototype?: unknown }).prototype);
    }
    const descriptor = Object.getOwnPropertyDescriptor(g, name);
    if (descriptor?.configurable) Object.defineProperty(g, name, { value, writable: false, configurable: false, enumerable: false });
  }
  // Math stays extensible in one place: the simulation swaps `Math.random` during a run.
  for (const key of Object.getOwnPropertyNames(Math)) {
    if (key !== 'random') Object.defineProperty(Math, key, { writable: false, configurable: false });
  }
  Object.preventExtensions(Math);
  // Prototypes reached only through syntax (iterators, generators, async functions).
  freeze(Object.getPrototypeOf([][Symbol.iterator]()));
  freeze(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  freeze(Object.getPrototypeOf(new Map()[Symbol.iterator]()));
  freeze(Object.getPrototypeOf(new Set()[Symbol.iterator]()));
  freeze(Object.getPrototypeOf(''[Symbol.iterator]()));
  freeze(Object.getPrototypeOf(function* () {}));
  freeze(Object.getPrototypeOf(async function () {}));
  freeze(Object.getPrototypeOf(Uint8Array));
  freeze(Object.getPrototypeOf(Uint8Array.prototype));
}
