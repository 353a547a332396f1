import { type BlueprintBody, NotFoundError, type Runtime } from "@synapseops/core";
import { type Explanation, explain, type OutputIssue, validateOutput } from "@synapseops/mapping";

/** What the mapping playground shows for one sample record. */
export interface MappingTestResult {
  mapping: string;
  revision: number;
  output?: unknown;
  error?: string;
  fields: Explanation["fields"];
  /** The sample against the mapping's input schema. */
  inputIssues: OutputIssue[];
  /** The output against the mapping's output schema. */
  outputIssues: OutputIssue[];
}

/**
 * Maps one sample record with a blueprint's mapping (head revision by default) and explains
 * every target field; schema problems of the sample and of the output are reported, not thrown,
 * so the console can show them beside the fields.
 */
export async function testBlueprintMapping(
  runtime: Runtime,
  blueprintId: string,
  request: { input: unknown; mapping?: string; revision?: number },
): Promise<MappingTestResult> {
  const blueprint = await runtime.blueprints.get(blueprintId);
  const revision = request.revision ?? blueprint.revision;
  const body: BlueprintBody = await runtime.blueprints.body(blueprintId, revision);
  const mapping =
    request.mapping === undefined ? body.mappings[0] : body.mappings.find((m) => m.id === request.mapping);
  if (mapping === undefined) {
    throw new NotFoundError("mapping", `${blueprintId}@${revision}/${request.mapping ?? "(first)"}`);
  }
  // The output schema is checked below, field by field, instead of failing the whole mapping.
  const { outputSchema, inputSchema, ...definition } = mapping;
  const explanation = await explain(definition, request.input);
  const rules = mapping.rules ?? [];
  return {
    mapping: mapping.id,
    revision,
    ...(explanation.output === undefined ? {} : { output: explanation.output }),
    ...(explanation.error === undefined ? {} : { error: explanation.error }),
    fields: explanation.fields,
    inputIssues: inputSchema ? validateOutput(inputSchema, request.input) : [],
    outputIssues:
      outputSchema && explanation.output !== undefined
        ? validateOutput(outputSchema, explanation.output, rules)
        : [],
  };
}
