// Loads `.sql` migration files as text under plain Node (tsup's `text` loader does it in builds,
// the vitest plugin in tests): registered by crash-test-register.mjs for the crash test.
import { readFile } from "node:fs/promises";

export async function load(url, context, next) {
  if (!url.endsWith(".sql")) return next(url, context);
  const text = await readFile(new URL(url), "utf8");
  return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
