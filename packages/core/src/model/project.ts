import { z } from "zod";
import { Id, Name, Timestamp } from "./common";

/** A container for one integration effort. */
export const Project = z.object({
  id: Id,
  name: Name,
  description: z.string().max(10_000).optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A container for one integration effort. */
export type Project = z.infer<typeof Project>;

/** What a caller gives to create a project. */
export const ProjectInput = Project.pick({ name: true, description: true });
/** What a caller gives to create a project. */
export type ProjectInput = z.input<typeof ProjectInput>;
