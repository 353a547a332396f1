// Loads `.sql` files as text in a plain Node child (as tsup's text loader and the vitest plugin do),
// so a worker process can import @synapseops/core/postgres from source.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
export async function load(url, context, next) {
  if (!url.endsWith(".sql")) return next(url, context);
  const text = readFileSync(fileURLToPath(url), "utf8");
  return { format: "module", source: "export default " + JSON.stringify(text), shortCircuit: true };
}`)}`,
);
