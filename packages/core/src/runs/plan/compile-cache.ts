import { type CompiledExpression, type CompiledMapping, compileExpression } from "@synapseops/mapping";
import { compileStoredMapping } from "../../blueprints/_mapping-engine";
import type { Mapping } from "../../model/mapping";

/**
 * Compiled mappings and expressions of a runtime, shared by its runs. Compiling a mapping and
 * generating its fast path (once hot) cost milliseconds: a worker that takes
 * every run of a blueprint, or each batch job of a run on its own, pays it once per distinct
 * source, not once per run. A compiled mapping is a pure function of its definition (lookup
 * tables included), so entries are keyed by content and never go stale.
 */
export interface CompileCache {
  mapping(mapping: Mapping): CompiledMapping;
  expression(source: string): CompiledExpression;
}

/** A {@link CompileCache} holding at most `capacity` entries, the least recently used dropped first. */
export function createCompileCache(capacity = 256): CompileCache {
  const entries = new Map<string, CompiledMapping | CompiledExpression>();
  const cached = <T extends CompiledMapping | CompiledExpression>(key: string, compile: () => T): T => {
    const found = entries.get(key);
    if (found !== undefined) {
      // Re-inserted so the Map's order stays least recently used first.
      entries.delete(key);
      entries.set(key, found);
      return found as T;
    }
    const compiled = compile();
    entries.set(key, compiled);
    if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    return compiled;
  };
  return {
    mapping: (mapping) => cached(`m${JSON.stringify(mapping)}`, () => compileStoredMapping(mapping)),
    expression: (source) => cached(`e${source}`, () => compileExpression(source)),
  };
}
