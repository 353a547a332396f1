import { type BlueprintBody, type MappingRule, NotFoundError, type Runtime } from "@synapseops/core";
import {
  compileMapping,
  type Explanation,
  MappingError,
  MappingErrorCode,
  type OutputIssue,
  validateOutput,
} from "@synapseops/mapping";
import { mappingSandbox, PLAYGROUND_TIMEOUT_MS } from "./mapping-sandbox";

/** Errors that mean the sample or mapping went past a limit: the request is refused (400). */
const LIMIT_CODES = new Set<string>([
  MappingErrorCode.TIMEOUT,
  MappingErrorCode.DEPTH,
  MappingErrorCode.SEQUENCE_TOO_LONG,
  MappingErrorCode.OUTPUT_TOO_LARGE,
  MappingErrorCode.REGEX_UNSAFE,
  MappingErrorCode.REGEX_UNSUPPORTED,
]);

/** What the mapping playground shows for one sample record. */
export interface MappingTestResult {
  mapping: string;
  revision: number;
  /** The JSONata the rules compile to (or the mapping's raw expression). */
  expression: string;
  output?: unknown;
  error?: string;
  fields: Explanation["fields"];
  /** The sample against the mapping's input schema. */
  inputIssues: OutputIssue[];
  /** The output against the mapping's output schema. */
  outputIssues: OutputIssue[];
}

/**
 * Maps one sample record with a blueprint's mapping (head revision by default, or unsaved `rules`
 * in its place) and explains every target field; schema problems of the sample and of the output are reported, not thrown,
 * so the console can show them beside the fields. The explanation runs in a worker thread with
 * a hard deadline (issue 16); a mapping that goes past a limit fails the request with a typed
 * `MappingError` (400 problem+json).
 */
export async function testBlueprintMapping(
  runtime: Runtime,
  blueprintId: string,
  request: { input: unknown; mapping?: string; revision?: number; rules?: MappingRule[] },
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
  const { outputSchema, inputSchema, ...stored } = mapping;
  // Unsaved rules (the visual builder) replace the stored rules or expression for this answer.
  const { expression: _stored, ...withoutExpression } = stored;
  const definition = request.rules === undefined ? stored : { ...withoutExpression, rules: request.rules };
  // Compiling first turns a bad rule into a 400 that points at it (`/rules/3/transforms/0`).
  const expression =
    definition.rules === undefined ? (definition.expression ?? "") : compileMapping(definition.rules);
  const explanation = await mappingSandbox().explain(definition, request.input, {
    timeoutMs: PLAYGROUND_TIMEOUT_MS,
  });
  if (explanation.errorCode !== undefined && LIMIT_CODES.has(explanation.errorCode)) {
    throw new MappingError(explanation.errorCode, explanation.error ?? explanation.errorCode, {
      path: `/mappings/${mapping.id}`,
    });
  }
  const rules = definition.rules ?? [];
  return {
    mapping: mapping.id,
    revision,
    expression,
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
