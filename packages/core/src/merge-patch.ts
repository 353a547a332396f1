import { ErrorCode, ValidationError } from "./errors";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies a JSON Merge Patch (RFC 7386) to a document and returns a new document: objects merge
 * key by key, `null` deletes a key, anything else replaces. The patch must be an object, because
 * a blueprint body is one. Keys that could reach `Object.prototype` are refused.
 *
 * @throws ValidationError `MERGE_PATCH_INVALID` with the JSON pointer of the offending key.
 */
export function applyMergePatch<T extends Record<string, unknown>>(
  target: T,
  patch: unknown,
): Record<string, unknown> {
  if (!isPlainObject(patch)) {
    throw new ValidationError(
      `a merge patch must be a JSON object, got ${patch === null ? "null" : typeof patch}`,
      {
        code: ErrorCode.MERGE_PATCH_INVALID,
        path: "",
      },
    );
  }
  return mergeObject(target, patch, "");
}

function mergeObject(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  pointer: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const at = `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (FORBIDDEN_KEYS.has(key)) {
      throw new ValidationError(`merge patch key "${key}" at ${at} is not allowed`, {
        code: ErrorCode.MERGE_PATCH_INVALID,
        path: at,
      });
    }
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value)) {
      // RFC 7386 §2: a patch object merges into an object and replaces anything else.
      const current = result[key];
      result[key] = mergeObject(isPlainObject(current) ? current : {}, value, at);
    } else if (value === undefined) {
      throw new ValidationError(`merge patch value at ${at} is undefined (not JSON)`, {
        code: ErrorCode.MERGE_PATCH_INVALID,
        path: at,
      });
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}
