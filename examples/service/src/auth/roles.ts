import type { AuthorizeAction } from "@synapseops/core";

/** A role in a project, weakest first: each role may do what the ones before it may. */
export const ROLES = ["viewer", "editor", "approver", "admin"] as const;
/** A role in a project. */
export type Role = (typeof ROLES)[number];

/**
 * The weakest role each action needs. Reading needs `viewer`; approval needs `approver`;
 * tokens, users and archiving need `admin`. The one table the service decides from.
 */
const NEEDS: Record<AuthorizeAction, Role> = {
  "project.read": "viewer",
  "project.create": "editor",
  "project.update": "editor",
  "connector.write": "editor",
  "blueprint.create": "editor",
  "blueprint.edit": "editor",
  "blueprint.validate": "editor",
  "run.start": "editor",
  "run.cancel": "editor",
  "schedule.write": "editor",
  "deadLetter.replay": "editor",
  "blueprint.approve": "approver",
  "blueprint.archive": "admin",
  admin: "admin",
};

/** The role an action needs. */
export function roleNeeded(action: AuthorizeAction): Role {
  return NEEDS[action];
}

/** Whether `role` is at least `needed`. */
export function roleAllows(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The project every project is: a grant on it holds in all of them (the bootstrap admin's). */
export const ALL_PROJECTS = "*";

/** Grants of a principal: project id (or {@link ALL_PROJECTS}) → role. */
export type Grants = Readonly<Record<string, Role>>;

/** The role `grants` give in `projectId` (the stronger of its own and the all-projects grant). */
export function roleIn(grants: Grants, projectId: string | undefined): Role | undefined {
  const everywhere = grants[ALL_PROJECTS];
  const own = projectId === undefined ? undefined : grants[projectId];
  if (own === undefined) return everywhere;
  if (everywhere === undefined) return own;
  return ROLES.indexOf(own) >= ROLES.indexOf(everywhere) ? own : everywhere;
}
