/** One worked example of a library function; every example is run as a test. */
export interface FunctionExample {
  /** A JSONata expression calling the function. */
  expr: string;
  /** The input the expression is evaluated against. */
  input?: unknown;
  /** The expected result (omitted when the example throws or gives nothing). */
  output?: unknown;
  /** A fragment of the expected error message, when the example shows a failure. */
  throws?: string;
}

/**
 * A function of the mapping library, as a plain definition: the generated reference
 * (`docs/mapping-functions.md`), the registry and the tests are all derived from it.
 */
export interface LibraryFunction {
  /** The name without the `$`. */
  name: string;
  /** One line saying what it does. */
  doc: string;
  /** The JSONata signature, e.g. `<x-:n>`, shown in the reference. */
  signature: string;
  /** Worked examples; each is run as a test. */
  examples: readonly FunctionExample[];
  /**
   * The implementation. Absent for JSONata built-ins that the library documents but never
   * shadows (`$trim`, `$split`, `$join`, `$round`, `$merge`, `$lookup`), so expressions keep
   * standard JSONata semantics.
   */
  implementation?: (...args: never[]) => unknown;
}
