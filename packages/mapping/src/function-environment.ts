import type jsonata from "jsonata";
import { registeredFunctions, registryVersion } from "./function-registry";
import { budgetedString, guardedFunctions } from "./guards/guarded-functions";
import { type JsonataFrame, probeEnvironment } from "./guards/jsonata-environment";

/**
 * The functions every JSONata instance of ours gets — our guarded built-ins, then the host's
 * registered functions — defined once per output limit and registry version, not once per
 * compile: JSONata parses each signature when a function is registered, and a mapping compiled
 * for a one-off evaluation (a playground) paid that for ~60 functions every time (issue 21).
 * Instances get copies of the definitions (see `bindAll`).
 */
export interface FunctionEnvironment {
  /**
   * Binds them on a reference instance, `$string` refusing oversized values first (the host's
   * own `$string` still wins): those in `names`, or all.
   */
  setUpReference(expression: jsonata.Expression, names?: ReadonlySet<string>): void;
  /**
   * The environment the fast path resolves functions in: built-ins, our guarded ones and the
   * host's (no `$string` guard: the fast path checks that bound itself).
   */
  readonly frame: JsonataFrame;
}

/** One entry per output limit a caller uses; dropped wholesale when the registry changes. */
const environments = new Map<number, FunctionEnvironment>();
let builtFor = -1;

/** The shared {@link FunctionEnvironment} for `maxOutputSize` at the registry's current version. */
export function functionEnvironment(maxOutputSize: number): FunctionEnvironment {
  if (builtFor !== registryVersion()) {
    environments.clear();
    builtFor = registryVersion();
  }
  let environment = environments.get(maxOutputSize);
  if (environment === undefined) {
    // A host varying the output limit per compile must not grow this without bound.
    if (environments.size >= 16) environments.clear();
    environment = createEnvironment(maxOutputSize);
    environments.set(maxOutputSize, environment);
  }
  return environment;
}

type Definitions = readonly (readonly [string, unknown])[];

function createEnvironment(maxOutputSize: number): FunctionEnvironment {
  const guarded = guardedFunctions(maxOutputSize);
  const registered = registeredFunctions();
  const register = (expression: jsonata.Expression): void => {
    for (const fn of [...guarded, ...registered]) {
      expression.registerFunction(
        fn.name,
        fn.implementation as (...args: unknown[]) => unknown,
        fn.signature,
      );
    }
  };
  const string = budgetedString(maxOutputSize);
  const registerReference = (expression: jsonata.Expression): void => {
    expression.registerFunction(
      string.name,
      string.implementation as (...args: unknown[]) => unknown,
      string.signature,
    );
    register(expression);
  };
  const names = [...new Set([...guarded, ...registered].map((fn) => fn.name))];
  let frame: JsonataFrame | undefined;
  let referenceDefinitions: Definitions | undefined;
  const define = (from: JsonataFrame, all: readonly string[]): Definitions =>
    all.map((name) => [name, from.lookup(name)] as const);
  // Each instance binds its own copy (what `registerFunction` does after defining): jsonata
  // stamps a call's position and name on the function value and reports them in a later error,
  // so a shared value would carry one expression's call site into another's error. The parsed
  // signature inside is shared: it keeps no state.
  const bindAll = (expression: jsonata.Expression, all: Definitions, names?: ReadonlySet<string>): void => {
    for (const [name, value] of all) {
      if (names !== undefined && !names.has(name)) continue;
      expression.assign(name, typeof value === "object" && value !== null ? { ...value } : value);
    }
  };
  const fastFrame = (): JsonataFrame => {
    frame ??= probeEnvironment(register);
    return frame;
  };
  return {
    get frame() {
      return fastFrame();
    },
    setUpReference(expression, referenced) {
      referenceDefinitions ??= define(probeEnvironment(registerReference), [
        ...new Set([string.name, ...names]),
      ]);
      bindAll(expression, referenceDefinitions, referenced);
    },
  };
}
