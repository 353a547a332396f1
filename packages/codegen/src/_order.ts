import { CodegenConfigError } from "./errors";
import type { AnyGenerator } from "./types";

/**
 * The generators to run for `targets`, dependencies added, in an order where each runs after its
 * `dependsOn` and (selected) `after` entries. A cycle is an error naming it.
 */
export function orderGenerators(
  targets: readonly string[],
  registry: ReadonlyMap<string, AnyGenerator>,
): AnyGenerator[] {
  const selected = new Set<string>();
  const add = (name: string, from?: string): void => {
    if (selected.has(name)) return;
    if (!registry.has(name)) {
      throw new CodegenConfigError(
        `unknown target "${name}"${from ? ` (a dependency of "${from}")` : ""}; targets: ${[...registry.keys()].join(", ")}`,
        { path: "/targets" },
      );
    }
    selected.add(name);
    for (const dep of registry.get(name)?.dependsOn ?? []) add(dep, name);
  };
  for (const target of targets) add(target);
  const edges = new Map<string, string[]>();
  for (const name of selected) {
    const generator = registry.get(name)!;
    const before = [...(generator.dependsOn ?? [])];
    for (const entry of generator.after ?? []) {
      if (entry === "*")
        before.push(
          ...[...selected].filter((other) => other !== name && !registry.get(other)?.after?.includes("*")),
        );
      else if (selected.has(entry)) before.push(entry);
    }
    edges.set(name, before);
  }
  const ordered: AnyGenerator[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new CodegenConfigError(`generator dependency cycle: ${cycle.join(" → ")}`, { path: "/targets" });
    }
    state.set(name, "visiting");
    for (const dep of [...(edges.get(name) ?? [])].sort()) visit(dep, [...trail, name]);
    state.set(name, "done");
    ordered.push(registry.get(name)!);
  };
  for (const name of [...selected].sort()) visit(name, []);
  return ordered;
}
