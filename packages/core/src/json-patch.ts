import fastJsonPatch from "fast-json-patch";

/** One operation of a JSON Patch (RFC 6902). */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

/** The JSON Patch (RFC 6902) that turns `from` into `to`. */
export function diffJson(from: unknown, to: unknown): JsonPatchOperation[] {
  return fastJsonPatch.compare(from as object, to as object) as JsonPatchOperation[];
}
