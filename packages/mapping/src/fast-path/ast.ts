import type { JsonataFrame } from "../guards/jsonata-environment";
import type { Evaluator, Frame, Sequence } from "./runtime";

/** A node of `jsonata(expr).ast()`, with the fields the fast path reads. */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: Stage[];
  predicate?: Stage[];
  group?: unknown;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  tuple?: boolean;
  focus?: string;
  index?: string;
  ancestor?: unknown;
  seekingParent?: unknown;
  expressions?: AstNode[];
  expression?: AstNode;
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
  body?: AstNode;
  signature?: unknown;
  thunk?: boolean;
}

/** A filter or index stage of a path step, or a predicate of any node. */
export interface Stage {
  type: string;
  expr?: AstNode;
  value?: string;
}

/** Thrown at compile time for a construct the fast path does not compile. */
export class Unsupported {
  constructor(readonly reason: string) {}
}

/** A compiled filter: applies a predicate to a sequence. */
export type FilterEvaluator = (input: unknown, frame: Frame) => Sequence | unknown[];

/** What the per-concept compilers share. */
export interface Compiler {
  compile(node: AstNode): Evaluator;
  compileFilter(predicate: AstNode): FilterEvaluator;
  /** The function environment (built-ins, guarded built-ins, registered functions). */
  functions: JsonataFrame;
  /** Names the expression binds anywhere; others can only come from the host's bindings. */
  boundNames: ReadonlySet<string>;
  /** Whether compiled nodes count their nesting depth (needed only when it could reach the limit). */
  countDepth: boolean;
}
