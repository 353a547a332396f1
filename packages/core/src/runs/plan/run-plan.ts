import { type CompiledExpression, type CompiledMapping, compileExpression } from "@synapseops/mapping";
import { compileStoredMapping } from "../../blueprints/_mapping-engine";
import type { ConnectorContext } from "../../connector";
import { ErrorCode } from "../../errors";
import type { BlueprintBody } from "../../model/blueprint";
import type { Environment } from "../../model/environment";
import type { Step } from "../../model/step";
import { type NormalisedRetryPolicy, normaliseRetryPolicy } from "../retries/retry-policy";
import {
  type BoundConnector,
  bindConnectorRef,
  type ConnectionSecretNames,
  type PlanDeps,
  RunPlanError,
} from "./bind-connector";
import type { CompileCache } from "./compile-cache";

/** What every planned step has: the step, its place, its retry policy and attempt timeout. */
interface PlannedBase<S extends Step> {
  /** The step's kind, here so that a `switch` over it narrows the planned step. */
  kind: S["kind"];
  step: S;
  index: number;
  retry: NormalisedRetryPolicy;
  timeoutMs: number | undefined;
}

/** The step of `kind` of a blueprint. */
type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** A map step with its mapping compiled: rules compiled, lookups bound, output schema checked. */
export interface PlannedMap extends PlannedBase<StepOf<"map">> {
  mapping: CompiledMapping;
}
/** A filter step with its condition compiled. */
export interface PlannedFilter extends PlannedBase<StepOf<"filter">> {
  condition: CompiledExpression;
}
/** An approval step with its `when` compiled (always asks without one). */
export interface PlannedApproval extends PlannedBase<StepOf<"approval">> {
  when: CompiledExpression | undefined;
}
/** A lookup step with its request expression compiled and its connector bound. */
export interface PlannedLookup extends PlannedBase<StepOf<"lookup">> {
  request: CompiledExpression | undefined;
  target: BoundConnector;
}
/** A send step with its payload expression compiled and its connector bound. */
export interface PlannedSend extends PlannedBase<StepOf<"send">> {
  payload: CompiledExpression | undefined;
  target: BoundConnector;
}
/** A notify step with its template compiled and its connector bound. */
export interface PlannedNotify extends PlannedBase<StepOf<"notify">> {
  template: CompiledExpression;
  target: BoundConnector;
}

/** A step with everything compiled and resolved once per run; `kind` tells which. */
export type PlannedStep =
  | PlannedMap
  | PlannedFilter
  | PlannedApproval
  | PlannedLookup
  | PlannedSend
  | PlannedNotify;

/** A planned step that calls a connector. */
export type PlannedCall = PlannedLookup | PlannedSend | PlannedNotify;

/** A blueprint revision compiled for execution. */
export interface RunPlan {
  body: BlueprintBody;
  keyExpression: CompiledExpression | undefined;
  steps: PlannedStep[];
  environment: ConnectorContext["environment"];
}

const uncached: CompileCache = {
  mapping: compileStoredMapping,
  expression: (source) => compileExpression(source),
};

const optional = (compiled: CompileCache, source: string | undefined): CompiledExpression | undefined =>
  source === undefined ? undefined : compiled.expression(source);

/**
 * Compiles a revision's expressions and binds its connectors (config parsed, secrets resolved and
 * registered for redaction), so per-record work is only evaluation and calls. With a customer
 * connection, the secret names it supplies are left to it; its credentials are not in the plan.
 */
export async function compileRunPlan(
  deps: PlanDeps,
  projectId: string,
  body: BlueprintBody,
  environment: Environment | undefined,
  connection?: ConnectionSecretNames,
): Promise<RunPlan> {
  const bound = new Map<string, BoundConnector>();
  const bind = async (id: string, path: string): Promise<BoundConnector> => {
    const cached =
      bound.get(id) ?? (await bindConnectorRef(deps, projectId, id, environment, path, connection));
    bound.set(id, cached);
    return cached;
  };
  const mappings = new Map(body.mappings.map((mapping) => [mapping.id, mapping]));
  const compiled = deps.compiled ?? uncached;
  const steps: PlannedStep[] = [];
  for (const [index, step] of body.steps.entries()) {
    const path = `/steps/${index}`;
    const base = {
      index,
      retry: normaliseRetryPolicy(step.policy?.retry),
      timeoutMs: step.policy?.timeoutMs,
    };
    switch (step.kind) {
      case "map": {
        const mapping = mappings.get(step.mapping);
        if (mapping === undefined)
          throw new RunPlanError(ErrorCode.NOT_FOUND, `mapping "${step.mapping}" is not defined`, {
            path: `${path}/mapping`,
          });
        steps.push({ ...base, kind: step.kind, step, mapping: compiled.mapping(mapping) });
        break;
      }
      case "filter":
        steps.push({ ...base, kind: step.kind, step, condition: compiled.expression(step.condition) });
        break;
      case "approval":
        steps.push({ ...base, kind: step.kind, step, when: optional(compiled, step.when) });
        break;
      case "lookup":
        steps.push({
          ...base,
          kind: step.kind,
          step,
          request: optional(compiled, step.request),
          target: await bind(step.connector, `${path}/connector`),
        });
        break;
      case "send":
        steps.push({
          ...base,
          kind: step.kind,
          step,
          payload: optional(compiled, step.payload),
          target: await bind(step.connector, `${path}/connector`),
        });
        break;
      case "notify":
        steps.push({
          ...base,
          kind: step.kind,
          step,
          template: compiled.expression(step.template),
          target: await bind(step.connector, `${path}/connector`),
        });
        break;
    }
  }
  return {
    body,
    keyExpression: body.idempotencyKey === undefined ? undefined : compiled.expression(body.idempotencyKey),
    steps,
    environment: { name: environment?.name ?? "default", variables: environment?.variables ?? {} },
  };
}
