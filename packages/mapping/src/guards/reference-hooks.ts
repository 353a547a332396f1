import type jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "../errors";
import { bindHook, EVALUATE_EXIT_HOOK } from "./jsonata-environment";

/**
 * Installs our string-size guard into a reference JSONata instance: on every sub-expression's
 * exit, a string longer than `maxOutputSize` ends the evaluation. It covers the `&` nodes the
 * rewrite (concat-guard.ts) cannot reach: text run through `$eval`, and an `&` with a path-step role.
 *
 * Only the exit hook is used: each hook costs the reference evaluator an `await` per
 * sub-expression (about 15–40% on expression-heavy inputs). Cancellation therefore does not
 * use the entry hook: an aborted reference evaluation is abandoned at once, and its remaining
 * work is bounded by its timeout.
 */
export function installReferenceHooks(expression: jsonata.Expression, maxOutputSize: number): void {
  bindHook(
    expression,
    EVALUATE_EXIT_HOOK,
    (_expr: unknown, _input: unknown, _environment: unknown, result: unknown) => {
      if (typeof result === "string" && result.length > maxOutputSize) {
        throw new MappingError(
          MappingErrorCode.OUTPUT_TOO_LARGE,
          `expression built a string of ${result.length} characters, over the output limit of ${maxOutputSize}`,
        );
      }
    },
  );
}
