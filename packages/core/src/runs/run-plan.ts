import { type CompiledExpression, type CompiledMapping, compileExpression } from "@synapseops/mapping";
import { compileStoredMapping } from "../blueprints/_mapping-engine";
import type { Connector, ConnectorContext } from "../connector";
import { ErrorCode, SynapseError } from "../errors";
import type { BlueprintBody } from "../model/blueprint";
import type { ConnectorRef } from "../model/connector-ref";
import type { Environment } from "../model/environment";
import type { Step } from "../model/step";
import type { SecretProvider } from "../secret-provider";
import type { Store } from "../store/types";
import type { CompileCache } from "./compile-cache";
import type { Redactor } from "./redactor";
import { type NormalisedRetryPolicy, normaliseRetryPolicy } from "./retry-policy";

/** A connector ready to call: its type's implementation, the ref's parsed config, its secrets. */
export interface BoundConnector {
  ref: ConnectorRef;
  connector: Connector;
  config: unknown;
  secrets: Readonly<Record<string, string>>;
}

/** A step with everything compiled and resolved once per run. */
export interface PlannedStep {
  step: Step;
  index: number;
  retry: NormalisedRetryPolicy;
  timeoutMs: number | undefined;
  /** The step's expression: filter condition, payload, lookup request, template, approval `when`. */
  expression?: CompiledExpression;
  /** The mapping of a map step: rules compiled, lookups bound, output schema checked. */
  mapping?: CompiledMapping;
  target?: BoundConnector;
}

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

/** Why a run could not start: a broken reference or a missing secret, found before any record. */
export class RunPlanError extends SynapseError {
  override name = "RunPlanError";
}

/** Everything plan compilation needs. */
export interface PlanDeps {
  store: Store;
  connectors: ReadonlyMap<string, Connector>;
  secrets: SecretProvider | undefined;
  redactor: Redactor;
  /** Where compiled mappings and expressions are kept across runs; compiled afresh without one. */
  compiled?: CompileCache;
}

/**
 * Compiles a revision's expressions and binds its connectors (config parsed, secrets resolved and
 * registered for redaction), so per-record work is only evaluation and calls.
 */
export async function compileRunPlan(
  deps: PlanDeps,
  projectId: string,
  body: BlueprintBody,
  environment: Environment | undefined,
): Promise<RunPlan> {
  const bound = new Map<string, BoundConnector>();
  const bind = async (id: string, path: string): Promise<BoundConnector> => {
    const cached = bound.get(id) ?? (await bindConnectorRef(deps, projectId, id, environment, path));
    bound.set(id, cached);
    return cached;
  };
  const mappings = new Map(body.mappings.map((mapping) => [mapping.id, mapping]));
  const compiled = deps.compiled ?? uncached;
  const steps: PlannedStep[] = [];
  for (const [index, step] of body.steps.entries()) {
    const path = `/steps/${index}`;
    const planned: PlannedStep = {
      step,
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
        planned.mapping = compiled.mapping(mapping);
        break;
      }
      case "filter":
        planned.expression = compiled.expression(step.condition);
        break;
      case "approval":
        if (step.when !== undefined) planned.expression = compiled.expression(step.when);
        break;
      case "lookup":
        if (step.request !== undefined) planned.expression = compiled.expression(step.request);
        planned.target = await bind(step.connector, `${path}/connector`);
        break;
      case "send":
        if (step.payload !== undefined) planned.expression = compiled.expression(step.payload);
        planned.target = await bind(step.connector, `${path}/connector`);
        break;
      case "notify":
        planned.expression = compiled.expression(step.template);
        planned.target = await bind(step.connector, `${path}/connector`);
        break;
    }
    steps.push(planned);
  }
  return {
    body,
    keyExpression: body.idempotencyKey === undefined ? undefined : compiled.expression(body.idempotencyKey),
    steps,
    environment: { name: environment?.name ?? "default", variables: environment?.variables ?? {} },
  };
}

/**
 * Resolves a connector ref of the project for calls: its type's implementation, its parsed config
 * and its secrets (environment secrets first, the ref's own over them), registered for redaction.
 */
export async function bindConnectorRef(
  deps: PlanDeps,
  projectId: string,
  id: string,
  environment: Environment | undefined,
  path: string,
): Promise<BoundConnector> {
  const ref = await deps.store.getConnectorRef(id);
  if (ref === undefined || ref.projectId !== projectId) {
    throw new RunPlanError(ErrorCode.NOT_FOUND, `connector "${id}" is not a connector of the project`, {
      path,
    });
  }
  const connector = deps.connectors.get(ref.type);
  if (connector === undefined) {
    throw new RunPlanError(
      ErrorCode.CONNECTOR_INVALID,
      `connector "${id}" has type "${ref.type}", which the runtime does not know`,
      { path },
    );
  }
  const config = connector.parseConfig(ref.config);
  const secrets = await resolveSecrets(
    deps,
    { ...environment?.secrets, ...ref.secrets },
    connector.secrets,
    environment?.name,
    path,
  );
  return { ref, connector, config, secrets };
}

async function resolveSecrets(
  deps: PlanDeps,
  refs: Record<string, string>,
  needed: readonly string[],
  environment: string | undefined,
  path: string,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const name of new Set([...Object.keys(refs), ...needed])) {
    const key = refs[name] ?? name;
    const value =
      deps.secrets === undefined
        ? undefined
        : await deps.secrets.get(key, environment === undefined ? {} : { environment });
    if (value === undefined) {
      if (needed.includes(name)) {
        throw new RunPlanError(
          ErrorCode.SECRET_MISSING,
          `secret "${name}" (key "${key}") is not available from the secret provider`,
          { path },
        );
      }
      continue;
    }
    deps.redactor.addSecret(value);
    resolved[name] = value;
  }
  return resolved;
}
