/**
 * The Paxos diagram's model, a real `Simulation` with every message held in flight until it is
 * delivered: one proposer alone gets its value chosen (before anyone knows it); the chapter's
 * worked run where a proposer crashes after one accept goes both ways and stays safe; a duel
 * keeps pre-empting under unlucky timing and resolves when the timing changes; an acceptor that
 * keeps its promises only in memory lets two values be chosen after a restart, and on disk the
 * same steps keep one; random sequences with promises on disk never choose two values; and the
 * same actions always give the same state.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PaxosModel,
  RUN_LIMIT,
  acceptorIds,
  messageText,
  playRestartScenario,
  type AcceptorCount,
  type Note,
  type Order,
  type PaxosMessage,
  type ProposerId,
} from '../../src/components/diagrams/internal/paxos-model.ts';

const of = <T extends Note['t']>(notes: Note[], t: T) => notes.filter((n): n is Extract<Note, { t: T }> => n.t === t);

/** Delivers the first message in flight of `type` from `from` to `to`; fails if there is none. */
function deliver(model: PaxosModel, type: PaxosMessage['type'], from: string, to: string): Note[] {
  const m = model.inFlight.find((x) => x.body.type === type && x.from === from && x.to === to);
  expect(m, `${type} ${from} → ${to} in flight`).toBeDefined();
  return model.deliver(m!.id);
}

describe('the Paxos model', () => {
  it('words messages in the course vocabulary', () => {
    const b = { round: 2, node: 'P1' };
    expect(messageText({ type: 'prepare', ballot: b })).toBe('prepare(2, P1)');
    expect(messageText({ type: 'promise', ballot: b, accepted: null })).toBe('promise(2, P1), nothing accepted');
    expect(messageText({ type: 'promise', ballot: b, accepted: { ballot: { round: 1, node: 'P2' }, value: 'mocha' } })).toBe(
      'promise(2, P1), accepted (1, P2) ‘mocha’',
    );
    expect(messageText({ type: 'accept', ballot: b, value: 'latte' })).toBe('accept(2, P1) ‘latte’');
    expect(messageText({ type: 'nack', ballot: b, promised: { round: 3, node: 'P2' } })).toBe('nack(2, P1), promised (3, P2)');
  });

  it('holds every message in flight until it is delivered', () => {
    const model = new PaxosModel();
    const notes = model.propose('P1');
    expect(of(notes, 'propose')).toEqual([{ t: 'propose', proposer: 'P1', ballot: { round: 1, node: 'P1' }, duel: false }]);
    expect(model.inFlight.map((m) => `${m.from}>${m.to} ${messageText(m.body)}`)).toEqual([
      'P1>A1 prepare(1, P1)',
      'P1>A2 prepare(1, P1)',
      'P1>A3 prepare(1, P1)',
    ]);
    expect(model.inFlight.every((m) => model.isNew(m.id))).toBe(true);
    // Nothing has reached an acceptor yet.
    for (const id of model.acceptors) expect(model.acceptor(id)).toMatchObject({ up: true, promised: null, accepted: null });
    const step = model.deliverNext();
    expect(of(step, 'promise')).toEqual([{ t: 'promise', acceptor: 'A1', ballot: { round: 1, node: 'P1' }, accepted: null, disk: true }]);
    expect(model.acceptor('A1').promised).toEqual({ round: 1, node: 'P1' });
    expect(model.inFlight.map((m) => `${m.from}>${m.to} ${m.body.type}`)).toEqual(['P1>A2 prepare', 'P1>A3 prepare', 'A1>P1 promise']);
    expect(model.isNew(model.inFlight.at(-1)!.id)).toBe(true);
    expect(model.isNew(model.inFlight[0]!.id)).toBe(false);
  });

  for (const n of [3, 5] as AcceptorCount[]) {
    it(`happy path with ${n} acceptors: the value is chosen by the acceptors before anyone knows it, then learned`, () => {
      const model = new PaxosModel({ acceptors: n });
      model.propose('P1');
      let chosenAt: Note[] | undefined;
      for (let i = 0; i < 50 && !chosenAt; i++) {
        const notes = model.deliverNext();
        if (of(notes, 'chosen').length) chosenAt = notes;
      }
      expect(chosenAt).toBeDefined();
      const majority = Math.floor(n / 2) + 1;
      expect(model.chosen).toEqual([{ ballot: { round: 1, node: 'P1' }, value: 'latte', by: acceptorIds(n).slice(0, majority), action: model.actionCount }]);
      // Chosen is a fact about the acceptors: no proposer, no learner has heard yet.
      expect(model.proposer('P1').learned).toBeNull();
      expect(model.board.learned).toBeNull();
      const run = model.runUntilQuiet();
      expect(of(run, 'quiet')).toEqual([{ t: 'quiet', delivered: expect.any(Number), limited: false }]);
      expect(model.inFlight).toEqual([]);
      expect(model.chosenValues()).toEqual(['latte']);
      expect(model.proposer('P1')).toMatchObject({ learned: 'latte', phase: 'learned' });
      expect(model.board).toMatchObject({ learned: 'latte', ballot: { round: 1, node: 'P1' } });
      expect(model.proposer('P2').learned).toBeNull();
      for (const id of model.acceptors) expect(model.acceptor(id).accepted).toEqual({ ballot: { round: 1, node: 'P1' }, value: 'latte' });
    });
  }

  /** The chapter's second run: P1's accept reaches only A1 before P1 crashes. */
  function proposerCrashesAfterOneAccept(): PaxosModel {
    const model = new PaxosModel();
    model.propose('P1');
    for (const a of model.acceptors) deliver(model, 'prepare', 'P1', a);
    deliver(model, 'promise', 'A1', 'P1');
    const phase2 = deliver(model, 'promise', 'A2', 'P1');
    expect(of(phase2, 'phase2')[0]).toMatchObject({ value: 'latte', adopted: null, promisers: ['A1', 'A2'] });
    deliver(model, 'accept', 'P1', 'A1');
    const crash = model.crash('P1');
    // The promise from A3 and A1's accepted were on their way to P1: lost with it.
    expect(
      of(crash, 'crash')[0]!
        .lost.map((m) => `${m.from}>${m.to} ${m.body.type}`)
        .sort(),
    ).toEqual(['A1>P1 accepted', 'A3>P1 promise']);
    expect(model.chosen).toEqual([]);
    return model;
  }

  it('a proposer crashes after one accept; the next proposer hears of it and must propose the same value', () => {
    const model = proposerCrashesAfterOneAccept();
    model.propose('P2');
    deliver(model, 'prepare', 'P2', 'A1');
    deliver(model, 'prepare', 'P2', 'A2');
    deliver(model, 'promise', 'A1', 'P2');
    const notes = deliver(model, 'promise', 'A2', 'P2');
    expect(of(notes, 'phase2')).toEqual([
      {
        t: 'phase2',
        proposer: 'P2',
        ballot: { round: 1, node: 'P2' },
        value: 'latte',
        promisers: ['A1', 'A2'],
        adopted: { from: 'A1', accepted: { ballot: { round: 1, node: 'P1' }, value: 'latte' } },
      },
    ]);
    model.runUntilQuiet();
    expect(model.chosenValues()).toEqual(['latte']);
    expect(model.proposer('P2').learned).toBe('latte');
    expect(model.board.learned).toBe('latte');
  });

  it('a proposer crashes after one accept; a next proposer that does not hear of it is free, and the late accept is refused', () => {
    const model = proposerCrashesAfterOneAccept();
    model.propose('P2');
    deliver(model, 'prepare', 'P2', 'A2');
    deliver(model, 'prepare', 'P2', 'A3');
    deliver(model, 'promise', 'A2', 'P2');
    const notes = deliver(model, 'promise', 'A3', 'P2');
    expect(of(notes, 'phase2')[0]).toMatchObject({ value: 'mocha', adopted: null });
    // P1's accept reaches A2 late: A2 has promised (1, P2), above (1, P1).
    const late = deliver(model, 'accept', 'P1', 'A2');
    expect(of(late, 'refuse')).toEqual([{ t: 'refuse', acceptor: 'A2', kind: 'accept', ballot: { round: 1, node: 'P1' }, promised: { round: 1, node: 'P2' } }]);
    // Its nack goes to P1, which is down: lost.
    expect(of(late, 'lost')).toHaveLength(1);
    model.runUntilQuiet();
    expect(model.chosenValues()).toEqual(['mocha']);
    // A1 accepts mocha too, replacing latte, which was never chosen.
    expect(model.acceptor('A1').accepted).toEqual({ ballot: { round: 1, node: 'P2' }, value: 'mocha' });
    expect(model.proposer('P2').learned).toBe('mocha');
  });

  it('two values at different numbers: the restarted proposer carries forward the highest-numbered one', () => {
    const model = proposerCrashesAfterOneAccept();
    // P2 gets promises from A2 and A3, which report nothing, and its accept reaches only A2.
    model.propose('P2');
    deliver(model, 'prepare', 'P2', 'A2');
    deliver(model, 'prepare', 'P2', 'A3');
    deliver(model, 'promise', 'A2', 'P2');
    deliver(model, 'promise', 'A3', 'P2');
    deliver(model, 'accept', 'P2', 'A2');
    model.crash('P2');
    model.restart('P1');
    const prepare = model.propose('P1');
    expect(of(prepare, 'propose')[0]!.ballot).toEqual({ round: 2, node: 'P1' });
    deliver(model, 'prepare', 'P1', 'A1');
    deliver(model, 'prepare', 'P1', 'A2');
    // A1 reports (1, P1) ‘latte’ first, A2 then (1, P2) ‘mocha’: the higher number wins, not the first heard.
    expect(messageText(model.inFlight.find((m) => m.from === 'A1' && m.body.type === 'promise')!.body)).toBe('promise(2, P1), accepted (1, P1) ‘latte’');
    deliver(model, 'promise', 'A1', 'P1');
    const notes = deliver(model, 'promise', 'A2', 'P1');
    expect(of(notes, 'phase2')[0]).toMatchObject({ value: 'mocha', adopted: { from: 'A2', accepted: { ballot: { round: 1, node: 'P2' }, value: 'mocha' } } });
    model.runUntilQuiet();
    expect(model.chosenValues()).toEqual(['mocha']);
    expect(model.proposer('P1').learned).toBe('mocha');
  });

  it('a nacked proposer gives up unless duelling, and its next round goes above the promise it was told of', () => {
    const model = new PaxosModel();
    model.propose('P2');
    for (const a of model.acceptors) deliver(model, 'prepare', 'P2', a);
    model.propose('P1');
    const refused = deliver(model, 'prepare', 'P1', 'A1');
    expect(of(refused, 'refuse')[0]).toMatchObject({ acceptor: 'A1', kind: 'prepare', promised: { round: 1, node: 'P2' } });
    const gaveUp = deliver(model, 'nack', 'A1', 'P1');
    expect(of(gaveUp, 'gave-up')).toEqual([{ t: 'gave-up', proposer: 'P1', ballot: { round: 1, node: 'P1' }, promised: { round: 1, node: 'P2' }, by: 'A1' }]);
    expect(model.proposer('P1')).toMatchObject({ phase: 'idle', ballot: { round: 1, node: 'P1' } });
    const again = model.propose('P1');
    expect(of(again, 'propose')[0]!.ballot).toEqual({ round: 2, node: 'P1' });
  });

  it('duel: under unlucky timing the proposers pre-empt each other and nothing is chosen; in order, one value wins and both learn it', () => {
    for (const n of [3, 5] as AcceptorCount[]) {
      const model = new PaxosModel({ acceptors: n });
      model.duel();
      const notes: Note[] = [];
      for (let i = 0; i < 150; i++) notes.push(...model.deliverNext('accepts-last'));
      const retries = of(notes, 'propose').filter((x) => x.after);
      expect(retries.length).toBeGreaterThan(4);
      expect(new Set(retries.map((x) => x.proposer))).toEqual(new Set(['P1', 'P2']));
      expect(model.chosen).toEqual([]);
      for (const id of ['P1', 'P2'] as ProposerId[]) expect(model.proposer(id)).toMatchObject({ duelling: true, learned: null });
      expect(model.proposer('P1').round).toBeGreaterThan(3);

      const run = model.runUntilQuiet();
      expect(of(run, 'quiet')[0]!.limited).toBe(false);
      const [value] = model.chosenValues();
      expect(model.chosenValues()).toHaveLength(1);
      expect(model.proposer('P1')).toMatchObject({ learned: value, duelling: false });
      expect(model.proposer('P2')).toMatchObject({ learned: value, duelling: false });
      expect(model.board.learned).toBe(value);
    }
  });

  it('duel: when only one proposer’s messages get through, that proposer wins', () => {
    const model = new PaxosModel();
    model.duel();
    for (let i = 0; i < 40 && !model.proposer('P1').learned; i++) {
      const mine = model.inFlight.find((m) => m.body.ballot.node === 'P1');
      if (!mine) break;
      model.deliver(mine.id);
    }
    expect(model.chosenValues()).toEqual(['latte']);
    expect(model.proposer('P1').learned).toBe('latte');
    // P2 catches up: its next round hears of latte and proposes it.
    model.runUntilQuiet();
    expect(model.chosenValues()).toEqual(['latte']);
    expect(model.proposer('P2').learned).toBe('latte');
  });

  it('accepts-last delivers prepares, promises and nacks before accepts, and accepted messages last', () => {
    const model = new PaxosModel();
    model.propose('P1');
    const seen: string[] = [];
    for (let i = 0; i < 30 && model.inFlight.length; i++) seen.push(of(model.deliverNext('accepts-last'), 'deliver')[0]!.message.body.type);
    expect(seen.indexOf('accept')).toBeGreaterThan(seen.lastIndexOf('promise'));
    expect(seen.indexOf('accepted')).toBeGreaterThan(seen.lastIndexOf('accept'));
    expect(model.chosenValues()).toEqual(['latte']);
    expect(model.deliverNext('accepts-last')).toEqual([{ t: 'nothing' }]);
  });

  it('crashes lose the messages on their way to the node, and a message sent to a node that is down is lost', () => {
    const model = new PaxosModel();
    model.propose('P1');
    const crash = model.crash('A3');
    expect(of(crash, 'crash')[0]).toMatchObject({ node: 'A3', kept: 'disk', lost: [{ from: 'P1', to: 'A3' }] });
    expect(model.inFlight.map((m) => m.to)).toEqual(['A1', 'A2']);
    expect(model.acceptor('A3').up).toBe(false);
    const again = model.propose('P2');
    expect(of(again, 'lost').map((x) => `${x.message.to} ${x.message.body.type}`)).toEqual(['A3 prepare']);
    expect(model.inFlight.filter((m) => m.to === 'A3')).toEqual([]);
    // A proposer that is down cannot propose.
    model.crash('P1');
    expect(model.propose('P1')).toEqual([{ t: 'down', node: 'P1', what: 'propose' }]);
  });

  it('a restarted proposer keeps its round number on disk and never reuses a ballot', () => {
    const model = new PaxosModel();
    model.propose('P1');
    model.crash('P1');
    const restart = model.restart('P1');
    expect(of(restart, 'restart')[0]).toMatchObject({ node: 'P1', round: 1 });
    expect(of(model.propose('P1'), 'propose')[0]!.ballot).toEqual({ round: 2, node: 'P1' });
  });

  for (const n of [3, 5] as AcceptorCount[]) {
    it(`with ${n} acceptors keeping promises only in memory, a restart lets a second value be chosen; on disk the same steps keep one`, () => {
      const pivot = `A${Math.floor(n / 2) + 1}`;

      const memory = new PaxosModel({ acceptors: n, persist: false });
      const lost = playRestartScenario(memory);
      expect(memory.chosenValues()).toEqual(['latte', 'mocha']);
      const [first, second] = memory.chosen;
      expect(first!.by).toContain(pivot);
      expect(second!.by).toContain(pivot);
      expect(memory.forgotten).toEqual([
        { acceptor: pivot, promised: { round: 1, node: 'P1' }, accepted: { ballot: { round: 1, node: 'P1' }, value: 'latte' }, action: expect.any(Number) },
      ]);
      expect(of(lost, 'restart')).toEqual([{ t: 'restart', node: pivot, promised: null, accepted: null, fromDisk: false }]);
      expect(of(lost, 'chosen').map((c) => [c.chosen.value, c.earlier])).toEqual([
        ['latte', []],
        ['mocha', ['latte']],
      ]);
      expect(memory.proposer('P1').learned).toBe('latte');
      expect(memory.proposer('P2').learned).toBe('mocha');

      const disk = new PaxosModel({ acceptors: n, persist: true });
      const kept = playRestartScenario(disk);
      expect(disk.chosenValues()).toEqual(['latte']);
      expect(disk.forgotten).toEqual([]);
      expect(of(kept, 'restart')[0]).toMatchObject({ node: pivot, fromDisk: true, accepted: { value: 'latte' } });
      expect(of(kept, 'phase2').find((x) => x.proposer === 'P2')).toMatchObject({ value: 'latte', adopted: { from: pivot } });
      expect(disk.proposer('P2').learned).toBe('latte');
    });
  }

  it('a crashed acceptor keeps its promise on disk, and forgets it in memory', () => {
    for (const persist of [true, false]) {
      const model = new PaxosModel({ persist });
      model.propose('P1');
      deliver(model, 'prepare', 'P1', 'A1');
      model.crash('A1');
      expect(model.acceptor('A1')).toMatchObject({ up: false, forgotten: !persist, promised: persist ? { round: 1, node: 'P1' } : null });
      model.restart('A1');
      expect(model.acceptor('A1')).toMatchObject({ up: true, forgotten: false, promised: persist ? { round: 1, node: 'P1' } : null });
    }
  });

  type Action =
    | { a: 'propose'; p: ProposerId }
    | { a: 'duel' }
    | { a: 'next'; order: Order }
    | { a: 'deliver' | 'drop'; i: number }
    | { a: 'crash' | 'restart'; node: number }
    | { a: 'run' };
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ a: fc.constant('propose' as const), p: fc.constantFrom<ProposerId>('P1', 'P2') }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('duel' as const) }) },
    { weight: 6, arbitrary: fc.record({ a: fc.constant('next' as const), order: fc.constantFrom<Order>('oldest', 'accepts-last') }) },
    { weight: 8, arbitrary: fc.record({ a: fc.constantFrom('deliver' as const, 'drop' as const), i: fc.nat(30) }) },
    { weight: 3, arbitrary: fc.record({ a: fc.constantFrom('crash' as const, 'restart' as const), node: fc.nat(6) }) },
    { weight: 1, arbitrary: fc.record({ a: fc.constant('run' as const) }) },
  );

  function play(n: AcceptorCount, persist: boolean, actions: Action[]) {
    const model = new PaxosModel({ acceptors: n, persist });
    const nodes = [...model.acceptors, 'P1', 'P2'];
    const notes: Note[][] = [];
    for (const x of actions) {
      const pick = (i: number) => model.inFlight[i % Math.max(1, model.inFlight.length)]?.id ?? -1;
      if (x.a === 'propose') notes.push(model.propose(x.p));
      else if (x.a === 'duel') notes.push(model.duel());
      else if (x.a === 'next') notes.push(model.deliverNext(x.order));
      else if (x.a === 'deliver' || x.a === 'drop') notes.push(model[x.a](pick(x.i)));
      else if (x.a === 'run') notes.push(model.runUntilQuiet(60));
      else if (x.a === 'crash' || x.a === 'restart') notes.push(model[x.a](nodes[x.node % nodes.length]!));
    }
    return { model, notes };
  }

  it('with promises on disk, no sequence of actions chooses two values or lets anyone learn an unchosen one', () => {
    fc.assert(
      fc.property(fc.constantFrom<AcceptorCount>(3, 5), fc.array(action, { maxLength: 60 }), (n, actions) => {
        const { model } = play(n, true, actions);
        const values = model.chosenValues();
        expect(values.length).toBeLessThanOrEqual(1);
        for (const learned of [model.proposer('P1').learned, model.proposer('P2').learned, model.board.learned]) {
          if (learned !== null) expect(values).toEqual([learned]);
        }
        // Whatever the timing was, delivering the rest in order ends the duel.
        model.runUntilQuiet(RUN_LIMIT);
        expect(model.chosenValues().length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('replays identically: the same actions give the same state and the same notes', () => {
    fc.assert(
      fc.property(fc.constantFrom<AcceptorCount>(3, 5), fc.boolean(), fc.array(action, { maxLength: 40 }), (n, persist, actions) => {
        const a = play(n, persist, actions);
        const b = play(n, persist, actions);
        expect(a.model.snapshot()).toEqual(b.model.snapshot());
        expect(a.notes).toEqual(b.notes);
      }),
      { numRuns: 60 },
    );
    const once = new PaxosModel({ persist: false });
    playRestartScenario(once);
    const twice = new PaxosModel({ persist: false });
    playRestartScenario(twice);
    expect(once.snapshot()).toEqual(twice.snapshot());
  });
});
