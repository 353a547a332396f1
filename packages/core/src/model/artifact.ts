import { z } from "zod";
import { Id, Timestamp } from "./common";

/** One file of an artifact. */
export const ArtifactFile = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
});

/** A generated bundle of files for a blueprint revision. */
export const Artifact = z.object({
  id: Id,
  blueprintId: Id,
  revision: z.int().min(1),
  kind: z.string().min(1).max(100),
  files: z.array(ArtifactFile),
  /** sha256 of the bundle as a whole. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: Timestamp,
});
/** A generated bundle of files. */
export type Artifact = z.infer<typeof Artifact>;
