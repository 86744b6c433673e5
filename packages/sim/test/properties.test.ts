import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkConsensus,
  checkConvergence,
  checkExactlyOnce,
  checkMutualExclusion,
  checkPerKeyOrder,
  type CheckResult,
  type ConsumedMessage,
  type Decision,
  type LockEvent,
  type ProducedMessage,
} from '../src/testing.ts';

const ok: CheckResult = { outcome: 'ok' };

/** Narrows to a violation, failing the test with the actual result otherwise. */
function violation(result: CheckResult) {
  if (result.outcome !== 'violated') throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  return result;
}

/** A stable permutation of `n` indices drawn by fast-check, and its application. */
const permutationOf = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });
const permute = <T>(items: readonly T[], perm: readonly number[]): T[] => perm.map((i) => items[i]!);

/**
 * Runs a checker on `items` and on `items` permuted, and asserts the outcome is the same
 * with `events` mapped back through the permutation: sorting must make input order irrelevant.
 */
function sameUnderPermutation<T>(items: readonly T[], perm: readonly number[], check: (xs: T[]) => CheckResult): void {
  const direct = check([...items]);
  const shuffled = check(permute(items, perm));
  if (shuffled.outcome === 'violated' && shuffled.events) {
    shuffled.events = shuffled.events.map((i) => perm[i]!);
  }
  expect(shuffled).toEqual(direct);
}

const acq = (tMs: number, holder: string): LockEvent => ({ tMs, holder, type: 'acquired' });
const rel = (tMs: number, holder: string): LockEvent => ({ tMs, holder, type: 'released' });
const exp = (tMs: number, holder: string): LockEvent => ({ tMs, holder, type: 'expired' });

describe('checkMutualExclusion', () => {
  it('accepts an empty history', () => {
    expect(checkMutualExclusion([])).toEqual(ok);
  });

  it('accepts holds one after another', () => {
    const events = [acq(100, 'barista-1'), rel(200, 'barista-1'), acq(250, 'barista-2'), rel(300, 'barista-2')];
    expect(checkMutualExclusion(events)).toEqual(ok);
  });

  it('reports two holders at once, naming both, the times and the evidence', () => {
    const events = [acq(200, 'barista-1'), acq(340, 'barista-2'), rel(400, 'barista-1')];
    const v = violation(checkMutualExclusion(events));
    expect(v.property).toBe('mutual-exclusion');
    expect(v.message).toBe('barista-2 acquired the lock at 340 ms while barista-1 still held it (since 200 ms, session alive).');
    expect(v.events).toEqual([0, 1]);
  });

  it('treats a release then an acquire at the same ms, in that array order, as a clean hand-over', () => {
    expect(checkMutualExclusion([acq(100, 'a'), rel(200, 'a'), acq(200, 'b')])).toEqual(ok);
  });

  it('treats an acquire listed before the release at the same ms as an overlap', () => {
    const v = violation(checkMutualExclusion([acq(100, 'a'), acq(200, 'b'), rel(200, 'a')]));
    expect(v.property).toBe('mutual-exclusion');
    expect(v.message).toContain('b acquired the lock at 200 ms while a still held it (since 100 ms');
    expect(v.events).toEqual([0, 1]);
  });

  it('lets another client acquire once the holder’s session expired, and the old holder after that', () => {
    expect(checkMutualExclusion([acq(100, 'a'), exp(300, 'a'), acq(300, 'b'), rel(400, 'b')])).toEqual(ok);
    expect(checkMutualExclusion([acq(100, 'a'), exp(300, 'a'), acq(310, 'a'), rel(400, 'a')])).toEqual(ok);
    const v = violation(checkMutualExclusion([acq(100, 'a'), exp(300, 'a'), acq(300, 'b'), acq(350, 'a')]));
    expect(v.message).toBe('a acquired the lock at 350 ms while b still held it (since 300 ms, session alive).');
    expect(v.events).toEqual([2, 3]);
  });

  it('still reports an overlap when the expiry comes after the acquire', () => {
    const v = violation(checkMutualExclusion([acq(100, 'a'), acq(300, 'b'), exp(310, 'a')]));
    expect(v.message).toContain('b acquired the lock at 300 ms while a still held it');
  });

  it('tolerates one release by a client whose session already expired, but not a second', () => {
    expect(checkMutualExclusion([acq(100, 'a'), exp(300, 'a'), acq(320, 'b'), rel(350, 'a')])).toEqual(ok);
    const v = violation(checkMutualExclusion([acq(100, 'a'), exp(300, 'a'), rel(350, 'a'), rel(360, 'a')]));
    expect(v.message).toBe('a released the lock at 360 ms without holding it (it had already released it at 350 ms).');
    expect(v.events).toEqual([2, 3]);
  });

  it('ignores the expiry of a client that was only waiting', () => {
    expect(checkMutualExclusion([acq(100, 'a'), exp(150, 'b'), rel(200, 'a'), acq(210, 'b')])).toEqual(ok);
  });

  it('reports a release by a client that never acquired', () => {
    const v = violation(checkMutualExclusion([acq(100, 'a'), rel(150, 'b')]));
    expect(v.property).toBe('mutual-exclusion');
    expect(v.message).toBe('b released the lock at 150 ms without holding it (it had never acquired it).');
    expect(v.events).toEqual([1]);
  });

  it('reports acquiring again while already holding', () => {
    const v = violation(checkMutualExclusion([acq(100, 'a'), acq(150, 'a')]));
    expect(v.message).toContain('a acquired the lock at 150 ms while it already held it (since 100 ms)');
    expect(v.events).toEqual([0, 1]);
  });

  it('sorts unsorted input stably and points into the caller’s array', () => {
    const events = [acq(340, 'barista-2'), rel(400, 'barista-1'), acq(200, 'barista-1')];
    const v = violation(checkMutualExclusion(events));
    expect(v.message).toContain('barista-2 acquired the lock at 340 ms while barista-1 still held it');
    expect(v.events).toEqual([2, 0]);
  });

  it('reports unreadable input instead of throwing', () => {
    const nan = violation(checkMutualExclusion([acq(Number.NaN, 'a')]));
    expect(nan.property).toBe('well-formed-input');
    expect(nan.events).toEqual([0]);
    const kind = violation(checkMutualExclusion([{ tMs: 1, holder: 'a', type: 'grabbed' } as unknown as LockEvent]));
    expect(kind.property).toBe('well-formed-input');
    expect(kind.message).toContain('"grabbed"');
    expect(violation(checkMutualExclusion(undefined as unknown as LockEvent[])).property).toBe('well-formed-input');
  });

  /** Holds one after another: (holder, gap before, length, how it ends). Gaps may be 0. */
  const holds = fc.array(
    fc.record({
      holder: fc.constantFrom('a', 'b', 'c'),
      gap: fc.nat(20),
      length: fc.nat(20),
      end: fc.constantFrom<'released' | 'expired'>('released', 'expired'),
    }),
    { maxLength: 12 },
  );
  const build = (hs: { holder: string; gap: number; length: number; end: 'released' | 'expired' }[]) => {
    const events: LockEvent[] = [];
    let t = 0;
    for (const h of hs) {
      t += h.gap;
      events.push(acq(t, h.holder));
      t += h.length;
      events.push({ tMs: t, holder: h.holder, type: h.end });
    }
    return events;
  };

  it('accepts any sequence of non-overlapping holds, including same-ms hand-overs', () => {
    fc.assert(
      fc.property(holds, (hs) => {
        expect(checkMutualExclusion(build(hs))).toEqual(ok);
      }),
    );
  });

  it('reports any acquire by another client strictly inside a hold', () => {
    fc.assert(
      fc.property(holds, fc.nat(), fc.nat(), (hs, which, offset) => {
        const events = build(hs);
        const starts = events.flatMap((e, i) => (e.type === 'acquired' && events[i + 1]!.tMs - e.tMs >= 2 ? [i] : []));
        fc.pre(starts.length > 0);
        const i = starts[which % starts.length]!;
        const start = events[i]!;
        const inside = start.tMs + 1 + (offset % (events[i + 1]!.tMs - start.tMs - 1));
        const intruder = start.holder === 'a' ? 'b' : 'a';
        const v = violation(checkMutualExclusion([...events, acq(inside, intruder)]));
        expect(v.property).toBe('mutual-exclusion');
        expect(v.events).toEqual([i, events.length]);
      }),
    );
  });

  it('gives the same answer whatever order distinct-time events arrive in', () => {
    const event = fc.record({
      holder: fc.constantFrom('a', 'b'),
      type: fc.constantFrom<LockEvent['type']>('acquired', 'released', 'expired'),
    });
    const distinct = fc
      .uniqueArray(fc.nat(1000), { maxLength: 10 })
      .chain((ts) => fc.tuple(fc.array(event, { minLength: ts.length, maxLength: ts.length }), fc.constant(ts)))
      .map(([es, ts]) => es.map((e, i): LockEvent => ({ ...e, tMs: ts[i]! })))
      .chain((es) => fc.tuple(fc.constant(es), permutationOf(es.length)));
    fc.assert(fc.property(distinct, ([es, perm]) => sameUnderPermutation(es, perm, checkMutualExclusion)));
  });
});

describe('checkConsensus', () => {
  const proposals = [
    { node: 'n1', value: 'latte' },
    { node: 'n2', value: 'mocha' },
  ];

  it('accepts no decisions at all (termination is not checked)', () => {
    expect(checkConsensus({ proposals, decisions: [] })).toEqual(ok);
    expect(checkConsensus({ proposals: [], decisions: [] })).toEqual(ok);
  });

  it('accepts every node deciding the same proposed value', () => {
    const decisions = [
      { tMs: 100, node: 'n1', value: 'mocha' },
      { tMs: 120, node: 'n2', value: 'mocha' },
      { tMs: 120, node: 'n3', value: 'mocha' },
    ];
    expect(checkConsensus({ proposals, decisions })).toEqual(ok);
  });

  it('reports disagreement, naming both nodes, values and times', () => {
    const decisions = [
      { tMs: 200, node: 'n1', value: 'mocha' },
      { tMs: 340, node: 'n2', value: 'latte' },
    ];
    const v = violation(checkConsensus({ proposals, decisions }));
    expect(v.property).toBe('agreement');
    expect(v.message).toBe(
      'n2 decided "latte" at 340 ms, but n1 had decided "mocha" at 200 ms; all nodes must decide the same value.',
    );
    expect(v.events).toEqual([0, 1]);
  });

  it('reports a decided value nobody proposed, listing what was proposed', () => {
    const v = violation(checkConsensus({ proposals, decisions: [{ tMs: 120, node: 'n3', value: 'espresso' }] }));
    expect(v.property).toBe('validity');
    expect(v.message).toBe(
      'n3 decided "espresso" at 120 ms, but no node proposed it (proposed: "latte" (by n1), "mocha" (by n2)).',
    );
    expect(v.events).toEqual([0]);
    const none = violation(checkConsensus({ proposals: [], decisions: [{ tMs: 5, node: 'n1', value: 1 }] }));
    expect(none.message).toContain('(nothing was proposed)');
  });

  it('reports a node deciding twice, even the same value, as integrity', () => {
    const same = violation(
      checkConsensus({
        proposals,
        decisions: [
          { tMs: 200, node: 'n1', value: 'latte' },
          { tMs: 300, node: 'n1', value: 'latte' },
        ],
      }),
    );
    expect(same.property).toBe('integrity');
    expect(same.message).toBe('n1 decided "latte" twice, at 200 ms and again at 300 ms; a node decides at most once.');
    expect(same.events).toEqual([0, 1]);

    const changed = violation(
      checkConsensus({
        proposals,
        decisions: [
          { tMs: 200, node: 'n1', value: 'latte' },
          { tMs: 300, node: 'n1', value: 'mocha' },
        ],
      }),
    );
    expect(changed.property).toBe('integrity');
    expect(changed.message).toContain('n1 decided "latte" at 200 ms and then "mocha" at 300 ms');
  });

  it('compares values deeply, whatever the key order', () => {
    const decisions = [
      { tMs: 1, node: 'n1', value: { drink: 'latte', size: 'L' } },
      { tMs: 2, node: 'n2', value: { size: 'L', drink: 'latte' } },
    ];
    expect(checkConsensus({ proposals: [{ node: 'n1', value: { size: 'L', drink: 'latte' } }], decisions })).toEqual(ok);
    const v = violation(
      checkConsensus({
        proposals: [
          { node: 'n1', value: { drink: 'latte', size: 'L' } },
          { node: 'n2', value: { drink: 'latte', size: 'S' } },
        ],
        decisions: [...decisions, { tMs: 3, node: 'n3', value: { drink: 'latte', size: 'S' } }],
      }),
    );
    expect(v.property).toBe('agreement');
    expect(v.message).toContain('n3 decided {"drink":"latte","size":"S"} at 3 ms');
  });

  it('reports the earliest violation of unsorted decisions, indexing the caller’s array', () => {
    const decisions: Decision[] = [
      { tMs: 500, node: 'n3', value: 'espresso' },
      { tMs: 340, node: 'n2', value: 'latte' },
      { tMs: 200, node: 'n1', value: 'mocha' },
    ];
    const v = violation(checkConsensus({ proposals, decisions }));
    expect(v.property).toBe('agreement');
    expect(v.events).toEqual([2, 1]);
  });

  it('reports unreadable input instead of throwing', () => {
    expect(violation(checkConsensus({ proposals, decisions: [{ tMs: Infinity, node: 'n1', value: 1 }] })).property).toBe(
      'well-formed-input',
    );
    expect(violation(checkConsensus({ decisions: [] } as never)).property).toBe('well-formed-input');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const v = violation(checkConsensus({ proposals: [], decisions: [{ tMs: 1, node: 'n1', value: cyclic }] }));
    expect(v.property).toBe('validity');
  });

  it('accepts any set of single decisions of one proposed value, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.uniqueArray(fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5'), { maxLength: 5 }),
        (values, pick, nodes) => {
          const value = values[pick % values.length];
          const props = values.map((v, i) => ({ node: `p${i}`, value: v }));
          const decisions = nodes.map((node, i) => ({ tMs: 10 * i, node, value: structuredClone(value) }));
          expect(checkConsensus({ proposals: props, decisions })).toEqual(ok);
        },
      ),
    );
  });

  it('gives the same answer whatever order distinct-time decisions arrive in', () => {
    const history = fc
      .uniqueArray(fc.nat(1000), { maxLength: 8 })
      .chain((ts) =>
        fc.tuple(
          fc.array(fc.record({ node: fc.constantFrom('n1', 'n2', 'n3'), value: fc.constantFrom(1, 2, 3) }), {
            minLength: ts.length,
            maxLength: ts.length,
          }),
          fc.constant(ts),
        ),
      )
      .map(([ds, ts]) => ds.map((d, i): Decision => ({ ...d, tMs: ts[i]! })))
      .chain((ds) => fc.tuple(fc.constant(ds), permutationOf(ds.length)));
    const props = [
      { node: 'n1', value: 1 },
      { node: 'n2', value: 2 },
    ];
    fc.assert(
      fc.property(history, ([ds, perm]) =>
        sameUnderPermutation(ds, perm, (decisions) => checkConsensus({ proposals: props, decisions })),
      ),
    );
  });
});

describe('checkConvergence', () => {
  it('accepts replicas that all hold deeply equal values', () => {
    expect(checkConvergence({ a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, c: { x: 1, y: [1, 2] } })).toEqual(ok);
    expect(checkConvergence([{ node: 'a', value: 3 }, { node: 'b', value: 3 }])).toEqual(ok);
  });

  it('accepts no replicas and a single replica', () => {
    expect(checkConvergence({})).toEqual(ok);
    expect(checkConvergence([])).toEqual(ok);
    expect(checkConvergence({ a: 1 })).toEqual(ok);
  });

  it('groups the nodes by value, most common first', () => {
    const v = violation(checkConvergence({ c: 5, a: 3, b: 3 }));
    expect(v.property).toBe('convergence');
    expect(v.message).toBe('the replicas did not converge: a, b hold 3; c holds 5.');
  });

  it('points at the replicas that disagree with the most common value, for array input', () => {
    const v = violation(
      checkConvergence([
        { node: 'a', value: 3 },
        { node: 'c', value: 5 },
        { node: 'b', value: 3 },
        { node: 'd', value: undefined },
      ]),
    );
    expect(v.message).toBe('the replicas did not converge: a, b hold 3; c holds 5; d holds undefined.');
    expect(v.events).toEqual([1, 3]);
  });

  it('leaves out ignored nodes', () => {
    expect(checkConvergence({ a: 3, b: 3, c: 5 }, { ignoreNodes: ['c', 'not-there'] })).toEqual(ok);
    expect(violation(checkConvergence({ a: 3, b: 4, c: 5 }, { ignoreNodes: ['c'] })).message).toBe(
      'the replicas did not converge: a holds 3; b holds 4.',
    );
  });

  it('reports a replica read twice as unreadable input', () => {
    const v = violation(
      checkConvergence([
        { node: 'a', value: 3 },
        { node: 'a', value: 3 },
      ]),
    );
    expect(v.property).toBe('well-formed-input');
    expect(v.events).toEqual([0, 1]);
    expect(violation(checkConvergence(null as never)).property).toBe('well-formed-input');
  });

  it('accepts any value copied to every replica, and names the one replica changed among three or more', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 3, max: 6 }), fc.nat(), (value, n, which) => {
        const nodes = Array.from({ length: n }, (_, i) => `r${i}`);
        const states = nodes.map((node) => ({ node, value: structuredClone(value) }));
        expect(checkConvergence(states)).toEqual(ok);
        const odd = which % n;
        states[odd] = { node: nodes[odd]!, value: { changed: value } };
        const v = violation(checkConvergence(states));
        expect(v.message).toContain(`r${odd} holds {"changed":`);
        expect(v.events).toEqual([odd]);
      }),
    );
  });
});

describe('checkExactlyOnce', () => {
  it('accepts every expected id output once, in any order, and an empty run', () => {
    expect(checkExactlyOnce({ expected: [], outputs: [] })).toEqual(ok);
    expect(
      checkExactlyOnce({
        expected: ['o1', 'o2', 2],
        outputs: [
          { tMs: 30, id: 2 },
          { tMs: 10, id: 'o2' },
          { tMs: 20, id: 'o1' },
        ],
      }),
    ).toEqual(ok);
  });

  it('reports missing ids', () => {
    const v = violation(checkExactlyOnce({ expected: ['o1', 'o2', 'o3'], outputs: [{ tMs: 10, id: 'o2' }] }));
    expect(v.property).toBe('exactly-once');
    expect(v.message).toBe('never output: o1, o3 (2 of 3 expected).');
    expect(v.events).toBeUndefined();
  });

  it('reports duplicates with their times and events', () => {
    const outputs = [
      { tMs: 340, id: 'o3' },
      { tMs: 100, id: 'o1' },
      { tMs: 120, id: 'o3' },
    ];
    const v = violation(checkExactlyOnce({ expected: ['o1', 'o3'], outputs }));
    expect(v.message).toBe('o3 was output twice (at 120, 340 ms).');
    expect(v.events).toEqual([2, 0]);
  });

  it('reports unexpected ids, and every kind of failure at once', () => {
    const outputs = [
      { tMs: 10, id: 'o1' },
      { tMs: 20, id: 'o9' },
      { tMs: 30, id: 'o1' },
      { tMs: 40, id: 1 },
    ];
    const v = violation(checkExactlyOnce({ expected: ['o1', 'o2', '1'], outputs }));
    expect(v.message).toBe(
      'o1 was output twice (at 10, 30 ms); output but never expected: o9 (at 20 ms), 1 (at 40 ms); ' +
        'never output: o2, 1 (2 of 3 expected).',
    );
    expect(v.events).toEqual([0, 1, 2, 3]);
  });

  it('reads expected as a set and reports unreadable input instead of throwing', () => {
    expect(checkExactlyOnce({ expected: ['o1', 'o1'], outputs: [{ tMs: 1, id: 'o1' }] })).toEqual(ok);
    expect(violation(checkExactlyOnce({ expected: [{}] as never, outputs: [] })).property).toBe('well-formed-input');
    expect(violation(checkExactlyOnce({ expected: [], outputs: [{ tMs: 1 }] as never })).property).toBe(
      'well-formed-input',
    );
  });

  it('accepts any permutation of the expected ids and names any id output again', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 20 }).chain((ids) =>
          fc.tuple(fc.constant(ids), permutationOf(ids.length), fc.nat(ids.length - 1)),
        ),
        ([ids, perm, again]) => {
          const outputs = permute(ids, perm).map((id, i) => ({ tMs: i, id }));
          expect(checkExactlyOnce({ expected: ids, outputs })).toEqual(ok);
          const v = violation(checkExactlyOnce({ expected: ids, outputs: [...outputs, { tMs: 1e6, id: ids[again]! }] }));
          expect(v.message).toContain('was output twice');
          expect(v.events).toContain(outputs.length);
        },
      ),
    );
  });
});

describe('checkPerKeyOrder', () => {
  const p = (tMs: number, key: string, value: unknown): ProducedMessage => ({ tMs, key, value });
  const c = (tMs: number, key: string, value: unknown, consumer?: string): ConsumedMessage =>
    consumer === undefined ? { tMs, key, value } : { tMs, key, value, consumer };
  const produced = [p(10, 'k1', 1), p(20, 'k2', 'a'), p(30, 'k1', 2), p(40, 'k1', 3), p(50, 'k2', 'b')];

  it('accepts every key consumed in production order, keys interleaved freely, and empty input', () => {
    expect(checkPerKeyOrder({ produced: [], consumed: [] })).toEqual(ok);
    const consumed = [c(60, 'k2', 'a'), c(61, 'k1', 1), c(62, 'k2', 'b'), c(63, 'k1', 2), c(64, 'k1', 3)];
    expect(checkPerKeyOrder({ produced, consumed })).toEqual(ok);
  });

  it('reports a reorder within a key, naming the key, expected and observed values', () => {
    const consumed = [c(60, 'k1', 1), c(70, 'k1', 3, 'c-2'), c(80, 'k1', 2), c(90, 'k2', 'a'), c(95, 'k2', 'b')];
    const v = violation(checkPerKeyOrder({ produced, consumed }));
    expect(v.property).toBe('per-key-order');
    expect(v.message).toBe(
      'key k1: expected 2 next (produced at 30 ms), but 3 was consumed at 70 ms by c-2; 2 was consumed only later, ' +
        'at 80 ms. Messages of one key must be consumed in the order they were produced.',
    );
    expect(v.events).toEqual([1, 2]);
  });

  it('reports a skipped message as a loss', () => {
    const consumed = [c(60, 'k1', 1), c(70, 'k1', 3), c(90, 'k2', 'a'), c(95, 'k2', 'b')];
    const v = violation(checkPerKeyOrder({ produced, consumed }));
    expect(v.property).toBe('no-loss');
    expect(v.message).toBe('key k1: expected 2 next (produced at 30 ms), but 3 was consumed at 70 ms and 2 was never consumed.');
    expect(v.events).toEqual([1]);
  });

  it('reports messages missing at the end of a key', () => {
    const consumed = [c(60, 'k1', 1), c(70, 'k1', 2), c(90, 'k2', 'a')];
    const v = violation(checkPerKeyOrder({ produced, consumed }));
    expect(v.property).toBe('no-loss');
    expect(v.message).toBe(
      'key k1: expected 3 (produced at 40 ms) to be consumed, but it never was; 1 of 3 produced values was never ' +
        'consumed (the last consumed was 2 at 70 ms). Key k2 also lost messages.',
    );
    const nothing = violation(checkPerKeyOrder({ produced, consumed: [] }));
    expect(nothing.message).toBe(
      'key k1: expected 1 (produced at 10 ms) to be consumed, but none of the 3 produced values of this key was ' +
        'consumed. Key k2 also lost messages.',
    );
  });

  it('reports a value never produced for its key', () => {
    const v = violation(checkPerKeyOrder({ produced, consumed: [c(60, 'k1', 'a')] }));
    expect(v.property).toBe('per-key-order');
    expect(v.message).toBe('key k1: expected 1 next (produced at 10 ms), but "a" was consumed at 60 ms, a value never produced for this key.');
    const unknownKey = violation(checkPerKeyOrder({ produced, consumed: [c(60, 'k9', 1)] }));
    expect(unknownKey.message).toContain('nothing was ever produced for this key');
  });

  it('allows redelivery of consumed messages only with allowDuplicates', () => {
    // A rebalance: c-2 restarts key k1 from the last committed offset (value 2).
    const consumed = [
      c(60, 'k1', 1, 'c-1'),
      c(61, 'k1', 2, 'c-1'),
      c(62, 'k1', 3, 'c-1'),
      c(70, 'k1', 2, 'c-2'),
      c(71, 'k1', 3, 'c-2'),
      c(72, 'k2', 'a', 'c-2'),
      c(73, 'k2', 'b', 'c-2'),
    ];
    expect(checkPerKeyOrder({ produced, consumed }, { allowDuplicates: true })).toEqual(ok);
    const v = violation(checkPerKeyOrder({ produced, consumed }));
    expect(v.property).toBe('per-key-order');
    expect(v.message).toBe(
      'key k1: all 3 produced values had already been consumed, but 2 was consumed again at 70 ms by c-2 ' +
        '(it was already consumed at 61 ms); each message must be consumed exactly once.',
    );
    expect(v.events).toEqual([1, 3]);
  });

  it('still reports skipping and reordering under allowDuplicates', () => {
    const skip = [c(60, 'k1', 1), c(61, 'k1', 1), c(62, 'k1', 3)];
    expect(violation(checkPerKeyOrder({ produced, consumed: skip }, { allowDuplicates: true })).property).toBe('no-loss');
    const reorder = [c(60, 'k1', 1), c(61, 'k1', 3), c(62, 'k1', 2), c(63, 'k2', 'a'), c(64, 'k2', 'b')];
    expect(violation(checkPerKeyOrder({ produced, consumed: reorder }, { allowDuplicates: true })).property).toBe(
      'per-key-order',
    );
  });

  it('copes with a value produced twice for one key', () => {
    const twice = [p(1, 'k', 'x'), p(2, 'k', 'y'), p(3, 'k', 'x')];
    const consumed = [c(10, 'k', 'x'), c(11, 'k', 'y'), c(12, 'k', 'x')];
    expect(checkPerKeyOrder({ produced: twice, consumed })).toEqual(ok);
    expect(
      checkPerKeyOrder({ produced: twice, consumed: [...consumed, c(13, 'k', 'y'), c(14, 'k', 'x')] }, { allowDuplicates: true }),
    ).toEqual(ok);
  });

  it('sorts unsorted input stably and points into the caller’s array', () => {
    const consumed = [c(80, 'k1', 2), c(70, 'k1', 3), c(60, 'k1', 1)];
    const v = violation(checkPerKeyOrder({ produced: [...produced].reverse(), consumed }));
    expect(v.property).toBe('per-key-order');
    expect(v.events).toEqual([1, 0]);
  });

  it('reports unreadable input instead of throwing', () => {
    expect(violation(checkPerKeyOrder({ produced: [p(Number.NaN, 'k', 1)], consumed: [] })).property).toBe(
      'well-formed-input',
    );
    expect(violation(checkPerKeyOrder({ produced: [], consumed: 'nope' } as never)).property).toBe('well-formed-input');
  });

  /** Per-key sequences of distinct values, merged in any interleaving that keeps each key's order. */
  const run = fc
    .array(fc.constantFrom('k1', 'k2', 'k3'), { maxLength: 30 })
    .map((keys) => {
      const count = new Map<string, number>();
      const produced = keys.map((key, i) => {
        const n = count.get(key) ?? 0;
        count.set(key, n + 1);
        return p(i, key, `${key}#${n}`);
      });
      return produced;
    })
    .chain((produced) =>
      fc.tuple(
        fc.constant(produced),
        fc.array(fc.nat(), { minLength: produced.length, maxLength: produced.length }),
      ),
    )
    .map(([produced, noise]) => {
      // Consumption time = production time + a per-key non-decreasing delay keeps each key in order.
      const delay = new Map<string, number>();
      const consumed = produced.map((m, i) => {
        const d = Math.max(delay.get(m.key) ?? 0, noise[i]! % 50);
        delay.set(m.key, d);
        return c(100 + m.tMs + d, m.key, m.value);
      });
      return { produced, consumed };
    });

  it('accepts any interleaving of keys that keeps each key in order, in any input order', () => {
    fc.assert(
      fc.property(
        run.chain((r) => fc.tuple(fc.constant(r), permutationOf(r.consumed.length))),
        ([{ produced, consumed }, perm]) => {
          expect(checkPerKeyOrder({ produced, consumed })).toEqual(ok);
          expect(checkPerKeyOrder({ produced, consumed: permute(consumed, perm) })).toEqual(ok);
        },
      ),
    );
  });

  it('accepts redelivery of any consumed prefix item only under allowDuplicates', () => {
    fc.assert(
      fc.property(run, fc.nat(), ({ produced, consumed }, pick) => {
        fc.pre(consumed.length > 0);
        const last = consumed.reduce((a, b) => (b.tMs > a.tMs ? b : a));
        const again = { ...consumed[pick % consumed.length]!, tMs: last.tMs + 1 };
        const withAgain = [...consumed, again];
        expect(checkPerKeyOrder({ produced, consumed: withAgain }, { allowDuplicates: true })).toEqual(ok);
        expect(violation(checkPerKeyOrder({ produced, consumed: withAgain })).property).toBe('per-key-order');
      }),
    );
  });

  it('reports swapping two messages of one key', () => {
    fc.assert(
      fc.property(run, fc.nat(), ({ produced, consumed }, pick) => {
        const pairs = consumed.flatMap((m, i) =>
          consumed.flatMap((n, j) => (i < j && m.key === n.key && m.tMs !== n.tMs ? [[i, j] as const] : [])),
        );
        fc.pre(pairs.length > 0);
        const [i, j] = pairs[pick % pairs.length]!;
        const swapped = consumed.map((m, k) =>
          k === i ? { ...m, value: consumed[j]!.value } : k === j ? { ...m, value: consumed[i]!.value } : m,
        );
        const v = violation(checkPerKeyOrder({ produced, consumed: swapped }, { allowDuplicates: true }));
        expect(v.property).toBe('per-key-order');
      }),
    );
  });
});
