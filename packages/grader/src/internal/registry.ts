/**
 * Collects the tests a hidden test file declares, with the hooks that apply to each, so the
 * harness can run them one at a time (and resume after a test that had to be killed).
 */
type Body = () => unknown;
type HookKind = 'beforeEach' | 'afterEach' | 'beforeAll' | 'afterAll';

interface Suite {
  name: string;
  parent?: Suite;
  hooks: Record<HookKind, Body[]>;
}

export interface CollectedTest {
  /** "describe › it", as shown to learners. */
  name: string;
  body: Body;
  suites: Suite[];
}

const newSuite = (name: string, parent?: Suite): Suite => ({
  name,
  parent,
  hooks: { beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] },
});

class Registry {
  readonly tests: CollectedTest[] = [];
  private current = newSuite('');

  describe(name: string, body: Body): void {
    const parent = this.current;
    this.current = newSuite(name, parent);
    try {
      const result = body();
      if (result instanceof Promise) throw new Error(`describe("${name}") must not be async`);
    } finally {
      this.current = parent;
    }
  }

  test(name: string, body: Body): void {
    const suites: Suite[] = [];
    for (let s: Suite | undefined = this.current; s; s = s.parent) suites.unshift(s);
    const path = suites.map((s) => s.name).filter(Boolean);
    this.tests.push({ name: [...path, name].join(' › '), body, suites });
  }

  hook(kind: HookKind, body: Body): void {
    this.current.hooks[kind].push(body);
  }
}

export const registry = new Registry();

/**
 * Runs one test with its hooks. beforeAll hooks run before the first test of their suite that
 * this worker runs (a resumed worker runs them again, as a fresh process would).
 */
export async function runCollected(test: CollectedTest, started: Set<Suite>): Promise<void> {
  for (const suite of test.suites) {
    if (!started.has(suite)) {
      started.add(suite);
      for (const hook of suite.hooks.beforeAll) await hook();
    }
  }
  for (const suite of test.suites) for (const hook of suite.hooks.beforeEach) await hook();
  try {
    await test.body();
  } finally {
    for (const suite of [...test.suites].reverse()) for (const hook of suite.hooks.afterEach) await hook();
  }
}

/** Runs the afterAll hooks of every suite this worker started, innermost first. */
export async function finishSuites(started: Set<Suite>): Promise<void> {
  for (const suite of [...started].reverse()) for (const hook of suite.hooks.afterAll) await hook();
}
