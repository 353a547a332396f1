import type { Runtime } from "@synapseops/core";
import { MappingError, MappingErrorCode } from "@synapseops/mapping";
import { mappingSandbox } from "./mapping-sandbox";

/**
 * Hard deadline of one golden sample in the precheck. Validation then runs the samples again on
 * the event loop (core's `validate`), so this is also the longest a sample can hold the loop
 * there: short enough for /health to stay under 100 ms p99 while abusive mappings are validated,
 * long enough for a ~1 MB sample's round trip to a worker.
 */
export const SAMPLE_PRECHECK_TIMEOUT_MS = 500;

/** Limit errors: the request is refused. Others (syntax, regex) stay in the validation report. */
const LIMIT_CODES = new Set<string>([
  MappingErrorCode.TIMEOUT,
  MappingErrorCode.DEPTH,
  MappingErrorCode.SEQUENCE_TOO_LONG,
  MappingErrorCode.OUTPUT_TOO_LARGE,
]);

/**
 * Runs every golden sample of a blueprint's head revision in the evaluation workers before
 * validation (and approval) evaluate them in-process: core validates on the caller's thread, so
 * a caller's mapping that recurses or loops for its whole time limit would freeze the service
 * (issue 16). A sample past a limit fails the request with a typed `MappingError` (400
 * problem+json) pointing at the sample.
 */
export async function precheckSamples(runtime: Runtime, blueprintId: string): Promise<void> {
  const blueprint = await runtime.blueprints.get(blueprintId);
  const body = await runtime.blueprints.body(blueprintId, blueprint.revision);
  for (const mapping of body.mappings) {
    const { outputSchema, inputSchema, samples, ...definition } = mapping;
    for (const [index, sample] of samples.entries()) {
      const path = `/mappings/${mapping.id}/samples/${index}`;
      let errorCode: string | undefined;
      let message: string | undefined;
      try {
        const explanation = await mappingSandbox().explain(definition, sample.input, {
          timeoutMs: SAMPLE_PRECHECK_TIMEOUT_MS,
        });
        errorCode = explanation.errorCode;
        message = explanation.error;
      } catch (error) {
        if (!(error instanceof MappingError)) throw error;
        errorCode = error.code;
        message = error.message;
      }
      if (errorCode !== undefined && LIMIT_CODES.has(errorCode)) {
        throw new MappingError(errorCode as MappingErrorCode, `${path}: ${message ?? errorCode}`, { path });
      }
    }
  }
}
