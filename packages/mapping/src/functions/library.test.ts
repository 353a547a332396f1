import { describe, expect, it } from "vitest";
import {
  compileExpression,
  libraryFunctions,
  MappingError,
  registeredFunctions,
  registerFunction,
} from "../index";

describe("function library examples", () => {
  for (const fn of libraryFunctions) {
    describe(`$${fn.name}`, () => {
      it("has a doc line, a signature and at least one example", () => {
        expect(fn.doc.length).toBeGreaterThan(10);
        expect(fn.signature).toMatch(/^<.*>$/);
        expect(fn.examples.length).toBeGreaterThan(0);
      });
      for (const example of fn.examples) {
        it(`${example.expr} ${example.throws ? `throws ${example.throws}` : `→ ${JSON.stringify(example.output)}`}`, async () => {
          const run = compileExpression(example.expr).evaluate(example.input ?? {});
          if (example.throws !== undefined) {
            const error = await run.then(
              () => undefined,
              (failure: unknown) => failure,
            );
            expect(error).toBeInstanceOf(MappingError);
            expect(String((error as MappingError).message)).toContain(example.throws);
          } else {
            expect(await run).toEqual(example.output);
          }
        });
      }
    });
  }
});

describe("registration", () => {
  it("registers every implemented library function and shadows no JSONata built-in", () => {
    const names = registeredFunctions().map((fn) => fn.name);
    for (const fn of libraryFunctions) {
      expect(names.includes(fn.name)).toBe(fn.implementation !== undefined);
    }
  });

  it("keeps JSONata's own $trim, $round and $lookup semantics", async () => {
    expect(await compileExpression("$round(2.5)").evaluate({})).toBe(2);
    expect(await compileExpression('$lookup({"a": 1}, "a")').evaluate({})).toBe(1);
  });

  it("lets a host register its own function next to the library", async () => {
    registerFunction("vat", (net: number, rate: number) => Math.round(net * rate * 100) / 100, "<nn:n>");
    const expression = compileExpression("$vat($to_float(net), 0.2)");
    expect(await expression.evaluate({ net: "10.05" })).toBe(2.01);
  });

  it("calls library functions directly once the date engine is captured", async () => {
    await compileExpression("$date_format(0)").evaluate({});
    const dateFormat = registeredFunctions().find((fn) => fn.name === "date_format");
    const format = dateFormat?.implementation as unknown as (value: unknown, picture?: string) => string;
    expect(format(86_400_000, "[Y0001]-[M01]-[D01]")).toBe("1970-01-02");
  });
});
