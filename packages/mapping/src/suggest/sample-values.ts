/** Values at a rule-form path (`line_items[].price`) in sample records, arrays flattened. */
export function valuesAt(samples: readonly unknown[], path: string): unknown[] {
  const segments = path.split(".").map((segment) => segment.replace(/`/g, ""));
  let current: unknown[] = [...samples];
  for (const segment of segments) {
    const array = segment.endsWith("[]");
    const key = array ? segment.slice(0, -2) : segment;
    const next: unknown[] = [];
    for (const value of current) {
      if (typeof value !== "object" || value === null) continue;
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined || child === null) continue;
      if (array && Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current;
}
