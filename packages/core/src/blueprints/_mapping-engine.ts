import {
  type CompiledExpression,
  compileExpression,
  compileMapping,
  type MappingRule as EngineRule,
} from "@synapseops/mapping";
import type { Mapping } from "../model/mapping";

/**
 * The one place core turns a stored mapping into something it can evaluate, so validation and
 * the executor agree on what a mapping means.
 */
export function compileStoredMapping(mapping: Mapping): CompiledExpression {
  const source = mapping.expression ?? compileMapping((mapping.rules ?? []) as EngineRule[]);
  return compileExpression(source);
}

/** Bindings every evaluation of a mapping gets: its lookup tables as `$lookups`. */
export function mappingBindings(mapping: Mapping): Record<string, unknown> {
  return mapping.lookups === undefined ? {} : { lookups: mapping.lookups };
}
