import { z } from "zod";
import { Id, Timestamp } from "./common";

/** The kinds of place a project's connectors can point at. */
export const EnvironmentKind = z.enum(["mock", "sandbox", "uat", "production", "custom"]);
/** The kinds of place a project's connectors can point at. */
export type EnvironmentKind = z.infer<typeof EnvironmentKind>;

/** Where a project's connectors point (mock, sandbox, UAT, production). */
export const Environment = z.object({
  projectId: Id,
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, "lower-case letters, digits, '-' and '_', starting with a letter"),
  kind: EnvironmentKind.default("custom"),
  baseUrl: z.url().optional(),
  /** Plain configuration values, visible in logs. */
  variables: z.record(z.string(), z.string()).default({}),
  /** Logical secret name → the key the host's SecretProvider resolves. Values never stored. */
  secrets: z.record(z.string(), z.string().min(1)).default({}),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** Where a project's connectors point (mock, sandbox, UAT, production). */
export type Environment = z.infer<typeof Environment>;

/** What a caller gives to create or replace an environment. */
export const EnvironmentInput = Environment.omit({ projectId: true, createdAt: true, updatedAt: true });
/** What a caller gives to create or replace an environment. */
export type EnvironmentInput = z.input<typeof EnvironmentInput>;
