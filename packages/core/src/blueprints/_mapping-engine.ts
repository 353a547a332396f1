import { type CompiledMapping, compileMappingDefinition, type MappingDefinition } from "@synapseops/mapping";
import type { Mapping } from "../model/mapping";

/** A stored mapping as the mapping engine's definition (the shapes agree; core's schema keeps unknown rule keys). */
export function mappingDefinition(mapping: Mapping): MappingDefinition {
  return mapping as unknown as MappingDefinition;
}

/**
 * The one place core turns a stored mapping into something it can evaluate — rules compiled to
 * JSONata, lookups bound, output checked against the output schema — so validation and the
 * executor agree on what a mapping means.
 */
export function compileStoredMapping(mapping: Mapping): CompiledMapping {
  return compileMappingDefinition(mappingDefinition(mapping));
}
