#!/usr/bin/env node
/**
 * Runs one of the examples/ workspaces: `npm run example` runs examples/api-integration,
 * `npm run example -- <name> [args…]` runs examples/<name>. The example's own `start` script
 * runs it; one without a `start` script runs `src/main.ts` from source (tsx, with the
 * `@synapseops/source` condition). The example's exit code is this script's exit code.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_EXAMPLE = "api-integration";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const examplesDir = join(root, "examples");

const [name = DEFAULT_EXAMPLE, ...rest] = process.argv.slice(2);
const available = existsSync(examplesDir)
  ? readdirSync(examplesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(examplesDir, d.name, "package.json")))
      .map((d) => d.name)
      .sort()
  : [];

if (!available.includes(name)) {
  console.error(`run-example: no example "${name}" (looked for examples/${name}/package.json).`);
  console.error(
    available.length
      ? `Available examples:\n${available.map((n) => `  npm run example -- ${n}`).join("\n")}`
      : "There are no examples yet.",
  );
  process.exit(2);
}

const dir = join(examplesDir, name);
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const [command, args] = pkg.scripts?.start
  ? ["npm", ["run", "start", "--workspace", `examples/${name}`, ...(rest.length ? ["--", ...rest] : [])]]
  : [
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", join(dir, "src", "main.ts"), ...rest],
    ];
console.error(
  `run-example: ${name}: ${[command === process.execPath ? "node" : command, ...args].join(" ")}`,
);

const child = spawn(command, args, { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`run-example: could not start ${command}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    console.error(`run-example: ${name} was ended by ${signal}`);
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[signal] ?? 1));
  }
  process.exit(code ?? 1);
});
