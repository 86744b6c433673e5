/**
 * Copies a message body or stored value the way a wire or a disk would: plain data survives,
 * anything with behaviour is refused with a message that says what to send instead.
 * A hand-written copy for the common shapes (primitives, arrays, plain objects) is several
 * times faster than `structuredClone`, and message copies sit on the engine's hot path.
 */
export function copyPlain(value: unknown, what: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return value;
    case 'function':
      throw new TypeError(`${what} contains a function; send plain data (objects, arrays, strings, numbers).`);
    case 'symbol':
      throw new TypeError(`${what} contains a symbol; send plain data (objects, arrays, strings, numbers).`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyPlain(value[i], what);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const key in value as Record<string, unknown>) {
      out[key] = copyPlain((value as Record<string, unknown>)[key], what);
    }
    return out;
  }
  if (value instanceof Map || value instanceof Set || value instanceof Date || ArrayBuffer.isView(value)) {
    return structuredClone(value);
  }
  const name = (proto?.constructor as { name?: string } | undefined)?.name ?? 'object';
  throw new TypeError(
    `${what} contains an instance of ${name}; send plain data (objects, arrays, strings, numbers), ` +
      'since methods and classes do not survive the network.',
  );
}
