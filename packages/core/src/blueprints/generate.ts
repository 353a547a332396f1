import type { Blueprint, BlueprintBodyInput } from "../model/blueprint";
import type { MappingSuggester, MappingSuggestion } from "../suggester";

/** One side of a generation request: a connector of the project and its records' schema. */
export interface GenerateEndpoint {
  /** Id of a ConnectorRef of the project. */
  connector: string;
  /** JSON Schema of the records. */
  schema: Record<string, unknown>;
  operation?: string;
  /** Example records, which help the suggester. */
  samples?: unknown[];
}

/** What {@link BlueprintService.generate} takes. */
export interface GenerateBlueprintInput {
  /** @default "<source connector> → <target connector>" */
  name?: string;
  source: GenerateEndpoint;
  target: GenerateEndpoint;
  /** What the integration is for, in the user's words. */
  intent?: string;
}

/** A generated DRAFT blueprint and the suggestion its mapping came from. */
export type GeneratedBlueprint = Blueprint & { suggestion: MappingSuggestion };

/** A record field that looks like a natural idempotency key. */
function guessIdempotencyKey(schema: Record<string, unknown>): string | undefined {
  const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  return properties.find((name) => name === "id") ?? properties.find((name) => /(^|_)id$|Id$/.test(name));
}

/** The body of a generated blueprint: one mapping from the suggestion, a map step and a send step. */
export async function generateBlueprintBody(
  input: GenerateBlueprintInput,
  suggester: MappingSuggester,
): Promise<{ name: string; body: BlueprintBodyInput; suggestion: MappingSuggestion }> {
  const suggestion = await suggester.suggest({
    sourceSchema: input.source.schema,
    targetSchema: input.target.schema,
    ...(input.source.samples ? { samples: input.source.samples } : {}),
    ...(input.intent ? { intent: input.intent } : {}),
  });
  const key = guessIdempotencyKey(input.source.schema);
  const endpoint = ({ connector, schema, operation }: GenerateEndpoint) => ({
    connector,
    schema,
    ...(operation ? { operation } : {}),
  });
  const body: BlueprintBodyInput = {
    ...(input.intent ? { description: input.intent } : {}),
    trigger: { kind: "api" },
    source: endpoint(input.source),
    target: endpoint(input.target),
    ...(key ? { idempotencyKey: key } : {}),
    mappings: [
      {
        id: "main",
        rules: suggestion.rules,
        inputSchema: input.source.schema,
        outputSchema: input.target.schema,
        samples: [],
      },
    ],
    steps: [
      { id: "map", kind: "map", mapping: "main" },
      {
        id: "send",
        kind: "send",
        connector: input.target.connector,
        ...(input.target.operation ? { operation: input.target.operation } : {}),
      },
    ],
  };
  return { name: input.name ?? `${input.source.connector} → ${input.target.connector}`, body, suggestion };
}
