import { ErrorCode, SynapseError, type SynapseErrorOptions, ValidationError } from "@synapseops/core";

/** A codegen configuration or input problem: an unknown target, a dependency cycle, a bad flag. */
export class CodegenConfigError extends ValidationError {
  override name = "CodegenConfigError";
}

/** `--check` found generated files that differ from the ones on disk. */
export class StaleOutputError extends SynapseError {
  override name = "StaleOutputError";
  /** Paths (relative to the output folder) that are missing, changed or extra. */
  readonly stale: string[];
  constructor(stale: string[], options: SynapseErrorOptions = {}) {
    super(
      ErrorCode.CONFLICT,
      `generated output is stale (${stale.length} file(s)): ${stale.slice(0, 5).join(", ")}${stale.length > 5 ? ", …" : ""}; run \`synapseops generate\``,
      options,
    );
    this.stale = stale;
  }
}
