/**
 * `npm run bench -- <suite> [more suites]`: runs `bench/<suite>.bench.ts`, each of which prints
 * JSON lines through `emit`. With no suite it lists the suites there are.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.slice(0, -".bench.ts".length));

const wanted = process.argv.slice(2);
if (wanted.length === 0) {
  process.stderr.write(`usage: npm run bench -- <suite>\nsuites: ${suites.join(", ") || "(none yet)"}\n`);
  process.exit(suites.length === 0 ? 0 : 2);
}
for (const suite of wanted) {
  if (!suites.includes(suite)) {
    process.stderr.write(`unknown bench suite "${suite}"; suites: ${suites.join(", ")}\n`);
    process.exit(2);
  }
  const module = (await import(pathToFileURL(join(here, `${suite}.bench.ts`)).href)) as {
    run: () => Promise<void>;
  };
  await module.run();
}
