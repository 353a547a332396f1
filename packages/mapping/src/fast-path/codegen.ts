/**
 * The fast path's code generator: compiles an expression's AST into the source of one
 * JavaScript function (`new Function`), inlining the hot constructs — field reads, path steps
 * over objects and arrays, object and array constructors, operators, conditions, blocks with
 * variables as JavaScript locals, lambdas as JavaScript functions, common built-ins. Anything
 * else is embedded as the closure the closure compiler (compile.ts) built for it.
 *
 * Safety: the generated text contains only identifiers made here and literals written with
 * `JSON.stringify`; user data never becomes code. Helpers arrive as parameters (`H`, `X`).
 * How the generated code stays identical to the reference: docs/mapping-expressions.md.
 */
import { GUARDED_FUNCTION } from "../guards/guarded-functions";
import { isJsonataFunction } from "../guards/jsonata-environment";
import type { AstNode, Compiler } from "./ast";
import { Unsupported } from "./ast";
import { ENVIRONMENT_BOUND, resolveCallee } from "./calls";
import {
  bindTarget,
  containsLambda,
  countNodes,
  freeNames,
  isStringLiteral,
  orderedKeys,
  ROLE_KEYS,
  stripRoles,
  variablesAreStatic,
} from "./codegen-analysis";
import { HELPERS, isGenuineBuiltin, SPECIALISED_UNARY } from "./codegen-helpers";
import { compileDatePicture } from "./date-picture";
import { compileGrouping } from "./operators";
import { type Evaluator, Frame } from "./runtime";

/** Statically resolved variables of one JSONata scope (a block or a lambda's parameters). */
interface Scope {
  names: Map<string, string>;
  parent: Scope | undefined;
}

/** Sub-expressions this large (in AST nodes) become functions of their own (see `hoist`). */
const HOIST_SIZE = 12;
/**
 * Built-ins taking a lambda literal that generated code runs as a loop (higher-order.ts): the
 * helper and how many arguments the call may have (issue 17, point 8).
 */
const HIGHER_ORDER: Record<string, { helper: string; min: number; max: number }> = {
  filter: { helper: "filterWith", min: 2, max: 2 },
  reduce: { helper: "reduceWith", min: 2, max: 3 },
  sort: { helper: "sortWith", min: 2, max: 2 },
  each: { helper: "eachWith", min: 2, max: 2 },
};

/** A plain lambda literal: no signature, not a tail-call thunk, no role in a path. */
function isLambdaLiteral(node: AstNode | undefined): node is AstNode {
  return (
    node?.type === "lambda" &&
    node.thunk !== true &&
    node.signature === undefined &&
    node.body !== undefined &&
    !ROLE_KEYS.some((key) => node[key] !== undefined)
  );
}

/** The engine's built-in, or our budgeted version of it (same results: guarded-functions.ts). */
function isOwnFunction(name: string, lookup: (name: string) => unknown): boolean {
  if (isGenuineBuiltin(name, lookup)) return true;
  const fn = lookup(name);
  return (
    isJsonataFunction(fn) && (fn.implementation as { [GUARDED_FUNCTION]?: string })[GUARDED_FUNCTION] === name
  );
}

const HOISTED_TYPES = new Set(["path", "unary", "condition", "function", "block", "binary"]);

const RESERVED_KEYS = new Set(["_jsonata_lambda", "_jsonata_function", "__proto__"]);

/**
 * Generates the evaluator of a whole expression, or `undefined` when its variables cannot be
 * resolved statically (then the closures run it). Must only be used where the closure
 * compiler's uncounted variant would run: generated code does not count depth.
 */
export function generateEvaluator(tree: AstNode, compiler: Compiler): Evaluator | undefined {
  if (!variablesAreStatic(tree)) return undefined;
  const generator = new Generator(compiler);
  let source: string;
  try {
    source = generator.program(tree);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  let factory: (helpers: typeof HELPERS, externals: unknown[], frame: typeof Frame) => Evaluator;
  try {
    factory = new Function("H", "X", "Frame", source) as typeof factory;
  } catch (error) {
    // A Content-Security-Policy without 'unsafe-eval' (a browser previewing mappings) forbids
    // `new Function`: the closures run instead.
    if (error instanceof EvalError) return undefined;
    throw error;
  }
  return factory(HELPERS, generator.externals, Frame);
}

class Generator {
  readonly externals: unknown[] = [];
  private lines: string[] = [];
  private readonly hoisted: string[] = [];
  private counter = 0;
  /** Built-in names called directly; a host binding shadowing one deopts the evaluation. */
  private readonly calledBuiltins = new Set<string>();

  constructor(private readonly compiler: Compiler) {}

  program(tree: AstNode): string {
    const result = this.gen(tree, "input", undefined);
    const body = this.lines;
    const shadowed = [...this.calledBuiltins].map((name) => `frame.lookupOwn(${JSON.stringify(name)}) !== U`);
    return [
      '"use strict";',
      "const U = H.UNBOUND;",
      ...this.hoisted,
      "return function fastPathProgram(input, frame) {",
      "const ctx = frame.context;",
      "const maxOut = ctx.limits.maxOutputSize;",
      shadowed.length > 0 ? `if (${shadowed.join(" || ")}) throw H.deopt();` : "",
      ...body,
      `return ${result};`,
      "};",
    ].join("\n");
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  private external(value: unknown): string {
    this.externals.push(value);
    return `X[${this.externals.length - 1}]`;
  }

  private resolve(scope: Scope | undefined, name: string): string | undefined {
    for (let current = scope; current !== undefined; current = current.parent) {
      const local = current.names.get(name);
      if (local !== undefined) return local;
    }
    return undefined;
  }

  /** Generates `node` against the JS value `input`; returns a side-effect-free JS expression. */
  gen(node: AstNode, input: string, scope: Scope | undefined): string {
    if (node.type === "lambda" && node.thunk === true && node.body !== undefined) {
      return this.gen(node.body, input, scope);
    }
    if (ROLE_KEYS.some((key) => node[key] !== undefined)) {
      return this.filteredCall(node, input, scope) ?? this.embed(node, input, scope);
    }
    if (HOISTED_TYPES.has(node.type) && countNodes(node) >= HOIST_SIZE && !containsLambda(node)) {
      return this.hoist(node, input, scope);
    }
    return this.genNode(node, input, scope);
  }

  /**
   * Generates a lambda's body. A tail call (a thunk, in a condition's branch or a block's last
   * expression) yields the callee's raw result: the reference's trampoline returns it without
   * the unwrapping a sequence gets as a sub-expression's value, and `fn.map` (or any built-in
   * calling the lambda) sees a one-item or empty sequence as it is (issue 17).
   */
  private genTail(node: AstNode, input: string, scope: Scope | undefined): string {
    if (ROLE_KEYS.some((key) => node[key] !== undefined)) return this.gen(node, input, scope);
    if (node.type === "lambda" && node.thunk === true && node.body?.type === "function") {
      return this.call(node.body, input, scope, undefined, true);
    }
    if (node.type === "condition") return this.condition(node, input, scope, true);
    if (node.type === "block") return this.block(node, input, scope, true);
    return this.gen(node, input, scope);
  }

  /**
   * Generates a large sub-expression as a function of its own, defined once beside the program:
   * V8 does not optimise functions past ~60 KB of bytecode, and a mapping is easily that large.
   * The locals it reads are passed in; with no lambda inside, nothing can observe a later
   * rebinding of them.
   */
  private hoist(node: AstNode, input: string, scope: Scope | undefined): string {
    const names = [...freeNames(node)].filter((name) => this.resolve(scope, name) !== undefined);
    const params = names.map(() => this.fresh("$"));
    const name = this.fresh("F");
    const outer = this.lines;
    this.lines = [];
    const inner: Scope = {
      names: new Map(names.map((bound, index) => [bound, params[index]!])),
      parent: undefined,
    };
    const value = this.genNode(node, "input", inner);
    const extra = params.map((param) => `, ${param}`).join("");
    this.hoisted.push(
      `function ${name}(input, frame, ctx, maxOut${extra}) {`,
      ...this.lines,
      `return ${value};`,
      "}",
    );
    this.lines = outer;
    const args = names.map((bound) => `, ${this.resolve(scope, bound)}`).join("");
    const result = this.fresh("z");
    this.emit(`const ${result} = ${name}(${input}, frame, ctx, maxOut${args});`);
    return result;
  }

  private genNode(node: AstNode, input: string, scope: Scope | undefined): string {
    switch (node.type) {
      case "string":
      case "number":
      case "value":
        // JSON.stringify writes -0 as 0 (issue 17: the literal `-0` kept its sign only off the fast path).
        return Object.is(node.value, -0) ? "(-0)" : `(${JSON.stringify(node.value)})`;
      case "variable":
        return this.variable(node, input, scope);
      case "name":
        return this.name(node.value as string, input);
      case "path":
        return this.path(node, input, scope);
      case "binary":
        return this.binary(node, input, scope);
      case "unary":
        return this.unary(node, input, scope);
      case "condition":
        return this.condition(node, input, scope);
      case "block":
        return this.block(node, input, scope);
      case "lambda":
        return this.lambda(node, input, scope);
      case "function":
        return this.call(node, input, scope, undefined);
      case "apply":
        if (
          node.rhs?.type === "function" &&
          node.lhs !== undefined &&
          !Array.isArray(node.lhs) &&
          this.callsDirectly(node.rhs, scope)
        ) {
          const applied = this.gen(node.lhs, input, scope);
          return this.call(node.rhs, input, scope, applied);
        }
        return this.embed(node, input, scope);
      default:
        return this.embed(node, input, scope);
    }
  }

  /** Runs the closure compiled for `node`, in a frame holding the locals it reads. */
  private embed(node: AstNode, input: string, scope: Scope | undefined): string {
    const closure = this.external(this.compiler.compile(node));
    const frame = this.materialise(node, scope);
    const result = this.fresh("e");
    this.emit(`const ${result} = ${closure}(${input}, ${frame});`);
    return result;
  }

  /**
   * A direct call followed by predicates or a group-by (`$filter(…)[0]`, issue 17): the call is
   * generated (so a lambda argument runs as a loop instead of deopting, as the embedded closure
   * did), and its raw result goes through the closure compiler's filters and grouping, then is
   * unwrapped — `finish` in compile.ts, which the reference's `evaluate` follows.
   */
  private filteredCall(node: AstNode, input: string, scope: Scope | undefined): string | undefined {
    if (node.type !== "function") return undefined;
    if (
      ROLE_KEYS.some(
        (key) => key !== "predicate" && key !== "group" && key !== "keepArray" && node[key] !== undefined,
      )
    ) {
      return undefined;
    }
    const stages = node.predicate ?? [];
    if (stages.some((stage) => stage.type !== "filter" || stage.expr === undefined)) return undefined;
    const { predicate: _predicate, group, keepArray, ...bare } = node;
    if (!this.callsDirectly(bare, scope)) return undefined;
    let current = this.call(bare, input, scope, undefined, true);
    const steps = stages.map((stage) => this.external(this.compiler.compileFilter(stage.expr!)));
    if (group !== undefined) steps.push(this.external(compileGrouping(group, this.compiler)));
    const frame = steps.length > 0 ? this.materialise(node, scope) : "frame";
    for (const step of steps) {
      const next = this.fresh("r");
      this.emit(`const ${next} = ${step}(${current}, ${frame});`);
      current = next;
    }
    const result = this.fresh("r");
    this.emit(`const ${result} = H.normaliseSequence(${current}, ${keepArray === true});`);
    return result;
  }

  private materialise(node: AstNode, scope: Scope | undefined): string {
    const bound = [...freeNames(node)].flatMap((name) => {
      const local = this.resolve(scope, name);
      return local === undefined ? [] : [[name, local] as const];
    });
    if (bound.length === 0) return "frame";
    const frame = this.fresh("f");
    this.emit(`const ${frame} = new Frame(frame, ctx);`);
    for (const [name, local] of bound) this.emit(`${frame}.bind(${JSON.stringify(name)}, ${local});`);
    return frame;
  }

  private variable(node: AstNode, input: string, scope: Scope | undefined): string {
    const name = node.value as string;
    const result = this.fresh("v");
    if (name === "") {
      this.emit(`const ${result} = H.contextValue(${input});`);
      return result;
    }
    const local = this.resolve(scope, name);
    if (local !== undefined) {
      this.emit(`const ${result} = H.norm(${local});`);
    } else {
      const isFunctionName = this.compiler.functions.lookup(name) !== undefined;
      this.emit(`const ${result} = H.lookupVariable(frame, ${JSON.stringify(name)}, ${isFunctionName});`);
    }
    return result;
  }

  /** A field of the context: an own property of a plain object, or the general lookup. */
  private name(key: string, input: string): string {
    const result = this.fresh("n");
    const k = JSON.stringify(key);
    const o = input;
    this.emit(
      `let ${result}; if (typeof ${o} === "object" && ${o} !== null && !Array.isArray(${o}) && ${o}._jsonata_lambda !== true && ${o}._jsonata_function !== true) { ${result} = ${o}[${k}]; if (${result} !== undefined && (!Object.hasOwn(${o}, ${k}) || (Array.isArray(${result}) && ${result}.sequence === true))) ${result} = H.nameOf(${o}, ${k}); } else if (typeof ${o} === "object" && ${o} !== null) ${result} = H.nameOf(${o}, ${k});`,
    );
    return result;
  }

  private path(node: AstNode, input: string, scope: Scope | undefined): string {
    const steps = node.steps ?? [];
    const first = steps[0];
    if (first === undefined || node.keepSingletonArray === true || first.consarray === true) {
      return this.embed(node, input, scope);
    }
    const stepRoles = (step: AstNode): boolean =>
      step.type === "sort" ||
      // A call's predicates are its own (`filteredCall`), evaluated before the step's stages.
      (step.predicate !== undefined && step.type !== "function") ||
      step.group !== undefined ||
      step.keepArray === true ||
      step.focus !== undefined ||
      step.ancestor !== undefined ||
      step.seekingParent !== undefined;
    if (steps.some(stepRoles)) return this.embed(node, input, scope);
    const [, ...rest] = steps;
    if (first.tuple === true || rest.some((step) => step.tuple === true || step.index !== undefined)) {
      const plainRest = rest.every((step) => step.stages === undefined && step.tuple !== true);
      if (first.index === undefined || first.stages !== undefined || !plainRest) {
        return this.embed(node, input, scope);
      }
      return this.indexedPath(steps, input, scope);
    }
    const fieldSteps = steps.slice(first.type === "variable" ? 1 : 0);
    if (
      fieldSteps.length > 0 &&
      fieldSteps.every((step) => step.type === "name" && step.stages === undefined)
    ) {
      return this.fieldChase(node, first.type === "variable" ? first : undefined, fieldSteps, input, scope);
    }
    return this.plainPath(steps, input, scope);
  }

  /**
   * `a.b.c`, `$x.a`: while every value on the way is a single plain object, the path algorithm
   * reduces to reading own fields one after another (a scalar or nothing on the way gives
   * nothing); an array, a sequence or a function value runs the path's closure instead.
   */
  private fieldChase(
    node: AstNode,
    start: AstNode | undefined,
    steps: AstNode[],
    input: string,
    scope: Scope | undefined,
  ): string {
    const result = this.fresh("p");
    const general = this.fresh("g");
    const label = this.fresh("L");
    const value = this.fresh("v");
    const isRecord = (v: string) =>
      `typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v}) && ${v}._jsonata_lambda !== true && ${v}._jsonata_function !== true`;
    this.emit(`let ${result}, ${general} = false;`);
    this.emit(`${label}: {`);
    if (start === undefined) {
      this.emit(`let ${value} = ${input};`);
    } else {
      const initial = this.gen(start, input, scope);
      this.emit(`let ${value} = ${initial};`);
    }
    for (const step of steps) {
      const key = JSON.stringify(step.value as string);
      const read = this.fresh("w");
      this.emit(
        `if (${isRecord(value)}) { const ${read} = ${value}[${key}]; ${value} = ${read} === undefined || Object.hasOwn(${value}, ${key}) ? ${read} : undefined; }`,
      );
      this.emit(
        `else { if (${value} !== null && typeof ${value} === "object") ${general} = true; break ${label}; }`,
      );
    }
    this.emit(
      `if (typeof ${value} === "function" || (typeof ${value} === "object" && ${value} !== null && (Array.isArray(${value}) ? ${value}.sequence === true : ${value}._jsonata_lambda === true || ${value}._jsonata_function === true))) ${general} = true;`,
    );
    this.emit(`else ${result} = ${value};`);
    this.emit("}");
    this.emit(`if (${general}) {`);
    // Over an array (`line_items.quantity`, `$lines.lineTotal`) the path algorithm runs as
    // generated code too: the closure cost a frame and a call per step on every record (issue 17,
    // steady state). A single field of the context is left to the closure: it meets an array
    // only when the context is one, and each copy of the loops costs code size.
    const full =
      start !== undefined || steps.length > 1
        ? this.plainPath(start === undefined ? steps : [start, ...steps], input, scope)
        : this.embed(node, input, scope);
    this.emit(`${result} = ${full};`);
    this.emit("}");
    return result;
  }

  /**
   * The reference's `evaluatePath` over plain steps, one loop per step. While a step yields a
   * single value no sequence is built: the next step runs on the value itself.
   */
  private plainPath(steps: AstNode[], input: string, scope: Scope | undefined): string {
    const result = this.fresh("p");
    const label = this.fresh("L");
    const cur = this.fresh("c");
    const seq = this.fresh("s");
    this.emit(`let ${result};`);
    this.emit(`${label}: {`);
    this.emit(`let ${cur} = ${input}, ${seq};`);
    if (steps[0]!.type !== "variable") this.emit(`if (Array.isArray(${input})) ${seq} = ${input};`);
    steps.forEach((step, index) => {
      const last = index === steps.length - 1;
      const out = this.fresh("o");
      const count = this.fresh("k");
      const head = this.fresh("h");
      const position = this.fresh("j");
      const item = this.fresh("i");
      // The reference's `evaluateStep`, with its sequence built only once a second value comes.
      this.emit(`let ${out}, ${count} = 0, ${head};`);
      this.emit(
        `for (let ${position} = 0, n = ${seq} === undefined ? 1 : ${seq}.length; ${position} < n; ${position}++) {`,
      );
      this.emit(`ctx.tick();`);
      this.emit(`const ${item} = ${seq} === undefined ? ${cur} : ${seq}[${position}];`);
      const value = this.step(step, item, scope);
      this.emit(`if (${value} === undefined) continue;`);
      this.emit(`if (${count}++ === 0) { ${head} = ${value}; continue; }`);
      this.emit(`if (${out} === undefined) { ${out} = H.createSequence(); H.pushFlat(${out}, ${head}); }`);
      this.emit(`H.pushFlat(${out}, ${value});`);
      this.emit("}");
      this.emit(`if (${count} === 0) break ${label};`);
      if (last) {
        this.emit(
          `if (${count} === 1) ${result} = Array.isArray(${head}) && ${head}.sequence === true ? H.norm(H.copySequence(${head})) : ${head};`,
        );
        this.emit(`else { ctx.checkSequence(${out}.length); ${result} = H.norm(${out}); }`);
      } else {
        this.emit(
          `if (${count} === 1) { if (Array.isArray(${head}) && ${head}.cons !== true) { if (${head}.length === 0) break ${label}; ${seq} = ${head}; } else { ${seq} = undefined; ${cur} = ${head}; } }`,
        );
        this.emit(`else { ctx.checkSequence(${out}.length); ${seq} = ${out}; }`);
      }
    });
    this.emit("}");
    return result;
  }

  /**
   * `items#$i.…`: a tuple stream whose only binding is the first step's index. Each later step
   * runs once per tuple with `$i` as a JS local; nested loops give the reference's order.
   */
  private indexedPath(steps: AstNode[], input: string, scope: Scope | undefined): string {
    const [first, ...rest] = steps as [AstNode, ...AstNode[]];
    const result = this.fresh("t");
    const items = this.fresh("s");
    const counts = steps.map(() => this.fresh("m"));
    this.emit(`const ${result} = H.createSequence(); let ${counts.join(" = 0, ")} = 0;`);
    const wrap = first.type === "variable" ? `[${input}]` : `Array.isArray(${input}) ? ${input} : [${input}]`;
    this.emit(`const ${items} = ${wrap};`);
    const position = this.fresh("j");
    this.emit(`for (let ${position} = 0; ${position} < ${items}.length; ${position}++) {`);
    this.emit("ctx.tick();");
    let item = this.fresh("i");
    this.emit(`const ${item} = ${items}[${position}];`);
    const index = this.fresh("b");
    const tupleScope: Scope = { names: new Map([[first.index as string, index]]), parent: scope };
    let closers = 1;
    const forEachValue = (value: string, counter: string, indexName: string): string => {
      const values = this.fresh("a");
      const next = this.fresh("x");
      this.emit(`if (${value} !== undefined) {`);
      this.emit(`const ${values} = Array.isArray(${value}) ? ${value} : [${value}];`);
      this.emit(`if (${values}.tupleStream === true) throw H.deopt();`);
      this.emit(`for (let ${indexName} = 0; ${indexName} < ${values}.length; ${indexName}++) {`);
      this.emit(`${counter}++; ctx.tick();`);
      this.emit(`const ${next} = ${values}[${indexName}];`);
      closers += 2;
      return next;
    };
    const firstValue = this.gen(stripRoles(first), item, scope);
    item = forEachValue(firstValue, counts[0]!, index);
    rest.forEach((step, offset) => {
      const value = this.gen(step, item, tupleScope);
      item = forEachValue(value, counts[offset + 1]!, this.fresh("b"));
    });
    this.emit(`${result}.push(${item});`);
    this.emit("}".repeat(closers));
    for (const counter of counts) this.emit(`ctx.checkSequence(${counter});`);
    const normalised = this.fresh("r");
    this.emit(`const ${normalised} = H.norm(${result});`);
    return normalised;
  }

  /** A path step's value: the step node, then its filter stages. */
  private step(step: AstNode, input: string, scope: Scope | undefined): string {
    let value = this.gen(stripRoles(step), input, scope);
    for (const stage of step.stages ?? []) {
      if (stage.type !== "filter" || stage.expr === undefined) throw new Unsupported(`stage ${stage.type}`);
      const filtered = this.fresh("g");
      if (
        stage.expr.type === "number" &&
        typeof stage.expr.value === "number" &&
        stage.expr.predicate === undefined
      ) {
        this.emit(`const ${filtered} = H.filterIndex(${value}, ${Math.floor(stage.expr.value)});`);
      } else {
        const items = this.fresh("a");
        const position = this.fresh("j");
        const item = this.fresh("i");
        this.emit(`const ${filtered} = H.createSequence();`);
        this.emit(`const ${items} = Array.isArray(${value}) ? ${value} : H.createSequence(${value});`);
        this.emit(`for (let ${position} = 0; ${position} < ${items}.length; ${position}++) {`);
        this.emit("ctx.tick();");
        this.emit(`const ${item} = ${items}[${position}];`);
        const test = this.gen(stage.expr, item, scope);
        this.emit(
          `if (${test} === true || (${test} !== false && H.keeps(${test}, ${position}, ${items}.length))) ${filtered}.push(${item});`,
        );
        this.emit("}");
      }
      value = filtered;
    }
    return value;
  }

  private binary(node: AstNode, input: string, scope: Scope | undefined): string {
    const op = node.value as string;
    if (node.lhs === undefined || Array.isArray(node.lhs) || node.rhs === undefined) {
      return this.embed(node, input, scope);
    }
    if (op === "and" || op === "or") {
      const result = this.fresh("b");
      const left = this.gen(node.lhs, input, scope);
      this.emit(`let ${result} = H.bool(${left});`);
      this.emit(op === "and" ? `if (${result}) {` : `if (!${result}) {`);
      const right = this.gen(node.rhs, input, scope);
      this.emit(`${result} = H.bool(${right});`);
      this.emit("}");
      return result;
    }
    if (!["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&"].includes(op)) {
      return this.embed(node, input, scope);
    }
    const left = this.gen(node.lhs, input, scope);
    const right = this.gen(node.rhs, input, scope);
    const result = this.fresh("r");
    const l = left;
    const r = right;
    switch (op) {
      case "&":
        this.emit(
          `const ${result} = (typeof ${l} === "string" ? ${l} : H.concatOperand(${l})) + (typeof ${r} === "string" ? ${r} : H.concatOperand(${r}));`,
        );
        this.emit(`if (${result}.length > maxOut) ctx.checkString(${result});`);
        return result;
      case "=":
      case "!=": {
        const same = `(${l} === undefined || ${r} === undefined ? false : typeof ${l} !== "object" && typeof ${r} !== "object" ? ${l} === ${r} : H.equal(${l}, ${r}))`;
        const differ = `(${l} === undefined || ${r} === undefined ? false : typeof ${l} !== "object" && typeof ${r} !== "object" ? ${l} !== ${r} : !H.equal(${l}, ${r}))`;
        this.emit(`const ${result} = ${op === "=" ? same : differ};`);
        return result;
      }
      case "<":
      case "<=":
      case ">":
      case ">=":
        this.emit(
          `const ${result} = (typeof ${l} === "number" && typeof ${r} === "number") || (typeof ${l} === "string" && typeof ${r} === "string") ? ${l} ${op} ${r} : H.compare(${JSON.stringify(op)}, ${l}, ${r});`,
        );
        return result;
      default:
        // x - x === 0 holds exactly for finite numbers.
        this.emit(`let ${result};`);
        this.emit(
          `if (typeof ${l} === "number" && typeof ${r} === "number" && ${l} - ${l} === 0 && ${r} - ${r} === 0) { ${result} = ${l} ${op} ${r}; if (${result} - ${result} !== 0) throw H.deopt(); }`,
        );
        this.emit(`else ${result} = H.arith(${JSON.stringify(op)}, ${l}, ${r});`);
        return result;
    }
  }

  private unary(node: AstNode, input: string, scope: Scope | undefined): string {
    if (node.value === "-" && node.expression !== undefined) {
      const operand = this.gen(node.expression, input, scope);
      const result = this.fresh("u");
      this.emit(
        `const ${result} = typeof ${operand} === "number" && ${operand} - ${operand} === 0 ? -${operand} : H.negate(${operand});`,
      );
      return result;
    }
    if (node.value === "[") return this.array(node, input, scope);
    if (node.value === "{") return this.object(node, input, scope);
    return this.embed(node, input, scope);
  }

  private array(node: AstNode, input: string, scope: Scope | undefined): string {
    const result = this.fresh("a");
    this.emit(`const ${result} = [];`);
    for (const item of node.expressions ?? []) {
      const value = this.gen(item, input, scope);
      if (item.value === "[") {
        this.emit(`if (${value} !== undefined) ${result}.push(${value});`);
      } else {
        this.emit(
          `if (Array.isArray(${value})) { for (let q = 0; q < ${value}.length; q++) ${result}.push(${value}[q]); } else if (${value} !== undefined) ${result}.push(${value});`,
        );
      }
    }
    this.emit(`ctx.checkSequence(${result}.length);`);
    if (node.consarray === true) this.emit(`H.markCons(${result});`);
    return result;
  }

  /** An object constructor with distinct literal keys, over one (non-array) context. */
  private object(node: AstNode, input: string, scope: Scope | undefined): string {
    const pairs = (node.lhs ?? []) as [AstNode, AstNode][];
    const keys = pairs.map(([key]) =>
      key.type === "string" && key.predicate === undefined && key.keepArray !== true
        ? (key.value as string)
        : undefined,
    );
    const literal =
      keys.every((key) => key !== undefined && !RESERVED_KEYS.has(key)) && new Set(keys).size === keys.length;
    if (!literal) return this.embed(node, input, scope);
    const result = this.fresh("o");
    this.emit(`let ${result};`);
    this.emit(`if (Array.isArray(${input})) {`);
    const grouped = this.embed(node, input, scope);
    this.emit(`${result} = ${grouped};`);
    this.emit("} else {");
    const object = this.fresh("w");
    this.emit(`const ${object} = H.newObject();`);
    // Values run in the order Object.keys lists the keys, as the reference evaluates groups.
    for (const key of orderedKeys(keys as string[])) {
      const pair = pairs[keys.indexOf(key)]!;
      const value = this.gen(pair[1], input, scope);
      this.emit(`if (${value} !== undefined) ${object}[${JSON.stringify(key)}] = ${value};`);
    }
    this.emit(`${result} = ${object};`);
    this.emit("}");
    return result;
  }

  private condition(node: AstNode, input: string, scope: Scope | undefined, tail = false): string {
    if (node.condition === undefined || node.then === undefined) {
      if (tail) throw new Unsupported("tail condition");
      return this.embed(node, input, scope);
    }
    const branch = (next: AstNode): string =>
      tail ? this.genTail(next, input, scope) : this.gen(next, input, scope);
    const test = this.gen(node.condition, input, scope);
    const result = this.fresh("q");
    this.emit(`let ${result};`);
    this.emit(`if (${test} === true || (${test} !== false && H.bool(${test}))) {`);
    const then = branch(node.then);
    this.emit(`${result} = ${then};`);
    if (node.else !== undefined) {
      this.emit("} else {");
      const otherwise = branch(node.else);
      this.emit(`${result} = ${otherwise};`);
    }
    this.emit("}");
    // The reference unwraps every node's value once: a sequence holding one sequence (a nested
    // `$map`'s raw result) loses one level per node, so a condition or block around a call
    // unwraps again (issue 17: `(x ?? $map(…$map(…)))` gave `[1]` where jsonata gives `1`).
    if (!tail) this.emit(`${result} = H.norm(${result});`);
    return result;
  }

  /** A block: its variables are JS locals (variablesAreStatic checked that this is exact). */
  private block(node: AstNode, input: string, scope: Scope | undefined, tail = false): string {
    const blockScope: Scope = { names: new Map(), parent: scope };
    const expressions = node.expressions ?? [];
    for (const expression of expressions) {
      const target = bindTarget(expression);
      if (target !== undefined && !blockScope.names.has(target)) {
        blockScope.names.set(target, this.fresh("$"));
      }
    }
    const result = this.fresh("k");
    this.emit(`let ${result};`);
    this.emit("{");
    if (blockScope.names.size > 0) this.emit(`let ${[...blockScope.names.values()].join(", ")};`);
    for (const expression of expressions) {
      const target = bindTarget(expression);
      if (target !== undefined) {
        const value = this.gen(expression.rhs!, input, blockScope);
        this.emit(`${blockScope.names.get(target)} = ${value};`);
        this.emit(`${result} = ${value};`);
      } else {
        const value =
          tail && expression === expressions[expressions.length - 1]
            ? this.genTail(expression, input, blockScope)
            : this.gen(expression, input, blockScope);
        this.emit(`${result} = ${value};`);
      }
    }
    this.emit("}");
    if (!tail) this.emit(`${result} = H.norm(${result});`);
    return result;
  }

  /** A lambda literal passed to a built-in generated as a loop: a JS function over its parameters. */
  private directLambda(node: AstNode, input: string, scope: Scope | undefined): string {
    const parameters = (node.arguments ?? []).map((param) => {
      if (param.type !== "variable" || typeof param.value !== "string") throw new Unsupported("parameter");
      return param.value;
    });
    const locals = parameters.map(() => this.fresh("$"));
    const lambdaScope: Scope = {
      names: new Map(parameters.map((name, index) => [name, locals[index]!])),
      parent: scope,
    };
    const direct = this.fresh("d");
    this.emit(`const ${direct} = function (${locals.join(", ")}) {`);
    // A tail call's raw result, as the reference's trampoline gives it to the built-in (issue 17).
    const body = this.genTail(node.body!, input, lambdaScope);
    this.emit(`return ${body};`);
    this.emit("};");
    return direct;
  }

  /** A lambda: a JS function over its parameters, wrapped as a FastLambda for the closures. */
  private lambda(node: AstNode, input: string, scope: Scope | undefined): string {
    if (node.signature !== undefined || node.body === undefined) return this.embed(node, input, scope);
    const parameters = (node.arguments ?? []).map((param) => {
      if (param.type !== "variable" || typeof param.value !== "string") throw new Unsupported("parameter");
      return param.value;
    });
    const locals = parameters.map(() => this.fresh("$"));
    const lambdaScope: Scope = {
      names: new Map(parameters.map((name, index) => [name, locals[index]!])),
      parent: scope,
    };
    const direct = this.fresh("d");
    this.emit(`const ${direct} = function (${locals.join(", ")}) {`);
    const body = this.genTail(node.body, input, lambdaScope);
    this.emit(`return ${body};`);
    this.emit("};");
    const result = this.fresh("l");
    const fromFrame = parameters.map((name) => `f.lookupOwn(${JSON.stringify(name)})`).join(", ");
    this.emit(
      `const ${result} = new H.FastLambda(${JSON.stringify(parameters)}, (_, f) => ${direct}(${fromFrame}), ${input}, frame, ${direct});`,
    );
    return result;
  }

  /**
   * `$map(array, function($v, $i, $a) {…})` as a loop: the engine's `fn.map` (a non-array value
   * is one item; the lambda gets as many of value, index and array as it has parameters).
   */
  private mapLoop(
    arrayNode: AstNode,
    lambda: AstNode,
    input: string,
    scope: Scope | undefined,
    raw = false,
  ): string {
    const array = this.gen(arrayNode, input, scope);
    const result = this.fresh("m");
    const items = this.fresh("a");
    const position = this.fresh("j");
    const parameters = (lambda.arguments ?? []).map((param) => {
      if (param.type !== "variable" || typeof param.value !== "string") throw new Unsupported("parameter");
      return param.value;
    });
    this.emit(`let ${result};`);
    this.emit(`if (${array} !== undefined) {`);
    this.emit(`if (H.isFunctionValue(${array})) throw H.deopt();`);
    this.emit(`const ${items} = Array.isArray(${array}) ? ${array} : [${array}];`);
    this.emit(`const ${result}s = H.createSequence();`);
    this.emit(`for (let ${position} = 0; ${position} < ${items}.length; ${position}++) {`);
    this.emit("ctx.tick();");
    const supplied = [`${items}[${position}]`, position, items];
    const locals = parameters.map((_, index) => {
      const local = this.fresh("$");
      this.emit(`const ${local} = ${supplied[index] ?? "undefined"};`);
      return local;
    });
    const lambdaScope: Scope = {
      names: new Map(parameters.map((name, index) => [name, locals[index]!])),
      parent: scope,
    };
    // A body that is a tail call gives `fn.map` the callee's raw result: the reference's
    // trampoline returns it without the unwrapping a sequence gets as a sub-expression's value
    // (issue 17: nested `$map` lambdas were flattened).
    const value = this.genTail(lambda.body!, input, lambdaScope);
    this.emit(`if (${value} !== undefined) ${result}s.push(${value});`);
    this.emit("}");
    this.emit(`ctx.checkSequence(${result}s.length);`);
    this.emit(raw ? `${result} = ${result}s;` : `${result} = H.norm(${result}s);`);
    this.emit("}");
    return result;
  }

  /** Whether {@link call} generates `node` itself (rather than embedding its closure). */
  private callsDirectly(node: AstNode, scope: Scope | undefined): boolean {
    const procedure = node.procedure;
    if (
      procedure?.type !== "variable" ||
      typeof procedure.value !== "string" ||
      procedure.predicate !== undefined
    ) {
      return false;
    }
    const name = procedure.value;
    if (this.resolve(scope, name) !== undefined) return true;
    if (ENVIRONMENT_BOUND.has(name) || this.compiler.boundNames.has(name)) return false;
    return resolveCallee(name, this.compiler) !== undefined;
  }

  /** `$name(args)`; `applied` is the left side of `~>`, passed as the first argument. */
  private call(
    node: AstNode,
    input: string,
    scope: Scope | undefined,
    applied: string | undefined,
    raw = false,
  ): string {
    if (!this.callsDirectly(node, scope)) {
      if (applied !== undefined) throw new Unsupported("~> of an embedded call");
      if (raw) throw new Unsupported("tail call of an embedded call");
      return this.embed(node, input, scope);
    }
    const name = node.procedure!.value as string;
    const argNodes = node.arguments ?? [];
    const local = this.resolve(scope, name);
    const callee = local === undefined ? resolveCallee(name, this.compiler) : undefined;
    const mapped = argNodes[1];
    if (
      local === undefined &&
      name === "map" &&
      applied === undefined &&
      argNodes.length === 2 &&
      mapped?.type === "lambda" &&
      mapped.thunk !== true &&
      mapped.signature === undefined &&
      !ROLE_KEYS.some((key) => mapped[key] !== undefined) &&
      isGenuineBuiltin(name, (n) => this.compiler.functions.lookup(n))
    ) {
      this.calledBuiltins.add(name);
      return this.mapLoop(argNodes[0]!, mapped, input, scope, raw);
    }
    // A tail call of `$sort` gets the lambda itself from the reference's trampoline, and its
    // merge sort calls it as a plain function: jsonata fails ("comp is not a function"), and so
    // does the reference here (fuzzer seed 31337). The others call `.apply`, which works.
    const higherOrder =
      local === undefined &&
      applied === undefined &&
      Object.hasOwn(HIGHER_ORDER, name) &&
      !(raw && name === "sort")
        ? HIGHER_ORDER[name]
        : undefined;
    if (
      higherOrder !== undefined &&
      argNodes.length >= higherOrder.min &&
      argNodes.length <= higherOrder.max &&
      isLambdaLiteral(mapped) &&
      isOwnFunction(name, (n) => this.compiler.functions.lookup(n))
    ) {
      this.calledBuiltins.add(name);
      const subject = this.gen(argNodes[0]!, input, scope);
      const direct = this.directLambda(mapped, input, scope);
      const extra =
        name === "reduce"
          ? `, ${mapped.arguments?.length ?? 0}, ${argNodes[2] === undefined ? "undefined" : this.gen(argNodes[2], input, scope)}`
          : "";
      const result = this.fresh("h");
      const call = `H.${higherOrder.helper}(${subject}, ${direct}${extra}, ctx)`;
      this.emit(`const ${result} = ${raw ? call : `H.norm(${call})`};`);
      return result;
    }
    const args = argNodes.map((arg) => this.gen(arg, input, scope));
    if (applied !== undefined) args.unshift(applied);
    const result = this.fresh("c");
    // A tail call's raw result (see genTail); otherwise unwrapped as the reference does.
    const wrap = raw ? "" : "H.norm";
    if (local !== undefined) {
      this.emit(`const ${result} = ${wrap}(H.callValue(${local}, [${args.join(", ")}], ctx));`);
      return result;
    }
    this.calledBuiltins.add(name);
    const target = this.external(callee);
    const genuine = isGenuineBuiltin(name, (n) => this.compiler.functions.lookup(n));
    const specialised = SPECIALISED_UNARY[name];
    const contextual = name === "trim" || name === "uppercase" || name === "lowercase";
    if (genuine && specialised !== undefined && args.length === 1) {
      this.emit(`const ${result} = ${wrap}(H.${specialised}(${args[0]}, ${target}, ${input}, ctx));`);
    } else if (genuine && specialised !== undefined && contextual && args.length === 0) {
      this.emit(
        `const ${result} = typeof ${input} === "string" ? H.${specialised}(${input}, ${target}, ${input}, ctx) : ${wrap}(H.callJsonataFunction(${target}, [], ${input}, ctx));`,
      );
    } else if (genuine && name === "lookup" && args.length === 2) {
      this.emit(`const ${result} = ${wrap}(H.lookupOf(${args[0]}, ${args[1]}, ${target}, ${input}, ctx));`);
    } else if (
      genuine &&
      name === "fromMillis" &&
      args.length === 2 &&
      isStringLiteral(argNodes[applied ? 0 : 1])
    ) {
      const picture = argNodes[applied ? 0 : 1]!.value as string;
      const format = compileDatePicture(picture);
      if (format === undefined) {
        this.emit(
          `const ${result} = ${wrap}(H.callJsonataFunction(${target}, [${args.join(", ")}], ${input}, ctx));`,
        );
      } else {
        this.emit(
          `const ${result} = ${wrap}(H.fromMillisWith(${this.external(format)}, ${args[0]}, ${JSON.stringify(picture)}, ${target}, ${input}, ctx));`,
        );
      }
    } else {
      this.emit(
        `const ${result} = ${wrap}(H.callJsonataFunction(${target}, [${args.join(", ")}], ${input}, ctx));`,
      );
    }
    return result;
  }
}
