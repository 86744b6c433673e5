/**
 * The subset of vitest's API that hidden tests may use, for hosts where vitest itself does
 * not run (a browser Worker, a WebContainer). Exercise bundles alias `vitest` to this module,
 * so instructors write ordinary vitest files and every host runs the same code.
 */
import { JestAsymmetricMatchers, JestChaiExpect, JestExtend, chai, getState, setState } from '@vitest/expect';
import { registry } from './internal/registry.ts';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

type Body = () => unknown;

interface ExpectStatic {
  <T>(actual: T, message?: string): any;
  [key: string]: any;
}

function createExpect(): ExpectStatic {
  const expect = ((value: unknown, message?: string) => {
    const { assertionCalls } = getState(expect as never) as { assertionCalls: number };
    setState({ assertionCalls: assertionCalls + 1 }, expect as never);
    return chai.expect(value, message);
  }) as ExpectStatic;
  Object.assign(expect, chai.expect);
  setState(
    {
      assertionCalls: 0,
      isExpectingAssertions: false,
      isExpectingAssertionsError: null,
      expectedAssertionsNumber: null,
      expectedAssertionsNumberErrorGen: null,
    } as never,
    expect as never,
  );
  expect.extend = (matchers: object) =>
    (chai.expect as unknown as { extend(e: unknown, m: unknown): void }).extend(expect, matchers);
  return expect;
}

export const expect = createExpect();

export function describe(name: string, body: Body): void {
  registry.describe(name, body);
}

export function it(name: string, body: Body): void {
  registry.test(name, body);
}

export const test = it;

export function beforeEach(hook: Body): void {
  registry.hook('beforeEach', hook);
}

export function afterEach(hook: Body): void {
  registry.hook('afterEach', hook);
}

export function beforeAll(hook: Body): void {
  registry.hook('beforeAll', hook);
}

export function afterAll(hook: Body): void {
  registry.hook('afterAll', hook);
}
