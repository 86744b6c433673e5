/**
 * The partition diagram's model, a real `Simulation` split 2 | 1: in CP the minority side
 * refuses and the majority side serves; in AP both sides answer and diverge, and after a heal
 * every notepad converges on the last writer's version.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BARISTAS, PartitionModel, WAIT_MS, type Mode, type Side } from '../../src/components/diagrams/internal/partition-model.ts';

describe('the partition model', () => {
  it('serves both sides while the line is up, in either mode', () => {
    for (const mode of ['CP', 'AP'] as Mode[]) {
      const model = new PartitionModel();
      model.mode = mode;
      expect(model.write('station')).toMatchObject({ ok: true, value: { drink: 'black coffee', by: 'barista-3' } });
      expect(model.read('original')).toMatchObject({ ok: true, value: { drink: 'black coffee' } });
      expect(model.converged()).toBe(true);
    }
  });

  it('in CP, refuses on the minority side and serves on the majority side', () => {
    const model = new PartitionModel();
    model.setPartitioned(true);
    const refused = model.write('station');
    expect(refused).toMatchObject({ ok: false, heard: 1, value: null, mode: 'CP' });
    expect(model.read('station')).toMatchObject({ ok: false, heard: 1 });
    const write = model.write('original');
    expect(write).toMatchObject({ ok: true, value: { drink: 'oat flat white', by: 'barista-1' } });
    expect(model.read('original')).toMatchObject({ ok: true, value: write.value });
    // The refused write took effect nowhere; the station still has the old order.
    expect(model.valueOf('barista-3')).toMatchObject({ drink: 'flat white' });
    const heal = model.setPartitioned(false)!;
    expect(heal.converged).toBe(true);
    expect(heal.overwritten).toEqual([]);
    for (const id of BARISTAS) expect(model.valueOf(id)).toEqual(write.value);
    expect(model.read('station')).toMatchObject({ ok: true, value: write.value });
    expect(WAIT_MS).toBeLessThan(100);
  });

  it('in AP, answers on both sides, diverges, and converges after a heal with the last writer winning', () => {
    const model = new PartitionModel();
    model.mode = 'AP';
    model.setPartitioned(true);
    const ada = model.write('original');
    const ben = model.write('station');
    expect(ada.ok && ben.ok).toBe(true);
    expect(model.read('original').value).toEqual(ada.value);
    expect(model.read('station').value).toEqual(ben.value);
    expect(model.converged()).toBe(false);
    const heal = model.setPartitioned(false)!;
    expect(heal.before).toEqual([ada.value, ben.value]);
    expect(heal.converged).toBe(true);
    expect(heal.after).toEqual(ben.value); // written later
    expect(heal.overwritten).toEqual([ada.value]);
    for (const id of BARISTAS) expect(model.valueOf(id)).toEqual(ben.value);
  });

  it('converges after any sequence of actions once healed, and replays identically', () => {
    type Action = { a: 'write' | 'read'; side: Side } | { a: 'mode'; mode: Mode } | { a: 'cut'; cut: boolean };
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({ a: fc.constantFrom('write' as const, 'read' as const), side: fc.constantFrom<Side>('original', 'station') }),
      fc.record({ a: fc.constant('mode' as const), mode: fc.constantFrom<Mode>('CP', 'AP') }),
      fc.record({ a: fc.constant('cut' as const), cut: fc.boolean() }),
    );
    const play = (actions: Action[]) => {
      const model = new PartitionModel();
      const out: unknown[] = [];
      for (const x of actions) {
        if (x.a === 'mode') model.mode = x.mode;
        else if (x.a === 'cut') out.push(model.setPartitioned(x.cut));
        else {
          const o = model[x.a](x.side);
          out.push(o);
          // In CP, the minority side never answers while cut off.
          if (model.partitioned && model.mode === 'CP' && x.side === 'station') expect(o.ok).toBe(false);
          if (model.mode === 'AP' || !model.partitioned) expect(o.ok).toBe(true);
        }
      }
      model.setPartitioned(false);
      expect(model.converged()).toBe(true);
      return out;
    };
    fc.assert(
      fc.property(fc.array(action, { maxLength: 20 }), (actions) => {
        expect(play(actions)).toEqual(play(actions));
      }),
      { numRuns: 100 },
    );
  });
});
