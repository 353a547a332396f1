import type { Run } from "../../model/run";
import type { RunRegistry } from "../run-registry";
import type { ActiveRun } from "./active-run";
import { type ExecutorDeps, prepareRun } from "./run-context";

/**
 * Prepares, in this process, a run kept in memory that this process is not executing (a
 * restart, another host), so one of its waiting or parked records can go on here.
 */
export async function takeOverRun(registry: RunRegistry, deps: ExecutorDeps, run: Run): Promise<ActiveRun> {
  const controller = registry.controllerFor(run.id);
  const context = await prepareRun(deps, run, controller.signal);
  const active: ActiveRun = { context, controller, counts: { ...run.counts }, done: Promise.resolve() };
  registry.setActive(run.id, active);
  return active;
}
