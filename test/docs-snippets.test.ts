/**
 * Every TypeScript code block of the docs and READMEs compiles under `strict` against the current
 * API (issue 18). Blocks are written to a temporary folder inside the repository, so workspace
 * packages resolve to their sources, and checked in one program. A block opts out only with a
 * visible marker on the line before it, reason required:
 *
 *     <!-- snippet: skip — shows a fragment of a config file -->
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..");
const FENCE = /^```(ts|typescript)\s*$/;
const SKIP = /^<!--\s*snippet:\s*skip\b(.*?)-->\s*$/;

interface Block {
  file: string;
  /** 1-based line of the first line of code. */
  line: number;
  code: string;
  skip?: string;
}

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "api" ? [] : walk(path);
      return name.endsWith(".md") ? [path] : [];
    });
  const readmes = (dir: string): string[] =>
    readdirSync(join(root, dir))
      .map((name) => join(root, dir, name, "README.md"))
      .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
  return [
    ...walk(join(root, "docs")),
    join(root, "README.md"),
    ...readmes("packages"),
    ...readmes("examples"),
  ];
}

function extract(file: string): Block[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let previous = i - 1;
    while (previous >= 0 && lines[previous]!.trim() === "") previous--;
    const marker = previous >= 0 ? SKIP.exec(lines[previous]!.trim()) : null;
    const block: Block = {
      file: relative(root, file),
      line: start + 1,
      code: lines.slice(start, end).join("\n"),
    };
    if (marker) block.skip = marker[1]!.replace(/^\s*[—–-]+\s*/, "").trim();
    blocks.push(block);
    i = end;
  }
  return blocks;
}

const blocks = markdownFiles().flatMap(extract);
const checked = blocks.filter((block) => block.skip === undefined);
const tempDir = join(root, `.docs-snippets-${process.pid}`);
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe("docs code blocks", () => {
  it("every skip marker gives a reason", () => {
    const bare = blocks.filter((block) => block.skip !== undefined && block.skip.length < 3);
    expect(bare.map((block) => `${block.file}:${block.line}`)).toEqual([]);
  });

  it("every TypeScript block compiles under strict against the current API", () => {
    mkdirSync(tempDir, { recursive: true });
    const byPath = new Map<string, Block>();
    checked.forEach((block, index) => {
      const name = `${block.file.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}_${index}.ts`;
      const path = join(tempDir, name);
      // Each block is its own module (names do not collide; top-level await works).
      writeFileSync(path, `${block.code}\nexport {};\n`);
      byPath.set(path, block);
    });
    const base = ts.getParsedCommandLineOfConfigFile(
      join(root, "tsconfig.base.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        },
      },
    );
    const options: ts.CompilerOptions = {
      ...base!.options,
      strict: true,
      noEmit: true,
      declaration: false,
      sourceMap: false,
      // Snippets declare what they show; unused names are not a mistake in a doc.
      noUnusedLocals: false,
      noUnusedParameters: false,
    };
    const started = performance.now();
    const program = ts.createProgram([...byPath.keys()], options);
    const failures: string[] = [];
    const failingBlocks = new Set<Block>();
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const block = diagnostic.file ? byPath.get(diagnostic.file.fileName) : undefined;
      if (block === undefined) {
        // An error outside the snippets (a library's types): still a failure, but named as such.
        failures.push(`(outside the docs) ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
        continue;
      }
      failingBlocks.add(block);
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      failures.push(
        `${block.file}:${block.line + line} TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`,
      );
    }
    process.stdout.write(
      `[figure] docs snippets: ${blocks.length} TypeScript blocks, ${checked.length} checked, ${blocks.length - checked.length} skipped with a reason, ${failures.length} errors in ${failingBlocks.size} failing blocks, ${Math.round(performance.now() - started)} ms\n`,
    );
    expect(failures).toEqual([]);
  }, 300_000);
});
