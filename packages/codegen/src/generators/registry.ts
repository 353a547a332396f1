import type { AnyGenerator } from "../types";
import { bundleGenerator } from "./bundle/index";
import { mockGenerator } from "./mock/index";
import { openApiGenerator } from "./openapi/index";
import { postmanGenerator } from "./postman/index";
import { sdkPythonGenerator } from "./sdk-python/index";
import { sdkTsGenerator } from "./sdk-ts/index";
import { testsGenerator } from "./tests/index";

/** The built-in generators as a tuple, so their names are literal types. */
const builtins = [
  openApiGenerator,
  sdkTsGenerator,
  sdkPythonGenerator,
  postmanGenerator,
  testsGenerator,
  mockGenerator,
  bundleGenerator,
] as const satisfies readonly AnyGenerator[];

/** The built-in generators, by name. */
export const builtinGenerators: readonly AnyGenerator[] = builtins;

/** The names of the built-in generators. */
export type BuiltinTarget = "openapi" | "sdk-ts" | "sdk-python" | "postman" | "tests" | "mock" | "bundle";

// The union above must name exactly the built-in generators (a compile error otherwise).
type BuiltinNames = (typeof builtins)[number]["name"];
const sameNames: [BuiltinNames] extends [BuiltinTarget]
  ? [BuiltinTarget] extends [BuiltinNames]
    ? true
    : never
  : never = true;
void sameNames;

/**
 * The target names `generate()` accepts with these extra generators: the built-in ones and
 * theirs. A generator whose name is only known as `string` makes it `string` (checked at run time).
 */
export type TargetName<Generators extends readonly AnyGenerator[]> =
  | BuiltinTarget
  | Generators[number]["name"];
