/**
 * Long differential-fuzzing runs (issue 17): `npm run fuzz -w @synapseops/mapping -- --cases
 * 1000000 --seed 7 --out fuzz-reproducers.json`. Prints counts by category per mode as it goes
 * and writes every minimal reproducer found to `--out`. `--max-sequence 8 --max-depth 30` run our
 * modes under small limits: both must then fail alike (one definition of what counts).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fuzz } from "../test/differential/run";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "200000" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    inputs: { type: "string", default: "20" },
    out: { type: "string", default: "fuzz-reproducers.json" },
    "max-sequence": { type: "string" },
    "max-depth": { type: "string" },
    minutes: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(`npm run fuzz -w @synapseops/mapping -- [options]
  --cases N         how many cases, each run in every mode (default 200000)
  --seed S          generator seed (default: the clock); the same seed gives the same cases
  --inputs N        inputs per generated expression (default 20)
  --out FILE        where the counts and minimal reproducers go (default fuzz-reproducers.json)
  --max-sequence N  run our modes with maxSequenceLength N (both must fail alike)
  --max-depth N     run our modes with maxDepth N
  --minutes M       stop after M minutes (the report then counts the cases run)
Exits 1 when some case disagrees outside the documented table (docs/mapping-expressions.md).`);
  process.exit(0);
}
const inputsPerExpression = Number(values.inputs);
const seed = Number(values.seed);
const started = Date.now();
let lastReport = 0;
const report = await fuzz({
  seed,
  expressions: Math.ceil(Number(values.cases) / inputsPerExpression),
  inputsPerExpression,
  maxReproducers: 200,
  stopAt: values.minutes === undefined ? undefined : started + Number(values.minutes) * 60_000,
  limits: {
    maxSequenceLength: values["max-sequence"] === undefined ? undefined : Number(values["max-sequence"]),
    maxDepth: values["max-depth"] === undefined ? undefined : Number(values["max-depth"]),
  },
  onProgress(done, counts) {
    if (Date.now() - lastReport < 30_000) return;
    lastReport = Date.now();
    console.log(`${done} cases, ${Math.round((Date.now() - started) / 1000)} s`, JSON.stringify(counts));
  },
});
writeFileSync(values.out, `${JSON.stringify({ seed, ...report }, null, 2)}\n`);
console.log(`seed ${seed}: ${report.cases} cases in ${Math.round((Date.now() - started) / 1000)} s`);
for (const [mode, counts] of Object.entries(report.counts)) {
  console.log(mode);
  for (const [category, count] of Object.entries(counts).sort()) console.log(`  ${category}: ${count}`);
}
console.log(`${report.reproducers.length} reproducers written to ${values.out}`);
process.exitCode = report.reproducers.length > 0 ? 1 : 0;
