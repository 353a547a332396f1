import type { Annotation, MatchedAnnotation } from "@synapseops/core";
import { type CompiledExpression, compileExpression, MappingError } from "@synapseops/mapping";
import { CodegenConfigError } from "../errors";

/** What an annotation's condition sees: JSONata over `{ request, response, record }`. */
export interface AnnotationConditionInput {
  request: unknown;
  response?: unknown;
  /** The request body: the record the call carries. */
  record?: unknown;
}

/** Annotations compiled once, matched per exchange by operation and condition. */
export interface AnnotationMatcher {
  /** Whether any annotation targets the operation (lets a caller skip building the input). */
  targets(operationId: string | undefined): boolean;
  /** Annotations of `operationId` whose condition holds for the input (no condition: always). */
  match(operationId: string | undefined, input: AnnotationConditionInput): Promise<MatchedAnnotation[]>;
}

// A condition is advice for a person reading a result: it must never hold a keystroke (or a
// suite run) up.
const CONDITION_TIMEOUT_MS = 50;

/**
 * Compiles the conditions of annotations that target operations (`operation:<operationId>`),
 * once, for both {@link runSuite} and {@link validateExchange}. A condition that cannot be
 * evaluated on an exchange (a missing field, the 50 ms cap) does not hold: a vendor's note must
 * never fail a run or a keystroke.
 * @throws {CodegenConfigError} when a condition is not valid JSONata (path `/annotations/<i>/condition`).
 */
export function compileAnnotations(annotations: readonly Annotation[]): AnnotationMatcher {
  const byOperation = new Map<string, { annotation: Annotation; condition?: CompiledExpression }[]>();
  annotations.forEach((annotation, index) => {
    if (!annotation.target.startsWith("operation:")) return;
    const condition = annotation.condition === undefined ? undefined : compileCondition(annotation, index);
    const operationId = annotation.target.slice("operation:".length);
    const list = byOperation.get(operationId) ?? [];
    list.push(condition ? { annotation, condition } : { annotation });
    byOperation.set(operationId, list);
  });
  return {
    targets: (operationId) => operationId !== undefined && byOperation.has(operationId),
    async match(operationId, input) {
      if (operationId === undefined) return [];
      const matched: MatchedAnnotation[] = [];
      for (const { annotation, condition } of byOperation.get(operationId) ?? []) {
        if (condition && !(await holds(condition, input))) continue;
        matched.push({
          id: annotation.id,
          message: annotation.message,
          severity: annotation.severity,
          ...(annotation.link ? { link: annotation.link } : {}),
        });
      }
      return matched;
    },
  };
}

function compileCondition(annotation: Annotation, index: number): CompiledExpression {
  const path = `/annotations/${index}/condition`;
  try {
    return compileExpression(annotation.condition as string, { timeoutMs: CONDITION_TIMEOUT_MS, path });
  } catch (cause) {
    throw new CodegenConfigError(`annotation "${annotation.id}" (${path}): ${(cause as Error).message}`, {
      path,
      cause,
    });
  }
}

async function holds(condition: CompiledExpression, input: AnnotationConditionInput): Promise<boolean> {
  try {
    const value = await condition.evaluate(input);
    return Array.isArray(value) ? value.length > 0 && value.every(Boolean) : Boolean(value);
  } catch (error) {
    if (error instanceof MappingError) return false;
    throw error;
  }
}
