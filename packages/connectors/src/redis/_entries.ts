/** One stream entry: its id and its fields. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** Parses the `[id, [field, value, …]]` pairs Redis returns for XRANGE and friends. */
export function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    // XAUTOCLAIM lists deleted entries as [id, null].
    if (!Array.isArray(item) || !Array.isArray(item[1])) continue;
    const flat = item[1] as unknown[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
    entries.push({ id: String(item[0]), fields });
  }
  return entries;
}

/** Parses an XREADGROUP reply: `[[stream, entries]]` or null. */
export function parseReadGroup(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const first = raw[0] as unknown[];
  return parseEntries(first?.[1]);
}
