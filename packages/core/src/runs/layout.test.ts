// issue 20: the runs engine is split by concept; these guard the two properties the split was
// for: no import loop anywhere in core's sources (type-only imports count: a type loop tied
// record-pipeline.ts and record-keys.ts), and no file of runs/ growing back into a monolith.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const coreSrc = resolve(here, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !/\.test(-d)?\.ts$/.test(path) ? [path] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to files of `files`. */
function importsOf(file: string, files: ReadonlySet<string>): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gs)) {
    const target = resolve(dirname(file), match[1]!);
    const hit = [`${target}.ts`, join(target, "index.ts")].find((candidate) => files.has(candidate));
    if (hit !== undefined) found.push(hit);
  }
  return found;
}

function importLoops(files: readonly string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const loops: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") loops.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return loops.map((loop) => loop.map((file) => relative(coreSrc, file)));
}

describe("the runs engine's layout", () => {
  it("has no import loop in core's sources", () => {
    expect(importLoops(sources(coreSrc))).toEqual([]);
  });

  it("finds a type-only loop when there is one (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "runs-layout-"));
    try {
      writeFileSync(
        join(dir, "pipeline.ts"),
        'import { claim } from "./keys";\nexport type Context = { claim: typeof claim };\n',
      );
      writeFileSync(
        join(dir, "keys.ts"),
        'import type {\n  Context,\n} from "./pipeline";\nexport const claim = (c: Context) => c;\n',
      );
      expect(importLoops(sources(dir)).map((loop) => loop.map((file) => file.split(/[\\/]/).at(-1)))).toEqual(
        [["keys.ts", "pipeline.ts", "keys.ts"]],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps every file of runs/ under 400 lines", () => {
    const long = sources(here)
      .map((file) => ({ file: relative(here, file), lines: readFileSync(file, "utf8").split("\n").length }))
      .filter(({ lines }) => lines >= 400);
    expect(long).toEqual([]);
  });
});
