import { compileExpression, MappingError, testMapping } from "@synapseops/mapping";
import type { Connector } from "../connector";
import { SynapseError } from "../errors";
import { toJsonPointer } from "../json";
import { BlueprintBody } from "../model/blueprint";
import type { ConnectorRef } from "../model/connector-ref";
import type { Mapping } from "../model/mapping";
import type { Step } from "../model/step";
import { compileStoredMapping, mappingDefinition } from "./_mapping-engine";
import { ValidationIssueCode as Code, type ValidationIssue } from "./validation-report";

/** What validation checks references against. */
export interface ValidationContext {
  /** The project's connector refs. */
  connectorRefs: readonly ConnectorRef[];
  /** Connectors the runtime knows, by type; empty means types are not checked. */
  connectors: ReadonlyMap<string, Connector>;
}

/** Capabilities each step kind needs of its connector. */
const NEEDED_CAPABILITY: Partial<Record<Step["kind"], "read" | "write">> = {
  send: "write",
  lookup: "read",
  notify: "write",
};

/**
 * Validates a blueprint body: schema, references, policies, expressions, mappings and their
 * golden samples, annotations. Returns every issue found; never throws for bad content.
 */
export async function validateBlueprintBody(
  input: unknown,
  context: ValidationContext,
): Promise<ValidationIssue[]> {
  const parsed = BlueprintBody.safeParse(input);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      code: Code.SCHEMA_INVALID,
      severity: "error" as const,
      path: toJsonPointer(issue.path),
      message: issue.message,
    }));
  }
  const body = parsed.data;
  const issues: ValidationIssue[] = [];
  const refs = new Map(context.connectorRefs.map((ref) => [ref.id, ref]));

  checkConnector(body.source.connector, "/source/connector", undefined, refs, context, issues);
  checkConnector(body.target.connector, "/target/connector", undefined, refs, context, issues);
  if (body.trigger.connector !== undefined) {
    // A poll trigger reads; a queue trigger is pushed to (subscribe); a webhook needs neither.
    const needed =
      body.trigger.kind === "poll" ? "read" : body.trigger.kind === "queue" ? "subscribe" : undefined;
    checkConnector(body.trigger.connector, "/trigger/connector", needed, refs, context, issues);
  }
  if (body.idempotencyKey !== undefined) checkExpression(body.idempotencyKey, "/idempotencyKey", issues);

  const mappingIds = new Map<string, number>();
  body.mappings.forEach((mapping, index) => {
    if (mappingIds.has(mapping.id)) {
      issues.push({
        code: Code.MAPPING_ID_DUPLICATE,
        severity: "error",
        path: `/mappings/${index}/id`,
        message: `mapping id "${mapping.id}" is used twice`,
      });
    }
    mappingIds.set(mapping.id, index);
  });

  const stepIds = new Set<string>();
  const usedMappings = new Set<string>();
  body.steps.forEach((step, index) => {
    const at = `/steps/${index}`;
    if (stepIds.has(step.id)) {
      issues.push({
        code: Code.STEP_ID_DUPLICATE,
        severity: "error",
        path: `${at}/id`,
        message: `step id "${step.id}" is used twice`,
      });
    }
    stepIds.add(step.id);
    checkPolicy(step, at, issues);
    switch (step.kind) {
      case "map":
        usedMappings.add(step.mapping);
        if (!mappingIds.has(step.mapping)) {
          issues.push({
            code: Code.MAPPING_UNKNOWN,
            severity: "error",
            path: `${at}/mapping`,
            message: `step "${step.id}" uses mapping "${step.mapping}", which the blueprint does not define`,
            hint: `define it under /mappings or use one of: ${[...mappingIds.keys()].join(", ") || "(none)"}`,
          });
        }
        break;
      case "filter":
        checkExpression(step.condition, `${at}/condition`, issues);
        break;
      case "approval":
        if (step.when !== undefined) checkExpression(step.when, `${at}/when`, issues);
        break;
      case "lookup":
        if (step.request !== undefined) checkExpression(step.request, `${at}/request`, issues);
        checkConnector(step.connector, `${at}/connector`, NEEDED_CAPABILITY.lookup, refs, context, issues);
        break;
      case "send":
        if (step.payload !== undefined) checkExpression(step.payload, `${at}/payload`, issues);
        checkConnector(step.connector, `${at}/connector`, NEEDED_CAPABILITY.send, refs, context, issues);
        break;
      case "notify":
        checkExpression(step.template, `${at}/template`, issues);
        checkConnector(step.connector, `${at}/connector`, NEEDED_CAPABILITY.notify, refs, context, issues);
        break;
    }
  });

  if (!body.steps.some((step) => step.kind === "send")) {
    issues.push({
      code: Code.SEND_STEP_MISSING,
      severity: "warning",
      path: "/steps",
      message: "no step sends records anywhere",
      hint: "add a send step to the target connector",
    });
  } else if (body.idempotencyKey === undefined) {
    issues.push({
      code: Code.IDEMPOTENCY_KEY_MISSING,
      severity: "warning",
      path: "/idempotencyKey",
      message: "records have no idempotency key, so a retried or replayed record may be applied twice",
      hint: 'set idempotencyKey to a JSONata expression over the record, e.g. "id"',
    });
  }

  for (const [index, mapping] of body.mappings.entries()) {
    if (!usedMappings.has(mapping.id)) {
      issues.push({
        code: Code.MAPPING_UNUSED,
        severity: "info",
        path: `/mappings/${index}`,
        message: `mapping "${mapping.id}" is not used by any step`,
      });
    }
    issues.push(...(await checkMapping(mapping, `/mappings/${index}`)));
  }

  body.annotations.forEach((annotation, index) => {
    const at = `/annotations/${index}`;
    if (annotation.condition !== undefined) {
      checkExpression(annotation.condition, `${at}/condition`, issues, Code.ANNOTATION_CONDITION_INVALID);
    }
    const stepTarget = annotation.target.startsWith("step:") ? annotation.target.slice(5) : undefined;
    if (stepTarget !== undefined && !stepIds.has(stepTarget)) {
      issues.push({
        code: Code.ANNOTATION_TARGET_UNKNOWN,
        severity: "error",
        path: `${at}/target`,
        message: `annotation targets step "${stepTarget}", which does not exist`,
      });
    }
  });
  return issues;
}

function checkConnector(
  id: string,
  path: string,
  capability: "read" | "write" | "subscribe" | undefined,
  refs: ReadonlyMap<string, ConnectorRef>,
  context: ValidationContext,
  issues: ValidationIssue[],
): void {
  const ref = refs.get(id);
  if (ref === undefined) {
    issues.push({
      code: Code.CONNECTOR_UNKNOWN,
      severity: "error",
      path,
      message: `connector "${id}" is not a connector of this project`,
      hint: `add it with runtime.connectorRefs.create or use one of: ${[...refs.keys()].join(", ") || "(none)"}`,
    });
    return;
  }
  if (context.connectors.size === 0) return;
  const connector = context.connectors.get(ref.type);
  if (connector === undefined) {
    issues.push({
      code: Code.CONNECTOR_TYPE_UNKNOWN,
      severity: "error",
      path,
      message: `connector "${id}" has type "${ref.type}", which the runtime does not know`,
      hint: `register a connector of type "${ref.type}" in createRuntime({ connectors })`,
    });
    return;
  }
  try {
    connector.parseConfig(ref.config);
  } catch (error) {
    const detail = error instanceof SynapseError ? error.message : String(error);
    issues.push({
      code: Code.CONNECTOR_CONFIG_INVALID,
      severity: "error",
      path,
      message: `connector "${id}": ${detail}`,
    });
  }
  if (capability !== undefined && connector[capability] === undefined) {
    issues.push({
      code: Code.CONNECTOR_CAPABILITY_MISSING,
      severity: "error",
      path,
      message: `connector type "${ref.type}" cannot ${capability}, which this step needs`,
    });
  }
}

function checkPolicy(step: Step, at: string, issues: ValidationIssue[]): void {
  const retry = step.policy?.retry;
  if (retry === undefined) return;
  if (retry.initialDelayMs > retry.maxDelayMs) {
    issues.push({
      code: Code.POLICY_INVALID,
      severity: "error",
      path: `${at}/policy/retry`,
      message: `initialDelayMs (${retry.initialDelayMs}) is larger than maxDelayMs (${retry.maxDelayMs})`,
    });
  }
  const timeout = step.policy?.timeoutMs;
  if (timeout !== undefined && retry.maxAttempts * timeout > 24 * 3_600_000) {
    issues.push({
      code: Code.POLICY_INVALID,
      severity: "error",
      path: `${at}/policy`,
      message: `${retry.maxAttempts} attempts of ${timeout} ms can take more than a day`,
    });
  }
  if ((step.kind === "map" || step.kind === "filter") && retry.maxAttempts > 1) {
    issues.push({
      code: Code.POLICY_POINTLESS,
      severity: "info",
      path: `${at}/policy/retry`,
      message: `a ${step.kind} step is deterministic: its errors are not retried, so maxAttempts > 1 has no effect`,
    });
  }
}

function checkExpression(
  source: string,
  path: string,
  issues: ValidationIssue[],
  code: (typeof Code)[keyof typeof Code] = Code.EXPRESSION_INVALID,
): void {
  try {
    compileExpression(source);
  } catch (error) {
    issues.push({ code, severity: "error", path, message: describeMappingError(error) });
  }
}

async function checkMapping(mapping: Mapping, at: string): Promise<ValidationIssue[]> {
  try {
    compileStoredMapping(mapping);
  } catch (error) {
    const rulePath =
      error instanceof MappingError && error.path?.startsWith("/rules")
        ? error.path
        : mapping.rules
          ? "/rules"
          : "/expression";
    return [
      {
        code: Code.MAPPING_INVALID,
        severity: "error",
        path: `${at}${rulePath}`,
        message: describeMappingError(error),
      },
    ];
  }
  if (mapping.samples.length === 0) {
    return [
      {
        code: Code.SAMPLES_MISSING,
        severity: "warning",
        path: `${at}/samples`,
        message: `mapping "${mapping.id}" has no golden samples`,
        hint: "add { input, output } pairs so validation proves the mapping",
      },
    ];
  }
  const report = await testMapping(mappingDefinition(mapping));
  return report.samples
    .filter((sample) => !sample.passed)
    .map((sample): ValidationIssue => {
      const path = `${at}/samples/${sample.index}`;
      const label = `sample ${sample.name ?? sample.index} of mapping "${mapping.id}"`;
      if (sample.error !== undefined) {
        const where = sample.error.path ? ` at ${sample.error.path}` : "";
        return {
          code: Code.SAMPLE_FAILED,
          severity: "error",
          path,
          message: `${label} failed${where}: ${sample.error.code}: ${sample.error.message}`,
        };
      }
      const first = sample.diffs[0];
      const issue = sample.issues[0];
      const detail = first
        ? ` at ${first.pointer || "/"}: expected ${JSON.stringify(first.expected)}, got ${JSON.stringify(first.actual)}`
        : issue
          ? ` at ${issue.pointer || "/"}: ${issue.message}${issue.rule ? ` (written by ${issue.rule})` : ""}`
          : "";
      return {
        code: Code.SAMPLE_MISMATCH,
        severity: "error",
        path,
        message: `${label} differs from its expected output${detail} (${sample.diffs.length + sample.issues.length} difference(s))`,
        ...(sample.diffs.length > 1
          ? {
              hint: `also at ${sample.diffs
                .slice(1, 4)
                .map((d) => d.pointer)
                .join(", ")}`,
            }
          : {}),
      };
    });
}

function describeMappingError(error: unknown): string {
  if (error instanceof MappingError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
