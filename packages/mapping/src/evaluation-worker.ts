/**
 * The worker thread of {@link createWorkerEvaluator} (`worker-evaluator.ts`): it compiles and
 * evaluates what the main thread sends and answers with the value or the error's fields. Nothing
 * here outlives a termination: the main thread kills this thread when a deadline passes.
 */
import { parentPort } from "node:worker_threads";
import { MappingError, MappingErrorCode } from "./errors";
import { explain } from "./explain";
import { type CompiledExpression, type CompileExpressionOptions, compileExpression } from "./expression";
import type { MappingDefinition } from "./types";
import type { WorkerReply, WorkerRequest } from "./worker-protocol";

const compiled = new Map<string, CompiledExpression>();

function compiledFor(source: string, options: CompileExpressionOptions): CompiledExpression {
  const key = JSON.stringify([source, options]);
  let expression = compiled.get(key);
  if (expression === undefined) {
    expression = compileExpression(source, options);
    if (compiled.size >= 64) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, expression);
  }
  return expression;
}

async function run(request: WorkerRequest): Promise<unknown> {
  if (request.kind === "explain") {
    return await explain(request.definition as MappingDefinition, request.input);
  }
  return await compiledFor(request.source, request.options).evaluate(request.input, request.bindings);
}

function errorReply(id: number, error: unknown): WorkerReply {
  if (error instanceof MappingError) {
    return {
      id,
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        path: error.path,
        jsonataCode: error.jsonataCode,
        position: error.position,
        token: error.token,
      },
    };
  }
  return {
    id,
    ok: false,
    error: { code: MappingErrorCode.RUNTIME, message: `expression failed: ${String(error)}` },
  };
}

parentPort?.on("message", (request: WorkerRequest) => {
  run(request).then(
    (value) => {
      try {
        parentPort?.postMessage({ id: request.id, ok: true, value } satisfies WorkerReply);
      } catch (error) {
        // A function value (a lambda) cannot cross threads.
        parentPort?.postMessage(
          errorReply(
            request.id,
            new MappingError(
              MappingErrorCode.OUTPUT_INVALID,
              `expression result cannot be copied: ${String(error)}`,
            ),
          ),
        );
      }
    },
    (error: unknown) => parentPort?.postMessage(errorReply(request.id, error)),
  );
});
// The engine is loaded: the pool starts deadlines from here, not from the thread's start.
parentPort?.postMessage("ready");
