import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

/** The console's folder: plain ES modules, CSS and HTML, served as they are. */
export const CONSOLE_DIR = fileURLToPath(new URL("../../console/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Every file under the console folder, by its URL path under `/console/`. */
function consoleFiles(dir = CONSOLE_DIR, prefix = ""): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      for (const [path, file] of consoleFiles(join(dir, entry.name), `${prefix}${entry.name}/`))
        files.set(path, file);
    } else if (TYPES[extname(entry.name)] !== undefined) {
      files.set(`${prefix}${entry.name}`, {
        type: TYPES[extname(entry.name)]!,
        body: readFileSync(join(dir, entry.name)),
      });
    }
  }
  return files;
}

/**
 * Serves the console at `/console`. Files are read once at start and looked up by exact name,
 * so no request path ever reaches the file system; nothing comes from a CDN.
 */
export function consoleRoutes(app: FastifyInstance): void {
  const files = consoleFiles();
  // The console's own files are public (the login form is one); every API call it makes is not.
  const config = { access: { public: true as const } };
  app.get("/console", { config }, async (_request, reply) => reply.redirect("/console/"));
  app.get("/console/*", { config }, async (request, reply) => {
    const path = (request.params as { "*": string })["*"] || "index.html";
    const file = files.get(path);
    if (file === undefined) return reply.callNotFound();
    return (
      reply
        .type(file.type)
        // The console's own scripts only: no inline script, no other origin.
        .header("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'")
        .header("cache-control", "no-cache")
        .send(file.body)
    );
  });
}
