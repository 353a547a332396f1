import type { Annotation, MatchedAnnotation } from "@synapseops/core";
import { type CompiledExpression, compileExpression, MappingError } from "@synapseops/mapping";
import { CodegenConfigError } from "../errors";

/** What an annotation's condition sees. */
export interface AnnotationInput {
  request: unknown;
  response?: unknown;
  /** The request body: the record the call carries. */
  record?: unknown;
}

/** Annotations compiled once, matched per exchange by operation and condition. */
export interface AnnotationMatcher {
  /** Whether any annotation targets the operation. */
  targets(operationId: string): boolean;
  match(operationId: string, input: AnnotationInput): Promise<MatchedAnnotation[]>;
}

// A condition is advice for a person reading a result: it must never hold a keystroke up.
const CONDITION_TIMEOUT_MS = 50;

/**
 * Compiles the conditions of annotations that target operations (`operation:<operationId>`).
 * @throws {CodegenConfigError} when a condition is not valid JSONata (path `/annotations/<i>/condition`).
 */
export function compileAnnotations(annotations: readonly Annotation[]): AnnotationMatcher {
  const byOperation = new Map<string, { annotation: Annotation; condition?: CompiledExpression }[]>();
  annotations.forEach((annotation, index) => {
    if (!annotation.target.startsWith("operation:")) return;
    let condition: CompiledExpression | undefined;
    if (annotation.condition !== undefined) {
      try {
        condition = compileExpression(annotation.condition, {
          timeoutMs: CONDITION_TIMEOUT_MS,
          path: `/annotations/${index}/condition`,
        });
      } catch (cause) {
        throw new CodegenConfigError(
          `annotation "${annotation.id}" (/annotations/${index}/condition): ${(cause as Error).message}`,
          { path: `/annotations/${index}/condition`, cause },
        );
      }
    }
    const operationId = annotation.target.slice("operation:".length);
    const list = byOperation.get(operationId) ?? [];
    list.push(condition ? { annotation, condition } : { annotation });
    byOperation.set(operationId, list);
  });
  return {
    targets: (operationId) => byOperation.has(operationId),
    async match(operationId, input) {
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

async function holds(condition: CompiledExpression, input: AnnotationInput): Promise<boolean> {
  try {
    const value = await condition.evaluate(input);
    return Array.isArray(value) ? value.length > 0 && value.every(Boolean) : Boolean(value);
  } catch (error) {
    // A condition that cannot be evaluated on this exchange (a missing field, a timeout) does not hold.
    if (error instanceof MappingError) return false;
    throw error;
  }
}
