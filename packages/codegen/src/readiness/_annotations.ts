import type { Annotation, MatchedAnnotation, TestExchange } from "@synapseops/core";
import { type CompiledExpression, compileExpression } from "@synapseops/mapping";

/** Annotations of one operation, their conditions compiled once. */
export interface AnnotationMatcher {
  /** Annotations of `operationId` whose condition holds for the exchange (no condition: always). */
  match(operationId: string | undefined, exchange: TestExchange): Promise<MatchedAnnotation[]>;
}

/**
 * Compiles the conditions of annotations that target `operation:<operationId>`. A condition is
 * JSONata over `{ request, response, record }` (`record` is the request body); one that fails to
 * evaluate does not match (the run must not fail on a vendor's note).
 */
export function createAnnotationMatcher(annotations: readonly Annotation[]): AnnotationMatcher {
  const byOperation = new Map<string, { annotation: Annotation; condition?: CompiledExpression }[]>();
  for (const [index, annotation] of annotations.entries()) {
    if (!annotation.target.startsWith("operation:")) continue;
    const operationId = annotation.target.slice("operation:".length);
    const list = byOperation.get(operationId) ?? [];
    list.push({
      annotation,
      ...(annotation.condition
        ? { condition: compileExpression(annotation.condition, { path: `/annotations/${index}/condition` }) }
        : {}),
    });
    byOperation.set(operationId, list);
  }
  return {
    async match(operationId, exchange) {
      const candidates = operationId === undefined ? undefined : byOperation.get(operationId);
      if (!candidates) return [];
      const input = { request: exchange.request, response: exchange.response, record: exchange.request.body };
      const matched: MatchedAnnotation[] = [];
      for (const { annotation, condition } of candidates) {
        let holds = true;
        if (condition) {
          try {
            holds = Boolean(await condition.evaluate(input));
          } catch {
            holds = false;
          }
        }
        if (holds)
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
