import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { libraryFunctions } from "../index";
import { renderFunctionReference } from "./reference";

describe("docs/mapping-functions.md", () => {
  it("is the generated reference of the current library", () => {
    const path = fileURLToPath(new URL("../../../../docs/mapping-functions.md", import.meta.url));
    expect(readFileSync(path, "utf8")).toBe(renderFunctionReference(libraryFunctions));
  });

  it("documents every function with its examples", () => {
    const page = renderFunctionReference(libraryFunctions);
    expect(page.startsWith("<!-- generated — do not edit")).toBe(true);
    for (const fn of libraryFunctions) {
      expect(page).toContain(`## ${fn.name}\n`);
      for (const example of fn.examples) expect(page).toContain(example.expr);
    }
  });
});
