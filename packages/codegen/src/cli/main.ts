import { resolve } from "node:path";
import { SynapseError, toSynapseError } from "@synapseops/core";
import { CodegenConfigError, StaleOutputError } from "../errors";
import { generate } from "../generate";
import { builtinGenerators } from "../generators/registry";
import { CODEGEN_VERSION } from "../version";
import { parseArgs } from "./args";
import { loadConfig } from "./load-config";
import { runTestCommand } from "./test-command";

const HELP = `synapseops --version
synapseops generate [--config synapseops.config.ts] [--input <file>] [--targets a,b] [--out <dir>] [--check]
synapseops test [--config synapseops.config.ts] [--input <file>] [--env mock|<name>] [--report <file.md|.html>] [--junit <file.xml>] [--json <file>]

  --input, -i    OpenAPI document (JSON/YAML, 3.0/3.1, Swagger 2.0) or blueprint JSON/YAML
  --targets, -t  comma-separated: ${builtinGenerators.map((g) => g.name).join(", ")}
  --out, -o      output folder (default: generated)
  --config, -c   config file (default: synapseops.config.{ts,js,json} in the current folder)
  --check        do not write; exit 1 when the files in --out are stale (for CI)
  --quiet, -q    no progress lines

  test runs the golden contract suite of each document (its detected profile) in an environment
  and writes the readiness report; exit 0 when ready, 1 when not.
  --env, -e      environment from the config's environments; mock (default) needs no config
  --report, -r   readiness report: Markdown, or HTML for .html
  --junit        JUnit XML of the runs
  --json         the test runs and the report as JSON
  --project      project id the runs are recorded under (default: adhoc)
`;

/**
 * Runs the CLI; returns the exit code (0 ok or `--version`/`--help`, 1 stale with --check or not ready after `test`, 2
 * usage or input error).
 */
export async function runCli(
  argv: readonly string[],
  io: { cwd: string; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.version) {
      io.out(CODEGEN_VERSION);
      return 0;
    }
    if (args.help || args.command === undefined) {
      io.out(HELP);
      return args.help ? 0 : 2;
    }
    if (args.command !== "generate" && args.command !== "test")
      throw new CodegenConfigError(`unknown command "${args.command}"; commands: generate, test`);
    const loaded = await loadConfig(io.cwd, args.config);
    if (args.command === "test") return await runTestCommand(args, loaded, io);
    const config = loaded?.config ?? { input: "", targets: [] };
    const baseDir = loaded ? resolve(loaded.file, "..") : io.cwd;
    const input = args.input
      ? resolve(io.cwd, args.input)
      : typeof config.input === "string" && config.input
        ? resolve(baseDir, config.input)
        : config.input;
    if (input === "" || input === undefined)
      throw new CodegenConfigError("no input: pass --input <file> or set input in synapseops.config.*", {
        path: "/input",
      });
    const targets = args.targets ?? config.targets;
    if (!targets || targets.length === 0)
      throw new CodegenConfigError(
        "no targets: pass --targets openapi,sdk-ts,… or set targets in the config",
        { path: "/targets" },
      );
    const outDir = args.out ? resolve(io.cwd, args.out) : resolve(baseDir, config.outDir ?? "generated");
    const { report } = await generate({
      ...config,
      input,
      targets,
      outDir,
      check: args.check,
      baseDir,
      onProgress: args.quiet ? () => {} : (line) => io.err(`synapseops: ${line}`),
    });
    io.out(
      args.check
        ? `synapseops: ${outDir} is up to date (${report.targets.length} target(s))`
        : `synapseops: wrote ${report.written} file(s) to ${outDir} in ${report.totalMs} ms`,
    );
    return 0;
  } catch (raw) {
    const error = raw instanceof SynapseError ? raw : toSynapseError(raw);
    io.err(`synapseops: error: ${error.message}`);
    if (error instanceof StaleOutputError) {
      for (const path of error.stale) io.err(`  stale: ${path}`);
      return 1;
    }
    return 2;
  }
}
