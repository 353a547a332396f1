import jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "./errors";
import { registeredFunctions } from "./function-registry";

/** Limits applied to every evaluation of a compiled expression. */
export interface EvaluationLimits {
  /**
   * Wall-clock limit of one evaluation, in milliseconds.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Deepest evaluation stack (recursion) allowed.
   * @default 500
   */
  maxDepth?: number;
  /**
   * Longest sequence (array) an evaluation may build.
   * @default 1_000_000
   */
  maxSequenceLength?: number;
}

/** A JSONata expression compiled once and evaluated many times. */
export interface CompiledExpression {
  /** The expression text it was compiled from. */
  readonly source: string;
  /** Evaluates the expression against one input. */
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

const DEFAULT_LIMITS: Required<EvaluationLimits> = {
  timeoutMs: 1000,
  maxDepth: 500,
  maxSequenceLength: 1_000_000,
};

interface JsonataFailure {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

function isJsonataFailure(error: unknown): error is JsonataFailure {
  return typeof error === "object" && error !== null && "code" in error;
}

/**
 * Compiles a JSONata expression with evaluation limits.
 *
 * @example
 * ```ts
 * const total = compileExpression("$sum(items.price)");
 * await total.evaluate({ items: [{ price: 2 }, { price: 3 }] }); // 5
 * ```
 * @throws {MappingError} `MAPPING_SYNTAX` with the position and token of the first error.
 */
export function compileExpression(source: string, limits: EvaluationLimits = {}): CompiledExpression {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source, {
      timeout: bounds.timeoutMs,
      stack: bounds.maxDepth,
      sequence: bounds.maxSequenceLength,
    });
  } catch (error) {
    const failure = isJsonataFailure(error) ? error : {};
    throw new MappingError(
      MappingErrorCode.SYNTAX,
      `expression syntax error at position ${failure.position ?? "?"}${failure.token ? ` near "${failure.token}"` : ""}: ${failure.message ?? String(error)}`,
      { jsonataCode: failure.code, position: failure.position, token: failure.token, cause: error },
    );
  }
  for (const fn of registeredFunctions()) {
    compiled.registerFunction(fn.name, fn.implementation as (...args: unknown[]) => unknown, fn.signature);
  }
  return {
    source,
    async evaluate(input, bindings) {
      try {
        return await compiled.evaluate(input, bindings);
      } catch (error) {
        throw toRuntimeError(error);
      }
    },
  };
}

function toRuntimeError(error: unknown): MappingError {
  if (!isJsonataFailure(error)) {
    return new MappingError(MappingErrorCode.RUNTIME, `expression failed: ${String(error)}`, {
      cause: error,
    });
  }
  const code =
    error.code === "D1012"
      ? MappingErrorCode.TIMEOUT
      : error.code === "D1011" || error.code === "U1001"
        ? MappingErrorCode.DEPTH
        : error.code === "D2015"
          ? MappingErrorCode.SEQUENCE_TOO_LONG
          : MappingErrorCode.RUNTIME;
  return new MappingError(code, `expression failed at position ${error.position ?? "?"}: ${error.message}`, {
    jsonataCode: error.code,
    position: error.position,
    token: error.token,
    cause: error,
  });
}
