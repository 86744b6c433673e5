import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { resolve } from 'node:path';
import {
  buildReference,
  docPlainText,
  extractApi,
  extractApis,
  linksIn,
  missingDocs,
  renderDoc,
  renderInline,
  type ApiExport,
  type ApiModule,
} from '../../src/reference/api-docs.ts';

const FIXTURE = 'tests/unit/fixtures/api-docs/index.ts';
const SIM = 'packages/sim/src/index.ts';
const TESTING = 'packages/sim/src/testing.ts';
const HOST = 'packages/sim/src/host.ts';

const find = (module: ApiModule, name: string): ApiExport => {
  const e = module.exports.find((x) => x.name === name);
  if (!e) throw new Error(`${name} is not in the model of ${module.file}`);
  return e;
};

/** The names a module exports according to the type checker itself, independent of the extractor's walk. */
function checkerExports(file: string): string[] {
  const program = ts.createProgram([resolve(file)], {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(resolve(file))!)!;
  return checker.getExportsOfModule(symbol).map((s) => s.name);
}

describe('api-docs extraction (fixture)', () => {
  const api = extractApi(FIXTURE);

  it('lists the exports in the order the entry exports them, expanding re-exports and export * in place', () => {
    expect(api.exports.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'function grind',
      'type Bean',
      'class Shop',
      'interface Barista',
      'type Order',
      'type Milk',
      'function brew',
      'const undocumented',
    ]);
    expect([...checkerExports(FIXTURE)].sort()).toEqual(api.exports.map((e) => e.name).sort());
  });

  it("reads the entry's own leading comment as the module overview", () => {
    expect(api.overview).toBe('A tiny coffee shop, for the tests of src/reference/api-docs.ts.\n\nStart with `Barista`.');
  });

  it('reads a documented interface: signature, summary with inline tags kept, public members with their docs', () => {
    const barista = find(api, 'Barista');
    expect(barista.typeOnly).toBe(true);
    expect(barista.source).toEqual({ file: 'tests/unit/fixtures/api-docs/index.ts', line: 10 });
    expect(barista.doc).toEqual({ summary: 'Someone behind the counter. See {@link brew} and {@link Barista.serve | serving}.', tags: [] });
    expect(barista.signature).toBe(
      ['interface Barista extends Shift {', '    readonly name: string;', '    cups?: number;', '    serve(order: Order): void;', '    undocumentedMember(): void;', '}'].join('\n'),
    );
    expect(barista.members.map((m) => [m.kind, m.name, m.signature, m.doc.summary, m.optional, m.readonly])).toEqual([
      ['property', 'name', 'readonly name: string', 'The barista\'s name, e.g. `"Ada"`.', false, true],
      ['property', 'cups', 'cups?: number', 'Cups made so far.', true, false],
      ['method', 'serve', 'serve(order: Order): void', 'Hands over an order.', false, false],
      ['method', 'undocumentedMember', 'undocumentedMember(): void', '', false, false],
      // From a base interface the entry does not export, so it has no heading of its own.
      ['property', 'startMs', 'startMs: number', 'When the shift started, in ms.', false, false],
    ]);
    expect(barista.members.map((m) => m.inheritedFrom)).toEqual([undefined, undefined, undefined, undefined, 'Shift']);
  });

  it('prints a union of object types one alternative per line, under the comments written before them', () => {
    const order = find(api, 'Order');
    expect(order.signature).toBe(
      ['type Order =', "  | { kind: 'espresso'; shots: 1 | 2 }", '  /** Milk is steamed to order. */', "  | { kind: 'latte'; milk: Milk; size: Size }"].join('\n'),
    );
    expect(order.variants).toEqual([
      { signature: "{ kind: 'espresso'; shots: 1 | 2 }", doc: { summary: '', tags: [] } },
      { signature: "{ kind: 'latte'; milk: Milk; size: Size }", doc: { summary: 'Milk is steamed to order.', tags: [] } },
    ]);
    // A short union of names stays on one line.
    expect(find(api, 'Milk').signature).toBe("type Milk = 'whole' | 'oat'");
  });

  it('reads a function: signature without body, summary paragraphs, and @param/@returns/@example/@deprecated', () => {
    const brew = find(api, 'brew');
    expect(brew.signature).toBe('function brew(order: Order, by: Barista): number');
    expect(brew.doc.summary).toBe('Makes a drink.\n\nThe machine must be warm.');
    expect(brew.doc.tags).toEqual([
      { name: 'param', param: 'order', text: 'What to make.' },
      { name: 'param', param: 'by', text: 'The barista making it.' },
      { name: 'returns', text: 'How long it took, in ms.' },
      { name: 'example', text: "const ms = brew({ kind: 'espresso', shots: 2 }, ada);\n  // indented line kept" },
      { name: 'deprecated', text: 'Use `Shop.order` instead.' },
    ]);
  });

  it('follows a re-export to the declaration: its doc and place, a defaulted parameter shown as optional', () => {
    const grind = find(api, 'grind');
    expect(grind.source.file).toBe('tests/unit/fixtures/api-docs/beans.ts');
    expect(grind.signature).toBe('function grind(bean: Bean, grams?: number): string');
    expect(grind.doc.tags).toContainEqual({ name: 'default', text: '18' });
    expect(find(api, 'Bean')).toMatchObject({ kind: 'type', typeOnly: true, doc: { summary: 'A coffee bean variety.' } });
  });

  it('shows only the public members of a class, overloads one per line without the implementation', () => {
    const shop = find(api, 'Shop');
    expect(shop.typeOnly).toBe(false);
    expect(shop.members.map((m) => `${m.kind} ${m.name}`)).toEqual(['property name', 'property count', 'constructor constructor', 'accessor waiting', 'method order']);
    expect(shop.members.find((m) => m.name === 'count')).toMatchObject({ static: true, signature: 'static count: number' });
    expect(shop.members.find((m) => m.name === 'waiting')).toMatchObject({ readonly: true, signature: 'get waiting(): number', doc: { summary: 'Orders waiting.' } });
    expect(shop.members.find((m) => m.name === 'order')?.signature).toBe('order(order: Order): number\norder(order: Order, priority: boolean): number');
    expect(shop.signature).not.toMatch(/queue|till|_debug|audit|private/);
  });

  it('reports undocumented exports and members (constructors are exempt), so the guard below can fail', () => {
    expect(find(api, 'undocumented')).toMatchObject({ kind: 'const', signature: 'const undocumented: { open: boolean; }', doc: { summary: '', tags: [] } });
    expect(missingDocs(api)).toEqual(['Barista.undocumentedMember', 'undocumented']);
  });

  it('lists the types that the signatures use but the entry does not export', () => {
    expect(api.internals.map((e) => `${e.kind} ${e.name}: ${e.doc.summary}`)).toEqual(['type Size: Cup sizes; the entry does not export this.']);
  });

  it('finds the {@link}s', () => {
    expect(linksIn(api)).toEqual([
      { in: 'Barista', target: 'brew' },
      { in: 'Barista', target: 'Barista.serve' },
    ]);
  });
});

describe('api-docs rendering', () => {
  const links = (t: string) => ({ Node: '#node', 'Node.send': '#node-send' })[t];

  it('renders paragraphs, lists, fenced code, inline code and links, escaping the rest', () => {
    const text = 'Sends a <message>\nto `Node` peers.\n\n- one {@link Node.send}\n- two [docs](https://example.com)\n\n```js\n  a < b\n```';
    expect(renderDoc(text, links)).toEqual([
      { kind: 'html', html: '<p>Sends a &lt;message&gt; to <a href="#node"><code>Node</code></a> peers.</p>' },
      { kind: 'html', html: '<ul><li>one <a href="#node-send"><code>Node.send</code></a></li><li>two <a href="https://example.com">docs</a></li></ul>' },
      { kind: 'code', code: 'a < b', lang: 'js' },
    ]);
  });

  it('renders link labels, unknown targets as plain code, and code spans verbatim', () => {
    expect(renderInline('{@link Node.send | send it} or {@link Nowhere} or `{@link Node}`', links)).toBe(
      '<a href="#node-send">send it</a> or <code>Nowhere</code> or <code>{@link Node}</code>',
    );
    expect(docPlainText('See {@link Node.send | send it}, {@link Node} and `x < y`.\n  More.')).toBe('See send it, Node and x < y. More.');
  });

  it('gives every export and member a unique heading id and resolves links and code spans to them', () => {
    const { sections, headings } = buildReference([{ title: 'Fixture', id: 'fixture', entry: FIXTURE, specifier: 'fixture' }]);
    const [section] = sections;
    expect(headings.slice(0, 3)).toEqual([
      { depth: 2, slug: 'fixture', text: 'Fixture' },
      { depth: 3, slug: 'grind', text: 'grind' },
      { depth: 3, slug: 'bean', text: 'Bean' },
    ]);
    expect(headings.at(-1)).toEqual({ depth: 3, slug: 'fixture-internals', text: 'Also in these signatures' });
    const barista = section!.exports.find((e) => e.name === 'Barista')!;
    expect(barista.blocks).toEqual([{ kind: 'html', html: '<p>Someone behind the counter. See <a href="#brew"><code>brew</code></a> and <a href="#barista-serve">serving</a>.</p>' }]);
    expect(barista.members.map((m) => m.id)).toEqual(['barista-name', 'barista-cups', 'barista-serve', 'barista-undocumentedmember', 'barista-startms']);
    // A code span naming an export links to it; the example stays code.
    expect(section!.overview).toEqual([
      { kind: 'html', html: '<p>A tiny coffee shop, for the tests of src/reference/api-docs.ts.</p>' },
      { kind: 'html', html: '<p>Start with <a href="#barista"><code>Barista</code></a>.</p>' },
    ]);
    const brew = section!.exports.find((e) => e.name === 'brew')!;
    expect(brew.tags.find((t) => t.name === 'example')?.blocks).toEqual([
      { kind: 'code', code: "const ms = brew({ kind: 'espresso', shots: 2 }, ada);\n  // indented line kept", lang: 'ts' },
    ]);
    expect(section!.internals.map((e) => e.id)).toEqual(['size']);
    const ids = [...headings.map((h) => h.slug), ...section!.exports.flatMap((e) => e.members.map((m) => m.id))];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the @baristas/sim reference', () => {
  const [sim, testing, host] = extractApis([SIM, TESTING, HOST]) as [ApiModule, ApiModule, ApiModule];

  it('has every export of packages/sim/src/index.ts, with a signature', () => {
    expect(sim.exports.map((e) => e.name).sort()).toEqual([...checkerExports(SIM)].sort());
    for (const e of sim.exports) {
      expect(e.signature, e.name).not.toBe('');
      for (const m of e.members) expect(m.signature, `${e.name}.${m.name}`).not.toBe('');
    }
  });

  // The guard: learners read these docs in the editor's hovers and on /reference/sim/.
  it('documents every export of packages/sim/src/index.ts and every member of its interfaces and classes', () => {
    const where = new Map<string, { file: string; line: number }>();
    for (const e of sim.exports) {
      where.set(e.name, e.source);
      for (const m of e.members) where.set(`${e.name}.${m.name}`, m.source);
    }
    const missing = missingDocs(sim).map((name) => `${name} (${where.get(name)?.file}:${where.get(name)?.line})`);
    expect(missing, 'add a /** TSDoc */ comment to each of these').toEqual([]);
  });

  // What learner code sees in completions and on the reference page: nothing a test needs.
  it('offers learner code only what a node uses', () => {
    expect(sim.exports.map((e) => e.name).sort()).toEqual(
      [
        'Address',
        'Handlers',
        'Node',
        'Reply',
        'Storage',
        'hash32',
        // The coordination service's client, in ZooKeeper's terms.
        'connectZooKeeper',
        'CreateMode',
        'DataCallback',
        'EventType',
        'SessionState',
        'Stat',
        'Watcher',
        'WatchedEvent',
        'ZkCallback',
        'ZkErrorCode',
        'ZooKeeper',
        'ZooKeeperOptions',
      ].sort(),
    );
  });

  it.each([
    ['testing', TESTING],
    ['host', HOST],
  ])('has every export of the %s entry, with a signature, documented', (name, file) => {
    const api = name === 'testing' ? testing : host;
    expect(api.exports.map((e) => e.name).sort()).toEqual([...checkerExports(file)].sort());
    for (const e of api.exports) expect(e.signature, e.name).not.toBe('');
    // Test authors and host code read these; keep them documented too.
    expect(missingDocs(api), 'add a /** TSDoc */ comment to each of these').toEqual([]);
  });

  it('lists each name in one entry only, and does not count a type another entry exports as internal', () => {
    const all = [...sim.exports, ...testing.exports, ...host.exports].map((e) => e.name);
    expect(all.filter((n, i) => all.indexOf(n) !== i)).toEqual([]);
    const exported = new Set(all);
    expect([...sim.internals, ...testing.internals, ...host.internals].filter((e) => exported.has(e.name)).map((e) => e.name)).toEqual([]);
  });

  it('builds the page data for both entries with unique heading ids', () => {
    const { sections, headings } = buildReference([
      { title: 'sim', id: 'sim', entry: SIM, specifier: '@baristas/sim' },
      { title: 'testing', id: 'testing', entry: TESTING, specifier: '@baristas/sim/testing' },
      { title: 'host', id: 'host', entry: HOST, specifier: '@baristas/sim/host' },
    ]);
    const ids = [
      ...sections.flatMap((s) => [s.id, s.internalsId]),
      ...sections.flatMap((s) => [...s.exports, ...s.internals].flatMap((e) => [e.id, ...e.members.map((m) => m.id)])),
    ];
    expect(headings.every((h) => ids.includes(h.slug))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sections[0]!.exports.find((e) => e.name === 'Node')?.members.find((m) => m.name === 'send')?.id).toBe('node-send');
  });
});
