import { RandExp, withoutLazyQuantifiers } from "./_pattern";
import { unicodePattern } from "./_unicode-pattern";

/** The parts of randexp's parse tree (its `ret` tokens) a length bound reads. */
interface Token {
  type: number;
  stack?: Token[];
  options?: Token[][];
  min?: number;
  value?: Token;
  followedBy?: boolean;
  notFollowedBy?: boolean;
}

/** ret's token types (ret/dist/types/types.js). */
const ROOT = 0;
const GROUP = 1;
const SET = 3;
const RANGE = 4;
const REPETITION = 5;
const CHAR = 7;

/**
 * How many characters any string matching `pattern` has at least (a lower bound: lookarounds and
 * back-references count 0), or undefined when the pattern cannot be read. An unanchored pattern
 * still needs one match inside the string, so the bound holds for JSON Schema's `pattern` too.
 */
export function shortestMatchLength(pattern: string): number | undefined {
  const source = unicodePattern(pattern);
  if (source === undefined) return undefined;
  try {
    const tokens = (
      new RandExp(new RegExp(withoutLazyQuantifiers(source), "u")) as unknown as { tokens: Token }
    ).tokens;
    return length(tokens);
  } catch {
    return undefined;
  }
}

function length(token: Token): number {
  switch (token.type) {
    case ROOT:
    case GROUP:
      if (token.followedBy || token.notFollowedBy) return 0;
      if (token.options) return Math.min(...token.options.map(sum));
      return sum(token.stack ?? []);
    case SET:
    case RANGE:
    case CHAR:
      return 1;
    case REPETITION:
      return (token.min ?? 0) * (token.value ? length(token.value) : 0);
    default:
      return 0;
  }
}

function sum(tokens: readonly Token[]): number {
  return tokens.reduce((total, token) => total + length(token), 0);
}
