import type { BlueprintBodyInput, OpenApiDocument, OperationDescriptor } from "@synapseops/core";

/** One generated file. */
export interface GeneratedFile {
  /** Path relative to the output folder, with `/` separators. */
  path: string;
  contents: string | Uint8Array;
}

/** A blueprint as codegen reads it: its body plus the names it is published under. */
export interface BlueprintInput {
  /** Stable id used in paths (`/integrations/{id}/trigger`). */
  id: string;
  name: string;
  body: BlueprintBodyInput;
}

/** What a generator reads: the OpenAPI document (from a file or built from blueprints). */
export interface GeneratorContext {
  /** The normalised OpenAPI document every generator works from. */
  document: OpenApiDocument;
  /** `listOperations(document)`, computed once. */
  operations: OperationDescriptor[];
  /** The blueprints, when the input was blueprints. */
  blueprints?: BlueprintInput[];
  /** sha256 (hex) of the canonical input, for manifests and `--check`. */
  inputHash: string;
  /** Files of generators that ran earlier, by generator name (dependencies and `after`). */
  outputs: ReadonlyMap<string, readonly GeneratedFile[]>;
  /** Called with short progress lines on long work. */
  progress: (message: string) => void;
}

/**
 * A generator: one unit that turns the context into files. New targets (a language, a format)
 * are new generators; `generate()` orders them by `dependsOn`/`after` and rejects cycles.
 *
 * @example
 * ```ts
 * const readme: Generator<{ title?: string }> = {
 *   name: "readme",
 *   generate: (ctx, options) => [{ path: "README.md", contents: `# ${options.title ?? ctx.document.info.title}\n` }],
 * };
 * ```
 */
export interface Generator<Options = Record<string, unknown>, Name extends string = string> {
  /**
   * The target name used in `targets` and on the CLI. Give it as a literal type
   * (`Generator<Options, "readme">`) and `generate({ generators: [readme], targets: ["readme"] })`
   * checks the name at compile time.
   */
  name: Name;
  /** One line for `--help` and docs. */
  description: string;
  /** Generators that must run first; added to the run when not selected. */
  dependsOn?: readonly string[];
  /** Generators that, when selected, run first (ordering only). `"*"`: every other one. */
  after?: readonly string[];
  /** Folder the generator's files go under, relative to the output folder. */
  outDir: string;
  generate(context: GeneratorContext, options: Options): GeneratedFile[] | Promise<GeneratedFile[]>;
}

/** A generator of any options, as registries hold them. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds generators of different option types
export type AnyGenerator = Generator<any, string>;
