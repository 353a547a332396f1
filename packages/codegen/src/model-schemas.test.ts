import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { generateModelSchemas } from "./index";

describe("generateModelSchemas", () => {
  it("writes one compilable JSON Schema per entity, deterministically", () => {
    const files = generateModelSchemas({ io: "input" });
    expect(files.map((f) => f.path)).toContain("schemas/BlueprintBody.json");
    expect(generateModelSchemas({ io: "input" })).toEqual(files);
    const ajv = new Ajv2020({ strict: false });
    for (const file of files) expect(() => ajv.compile(JSON.parse(String(file.contents)))).not.toThrow();
  });

  it("accepts a valid blueprint body and rejects an invalid one with its location", () => {
    const file = generateModelSchemas({ io: "input" }).find((f) => f.path === "schemas/BlueprintBody.json")!;
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(String(file.contents)));
    const body = {
      source: { connector: "con_a" },
      target: { connector: "con_b" },
      steps: [{ id: "send", kind: "send", connector: "con_b" }],
    };
    expect(validate(body)).toBe(true);
    expect(validate({ ...body, steps: [{ id: "x", kind: "teleport" }] })).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath.startsWith("/steps/0"))).toBe(true);
  });
});
