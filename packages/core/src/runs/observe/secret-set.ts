import { escapeRegExp } from "../../redaction/credential-rules";

/** How many loose secret values a {@link SecretSet} keeps by default (see `maxSecrets`). */
export const DEFAULT_MAX_SECRETS = 10_000;

/** Values shorter than this are not registered: they would hide too much ordinary text. */
const MIN_SECRET_LENGTH = 4;

/**
 * The secret values a redactor masks, kept bounded however long the process lives (issue 22:
 * every refreshed token used to be kept forever).
 *
 * - **pinned** values (the runtime's configured secrets) are never forgotten;
 * - **slots** hold values that rotate — one slot per connection: replacing a slot's values keeps
 *   the generation before as well, so a call still in flight with the token just replaced is
 *   masked; older generations are forgotten (the provider retired them);
 * - **loose** values (what a secret provider resolves, a PKCE verifier) are kept most recently
 *   used first, up to `maxLoose`; registering a value again marks it used, so a value in use is
 *   never the one forgotten.
 */
export class SecretSet {
  private readonly pinned = new Set<string>();
  private readonly slots = new Map<string, { current: readonly string[]; previous: readonly string[] }>();
  // A Map iterates in insertion order: deleting and setting again moves a value to the end.
  private readonly loose = new Map<string, true>();
  private cached: RegExp | null | undefined;

  constructor(private readonly maxLoose: number = DEFAULT_MAX_SECRETS) {}

  /** Keeps `value` for good. */
  pin(value: string): void {
    if (!worthKeeping(value) || this.pinned.has(value)) return;
    this.pinned.add(value);
    this.cached = undefined;
  }

  /** Keeps `value` while it is among the `maxLoose` most recently registered loose values. */
  add(value: string): void {
    if (!worthKeeping(value)) return;
    const known = this.loose.delete(value);
    this.loose.set(value, true);
    if (known) return;
    if (this.loose.size > this.maxLoose) {
      const oldest = this.loose.keys().next().value;
      if (oldest !== undefined) this.loose.delete(oldest);
    }
    this.cached = undefined;
  }

  /**
   * Makes `values` the slot's current generation; the generation they replace stays masked until
   * the next replacement. Registering the current values again changes nothing.
   */
  replace(slot: string, values: readonly string[]): void {
    const next = [...new Set(values.filter(worthKeeping))].sort();
    const held = this.slots.get(slot);
    if (held !== undefined && sameValues(held.current, next)) return;
    // A reader that loaded the generation before (a stale read racing a refresh) swaps the two
    // back rather than forgetting the newer one.
    const previous = held === undefined ? [] : held.current;
    this.slots.set(slot, { current: next, previous });
    this.cached = undefined;
  }

  /** Forgets a slot's values (a deleted connection). */
  drop(slot: string): void {
    if (this.slots.delete(slot)) this.cached = undefined;
  }

  /** How many values are held in all (for bounds checks and metrics). */
  get size(): number {
    let slotted = 0;
    for (const held of this.slots.values()) slotted += held.current.length + held.previous.length;
    return this.pinned.size + this.loose.size + slotted;
  }

  /** One case-insensitive pattern matching every held value, longest first; undefined when none. */
  pattern(): RegExp | undefined {
    if (this.cached === undefined) {
      const all = new Set<string>([...this.pinned, ...this.loose.keys()]);
      for (const held of this.slots.values())
        for (const value of [...held.current, ...held.previous]) all.add(value);
      const alternatives = [...all].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.cached = alternatives.length === 0 ? null : new RegExp(alternatives.join("|"), "gi");
    }
    return this.cached ?? undefined;
  }
}

function worthKeeping(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
