/**
 * Exports nothing imports: dead code that `tsc` and eslint cannot see, because an export counts as used for them.
 * Reads the project's TypeScript with the compiler's parser (no type check, no new dependency): every relative
 * `import`/`export ... from` names what it uses of a module, `import * as ns` uses what `ns.x` touches (all of the
 * module when `ns` itself is passed on), and `import('./x.ts')` uses all of `x`. What a runtime loads by name (the
 * Lambda `handler`) is an entry point, not dead. `npx node scripts/unused-exports.ts` prints them;
 * scripts/unused-exports.test.ts keeps the list empty.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

interface UnusedExport {
  file: string;
  name: string;
  line: number;
}

/** Names a runtime loads from a file by convention, not through an import. */
type EntryPoints = (file: string, name: string) => boolean;

/** The Lambda runtime imports `handler` from each function's handler module (serverless.yml `handler:`). */
export const lambdaHandlers: EntryPoints = (file, name) =>
  /^functions\/[^/]+\/handler\.ts$/.test(file) && name === 'handler';

const ALL = '*';

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

type Declaration =
  ts.FunctionDeclaration | ts.ClassDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration;

const isDeclaration = (st: ts.Statement): st is Declaration =>
  ts.isFunctionDeclaration(st) ||
  ts.isClassDeclaration(st) ||
  ts.isInterfaceDeclaration(st) ||
  ts.isTypeAliasDeclaration(st) ||
  ts.isEnumDeclaration(st);

/** The names one top-level statement exports (re-exports of other modules are uses of those, not exports here). */
function exportedNames(st: ts.Statement): Array<{ name: string; node: ts.Node }> {
  if (ts.isExportDeclaration(st) && st.moduleSpecifier === undefined && st.exportClause !== undefined) {
    return ts.isNamedExports(st.exportClause)
      ? st.exportClause.elements.map((el) => ({ name: el.name.text, node: el }))
      : [];
  }
  if (ts.isExportAssignment(st)) return [{ name: 'default', node: st }];
  if (!hasExportModifier(st)) return [];
  if (ts.isVariableStatement(st))
    return st.declarationList.declarations.flatMap((d) =>
      ts.isIdentifier(d.name) ? [{ name: d.name.text, node: d }] : [],
    );
  if (!isDeclaration(st) || st.name === undefined) return [];
  const isDefault = (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  return [{ name: isDefault ? 'default' : st.name.text, node: st }];
}

function exportsOf(source: ts.SourceFile): Array<{ name: string; line: number }> {
  return source.statements.flatMap(exportedNames).map(({ name, node }) => ({
    name,
    line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
  }));
}

/** What one file uses of other project modules: module path → names (`*` = everything). */
class Uses {
  readonly byModule = new Map<string, Set<string>>();
  readonly #namespaces = new Map<string, string>();
  readonly #file: string;
  readonly #known: ReadonlySet<string>;

  constructor(file: string, known: ReadonlySet<string>) {
    this.#file = file;
    this.#known = known;
  }

  #target(spec: string): string | undefined {
    if (!spec.startsWith('.')) return undefined;
    const path = normalize(join(dirname(this.#file), spec));
    return this.#known.has(path) ? path : undefined;
  }

  #use(module: string | undefined, name: string): void {
    if (module === undefined) return;
    const set = this.byModule.get(module) ?? new Set<string>();
    set.add(name);
    this.byModule.set(module, set);
  }

  #import(node: ts.ImportDeclaration, spec: string): void {
    const module = this.#target(spec);
    const clause = node.importClause;
    if (clause === undefined) return this.#use(module, ALL); // a side-effect import runs the whole module
    if (clause.name) this.#use(module, 'default');
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && module !== undefined)
      this.#namespaces.set(bindings.name.text, module);
    if (bindings && ts.isNamedImports(bindings))
      for (const el of bindings.elements) this.#use(module, (el.propertyName ?? el.name).text);
  }

  #reexport(node: ts.ExportDeclaration, spec: string): void {
    const module = this.#target(spec);
    if (node.exportClause === undefined || !ts.isNamedExports(node.exportClause)) return this.#use(module, ALL);
    for (const el of node.exportClause.elements) this.#use(module, (el.propertyName ?? el.name).text);
  }

  /** `ns.x` uses x; `ns` passed on as a value uses all of the module. */
  #namespaceUse(node: ts.Identifier): void {
    const module = this.#namespaces.get(node.text);
    const parent = node.parent;
    if (ts.isNamespaceImport(parent)) return;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) this.#use(module, parent.name.text);
    else if (ts.isQualifiedName(parent)) this.#use(module, parent.right.text);
    else this.#use(module, ALL);
  }

  visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier))
      this.#import(node, node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      this.#reexport(node, node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = node.arguments[0];
      if (spec !== undefined && ts.isStringLiteralLike(spec)) this.#use(this.#target(spec.text), ALL);
    } else if (ts.isIdentifier(node) && this.#namespaces.has(node.text)) this.#namespaceUse(node);
    ts.forEachChild(node, this.visit);
  };
}

function usesOf(file: string, source: ts.SourceFile, known: ReadonlySet<string>): Map<string, Set<string>> {
  const uses = new Uses(file, known);
  uses.visit(source);
  return uses.byModule;
}

/** `files` are paths relative to `root`. */
export function unusedExports(root: string, files: readonly string[], entryPoints: EntryPoints): UnusedExport[] {
  const known = new Set(files.map((f) => normalize(f)));
  const sources = new Map(
    [...known].map((f) => [
      f,
      ts.createSourceFile(f, readFileSync(join(root, f), 'utf8'), ts.ScriptTarget.Latest, true),
    ]),
  );
  const used = new Map<string, Set<string>>();
  for (const [file, source] of sources) {
    for (const [module, names] of usesOf(file, source, known)) {
      if (module === file) continue;
      const set = used.get(module) ?? new Set<string>();
      for (const n of names) set.add(n);
      used.set(module, set);
    }
  }
  const out: UnusedExport[] = [];
  for (const [file, source] of sources) {
    const names = used.get(file);
    if (names?.has(ALL)) continue;
    for (const e of exportsOf(source))
      if (!names?.has(e.name) && !entryPoints(file, e.name)) out.push({ file, name: e.name, line: e.line });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The project's TypeScript files (what tsconfig.json includes), relative to `root`. */
export function projectFiles(root: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  return config.fileNames.map((f) => relative(root, f)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const found = unusedExports(root, projectFiles(root), lambdaHandlers);
  for (const u of found) process.stdout.write(`${u.file}:${u.line} ${u.name}\n`);
  process.stdout.write(`${found.length} unused export(s)\n`);
}
