import { DependencyMissingError, ErrorCode, SynapseError } from "../errors";

/** The part of the `bullmq` module we use. */
export interface BullmqModule {
  Queue: typeof import("bullmq").Queue;
  Worker: typeof import("bullmq").Worker;
  /** Thrown by a processor that moved its job to the delayed set itself (a deferral). */
  DelayedError: typeof import("bullmq").DelayedError;
}

/**
 * Imports the optional `bullmq` peer dependency on first use, so `@synapseops/core/bullmq` loads
 * without it. `importer` exists for tests (a missing package cannot be uninstalled mid-run).
 */
export async function loadBullmq(
  importer: () => Promise<unknown> = () => import("bullmq"),
): Promise<BullmqModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new DependencyMissingError("bullmq", "bullmqQueue({ connection })", { cause: error });
    }
    throw new SynapseError(ErrorCode.INTERNAL, `bullmq queue: could not load "bullmq": ${String(error)}`, {
      cause: error,
    });
  }
  const mod = loaded as Partial<BullmqModule> & { default?: Partial<BullmqModule> };
  const Queue = mod.Queue ?? mod.default?.Queue;
  const Worker = mod.Worker ?? mod.default?.Worker;
  const DelayedError = mod.DelayedError ?? mod.default?.DelayedError;
  if (Queue === undefined || Worker === undefined || DelayedError === undefined)
    throw new SynapseError(
      ErrorCode.INTERNAL,
      'bullmq queue: the "bullmq" module has no Queue/Worker/DelayedError export',
    );
  return { Queue, Worker, DelayedError };
}
