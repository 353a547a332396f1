/**
 * The test API of `@synapseops/core/testing`'s CommonJS build (issue 18): vitest refuses
 * `require()`, so the CJS build takes `describe`, `it`, `expect` and the hooks from the globals a
 * CommonJS host's runner defines (Jest; vitest with `globals: true`), looked up when a suite is
 * declared, not when the module loads — `require("@synapseops/core/testing")` always succeeds.
 * The build swaps this module in for `vitest` (core's tsup config); the ESM build imports vitest.
 */
import { ErrorCode, SynapseError } from "../errors";

// biome-ignore lint/suspicious/noExplicitAny: the runner's API, whatever runner defines it.
type AnyFunction = (...args: any[]) => any;

function runnerGlobal(name: string): AnyFunction & Record<string, AnyFunction> {
  const value = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== "function") {
    throw new SynapseError(
      ErrorCode.DEPENDENCY_MISSING,
      `@synapseops/core/testing from require() needs the test runner's global "${name}" (Jest, or vitest with globals: true); import it as ESM under vitest instead`,
    );
  }
  return value as AnyFunction & Record<string, AnyFunction>;
}

/** `describe`/`it` with vitest's `skipIf`, on the runner's `skip`. */
function suiteFunction(name: string) {
  const call = (...args: unknown[]) => runnerGlobal(name)(...args);
  return Object.assign(call, {
    skip: (...args: unknown[]) => runnerGlobal(name).skip?.(...args),
    skipIf:
      (condition: unknown) =>
      (...args: unknown[]) =>
        condition ? runnerGlobal(name).skip?.(...args) : runnerGlobal(name)(...args),
  });
}

const hook =
  (name: string) =>
  (...args: unknown[]) =>
    runnerGlobal(name)(...args);

export const describe = suiteFunction("describe");
export const it = suiteFunction("it");
export const beforeAll = hook("beforeAll");
export const afterAll = hook("afterAll");
/** `expect(value)` and its statics (`expect.any`), from the runner. */
export const expect = new Proxy((...args: unknown[]) => runnerGlobal("expect")(...args), {
  get: (_target, property) => runnerGlobal("expect")[property as string],
});
