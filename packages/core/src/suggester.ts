import type { MappingRule } from "./model/mapping";

/** What a suggester is asked: map records of one schema to another. */
export interface MappingSuggestionRequest {
  sourceSchema: Record<string, unknown>;
  targetSchema: Record<string, unknown>;
  /** Example source records. */
  samples?: unknown[];
  /** What the integration is for, in the user's words. */
  intent?: string;
}

/** One target field's proposal. */
export interface FieldSuggestion {
  target: string;
  confidence: number;
  reason: string;
}

/** A proposed mapping: rules, the confidence per field, and required fields left unmatched. */
export interface MappingSuggestion {
  rules: MappingRule[];
  fields: FieldSuggestion[];
  unmatched: string[];
}

/**
 * The port blueprint generation uses to propose a mapping. `@synapseops/mapping` provides the
 * real one; a host may plug in its own (a model-based one, say).
 */
export interface MappingSuggester {
  suggest(request: MappingSuggestionRequest): Promise<MappingSuggestion> | MappingSuggestion;
}

interface SchemaField {
  path: string;
  required: boolean;
}

function fieldsOf(schema: Record<string, unknown>, prefix = ""): SchemaField[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    return child.type === "object" && child.properties !== undefined
      ? fieldsOf(child, path)
      : [{ path, required: required.has(name) }];
  });
}

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");
const leaf = (path: string): string => path.slice(path.lastIndexOf(".") + 1);

/**
 * A suggester that matches fields by normalised name only (`first_name` = `firstName`), exact
 * path first, then the leaf name anywhere in the source.
 */
export function nameBasedSuggester(): MappingSuggester {
  return {
    suggest({ sourceSchema, targetSchema }) {
      const sources = fieldsOf(sourceSchema);
      const rules: MappingRule[] = [];
      const fields: FieldSuggestion[] = [];
      const unmatched: string[] = [];
      for (const target of fieldsOf(targetSchema)) {
        const byPath = sources.find((s) => normalise(s.path) === normalise(target.path));
        const byLeaf =
          byPath ?? sources.find((s) => normalise(leaf(s.path)) === normalise(leaf(target.path)));
        if (byLeaf === undefined) {
          if (target.required) unmatched.push(target.path);
          continue;
        }
        rules.push({ target: target.path, from: byLeaf.path });
        fields.push({
          target: target.path,
          confidence: byPath ? 0.9 : 0.6,
          reason: byPath ? `same name as ${byLeaf.path}` : `same field name as ${byLeaf.path}`,
        });
      }
      return { rules, fields, unmatched };
    },
  };
}
