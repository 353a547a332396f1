// Type-level tests: codegen targets are typed from the registered generators (issue 18).
import { expectTypeOf } from "vitest";
import { defineConfig } from "./config";
import { generate } from "./generate";
import type { BuiltinTarget } from "./generators/registry";
import type { AnyGenerator, Generator } from "./types";

expectTypeOf<BuiltinTarget>().toEqualTypeOf<
  "openapi" | "sdk-ts" | "sdk-python" | "postman" | "tests" | "mock" | "bundle"
>();

void generate({ input: "openapi.yaml", targets: ["sdk-ts", "postman"], inMemory: true });
// issue 18: a misspelt target fails to compile.
// @ts-expect-error — "sdk-tss" is not a generator
void generate({ input: "openapi.yaml", targets: ["sdk-tss"], inMemory: true });
// @ts-expect-error — in the config file too
defineConfig({ input: "openapi.yaml", targets: ["postmann"] });

// A custom generator with a literal name adds its target.
const readme: Generator<{ title?: string }, "readme"> = {
  name: "readme",
  description: "A README",
  outDir: "readme",
  generate: (context, options) => [
    { path: "README.md", contents: options.title ?? context.document.info.title },
  ],
};
void generate({ input: "openapi.yaml", generators: [readme], targets: ["readme", "sdk-ts"], inMemory: true });
defineConfig({ input: "openapi.yaml", generators: [readme], targets: ["readme"] });
// @ts-expect-error — "readme" is only a target where the readme generator is given
void generate({ input: "openapi.yaml", targets: ["readme"], inMemory: true });

// Generators known only at run time (names as `string`) fall back to any target name.
declare const plugins: AnyGenerator[];
void generate({ input: "openapi.yaml", generators: plugins, targets: ["whatever"], inMemory: true });
