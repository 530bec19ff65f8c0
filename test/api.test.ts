// Public API hygiene, so the library can later be compiled with jsii: every exported symbol and public member
// documented, `@default` on every optional interface property, interface properties `readonly`, and no union
// types or `any` in public signatures. The public API is what lib/index.ts exports; only declarations in lib/
// are inspected (types of cdk8s, cdk8s-plus-27 and imports/k8s are not).
//
// Each rule is a separate test whose assertion is `expect(offenders).toEqual([])`, so a failure prints every
// offender as `Symbol.member: problem (file:line)`. The same analysis runs on a small fixture that breaks every
// rule, to prove each check can fail.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

type Rule = 'documented' | 'default' | 'readonly' | 'union' | 'any';

interface Offender {
  readonly rule: Rule;
  /** `Symbol.member: problem (file:line)`. */
  readonly message: string;
  /** Found on a module-level `export function` / `export const` (known; reported, not failed on). */
  readonly moduleLevel: boolean;
}

interface ApiReport {
  readonly offenders: Offender[];
  /** Exported module-level functions and constants, as `name: module-level function (file:line)`. */
  readonly moduleLevel: string[];
  /** Every exported symbol name the analysis saw (to catch an analysis that silently sees nothing). */
  readonly exported: string[];
}

const ROOT = path.resolve(__dirname, '..');

/** The project's compiler options (tsconfig.json), without the incremental build state. */
function projectCompilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  delete options.incremental;
  delete options.tsBuildInfoFile;
  return options;
}

/** Analyse the public API exported by `entry`, inspecting only declarations in files under `libDir`. */
function analyzeApi(entry: string, libDir: string, options: ts.CompilerOptions): ApiReport {
  const program = ts.createProgram({ rootNames: [entry], options });
  const checker = program.getTypeChecker();
  const entryFile = program.getSourceFile(entry);
  if (!entryFile) throw new Error(`${entry} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(entryFile);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);

  const libRoot = path.resolve(libDir) + path.sep;
  const offenders = new Map<string, Offender>();
  const moduleLevel = new Set<string>();
  const exported: string[] = [];
  const seenMembers = new Set<ts.Declaration>();

  const inLib = (node: ts.Node) => path.resolve(node.getSourceFile().fileName).startsWith(libRoot);
  const where = (node: ts.Node) => {
    const sf = node.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return `${path.relative(ROOT, sf.fileName).split(path.sep).join('/')}:${line + 1}`;
  };
  const report = (rule: Rule, owner: string, member: string | undefined, problem: string, node: ts.Node, isModuleLevel = false) => {
    const message = `${member === undefined ? owner : `${owner}.${member}`}: ${problem} (${where(node)})`;
    offenders.set(message, { rule, message, moduleLevel: isModuleLevel });
  };

  const tagsOf = (node: ts.Node) => ts.getJSDocTags(node);
  const hasTag = (node: ts.Node, name: string) => tagsOf(node).some(t => t.tagName.text === name);
  const isInternal = (name: string, decls: readonly ts.Node[]) =>
    name.startsWith('_') || name.startsWith('#') || decls.some(d => hasTag(d, 'internal'));

  /** 'ok', 'none' (no JSDoc at all) or 'empty' (JSDoc with tags but no description). */
  const docState = (node: ts.Node): 'ok' | 'none' | 'empty' => {
    let found = false;
    for (const doc of ts.getJSDocCommentsAndTags(node)) {
      found = true;
      const text = ts.getTextOfJSDocComment(doc.comment);
      // A parameter property is documented by its constructor's `@param`.
      if (ts.isJSDoc(doc) || (ts.isParameter(node) && ts.isJSDocParameterTag(doc))) {
        if (text && text.trim() !== '') return 'ok';
      }
    }
    return found ? 'empty' : 'none';
  };
  const checkDocumented = (owner: string, member: string | undefined, decls: readonly ts.Node[], isModuleLevel = false) => {
    const states = decls.map(docState);
    if (states.includes('ok') || decls.length === 0) return;
    const problem = states.includes('empty') ? 'JSDoc comment has no description' : 'no JSDoc comment';
    report('documented', owner, member, problem, decls[0], isModuleLevel);
  };

  /** Flag unions (other than `T | undefined`) and `any` anywhere in a declared or inferred type. */
  const checkTypeNode = (owner: string, member: string | undefined, what: string, typeNode: ts.TypeNode | undefined,
    at: ts.Node, isModuleLevel = false) => {
    if (!typeNode) return;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.AnyKeyword) {
        report('any', owner, member, `\`any\` in ${what}`, at, isModuleLevel);
      } else if (ts.isUnionTypeNode(n)) {
        const members = n.types.filter(t => t.kind !== ts.SyntaxKind.UndefinedKeyword);
        if (members.length > 1) {
          const text = members.map(t => printType(t, at)).join(' | ');
          report('union', owner, member, `union type \`${text}\` in ${what}`, at, isModuleLevel);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(typeNode);
  };
  const printer = ts.createPrinter({ removeComments: true });
  const printType = (t: ts.TypeNode, at: ts.Node) =>
    t.pos >= 0 ? t.getText(at.getSourceFile()) : printer.printNode(ts.EmitHint.Unspecified, t, at.getSourceFile());
  /** The declared type node, or one synthesised from the inferred type when there is no annotation. */
  const synthesize = (type: ts.Type, at: ts.Node) =>
    checker.typeToTypeNode(type, at, ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias);

  const checkSignature = (owner: string, member: string | undefined, decl: ts.SignatureDeclaration, isModuleLevel = false) => {
    for (const p of decl.parameters) {
      const paramName = p.name.getText();
      const type = p.type ?? synthesize(checker.getTypeAtLocation(p), p);
      checkTypeNode(owner, member, `the type of parameter \`${paramName}\``, type, p, isModuleLevel);
    }
    if (ts.isConstructorDeclaration(decl) || ts.isSetAccessorDeclaration(decl)) return;
    let returnType = decl.type;
    if (!returnType) {
      const sig = checker.getSignatureFromDeclaration(decl);
      if (sig) returnType = synthesize(checker.getReturnTypeOfSignature(sig), decl);
    }
    checkTypeNode(owner, member, ts.isGetAccessorDeclaration(decl) ? 'its type' : 'the return type', returnType, decl, isModuleLevel);
  };

  const checkPropertyLike = (owner: string, member: string, decl: ts.Declaration) => {
    if (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessorDeclaration(decl)
      || ts.isSetAccessorDeclaration(decl)) {
      checkSignature(owner, member, decl);
    } else if (ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl) || ts.isParameter(decl)) {
      const type = decl.type ?? synthesize(checker.getTypeAtLocation(decl), decl);
      checkTypeNode(owner, member, 'its type', type, decl);
    }
  };

  /** The declaring type's name, so a member inherited by several exported types is reported once. */
  const ownerOf = (decl: ts.Declaration, fallback: string) => {
    const parent = ts.isParameter(decl) ? decl.parent.parent : decl.parent;
    return parent && (ts.isClassLike(parent) || ts.isInterfaceDeclaration(parent)) && parent.name ? parent.name.text : fallback;
  };

  const checkMembers = (typeName: string, props: readonly ts.Symbol[], isInterface: boolean) => {
    for (const prop of props) {
      const decls = (prop.declarations ?? []).filter(d => inLib(d) && !seenMembers.has(d));
      if (decls.length === 0 || prop.name === 'prototype') continue;
      const visible = decls.filter(d => {
        const flags = ts.getCombinedModifierFlags(d);
        return !(flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !ts.isPrivateIdentifier(ts.getNameOfDeclaration(d) ?? d);
      });
      decls.forEach(d => seenMembers.add(d));
      if (visible.length === 0 || isInternal(prop.name, visible)) continue;
      const owner = ownerOf(visible[0], typeName);
      checkDocumented(owner, prop.name, visible);
      for (const d of visible) {
        checkPropertyLike(owner, prop.name, d);
        if (isInterface && ts.isPropertySignature(d)) {
          if (!(ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly)) {
            report('readonly', owner, prop.name, 'interface property is not readonly', d);
          }
          if (d.questionToken && !hasTag(d, 'default')) {
            report('default', owner, prop.name, 'optional property has no @default tag', d);
          }
        }
      }
    }
  };

  for (const exportSymbol of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exportSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exportSymbol) : exportSymbol;
    const name = exportSymbol.name;
    const decls = (symbol.declarations ?? []).filter(inLib);
    if (decls.length === 0) continue;
    exported.push(name);
    if (isInternal(name, decls)) continue;

    const functions = decls.filter(ts.isFunctionDeclaration);
    const variables = decls.filter(ts.isVariableDeclaration);
    if (functions.length > 0 || variables.length > 0) {
      const decl = functions[0] ?? variables[0];
      moduleLevel.add(`${name}: module-level ${functions.length > 0 ? 'function' : 'constant'} (${where(decl)})`);
      checkDocumented(name, undefined, decls, true);
      for (const f of functions) checkSignature(name, undefined, f, true);
      for (const v of variables) {
        checkTypeNode(name, undefined, 'its type', v.type ?? synthesize(checker.getTypeAtLocation(v), v), v, true);
      }
      continue;
    }

    checkDocumented(name, undefined, decls);
    for (const decl of decls) {
      if (ts.isClassDeclaration(decl)) {
        for (const ctor of decl.members.filter(ts.isConstructorDeclaration)) {
          if (ts.getCombinedModifierFlags(ctor) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          checkSignature(name, 'constructor', ctor);
        }
        const instanceType = checker.getDeclaredTypeOfSymbol(symbol);
        const staticType = checker.getTypeOfSymbolAtLocation(symbol, decl);
        checkMembers(name, checker.getPropertiesOfType(instanceType), false);
        checkMembers(name, checker.getPropertiesOfType(staticType), false);
      } else if (ts.isInterfaceDeclaration(decl)) {
        checkMembers(name, checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)), true);
      } else if (ts.isEnumDeclaration(decl)) {
        for (const m of decl.members) {
          const memberName = m.name.getText();
          if (!isInternal(memberName, [m])) checkDocumented(name, memberName, [m]);
        }
      } else if (ts.isTypeAliasDeclaration(decl)) {
        checkTypeNode(name, undefined, 'the type alias', decl.type, decl);
      }
    }
  }

  return {
    offenders: [...offenders.values()].sort((a, b) => a.message.localeCompare(b.message, 'en')),
    moduleLevel: [...moduleLevel].sort((a, b) => a.localeCompare(b, 'en')),
    exported: exported.sort((a, b) => a.localeCompare(b, 'en')),
  };
}

const failing = (r: ApiReport, rule: Rule) => r.offenders.filter(o => o.rule === rule && !o.moduleLevel).map(o => o.message);

describe('public API hygiene (lib/index.ts)', () => {
  let api: ApiReport;
  beforeAll(() => {
    api = analyzeApi(path.join(ROOT, 'lib', 'index.ts'), path.join(ROOT, 'lib'), projectCompilerOptions());
  }, 120_000);

  test('the analysis sees the exported API', () => {
    expect(api.exported.length).toBeGreaterThan(0);
  });

  test('every exported symbol and public member has a JSDoc comment', () => {
    expect(failing(api, 'documented')).toEqual([]);
  });

  test('every optional interface property has a @default tag', () => {
    expect(failing(api, 'default')).toEqual([]);
  });

  test('every interface property is readonly', () => {
    expect(failing(api, 'readonly')).toEqual([]);
  });

  test('no union types (other than `T | undefined`) in public signatures', () => {
    expect(failing(api, 'union')).toEqual([]);
  });

  test('no `any` in public signatures', () => {
    expect(failing(api, 'any')).toEqual([]);
  });

  test('no module-level function or constant (jsii has none: they are static members of a class; the plan, which has some, is the TypeScript-only subpath cdk8s-stateful-constructs/plan)', () => {
    expect(api.moduleLevel).toEqual([]);
  });
});

describe('the hygiene checks can fail (fixture that breaks every rule)', () => {
  const FIXTURE = `
/** Documented. */
export interface GoodProps {
  /**
   * Optional, readonly, documented, with a default.
   * @default 3
   */
  readonly count?: number;
  /** Explicit \`T | undefined\` is optionality, not a union. */
  readonly label: string | undefined;
  /** \`unknown\` is allowed for now. */
  readonly extra: unknown;
  /** @internal */
  hidden?: string | number;
  _private?: any;
}

export interface Undocumented {
  /** Documented. */
  readonly a: string;
  readonly undocumentedProp: string;
}

/** Documented. */
export interface BadProps {
  /** Optional without a default. */
  readonly noDefault?: string;
  /**
   * Mutable.
   * @default 'x'
   */
  mutable: string;
  /** A union. */
  readonly union: string | number;
  /** \`any\`. */
  readonly loose: any;
  /** \`any\` nested in a type argument. */
  readonly nested: Array<Record<string, any>>;
  /** @default 1 */
  readonly tagOnly?: number;
}

/** Documented. */
export class Widget {
  /** Static member without \`any\`: fine. */
  public static readonly GOOD = 1;
  public static undocumentedStatic(): void {}
  /** A union return type. */
  public static parse(text: string): string | number { return text; }
  /** Documented property. */
  public readonly ok: string;
  public readonly undocumentedProperty: string;
  /** A union inferred from the initializer. */
  public readonly inferred = Math.random() > 0.5 ? 'a' : 1;
  private readonly secret: string | number;
  protected readonly forSubclasses: any;
  /** @internal */
  public readonly internalThing: string | number;
  constructor(input: string | number, opts?: any) {
    this.ok = String(input); this.undocumentedProperty = ''; this.secret = 1; this.forSubclasses = opts; this.internalThing = 1;
  }
  /** Takes \`any\`. */
  public method(value: any): void { void value; void this.secret; }
}

export function freeFunction(x: string | number): any { return x; }
export const FREE_CONSTANT = 1;
`;

  let report: ApiReport;
  let messages: string[];
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-hygiene-'));
    const entry = path.join(dir, 'index.ts');
    fs.writeFileSync(entry, FIXTURE);
    report = analyzeApi(entry, dir, { ...projectCompilerOptions(), types: [] });
    messages = report.offenders.filter(o => !o.moduleLevel).map(o => o.message.replace(/ \([^()]*:\d+\)$/, ''));
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reports undocumented symbols and members', () => {
    expect(failing(report, 'documented').length).toBeGreaterThan(0);
    expect(messages).toEqual(expect.arrayContaining([
      'Undocumented: no JSDoc comment',
      'Undocumented.undocumentedProp: no JSDoc comment',
      'Widget.undocumentedStatic: no JSDoc comment',
      'Widget.undocumentedProperty: no JSDoc comment',
      'BadProps.tagOnly: JSDoc comment has no description',
    ]));
  });

  test('reports optional interface properties without @default', () => {
    expect(failing(report, 'default').length).toBeGreaterThan(0);
    expect(messages).toContain('BadProps.noDefault: optional property has no @default tag');
  });

  test('reports interface properties that are not readonly', () => {
    expect(failing(report, 'readonly').length).toBeGreaterThan(0);
    expect(messages).toContain('BadProps.mutable: interface property is not readonly');
  });

  test('reports unions in property, parameter and return types, declared or inferred', () => {
    expect(failing(report, 'union').length).toBeGreaterThan(0);
    expect(messages).toEqual(expect.arrayContaining([
      'BadProps.union: union type `string | number` in its type',
      'Widget.parse: union type `string | number` in the return type',
      'Widget.constructor: union type `string | number` in the type of parameter `input`',
      'Widget.inferred: union type `"a" | 1` in its type',
    ]));
  });

  test('reports `any`, also nested in type arguments', () => {
    expect(failing(report, 'any').length).toBeGreaterThan(0);
    expect(messages).toEqual(expect.arrayContaining([
      'BadProps.loose: `any` in its type',
      'BadProps.nested: `any` in its type',
      'Widget.method: `any` in the type of parameter `value`',
      'Widget.constructor: `any` in the type of parameter `opts`',
    ]));
  });

  test('ignores `T | undefined`, `unknown`, private/protected, `_` and @internal members; lists module-level exports apart', () => {
    expect(messages.filter(m => /^GoodProps\b|secret|forSubclasses|internalThing|hidden|_private|Widget\.ok\b|Widget\.GOOD\b/.test(m)))
      .toEqual([]);
    expect(report.moduleLevel.map(m => m.replace(/ \([^()]*:\d+\)$/, ''))).toEqual([
      'FREE_CONSTANT: module-level constant',
      'freeFunction: module-level function',
    ]);
    expect(report.offenders.filter(o => o.moduleLevel).map(o => o.rule).sort()).toEqual(['any', 'documented', 'documented', 'union']);
  });
});
