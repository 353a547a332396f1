/** Naming helpers shared by the generators: identifiers safe in TypeScript and Python. */

const TS_RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield any boolean number string symbol type from of unknown never object bigint undefined await async Record Partial Array Promise Error Date Blob File FormData Response Request Headers URL".split(
    " ",
  ),
);
const PY_RESERVED = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self type list dict str int float bool object id".split(
    " ",
  ),
);

/** Words of a name: splits on non-alphanumerics and camel-case humps. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `pet-store.Item` → `PetStoreItem`; never empty, never starting with a digit. */
export function pascalCase(name: string): string {
  const out = words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
  const safe = out === "" ? "Unnamed" : /^[0-9]/.test(out) ? `T${out}` : out;
  return TS_RESERVED.has(safe) ? `${safe}Type` : safe;
}

/**
 * `GetCustomers`/`get_customers` → `getCustomers`; a TypeScript-safe identifier. A leading
 * acronym is lowered whole: `GET_ChargeMetrics` → `getChargeMetrics`, `HTTPServer` →
 * `httpServer` (issue 19), not `gETChargeMetrics`.
 */
export function camelCase(name: string): string {
  const parts = words(name);
  const out = parts.map((w, i) => (i === 0 ? lowerLead(w) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
  const safe = out === "" ? "unnamed" : /^[0-9]/.test(out) ? `_${out}` : out;
  return TS_RESERVED.has(safe) ? `${safe}_` : safe;
}

/** The first word of a camel-case name: its leading capitals lowered, but a hump's own capital kept. */
function lowerLead(word: string): string {
  const run = /^[A-Z]+/.exec(word)?.[0] ?? "";
  // `HTTPServer`: the run's last capital starts the next hump (`Server`); `GET`, `ID2`: all of it.
  const lowered = run.length > 1 && /[a-z]/.test(word.charAt(run.length)) ? run.length - 1 : run.length;
  return word.slice(0, Math.max(lowered, 1)).toLowerCase() + word.slice(Math.max(lowered, 1));
}

/** `GetCustomers` → `get_customers`; a Python-safe identifier. */
export function snakeCase(name: string): string {
  const out = words(name)
    .map((w) => w.toLowerCase())
    .join("_");
  const safe = out === "" ? "unnamed" : /^[0-9]/.test(out) ? `_${out}` : out;
  return PY_RESERVED.has(safe) ? `${safe}_` : safe;
}

/** Gives each wanted name a unique variant (`Name`, `Name2`, …), deterministically in call order. */
export class NameAllocator {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.add(name);
  }
  allocate(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.used.has(name); n++) name = `${wanted}${n}`;
    this.used.add(name);
    return name;
  }
}

/** A property key as written in a TypeScript type: bare when an identifier, quoted otherwise. */
export function tsPropertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/** Text safe inside a `/** … *\/` comment, on one line. */
export function docText(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").replaceAll("*/", "*\\/").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
