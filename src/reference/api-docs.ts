/**
 * The reference docs of a TypeScript package, read from its source with the TypeScript compiler
 * API: what `packages/sim/src/index.ts` (and `check.ts`) export, with each export's signature as
 * TypeScript prints it and its TSDoc. The page `/reference/sim/` renders this model at build
 * time and `tests/unit/api-docs.test.ts` checks it, so the site shows the same text the editor's
 * hovers show (those come from the `.d.ts` that `scripts/sim-types.ts` emits from the same source).
 *
 * Node only (it reads files); plain data out, no Astro in here.
 */
import ts from 'typescript';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/** One block tag of a TSDoc comment: `@param to - who gets it` is `{ name: 'param', param: 'to', text: 'who gets it' }`. */
export interface DocTag {
  /** The tag without `@`; `@return` is normalised to `returns`. */
  name: string;
  /** The parameter (or type parameter) a `@param`/`@typeParam`/`@template` tag is about. */
  param?: string;
  /** The tag's text, with inline tags kept as written (`{@link Node.send}`). */
  text: string;
}

/** A TSDoc comment: the summary (everything before the first block tag) and its block tags. */
export interface ApiDoc {
  /** Markdown-ish text: paragraphs separated by blank lines, `code`, `{@link X}`. Empty when undocumented. */
  summary: string;
  tags: DocTag[];
}

export type ApiExportKind = 'interface' | 'type' | 'class' | 'function' | 'const' | 'variable' | 'enum' | 'namespace';
export type ApiMemberKind = 'property' | 'method' | 'accessor' | 'constructor' | 'index' | 'call' | 'enum-member';

export interface ApiMember {
  kind: ApiMemberKind;
  /** The member's name as written (`send`, `nowMs`); `constructor`, `[index]` or `(call)` for those. */
  name: string;
  /** As TypeScript prints it, without a trailing `;`: `send(to: Address, body: unknown): void`. Overloads are one per line. */
  signature: string;
  doc: ApiDoc;
  optional: boolean;
  readonly: boolean;
  static: boolean;
  /** Set when the member comes from a base interface the entry does not export (so it has no heading of its own). */
  inheritedFrom?: string;
  /** Where it is declared (its first declaration), like `ApiExport.source`. */
  source: { file: string; line: number };
}

/** One alternative of a union type alias, e.g. one kind of `TraceEvent`. */
export interface ApiVariant {
  signature: string;
  /** The comment written right before the alternative, if any. */
  doc: ApiDoc;
}

export interface ApiExport {
  kind: ApiExportKind;
  /** The name it is exported under. */
  name: string;
  /** Exported with `export type` (or only a type): no runtime value. */
  typeOnly: boolean;
  /** The declaration as TypeScript prints it, without bodies, initialisers, comments or non-public members. */
  signature: string;
  doc: ApiDoc;
  /** Public members of an interface, class, object type alias or enum, in declaration order. */
  members: ApiMember[];
  /** For a union type alias: its alternatives, in order. */
  variants?: ApiVariant[];
  /** Where it is declared, relative to the root given to `extractApi` (default: the current directory). */
  source: { file: string; line: number };
}

export interface ApiModule {
  /** The entry file, relative to the root. */
  file: string;
  /** The entry file's own leading comment (what the module is for), if it has one. */
  overview: string;
  /** In the order the entry file exports them; `export *` expands in place, in the target's order. */
  exports: ApiExport[];
  /**
   * Types that the exports' public signatures use but the entry does not export (nor any entry
   * read along with it by `extractApis`), e.g. `Reply` in `onRequest?(request: unknown, reply: Reply): void`
   * if it were not exported, in the order first met, so readers can still look them up. Same
   * shape as exports; `name` is the declared name.
   */
  internals: ApiExport[];
}

export interface ExtractOptions {
  /** Paths in the model are relative to this; default `process.cwd()`. */
  root?: string;
}

// ---------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------

/** How the sim's sources are compiled, here and for the editor's declarations (scripts/sim-types.ts). */
export const COMPILER_OPTIONS: ts.CompilerOptions = {
  allowImportingTsExtensions: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
};

/** Reads one entry file's public API. */
export function extractApi(entryFile: string, options: ExtractOptions = {}): ApiModule {
  return extractApis([entryFile], options)[0]!;
}

/**
 * Reads several entry files of one package with one compiler program. A type that one entry
 * exports is not listed among another's `internals`: readers can import it from there.
 */
export function extractApis(entryFiles: string[], options: ExtractOptions = {}): ApiModule[] {
  const root = resolve(options.root ?? process.cwd());
  const files = entryFiles.map((f) => resolve(root, f));
  for (const f of files) if (!existsSync(f)) throw new Error(`api-docs: no such entry file: ${f}`);
  const program = ts.createProgram(files, COMPILER_OPTIONS);
  const extractor = new Extractor(program.getTypeChecker(), root);
  const sourceFiles = files.map((file) => {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) throw new Error(`api-docs: TypeScript did not load ${file}`);
    return sourceFile;
  });
  const found = sourceFiles.map((sf) => extractor.exportsOfEntry(sf));
  const exportedAnywhere = new Set(found.flat().map((f) => f.symbol));
  return sourceFiles.map((sf, i) => extractor.module(sf, found[i]!, exportedAnywhere));
}

interface FoundExport {
  name: string;
  symbol: ts.Symbol;
  typeOnly: boolean;
  /** For `export * as ns from '…'`: the re-export declaration (its comment documents the namespace). */
  namespaceExport?: ts.ExportDeclaration;
}

const KIND_ORDER: [ApiExportKind, (d: ts.Declaration) => boolean][] = [
  ['class', ts.isClassDeclaration],
  ['function', ts.isFunctionDeclaration],
  ['enum', ts.isEnumDeclaration],
  ['interface', ts.isInterfaceDeclaration],
  ['type', ts.isTypeAliasDeclaration],
  ['const', (d) => ts.isVariableDeclaration(d) && isConst(d)],
  ['variable', ts.isVariableDeclaration],
  ['namespace', (d) => ts.isModuleDeclaration(d) || ts.isSourceFile(d)],
];

function isConst(d: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0;
}

class Extractor {
  private readonly printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

  private readonly checker: ts.TypeChecker;
  private readonly root: string;
  /** Symbols with a heading of their own (resolved through aliases): not internals, not inlined as inherited. */
  private exported = new Set<ts.Symbol>();

  constructor(checker: ts.TypeChecker, root: string) {
    this.checker = checker;
    this.root = root;
  }

  /** What an entry exports, in order: the walk below, then anything the checker sees that it missed. */
  exportsOfEntry(sourceFile: ts.SourceFile): FoundExport[] {
    const found = this.exportsOf(sourceFile, new Set());
    const moduleSymbol = this.checker.getSymbolAtLocation(sourceFile);
    const seen = new Set(found.map((f) => f.name));
    for (const symbol of moduleSymbol ? this.checker.getExportsOfModule(moduleSymbol) : []) {
      const name = symbol.escapedName as string;
      if (!seen.has(name)) {
        found.push({ name, symbol: this.resolveAlias(symbol), typeOnly: false });
        seen.add(name);
      }
    }
    return found;
  }

  /** The model of one entry; `exported` holds every symbol that has a heading of its own (this entry's exports and its siblings'). */
  module(sourceFile: ts.SourceFile, found: FoundExport[], exported: Set<ts.Symbol>): ApiModule {
    this.exported = exported;
    const exports = found.map((f) => this.export(f)).filter((e): e is ApiExport => e !== undefined);
    const internals = this.internals(found)
      .map((symbol) => this.export({ name: symbol.name, symbol, typeOnly: true }))
      .filter((e): e is ApiExport => e !== undefined);
    return { file: this.relative(sourceFile.fileName), overview: fileOverview(sourceFile), exports, internals };
  }

  /**
   * Declared types that public signatures reach but the entry does not export, transitively, in
   * the order first met. Bodies, initialisers and non-public members are not looked into; the
   * bases of interfaces are not either, since their members are listed as inherited.
   */
  private internals(found: FoundExport[]): ts.Symbol[] {
    const out: ts.Symbol[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isBlock(node) || ts.isHeritageClause(node) || ts.isTypeQueryNode(node)) return;
      if ((ts.isClassElement(node) || ts.isTypeElement(node)) && !isPublicMember(node)) return;
      if (ts.isTypeReferenceNode(node)) {
        const symbol = this.checker.getSymbolAtLocation(node.typeName);
        if (symbol) consider(this.resolveAlias(symbol));
      }
      ts.forEachChild(node, (child) => {
        // Skip initialisers: values, not signatures.
        if ('initializer' in node && (node as { initializer?: ts.Node }).initializer === child) return;
        visit(child);
      });
    };
    const consider = (symbol: ts.Symbol): void => {
      if (this.exported.has(symbol) || out.includes(symbol)) return;
      if (symbol.flags & ts.SymbolFlags.TypeParameter) return;
      const decls = (symbol.declarations ?? []).filter((d) => !d.getSourceFile().isDeclarationFile && !/[\\/]node_modules[\\/]/.test(d.getSourceFile().fileName));
      if (decls.length === 0) return;
      out.push(symbol);
      decls.forEach(visit);
    };
    for (const f of found) for (const d of f.symbol.declarations ?? []) visit(d);
    return out;
  }

  /** Members of the bases of an interface that the entry does not export, so readers see them here. */
  private inheritedMembers(decls: ts.InterfaceDeclaration[], own: Set<string>): ApiMember[] {
    const out: ApiMember[] = [];
    for (const d of decls) {
      for (const clause of d.heritageClauses ?? []) {
        for (const t of clause.types) {
          const symbol = this.checker.getSymbolAtLocation(t.expression);
          if (!symbol) continue;
          const base = this.resolveAlias(symbol);
          if (this.exported.has(base)) continue;
          const baseDecls = (base.declarations ?? []).filter(ts.isInterfaceDeclaration);
          const baseOwn = this.typeMembers(baseDecls.flatMap((b) => b.members.filter(isPublicMember))).map((m) => ({ ...m, inheritedFrom: base.name }));
          const deeper = this.inheritedMembers(baseDecls, new Set([...own, ...baseOwn.map((m) => m.name)]));
          for (const m of [...baseOwn, ...deeper]) {
            if (own.has(m.name)) continue;
            own.add(m.name);
            out.push(m);
          }
        }
      }
    }
    return out;
  }

  /** The exports of a file in source order, following `export … from` and `export *`. */
  private exportsOf(sourceFile: ts.SourceFile, visiting: Set<string>): FoundExport[] {
    if (visiting.has(sourceFile.fileName)) return [];
    visiting.add(sourceFile.fileName);
    const out: FoundExport[] = [];
    const explicit = new Set<string>();
    const add = (f: FoundExport) => {
      if (!out.some((o) => o.name === f.name)) out.push(f);
    };
    for (const statement of sourceFile.statements) {
      if (ts.isExportDeclaration(statement)) {
        const clause = statement.exportClause;
        if (clause && ts.isNamedExports(clause)) {
          for (const el of clause.elements) {
            const symbol = this.checker.getSymbolAtLocation(el.name);
            if (!symbol) continue;
            explicit.add(el.name.text);
            add({ name: el.name.text, symbol: this.resolveAlias(symbol), typeOnly: statement.isTypeOnly || el.isTypeOnly });
          }
        } else if (clause && ts.isNamespaceExport(clause)) {
          const symbol = this.checker.getSymbolAtLocation(clause.name);
          if (!symbol) continue;
          explicit.add(clause.name.text);
          add({ name: clause.name.text, symbol: this.resolveAlias(symbol), typeOnly: statement.isTypeOnly, namespaceExport: statement });
        } else if (!clause && statement.moduleSpecifier) {
          const target = this.checker.getSymbolAtLocation(statement.moduleSpecifier)?.valueDeclaration;
          if (target && ts.isSourceFile(target)) {
            for (const f of this.exportsOf(target, visiting)) {
              // `export *` never re-exports a default, and a name exported explicitly wins.
              if (f.name !== 'default' && !explicit.has(f.name)) add({ ...f, typeOnly: f.typeOnly || statement.isTypeOnly });
            }
          }
        }
      } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
        const symbol = this.checker.getSymbolAtLocation(statement.expression);
        if (symbol) add({ name: 'default', symbol: this.resolveAlias(symbol), typeOnly: false });
      } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
        const names: ts.Node[] = ts.isVariableStatement(statement)
          ? statement.declarationList.declarations.map((d) => d.name)
          : 'name' in statement && statement.name
            ? [statement.name as ts.Node]
            : [];
        for (const n of names) {
          const symbol = this.checker.getSymbolAtLocation(n);
          if (!symbol) continue;
          const name = isDefault ? 'default' : symbol.name;
          explicit.add(name);
          add({ name, symbol, typeOnly: false });
        }
      }
    }
    visiting.delete(sourceFile.fileName);
    return out;
  }

  private resolveAlias(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  private export(found: FoundExport): ApiExport | undefined {
    const declarations = found.symbol.declarations ?? [];
    const entry = KIND_ORDER.find(([, test]) => declarations.some(test));
    if (!entry) return undefined;
    const [kind, test] = entry;
    const decls = declarations.filter(test);
    const first = decls[0]!;
    const typeOnly = found.typeOnly || !(found.symbol.flags & ts.SymbolFlags.Value);
    const base = { kind, name: found.name, typeOnly, source: this.source(first) };
    switch (kind) {
      case 'interface': {
        const interfaces = decls as ts.InterfaceDeclaration[];
        const own = this.typeMembers(interfaces.flatMap((d) => d.members.filter(isPublicMember)));
        const members = [...own, ...this.inheritedMembers(interfaces, new Set(own.map((m) => m.name)))];
        return { ...base, signature: this.interfaceSignature(interfaces, found.name), doc: docOf(decls), members };
      }
      case 'type': {
        const d = first as ts.TypeAliasDeclaration;
        const members = ts.isTypeLiteralNode(d.type) ? this.typeMembers(d.type.members.filter(isPublicMember)) : [];
        const variants = ts.isUnionTypeNode(d.type) ? d.type.types.map((t) => ({ signature: oneLine(this.print(t, d.getSourceFile())), doc: docOfUnionMember(t) })) : undefined;
        return { ...base, signature: this.typeAliasSignature(d, found.name), doc: docOf(decls), members, ...(variants ? { variants } : {}) };
      }
      case 'class': {
        const d = first as ts.ClassDeclaration;
        const { signature, members } = this.classParts(d, found.name);
        return { ...base, signature, doc: docOf(decls), members };
      }
      case 'function': {
        const fns = decls as ts.FunctionDeclaration[];
        const overloads = fns.some((f) => !f.body) ? fns.filter((f) => !f.body) : fns;
        const signature = overloads.map((f) => this.functionSignature(f, found.name)).join('\n');
        return { ...base, signature, doc: docOf(overloads.some(hasDoc) ? overloads : fns), members: [] };
      }
      case 'const':
      case 'variable': {
        const d = first as ts.VariableDeclaration;
        const keyword = kind === 'const' ? 'const' : d.parent.flags & ts.NodeFlags.Let ? 'let' : 'var';
        const type = d.type ?? this.inferredType(this.checker.getTypeAtLocation(d), d);
        return { ...base, signature: `${keyword} ${found.name}: ${this.print(type, d.getSourceFile())}`, doc: docOf(decls), members: [] };
      }
      case 'enum': {
        const d = first as ts.EnumDeclaration;
        const enumDecl = ts.factory.updateEnumDeclaration(d, keepModifiers(d.modifiers), ts.factory.createIdentifier(found.name), d.members);
        const members: ApiMember[] = d.members.map((m) => ({
          kind: 'enum-member',
          name: m.name.getText(),
          signature: this.print(m, d.getSourceFile()),
          doc: docOf([m]),
          optional: false,
          readonly: true,
          static: false,
          source: this.source(m),
        }));
        return { ...base, signature: this.print(enumDecl, d.getSourceFile()), doc: docOf(decls), members };
      }
      case 'namespace': {
        const doc = found.namespaceExport ? docOf([found.namespaceExport]) : docOf(decls.filter((d) => !ts.isSourceFile(d)));
        return { ...base, signature: `namespace ${found.name}`, doc, members: [] };
      }
    }
  }

  // --- signatures -------------------------------------------------------------------------

  private print(node: ts.Node, sourceFile: ts.SourceFile): string {
    return this.printer.printNode(ts.EmitHint.Unspecified, node, sourceFile).trim();
  }

  private inferredType(type: ts.Type, at: ts.Node): ts.TypeNode {
    const flags = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.IgnoreErrors | ts.NodeBuilderFlags.UseAliasDefinedOutsideCurrentScope;
    return this.checker.typeToTypeNode(type, at, flags) ?? ts.factory.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword);
  }

  private returnType(decl: ts.SignatureDeclaration): ts.TypeNode | undefined {
    if (decl.type || ts.isConstructorDeclaration(decl) || ts.isSetAccessorDeclaration(decl)) return decl.type;
    const signature = this.checker.getSignatureFromDeclaration(decl);
    return signature ? this.inferredType(this.checker.getReturnTypeOfSignature(signature), decl) : undefined;
  }

  /** Parameters as a declaration file shows them: no initialisers (optional instead), every type written. */
  private parameters(params: ts.NodeArray<ts.ParameterDeclaration>): ts.ParameterDeclaration[] {
    return params.map((p) =>
      ts.factory.updateParameterDeclaration(
        p,
        p.modifiers?.filter((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword || m.kind === ts.SyntaxKind.PublicKeyword),
        p.dotDotDotToken,
        p.name,
        p.questionToken ?? (p.initializer && !p.dotDotDotToken ? ts.factory.createToken(ts.SyntaxKind.QuestionToken) : undefined),
        p.type ?? this.inferredType(this.checker.getTypeAtLocation(p), p),
        undefined,
      ),
    );
  }

  private functionSignature(f: ts.FunctionDeclaration, name: string): string {
    const node = ts.factory.updateFunctionDeclaration(
      f,
      undefined,
      undefined,
      ts.factory.createIdentifier(name === 'default' ? (f.name?.text ?? 'default') : name),
      f.typeParameters,
      this.parameters(f.parameters),
      this.returnType(f),
      undefined,
    );
    return stripSemicolon(this.print(node, f.getSourceFile()));
  }

  private interfaceSignature(decls: ts.InterfaceDeclaration[], name: string): string {
    return decls
      .map((d) =>
        this.print(
          ts.factory.updateInterfaceDeclaration(d, undefined, ts.factory.createIdentifier(name), d.typeParameters, d.heritageClauses, d.members.filter(isPublicMember)),
          d.getSourceFile(),
        ),
      )
      .join('\n\n');
  }

  private typeAliasSignature(d: ts.TypeAliasDeclaration, name: string): string {
    const sf = d.getSourceFile();
    const head = this.print(ts.factory.updateTypeAliasDeclaration(d, undefined, ts.factory.createIdentifier(name), d.typeParameters, ts.factory.createKeywordTypeNode(ts.SyntaxKind.AnyKeyword)), sf).replace(/\s*any;?$/, '');
    if (ts.isUnionTypeNode(d.type)) {
      const variants = d.type.types.map((t) => ({ text: oneLine(this.print(t, sf)), doc: docOfUnionMember(t) }));
      const single = `${head} ${variants.map((v) => v.text).join(' | ')}`;
      const hasObjects = d.type.types.some((t) => ts.isTypeLiteralNode(t) || ts.isMappedTypeNode(t));
      if (!hasObjects && single.length <= 80 && variants.every((v) => !v.doc.summary)) return single;
      // One alternative per line, each under its own comment as the source has it.
      const lines = variants.flatMap((v) => [...(v.doc.summary ? [`  /** ${oneLine(v.doc.summary)} */`] : []), `  | ${v.text}`]);
      return `${head}\n${lines.join('\n')}`;
    }
    return `${head} ${this.print(d.type, sf)}`;
  }

  private classParts(d: ts.ClassDeclaration, name: string): { signature: string; members: ApiMember[] } {
    const sf = d.getSourceFile();
    const publicMembers = d.members.filter(isPublicMember);
    const printed: ts.ClassElement[] = [];
    const members: ApiMember[] = [];
    const byName = new Map<string, ts.ClassElement[]>();
    for (const m of publicMembers) {
      const key = `${isStatic(m) ? 'static ' : ''}${memberName(m)}`;
      byName.set(key, [...(byName.get(key) ?? []), m]);
    }
    for (const group of byName.values()) {
      // Overloads: show the overload signatures, not the implementation.
      const shown = group.length > 1 && group.some(isBodiless) && group.some((g) => !isBodiless(g)) ? group.filter(isBodiless) : group;
      const nodes = shown.map((m) => this.classElement(m)).filter((n): n is ts.ClassElement => n !== undefined);
      if (nodes.length === 0) continue;
      printed.push(...nodes);
      const m = group[0]!;
      members.push({
        kind: ts.isConstructorDeclaration(m)
          ? 'constructor'
          : ts.isMethodDeclaration(m)
            ? 'method'
            : ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)
              ? 'accessor'
              : ts.isIndexSignatureDeclaration(m)
                ? 'index'
                : 'property',
        name: memberName(m),
        signature: nodes.map((n) => stripSemicolon(this.print(n, sf))).join('\n'),
        doc: docOf(group.some(hasDoc) ? group : shown),
        optional: group.some((g) => 'questionToken' in g && !!g.questionToken),
        readonly: group.every((g) => hasModifier(g, ts.SyntaxKind.ReadonlyKeyword) || (ts.isGetAccessorDeclaration(g) && !group.some(ts.isSetAccessorDeclaration))),
        static: isStatic(m),
        source: this.source(m),
      });
    }
    const cls = ts.factory.updateClassDeclaration(
      d,
      d.modifiers?.filter((m) => m.kind === ts.SyntaxKind.AbstractKeyword),
      ts.factory.createIdentifier(name === 'default' ? (d.name?.text ?? 'default') : name),
      d.typeParameters,
      d.heritageClauses,
      printed,
    );
    return { signature: this.print(cls, sf), members };
  }

  /** A class member as a declaration file shows it, or undefined for what is not part of the API. */
  private classElement(m: ts.ClassElement): ts.ClassElement | undefined {
    const f = ts.factory;
    const modifiers = keepModifiers(ts.canHaveModifiers(m) ? ts.getModifiers(m) : undefined);
    if (ts.isConstructorDeclaration(m)) return f.updateConstructorDeclaration(m, modifiers, this.parameters(m.parameters), undefined);
    if (ts.isMethodDeclaration(m)) {
      return f.updateMethodDeclaration(m, modifiers, undefined, m.name, m.questionToken, m.typeParameters, this.parameters(m.parameters), this.returnType(m), undefined);
    }
    if (ts.isGetAccessorDeclaration(m)) return f.updateGetAccessorDeclaration(m, modifiers, m.name, this.parameters(m.parameters), this.returnType(m), undefined);
    if (ts.isSetAccessorDeclaration(m)) return f.updateSetAccessorDeclaration(m, modifiers, m.name, this.parameters(m.parameters), undefined);
    if (ts.isPropertyDeclaration(m)) {
      const question = m.questionToken ?? undefined;
      const type = m.type ?? this.inferredType(this.checker.getTypeAtLocation(m), m);
      return f.updatePropertyDeclaration(m, modifiers, m.name, question, type, undefined);
    }
    if (ts.isIndexSignatureDeclaration(m)) return m;
    return undefined;
  }

  private typeMembers(members: readonly ts.TypeElement[]): ApiMember[] {
    const out: ApiMember[] = [];
    for (const m of members) {
      const name = memberName(m);
      const signature = stripSemicolon(this.print(m, m.getSourceFile()));
      const existing = out.find((o) => o.name === name && o.kind === 'method' && ts.isMethodSignature(m));
      if (existing) {
        // An overloaded method: one member, one signature per line.
        existing.signature += `\n${signature}`;
        if (!existing.doc.summary) existing.doc = docOf([m]);
        continue;
      }
      out.push({
        kind: ts.isMethodSignature(m) ? 'method' : ts.isIndexSignatureDeclaration(m) ? 'index' : ts.isCallSignatureDeclaration(m) || ts.isConstructSignatureDeclaration(m) ? 'call' : 'property',
        name,
        signature,
        doc: docOf([m]),
        optional: !!m.questionToken,
        readonly: hasModifier(m, ts.SyntaxKind.ReadonlyKeyword),
        static: false,
        source: this.source(m),
      });
    }
    return out;
  }

  // --- comments and places ----------------------------------------------------------------

  private source(node: ts.Node): { file: string; line: number } {
    const sf = node.getSourceFile();
    return { file: this.relative(sf.fileName), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 };
  }

  private relative(file: string): string {
    return relative(this.root, file).split('\\').join('/');
  }
}

/**
 * The entry file's leading `/** … *\/` comment when it is about the file rather than about the
 * first statement: it says `@packageDocumentation`/`@module`, or the first statement is an
 * import or export list (which nobody documents), or another comment stands between them.
 */
function fileOverview(sourceFile: ts.SourceFile): string {
  const first = sourceFile.statements[0];
  if (!first) return '';
  const text = sourceFile.text;
  const comments = (ts.getLeadingCommentRanges(text, first.getFullStart()) ?? []).filter((c) => c.kind === ts.SyntaxKind.MultiLineCommentTrivia);
  const head = comments[0];
  if (!head || !text.startsWith('/**', head.pos) || text.startsWith('/**/', head.pos)) return '';
  const body = text
    .slice(head.pos + 3, head.end - 2)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n');
  const aboutFile =
    /@(packageDocumentation|module|fileoverview)\b/.test(body) ||
    ts.isImportDeclaration(first) ||
    ts.isExportDeclaration(first) ||
    ts.isImportEqualsDeclaration(first) ||
    comments.length > 1;
  if (!aboutFile) return '';
  return body
    .split('\n')
    .filter((l) => !/^\s*@(packageDocumentation|module|fileoverview)\b/.test(l))
    .join('\n')
    .trim();
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

function isStatic(m: ts.Node): boolean {
  return hasModifier(m, ts.SyntaxKind.StaticKeyword);
}

function isBodiless(m: ts.ClassElement): boolean {
  return (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m)) && !m.body;
}

/** Modifiers a declaration file keeps on a member (visibility is implied: only public members are shown). */
function keepModifiers(modifiers: readonly ts.ModifierLike[] | undefined): ts.ModifierLike[] | undefined {
  const keep = new Set([ts.SyntaxKind.StaticKeyword, ts.SyntaxKind.ReadonlyKeyword, ts.SyntaxKind.AbstractKeyword, ts.SyntaxKind.ConstKeyword]);
  const kept = modifiers?.filter((m) => keep.has(m.kind));
  return kept && kept.length > 0 ? kept : undefined;
}

function memberName(m: ts.ClassElement | ts.TypeElement): string {
  if (ts.isConstructorDeclaration(m)) return 'constructor';
  if (ts.isIndexSignatureDeclaration(m)) return '[index]';
  if (ts.isCallSignatureDeclaration(m)) return '(call)';
  if (ts.isConstructSignatureDeclaration(m)) return 'new';
  const name = m.name;
  if (!name) return '';
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText();
}

/** Public API: not `private`/`protected`, not `#private`, not `_internal`, not a static block. */
function isPublicMember(m: ts.ClassElement | ts.TypeElement): boolean {
  if (ts.isClassStaticBlockDeclaration(m as ts.Node) || ts.isSemicolonClassElement(m as ts.Node)) return false;
  if (hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword)) return false;
  if (m.name && ts.isPrivateIdentifier(m.name)) return false;
  return !memberName(m).startsWith('_');
}

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).some(ts.isJSDoc);
}

/** The TSDoc of the first of `nodes` that has one (the last `/** … *\/` block before it, as TypeScript reads it). */
function docOf(nodes: readonly ts.Node[]): ApiDoc {
  for (const node of nodes) {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const doc = docs[docs.length - 1];
    if (!doc) continue;
    return {
      summary: (ts.getTextOfJSDocComment(doc.comment) ?? '').trim(),
      tags: (doc.tags ?? []).map(tagOf),
    };
  }
  return { summary: '', tags: [] };
}

function tagOf(tag: ts.JSDocTag): DocTag {
  const raw = tag.tagName.text;
  const name = raw === 'return' ? 'returns' : raw;
  let text = ts.getTextOfJSDocComment(tag.comment) ?? '';
  let param: string | undefined;
  if (ts.isJSDocParameterTag(tag) || ts.isJSDocPropertyTag(tag)) {
    param = ts.isIdentifier(tag.name) ? tag.name.text : tag.name.getText();
  } else if (ts.isJSDocTemplateTag(tag)) {
    param = tag.typeParameters.map((p) => p.name.text).join(', ');
  }
  if (param !== undefined) text = text.replace(/^\s*-\s*/, '');
  // An @example keeps its indentation; everything else is prose.
  text = name === 'example' ? text.replace(/^\s*\n/, '').replace(/\s+$/, '') : text.trim();
  return param === undefined ? { name, text } : { name, param, text };
}

function stripSemicolon(s: string): string {
  return s.replace(/;$/, '');
}

/** A printed type on one line: `{ t: number; type: 'start' }` rather than one member per line. */
function oneLine(s: string): string {
  return s
    .replace(/\s*\n\s*/g, ' ')
    .replace(/;\s*\}/g, ' }');
}

/** The comment right before one alternative of a union (`| /** … *\/ { … }`), which TypeScript does not attach. */
function docOfUnionMember(node: ts.TypeNode): ApiDoc {
  const sf = node.getSourceFile();
  const ranges = ts.getLeadingCommentRanges(sf.text, findBar(node)) ?? [];
  const last = [...ranges].reverse().find((r) => sf.text.startsWith('/**', r.pos));
  if (!last) return { summary: '', tags: [] };
  const summary = sf.text
    .slice(last.pos + 3, last.end - 2)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trim())
    .join('\n')
    .trim();
  return { summary, tags: [] };
}

/** Where to look for an alternative's comment: the comments before its `|` (or before the alternative itself). */
function findBar(node: ts.TypeNode): number {
  const sf = node.getSourceFile();
  // The text between the previous alternative (or the `=`) and this one holds `|` and any comments.
  const union = node.parent as ts.UnionTypeNode;
  const i = union.types.indexOf(node);
  const from = i > 0 ? union.types[i - 1]!.end : union.pos;
  const between = sf.text.slice(from, node.getStart(sf));
  const bar = between.lastIndexOf('|');
  // Comments after the `|` (`| /** doc */ {…}`) or before it (`/** doc */ | {…}`) both count.
  const after = ts.getLeadingCommentRanges(sf.text, from + bar + 1) ?? [];
  return after.some((r) => sf.text.startsWith('/**', r.pos)) ? from + bar + 1 : from;
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/**
 * What lacks a TSDoc summary: `Storage` for an export, `Storage.get` for a member of an
 * exported interface, class or object type. Constructors are exempt (the class's own doc and
 * its options type say what they take); so are enum members.
 */
export function missingDocs(module: ApiModule): string[] {
  const missing: string[] = [];
  for (const e of module.exports) {
    if (!e.doc.summary) missing.push(e.name);
    for (const m of e.members) {
      if (m.kind === 'constructor' || m.kind === 'enum-member') continue;
      if (!m.doc.summary) missing.push(`${e.name}.${m.name}`);
    }
  }
  return missing;
}

/** Every `{@link target}` in a module's docs, with where it appears: `{ in: 'Node.send', target: 'Simulation.run' }`. */
export function linksIn(module: ApiModule): { in: string; target: string }[] {
  const out: { in: string; target: string }[] = [];
  const scan = (where: string, doc: ApiDoc) => {
    for (const text of [doc.summary, ...doc.tags.map((t) => t.text)]) {
      for (const m of text.matchAll(LINK)) out.push({ in: where, target: m[2]! });
    }
  };
  scan('(overview)', { summary: module.overview, tags: [] });
  for (const e of module.exports) {
    scan(e.name, e.doc);
    for (const m of e.members) scan(`${e.name}.${m.name}`, m.doc);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering TSDoc text (shared by the page and its tests)
// ---------------------------------------------------------------------------------------------

/** `{@link Target}`, `{@link Target | text}`, `{@link Target text}`, `{@linkcode …}`, `{@linkplain …}`. */
const LINK = /\{@link(code|plain)?\s+([^\s|}]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g;

/** A rendered piece of doc text: prose as HTML, or code for the page's code block component. */
export type DocBlock = { kind: 'html'; html: string } | { kind: 'code'; code: string; lang: string };

/** Turns a link target (`Node`, `Node.send`, `send`) into an href, or undefined when it names nothing on the page. */
export type LinkResolver = (target: string) => string | undefined;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Doc text to blocks: paragraphs (blank lines between), `- ` lists, fenced code blocks, and
 * inline `code`, `{@link X}`, `[text](url)`. Code that names something on the page links to it.
 */
export function renderDoc(text: string, resolveLink: LinkResolver = () => undefined): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'html', html: `<p>${renderInline(paragraph.join(' '), resolveLink)}</p>` });
    if (list.length) blocks.push({ kind: 'html', html: `<ul>${list.map((i) => `<li>${renderInline(i, resolveLink)}</li>`).join('')}</ul>` });
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = line.match(/^\s*(```+|~~~+)\s*([\w-]*)/);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      blocks.push({ kind: 'code', code: dedent(code.join('\n')), lang: fence[2] || 'ts' });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const item = line.match(/^\s*[-*]\s+(.*)$/);
    if (item) {
      if (paragraph.length) flush();
      list.push(item[1]!);
    } else if (list.length && /^\s+/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
    } else {
      if (list.length) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}

/** One line of doc text to HTML (no block elements). */
export function renderInline(text: string, resolveLink: LinkResolver = () => undefined): string {
  let html = '';
  // Code spans first (nothing inside them is markup), then links in the prose between them.
  const parts = text.split(/(`+)([^`]*?)\1/g);
  for (let i = 0; i < parts.length; i += 3) {
    html += renderProse(parts[i]!, resolveLink);
    if (i + 2 < parts.length) {
      const code = parts[i + 2]!;
      const href = resolveLink(code.trim());
      const el = `<code>${escapeHtml(code)}</code>`;
      html += href ? `<a href="${escapeHtml(href)}">${el}</a>` : el;
    }
  }
  return html;
}

function renderProse(text: string, resolveLink: LinkResolver): string {
  let html = '';
  let last = 0;
  const pattern = new RegExp(`${LINK.source}|\\[([^\\]]+)\\]\\(([^)\\s]+)\\)`, 'g');
  for (const m of text.matchAll(pattern)) {
    html += escapeHtml(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[2] !== undefined) {
      const [, variant, target, label] = m;
      const shown = label?.trim() || target!;
      const href = /^[a-z]+:\/\//i.test(target!) ? target : resolveLink(target!);
      const inner = variant === 'plain' || label?.trim() ? escapeHtml(shown) : `<code>${escapeHtml(shown)}</code>`;
      html += href ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner;
    } else {
      html += `<a href="${escapeHtml(m[5]!)}">${escapeHtml(m[4]!)}</a>`;
    }
  }
  return html + escapeHtml(text.slice(last));
}

/** Doc text as plain words, the way a reader sees it: `{@link X | y}` → `y`, `` `code` `` → `code`. */
export function docPlainText(text: string): string {
  return text
    .replace(LINK, (_, _v, target: string, label: string) => label?.trim() || target)
    .replace(/\[([^\]]+)\]\([^)\s]+\)/g, '$1')
    .replace(/`+([^`]*?)`+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function dedent(code: string): string {
  const indents = code.split('\n').filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length);
  const n = indents.length ? Math.min(...indents) : 0;
  return code
    .split('\n')
    .map((l) => l.slice(n))
    .join('\n')
    .replace(/^\n+|\s+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// The page: sections, anchors, links
// ---------------------------------------------------------------------------------------------

export interface ReferenceSectionInput {
  /** The section's heading, e.g. "For test authors: @baristas/sim/testing". */
  title: string;
  /** The heading's id. */
  id: string;
  /** The entry file, relative to the root. */
  entry: string;
  /** How code imports it, e.g. `@baristas/sim/testing`. */
  specifier: string;
}

export interface ReferenceMember extends ApiMember {
  id: string;
  blocks: DocBlock[];
  tags: RenderedTag[];
}

export interface ReferenceExport extends ApiExport {
  id: string;
  blocks: DocBlock[];
  tags: RenderedTag[];
  members: ReferenceMember[];
}

export interface RenderedTag {
  name: string;
  param?: string;
  blocks: DocBlock[];
}

export interface ReferenceSection {
  title: string;
  id: string;
  specifier: string;
  module: ApiModule;
  overview: DocBlock[];
  exports: ReferenceExport[];
  /** The module's `internals`, under a heading of their own (`internalsId`) when there are any. */
  internals: ReferenceExport[];
  internalsId: string;
}

/** Headings in the shape Starlight's table of contents takes. */
export interface ReferenceHeading {
  depth: number;
  slug: string;
  text: string;
}

/** The title of the list of types that signatures use but the entry does not export. */
export const INTERNALS_TITLE = 'Also in these signatures';

/**
 * Everything the reference page shows: each entry's exports (and internals) with heading ids
 * and their docs rendered; `{@link}`s and code spans that name an export or member resolve to
 * those ids (first in the same section, then in the others, exports before internals); and the
 * headings for the table of contents (sections, then their exports).
 */
export function buildReference(inputs: ReferenceSectionInput[], options: ExtractOptions = {}): { sections: ReferenceSection[]; headings: ReferenceHeading[] } {
  const modules = extractApis(
    inputs.map((i) => i.entry),
    options,
  );
  const used = new Set<string>(inputs.map((i) => i.id));
  const unique = (base: string, prefix: string) => {
    let id = slug(base) || 'export';
    if (used.has(id)) id = `${prefix}-${id}`;
    for (let n = 2; used.has(id); n++) id = `${prefix}-${slug(base)}-${n}`;
    used.add(id);
    return id;
  };
  // Ids first (links may point forward), then rendering. Exports, in every section, win the
  // plain ids; internal types come after them.
  const ids = modules.map(() => ({
    exports: new Map<string, string>(),
    members: new Map<string, string>(),
    internals: new Map<string, string>(),
    internalMembers: new Map<string, string>(),
    group: '',
  }));
  const allocate = (list: ApiExport[], prefix: string, top: Map<string, string>, nested: Map<string, string>) => {
    for (const e of list) {
      if (!top.has(e.name)) top.set(e.name, unique(e.name, prefix));
      for (const m of e.members) {
        const key = `${e.name}.${m.name}`;
        if (!nested.has(key)) nested.set(key, unique(key, prefix));
      }
    }
  };
  modules.forEach((module, s) => allocate(module.exports, inputs[s]!.id, ids[s]!.exports, ids[s]!.members));
  modules.forEach((module, s) => {
    ids[s]!.group = unique(`${inputs[s]!.id}-internals`, inputs[s]!.id);
    allocate(module.internals, inputs[s]!.id, ids[s]!.internals, ids[s]!.internalMembers);
  });
  /**
   * Links from the doc of `current` (an export's or internal type's name) in section `section`:
   * first to `current`'s own members, then to exports and their members (this section first),
   * then to internal types. Never to `self`, the heading the text sits under.
   */
  const resolverFor =
    (section: number, current?: string, self?: string): LinkResolver =>
    (target) => {
      const name = target.replace(/\(\)$/, '').replace(/#/g, '.');
      const order = [section, ...ids.keys()].filter((s, i, a) => a.indexOf(s) === i);
      const own = current ? (ids[section]!.members.get(`${current}.${name}`) ?? ids[section]!.internalMembers.get(`${current}.${name}`)) : undefined;
      const id =
        own ??
        order.map((s) => ids[s]!.exports.get(name) ?? ids[s]!.members.get(name)).find(Boolean) ??
        order.map((s) => ids[s]!.internals.get(name) ?? ids[s]!.internalMembers.get(name)).find(Boolean);
      return id && id !== self ? `#${id}` : undefined;
    };
  const renderTags = (tags: DocTag[], resolveLink: LinkResolver): RenderedTag[] =>
    tags.map((t) => ({
      name: t.name,
      ...(t.param === undefined ? {} : { param: t.param }),
      blocks: t.name === 'example' && !/^\s*(```|~~~)/m.test(t.text) ? [{ kind: 'code', code: dedent(t.text), lang: 'ts' }] : renderDoc(t.text, resolveLink),
    }));
  const render = (e: ApiExport, s: number, top: Map<string, string>, nested: Map<string, string>): ReferenceExport => {
    const id = top.get(e.name)!;
    const resolveLink = resolverFor(s, e.name, id);
    return {
      ...e,
      id,
      blocks: renderDoc(e.doc.summary, resolveLink),
      tags: renderTags(e.doc.tags, resolveLink),
      members: e.members.map((m) => {
        const memberId = nested.get(`${e.name}.${m.name}`)!;
        const resolveMemberLink = resolverFor(s, e.name, memberId);
        return { ...m, id: memberId, blocks: renderDoc(m.doc.summary, resolveMemberLink), tags: renderTags(m.doc.tags, resolveMemberLink) };
      }),
    };
  };

  const sections = modules.map((module, s): ReferenceSection => {
    const i = ids[s]!;
    return {
      title: inputs[s]!.title,
      id: inputs[s]!.id,
      specifier: inputs[s]!.specifier,
      module,
      overview: renderDoc(module.overview, resolverFor(s)),
      exports: module.exports.map((e) => render(e, s, i.exports, i.members)),
      internals: module.internals.map((e) => render(e, s, i.internals, i.internalMembers)),
      internalsId: i.group,
    };
  });
  const headings = sections.flatMap((s) => [
    { depth: 2, slug: s.id, text: s.title },
    ...s.exports.map((e) => ({ depth: 3, slug: e.id, text: e.name })),
    ...(s.internals.length ? [{ depth: 3, slug: s.internalsId, text: INTERNALS_TITLE }] : []),
  ]);
  return { sections, headings };
}

/** A heading id: lower case, word characters and dashes (`Node.send` → `node-send`). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\w\s.-]/g, '')
    .replace(/[\s.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
