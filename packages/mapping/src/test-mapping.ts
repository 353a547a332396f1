import { MappingError } from "./errors";
import { compileMappingDefinition } from "./mapping-definition";
import type { MappingDefinition } from "./types";
import { type OutputIssue, validateOutput } from "./validate-output";

/** One difference between a sample's expected and actual output. */
export interface SampleDiff {
  /** JSON pointer into the output (`""` is the whole output). */
  pointer: string;
  /** The expected value (`undefined` when the field should be absent). */
  expected: unknown;
  /** The actual value (`undefined` when the field is absent). */
  actual: unknown;
}

/** The result of one golden sample. */
export interface SampleResult {
  /** Index in `samples`. */
  index: number;
  name?: string;
  passed: boolean;
  /** Field-by-field differences; empty when the output matched. */
  diffs: SampleDiff[];
  /** Output schema issues of the actual output, when the mapping has an output schema. */
  issues: OutputIssue[];
  /** The failure, when the mapping threw on this input. */
  error?: { code: string; message: string; path?: string };
}

/** What {@link testMapping} reports. */
export interface MappingTestReport {
  /** True when every sample passed (also when there are none). */
  passed: boolean;
  samples: SampleResult[];
}

/**
 * Runs a mapping's golden samples and reports, per sample, pass or fail with structured diffs.
 *
 * @example
 * ```ts
 * const report = await testMapping({
 *   rules: [{ target: "total", from: "amount", transforms: ["to_float"] }],
 *   samples: [{ input: { amount: "12.50" }, output: { total: 12.5 } }],
 * });
 * report.passed; // true
 * ```
 * @throws {MappingError} `MAPPING_RULE_INVALID` / `MAPPING_SYNTAX` when the mapping does not compile.
 */
export async function testMapping(mapping: MappingDefinition): Promise<MappingTestReport> {
  // Validate separately so a schema failure still shows the diffs of the output it rejected.
  const compiled = compileMappingDefinition({ ...mapping, outputSchema: undefined });
  const samples: SampleResult[] = [];
  for (const [index, sample] of (mapping.samples ?? []).entries()) {
    const result: SampleResult = { index, passed: false, diffs: [], issues: [] };
    if (sample.name !== undefined) result.name = sample.name;
    try {
      const actual = plain(await compiled.evaluate(sample.input));
      result.diffs = diffValues(plain(sample.output), actual);
      if (mapping.outputSchema !== undefined)
        result.issues = validateOutput(mapping.outputSchema, actual, mapping.rules);
    } catch (error) {
      result.error =
        error instanceof MappingError
          ? {
              code: error.code,
              message: error.message,
              ...(error.path === undefined ? {} : { path: error.path }),
            }
          : { code: "INTERNAL", message: String(error) };
    }
    result.passed = result.error === undefined && result.diffs.length === 0 && result.issues.length === 0;
    samples.push(result);
  }
  return { passed: samples.every((sample) => sample.passed), samples };
}

/** JSON as it would be sent: drops undefined fields and JSONata's sequence markers on arrays. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural differences between two JSON values, as JSON pointers. */
export function diffValues(expected: unknown, actual: unknown, pointer = ""): SampleDiff[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    return Array.from({ length }, (_, index) =>
      diffValues(expected[index], actual[index], `${pointer}/${index}`),
    ).flat();
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) =>
      diffValues(expected[key], actual[key], `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`),
    );
  }
  return Object.is(expected, actual) ? [] : [{ pointer, expected, actual }];
}
