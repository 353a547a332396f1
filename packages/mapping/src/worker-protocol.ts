import type { MappingErrorCode } from "./errors";
import type { CompileExpressionOptions } from "./expression";

/** What the main thread asks an evaluation worker to do. */
export type WorkerRequest =
  | {
      id: number;
      kind: "evaluate";
      source: string;
      input: unknown;
      bindings?: Record<string, unknown>;
      options: CompileExpressionOptions;
    }
  | { id: number; kind: "explain"; definition: unknown; input: unknown };

/** What an evaluation worker answers: the value, or a `MappingError`'s fields. */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error: {
        code: MappingErrorCode;
        message: string;
        path?: string;
        jsonataCode?: string;
        position?: number;
        token?: string;
      };
    };
