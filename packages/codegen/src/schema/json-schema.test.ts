import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { toJsonSchema } from "./json-schema";

describe("toJsonSchema", () => {
  it('reads { type: "null", oneOf } (no value fits it literally) as null or one of the branches', () => {
    const schema = toJsonSchema({ type: "null", oneOf: [{ type: "number" }, { type: "boolean" }] }, false);
    const validate = new Ajv2020({ strict: false }).compile(schema as object);
    expect([1, true, null].map((value) => validate(value))).toEqual([true, true, true]);
    expect(validate("text")).toBe(false);
  });

  it('leaves a plain { type: "null" } alone', () => {
    expect(toJsonSchema({ type: "null" }, false)).toEqual({ type: "null" });
  });
});
