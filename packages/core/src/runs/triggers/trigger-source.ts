import type { ConnectorContext } from "../../connector";
import { LifecycleError, NotFoundError } from "../../errors";
import type { Logger } from "../../logger";
import type { Environment } from "../../model/environment";
import { type BoundConnector, bindConnectorRef, type PlanDeps } from "../plan/bind-connector";
import { callCredentials, checkConnectionProject, type RunConnection } from "../plan/run-connection";

/** A blueprint's source (or trigger) connector, bound for calls. */
export interface TriggerSource {
  environment: Environment | undefined;
  source: BoundConnector;
  /** Where the connector is named in the blueprint (for errors). */
  path: string;
  /** The customer connection the source is read through. */
  connection?: RunConnection;
}

/**
 * The approved revision's source connector (`side: "source"`), or its trigger connector when it
 * has one (`side: "trigger"`, falling back to the source), bound for calls in the environment —
 * through a customer connection of the blueprint's project when one is given.
 */
export async function bindTriggerSource(
  deps: PlanDeps,
  blueprintId: string,
  environmentName: string | undefined,
  side: "source" | "trigger",
  connection?: RunConnection,
): Promise<TriggerSource> {
  const { store } = deps;
  const blueprint = await store.getBlueprint(blueprintId);
  if (blueprint === undefined) throw new NotFoundError("blueprint", blueprintId);
  if (blueprint.approvedRevision === undefined) {
    throw new LifecycleError(
      "run",
      blueprint.status,
      `blueprint "${blueprintId}" has no approved revision to run`,
      {
        path: "/status",
      },
    );
  }
  const revision = await store.getRevision(blueprintId, blueprint.approvedRevision);
  if (revision === undefined)
    throw new NotFoundError("blueprint revision", `${blueprintId}@${blueprint.approvedRevision}`);
  const environment =
    environmentName === undefined
      ? undefined
      : await store.getEnvironment(blueprint.projectId, environmentName);
  if (environmentName !== undefined && environment === undefined)
    throw new NotFoundError("environment", environmentName);
  if (connection !== undefined) await checkConnectionProject(deps, blueprint.projectId, connection);
  const trigger = side === "trigger" ? revision.body.trigger.connector : undefined;
  const path = trigger === undefined ? "/source/connector" : "/trigger/connector";
  const id = trigger ?? revision.body.source.connector;
  return {
    environment,
    source: await bindConnectorRef(deps, blueprint.projectId, id, environment, path, connection),
    path,
    ...(connection === undefined ? {} : { connection }),
  };
}

/** The context a trigger's connector calls get (a poll's read, a subscription). */
export function triggerContext(
  logger: Logger,
  trigger: TriggerSource,
  signal: AbortSignal,
): ConnectorContext {
  const credentials = callCredentials(trigger.source, trigger.connection);
  return {
    logger,
    signal,
    secrets: credentials.secrets,
    ...(credentials.connection === undefined ? {} : { connection: credentials.connection }),
    attempt: 1,
    environment: {
      name: trigger.environment?.name ?? "default",
      variables: trigger.environment?.variables ?? {},
    },
  };
}
