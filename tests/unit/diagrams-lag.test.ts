/**
 * The replication-lag diagram's model, a real `Simulation`: a read from a follower whose lag has
 * not passed is stale, one after it is not, and the page's globals are never left virtual.
 */
import { describe, expect, it } from 'vitest';
import { LagModel } from '../../src/components/diagrams/internal/lag-model.ts';

describe('the replication-lag model', () => {
  it('starts with write #1 on every notepad', () => {
    const model = new LagModel();
    for (const id of ['barista-1', 'barista-2', 'barista-3']) expect(model.notepad(id)).toEqual({ n: 1, drink: 'flat white' });
    expect(model.inFlight()).toEqual([]);
    expect(model.nowMs).toBe(10);
  });

  it('serves a stale read from a lagging follower until its lag has passed', () => {
    const model = new LagModel(1, { 'barista-2': 40, 'barista-3': 400 });
    const w = model.write();
    expect(w).toEqual({ n: 2, drink: 'oat flat white' });
    expect(model.read('barista-1')).toMatchObject({ stale: false, got: w });
    expect(model.read('barista-3')).toMatchObject({ stale: true, got: { n: 1 }, latest: w, arrivesMs: 410 });
    model.advanceTo(50);
    expect(model.read('barista-2')).toMatchObject({ stale: false, got: w });
    expect(model.read('barista-3').stale).toBe(true);
    expect(model.catchUpMs()).toBe(410);
    model.advanceTo(model.catchUpMs()!);
    expect(model.read('barista-3')).toMatchObject({ stale: false, got: w });
    expect(model.inFlight()).toEqual([]);
  });

  it('takes a new lag for messages sent afterwards, and keeps the newest write when one overtakes another', () => {
    const model = new LagModel(1, { 'barista-2': 500, 'barista-3': 500 });
    model.write(); // #2, arrives at 510
    model.setLag('barista-2', 20);
    model.write(); // #3, arrives at 30 at barista-2
    model.advanceTo(40);
    expect(model.notepad('barista-2')?.n).toBe(3);
    model.advanceTo(600);
    expect(model.notepad('barista-2')?.n).toBe(3);
    expect(model.notepad('barista-3')?.n).toBe(3);
  });

  it('gives the same run for the same actions, and leaves Math.random, Date and the timers real', () => {
    const random = Math.random;
    const RealDate = Date;
    const timeout = setTimeout;
    const play = () => {
      const model = new LagModel();
      model.write();
      model.advanceTo(30);
      const a = model.read('barista-3');
      model.setLag('barista-3', 100);
      model.write();
      model.advanceTo(200);
      return [a, model.read('barista-3'), model.inFlight()];
    };
    expect(play()).toEqual(play());
    expect(Math.random).toBe(random);
    expect(Date).toBe(RealDate);
    expect(setTimeout).toBe(timeout);
  });
});
