import { LifecycleError } from "../errors";
import type { Blueprint, BlueprintStatus } from "../model/blueprint";

/** What can be done to a blueprint. */
export type BlueprintAction = "edit" | "validate" | "approve" | "archive" | "restore";

/**
 * Which actions each state allows. Edits and restores are allowed on APPROVED: they create a new
 * DRAFT revision while the approved one keeps running. ARCHIVED is final.
 */
const ALLOWED: Record<BlueprintStatus, readonly BlueprintAction[]> = {
  DRAFT: ["edit", "validate", "approve", "archive", "restore"],
  VALIDATED: ["edit", "validate", "approve", "archive", "restore"],
  APPROVED: ["edit", "validate", "approve", "archive", "restore"],
  ARCHIVED: [],
};

/** @throws LifecycleError when the blueprint's state does not allow the action. */
export function assertBlueprintAction(blueprint: Blueprint, action: BlueprintAction): void {
  if (!ALLOWED[blueprint.status].includes(action)) {
    throw new LifecycleError(
      action,
      blueprint.status,
      `cannot ${action} blueprint "${blueprint.id}": it is ${blueprint.status}${blueprint.status === "ARCHIVED" ? " (archived blueprints are read-only)" : ""}`,
      { path: "/status" },
    );
  }
}
