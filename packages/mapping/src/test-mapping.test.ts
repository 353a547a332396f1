import { describe, expect, it } from "vitest";
import { type MappingDefinition, testMapping } from "./index";

const mapping: MappingDefinition = {
  rules: [
    { target: "total", from: "amount", transforms: ["to_float"] },
    { target: "lines[].sku", from: "items[].sku", transforms: ["upper"] },
  ],
  outputSchema: { type: "object", properties: { total: { type: "number", minimum: 0 } } },
  samples: [
    {
      name: "ok",
      input: { amount: "12.50", items: [{ sku: "a" }] },
      output: { total: 12.5, lines: [{ sku: "A" }] },
    },
    {
      name: "wrong",
      input: { amount: "3", items: [{ sku: "b" }, { sku: "c" }] },
      output: { total: 3, lines: [{ sku: "B" }], note: "x" },
    },
    { name: "throws", input: { amount: "1,5" }, output: { total: 1.5 } },
    { name: "schema", input: { amount: "-2" }, output: { total: -2 } },
  ],
};

describe("testMapping", () => {
  it("reports each sample with structured diffs, errors and schema issues", async () => {
    const report = await testMapping(mapping);
    expect(report.passed).toBe(false);
    expect(report.samples.map((sample) => [sample.name, sample.passed])).toEqual([
      ["ok", true],
      ["wrong", false],
      ["throws", false],
      ["schema", false],
    ]);
    expect(report.samples[1]?.diffs).toEqual([
      { pointer: "/lines/1", expected: undefined, actual: { sku: "C" } },
      { pointer: "/note", expected: "x", actual: undefined },
    ]);
    expect(report.samples[2]?.error).toEqual({
      code: "MAPPING_RULE_INVALID",
      message: 'mapping rule /rules/0: to_float got "1,5" (not a number)',
      path: "/rules/0/transforms/0",
    });
    expect(report.samples[3]?.diffs).toEqual([]);
    expect(report.samples[3]?.issues).toEqual([
      expect.objectContaining({ pointer: "/total", rule: "/rules/0", keyword: "minimum" }),
    ]);
  });

  it("passes when every sample matches, and vacuously without samples", async () => {
    const good = { ...mapping, samples: mapping.samples?.slice(0, 1) };
    expect((await testMapping(good)).passed).toBe(true);
    expect(await testMapping({ rules: mapping.rules })).toEqual({ passed: true, samples: [] });
  });
});
