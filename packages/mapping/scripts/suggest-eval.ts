/**
 * Measures suggestMappings against the schema pairs in test/fixtures/suggest: precision and
 * recall per pair and overall. Run: npm run suggest-eval -w @synapseops/mapping [-- --verbose]
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { overall, type PairScore, type SuggestFixture, scorePair } from "../src/suggest/_evaluate";
import { suggestMappings } from "../src/suggest/suggest";

const directory = fileURLToPath(new URL("../test/fixtures/suggest/", import.meta.url));
const verbose = process.argv.includes("--verbose");
const scores: PairScore[] = [];
const heldOut = new Set<string>();
for (const file of readdirSync(directory)
  .filter((name) => name.endsWith(".json"))
  .sort()) {
  const fixture = JSON.parse(readFileSync(`${directory}${file}`, "utf8")) as SuggestFixture;
  const suggestion = await suggestMappings(
    fixture.source,
    fixture.target,
    fixture.samples ? { samples: fixture.samples } : {},
  );
  const score = scorePair(fixture.name, fixture.expected, suggestion.rules);
  if (fixture.heldOut) heldOut.add(fixture.name);
  scores.push(score);
  console.log(
    `${fixture.name.padEnd(44)} precision ${score.precision.toFixed(2)}  recall ${score.recall.toFixed(2)}  (${score.correct}/${score.predicted} suggested, ${score.expected} expected)`,
  );
  if (verbose) {
    for (const rule of score.missed) console.log(`   missed ${JSON.stringify(rule)}`);
    for (const rule of score.wrong) console.log(`   wrong  ${JSON.stringify(rule)}`);
    if (suggestion.unmatched.length > 0)
      console.log(`   unmatched required: ${suggestion.unmatched.join(", ")}`);
  }
}
const line = (label: string, subset: PairScore[]): void => {
  const total = overall(subset);
  console.log(
    `${label.padEnd(44)} precision ${total.precision.toFixed(2)}  recall ${total.recall.toFixed(2)}  (${subset.length} pairs)`,
  );
};
line(
  "tuned pairs",
  scores.filter((score) => !heldOut.has(score.name)),
);
line(
  "held-out pairs",
  scores.filter((score) => heldOut.has(score.name)),
);
line("overall", scores);
