/**
 * Modules an exercise provides (`provided/<name>.ts`): learner code imports them as `./<name>`,
 * hidden tests by relative path, and both must get the one instance so classes are shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeWithBundle } from '../src/node.ts';
import { bundleFixture } from './fixtures/bundle-fixture.ts';

let fixture: Awaited<ReturnType<typeof bundleFixture>>;
beforeAll(async () => {
  fixture = await bundleFixture('provided');
});
afterAll(() => fixture.remove());

const grade = (source: string) => gradeWithBundle({ bundlePath: fixture.bundlePath, source });

const learner = (specifier: string) => `
import { Order, brew } from '${specifier}';
export function takeOrder(customer: string, drink: string): Order {
  return new Order(customer, drink);
}
export function serve(order: Order): string {
  if (!(order instanceof Order)) throw new TypeError('serve was given something that is not an Order');
  return brew(order);
}`;

describe('a provided module', () => {
  it.each(['./shop', './shop.ts', './shop.js'])('can be imported by learner code as %s', async (specifier) => {
    const v = await grade(learner(specifier));
    expect(v.problem).toBeUndefined();
    expect(v.tests.map((t) => [t.name, t.status])).toEqual([
      ['the provided shop module › is the one the learner imports: their orders are Orders here', 'pass'],
      ['the provided shop module › is the one the learner imports: orders made here are Orders there', 'pass'],
    ]);
    expect(v.passed).toBe(true);
  });

  it('is one instance: a look-alike class of the learner’s own is not it', async () => {
    const lookAlike = learner('./shop').replace("import { Order, brew } from './shop';", "import { brew } from './shop';\nclass Order { constructor(readonly customer: string, readonly drink: string) {} }");
    const v = await grade(lookAlike);
    expect(v.problem).toBeUndefined();
    expect(v.tests.map((t) => t.status)).toEqual(['fail', 'error']);
    expect(v.tests[1]!.message).toMatch(/not an Order/);
  });

  it('names what can be imported when learner code asks for something else', async () => {
    const v = await grade(learner('./other'));
    expect(v.problem?.kind).toBe('load-throw');
    expect(v.problem!.message).toMatch(
      /Cannot import "\.\/other": exercises can import only "@baristas\/sim", "\.\/shop", "\.\/shop\.ts", "\.\/shop\.js"\./,
    );
  });

  it('is reached only through its own name, not its folder', async () => {
    const v = await grade(learner('./provided/shop'));
    expect(v.problem?.kind).toBe('load-throw');
    expect(v.problem!.message).toMatch(/Cannot import "\.\/provided\/shop"/);
  });
});
