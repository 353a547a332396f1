import type { BlueprintBody } from "../../model/blueprint";
import type { ConnectorRefVersion, OneRecordRunStore } from "../../store/types";
import { connectorSecrets, type PlanDeps } from "./bind-connector";
import { compileRunPlan, type RunPlan } from "./run-plan";

/** Plans kept at most. */
const KEPT = 256;

/**
 * Run plans kept across the runs of one blueprint revision (issue 21), so a warm one-record run
 * neither reads its connector refs nor binds its plan again. A plan is only as current as the refs
 * it was bound from, and another process may put a ref at any time: each plan carries the refs'
 * versions, read *before* the refs were bound, and the one-record start writes nothing unless the
 * store still has those versions (`OneRecordStart.connectorRefs`). A start that finds them
 * changed forgets the plan. Secrets are asked of the provider again for every run, as when the
 * plan was bound per run; a plan whose secrets changed is bound afresh.
 */
export interface PlanCache {
  /** The plan of a run without environment or connection: kept, or bound and kept. */
  plan(
    deps: PlanDeps & { store: { oneRecordRuns?: Pick<OneRecordRunStore, "connectorRefVersions"> } },
    key: { blueprintId: string; revision: number; projectId: string },
    body: BlueprintBody,
  ): Promise<RunPlan>;
  /** The ref versions a kept plan was bound at; undefined for a plan this cache does not hold. */
  versionsOf(plan: RunPlan): readonly ConnectorRefVersion[] | undefined;
  /** Drops a plan (its refs changed). */
  forget(plan: RunPlan): void;
  /**
   * Drops every plan bound from connector ref `id`: this process put or removed it, so the next
   * run binds afresh instead of finding out through a start that writes nothing.
   */
  forgetRef(id: string): void;
}

/** The connector refs a revision's steps call, each once. */
function connectorIdsOf(body: BlueprintBody): string[] {
  const ids = new Set<string>();
  for (const step of body.steps) if ("connector" in step) ids.add(step.connector);
  return [...ids];
}

/** Whether the provider still gives every bound connector of `plan` the secrets it was bound with. */
async function secretsUnchanged(deps: PlanDeps, plan: RunPlan): Promise<boolean> {
  const checked = new Set<unknown>();
  for (const step of plan.steps) {
    if (!("target" in step) || checked.has(step.target)) continue;
    checked.add(step.target);
    const { ref, connector, secrets } = step.target;
    // Nothing to ask the provider for (the common webhook target): no call at all.
    if (connector.secrets.length === 0 && Object.keys(ref.secrets).length === 0) continue;
    const now = await connectorSecrets(deps, ref, connector, undefined, `/steps/${step.index}/connector`);
    const names = Object.keys(now);
    if (names.length !== Object.keys(secrets).length || names.some((name) => now[name] !== secrets[name]))
      return false;
  }
  return true;
}

/** A {@link PlanCache} holding the `KEPT` most recently used plans. */
export function createPlanCache(): PlanCache {
  const entries = new Map<string, RunPlan>();
  const versions = new WeakMap<RunPlan, readonly ConnectorRefVersion[]>();
  return {
    async plan(deps, { blueprintId, revision, projectId }, body) {
      const id = `${blueprintId}@${revision}`;
      const kept = entries.get(id);
      if (kept !== undefined && (await secretsUnchanged(deps, kept))) {
        entries.delete(id);
        entries.set(id, kept);
        return kept;
      }
      const ids = connectorIdsOf(body);
      const read = (await deps.store.oneRecordRuns?.connectorRefVersions(ids)) ?? [];
      const plan = await compileRunPlan(deps, projectId, body, undefined);
      // A ref missing from the versions (deleted meanwhile) cannot be guarded: not kept.
      if (read.length !== ids.length || deps.store.oneRecordRuns === undefined) return plan;
      versions.set(plan, read);
      entries.set(id, plan);
      if (entries.size > KEPT) entries.delete(entries.keys().next().value!);
      return plan;
    },
    versionsOf: (plan) => versions.get(plan),
    forget(plan) {
      versions.delete(plan);
      for (const [id, kept] of entries) if (kept === plan) entries.delete(id);
    },
    forgetRef(refId) {
      for (const [id, kept] of entries) {
        if (versions.get(kept)?.some((ref) => ref.id === refId)) {
          versions.delete(kept);
          entries.delete(id);
        }
      }
    },
  };
}
