import { basename, dirname, isAbsolute, resolve } from "node:path";
import { readSourceFile } from "./_source";
import { OpenApiError } from "./errors";
import { getAtPointer, parsePointer } from "./pointer";
import type { OpenApiObject } from "./types";

interface BundleState {
  files: Map<string, unknown>;
  /** Keys (`file#pointer`) being inlined right now: a key met again is a cycle. */
  stack: Set<string>;
  /** Keys hoisted into `components/schemas` because they are circular, with their local name. */
  hoisted: Map<string, string>;
  usedNames: Set<string>;
  /** Hoisted schemas by name, added to the result's `components/schemas`. */
  extra: OpenApiObject;
}

/**
 * Inlines multi-file `$ref`s (`./schemas/pet.yaml#/Pet`) into the root document. Targets that
 * refer back to themselves are hoisted into `components/schemas` and referenced locally, so the
 * result (a new object) has only local refs and keeps cycles as refs.
 */
export function bundleExternalRefs(root: OpenApiObject, baseDir: string): OpenApiObject {
  const schemas = ((root.components as OpenApiObject | undefined)?.schemas ?? {}) as OpenApiObject;
  const state: BundleState = {
    files: new Map(),
    stack: new Set(),
    hoisted: new Map(),
    usedNames: new Set(Object.keys(schemas)),
    extra: {},
  };
  const rewritten = rewrite(root, baseDir, undefined, state, "") as OpenApiObject;
  if (Object.keys(state.extra).length > 0) {
    const components = (rewritten.components ?? {}) as OpenApiObject;
    rewritten.components = components;
    components.schemas = { ...((components.schemas as OpenApiObject | undefined) ?? {}), ...state.extra };
  }
  return rewritten;
}

/** Copies `value`, replacing refs. `file` is the file the value came from (undefined: the root). */
function rewrite(
  value: unknown,
  dir: string,
  file: string | undefined,
  state: BundleState,
  at: string,
): unknown {
  if (Array.isArray(value))
    return value.map((item, index) => rewrite(item, dir, file, state, `${at}/${index}`));
  if (value === null || typeof value !== "object") return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === "string" && (file !== undefined || !ref.startsWith("#"))) {
    return inline(ref, dir, file, state, at);
  }
  const out: OpenApiObject = {};
  for (const [key, child] of Object.entries(value))
    out[key] = rewrite(child, dir, file, state, `${at}/${key}`);
  return out;
}

function inline(ref: string, dir: string, file: string | undefined, state: BundleState, at: string): unknown {
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? "" : ref.slice(hash);
  if (/^https?:\/\//i.test(filePart)) {
    throw new OpenApiError(`remote $ref "${ref}" is not fetched: download it and refer to the file`, {
      path: at,
    });
  }
  const target = filePart === "" ? file : isAbsolute(filePart) ? filePart : resolve(dir, filePart);
  if (target === undefined) return { $ref: ref };
  const key = `${target}${fragment || "#"}`;
  const hoistedName = state.hoisted.get(key);
  if (hoistedName !== undefined) return { $ref: `#/components/schemas/${hoistedName}` };
  if (state.stack.has(key)) {
    const name = uniqueName(
      state,
      fragment ? (parsePointer(fragment).at(-1) ?? "External") : basename(target),
    );
    state.hoisted.set(key, name);
    return { $ref: `#/components/schemas/${name}` };
  }
  let document = state.files.get(target);
  if (document === undefined) {
    document = readSourceFile(target).value;
    state.files.set(target, document);
  }
  const resolved = fragment ? getAtPointer(document, fragment) : document;
  if (resolved === undefined) {
    throw new OpenApiError(`$ref "${ref}" does not resolve (no ${fragment || "#"} in ${target})`, {
      path: at,
    });
  }
  state.stack.add(key);
  const content = rewrite(resolved, dirname(target), target, state, at);
  state.stack.delete(key);
  const name = state.hoisted.get(key);
  if (name === undefined) return content;
  state.extra[name] = content;
  return { $ref: `#/components/schemas/${name}` };
}

function uniqueName(state: BundleState, raw: string): string {
  const base = raw.replace(/\.(ya?ml|json)$/i, "").replace(/[^A-Za-z0-9_.-]/g, "_") || "External";
  let name = base;
  for (let n = 2; state.usedNames.has(name); n++) name = `${base}${n}`;
  state.usedNames.add(name);
  return name;
}
