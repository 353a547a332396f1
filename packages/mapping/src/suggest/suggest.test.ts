import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  compileMapping,
  compileMappingDefinition,
  createMappingSuggester,
  type MappingSuggester,
  suggestMappings,
} from "../index";
import { overall, type PairScore, type SuggestFixture, scorePair } from "./_evaluate";

const object = (properties: Record<string, unknown>, required?: string[]): Record<string, unknown> => ({
  type: "object",
  properties,
  ...(required ? { required } : {}),
});
const string = { type: "string" };
const number = { type: "number" };

describe("suggestMappings", () => {
  it("matches names across case styles, abbreviations and synonyms", async () => {
    const { rules } = await suggestMappings(
      object({ zip: string, emailAddress: string, "line-qty": { type: "integer" }, FirstName: string }),
      object({ postal_code: string, email: string, quantity: { type: "integer" }, first_name: string }),
    );
    expect(rules).toEqual([
      { target: "postal_code", from: "zip" },
      { target: "email", from: "emailAddress" },
      { target: "quantity", from: "`line-qty`" },
      { target: "first_name", from: "FirstName" },
    ]);
  });

  it("adds converting transforms, confirmed (or ruled out) by sample values", async () => {
    const source = object({ total_price: string, created: { type: "integer" }, count: { type: "integer" } });
    const target = object({
      total: number,
      created_at: { type: "string", format: "date-time" },
      count: string,
    });
    const { rules } = await suggestMappings(source, target, {
      samples: [{ total_price: "12.50", created: 1700000000, count: 3 }],
    });
    expect(rules).toEqual([
      { target: "total", from: "total_price", transforms: ["to_float"] },
      { target: "created_at", from: "created", transforms: [{ fn: "date_parse", args: ["unix"] }] },
      { target: "count", from: "count", transforms: ["to_string"] },
    ]);
    const refused = await suggestMappings(source, target, { samples: [{ total_price: "twelve" }] });
    expect(refused.rules.find((rule) => rule.target === "total")).toBeUndefined();
  });

  it("maps arrays of objects to nested array rules and plucks arrays of scalars", async () => {
    const { rules } = await suggestMappings(
      object({
        line_items: {
          type: "array",
          items: object({ sku: string, quantity: { type: "integer" }, price: string }),
        },
        labels: { type: "array", items: object({ id: { type: "integer" }, name: string }) },
      }),
      object({
        lines: {
          type: "array",
          items: object({ sku: string, qty: { type: "integer" }, unit_price: number }),
        },
        tags: { type: "array", items: string },
      }),
    );
    expect(rules).toEqual([
      { target: "lines[].sku", from: "line_items[].sku" },
      { target: "lines[].qty", from: "line_items[].quantity" },
      { target: "lines[].unit_price", from: "line_items[].price", transforms: ["to_float"] },
      { target: "tags", from: "labels[].name" },
    ]);
  });

  it("gives every target field a confidence and a reason, and lists unmatched required fields", async () => {
    const suggestion = await suggestMappings(
      object({ zip: string }),
      object({ postal_code: string, warehouse: string }, ["warehouse"]),
    );
    expect(suggestion.unmatched).toEqual(["warehouse"]);
    const [postal, warehouse] = suggestion.fields;
    expect(postal?.confidence).toBeGreaterThan(0.8);
    expect(postal?.reason).toContain("synonym");
    expect(warehouse).toMatchObject({
      target: "warehouse",
      confidence: 0,
      reason: "no compatible source field",
    });
  });

  it("takes extra synonyms from the host", async () => {
    const source = object({ article: string });
    const target = object({ sku: string });
    expect((await suggestMappings(source, target)).rules).toEqual([]);
    expect((await suggestMappings(source, target, { synonyms: [["sku", "article"]] })).rules).toEqual([
      { target: "sku", from: "article" },
    ]);
  });

  it("lets a plugged-in suggester win where it is more confident", async () => {
    const calls: unknown[] = [];
    const model: MappingSuggester = {
      async suggest(request) {
        calls.push(request.intent);
        return {
          rules: [{ target: "warehouse", const: "MAIN" }],
          fields: [{ target: "warehouse", confidence: 0.9, reason: "every order ships from MAIN" }],
          unmatched: [],
        };
      },
    };
    const suggestion = await suggestMappings(
      object({ zip: string }),
      object({ postal_code: string, warehouse: string }, ["warehouse"]),
      {
        suggester: model,
        intent: "shop orders to the ERP",
      },
    );
    expect(calls).toEqual(["shop orders to the ERP"]);
    expect(suggestion.rules).toEqual([
      { target: "postal_code", from: "zip" },
      { target: "warehouse", const: "MAIN" },
    ]);
    expect(suggestion.unmatched).toEqual([]);
    expect(suggestion.fields[1]?.reason).toBe("suggester: every order ships from MAIN");
  });

  it("is available as a suggester object (core's port shape)", async () => {
    const suggester = createMappingSuggester();
    const suggestion = await suggester.suggest({
      sourceSchema: object({ zip: string }),
      targetSchema: object({ postal_code: string }),
    });
    expect(suggestion.rules).toEqual([{ target: "postal_code", from: "zip" }]);
  });
});

const directory = fileURLToPath(new URL("../../test/fixtures/suggest/", import.meta.url));
const fixtures = readdirSync(directory)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(`${directory}${file}`, "utf8")) as SuggestFixture);

describe("suggestions on realistic schema pairs", () => {
  it("has at least ten pairs, each with expected rules that compile", () => {
    expect(fixtures.filter((fixture) => !fixture.heldOut).length).toBeGreaterThanOrEqual(10);
    for (const fixture of fixtures) expect(() => compileMapping(fixture.expected)).not.toThrow();
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
    "%s: suggested rules compile and run on the samples",
    async (_name, fixture) => {
      const { rules } = await suggestMappings(
        fixture.source,
        fixture.target,
        fixture.samples ? { samples: fixture.samples } : {},
      );
      const mapping = compileMappingDefinition({ rules });
      for (const sample of fixture.samples ?? [])
        await expect(mapping.evaluate(sample)).resolves.toBeDefined();
    },
  );

  it("keeps precision and recall above the measured floors", async () => {
    const tuned: PairScore[] = [];
    const heldOut: PairScore[] = [];
    for (const fixture of fixtures) {
      const { rules } = await suggestMappings(
        fixture.source,
        fixture.target,
        fixture.samples ? { samples: fixture.samples } : {},
      );
      (fixture.heldOut ? heldOut : tuned).push(scorePair(fixture.name, fixture.expected, rules));
    }
    // Measured: overall 0.94 / 0.88; pairs the table was tuned on 0.99 / 0.93; held-out pairs
    // (written afterwards) 0.46 / 0.40. Floors sit a little below, so honest changes pass.
    const all = overall([...tuned, ...heldOut]);
    expect(all.precision).toBeGreaterThanOrEqual(0.9);
    expect(all.recall).toBeGreaterThanOrEqual(0.85);
    const unseen = overall(heldOut);
    expect(heldOut.length).toBeGreaterThanOrEqual(3);
    expect(unseen.precision).toBeGreaterThanOrEqual(0.4);
    expect(unseen.recall).toBeGreaterThanOrEqual(0.35);
    for (const score of tuned) expect(score.recall, score.name).toBeGreaterThanOrEqual(0.75);
  });
});
