import { sha256Hex } from "../json";

/**
 * How many distinct statement texts a store names. The texts it names are fixed per schema (the
 * one-record path's few); past the bound a text is sent unnamed, so a text that varied without
 * bound could not grow every connection's statement cache.
 */
const MAX_NAMED_TEXTS = 512;

/**
 * Names for PostgreSQL prepared statements, one per statement text. A named statement is parsed
 * and planned once per connection (pg sends its text once, then only parameters); sent unnamed,
 * the one-record path's three statements (≈ 2.5 KB each) were parsed and planned on every
 * arrival, which cost more than our whole Node side of it (issue 21: p50 of a webhook arrival
 * 15–17 → 8–10 ms on the 2-core box). The name is derived from the text, so stores on other
 * schemas sharing a pool (and so its connections) never give one name two texts.
 */
export function preparedStatementNames(): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_TEXTS) {
      name = `synapseops_${sha256Hex(text).slice(0, 40)}`;
      names.set(text, name);
    }
    return name;
  };
}
