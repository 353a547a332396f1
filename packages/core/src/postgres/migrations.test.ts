// issue 18: migrations load as plain TypeScript (no `.sql` loader); the generated module must
// match the .sql files it is made from.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { migrationsModule } from "../../scripts/generate-migrations.mjs";
import { MIGRATIONS } from "./migrate";

describe("generated migrations", () => {
  it("is fresh: regenerate with node packages/core/scripts/generate-migrations.mjs", () => {
    const current = readFileSync(new URL("./migrations/_migrations.generated.ts", import.meta.url), "utf8");
    expect(current).toBe(migrationsModule());
  });

  it("carries every .sql file, in version order, text unchanged", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) {
      const file = new URL(
        `./migrations/${String(m.version).padStart(4, "0")}_${m.name}.sql`,
        import.meta.url,
      );
      expect(m.sql).toBe(readFileSync(file, "utf8"));
    }
  });
});
