import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { MappingError, MappingErrorCode } from "./errors";
import type { Explanation } from "./explain";
import type { CompileExpressionOptions } from "./expression";
import { DEFAULT_LIMITS } from "./expression-options";
import type { MappingDefinition } from "./types";
import type { WorkerReply, WorkerRequest } from "./worker-protocol";

/** Options of {@link createWorkerEvaluator}. */
export interface WorkerEvaluatorOptions {
  /**
   * Worker threads kept for evaluations; more requests than this wait in a queue (their wait
   * counts against their deadline).
   * @default 2
   */
  size?: number;
  /**
   * How long past an evaluation's `timeoutMs` the worker may run before it is terminated. The
   * engine's own guards usually end an evaluation in time; this is the hard stop for when they
   * cannot (a built-in that runs long, an allocation that grows the heap).
   * @default 50
   */
  graceMs?: number;
  /**
   * Old-generation heap limit of each worker, in MiB: an evaluation that exhausts it kills its
   * worker, not the process.
   * @default 256
   */
  maxHeapMb?: number;
  /**
   * Longest a call may wait for a free (started) worker before it fails with `MAPPING_TIMEOUT`.
   * The evaluation's own deadline starts when a worker takes it.
   * @default 10000
   */
  maxQueueMs?: number;
}

/** Per-call options of {@link WorkerEvaluator.evaluate}: the compile options plus bindings. */
export interface WorkerEvaluateOptions extends CompileExpressionOptions {
  /** Variable bindings (`$rate`); they are copied to the worker, so no functions. */
  bindings?: Record<string, unknown>;
}

/**
 * Evaluates untrusted expressions in worker threads with a hard deadline: a worker still busy
 * at `timeoutMs + graceMs` is terminated (`worker.terminate()`) and replaced, and the call fails
 * with `MAPPING_TIMEOUT`. The main thread never runs the expression, so nothing it does — a
 * runaway built-in, a recursion the engine's checks miss, a heap blow-up — can block the
 * caller's event loop or take the process down.
 */
export interface WorkerEvaluator {
  /**
   * Compiles (cached per worker) and evaluates `source` against `input` in a worker.
   * @throws {MappingError} what `compileExpression` and `evaluate` throw, and `MAPPING_TIMEOUT`
   * when the hard deadline terminated the worker, `MAPPING_OUTPUT_TOO_LARGE` when the worker ran
   * out of heap, `MAPPING_ABORTED` after `close()`.
   */
  evaluate(source: string, input: unknown, options?: WorkerEvaluateOptions): Promise<unknown>;
  /**
   * Runs {@link explain} in a worker, with one hard deadline for the whole explanation.
   * @default timeoutMs 2000
   */
  explain(
    definition: MappingDefinition,
    input: unknown,
    options?: { timeoutMs?: number },
  ): Promise<Explanation>;
  /** Starts every worker and resolves once they can take work (a cold worker loads the engine first). */
  warm(): Promise<void>;
  /** Workers terminated so far by a deadline or a crash (for monitoring). */
  readonly terminated: number;
  /** Terminates every worker; pending calls fail with `MAPPING_ABORTED`. */
  close(): Promise<void>;
}

interface Job {
  request: WorkerRequest;
  resolve(value: unknown): void;
  reject(error: MappingError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  queueTimer: ReturnType<typeof setTimeout>;
  timeoutMs: number;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  job?: Job;
}

/**
 * How to start a worker: its entry file sits next to this module. In the built package that is
 * `evaluation-worker.js`. From sources (tests, `--conditions=@synapseops/source`) it is the
 * `.ts` file, which a worker cannot load by itself (`--import tsx` in a worker's `execArgv`
 * does not apply to its entry): a one-line bootstrap registers tsx in the worker, then imports it.
 */
function startWorker(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  const here = typeof __filename === "string" ? pathToFileURL(__filename).href : import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) {
    return new Worker(new URL("./evaluation-worker.js", here), { resourceLimits });
  }
  const entry = new URL("./evaluation-worker.ts", here).href;
  // tsx's ESM API (`register`), resolved from here; `require.resolve` finds its CJS twin.
  const tsx = pathToFileURL(createRequire(here).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

/**
 * Creates a pool of evaluation workers (started lazily, at most `size`). Call `close()` when
 * done; idle workers do not keep the process alive.
 *
 * @example
 * ```ts
 * import { createWorkerEvaluator } from "@synapseops/mapping";
 *
 * const sandbox = createWorkerEvaluator({ size: 2 });
 * await sandbox.evaluate("$sum(items.price)", { items: [{ price: 2 }] }, { timeoutMs: 200 }); // 2
 * await sandbox.evaluate("($f := function($n){ $f($n) }; $f(1))", {}, { timeoutMs: 200 });
 * // rejects with MappingError MAPPING_TIMEOUT (or MAPPING_DEPTH) within ~250 ms
 * await sandbox.close();
 * ```
 */
export function createWorkerEvaluator(options: WorkerEvaluatorOptions = {}): WorkerEvaluator {
  const size = Math.max(1, Math.floor(options.size ?? 2));
  const graceMs = Math.max(0, options.graceMs ?? 50);
  const maxHeapMb = options.maxHeapMb ?? 256;
  const maxQueueMs = options.maxQueueMs ?? 10_000;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let terminated = 0;
  let closed = false;

  const startSlot = (): Slot => {
    const worker = startWorker({ maxOldGenerationSizeMb: maxHeapMb });
    let markReady = (): void => undefined;
    const slot: Slot = {
      worker,
      isReady: false,
      ready: new Promise<void>((resolve) => {
        markReady = resolve;
      }),
    };
    worker.on("message", (reply: WorkerReply | "ready") => {
      if (reply === "ready") {
        slot.isReady = true;
        // Loading keeps the process alive (someone is waiting for it); an idle worker does not.
        worker.unref();
        markReady();
        pump();
        return;
      }
      const job = slot.job;
      if (job === undefined || job.request.id !== reply.id) return;
      finish(slot, job);
      if (reply.ok) job.resolve(reply.value);
      else {
        const { code, message, ...rest } = reply.error;
        job.reject(new MappingError(code, message, rest));
      }
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const job = slot.job;
      drop(slot);
      if (job === undefined) return;
      finish(slot, job);
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      job.reject(
        new MappingError(
          outOfMemory ? MappingErrorCode.OUTPUT_TOO_LARGE : MappingErrorCode.RUNTIME,
          outOfMemory
            ? `expression evaluation ran out of memory (worker heap limit ${maxHeapMb} MiB)`
            : `expression evaluation worker failed: ${error.message}`,
          { cause: error },
        ),
      );
    });
    worker.on("exit", () => {
      const job = slot.job;
      markReady();
      drop(slot);
      if (job !== undefined) {
        finish(slot, job);
        job.reject(new MappingError(MappingErrorCode.RUNTIME, "expression evaluation worker exited"));
      }
    });
    slots.push(slot);
    return slot;
  };

  /** Forgets a worker that died or was terminated; the next job starts a new one. */
  const drop = (slot: Slot): void => {
    const index = slots.indexOf(slot);
    if (index !== -1) {
      slots.splice(index, 1);
      terminated++;
    }
    pump();
  };

  const finish = (slot: Slot, job: Job): void => {
    clearTimeout(job.timer);
    slot.job = undefined;
    job.slot = undefined;
    slot.worker.unref();
    pump();
  };

  const pump = (): void => {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((candidate) => candidate.isReady && candidate.job === undefined);
      if (slot === undefined) {
        // Start workers up to `size`; the queue moves when one says it is ready.
        if (slots.length < size && !slots.some((candidate) => !candidate.isReady)) startSlot();
        return;
      }
      const job = queue.shift()!;
      clearTimeout(job.queueTimer);
      slot.job = job;
      job.slot = slot;
      job.timer = setTimeout(() => expire(job), job.timeoutMs + graceMs);
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  };

  const submit = (request: WorkerRequest, timeoutMs: number): Promise<unknown> => {
    if (closed) {
      return Promise.reject(new MappingError(MappingErrorCode.ABORTED, "the worker evaluator is closed"));
    }
    return new Promise((resolve, reject) => {
      const job: Job = {
        request,
        resolve,
        reject,
        timeoutMs,
        timer: undefined,
        queueTimer: setTimeout(() => {
          queue.splice(queue.indexOf(job), 1);
          reject(
            new MappingError(
              MappingErrorCode.TIMEOUT,
              `expression evaluation waited ${maxQueueMs} ms for a free worker`,
              { jsonataCode: "D1012" },
            ),
          );
        }, maxQueueMs),
      };
      queue.push(job);
      pump();
    });
  };

  /** The hard stop: whatever the evaluation is doing, its thread goes. */
  const expire = (job: Job): void => {
    const slot = job.slot;
    if (slot === undefined) return;
    slot.job = undefined;
    job.slot = undefined;
    drop(slot);
    void slot.worker.terminate();
    // Start its replacement now, so the next call does not pay the engine's load time.
    if (!closed && slots.length < size && !slots.some((candidate) => !candidate.isReady)) startSlot();
    job.reject(
      new MappingError(
        MappingErrorCode.TIMEOUT,
        `expression evaluation exceeded ${job.timeoutMs} ms; its worker was terminated`,
        { jsonataCode: "D1012" },
      ),
    );
  };

  return {
    evaluate(source, input, callOptions = {}) {
      const { bindings, ...compileOptions } = callOptions;
      const timeoutMs = compileOptions.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
      return submit(
        { id: nextId++, kind: "evaluate", source, input, bindings, options: compileOptions },
        timeoutMs,
      );
    },
    explain(definition, input, callOptions = {}) {
      return submit(
        { id: nextId++, kind: "explain", definition, input },
        callOptions.timeoutMs ?? 2000,
      ) as Promise<Explanation>;
    },
    async warm() {
      while (slots.length < size && !closed) startSlot();
      await Promise.all(slots.map((slot) => slot.ready));
    },
    get terminated() {
      return terminated;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        clearTimeout(job.queueTimer);
        job.reject(new MappingError(MappingErrorCode.ABORTED, "the worker evaluator was closed"));
      }
      const running = slots.splice(0);
      for (const slot of running) {
        const job = slot.job;
        slot.job = undefined;
        if (job !== undefined) {
          clearTimeout(job.timer);
          job.reject(new MappingError(MappingErrorCode.ABORTED, "the worker evaluator was closed"));
        }
      }
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}
