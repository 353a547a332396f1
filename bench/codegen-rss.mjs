// Runs a Node CLI in this process and, at exit, writes its peak RSS (bytes) to $RSS_FILE:
// `node bench/codegen-rss.mjs <script.js> [args…]`. Used by codegen.bench.ts for every tool alike.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
process.on("exit", () => {
  if (process.env.RSS_FILE)
    writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
await import(pathToFileURL(script).href);
