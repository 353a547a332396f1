import type { LibraryFunction } from "./define";

function show(value: unknown): string {
  return value === undefined ? "_(nothing)_" : `\`${JSON.stringify(value)}\``;
}

/**
 * Renders the function reference (`docs/mapping-functions.md`) from the library definitions,
 * so the page, the registry and the example tests cannot drift apart.
 */
export function renderFunctionReference(functions: readonly LibraryFunction[]): string {
  const lines = [
    "<!-- generated — do not edit: run `npm run function-reference -w @synapseops/mapping` -->",
    "",
    "# Mapping function library",
    "",
    "Every mapping expression can call these functions. Rule transforms name them without the `$`",
    "(see [the mapping guide](./mapping.md)). Entries marked _built-in_ are JSONata's own functions,",
    "listed for completeness; the library never redefines them. Every example below is run as a test.",
    "",
    ...functions.map((fn) => `- [\`$${fn.name}\`](#${fn.name})${fn.implementation ? "" : " (built-in)"}`),
    "",
  ];
  for (const fn of functions) {
    lines.push(
      `## ${fn.name}`,
      "",
      `\`$${fn.name}${fn.signature}\`${fn.implementation ? "" : " — JSONata built-in"}`,
      "",
    );
    lines.push(fn.doc, "", "Examples:", "");
    for (const example of fn.examples) {
      const result =
        example.throws === undefined ? `→ ${show(example.output)}` : `fails with \`${example.throws}\``;
      lines.push(`- \`${example.expr}\` on \`${JSON.stringify(example.input ?? {})}\` ${result}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
