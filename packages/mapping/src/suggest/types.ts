import type { JsonSchema, MappingRule } from "../types";

/** What a suggester is asked: map records of one schema to another. */
export interface MappingSuggestionRequest {
  sourceSchema: JsonSchema;
  targetSchema: JsonSchema;
  /** Example source records; their values confirm conversions (`"12.50"` is a number). */
  samples?: unknown[];
  /** What the integration is for, in the user's words; fields it names weigh a little more. */
  intent?: string;
}

/** One target field's proposal. */
export interface FieldSuggestion {
  /** The target path, as in rules: `order.lines[].sku`. */
  target: string;
  /** The proposed rule, when one reached the threshold. */
  rule?: MappingRule;
  /** 0–1; rules are proposed from {@link SuggestOptions.threshold} up. */
  confidence: number;
  /** Why: the names, the synonym or abbreviation used, the conversion. */
  reason: string;
  /** The next best sources, for a builder's drop-down. */
  alternatives?: { from: string; confidence: number }[];
}

/** A proposed mapping: rules, the confidence per field, and required target fields left unmatched. */
export interface MappingSuggestion {
  rules: MappingRule[];
  fields: FieldSuggestion[];
  /** Required target fields no rule writes. */
  unmatched: string[];
}

/**
 * A pluggable suggester, e.g. one backed by a model. It has the same shape as core's
 * `MappingSuggester` port, so either can be passed where the other is expected.
 */
export interface MappingSuggester {
  suggest(request: MappingSuggestionRequest): Promise<MappingSuggestion> | MappingSuggestion;
}

/** Options of {@link suggestMappings}. */
export interface SuggestOptions {
  /** Example source records. */
  samples?: unknown[];
  /** What the integration is for. */
  intent?: string;
  /**
   * Extra synonym groups, each a list of names meaning the same (`["sku", "item code"]`),
   * added to the built-in table.
   */
  synonyms?: string[][];
  /**
   * Lowest confidence for which a rule is proposed.
   * @default 0.55
   */
  threshold?: number;
  /**
   * A host's own suggester, asked after the built-in one; where it is more confident about a
   * target field its rule wins. Nothing here calls a network: that is the host's choice.
   */
  suggester?: MappingSuggester;
}
