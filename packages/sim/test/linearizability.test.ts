import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ILLEGAL,
  casRegisterModel,
  checkLinearizable,
  kvModel,
  registerModel,
  type CasRegisterInput,
  type CheckResult,
  type KvInput,
  type Model,
  type Operation,
  type RegisterInput,
} from '../src/testing.ts';
import { loadEtcdHistories, loadKvHistories, parseEtcdLog, parseKvLog } from './porcupine.ts';

type RegisterOp = Operation<CasRegisterInput<number>, number | boolean | null>;

/** The failure message names the file and, unless the checker said ok, its explanation. */
function context(name: string, result: CheckResult): string {
  return result.outcome === 'ok' ? name : `${name}: ${result.message}`;
}

describe('Porcupine histories get the answers Porcupine asserts', () => {
  // One test per file, named after it, so that a failure says which history was misjudged.
  for (const { name, expected, history } of loadEtcdHistories()) {
    it(name, () => {
      const result = checkLinearizable(casRegisterModel, history);
      expect(result.outcome, context(name, result)).toBe(expected ? 'ok' : 'violated');
    });
  }
  for (const { name, expected, history } of loadKvHistories()) {
    it(name, () => {
      const result = checkLinearizable(kvModel, history);
      expect(result.outcome, context(name, result)).toBe(expected ? 'ok' : 'violated');
    });
  }

  it('has all 102 etcd histories (095 is absent upstream) and a mix of answers', () => {
    const histories = loadEtcdHistories();
    expect(histories).toHaveLength(102);
    expect(histories.map((h) => h.name)).not.toContain('jepsen/etcd_095.log');
    expect(histories.filter((h) => h.expected)).toHaveLength(23);
  });

  it('parses the logs with the README’s conventions', () => {
    const etcd = parseEtcdLog(
      [
        'INFO  jepsen.util - 0\t:invoke\t:write\t3',
        'INFO  jepsen.util - 1  :invoke :cas    [3 4]',
        'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
        'INFO  jepsen.util - 0\t:ok\t:write\t3',
        'INFO  jepsen.util - 1  :fail   :cas    [3 4]',
        'INFO  jepsen.util - 2\t:fail\t:read\t:timed-out',
        'INFO  jepsen.util - 3\t:invoke\t:cas\t[0 1]',
        'INFO  jepsen.util - 3\t:info\t:cas\t:timed-out',
        'INFO  jepsen.util - 4\t:invoke\t:read\tnil',
        'INFO  jepsen.util - 4\t:ok\t:read\tnil',
        'INFO  jepsen.util - 5\t:invoke\t:write\t1',
      ].join('\n'),
    );
    expect(etcd.map((o) => [o.client, o.input, o.output, o.callMs, o.returnMs])).toEqual([
      ['0', { f: 'write', value: 3 }, undefined, 0, 3],
      ['1', { f: 'cas', from: 3, to: 4 }, false, 1, 4],
      ['2', { f: 'read' }, undefined, 2, Infinity],
      ['3', { f: 'cas', from: 0, to: 1 }, undefined, 6, Infinity],
      ['4', { f: 'read' }, null, 8, 9],
      ['5', { f: 'write', value: 1 }, undefined, 10, Infinity],
    ]);
    const kv = parseKvLog(
      [
        '{:process 0, :type :invoke, :f :get, :key "k", :value nil}',
        '{:process 1, :type :invoke, :f :append, :key "k", :value "x 1 0 y"}',
        '{:process 0, :type :ok, :f :get, :key "k", :value ""}',
        '{:process 1, :type :ok, :f :append, :key "k", :value "x 1 0 y"}',
      ].join('\n'),
    );
    expect(kv.map((o) => [o.client, o.input, o.output, o.callMs, o.returnMs])).toEqual([
      ['0', { f: 'get', key: 'k' }, '', 0, 2],
      ['1', { f: 'append', key: 'k', value: 'x 1 0 y' }, undefined, 1, 3],
    ]);
  });

  it('names the operations of a violation by ids that exist in the history', () => {
    for (const { history, expected } of loadEtcdHistories()) {
      if (expected) continue;
      const result = checkLinearizable(casRegisterModel, history);
      if (result.outcome !== 'violated') throw new Error('expected a violation');
      expect(result.property).toBe('linearizability');
      expect(result.operations?.length).toBeGreaterThan(0);
      const ids = new Set(history.map((op) => op.id));
      for (const id of result.operations ?? []) expect(ids.has(id)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A brute-force checker, written to be obviously right rather than fast.

/**
 * Real-time order, as the checker defines it: `a` before `b` when `a` returned before `b` was
 * called, or when the same client called `b` in the very ms `a` returned.
 */
function precedes(a: RegisterOp, b: RegisterOp): boolean {
  return (
    a.returnMs < b.callMs || (a !== b && a.client === b.client && a.returnMs === b.callMs && a.callMs < b.callMs)
  );
}

/** The register's behaviour, written out again independently of the models under test. */
function apply(state: number | null, op: RegisterOp): { ok: boolean; state: number | null } {
  const unknown = op.returnMs === Infinity;
  const input = op.input;
  switch (input.f) {
    case 'read':
      return { ok: unknown || op.output === state, state };
    case 'write':
      return { ok: true, state: input.value };
    case 'cas': {
      const swapped = state === input.from;
      return { ok: unknown || op.output === swapped, state: swapped ? input.to : state };
    }
  }
}

/**
 * Tries every sequence of the operations that contains every operation with a known result
 * and any subset of the others (an unknown operation may never have happened), and accepts
 * when one respects real-time order and the register explains every result in it.
 */
function linearizableByBruteForce(history: readonly RegisterOp[]): boolean {
  const used = history.map(() => false);
  const sequence: RegisterOp[] = [];
  const explains = (): boolean => {
    for (let i = 0; i < sequence.length; i++) {
      for (let j = i + 1; j < sequence.length; j++) if (precedes(sequence[j]!, sequence[i]!)) return false;
    }
    let state: number | null = null;
    for (const op of sequence) {
      const next = apply(state, op);
      if (!next.ok) return false;
      state = next.state;
    }
    return true;
  };
  const extend = (): boolean => {
    const complete = history.every((op, i) => used[i] || op.returnMs === Infinity);
    if (complete && explains()) return true;
    for (let i = 0; i < history.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      sequence.push(history[i]!);
      if (extend()) return true;
      sequence.pop();
      used[i] = false;
    }
    return false;
  };
  return extend();
}

// ---------------------------------------------------------------------------------------------
// Random histories: generated by running a real register at random instants inside each
// operation's interval, so that most are linearizable, then sometimes perturbed.

const opSpec = fc.record({
  client: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('read', 'write', 'cas'),
  a: fc.integer({ min: 1, max: 2 }),
  b: fc.integer({ min: 1, max: 3 }),
  /** Time from the client's previous return (0: called in the same ms). */
  gapMs: fc.integer({ min: 0, max: 3 }),
  durationMs: fc.integer({ min: 0, max: 4 }),
  /** One in five operations never returns. */
  unknown: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  /** After an unknown result, whether the client goes on (it timed out) or is gone (it crashed). */
  goesOn: fc.boolean(),
  /** Where in the interval it takes effect, in quarters (for an unknown result, ms after the call). */
  point: fc.integer({ min: 0, max: 4 }),
  /** An unknown operation that never takes effect. */
  never: fc.boolean(),
});

const historyArbitrary = (withCas: boolean) =>
  fc
    .record({
      specs: fc.array(opSpec, { maxLength: 7 }),
      perturb: fc.integer({ min: 0, max: 2 }).map((x) => x === 0),
      perturbAt: fc.nat(),
      perturbBy: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ specs, perturb, perturbAt, perturbBy }) => {
      const history: RegisterOp[] = [];
      const points: number[] = [];
      const clientMs = [0, 0, 0];
      const alive = [true, true, true];
      for (const spec of specs) {
        const c = spec.client;
        if (!alive[c]) continue;
        const kind = spec.kind === 'cas' && !withCas ? 'write' : spec.kind;
        const input: CasRegisterInput<number> =
          kind === 'read' ? { f: 'read' } : kind === 'write' ? { f: 'write', value: spec.a } : { f: 'cas', from: spec.a, to: spec.b };
        const callMs = clientMs[c]! + spec.gapMs;
        let returnMs: number;
        let point: number;
        if (spec.unknown) {
          returnMs = Infinity;
          point = spec.never ? NaN : callMs + spec.point;
          if (spec.goesOn) clientMs[c] = callMs + spec.durationMs;
          else alive[c] = false;
        } else {
          returnMs = callMs + spec.durationMs;
          point = callMs + (spec.durationMs * spec.point) / 4;
          clientMs[c] = returnMs;
        }
        history.push({ id: history.length, client: `c${c}`, input, output: undefined, callMs, returnMs });
        points.push(point);
      }
      // Take effect in order of the chosen instants; at a tie, in order of creation, which
      // keeps each client's own operations in its order.
      const order = history.map((_, i) => i).filter((i) => !Number.isNaN(points[i]!));
      order.sort((i, j) => points[i]! - points[j]! || i - j);
      let state: number | null = null;
      for (const i of order) {
        const op = history[i]!;
        const input = op.input;
        if (input.f === 'read') op.output = state;
        else if (input.f === 'write') state = input.value;
        else {
          op.output = state === input.from;
          if (state === input.from) state = input.to;
        }
        if (op.returnMs === Infinity) op.output = undefined;
      }
      const observable = history.filter((op) => op.returnMs !== Infinity && op.input.f !== 'write');
      if (perturb && observable.length > 0) {
        const op = observable[perturbAt % observable.length]!;
        if (op.input.f === 'cas') op.output = !op.output;
        else op.output = op.output === null ? perturbBy : ((op.output as number) + perturbBy) % 4 || null;
      }
      return history;
    });

describe('agrees with a brute-force checker on small random histories', () => {
  const cases = [
    {
      title: 'read/write register',
      withCas: false,
      // Without cas the generator makes only reads and writes.
      check: (h: RegisterOp[]) => checkLinearizable(registerModel, h as Operation<RegisterInput<number>, number | null>[]),
    },
    { title: 'compare-and-set register', withCas: true, check: (h: RegisterOp[]) => checkLinearizable(casRegisterModel, h) },
  ];
  for (const { title, withCas, check } of cases) {
    it(title, () => {
      const seen = { ok: 0, violated: 0 };
      fc.assert(
        fc.property(historyArbitrary(withCas), (history) => {
          const expected = linearizableByBruteForce(history) ? 'ok' : 'violated';
          const result = check(history);
          expect(result.outcome).toBe(expected);
          if (result.outcome === 'violated') {
            expect(result.operations?.length).toBeGreaterThan(0);
            for (const id of result.operations ?? []) expect(history.some((op) => op.id === id)).toBe(true);
          }
          seen[expected]++;
        }),
        { numRuns: 3000 },
      );
      // The generator must exercise both answers, or the agreement means little.
      expect(seen.ok).toBeGreaterThan(1000);
      expect(seen.violated).toBeGreaterThan(200);
    });
  }

  it('answers either the full answer or unknown, never ok wrongly, under any budget', () => {
    fc.assert(
      fc.property(historyArbitrary(true), fc.integer({ min: 0, max: 12 }), (history, stepsMax) => {
        const full = checkLinearizable(casRegisterModel, history).outcome;
        const limited = checkLinearizable(casRegisterModel, history, { stepsMax }).outcome;
        expect([full, 'unknown']).toContain(limited);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-built cases.

/** One register operation; generic so that a history of reads and writes fits `registerModel`. */
function op<I extends CasRegisterInput<number>>(
  id: number,
  client: string,
  input: I,
  output: number | boolean | null | undefined,
  callMs: number,
  returnMs: number,
): Operation<I, number | boolean | null> {
  return { id, client, input, output, callMs, returnMs };
}

const read = { f: 'read' } as const;
const write = (value: number) => ({ f: 'write', value }) as const;

describe('hand-built register histories', () => {
  it('finds a stale read and names it, its client and its interval', () => {
    const history = [op(1, 'c1', write(1), undefined, 0, 10), op(2, 'c2', read, null, 20, 30)];
    const result = checkLinearizable(registerModel, history);
    if (result.outcome !== 'violated') throw new Error(`expected a violation, got ${result.outcome}`);
    expect(result.property).toBe('linearizability');
    // The stale read first, then the write it missed.
    expect(result.operations).toEqual([2, 1]);
    expect(result.message).toContain('`read() → null` by client c2 (20–30 ms)');
    expect(result.message).toContain('`write(1)` by client c1 (0–10 ms)');
  });

  it('accepts either value for a read concurrent with a write, and no other', () => {
    const w = op(1, 'c1', write(1), undefined, 0, 10);
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, null, 5, 15)]).outcome).toBe('ok');
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, 1, 5, 15)]).outcome).toBe('ok');
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, 2, 5, 15)]).outcome).toBe('violated');
  });

  it('lets a write whose result is unknown take effect later, or never, but not undo itself', () => {
    const w = op(1, 'c1', write(1), undefined, 0, Infinity);
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, null, 5, 10)]).outcome).toBe('ok');
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, 1, 5, 10)]).outcome).toBe('ok');
    expect(checkLinearizable(registerModel, [w, op(2, 'c2', read, 1, 500, 510)]).outcome).toBe('ok');
    // Once seen, the write has happened: a later read cannot miss it.
    const seenThenMissed = [w, op(2, 'c2', read, 1, 5, 10), op(3, 'c2', read, null, 20, 30)];
    expect(checkLinearizable(registerModel, seenThenMissed).outcome).toBe('violated');
    const missedThenSeen = [w, op(2, 'c2', read, null, 5, 10), op(3, 'c2', read, 1, 20, 30)];
    expect(checkLinearizable(registerModel, missedThenSeen).outcome).toBe('ok');
    // But it cannot take effect before it was called.
    expect(checkLinearizable(registerModel, [op(2, 'c2', read, 1, 5, 10), { ...w, callMs: 20 }]).outcome).toBe('violated');
  });

  it('treats intervals touching at one ms as overlapping, except for one client’s own operations', () => {
    // c2 may have called its read before c1's write returned within that ms.
    const otherClient = [op(1, 'c1', write(1), undefined, 0, 10), op(2, 'c2', read, null, 10, 20)];
    expect(checkLinearizable(registerModel, otherClient).outcome).toBe('ok');
    // c1 called its read only after its write had returned.
    const sameClient = [op(1, 'c1', write(1), undefined, 0, 10), op(2, 'c1', read, null, 10, 20)];
    const result = checkLinearizable(registerModel, sameClient);
    expect(result.outcome).toBe('violated');
  });

  it('reads a cas that returned false as "the value was not `from`"', () => {
    const history = [op(1, 'c1', write(1), undefined, 0, 10), op(2, 'c2', { f: 'cas', from: 1, to: 2 }, false, 20, 30)];
    const result = checkLinearizable(casRegisterModel, history);
    expect(result.outcome).toBe('violated');
    if (result.outcome === 'violated') expect(result.message).toContain('`cas(1→2) → false`');
    const concurrent = [op(1, 'c1', write(1), undefined, 0, 25), op(2, 'c2', { f: 'cas', from: 1, to: 2 }, false, 20, 30)];
    expect(checkLinearizable(casRegisterModel, concurrent).outcome).toBe('ok');
  });

  it('says unknown, never ok, when the budget runs out', () => {
    // Twelve concurrent writes and a read of a value nobody wrote: a violation that takes
    // the search through thousands of orders to prove.
    const history: Operation<RegisterInput<number>, number | boolean | null>[] = [];
    for (let i = 0; i < 12; i++) history.push(op(i, `w${i}`, write(i), undefined, 0, 100));
    history.push(op(12, 'r', read, 99, 50, 60));
    const small = checkLinearizable(registerModel, history, { stepsMax: 50 });
    expect(small.outcome).toBe('unknown');
    if (small.outcome === 'unknown') expect(small.message).toContain('stepsMax');
    expect(checkLinearizable(registerModel, history).outcome).toBe('violated');
    // A linearizable history with a budget too small for it is unknown too, not ok.
    const fine = history.slice(0, 12).concat(op(12, 'r', read, 7, 50, 60));
    expect(checkLinearizable(registerModel, fine, { stepsMax: 5 }).outcome).toBe('unknown');
    expect(checkLinearizable(registerModel, fine).outcome).toBe('ok');
  });

  it('answers unknown for a malformed history rather than throwing', () => {
    const result = checkLinearizable(registerModel, [op(1, 'c1', write(1), undefined, 10, 5)]);
    expect(result.outcome).toBe('unknown');
  });

  it('accepts an empty history and histories of unknown operations only', () => {
    expect(checkLinearizable(registerModel, []).outcome).toBe('ok');
    expect(checkLinearizable(registerModel, [op(1, 'c1', write(1), undefined, 0, Infinity)]).outcome).toBe('ok');
  });

  it('describes operations in the models’ terms', () => {
    expect(registerModel.describe?.(op(1, 'c', write(3), undefined, 0, 1))).toBe('write(3)');
    expect(registerModel.describe?.(op(1, 'c', read, 2, 0, 1))).toBe('read() → 2');
    expect(registerModel.describe?.(op(1, 'c', read, null, 0, 1))).toBe('read() → null');
    expect(registerModel.describe?.(op(1, 'c', read, undefined, 0, Infinity))).toBe('read() → ?');
    expect(casRegisterModel.describe?.(op(1, 'c', { f: 'cas', from: 1, to: 2 }, false, 0, 1))).toBe('cas(1→2) → false');
    expect(casRegisterModel.describe?.(op(1, 'c', { f: 'cas', from: 1, to: 2 }, undefined, 0, Infinity))).toBe(
      'cas(1→2) → ?',
    );
    const get: Operation<KvInput, string> = { id: 1, client: 'c', input: { f: 'get', key: 'k' }, output: '', callMs: 0, returnMs: 1 };
    expect(kvModel.describe?.(get)).toBe('get("k") → ""');
  });

  it('lets undefined be a state, since "not allowed" is a symbol of its own', () => {
    // A register whose initial value is undefined rather than null.
    const model: Model<number | undefined, CasRegisterInput<number>, number | undefined> = {
      init: () => undefined,
      step: (state, input, output, known) => {
        if (input.f === 'write') return input.value;
        return !known || output === state ? state : ILLEGAL;
      },
    };
    const history = [op(1, 'c1', read, undefined, 0, 5), op(2, 'c1', write(1), undefined, 6, 8)] as Operation<
      CasRegisterInput<number>,
      number | undefined
    >[];
    expect(checkLinearizable(model, history).outcome).toBe('ok');
    const stale = [...history, { ...history[0]!, id: 3, callMs: 10, returnMs: 12 }];
    expect(checkLinearizable(model, stale).outcome).toBe('violated');
  });
});

describe('key–value histories', () => {
  const kv = (
    id: number,
    client: string,
    input: KvInput,
    output: string | undefined,
    callMs: number,
    returnMs: number,
  ): Operation<KvInput, string> => ({ id, client, input, output, callMs, returnMs });

  it('checks each key on its own and names the key that is not linearizable', () => {
    const history = [
      kv(1, 'c1', { f: 'put', key: 'a', value: 'x' }, undefined, 0, 10),
      kv(2, 'c2', { f: 'append', key: 'a', value: 'y' }, undefined, 5, 15),
      kv(3, 'c3', { f: 'get', key: 'a' }, 'xy', 20, 30),
      kv(4, 'c1', { f: 'put', key: 'b', value: 'v' }, undefined, 11, 19),
      kv(5, 'c2', { f: 'get', key: 'b' }, '', 25, 35),
      kv(6, 'c3', { f: 'get', key: 'c' }, '', 0, 1),
    ];
    const result = checkLinearizable(kvModel, history);
    if (result.outcome !== 'violated') throw new Error(`expected a violation, got ${result.outcome}`);
    expect(result.message).toContain('key "b"');
    expect(result.message).not.toContain('key "a"');
    expect(result.operations).toContain(5);
    for (const id of result.operations ?? []) expect([4, 5]).toContain(id);
    // With key b's read fixed, every key is fine.
    const fixed = history.map((o) => (o.id === 5 ? { ...o, output: 'v' } : o));
    expect(checkLinearizable(kvModel, fixed).outcome).toBe('ok');
  });

  it('appends in some order that every read agrees on', () => {
    const history = [
      kv(1, 'c1', { f: 'append', key: 'k', value: 'a' }, undefined, 0, 10),
      kv(2, 'c2', { f: 'append', key: 'k', value: 'b' }, undefined, 0, 10),
      kv(3, 'c3', { f: 'get', key: 'k' }, 'ba', 20, 30),
    ];
    expect(checkLinearizable(kvModel, history).outcome).toBe('ok');
    const disagree = [...history, kv(4, 'c4', { f: 'get', key: 'k' }, 'ab', 20, 30)];
    expect(checkLinearizable(kvModel, disagree).outcome).toBe('violated');
  });
});
