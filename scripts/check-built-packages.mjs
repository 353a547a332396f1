#!/usr/bin/env node
/**
 * Checks the built packages as a consumer sees them (STYLE 13). Run after `npm run build`.
 *
 * For every packages/* workspace:
 * 1. every `exports` entry resolves, from a plain Node process (no TS loader, no custom
 *    conditions, `require(esm)` disabled as on Node < 20.19), to a file under dist/, and
 *    `require()` (CJS) / `import()` (ESM) of it loads and exposes at least one export;
 * 2. the same loads still succeed with the package's optional peer dependencies hidden, which
 *    proves they are imported lazily (exceptions are listed in PEER_NEEDED_AT_LOAD);
 * 3. every bare import in dist/ JavaScript is a declared dependency, peer or Node builtin;
 * 4. the emitted `.d.ts` typecheck in a consumer project (nodenext, skipLibCheck off);
 * 5. `attw --pack --profile strict` (node10, node16 CJS and ESM, bundler) finds no problem (skip
 *    with --no-attw); ESM-only subpaths are checked with the esm-only profile;
 * 6. every `bin` runs from its node_modules/.bin link (`--help`), and `synapseops generate`
 *    works with flags alone on a document written here, and its `--check` passes on fresh output.
 * `publint --strict` runs separately: `npm run publint`.
 *
 * Usage: node scripts/check-built-packages.mjs [--no-attw] [package-dir-name…]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const runAttw = !args.includes("--no-attw");
const only = args.filter((a) => !a.startsWith("--"));

/**
 * Entries that need an optional peer at load time, and why. Anything else must load with its
 * optional peers missing, i.e. import them lazily (STYLE 4).
 */
const PEER_NEEDED_AT_LOAD = {
  "@synapseops/core/testing": { vitest: "test helpers for vitest suites; vitest is their host" },
};

/** Node flags for the plain consumer process: no inherited loaders, no require(esm). */
const plainNodeFlags = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module")
  ? ["--no-experimental-require-module"]
  : [];
const plainEnv = { ...process.env };
delete plainEnv.NODE_OPTIONS;

const failures = [];
const fail = (pkg, message) => {
  failures.push(`${pkg}: ${message}`);
  console.log(`  ✗ ${message}`);
};
const ok = (message) => console.log(`  ✓ ${message}`);

const packageDirs = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
  .map((d) => join(root, "packages", d.name))
  .filter((dir) => only.length === 0 || only.some((name) => dir.endsWith(`/${name}`)));

const tmp = join(root, "node_modules", ".cache", "check-built-packages");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
writeFileSync(join(tmp, "hide-modules.mjs"), hideModulesSource());

const allEntries = [];
for (const dir of packageDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  console.log(`\n${pkg.name} (${relative(root, dir)})`);
  const entries = collectEntries(pkg, dir);
  if (entries.length === 0) fail(pkg.name, "no JavaScript entries in exports");
  allEntries.push(...entries);

  for (const e of entries) {
    if (!existsSync(join(dir, e.target))) fail(pkg.name, `${e.specifier} (${e.format}): ${e.target} missing`);
  }

  const peers = Object.entries(pkg.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta?.optional)
    .map(([name]) => name);
  const passes = [{ hidden: [] }];
  if (peers.length > 0) passes.push({ hidden: peers });
  for (const { hidden } of passes) {
    const label = hidden.length ? ` without ${hidden.join(", ")}` : "";
    for (const r of loadEntries(dir, entries, hidden)) {
      const what = `${r.format === "cjs" ? "require" : "import"}("${r.specifier}")${label}`;
      const excused = hidden.filter((p) => PEER_NEEDED_AT_LOAD[r.specifier]?.[p]);
      if (r.error && excused.length > 0 && new RegExp(excused.join("|")).test(r.error)) {
        ok(
          `${what}: needs ${excused.join(", ")} at load (allowed: ${PEER_NEEDED_AT_LOAD[r.specifier][excused[0]]})`,
        );
      } else if (r.error) fail(pkg.name, `${what} failed: ${r.error}`);
      else if (r.resolved !== r.expected)
        fail(pkg.name, `${what} resolved to ${r.resolved}, not ${r.expected}`);
      else if (r.keys === 0) fail(pkg.name, `${what} exposes no exports`);
      else ok(`${what}: ${r.keys} exports`);
    }
  }

  for (const [name, target] of Object.entries(pkg.bin ?? {})) checkBin(pkg, dir, name, target);

  const undeclared = undeclaredImports(pkg, dir);
  if (undeclared.length) {
    for (const u of undeclared)
      fail(pkg.name, `${u.file} imports "${u.name}", not in dependencies or peerDependencies`);
  } else ok("dist imports only declared dependencies");

  if (runAttw) {
    // strict covers every resolver a consumer's tsconfig may use, node10 included (issue 18:
    // subpath types resolve there through `typesVersions`); ESM-only subpaths (no `require`
    // entry) are checked with the esm-only profile instead.
    const subpath = (e) => (e.specifier === pkg.name ? "." : `./${e.specifier.slice(pkg.name.length + 1)}`);
    const esmOnly = [...new Set(entries.map(subpath))].filter(
      (s) => !entries.some((e) => subpath(e) === s && e.format === "cjs"),
    );
    const runs = [{ profile: "strict", args: esmOnly.length ? ["--exclude-entrypoints", ...esmOnly] : [] }];
    if (esmOnly.length) runs.push({ profile: "esm-only", args: ["--entrypoints", ...esmOnly] });
    for (const { profile, args: extra } of runs) {
      const attw = run("npx", [
        "--no-install",
        "attw",
        "--pack",
        dir,
        "--profile",
        profile,
        ...extra,
        "--no-definitely-typed",
        "--format",
        "ascii",
        "--no-color",
        "--no-emoji",
      ]);
      const scope = profile === "esm-only" ? ` (${esmOnly.join(", ")})` : "";
      if (attw.status === 0) ok(`attw --pack --profile ${profile}${scope}: no problems`);
      else
        fail(
          pkg.name,
          `attw --pack --profile ${profile}${scope} reported problems:\n${indent(attw.stdout + attw.stderr)}`,
        );
    }
  }
}

console.log("\nemitted .d.ts in a consumer project (module nodenext, skipLibCheck false)");
const tsc = typecheckDeclarations(allEntries);
if (tsc.status === 0) ok(`${allEntries.length} entries typecheck`);
else fail("types", `tsc found errors:\n${indent(tsc.stdout + tsc.stderr)}`);

rmSync(tmp, { recursive: true, force: true });
if (failures.length) {
  console.log(`\n${failures.length} built-package check(s) failed:`);
  for (const f of failures) console.log(`- ${f.split("\n")[0]}`);
  process.exit(1);
}
console.log(`\nbuilt-package checks passed (${packageDirs.length} packages, ${allEntries.length} entries)`);

/** The JavaScript entries of `exports`: one per subpath and module format. */
function collectEntries(pkg, dir) {
  const entries = [];
  const exportsField = pkg.exports ?? {};
  for (const [subpath, value] of Object.entries(exportsField)) {
    if (subpath.endsWith(".json")) continue;
    const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    for (const format of ["cjs", "esm"]) {
      const target = pickTarget(value, format === "cjs" ? "require" : "import");
      if (target) entries.push({ pkgName: pkg.name, dir, specifier, format, target });
    }
  }
  return entries;
}

/** What Node picks for `condition` (plus node/default), ignoring `types` and custom conditions. */
function pickTarget(value, condition) {
  if (typeof value === "string") return value;
  if (!value || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key === condition || key === "node" || key === "default") {
      const target = pickTarget(inner, condition);
      if (target) return target;
    }
  }
  return undefined;
}

/** Loads each entry in a fresh plain Node process; `hidden` packages fail to resolve there. */
function loadEntries(dir, entries, hidden) {
  const probe = `
    import { createRequire } from "node:module";
    import { pathToFileURL, fileURLToPath } from "node:url";
    const entries = ${JSON.stringify(entries.map(({ specifier, format, target }) => ({ specifier, format, target })))};
    const require = createRequire(${JSON.stringify(join(root, "package.json"))});
    const results = [];
    for (const e of entries) {
      const r = { ...e, expected: ${JSON.stringify(dir)} + "/" + e.target.replace(/^\\.\\//, "") };
      try {
        if (e.format === "cjs") {
          r.resolved = require.resolve(e.specifier);
          r.keys = Object.keys(require(e.specifier)).length;
        } else {
          r.resolved = fileURLToPath(import.meta.resolve(e.specifier, pathToFileURL(${JSON.stringify(join(root, "package.json"))})));
          r.keys = Object.keys(await import(e.specifier)).filter((k) => k !== "default").length;
        }
      } catch (error) {
        r.error = String(error?.message ?? error).split("\\n")[0];
      }
      results.push(r);
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const flags = [...plainNodeFlags];
  if (hidden.length) flags.push("--import", join(tmp, "hide-modules.mjs"));
  const child = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", probe], {
    cwd: root,
    encoding: "utf8",
    env: { ...plainEnv, CHECK_HIDDEN_MODULES: hidden.join(",") },
  });
  try {
    return JSON.parse(child.stdout);
  } catch {
    return entries.map((e) => ({
      ...e,
      error: `probe crashed: ${child.stderr.trim().split("\n").slice(0, 5).join(" | ")}`,
    }));
  }
}

/** A preload that makes the packages in CHECK_HIDDEN_MODULES unresolvable, for ESM and CJS. */
function hideModulesSource() {
  return `
import Module, { register } from "node:module";
const hidden = (process.env.CHECK_HIDDEN_MODULES || "").split(",").filter(Boolean);
const isHidden = (s) => hidden.some((h) => s === h || s.startsWith(h + "/"));
const message = (s) => "Cannot find package '" + s + "' (hidden by check-built-packages: optional peer)";
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (isHidden(request)) throw Object.assign(new Error(message(request)), { code: "MODULE_NOT_FOUND" });
  return resolveFilename.call(this, request, ...rest);
};
register("data:text/javascript," + encodeURIComponent(\`
  const hidden = \${JSON.stringify(hidden)};
  export async function resolve(specifier, context, next) {
    if (hidden.some((h) => specifier === h || specifier.startsWith(h + "/"))) {
      throw Object.assign(new Error("Cannot find package '" + specifier + "' (hidden by check-built-packages: optional peer)"), { code: "ERR_MODULE_NOT_FOUND" });
    }
    return next(specifier, context);
  }\`));
`;
}

/** Bare imports in dist/*.js|cjs|mjs that the package does not declare. */
function undeclaredImports(pkg, dir) {
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const builtins = new Set(builtinModules);
  const distDir = join(dir, "dist");
  if (!existsSync(distDir)) return [];
  const found = [];
  // `import … from "x"` / `export … from "x"` statements, `import "x"`, `import("x")`, `require("x")`.
  const patterns = [
    /(?:^|[;}])\s*(?:import|export)\s[^"';]*?\sfrom\s*["']([^"'./][^"']*)["']/gm,
    /(?:^|[;}])\s*import\s*["']([^"'./][^"']*)["']/gm,
    /\b(?:import|require)\(\s*["']([^"'./][^"']*)["']\s*\)/g,
  ];
  for (const file of readdirSync(distDir, { recursive: true })) {
    if (!/\.(c|m)?js$/.test(file)) continue;
    // Template literals are text a generator writes out (a generated test file's imports), not
    // imports of the package itself: blank them before scanning.
    const text = readFileSync(join(distDir, file), "utf8").replace(/`(?:\\[\s\S]|[^`\\])*`/g, "``");
    for (const [, spec] of patterns.flatMap((p) => [...text.matchAll(p)])) {
      if (spec.startsWith("node:") || builtins.has(spec.split("/")[0])) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (!declared.has(name)) found.push({ file: `dist/${file}`, name });
    }
  }
  return found.filter((f, i) => found.findIndex((g) => g.file === f.file && g.name === f.name) === i);
}

/** Typechecks a consumer that imports (ESM) and requires (CJS) every entry by its public name. */
function typecheckDeclarations(entries) {
  const dts = join(tmp, "consumer");
  mkdirSync(dts, { recursive: true });
  const esm = entries.filter((e) => e.format === "esm");
  const cjs = entries.filter((e) => e.format === "cjs");
  writeFileSync(
    join(dts, "esm.mts"),
    `${esm.map((e, i) => `import * as m${i} from "${e.specifier}";`).join("\n")}\nexport const all = [${esm.map((_, i) => `m${i}`).join(", ")}];\n`,
  );
  writeFileSync(
    join(dts, "cjs.cts"),
    `${cjs.map((e, i) => `import m${i} = require("${e.specifier}");`).join("\n")}\nexport const all = [${cjs.map((_, i) => `m${i}`).join(", ")}];\n`,
  );
  writeFileSync(
    join(dts, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
        typeRoots: [join(root, "node_modules", "@types")],
      },
      files: ["esm.mts", "cjs.cts"],
    }),
  );
  return run("npx", ["--no-install", "tsc", "-p", join(dts, "tsconfig.json")]);
}

/**
 * A package's bin as a user runs it: through the `node_modules/.bin` link npm made, in plain Node.
 * `synapseops` also generates from an OpenAPI document no test has seen, with flags alone.
 */
function checkBin(pkg, dir, name, target) {
  const link = join(root, "node_modules", ".bin", name);
  if (!existsSync(join(dir, target))) return fail(pkg.name, `bin ${name}: ${target} missing`);
  if (!existsSync(link)) return fail(pkg.name, `bin ${name}: npm did not link node_modules/.bin/${name}`);
  const help = run(link, ["--help"]);
  if (help.status !== 0)
    return fail(pkg.name, `bin ${name} --help exited ${help.status}:\n${indent(help.stderr)}`);
  ok(`bin ${name} --help`);
  if (name !== "synapseops") return;
  const work = join(tmp, "bin");
  mkdirSync(work, { recursive: true });
  const input = join(work, "notes.yaml");
  writeFileSync(
    input,
    [
      "openapi: 3.1.0",
      "info: { title: Notes, version: 1.0.0 }",
      "paths:",
      "  /notes/{id}:",
      "    get:",
      "      operationId: getNote",
      "      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]",
      "      responses:",
      "        '200':",
      "          description: a note",
      "          content: { application/json: { schema: { type: object, required: [id], properties: { id: { type: string } } } } }",
      "",
    ].join("\n"),
  );
  const out = join(work, "out");
  const targets = ["openapi", "sdk-ts", "sdk-python", "postman", "tests", "bundle"];
  const generated = run(link, ["generate", "--input", input, "--targets", targets.join(","), "--out", out]);
  if (generated.status !== 0)
    return fail(
      pkg.name,
      `bin ${name} generate exited ${generated.status}:\n${indent(generated.stderr + generated.stdout)}`,
    );
  const written = readdirSync(out, { recursive: true }).length;
  if (written < targets.length) return fail(pkg.name, `bin ${name} generate wrote only ${written} files`);
  const check = run(link, [
    "generate",
    "--input",
    input,
    "--targets",
    targets.join(","),
    "--out",
    out,
    "--check",
  ]);
  if (check.status !== 0)
    return fail(pkg.name, `bin ${name} generate --check on fresh output exited ${check.status}`);
  ok(
    `bin ${name} generate --input <new document> --targets ${targets.join(",")}: ${written} files, --check passes`,
  );
}

function run(command, argv) {
  return spawnSync(command, argv, { cwd: root, encoding: "utf8", env: plainEnv });
}

function indent(text) {
  return text
    .trim()
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");
}
