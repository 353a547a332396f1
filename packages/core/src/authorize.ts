import { ForbiddenError } from "./errors";

/**
 * What an actor asks to do. Design-time actions are decided inside the runtime (the blueprint
 * service asks before it writes); a host asks `runtime.authorize` for the others at its edge.
 */
export type AuthorizeAction =
  | "project.read"
  | "project.create"
  | "project.update"
  | "connector.write"
  | "blueprint.create"
  | "blueprint.edit"
  | "blueprint.validate"
  | "blueprint.approve"
  | "blueprint.archive"
  | "run.start"
  | "run.cancel"
  | "schedule.write"
  | "deadLetter.replay"
  | "admin";

/** What an action is done to; `projectId` is what role-per-project checks read. */
export interface AuthorizeResource {
  /** The kind of entity (`project`, `blueprint`, `run`, `deadLetter`, a host's own kind). */
  type: string;
  id?: string;
  /** The project the entity belongs to, when it belongs to one. */
  projectId?: string;
}

/**
 * The host's decision: `true` allows, `false` refuses (the runtime then throws a
 * {@link ForbiddenError}). The library stays auth-agnostic: actors are the host's strings.
 * @example
 * createRuntime({ authorize: (actor, action, resource) => roles.allows(actor, action, resource.projectId) })
 */
export type Authorize = (
  actor: string,
  action: AuthorizeAction,
  resource: AuthorizeResource,
) => boolean | Promise<boolean>;

/** The default {@link Authorize}: every actor may do everything (a host without users). */
export const allowAll: Authorize = () => true;

/** Asks `authorize` and throws a {@link ForbiddenError} naming the action when it refuses. */
export async function assertAuthorized(
  authorize: Authorize,
  actor: string,
  action: AuthorizeAction,
  resource: AuthorizeResource,
): Promise<void> {
  if (await authorize(actor, action, resource)) return;
  const target = resource.id === undefined ? resource.type : `${resource.type} "${resource.id}"`;
  throw new ForbiddenError(`"${actor}" may not ${action} on ${target}`, { action, resource });
}
