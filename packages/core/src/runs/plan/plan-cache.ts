import type { BlueprintBody } from "../../model/blueprint";
import type { ConnectorRef } from "../../model/connector-ref";
import type { PlanDeps } from "./bind-connector";
import { compileRunPlan, type RunPlan } from "./run-plan";

/** Plans kept at most. */
const KEPT = 256;

/** A plan kept with what its connector refs were when it was bound. */
interface KeptPlan {
  plan: RunPlan;
  /** Each bound ref's id and the content its binding came from (see `boundFrom`). */
  refs: readonly { id: string; boundFrom: string }[];
}

/**
 * Run plans of this runtime, per blueprint revision (issue 21): a warm single-record run reuses
 * the plan instead of binding its connectors again (config parsed, expressions looked up, steps
 * built). A revision never changes, but a connector ref may: each use reads the plan's refs and
 * takes the kept plan only when every ref is as it was bound — an update, a deletion or a move
 * to another project makes the plan afresh. Only plans that resolved no secret are kept (a
 * secret provider may rotate a value; it is asked on every bind), and only without an
 * environment or a customer connection (prepareRun binds those plans each time).
 */
export interface PlanCache {
  /** The revision's plan: the kept one when its refs are unchanged, else compiled (and kept). */
  plan(deps: PlanDeps, projectId: string, revisionId: string, body: BlueprintBody): Promise<RunPlan>;
}

/** A {@link PlanCache} holding the `KEPT` most recently used plans. */
export function createPlanCache(): PlanCache {
  const entries = new Map<string, KeptPlan>();
  return {
    async plan(deps, projectId, revisionId, body) {
      const id = `${projectId}\u0000${revisionId}`;
      const kept = entries.get(id);
      if (kept !== undefined && (await refsUnchanged(deps, kept))) {
        entries.delete(id);
        entries.set(id, kept);
        return kept.plan;
      }
      const plan = await compileRunPlan(deps, projectId, body, undefined);
      const refs = keepableRefs(plan);
      if (refs === undefined) entries.delete(id);
      else {
        entries.delete(id);
        entries.set(id, { plan, refs });
        if (entries.size > KEPT) entries.delete(entries.keys().next().value!);
      }
      return plan;
    },
  };
}

/** What binding a ref depends on: its project, type, config and secret names. */
const boundFrom = (ref: ConnectorRef): string =>
  JSON.stringify([ref.projectId, ref.type, ref.config, ref.secrets]);

/** The plan's bound refs, or undefined when a binding resolved (or asked for) a secret. */
function keepableRefs(plan: RunPlan): KeptPlan["refs"] | undefined {
  const refs = new Map<string, string>();
  for (const step of plan.steps) {
    if (!("target" in step)) continue;
    const { ref, connector } = step.target;
    if (Object.keys(ref.secrets).length > 0 || connector.secrets.length > 0) return undefined;
    refs.set(ref.id, boundFrom(ref));
  }
  return [...refs].map(([id, from]) => ({ id, boundFrom: from }));
}

async function refsUnchanged(deps: PlanDeps, kept: KeptPlan): Promise<boolean> {
  for (const { id, boundFrom: from } of kept.refs) {
    const ref = await deps.store.getConnectorRef(id);
    if (ref === undefined || boundFrom(ref) !== from) return false;
  }
  return true;
}
