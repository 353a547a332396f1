#!/usr/bin/env node
/**
 * Builds each package whose `dist/` is missing or was built from other sources than the ones in
 * the tree, so `npm test` can test the built packages (the `built` vitest project, issue 16)
 * on a fresh clone without a separate build step, and costs nothing when dist/ is current.
 *
 * A package's fingerprint is a hash of its src/, its package.json and tsup config, and the
 * shared build config; node_modules/.cache/ensure-built/ keeps the one dist/ was built from
 * (outside dist/, so it is never published). Packages are built
 * in dependency order, so a dependency's fresh types are there for the next one's `.d.ts`.
 *
 * Usage: node scripts/ensure-built.mjs [--force]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const force = process.argv.includes("--force");
/** Dependency order: core depends on mapping; connectors and codegen on core. */
const ORDER = ["mapping", "core", "connectors", "codegen"];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

function fingerprint(dir) {
  const hash = createHash("sha256");
  const inputs = [join(root, "tsup.shared.ts"), join(dir, "package.json"), join(dir, "tsup.config.ts")];
  for (const path of [...inputs, ...files(join(dir, "src"))]) {
    if (!existsSync(path)) continue;
    hash.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex");
}

const names = readdirSync(join(root, "packages")).filter((name) =>
  existsSync(join(root, "packages", name, "tsup.config.ts")),
);
const ordered = [...ORDER.filter((n) => names.includes(n)), ...names.filter((n) => !ORDER.includes(n))];
const stamps = join(root, "node_modules", ".cache", "ensure-built");
mkdirSync(stamps, { recursive: true });
let failed = false;
for (const name of ordered) {
  const dir = join(root, "packages", name);
  const stamp = join(stamps, `${name}.fingerprint`);
  const wanted = fingerprint(dir);
  const built = existsSync(join(dir, "dist", "index.js"));
  if (!force && built && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) {
    console.log(`ensure-built: @synapseops/${name} is current`);
    continue;
  }
  console.log(`ensure-built: building @synapseops/${name}`);
  const result = spawnSync("npm", ["run", "build", "--silent"], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`ensure-built: @synapseops/${name} failed to build (exit ${result.status})`);
    failed = true;
    break;
  }
  writeFileSync(stamp, wanted);
}
process.exit(failed ? 1 : 0);
