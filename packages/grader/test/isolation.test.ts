/**
 * Each simulated node gets its own instance of the learner's module (`newInstance()`), so
 * module-level variables cannot carry state between nodes behind the network's back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeWithBundle } from '../src/node.ts';
import { defineExercise } from '../src/exercise.ts';
import { bundleFixture } from './fixtures/bundle-fixture.ts';

let fixture: Awaited<ReturnType<typeof bundleFixture>>;
let bundlePath: string;
beforeAll(async () => {
  fixture = await bundleFixture('isolation');
  bundlePath = fixture.bundlePath;
});
afterAll(() => fixture.remove());

const statuses = async (source: string) => (await gradeWithBundle({ bundlePath, source })).tests.map((t) => t.status);

/** Counts in a module-level variable; passes notes honestly, as messages. */
const HONEST = `
let count = 0;
let note: unknown = null;
export function createCounter(node: any) {
  return {
    onRequest(request: any, reply: (r: unknown) => void) {
      if (request === 'inc') return reply(++count);
      if (request === 'read-note') return reply(note);
      for (const peer of node.peers) node.send(peer, request.note);
      note = request.note;
      reply('ok');
    },
    onMessage(_from: string, body: unknown) { note = body; },
  };
}`;

/** Passes the note through a module-level variable instead of the network. */
const CHEAT = `
let count = 0;
let note: unknown = null;
export function createCounter(_node: any) {
  return {
    onRequest(request: any, reply: (r: unknown) => void) {
      if (request === 'inc') return reply(++count);
      if (request === 'read-note') return reply(note);
      note = request.note;
      reply('ok');
    },
  };
}`;

describe('module instances per node', () => {
  it('gives every node, and every restart, its own module-level state', async () => {
    expect(await statuses(HONEST)).toEqual(['pass', 'pass', 'pass']);
  });

  it('defeats sharing state through module-level variables', async () => {
    expect(await statuses(CHEAT)).toEqual(['pass', 'pass', 'fail']);
  });

  it('reserves the name newInstance', () => {
    expect(() => defineExercise({ id: 'x', title: 'x', chapter: '01-storage', exports: ['newInstance'] })).toThrow(/must not include "newInstance"/);
  });
});
