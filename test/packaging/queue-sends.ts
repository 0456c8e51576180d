/**
 * Which queues can each function's code send to? Read from the code itself with the TypeScript checker, so the IAM
 * grants in serverless.yml can be compared with it (package.test.ts):
 *
 * - a send is any call that resolves to `QueuePort.send` (shared/steps/ports.ts) or to the `send` of a class that
 *   implements it; its targets are the string-literal type(s) of the first argument, so `send('resume', …)` and
 *   `send(due.step, …)` with `due.step: 'apply-config' | 'restart-pod'` are both understood. A target the checker
 *   cannot narrow to literals (a plain `string`), or `send` taken as a value (`const f = queue.send`), is reported as a
 *   problem instead of being guessed;
 * - a decorator that forwards its caller's target — the first parameter of a `send` it defines on an object literal
 *   typed QueuePort, passed on unchanged (shared/handler/record-deps.ts adds the trace context) — sends nothing of
 *   its own: its targets are those of its callers, which are read where they are written;
 * - the step → queue URL variable mapping is read from the `new SqsQueue(client, { step: env.QUEUE_URL_X, … })` call;
 * - which files belong to which function comes from esbuild's metafile (scripts/build.ts `BundleReport.inputs`): a
 *   send in a file that is not bundled into a function cannot be made by it.
 */
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface SendSite {
  /** Relative to the project root, `/`-separated (as esbuild's metafile names inputs). */
  file: string;
  line: number;
  targets: string[];
}

export interface QueueSendAnalysis {
  sends: SendSite[];
  /** Step name → the environment variable holding its queue URL (e.g. `restart-pod` → `QUEUE_URL_RESTART_POD`). */
  queueUrlVariables: Record<string, string>;
  /** Where that mapping is written. */
  queueUrlMappingFile: string | undefined;
  /** Sends or mappings the analysis cannot read: each makes the comparison meaningless, so the test fails on them. */
  problems: string[];
}

const PORTS_FILE = 'shared/steps/ports.ts';
const SQS_QUEUE_FILE = 'shared/adapters/queue/sqs-queue.ts';

export function analyseQueueSends(root: string, entryFiles: string[]): QueueSendAnalysis {
  const program = createProgram(root, entryFiles);
  const checker = program.getTypeChecker();
  const portsFile = program.getSourceFile(resolve(root, PORTS_FILE));
  const queuePort = portsFile?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'QueuePort',
  );
  if (queuePort === undefined)
    throw new Error(`no interface QueuePort in ${PORTS_FILE}: update test/packaging/queue-sends.ts`);
  const queuePortSymbol = checker.getSymbolAtLocation(queuePort.name);
  const analysis: QueueSendAnalysis = {
    sends: [],
    queueUrlVariables: {},
    queueUrlMappingFile: undefined,
    problems: [],
  };
  const ctx = { checker, queuePort, queuePortSymbol, root, analysis };
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || source.fileName.includes('/node_modules/')) continue;
    visit(source, source, ctx);
  }
  return analysis;
}

function createProgram(root: string, entryFiles: string[]): ts.Program {
  const configPath = resolve(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath));
  return ts.createProgram({ rootNames: entryFiles.map((f) => resolve(root, f)), options: parsed.options });
}

interface Ctx {
  checker: ts.TypeChecker;
  queuePort: ts.InterfaceDeclaration;
  queuePortSymbol: ts.Symbol | undefined;
  root: string;
  analysis: QueueSendAnalysis;
}

function visit(node: ts.Node, source: ts.SourceFile, ctx: Ctx): void {
  if (ts.isCallExpression(node)) {
    if (isQueuePortSend(ctx.checker.getResolvedSignature(node)?.getDeclaration(), ctx)) recordSend(node, source, ctx);
  } else if (ts.isPropertyAccessExpression(node)) {
    checkSendAsValue(node, source, ctx);
  } else if (ts.isBindingElement(node)) {
    checkDestructuredSend(node, source, ctx);
  } else if (ts.isNewExpression(node) && isSqsQueueClass(node, ctx)) {
    recordQueueUrlMapping(node, source, ctx);
  }
  ts.forEachChild(node, (child) => visit(child, source, ctx));
}

function checkSendAsValue(node: ts.PropertyAccessExpression, source: ts.SourceFile, ctx: Ctx): void {
  if (node.name.text !== 'send' || isCallee(node)) return;
  const declarations = ctx.checker.getSymbolAtLocation(node.name)?.declarations ?? [];
  if (declarations.some((d) => isQueuePortSend(d, ctx)))
    ctx.analysis.problems.push(`${where(node, source, ctx)}: QueuePort.send used as a value; call it directly`);
}

function checkDestructuredSend(node: ts.BindingElement, source: ts.SourceFile, ctx: Ctx): void {
  if (bindingName(node) !== 'send') return;
  const property = ctx.checker.getTypeAtLocation(node.parent).getProperty('send');
  if ((property?.declarations ?? []).some((d) => isQueuePortSend(d, ctx)))
    ctx.analysis.problems.push(`${where(node, source, ctx)}: QueuePort.send destructured; call it on the port`);
}

const isCallee = (node: ts.PropertyAccessExpression): boolean =>
  ts.isCallExpression(node.parent) && node.parent.expression === node;

function bindingName(node: ts.BindingElement): string | undefined {
  const name = node.propertyName ?? node.name;
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** The interface member itself, or `send` of a class declared `implements QueuePort`. */
function isQueuePortSend(declaration: ts.Node | undefined, ctx: Ctx): boolean {
  if (declaration === undefined) return false;
  if (declaration.parent === ctx.queuePort)
    return ts.isMethodSignature(declaration) || ts.isPropertySignature(declaration);
  if (!ts.isMethodDeclaration(declaration) || declaration.name.getText() !== 'send') return false;
  const cls = declaration.parent;
  return ts.isClassLike(cls) && implementsQueuePort(cls, ctx);
}

function implementsQueuePort(cls: ts.ClassLikeDeclaration, ctx: Ctx): boolean {
  return (cls.heritageClauses ?? [])
    .filter((h) => h.token === ts.SyntaxKind.ImplementsKeyword)
    .flatMap((h) => h.types)
    .some((t) => resolveAlias(ctx.checker.getSymbolAtLocation(t.expression), ctx.checker) === ctx.queuePortSymbol);
}

function resolveAlias(symbol: ts.Symbol | undefined, checker: ts.TypeChecker): ts.Symbol | undefined {
  return symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function recordSend(call: ts.CallExpression, source: ts.SourceFile, ctx: Ctx): void {
  const [first] = call.arguments;
  if (first !== undefined && forwardsCallerTarget(first, ctx)) return;
  const type = first === undefined ? undefined : ctx.checker.getTypeAtLocation(first);
  const parts = type === undefined ? [] : type.isUnion() ? type.types : [type];
  const targets = parts.flatMap((t) => (t.isStringLiteral() ? [t.value] : []));
  if (targets.length === 0 || targets.length !== parts.length) {
    const shown = type === undefined ? 'nothing' : ctx.checker.typeToString(type);
    ctx.analysis.problems.push(
      `${where(call, source, ctx)}: cannot tell which queue this send targets (step type ${shown})`,
    );
    return;
  }
  const { line } = source.getLineAndCharacterOfPosition(call.getStart(source));
  ctx.analysis.sends.push({ file: fileOf(source, ctx), line: line + 1, targets: [...new Set(targets)].sort() });
}

/** `{ send: (to, …) => inner.send(to, …) }` as a QueuePort: the target is the decorator's caller's. */
function forwardsCallerTarget(first: ts.Expression, ctx: Ctx): boolean {
  if (!ts.isIdentifier(first)) return false;
  const parameter = ctx.checker.getSymbolAtLocation(first)?.valueDeclaration;
  if (parameter === undefined || !ts.isParameter(parameter)) return false;
  const fn = parameter.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== parameter) return false;
  const property = fn.parent;
  if (!ts.isPropertyAssignment(property) || property.name.getText() !== 'send') return false;
  const holder = ctx.checker.getContextualType(property.parent);
  return resolveAlias(holder?.getSymbol(), ctx.checker) === ctx.queuePortSymbol;
}

function isSqsQueueClass(node: ts.NewExpression, ctx: Ctx): boolean {
  const symbol = resolveAlias(ctx.checker.getSymbolAtLocation(node.expression), ctx.checker);
  const declaration = symbol?.declarations?.[0];
  return declaration !== undefined && fileOf(declaration.getSourceFile(), ctx) === SQS_QUEUE_FILE;
}

/** `new SqsQueue(client, { halt: env.QUEUE_URL_HALT, 'apply-config': env.QUEUE_URL_APPLY_CONFIG, … }, source)`. */
function recordQueueUrlMapping(node: ts.NewExpression, source: ts.SourceFile, ctx: Ctx): void {
  const urls = node.arguments?.[1];
  const unreadable = (): void => {
    ctx.analysis.problems.push(
      `${where(node, source, ctx)}: the step → queue URL mapping must be an object literal of \`step: env.VARIABLE\``,
    );
  };
  if (urls === undefined || !ts.isObjectLiteralExpression(urls)) return unreadable();
  if (ctx.analysis.queueUrlMappingFile !== undefined && ctx.analysis.queueUrlMappingFile !== fileOf(source, ctx))
    ctx.analysis.problems.push(`${where(node, source, ctx)}: a second SqsQueue construction; the analysis expects one`);
  ctx.analysis.queueUrlMappingFile = fileOf(source, ctx);
  for (const property of urls.properties) {
    const key = ts.isPropertyAssignment(property) ? property.name : undefined;
    const step = key !== undefined && (ts.isIdentifier(key) || ts.isStringLiteral(key)) ? key.text : undefined;
    const value = ts.isPropertyAssignment(property) ? property.initializer : undefined;
    if (step === undefined || value === undefined || !ts.isPropertyAccessExpression(value)) return unreadable();
    ctx.analysis.queueUrlVariables[step] = value.name.text;
  }
}

const fileOf = (source: ts.SourceFile, ctx: Ctx): string => relative(ctx.root, source.fileName).split('\\').join('/');

function where(node: ts.Node, source: ts.SourceFile, ctx: Ctx): string {
  return `${fileOf(source, ctx)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
}

/** A send the analysis finds in a function's bundle but that function can never make (proven by its own test). */
export interface UnreachableSend {
  fn: string;
  file: string;
  target: string;
  why: string;
}

/**
 * The sends the analysis finds in a function's bundle but that function can never make. queue-sends.test.ts proves
 * each one and package.test.ts fails on an entry the analysis no longer finds, so none can outlive its reason.
 */
export const UNREACHABLE_SENDS: UnreachableSend[] = [
  {
    fn: 'resume',
    file: 'shared/handler/step-handler.ts',
    target: 'resume',
    why: 'processStepRecord hands an OpsRequestFailedError over to resume, except in resume itself, which rethrows it',
  },
];

/**
 * Adapters that send to one queue only, whose URL is one environment variable (not the QueuePort's step → URL
 * mapping): a function whose bundle holds the file can send to that variable's queue.
 */
export const SINGLE_QUEUE_ADAPTERS: Array<{ file: string; variable: string }> = [
  { file: 'shared/adapters/queue/rollout-queue.ts', variable: 'QUEUE_URL_ROLLOUT' },
];

/**
 * Queue logical id → the send sites that reach it, for one function: its bundle's inputs, minus the unreachable
 * sends, through the step → variable mapping and the function's environment (`QUEUE_URL_X: { Ref: XQueue }`).
 */
export function queuesSentTo(
  fn: string,
  inputs: string[],
  analysis: QueueSendAnalysis,
  environment: Record<string, unknown>,
  unreachable: UnreachableSend[],
): { queues: Map<string, string[]>; problems: string[] } {
  const queues = new Map<string, string[]>();
  const problems: string[] = [];
  const skip = (site: SendSite, target: string): boolean =>
    unreachable.some((u) => u.fn === fn && u.file === site.file && u.target === target);
  for (const site of analysis.sends.filter((s) => inputs.includes(s.file))) {
    for (const target of site.targets.filter((t) => !skip(site, t))) {
      const variable = analysis.queueUrlVariables[target];
      const ref = variable === undefined ? undefined : (environment[variable] as { Ref?: unknown } | undefined)?.Ref;
      if (typeof ref !== 'string') {
        problems.push(
          `${fn}: ${site.file}:${site.line} sends to ${target}, whose queue URL (${variable ?? 'no variable'}) is not a Ref in the function's environment`,
        );
        continue;
      }
      queues.set(ref, [...(queues.get(ref) ?? []), `${site.file}:${site.line}`]);
    }
  }
  if (queues.size > 0 && (analysis.queueUrlMappingFile === undefined || !inputs.includes(analysis.queueUrlMappingFile)))
    problems.push(`${fn}: sends, but the step → queue URL mapping is not in its bundle`);
  for (const adapter of SINGLE_QUEUE_ADAPTERS.filter((a) => inputs.includes(a.file))) {
    const ref = (environment[adapter.variable] as { Ref?: unknown } | undefined)?.Ref;
    if (typeof ref === 'string') queues.set(ref, [...(queues.get(ref) ?? []), adapter.file]);
    else problems.push(`${fn}: bundles ${adapter.file}, but ${adapter.variable} is not a Ref in its environment`);
  }
  return { queues, problems };
}
