import type { AnyGenerator } from "../types";
import { bundleGenerator } from "./bundle/index";
import { mockGenerator } from "./mock/index";
import { openApiGenerator } from "./openapi/index";
import { postmanGenerator } from "./postman/index";
import { sdkPythonGenerator } from "./sdk-python/index";
import { sdkTsGenerator } from "./sdk-ts/index";
import { testsGenerator } from "./tests/index";

/** The built-in generators, by name. */
export const builtinGenerators: readonly AnyGenerator[] = [
  openApiGenerator,
  sdkTsGenerator,
  sdkPythonGenerator,
  postmanGenerator,
  testsGenerator,
  mockGenerator,
  bundleGenerator,
];
