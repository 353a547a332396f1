import { z } from "zod";
import { Id, Name, Timestamp } from "./common";

/** A configured connector instance inside a project. */
export const ConnectorRef = z.object({
  id: Id,
  projectId: Id,
  /** The connector type (`http`, `postgres`, a plugin's name…). */
  type: z.string().regex(/^[a-z][a-z0-9._-]{0,62}$/, "a connector type such as http or my-crm"),
  name: Name,
  /** Validated by the connector's own schema when the runtime knows the type. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Logical secret name → the key the SecretProvider resolves. */
  secrets: z.record(z.string(), z.string().min(1)).default({}),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A configured connector instance inside a project. */
export type ConnectorRef = z.infer<typeof ConnectorRef>;

/** What a caller gives to add a connector to a project. */
export const ConnectorRefInput = ConnectorRef.omit({
  projectId: true,
  createdAt: true,
  updatedAt: true,
}).extend({
  id: Id.optional(),
});
/** What a caller gives to add a connector to a project. */
export type ConnectorRefInput = z.input<typeof ConnectorRefInput>;
