/** Codes of validation issues; stable, so hosts and UIs can key on them. */
export const ValidationIssueCode = {
  SCHEMA_INVALID: "SCHEMA_INVALID",
  STEP_ID_DUPLICATE: "STEP_ID_DUPLICATE",
  MAPPING_ID_DUPLICATE: "MAPPING_ID_DUPLICATE",
  MAPPING_UNKNOWN: "MAPPING_UNKNOWN",
  MAPPING_UNUSED: "MAPPING_UNUSED",
  MAPPING_INVALID: "MAPPING_INVALID",
  EXPRESSION_INVALID: "EXPRESSION_INVALID",
  SAMPLE_MISMATCH: "SAMPLE_MISMATCH",
  SAMPLE_FAILED: "SAMPLE_FAILED",
  SAMPLES_MISSING: "SAMPLES_MISSING",
  CONNECTOR_UNKNOWN: "CONNECTOR_UNKNOWN",
  CONNECTOR_TYPE_UNKNOWN: "CONNECTOR_TYPE_UNKNOWN",
  CONNECTOR_CONFIG_INVALID: "CONNECTOR_CONFIG_INVALID",
  CONNECTOR_CAPABILITY_MISSING: "CONNECTOR_CAPABILITY_MISSING",
  POLICY_INVALID: "POLICY_INVALID",
  POLICY_POINTLESS: "POLICY_POINTLESS",
  ANNOTATION_CONDITION_INVALID: "ANNOTATION_CONDITION_INVALID",
  ANNOTATION_TARGET_UNKNOWN: "ANNOTATION_TARGET_UNKNOWN",
  SEND_STEP_MISSING: "SEND_STEP_MISSING",
  IDEMPOTENCY_KEY_MISSING: "IDEMPOTENCY_KEY_MISSING",
} as const;

/** One of the values of {@link ValidationIssueCode}. */
export type ValidationIssueCode = (typeof ValidationIssueCode)[keyof typeof ValidationIssueCode];

/** How bad an issue is: only errors block approval. */
export type ValidationSeverity = "error" | "warning" | "info";

/** One finding of blueprint validation. */
export interface ValidationIssue {
  code: ValidationIssueCode;
  severity: ValidationSeverity;
  /** JSON pointer into the blueprint body, e.g. `/steps/2/policy/retry`. */
  path: string;
  message: string;
  /** What to do about it. */
  hint?: string;
}

/** The result of validating one blueprint revision. */
export interface ValidationReport {
  /** True when no issue is an error. */
  ok: boolean;
  blueprintId?: string;
  revision?: number;
  contentHash?: string;
  issues: ValidationIssue[];
  /** Counts by severity. */
  summary: Record<ValidationSeverity, number>;
}

/** A report from a list of issues. */
export function reportOf(
  issues: ValidationIssue[],
  about: Pick<ValidationReport, "blueprintId" | "revision" | "contentHash"> = {},
): ValidationReport {
  const summary = { error: 0, warning: 0, info: 0 };
  for (const issue of issues) summary[issue.severity] += 1;
  return { ok: summary.error === 0, ...about, issues, summary };
}
