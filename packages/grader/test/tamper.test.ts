/**
 * Learner code that overwrites built-ins cannot change how its tests are judged: the built-ins
 * grading relies on are locked before the learner's module loads, so tampering either throws
 * at the learner's own line or, if the learner swallows that, changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeWithBundle } from '../src/node.ts';
import { bundleFixture } from './fixtures/bundle-fixture.ts';

let fixture: Awaited<ReturnType<typeof bundleFixture>>;
let bundlePath: string;
beforeAll(async () => {
  fixture = await bundleFixture('tamper');
  bundlePath = fixture.bundlePath;
});
afterAll(() => fixture.remove());

const grade = (source: string) => gradeWithBundle({ bundlePath, source });
const statuses = async (source: string) => (await grade(source)).tests.map((t) => t.status);

const CORRECT = 'export function sortCups(xs: number[]) { return [...xs].sort((a, b) => a - b); }';
const IDENTITY = 'export function sortCups(xs: number[]) { return xs; }';
/** Wraps each tampering in try/catch, as a learner who wants it to "work" silently would. */
const quietly = (...lines: string[]) => lines.map((l) => `try { ${l} } catch {}`).join('\n');

const TAMPERINGS: Record<string, string> = {
  'Array.prototype.sort': 'Array.prototype.sort = function () { return this; };',
  'Array.prototype.sort via defineProperty': "Object.defineProperty(Array.prototype, 'sort', { value: function () { return this; } });",
  'JSON.stringify': "JSON.stringify = () => '[1,2]';",
  'the JSON global': "(globalThis as any).JSON = { stringify: () => '[1,2]' };",
  'Object.keys': "Object.keys = () => ['0', '1', '2'];",
  'Math.max': 'Math.max = () => 7;',
  'the Math global': '(globalThis as any).Math = { max: () => 7 };',
  'Function.prototype.call': 'Function.prototype.call = function () { return true; };',
  'Object.prototype': "(Object.prototype as any).toJSON = function () { return [1, 2]; };",
  'the Array global': '(globalThis as any).Array = function () {};',
};

describe('tampering with built-ins', () => {
  it.each(Object.keys(TAMPERINGS))('throws at the learner’s line when %s is overwritten at load', async (what) => {
    const v = await grade(`${TAMPERINGS[what]}\n${IDENTITY}`);
    expect(v.problem?.kind).toBe('load-throw');
    expect(v.problem?.message).toMatch(/^Your module threw while loading: TypeError: .*(read only|not extensible|Cannot redefine|Cannot assign|Cannot add|object is not extensible)/i);
    expect(v.problem?.line).toBe(1);
    expect(v.passed).toBe(false);
  });

  it('changes nothing when the learner swallows the errors: a wrong answer still fails', async () => {
    expect(await statuses(`${quietly(...Object.values(TAMPERINGS))}\n${IDENTITY}`)).toEqual(['fail', 'fail', 'pass']);
    expect(await statuses(IDENTITY)).toEqual(['fail', 'fail', 'pass']);
  });

  it('changes nothing for a right answer either', async () => {
    expect(await statuses(`${quietly(...Object.values(TAMPERINGS))}\n${CORRECT}`)).toEqual(['pass', 'pass', 'pass']);
  });

  it('reports tampering during a test as an error of that test, at the learner’s line', async () => {
    const v = await grade(`export function sortCups(xs: number[]) {\n  Array.prototype.sort = () => [];\n  return xs;\n}`);
    expect(v.tests.every((t) => t.status === 'error')).toBe(true);
    expect(v.tests[0]!.message).toMatch(/TypeError: .*sort.* \(line 2 of your code\)/);
  });

  it('still lets the learner use Math.random, Date and timers normally', async () => {
    const v = await grade(`const r = Math.random(); const d = Date.now(); setTimeout(() => {}, 1);\nif (!(r >= 0 && d > 0)) throw new Error('broken');\n${CORRECT}`);
    expect(v.passed).toBe(true);
  });
});
