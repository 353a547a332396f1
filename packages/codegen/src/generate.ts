import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { listOperations, toSynapseError } from "@synapseops/core";
import { orderGenerators } from "./_order";
import { StaleOutputError } from "./errors";
import { builtinGenerators, type TargetName } from "./generators/registry";
import { type GenerateInput, resolveInput } from "./input";
import type { AnyGenerator, GeneratedFile, GeneratorContext } from "./types";

/**
 * Options of {@link generate}. `Generators` is the list given as `generators`; `targets` is
 * typed from it and the built-in generators.
 */
export interface GenerateOptions<Generators extends readonly AnyGenerator[] = readonly AnyGenerator[]> {
  /** An OpenAPI document or blueprint(s): file path, text or object. */
  input: GenerateInput;
  /**
   * Generator names: `openapi`, `sdk-ts`, `sdk-python`, `postman`, `tests`, `mock`, `bundle`, or
   * the names of `generators`. A misspelt name fails to compile; an unknown one given at run
   * time throws a `CodegenConfigError`.
   */
  targets: readonly TargetName<Generators>[];
  /** Folder to write into (each generator under its own subfolder). Omit with `inMemory`. */
  outDir?: string;
  /**
   * Return the files without writing them.
   * @default false when `outDir` is set
   */
  inMemory?: boolean;
  /**
   * Compare with the files in `outDir` instead of writing; throws {@link StaleOutputError} when
   * any differs or is missing.
   * @default false
   */
  check?: boolean;
  /**
   * Options per generator name.
   * @example
   * ```ts
   * { "sdk-ts": { clientFactoryName: "createStripe" }, openapi: { format: "yaml" } }
   * ```
   */
  options?: { [target: string]: Record<string, unknown> | undefined };
  /** Extra generators (or replacements of built-in ones, by name). */
  generators?: Generators;
  /** Progress lines (`sdk-ts: 4 files in 812 ms`). */
  onProgress?: (line: string) => void;
  /** Folder relative input paths resolve against. @default process.cwd() */
  baseDir?: string;
}

/** What one generator did. */
export interface TargetReport {
  target: string;
  files: number;
  bytes: number;
  ms: number;
}

/** Summary of a {@link generate} call. */
export interface GenerateReport {
  input: {
    kind: "openapi" | "blueprints";
    title: string;
    version: string;
    openapi: string;
    operations: number;
    hash: string;
  };
  targets: TargetReport[];
  totalMs: number;
  /** Files written (0 in memory or with `check`). */
  written: number;
  /** With `check`: paths that differ or are missing (empty when up to date). */
  stale: string[];
}

/**
 * Runs generators over an OpenAPI document or blueprints and writes (or returns) their files.
 * Throws only SynapseErrors: a bad input is a `ValidationError` with a JSON pointer, an unknown
 * target or dependency cycle a `CodegenConfigError`, a stale `check` a `StaleOutputError`.
 *
 * @example
 * ```ts
 * const { files, report } = await generate({ input: "openapi.yaml", targets: ["sdk-ts", "postman"], outDir: "generated" });
 * ```
 */
export async function generate<const Generators extends readonly AnyGenerator[] = []>(
  options: GenerateOptions<Generators>,
): Promise<{ files: GeneratedFile[]; report: GenerateReport }> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  try {
    const registry = new Map<string, AnyGenerator>(builtinGenerators.map((g) => [g.name, g]));
    for (const generator of options.generators ?? []) registry.set(generator.name, generator);
    const ordered = orderGenerators(options.targets, registry);
    const openapiOptions = (options.options?.openapi ?? {}) as Record<string, string>;
    const resolved = resolveInput(options.input, {
      ...openapiOptions,
      ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    });
    const operations = listOperations(resolved.document);
    progress(
      `input: ${resolved.document.info.title} ${resolved.document.info.version} (OpenAPI ${resolved.document.openapi}, ${operations.length} operations)`,
    );
    const outputs = new Map<string, GeneratedFile[]>();
    const context: GeneratorContext = {
      document: resolved.document,
      operations,
      ...(resolved.blueprints ? { blueprints: resolved.blueprints } : {}),
      inputHash: resolved.inputHash,
      outputs,
      progress,
    };
    const files: GeneratedFile[] = [];
    const targets: TargetReport[] = [];
    for (const generator of ordered) {
      const t = performance.now();
      const produced = await generator.generate(context, options.options?.[generator.name] ?? {});
      const placed = produced.map((file) => ({
        path: generator.outDir ? `${generator.outDir}/${file.path}` : file.path,
        contents: file.contents,
      }));
      outputs.set(generator.name, placed);
      files.push(...placed);
      const report = {
        target: generator.name,
        files: placed.length,
        bytes: placed.reduce((n, f) => n + byteLength(f.contents), 0),
        ms: Math.round(performance.now() - t),
      };
      targets.push(report);
      progress(`${generator.name}: ${report.files} file(s), ${report.bytes} bytes in ${report.ms} ms`);
    }
    let written = 0;
    const stale: string[] = [];
    if (options.outDir && options.check) {
      for (const file of files) {
        const path = join(options.outDir, file.path);
        if (!existsSync(path) || !Buffer.from(readFileSync(path)).equals(Buffer.from(file.contents)))
          stale.push(file.path);
      }
    } else if (options.outDir && !options.inMemory) {
      for (const file of files) {
        const path = join(options.outDir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.contents);
        written++;
      }
    }
    const doc = resolved.document;
    const report: GenerateReport = {
      input: {
        kind: resolved.kind,
        title: doc.info.title,
        version: doc.info.version,
        openapi: doc.openapi,
        operations: operations.length,
        hash: resolved.inputHash,
      },
      targets,
      totalMs: Math.round(performance.now() - started),
      written,
      stale,
    };
    if (stale.length > 0) throw new StaleOutputError(stale);
    return { files, report };
  } catch (error) {
    throw toSynapseError(error);
  }
}

function byteLength(contents: string | Uint8Array): number {
  return typeof contents === "string" ? Buffer.byteLength(contents) : contents.byteLength;
}
