import { transform } from 'sucrase';
import type { LoadProblem } from './verdict.ts';

/** The name learner code is evaluated under: stack traces mention it, so lines can be mapped. */
export const LEARNER_FILE = 'your-code.ts';

export type LearnerModule = Record<string, unknown>;

/** Evaluates the compiled module afresh; each call gives a separate module instance. */
export type LearnerFactory = () => LearnerModule;

export class LearnerLoadError extends Error {
  readonly problem: LoadProblem;
  constructor(problem: LoadProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

/**
 * Compiles the learner's TypeScript with sucrase (types stripped, imports turned into
 * `require`). Sucrase keeps every statement on its original line, so line numbers in errors
 * are the learner's own. Only the modules in `allowed` can be imported.
 */
export function compileLearner(source: string, allowed: Record<string, unknown>): LearnerFactory {
  let code: string;
  try {
    code = transform(source, { transforms: ['typescript', 'imports'], filePath: LEARNER_FILE }).code;
  } catch (error) {
    throw new LearnerLoadError(syntaxProblem(error));
  }
  let wrapper: (require: (name: string) => unknown, module: { exports: LearnerModule }, exports: LearnerModule) => void;
  try {
    // Indirect eval with the wrapper on the code's first line keeps line numbers 1:1.
    wrapper = (0, eval)(`(function (require, module, exports) {${code}\n})\n//# sourceURL=${LEARNER_FILE}`);
  } catch (error) {
    throw new LearnerLoadError(syntaxProblem(error));
  }
  const require = (name: string): unknown => {
    if (Object.prototype.hasOwnProperty.call(allowed, name)) return allowed[name];
    const known = Object.keys(allowed).map((n) => `"${n}"`).join(', ');
    throw new Error(`Cannot import "${name}": exercises can import only ${known}.`);
  };
  return () => {
    const module = { exports: {} as LearnerModule };
    try {
      wrapper(require, module, module.exports);
    } catch (error) {
      const where = learnerLocation(error);
      throw new LearnerLoadError({
        kind: 'load-throw',
        message: `Your module threw while loading: ${describeError(error)}${where ? ` (line ${where.line})` : ''}`,
        ...where,
      });
    }
    return module.exports;
  };
}

function syntaxProblem(error: unknown): LoadProblem {
  const message = error instanceof Error ? error.message : String(error);
  // Sucrase reports positions as "(line:column)" with a 1-based line and 0-based column.
  const m = /\((\d+):(\d+)\)\s*$/.exec(message);
  if (m) {
    const line = Number(m[1]);
    const column = Number(m[2]) + 1;
    const text = message.replace(/\s*\(\d+:\d+\)\s*$/, '');
    return { kind: 'syntax', message: `Syntax error at line ${line}, column ${column}: ${text}`, line, column };
  }
  return { kind: 'syntax', message: `Syntax error: ${message}` };
}

/** "TypeError: x is not a function", with the learner's line when the stack names it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `a non-Error value was thrown: ${JSON.stringify(error)}`;
  } catch {
    return `a non-Error value was thrown: ${String(error)}`;
  }
}

/** The innermost line of the learner's file in an error's stack, if any. */
export function learnerLocation(error: unknown): { line: number; column: number } | undefined {
  const stack = error instanceof Error ? String(error.stack ?? '') : '';
  const m = new RegExp(`${LEARNER_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(stack);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}
