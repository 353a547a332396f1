import type { Runtime } from "@synapseops/core";
import type { SandboxTarget } from "./sandbox-target";

/** What route modules get: the runtime they expose and the sandbox target. */
export interface ServiceContext {
  runtime: Runtime;
  sandbox: SandboxTarget;
  /** The engines in use ("memory", "postgres+bullmq"), reported by /health. */
  engines: string;
}
