/**
 * The declarations the editor types learner code with (`scripts/sim-types.ts`): those of an
 * exercise's provided modules, and that, mounted the way the editor mounts them, they type a
 * learner's `import … from './shop'`.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { FIXTURE_SANDBOXES } from '../../packages/grader/test/fixtures/bundle-fixture.ts';
import { providedDeclarations, simDeclarations } from '../../scripts/sim-types.ts';
import { editorLikeService } from '../fixtures/editor-service.ts';

const SHOP = 'file:///exercises/provided/shop.d.ts';
const LEARNER = 'file:///exercises/provided/provided.ts';

describe('declarations of provided modules', () => {
  const files = providedDeclarations('provided', FIXTURE_SANDBOXES);

  it('are keyed by where the editor mounts them, beside the learner’s file', () => {
    expect(Object.keys(files)).toEqual([SHOP]);
  });

  it('declare every export with its doc comment', () => {
    const shop = files[SHOP]!;
    expect(shop).toMatch(/\/\*\* A drink a customer asked for at the counter\. \*\/\s*export declare class Order \{/);
    expect(shop).toMatch(/\/\*\* Who waits for the drink\. \*\/\s*readonly customer: Address;/);
    expect(shop).toMatch(/\/\*\* The number called out when the drink is ready; .*\*\/\s*get ticket\(\): number;/);
    expect(shop).toMatch(/\/\*\* Makes the drink an order asks for and returns the label on its cup\. \*\/\s*export declare function brew\(order: Order\): string;/);
  });

  it('keep importing the sim by its package name, where the sim’s declarations are', () => {
    expect(files[SHOP]).toMatch(/^import \{ type Address \} from '@baristas\/sim';$/m);
  });

  it('are none for an exercise without provided/', () => {
    expect(providedDeclarations('hash-ring')).toEqual({});
  });

  it('type a learner’s imports of them in the editor’s setup, with docs on hover', () => {
    const source = [
      "import { Order, brew } from './shop';",
      "import { Order as SameOrder } from './shop.ts';",
      "import { brew as sameBrew } from './shop.js';",
      "import type { Address } from '@baristas/sim';",
      'export const takeOrder = (customer: Address, drink: string): Order => new SameOrder(customer, drink);',
      'export const label = (order: Order): string => brew(order) + sameBrew(order);',
      "export const wrong: number = brew(new Order('ana', 'latte'));",
    ].join('\n');
    const service = editorLikeService({ ...simDeclarations(), ...files, [LEARNER]: source });
    const problems = [...service.getSyntacticDiagnostics(LEARNER), ...service.getSemanticDiagnostics(LEARNER)].map((d) => [
      ts.getLineAndCharacterOfPosition(d.file!, d.start!).line + 1,
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    ]);
    // Only the planted mistake: the imports resolve, and to real types rather than `any`.
    expect(problems).toEqual([[7, "Type 'string' is not assignable to type 'number'."]]);
    const hover = service.getQuickInfoAtPosition(LEARNER, source.indexOf('Order'));
    expect(ts.displayPartsToString(hover?.documentation)).toBe('A drink a customer asked for at the counter.');
  });
});
