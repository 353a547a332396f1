import { MappingError, MappingErrorCode } from "./errors";
import { libraryFunctions } from "./functions/index";

/** A function callable from every mapping expression as `$name(...)`. */
export interface MappingFunction {
  /** The name without the `$`. */
  name: string;
  /** The implementation; it receives the evaluated arguments. */
  implementation: (...args: never[]) => unknown;
  /** A JSONata function signature such as `<s-:n>`; checked by the engine when given. */
  signature?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Seeded with the function library (not the JSONata built-ins it only documents), so every
// expression sees it without an import-time registration call.
const registry = new Map<string, MappingFunction>(
  libraryFunctions.flatMap((fn) =>
    fn.implementation === undefined
      ? []
      : [[fn.name, { name: fn.name, implementation: fn.implementation, signature: fn.signature }] as const],
  ),
);

/**
 * Registers a function for every expression compiled afterwards.
 *
 * @example
 * ```ts
 * registerFunction("cents", (amount: number) => Math.round(amount * 100), "<n:n>");
 * await compileExpression("$cents(price)").evaluate({ price: 12.5 }); // 1250
 * ```
 * @throws {MappingError} `MAPPING_RULE_INVALID` when the name is not an identifier.
 */
export function registerFunction(
  name: string,
  implementation: MappingFunction["implementation"],
  signature?: string,
): void {
  if (!IDENTIFIER.test(name)) {
    throw new MappingError(MappingErrorCode.RULE_INVALID, `function name "${name}" is not an identifier`);
  }
  registry.set(name, { name, implementation, ...(signature === undefined ? {} : { signature }) });
  version++;
}

let version = 0;

/** Changes whenever a function is registered: what was built from the registry is stale then. */
export function registryVersion(): number {
  return version;
}

/** The functions registered so far, in registration order. */
export function registeredFunctions(): readonly MappingFunction[] {
  return [...registry.values()];
}
